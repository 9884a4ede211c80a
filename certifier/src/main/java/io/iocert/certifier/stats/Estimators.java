package io.iocert.certifier.stats;

import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.spec.Statistic;
import java.util.Arrays;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * Point estimates of a statistic from a measurement.
 *
 * <p>Per-operation metrics are estimated from the HdrHistogram. Its quantiles, min and max are
 * the highest value of the bucket they fall in, so an estimate errs high by at most the
 * histogram's precision (0.1% at the 3 significant digits our probes record), never low:
 * conservative for upper bounds such as "p99 <= 2 ms". Per-interval metrics are
 * estimated from the interval values themselves. Quantiles of interval values use the
 * nearest-rank definition: the q-quantile of n sorted values is the value at rank
 * {@code ceil(q * n)} (rank 1 for q = 0), so "p10 >= 400 MB/s" reads "at least 90% of
 * intervals ran at 400 MB/s or more" exactly.
 */
public final class Estimators {
    private Estimators() {
    }

    /** The estimate, or empty when the measurement carries no samples to estimate from. */
    public static Optional<Estimate> estimate(Measurement m, Statistic statistic) {
        if (m.histogram() != null && m.histogram().getTotalCount() > 0) {
            Histogram h = m.histogram();
            return Optional.of(new Estimate(fromHistogram(h, statistic), h.getTotalCount()));
        }
        if (m.intervals() != null && !m.intervals().values().isEmpty()) {
            IntervalSeries s = m.intervals();
            double[] v = s.values().stream().mapToDouble(Double::doubleValue).toArray();
            return Optional.of(new Estimate(fromValues(v, statistic), v.length));
        }
        return Optional.empty();
    }

    static double fromHistogram(Histogram h, Statistic s) {
        return switch (s.kind()) {
            case MIN -> h.getMinValue();
            case MAX -> h.getMaxValue();
            case MEAN -> h.getMean();
            case STDDEV -> h.getStdDeviation();
            case CV -> h.getMean() == 0 ? Double.NaN : h.getStdDeviation() / h.getMean();
            case MEDIAN, PERCENTILE -> h.getValueAtPercentile(s.quantile() * 100.0);
        };
    }

    static double fromValues(double[] values, Statistic s) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        double mean = Arrays.stream(v).sum() / n;
        double stddev = n < 2 ? 0 : Math.sqrt(Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / (n - 1));
        return switch (s.kind()) {
            case MIN -> v[0];
            case MAX -> v[n - 1];
            case MEAN -> mean;
            case STDDEV -> stddev;
            case CV -> mean == 0 ? Double.NaN : stddev / mean;
            case MEDIAN, PERCENTILE -> nearestRank(v, s.quantile());
        };
    }

    /** Nearest-rank quantile of sorted values. */
    static double nearestRank(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
