package io.iocert.probes.fs;

import io.iocert.probes.ProbeContext;
import io.iocert.spec.Quantity;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress of one phase of the fs engine (never printed, only reported to the run's progress
 * listener): the fraction
 * done by bytes or by time, whichever is further, within the part {@code [from, from + share]}
 * of the requirement's bar that this pass owns, and "412 MB/s, 3 s left".
 */
final class PassProgress {
    private final ProbeContext context;
    private final String requirementId;
    private final String label;
    private final double from;
    private final double share;
    private final long totalBytes;
    private final long startNs;
    private final long deadlineNs;
    private final AtomicLong done;

    /**
     * @param label      what the status line starts with ("" for the measured pass)
     * @param totalBytes the bytes the pass plans to move
     * @param done       the bytes moved so far, counted by the workers
     */
    PassProgress(
            ProbeContext context,
            String requirementId,
            String label,
            double from,
            double share,
            long totalBytes,
            long startNs,
            long deadlineNs,
            AtomicLong done) {
        this.context = context;
        this.requirementId = requirementId;
        this.label = label;
        this.from = from;
        this.share = share;
        this.totalBytes = totalBytes;
        this.startNs = startNs;
        this.deadlineNs = deadlineNs;
        this.done = done;
    }

    /** "412 MB/s, 3 s left", with the fraction by bytes or by time, whichever is further. */
    void report() {
        long now = context.clock().nanoTime();
        long bytes = done.get();
        long elapsedNs = now - startNs;
        double byBytes = (double) bytes / totalBytes;
        double byTime = (double) elapsedNs / Math.max(1, deadlineNs - startNs);
        double fraction = from + share * Math.max(0, Math.min(1, Math.max(byBytes, byTime)));
        String status;
        if (bytes <= 0 || elapsedNs <= 0) {
            status = label + "starting";
        } else {
            double rate = bytes * 1e9 / elapsedNs;
            double leftNs = Math.min((totalBytes - bytes) / rate * 1e9, deadlineNs - now);
            status = label + Quantity.bytesPerSecond(rate).format() + ", "
                    + Quantity.nanos(Math.ceil(Math.max(0, leftNs) / 1e9) * 1e9).format() + " left";
        }
        context.progress().update(requirementId, fraction, status);
    }

    void finish() {
        context.progress().update(requirementId, from + share, label + "done");
    }
}
