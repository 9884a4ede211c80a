package io.iocert.certifier.stats;

import java.util.OptionalDouble;

/**
 * A statistic estimated from a measurement, with a two-sided confidence interval.
 *
 * @param value          the point estimate
 * @param low            the interval's lower end ({@link Double#NEGATIVE_INFINITY} when nothing
 *                       bounds it from below; reports show 0, as every metric iocert judges is
 *                       non-negative)
 * @param high           the interval's upper end ({@link Double#POSITIVE_INFINITY} when nothing
 *                       bounds it from above, as for a p99.9 from 100 samples)
 * @param confidence     the interval's confidence level
 * @param samples        how many observations it rests on (operations or intervals)
 * @param designEffect   how much wider than for independent observations the interval had to be
 *                       (variance ratio, at least 1; exactly 1 when independence was assumed)
 * @param method         how the interval was computed (see docs/statistics.md)
 * @param precision      how many samples would settle a comparison with a threshold
 */
public record Estimate(
        double value,
        double low,
        double high,
        double confidence,
        long samples,
        double designEffect,
        String method,
        Precision precision) {

    /** Estimates how many samples in all would make the interval clear {@code threshold}. */
    @FunctionalInterface
    public interface Precision {
        /**
         * The total sample count at which the interval would no longer contain
         * {@code threshold}, if the estimate stayed where it is; empty when no number of
         * samples would (the estimate sits on the threshold, or the statistic cannot be bounded).
         */
        OptionalDouble samplesFor(double threshold);
    }

    /** A point estimate with no interval: for statistics that no sample can bound. */
    public boolean bounded() {
        return !Double.isInfinite(high) && !Double.isInfinite(low);
    }
}
