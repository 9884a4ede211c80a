package io.iocert.probes.net;

import java.io.Closeable;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Puts a deadline on every blocking socket operation. A thread blocked in a read or write of
 * a blocking channel cannot time out by itself (SO_TIMEOUT does not apply to channels, and
 * writes never time out); the watchdog closes the channel instead, which ends the blocked call
 * with an exception, and keeps the reason so the caller can say what happened.
 *
 * <p>Each watched connection has an idle limit (longest time without progress) and an absolute
 * deadline, both changed as it moves from phase to phase. Checks run every
 * {@code periodMs}, so a limit fires up to one period late.
 */
final class Watchdog implements AutoCloseable {
    static final long NONE = Long.MAX_VALUE;
    private final Set<Guard> guards = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private final long periodMs;
    private volatile boolean closed;

    Watchdog(String name, long periodMs) {
        this.periodMs = periodMs;
        this.thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts watching {@code target}; no limits apply until {@link Guard#phase} sets them. */
    Guard watch(Closeable target) {
        Guard g = new Guard(target);
        guards.add(g);
        return g;
    }

    int watched() {
        return guards.size();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }

    private void loop() {
        while (!closed) {
            try {
                TimeUnit.MILLISECONDS.sleep(periodMs);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Guard g : guards) {
                g.check(now);
            }
        }
    }

    /** One watched connection. */
    final class Guard implements AutoCloseable {
        private final Closeable target;
        private volatile String phase = "connecting";
        private volatile long idleNs = NONE;
        private volatile long deadlineNs;
        private volatile long budgetNs;
        private volatile boolean hasDeadline;
        private volatile long lastNs = System.nanoTime();
        private volatile String reason;

        private Guard(Closeable target) {
            this.target = target;
        }

        /**
         * Enters a phase: {@code what} names it in messages; {@code idleNs} is the longest
         * wait without progress, {@code budgetNs} the most the phase may take ({@link #NONE}: no limit).
         */
        void phase(String what, long idleNs, long budgetNs) {
            long now = System.nanoTime();
            this.phase = what;
            this.idleNs = idleNs;
            this.hasDeadline = budgetNs != NONE;
            this.deadlineNs = budgetNs == NONE ? 0 : now + budgetNs;
            this.budgetNs = budgetNs;
            this.lastNs = now;
        }

        /** Data moved: the idle clock restarts. */
        void progress() {
            lastNs = System.nanoTime();
        }

        /** Why the watchdog closed the connection, or null when it did not. */
        String reason() {
            return reason;
        }

        String phaseName() {
            return phase;
        }

        private void check(long now) {
            if (reason != null) {
                return;
            }
            long idle = now - lastNs;
            if (idle > idleNs) {
                fire("nothing moved for " + millis(idle) + " while " + phase + " (idle limit " + millis(idleNs) + ")");
            } else if (hasDeadline && now - deadlineNs > 0) {
                fire(phase + " took longer than its limit of " + millis(budgetNs));
            }
        }

        private void fire(String why) {
            reason = why;
            try {
                target.close();
            } catch (IOException e) {
                // closing is all we can do; the blocked call fails either way
            }
        }

        @Override
        public void close() {
            guards.remove(this);
        }
    }

    static String millis(long ns) {
        return ns >= 10_000_000_000L ? (ns / 1_000_000_000L) + " s" : (ns / 1_000_000L) + " ms";
    }
}
