package io.iocert.certifier.stats;

import java.util.Arrays;
import org.HdrHistogram.Histogram;

/**
 * One histogram with a cumulative-count index, built on first use and kept. HdrHistogram
 * answers {@code getValueAtPercentile} and {@code getCountBetweenValues(0, v)} by walking its
 * counts from zero every time; the estimators ask one histogram for a dozen ranks and counts
 * (quantiles, order-statistic ends, the separate-mode check, design effects at several cuts),
 * each of them a walk over most of the counts. Here the buckets are cut into chunks of
 * {@link #BUCKETS_PER_CHUNK} consecutive buckets, and the index holds each chunk's cumulative
 * count: a question is a binary search for its chunk and a walk within that chunk only.
 *
 * <p>The index is built with HdrHistogram's own summing loop ({@code getCountBetweenValues}, one
 * pass in all): a walk bucket by bucket through the public API ({@code getCountAtValue},
 * {@code nextNonEquivalentValue}) costs about fifteen of HdrHistogram's internal walks, more
 * than the estimators ask of one histogram. The answers are HdrHistogram's own, to the bucket
 * ({@code CumulativeCountsTest} compares them). The histogram must not change after the first
 * question.
 */
final class CumulativeCounts {
    /**
     * Buckets per chunk (at most): walking one through the public API costs a few per cent of
     * HdrHistogram's walk over a 3-digit histogram's twelve thousand buckets.
     */
    static final int BUCKETS_PER_CHUNK = 64;

    private final Histogram h;
    /** The lowest value of each chunk's first bucket, ascending from 0; null until first asked. */
    private long[] starts;
    /** How many values lie in that chunk and the ones below it. */
    private long[] cumulative;

    CumulativeCounts(Histogram h) {
        this.h = h;
    }

    Histogram histogram() {
        return h;
    }

    long totalCount() {
        return h.getTotalCount();
    }

    /**
     * {@code h.getValueAtPercentile(percentile)}: the value of the first bucket whose cumulative
     * count reaches {@code ceil(percentile / 100 * n)} (at least 1), its highest equivalent value
     * (its lowest for percentile 0); 0 when the histogram is empty. The count is computed with
     * HdrHistogram's own arithmetic, one ulp below the percentile, so a percentile derived from a
     * rank lands on the same bucket as there.
     */
    long valueAtPercentile(double percentile) {
        double requested = Math.min(Math.max(Math.nextAfter(percentile, Double.NEGATIVE_INFINITY), 0.0), 100.0);
        long count = Math.max(1, (long) Math.ceil(requested * h.getTotalCount() / 100.0));
        index();
        int chunk = firstReaching(count);
        if (chunk < 0) {
            return 0;
        }
        long reached = chunk == 0 ? 0 : cumulative[chunk - 1];
        // The chunk's total reaches the count, so the walk ends within it.
        for (long v = starts[chunk]; ; v = h.nextNonEquivalentValue(v)) {
            reached += h.getCountAtValue(v);
            if (reached >= count) {
                return percentile == 0.0 ? v : h.highestEquivalentValue(v);
            }
        }
    }

    /**
     * {@code h.getCountBetweenValues(0, value)} for {@code value >= 0}: the values in the bucket
     * holding {@code value} and every bucket below it.
     */
    long countAtOrBelow(long value) {
        index();
        // The last chunk starting at or below value holds value's bucket, or value lies beyond
        // the last chunk (and so beyond every value recorded).
        int at = Arrays.binarySearch(starts, value);
        int chunk = at >= 0 ? at : -at - 2;
        long below = chunk == 0 ? 0 : cumulative[chunk - 1];
        return below + h.getCountBetweenValues(starts[chunk], value);
    }

    /** The first chunk whose cumulative count is at least {@code count}, or -1. */
    private int firstReaching(long count) {
        int lo = 0;
        int hi = cumulative.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < count) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < cumulative.length ? lo : -1;
    }

    private void index() {
        if (starts != null) {
            return;
        }
        long max = h.getMaxValue();
        // The first value past the bucket holding the largest value recorded.
        long end = h.nextNonEquivalentValue(max);
        long[] chunkStarts = new long[64];
        long[] sums = new long[64];
        int k = 0;
        long total = 0;
        long start = 0;
        do {
            // Chunks start on bucket boundaries: lowestEquivalentValue rounds down to one. From a
            // bucket of width w, 64 w further on lies 64 buckets on, fewer where the buckets
            // widen past a power of two, and always past the bucket holding start.
            long width = h.sizeOfEquivalentValueRange(start);
            long next = width > (end - start) / BUCKETS_PER_CHUNK
                    ? end
                    : Math.min(end, h.lowestEquivalentValue(start + BUCKETS_PER_CHUNK * width));
            if (k == chunkStarts.length) {
                chunkStarts = Arrays.copyOf(chunkStarts, 2 * k);
                sums = Arrays.copyOf(sums, 2 * k);
            }
            total += h.getCountBetweenValues(start, next - 1);
            chunkStarts[k] = start;
            sums[k] = total;
            k++;
            start = next;
        } while (start < end);
        cumulative = Arrays.copyOf(sums, k);
        starts = Arrays.copyOf(chunkStarts, k);
    }
}
