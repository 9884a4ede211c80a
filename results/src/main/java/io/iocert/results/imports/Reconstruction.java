package io.iocert.results.imports;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * A latency distribution rebuilt from what a tool printed about it: a count, the minimum, the
 * maximum and a few percentiles (fio's plain JSON). Good enough to judge quantiles near the
 * printed ones; not the measured distribution.
 *
 * <p>The ranks are placed as HdrHistogram reads them back: for each printed percentile p with
 * value v, exactly {@code ceil(p/100 * count)} values are at or below v, so the rebuilt
 * histogram's {@code getValueAtPercentile(p)} is v (to the histogram's precision, 0.1%). The
 * values between two printed percentiles are spread evenly (linearly) between their values, in
 * up to {@value #STEPS} steps; the lowest value is the minimum and the highest the maximum.
 * fio prints a percentile as the middle of its own latency bin (about 1.5% wide), which can lie
 * below the exact minimum or above the exact maximum it also prints; such a percentile is
 * taken as the minimum or maximum.
 *
 * <p>What is lost: the shape between printed percentiles (a quantile there is an
 * interpolation), everything about the tail above the highest printed percentile except the
 * maximum, and the mean and standard deviation (the rebuilt ones differ from the tool's, which
 * the importer keeps in the context).
 */
final class Reconstruction {
    /** Most distinct values placed between two printed percentiles. */
    static final int STEPS = 64;

    /** A printed percentile: {@code percent} in (0, 100), value in ns. */
    record Point(double percent, long value) {}

    private Reconstruction() {}

    /**
     * The rebuilt distribution of {@code count} values.
     *
     * @param points printed percentiles, ascending in percent
     */
    static Histogram of(long count, long min, long max, List<Point> points) {
        Histogram h = new Histogram(3);
        if (count <= 0) {
            return h;
        }
        long low = Math.max(0, min);
        long top = Math.max(max, low);
        if (count == 1) {
            h.recordValue(top);
            return h;
        }
        // The minimum and the maximum are exact in the tool's output: one value each, always.
        h.recordValue(low);
        long doneCount = 1;
        long fromValue = low;
        for (Point p : points) {
            long cumulative = Math.max(2, Math.min(count - 1, countAtPercentile(p.percent(), count)));
            long value = Math.min(top, Math.max(fromValue, p.value()));
            long c = cumulative - doneCount;
            if (c <= 0) {
                continue;
            }
            spread(h, c, fromValue, value);
            doneCount = cumulative;
            fromValue = value;
        }
        spread(h, count - doneCount, fromValue, top);
        return h;
    }

    /** How many values HdrHistogram counts at or below the p-th percentile of {@code count}. */
    static long countAtPercentile(double percent, long count) {
        double requested = Math.min(Math.max(Math.nextAfter(percent, Double.NEGATIVE_INFINITY), 0.0), 100.0);
        return Math.max(1, (long) Math.ceil(requested / 100.0 * count));
    }

    /** Records {@code c} values in (from, to], evenly spaced, the last exactly at {@code to}. */
    private static void spread(Histogram h, long c, long from, long to) {
        if (c <= 0) {
            return;
        }
        if (to == from) {
            h.recordValueWithCount(to, c);
            return;
        }
        int steps = (int) Math.min(c, STEPS);
        long placed = 0;
        for (int j = 1; j <= steps; j++) {
            long upTo = c * j / steps;
            long n = upTo - placed;
            placed = upTo;
            if (n > 0) {
                h.recordValueWithCount(j == steps ? to : from + Math.round((to - from) * (double) j / steps), n);
            }
        }
    }
}
