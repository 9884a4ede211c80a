package io.iocert.probes.measure;

import io.iocert.probes.NanoClock;
import java.util.concurrent.locks.LockSupport;

/** Waiting for a planned time: the open loop's pause between operations. */
public final class Pacing {
    private Pacing() {}

    /** Parks until {@code clock} reads {@code targetNs} or later; returns at once when that time has passed. */
    public static void parkUntil(NanoClock clock, long targetNs) throws InterruptedException {
        while (true) {
            long left = targetNs - clock.nanoTime();
            if (left <= 0) {
                return;
            }
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the next planned operation");
            }
        }
    }
}
