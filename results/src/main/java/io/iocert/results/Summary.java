package io.iocert.results;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Summary statistics of one measurement's samples, in the measurement's canonical unit.
 * A convenience for people and spreadsheets; the certifier works from the full distribution.
 */
public record Summary(
        double min, double mean, double p50, double p90, double p99, double p999, double max, double stddev) {

    /** The summary of a histogram (its own percentile definition); null when it is empty. */
    public static Summary of(Histogram h) {
        if (h == null || h.getTotalCount() == 0) {
            return null;
        }
        return new Summary(
                h.getMinValue(),
                h.getMean(),
                h.getValueAtPercentile(50),
                h.getValueAtPercentile(90),
                h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9),
                h.getMaxValue(),
                h.getStdDeviation());
    }

    /**
     * The summary of interval values: percentiles by nearest rank, standard deviation of the
     * population (as HdrHistogram computes it); null when there are no values.
     */
    public static Summary of(List<Double> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        double mean = sum / sorted.size();
        double squares = 0;
        for (double v : sorted) {
            squares += (v - mean) * (v - mean);
        }
        return new Summary(
                sorted.get(0),
                mean,
                rank(sorted, 50),
                rank(sorted, 90),
                rank(sorted, 99),
                rank(sorted, 99.9),
                sorted.get(sorted.size() - 1),
                Math.sqrt(squares / sorted.size()));
    }

    private static double rank(List<Double> sorted, double percentile) {
        int r = (int) Math.ceil(percentile / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, r - 1)));
    }
}
