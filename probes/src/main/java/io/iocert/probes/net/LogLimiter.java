package io.iocert.probes.net;

import io.iocert.probes.NanoClock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Passes log lines on, at most {@code burst} of one kind per window; the rest of that window
 * are counted and summed up in one line when the window ends ({@link #flush}) or the next line
 * of the kind comes. Lines a flood of bad connections causes (refusals, timeouts, evictions)
 * then cost a few lines a minute, not gigabytes an hour, and the summary says how many.
 *
 * <p>A kind is the line's outcome with digits removed, so "frame length 123 is outside" and
 * "frame length 456 is outside" count together; at most {@link #MAX_KINDS} kinds are told
 * apart, the rest share one.
 */
final class LogLimiter {
    static final int MAX_KINDS = 64;
    private static final String OTHER = "(other)";

    private final Consumer<String> log;
    private final int burst;
    private final long windowNs;
    private final NanoClock clock;
    private final Map<String, Window> windows = new LinkedHashMap<>();

    private static final class Window {
        long startNs;
        int passed;
        long suppressed;
        String example;

        Window(long startNs) {
            this.startNs = startNs;
        }
    }

    LogLimiter(Consumer<String> log, int burst, long windowNs, NanoClock clock) {
        this.log = log;
        this.burst = burst;
        this.windowNs = windowNs;
        this.clock = clock;
    }

    /** Logs {@code line} unless its kind has had its burst in this window. */
    void accept(String kind, String line) {
        String summary = null;
        boolean pass;
        synchronized (this) {
            String key = kind.replaceAll("[0-9]+", "#");
            if (!windows.containsKey(key) && windows.size() >= MAX_KINDS) {
                key = OTHER;
            }
            long now = clock.nanoTime();
            Window w = windows.computeIfAbsent(key, k -> new Window(now));
            if (now - w.startNs >= windowNs) {
                summary = summary(w, now);
                w.startNs = now;
                w.passed = 0;
            }
            pass = w.passed < burst;
            if (pass) {
                w.passed++;
            } else {
                w.suppressed++;
                w.example = line;
            }
        }
        if (summary != null) {
            log.accept(summary);
        }
        if (pass) {
            log.accept(line);
        }
    }

    /** Sums up every window that has ended (all of them when {@code all}), and forgets idle kinds. */
    void flush(boolean all) {
        StringBuilder lines = new StringBuilder();
        synchronized (this) {
            long now = clock.nanoTime();
            for (var it = windows.entrySet().iterator(); it.hasNext(); ) {
                Window w = it.next().getValue();
                if (all || now - w.startNs >= windowNs) {
                    String s = summary(w, now);
                    if (s != null) {
                        lines.append(s).append('\n');
                    }
                    it.remove();
                }
            }
        }
        lines.toString().lines().forEach(log);
    }

    private String summary(Window w, long now) {
        if (w.suppressed == 0) {
            return null;
        }
        String s = String.format(
                Locale.ROOT,
                "%d more like this in the last %.0f s, not logged one by one: %s",
                w.suppressed,
                (now - w.startNs) / 1e9,
                w.example);
        w.suppressed = 0;
        w.example = null;
        return s;
    }
}
