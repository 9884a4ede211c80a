package io.iocert.certifier.compare;

import io.iocert.spec.Metric;
import java.util.List;
import java.util.Optional;

/**
 * The comparison of one measurement present in both results.
 *
 * @param id                 requirement id
 * @param probe              probe id
 * @param metric             the metric
 * @param unit               canonical unit of the values
 * @param direction          which way the metric improves
 * @param referenceSamples   observations on the reference side (operations or intervals)
 * @param candidateSamples   observations on the candidate side
 * @param sideConfidence     the confidence of each side's quantile intervals (Bonferroni-adjusted)
 * @param quantiles          quantile-by-quantile differences
 * @param test               the k-sample Anderson-Darling test of the two distributions; empty
 *                           when there are too few observations for it
 * @param verdict            the verdict, when a tolerance was given
 * @param reason             one line on the verdict, or on the differences without a tolerance
 */
public record MeasurementComparison(
        String id,
        String probe,
        Metric metric,
        String unit,
        Direction direction,
        long referenceSamples,
        long candidateSamples,
        double sideConfidence,
        List<QuantileDifference> quantiles,
        Optional<AndersonDarling.Outcome> test,
        Optional<CompareVerdict> verdict,
        String reason) {
    public MeasurementComparison {
        quantiles = List.copyOf(quantiles);
    }
}
