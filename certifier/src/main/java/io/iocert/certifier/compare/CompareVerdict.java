package io.iocert.certifier.compare;

import java.util.Locale;

/** The verdict on one measurement of a comparison with a tolerance. */
public enum CompareVerdict {
    /** Every compared quantile's ratio interval lies within the tolerance. */
    EQUIVALENT,
    /** Some quantile is better beyond the tolerance, and every quantile is shown not worse than it. */
    BETTER,
    /** Some quantile is worse beyond the tolerance, with the whole interval. */
    WORSE,
    /** The intervals are too wide to tell; the reason says what would settle it. */
    INCONCLUSIVE;

    /** The lower-case name used in output: "equivalent". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
