package io.iocert.probes.compute;

import io.iocert.probes.NanoClock;
import io.iocert.results.BlockRecorder;
import org.HdrHistogram.ValueRecorder;

/**
 * One thread of {@code compute.jitter}: runs a quantum (a sleep or a fixed piece of work) back
 * to back and records, for each, how much longer than expected it took.
 *
 * <p>A quantum started at {@code t0} is expected to end at {@code t0 + expectedNs}; the excess
 * {@code max(0, t1 - t0 - expectedNs)} is recorded with
 * {@link ValueRecorder#recordValueWithExpectedInterval}, as jHiccup's HiccupMeter does: a
 * stall of 50 ms in a loop of 1-ms quanta also stands for the 49 quanta that could not run
 * while it lasted (recorded as 49, 48, ... 1 ms), so the percentiles are those that work
 * arriving at a steady rate would have met, not those of the lucky quanta that ran
 * (coordinated omission). Quanta starting before {@code measureFromNs} are not recorded (warm-up).
 */
final class HiccupLoop {

    /** One quantum: a sleep or a piece of work. */
    @FunctionalInterface
    interface Quantum {
        void run() throws InterruptedException;
    }

    private final NanoClock clock;
    private final Quantum quantum;
    private final long expectedNs;
    private final ValueRecorder recorder;
    private long measured;
    private BlockRecorder blocks;

    HiccupLoop(NanoClock clock, Quantum quantum, long expectedNs, ValueRecorder recorder) {
        if (expectedNs <= 0) {
            throw new IllegalArgumentException("expectedNs must be positive, got " + expectedNs);
        }
        this.clock = clock;
        this.quantum = quantum;
        this.expectedNs = expectedNs;
        this.recorder = recorder;
    }

    /** Runs quanta until {@code endNs}; none starts at or after it. */
    void run(long measureFromNs, long endNs) throws InterruptedException {
        blocks = new BlockRecorder(measureFromNs);
        long t0 = clock.nanoTime();
        while (t0 < endNs) {
            quantum.run();
            long t1 = clock.nanoTime();
            if (t0 >= measureFromNs) {
                long excess = Math.max(0, t1 - t0 - expectedNs);
                recorder.recordValueWithExpectedInterval(excess, expectedNs);
                blocks.recordWithExpectedInterval(excess, expectedNs, t1);
                measured++;
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("jitter loop interrupted");
            }
            t0 = t1;
        }
    }

    /** The recorded values in time blocks (with the coordinated-omission values); null before {@link #run}. */
    BlockRecorder blocks() {
        return blocks;
    }

    /** Quanta actually run and recorded (without the values added for coordinated omission). */
    long measuredQuanta() {
        return measured;
    }
}
