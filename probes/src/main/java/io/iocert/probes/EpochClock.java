package io.iocert.probes;

import java.time.Instant;

/**
 * This process's wall clock in nanoseconds since the epoch, read as {@link System#nanoTime()}
 * past one reading of the system clock: monotonic within the process and with nanosecond
 * steps, so differences taken on it (clock offsets between nodes, the start of a coordinated
 * measurement) are not disturbed by NTP slewing the system clock in between.
 */
public final class EpochClock {
    private static final long BASE_EPOCH_NS;
    private static final long BASE_NANO;

    static {
        Instant now = Instant.now();
        BASE_NANO = System.nanoTime();
        BASE_EPOCH_NS = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private EpochClock() {}

    public static long nowNs() {
        return BASE_EPOCH_NS + (System.nanoTime() - BASE_NANO);
    }

    /** The epoch time of a {@link System#nanoTime()} reading of this process. */
    public static long ofNanoTime(long nanoTime) {
        return BASE_EPOCH_NS + (nanoTime - BASE_NANO);
    }
}
