package io.iocert.probes.fs;

import io.iocert.probes.NanoClock;
import io.iocert.probes.measure.IntervalTracker;
import io.iocert.results.BlockRecorder;
import org.HdrHistogram.ValueRecorder;

/**
 * Times the operations of one thread: latency of each into a {@link ValueRecorder} (ns) and
 * its bytes into the interval series. Operations that started before {@code originNs}
 * (warm-up) are not counted; the interval series drops their pre-origin share.
 *
 * <p>Latency runs from the operation's planned start. In the closed loop (one operation
 * outstanding, the next issued when the previous returns) the planned start is the moment the
 * operation is issued; the open-loop schedule ({@code rate}) passes the time the schedule
 * wanted it issued, so a stall also counts against the operations it delayed.
 */
final class OperationRecorder {
    private final NanoClock clock;
    private final ValueRecorder latencyNs;
    private final IntervalTracker intervals;
    private final long originNs;
    private final BlockRecorder blocks;
    private long measuredOps;
    private long measuredBytes;
    private long lastEndNs;
    private boolean finishedAny;

    /** Times nothing: for preparing files that are not part of the measurement. */
    static OperationRecorder unmeasured(NanoClock clock) {
        return new OperationRecorder(clock, null, null, Long.MAX_VALUE);
    }

    OperationRecorder(NanoClock clock, ValueRecorder latencyNs, IntervalTracker intervals, long originNs) {
        this.clock = clock;
        this.latencyNs = latencyNs;
        this.intervals = intervals;
        this.originNs = originNs;
        this.blocks = latencyNs == null ? null : new BlockRecorder(originNs);
    }

    /** The latencies in time blocks, for the certifier's view of clustering. */
    BlockRecorder blocks() {
        return blocks;
    }

    /** Now, by the injected clock: the planned start of an operation issued immediately. */
    long now() {
        return clock.nanoTime();
    }

    /**
     * Records an operation that moved {@code bytes} and has just returned.
     *
     * @return the completion time, so callers need not read the clock again
     */
    long finish(long plannedStartNs, long bytes) {
        long endNs = clock.nanoTime();
        record(plannedStartNs, endNs, bytes);
        return endNs;
    }

    /** Records an operation that completed at {@code endNs} (for a write whose fsync ends it later). */
    void record(long plannedStartNs, long endNs, long bytes) {
        lastEndNs = endNs;
        finishedAny = true;
        if (latencyNs == null) {
            return;
        }
        if (plannedStartNs - originNs >= 0) {
            long latency = Math.max(0, endNs - plannedStartNs);
            latencyNs.recordValue(latency);
            blocks.record(latency, endNs);
            measuredOps++;
            measuredBytes += bytes;
        }
        intervals.add(plannedStartNs, endNs, bytes);
    }

    long measuredOps() {
        return measuredOps;
    }

    long measuredBytes() {
        return measuredBytes;
    }

    /** How long after {@code originNs} the last operation completed; 0 when none did after it. */
    long spanNs() {
        return finishedAny ? Math.max(0, lastEndNs - originNs) : 0;
    }
}
