package io.iocert.certifier.compare;

import java.util.List;

/**
 * Two results cannot be compared: measurements matched by requirement id, probe and metric were
 * run with different workloads (or units). The message names each measurement and every key that
 * differs, with both values.
 */
public final class WorkloadMismatchException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<String> mismatches;

    WorkloadMismatchException(List<String> mismatches) {
        super("measurements ran with different workloads, so their distributions are not comparable:\n  "
                + String.join("\n  ", mismatches));
        this.mismatches = List.copyOf(mismatches);
    }

    /** One line per mismatched measurement. */
    public List<String> mismatches() {
        return mismatches;
    }
}
