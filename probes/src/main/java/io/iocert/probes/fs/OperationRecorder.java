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
 *
 * <p>Operations are kept as three numbers each and handed to the histograms and the interval
 * series {@link #BATCH} at a time. Between two 100-us operations the thread sleeps in the
 * kernel and the CPU runs other work; accounting each operation as it returns touched the
 * histograms' and series' code and data cold every time, 2-11 us per 1 MiB read on this VM
 * (BENCHMARKS.md), time the device sat idle that fio does not leave it. A batch keeps that work
 * hot: 1,024 operations (24 KiB kept) made 1 GiB of sequential reads 5% faster than 64 did, as
 * the cold start of each accounting run is paid once per batch. The latency recorder and the
 * interval tracker therefore hold an operation only once it is flushed: {@link #flush} (which a
 * {@link FilePass} does when it ends) or any of this recorder's accessors.
 */
final class OperationRecorder {
    /** Operations kept before they are accounted. */
    static final int BATCH = 1024;

    private final NanoClock clock;
    private final ValueRecorder latencyNs;
    private final IntervalTracker intervals;
    private final long originNs;
    private final BlockRecorder blocks;
    private long measuredOps;
    private long measuredBytes;
    private long lastEndNs;
    private boolean finishedAny;
    /** Planned start, end and bytes of each operation not yet accounted, side by side. */
    private final long[] pending;

    private int pendingOps;

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
        this.pending = latencyNs == null ? null : new long[3 * BATCH];
    }

    /** The latencies in time blocks, for the certifier's view of clustering. */
    BlockRecorder blocks() {
        flush();
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
        int at = 3 * pendingOps;
        pending[at] = plannedStartNs;
        pending[at + 1] = endNs;
        pending[at + 2] = bytes;
        if (++pendingOps == BATCH) {
            flush();
        }
    }

    /** Accounts the operations kept so far in the latency recorder, the blocks and the interval series. */
    void flush() {
        for (int i = 0; i < pendingOps; i++) {
            account(pending[3 * i], pending[3 * i + 1], pending[3 * i + 2]);
        }
        pendingOps = 0;
    }

    private void account(long plannedStartNs, long endNs, long bytes) {
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
        flush();
        return measuredOps;
    }

    long measuredBytes() {
        flush();
        return measuredBytes;
    }

    /** How long after {@code originNs} the last operation completed; 0 when none did after it. */
    long spanNs() {
        flush();
        return finishedAny ? Math.max(0, lastEndNs - originNs) : 0;
    }
}
