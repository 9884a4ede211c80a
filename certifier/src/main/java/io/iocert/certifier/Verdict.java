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
    ERROR
}
