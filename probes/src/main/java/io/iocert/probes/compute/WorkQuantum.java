package io.iocert.probes.compute;

import io.iocert.probes.NanoClock;

/**
 * A fixed quantum of CPU work for {@code compute.jitter} in work mode (the fixed-work-quantum
 * method): a chain of dependent integer multiply-adds whose length is calibrated so that, run
 * undisturbed, it takes about the requested interval. Its result is kept in a field so the JIT
 * cannot drop the work.
 */
final class WorkQuantum implements HiccupLoop.Quantum {
    /** Calls of a short spin before calibrating, so the JIT has compiled it (C2) before it is timed. */
    private static final int JIT_WARMUP_CALLS = 20_000;

    private static final int MAX_STEPS = Integer.MAX_VALUE / 2;

    private final int steps;
    private long sink = 1;

    WorkQuantum(int steps) {
        this.steps = steps;
    }

    @Override
    public void run() {
        sink = spin(sink, steps);
    }

    int steps() {
        return steps;
    }

    long sink() {
        return sink;
    }

    static long spin(long seed, int steps) {
        long x = seed;
        for (int i = 0; i < steps; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }

    /** The calibrated quantum and the shortest time it took in calibration (the expected time). */
    record Calibrated(WorkQuantum quantum, long expectedNs) {}

    /**
     * Finds the number of steps that takes {@code intervalNs}: first calls a short spin often
     * enough for the JIT to compile it (timing interpreted code would give a quantum many times
     * too long once compiled), then doubles a trial length until one run takes a tenth of the
     * interval, scales it, re-measures at full length (rescaling until within 10%), and takes the
     * minimum of {@code runs} runs as the undisturbed time.
     */
    static Calibrated calibrate(NanoClock clock, long intervalNs, int runs) {
        long seed = 1;
        for (int i = 0; i < JIT_WARMUP_CALLS; i++) {
            seed = spin(seed, 256);
        }
        int steps = 1024;
        while (time(clock, steps) < intervalNs / 10 && steps < MAX_STEPS / 2) {
            steps *= 2;
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            best = Math.min(best, time(clock, steps));
        }
        steps = (int) Math.max(1, Math.min(MAX_STEPS, (double) steps * intervalNs / Math.max(1, best)));
        // The JIT may compile the long loop better once it runs at full length (a quantum took
        // half its calibrated time in a loaded test run): measure at the scaled length, rescale,
        // and repeat until the quantum takes the interval within 10% (at most five times).
        WorkQuantum q = new WorkQuantum(steps);
        q.sink = seed;
        long min = minimum(clock, q, runs);
        for (int round = 0; round < 5 && Math.abs(min - intervalNs) > intervalNs / 10; round++) {
            steps = (int) Math.max(1, Math.min(MAX_STEPS, (double) steps * intervalNs / Math.max(1, min)));
            q = new WorkQuantum(steps);
            q.sink = seed;
            min = minimum(clock, q, runs);
        }
        return new Calibrated(q, Math.max(1, min));
    }

    private static long minimum(NanoClock clock, WorkQuantum q, int runs) {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < runs; i++) {
            long s = clock.nanoTime();
            q.run();
            min = Math.min(min, clock.nanoTime() - s);
        }
        return min;
    }

    private static long time(NanoClock clock, int steps) {
        WorkQuantum q = new WorkQuantum(steps);
        long s = clock.nanoTime();
        q.run();
        return clock.nanoTime() - s;
    }
}
