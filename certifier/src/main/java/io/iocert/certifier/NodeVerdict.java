package io.iocert.certifier;

import java.util.Collection;

/** The outcome for a whole node against a whole spec. */
public enum NodeVerdict {
    ELIGIBLE(0),
    NOT_ELIGIBLE(1),
    INCONCLUSIVE(3),
    ERROR(4);

    private final int exitCode;

    NodeVerdict(int exitCode) {
        this.exitCode = exitCode;
    }

    /** The process exit code docs/design.md assigns to this verdict. */
    public int exitCode() {
        return exitCode;
    }

    /**
     * ELIGIBLE iff every expectation passed; NOT_ELIGIBLE if any failed; otherwise ERROR if any
     * could not be measured, else INCONCLUSIVE. An empty collection is ERROR: nothing was shown.
     */
    public static NodeVerdict of(Collection<Verdict> verdicts) {
        if (verdicts.isEmpty()) {
            return ERROR;
        }
        if (verdicts.contains(Verdict.FAIL)) {
            return NOT_ELIGIBLE;
        }
        if (verdicts.contains(Verdict.ERROR)) {
            return ERROR;
        }
        if (verdicts.contains(Verdict.INCONCLUSIVE)) {
            return INCONCLUSIVE;
        }
        return ELIGIBLE;
    }

    /** Combines node verdicts of a fleet by the same rule. */
    public static NodeVerdict ofNodes(Collection<NodeVerdict> nodes) {
        if (nodes.isEmpty()) {
            return ERROR;
        }
        if (nodes.contains(NOT_ELIGIBLE)) {
            return NOT_ELIGIBLE;
        }
        if (nodes.contains(ERROR)) {
            return ERROR;
        }
        if (nodes.contains(INCONCLUSIVE)) {
            return INCONCLUSIVE;
        }
        return ELIGIBLE;
    }
}
