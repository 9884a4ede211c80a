package io.iocert.certifier;

/** The outcome of one expectation (one statistic of one requirement). */
public enum Verdict {
    /** The measurement satisfies the threshold. */
    PASS,
    /** The measurement violates the threshold. */
    FAIL,
    /** The evidence does not decide either way (too few samples, interval straddles the threshold). */
    INCONCLUSIVE,
    /** The requirement could not be measured. */
    ERROR;

    /**
     * How bad the outcome is, for picking the worst of several: PASS, then INCONCLUSIVE, then
     * ERROR, then FAIL (a violation shown outweighs one that could not be measured).
     */
    public int severity() {
        return switch (this) {
            case PASS -> 0;
            case INCONCLUSIVE -> 1;
            case ERROR -> 2;
            case FAIL -> 3;
        };
    }
}
