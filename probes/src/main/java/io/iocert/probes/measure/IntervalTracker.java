package io.iocert.probes.measure;

import io.iocert.results.IntervalSeries;
import java.util.OptionalLong;

/**
 * Per-interval throughput and IOPS of one thread, with the interval length either fixed by
 * the spec or chosen after the run.
 *
 * <p>Without a fixed interval the default is 1 s, but a run shorter than ten of those gets
 * the longest of 500, 200, 100, 50, 20, 10, 5, 2, 1 ms that still yields ten intervals, so a
 * short run still has a distribution. Since the run length is only known at the end, two
 * accumulators run side by side: 1-ms buckets for the first 10 s and 1-s buckets throughout.
 */
public final class IntervalTracker {
    public static final long DEFAULT_INTERVAL_NS = 1_000_000_000L;
    public static final int MIN_INTERVALS = 10;
    private static final long FINE_NS = 1_000_000L;
    private static final long[] SHORTER_NS = {
        500_000_000L,
        200_000_000L,
        100_000_000L,
        50_000_000L,
        20_000_000L,
        10_000_000L,
        5_000_000L,
        2_000_000L,
        1_000_000L
    };

    /** The series of one run: the interval length used and the two rates. */
    public record Series(long intervalNs, IntervalSeries throughput, IntervalSeries iops) {}

    private final IntervalAccumulator main;
    private final IntervalAccumulator fine;

    /**
     * @param originNs      start of the measurement (after warm-up)
     * @param fixedInterval the spec's interval, or empty to choose after the run
     */
    public IntervalTracker(long originNs, OptionalLong fixedInterval) {
        this.main =
                new IntervalAccumulator(originNs, fixedInterval.orElse(DEFAULT_INTERVAL_NS), Integer.MAX_VALUE - 16);
        this.fine = fixedInterval.isPresent()
                ? null
                : new IntervalAccumulator(
                        originNs, FINE_NS, Math.toIntExact(DEFAULT_INTERVAL_NS * MIN_INTERVALS / FINE_NS));
    }

    public void add(long startNs, long endNs, long bytes) {
        main.add(startNs, endNs, bytes);
        if (fine != null) {
            fine.add(startNs, endNs, bytes);
        }
    }

    public void merge(IntervalTracker other) {
        main.merge(other.main);
        if (fine != null) {
            fine.merge(other.fine);
        }
    }

    /** The rates over a measured span of {@code spanNs} (whole intervals only). */
    public Series series(long spanNs) {
        long intervalNs = fine == null ? main.bucketNs() : chooseIntervalNs(spanNs);
        IntervalAccumulator source = intervalNs % main.bucketNs() == 0 ? main : fine;
        return new Series(
                intervalNs,
                new IntervalSeries(intervalNs, source.bytesPerSecond(intervalNs, spanNs)),
                new IntervalSeries(intervalNs, source.opsPerSecond(intervalNs, spanNs)));
    }

    /** 1 s when the span holds ten of them, else the longest shorter step that does (1 ms at least). */
    public static long chooseIntervalNs(long spanNs) {
        if (spanNs >= DEFAULT_INTERVAL_NS * MIN_INTERVALS) {
            return DEFAULT_INTERVAL_NS;
        }
        for (long candidate : SHORTER_NS) {
            if (spanNs >= candidate * MIN_INTERVALS) {
                return candidate;
            }
        }
        return SHORTER_NS[SHORTER_NS.length - 1];
    }
}
