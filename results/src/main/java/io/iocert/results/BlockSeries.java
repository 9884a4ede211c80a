package io.iocert.results;

import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Per-operation values (latency, rtt, hiccup) split into consecutive time blocks of equal
 * length, one histogram per block, in time order. The certifier uses the blocks to see how
 * much the values cluster in time (stalls come in bursts), so that its confidence intervals
 * do not pretend that a burst of slow operations is many independent observations.
 *
 * <p>A value belongs to the block in which its operation completed. Block histograms keep two
 * significant digits (they estimate how much the blocks differ, not the statistic itself,
 * which comes from the measurement's full-precision histogram). The histograms are shared,
 * not copied, and must not be modified after construction.
 *
 * @param blockNs    the length of one block
 * @param histograms one histogram per block, earliest first; a block without operations has
 *                   an empty histogram
 */
public record BlockSeries(long blockNs, List<Histogram> histograms) {
    public BlockSeries {
        if (blockNs <= 0) {
            throw new IllegalArgumentException("blockNs must be positive, got " + blockNs);
        }
        histograms = List.copyOf(histograms);
    }

    /** How many values the blocks hold together. */
    public long totalCount() {
        long n = 0;
        for (Histogram h : histograms) {
            n += h.getTotalCount();
        }
        return n;
    }
}
