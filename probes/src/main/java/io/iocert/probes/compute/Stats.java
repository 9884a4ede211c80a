package io.iocert.probes.compute;

import io.iocert.results.Summary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.HdrHistogram.Histogram;

/** Summaries of per-iteration values (nearest-rank percentiles) and of histograms; null when empty. */
final class Stats {
    private Stats() {
    }

    static Summary of(List<Double> values) {
        if (values.isEmpty()) {
            return null;
        }
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        double mean = sum / s.size();
        double squares = 0;
        for (double v : s) {
            squares += (v - mean) * (v - mean);
        }
        return new Summary(s.get(0), mean, rank(s, 50), rank(s, 90), rank(s, 99), rank(s, 99.9), s.get(s.size() - 1),
                Math.sqrt(squares / s.size()));
    }

    static Summary of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return null;
        }
        return new Summary(h.getMinValue(), h.getMean(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
                h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue(), h.getStdDeviation());
    }

    private static double rank(List<Double> sorted, double percentile) {
        int r = (int) Math.ceil(percentile / 100 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, r - 1)));
    }
}
