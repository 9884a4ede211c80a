package io.iocert.cli;

import io.iocert.runner.RunListener;
import java.io.PrintStream;
import java.util.Locale;

/**
 * A live progress line on a terminal; silent when output is not a terminal, so logs and CI
 * transcripts stay clean. Updates are rate-limited to ten a second. Warnings are printed
 * whether or not the line is live.
 */
final class TerminalProgress implements RunListener {
    private final PrintStream err;
    private final boolean live;
    private long lastNs;
    private boolean dirty;

    TerminalProgress(PrintStream err, boolean live) {
        this.err = err;
        this.live = live;
    }

    static TerminalProgress forConsole(PrintStream err) {
        return new TerminalProgress(err, System.console() != null && System.getenv("CI") == null);
    }

    @Override
    public void start(String requirementId, String probe) {
        if (live) {
            clear();
            err.print("probing " + requirementId + " (" + probe + ")");
            err.flush();
            dirty = true;
        }
    }

    @Override
    public synchronized void update(String requirementId, double fractionDone, String status) {
        if (!live) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastNs < 100_000_000L) {
            return;
        }
        lastNs = now;
        String pct = fractionDone >= 0 ? String.format(Locale.ROOT, " %3.0f%%", fractionDone * 100) : "";
        err.print("\r\033[K" + requirementId + pct + "  " + status);
        err.flush();
        dirty = true;
    }

    /** Removes the live line. */
    @Override
    public synchronized void clear() {
        if (live && dirty) {
            err.print("\r\033[K");
            err.flush();
            dirty = false;
        }
    }

    @Override
    public void warn(String message) {
        err.println("iocert: warning: " + message);
    }
}
