package io.iocert.probes;

/**
 * Receives progress from a running probe. The CLI shows it as a live line on a terminal and
 * nothing elsewhere; probes never print.
 */
public interface ProgressListener {
    ProgressListener NONE = (requirementId, fractionDone, status) -> {};

    /**
     * @param requirementId the requirement being probed
     * @param fractionDone  0..1, or a negative number when unknown
     * @param status        a short human text, "412 MB/s, 3 s left"
     */
    void update(String requirementId, double fractionDone, String status);
}
