package io.iocert.probes.fs;

import io.iocert.probes.NanoClock;
import io.iocert.probes.measure.Histograms;
import io.iocert.probes.measure.IntervalTracker;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

/**
 * Runs the code a measured pass runs between its operations (a write's fresh block content, the
 * accounting of each operation) before the pass starts, off the clock and away from any file, so
 * that the JVM has compiled it by the first measured operation.
 *
 * <p>Without it the first 10-20 ms of a pass ran that code interpreted, while the compiler's own
 * threads took the other CPU: a sequential 1 MiB read's first 10-ms interval ran at 1.4-3.7 GB/s
 * against 8-9 GB/s after it, and a write spent 20-75 us per operation making its block instead
 * of 5 (BENCHMARKS.md). fio, compiled ahead of time, has no such start. The device sees nothing
 * of this: the blocks made are written nowhere (each measured write still stamps its own), and
 * the accounting goes into a recorder that is thrown away.
 *
 * <p>Then it waits for the compiler to finish ({@link #settleCompiler}). The channel's own code
 * (the JDK's positional read and write) is not warmed: that would take I/O before every pass
 * (on a throttled device, seconds of it), for a few microseconds on each of a pass's first
 * two hundred operations.
 */
final class MeasuringWarmup {
    /** Blocks made per source: the JIT compiles the block loop well before this. */
    static final int BLOCKS = 2_000;
    /** Operations accounted: enough for the optimising compiler to take over the accounting. */
    static final int OPERATIONS = 20_000;
    /** At most this long in all, whatever the counts (a slow machine's interpreter). */
    static final long MAX_NS = 80_000_000L;
    /** The compiler counts as done once its total time has not grown for this long. */
    static final long COMPILER_QUIET_NS = 20_000_000L;
    /** At most this long waiting for it. */
    static final long COMPILER_MAX_WAIT_NS = 250_000_000L;

    private MeasuringWarmup() {}

    /**
     * Makes blocks from each non-null source and accounts made-up operations in a throwaway
     * recorder, until the counts are reached or {@link #MAX_NS} has passed, then waits for the
     * compiler ({@link #settleCompiler}).
     */
    static void run(BlockSource[] sources) {
        long deadline = System.nanoTime() + MAX_NS;
        for (BlockSource source : sources) {
            if (source == null) {
                continue;
            }
            for (int k = 0; k < BLOCKS && System.nanoTime() - deadline < 0; k++) {
                source.next();
            }
        }
        OperationRecorder recorder = new OperationRecorder(
                NanoClock.SYSTEM, Histograms.latency(), new IntervalTracker(0, OptionalLong.empty()), 0);
        int accounted = 0;
        // Made-up operations 100 us apart with latencies spread over a few buckets, over about
        // two seconds of made-up time, so both of the tracker's accumulators and several blocks
        // are used.
        for (; accounted < OPERATIONS; accounted++) {
            if (accounted % OperationRecorder.BATCH == 0 && System.nanoTime() - deadline >= 0) {
                break;
            }
            long start = accounted * 100_000L;
            recorder.record(start, start + 50_000L + (accounted & 1023) * 100L, 1 << 20);
        }
        recorder.flush();
        settleCompiler();
    }

    /**
     * Waits, at most {@link #COMPILER_MAX_WAIT_NS}, until the JIT compiler has spent no time for
     * {@link #COMPILER_QUIET_NS}: the warm-up has it compile the pass's code, and its threads
     * would otherwise still be at work, on one of the same CPUs, through the pass's first tens of
     * milliseconds (50 ms of compiling in the 150 ms after the warm-up of a 1 MiB read on this
     * VM). Without compilation-time monitoring in the JVM, returns at once.
     */
    static void settleCompiler() {
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (compiler == null || !compiler.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long start = System.nanoTime();
        long lastTotal = compiler.getTotalCompilationTime();
        long quietSince = start;
        while (true) {
            long now = System.nanoTime();
            if (now - quietSince >= COMPILER_QUIET_NS || now - start >= COMPILER_MAX_WAIT_NS) {
                return;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long total = compiler.getTotalCompilationTime();
            if (total != lastTotal) {
                lastTotal = total;
                quietSince = System.nanoTime();
            }
        }
    }
}
