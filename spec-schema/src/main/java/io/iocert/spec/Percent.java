package io.iocert.spec;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Fractions as percentages for people, independent of the default locale. Two rules, by what
 * the number is:
 *
 * <ul>
 *   <li>{@link #of}: a stated or derived fraction (a confidence, a tolerance, a slack, a joint
 *       confidence such as 1 - 0.05/4): up to four significant digits, trailing zeros dropped:
 *       "95%", "10%", "98.75%", "99.95%". Four digits keep every confidence a person would
 *       state apart from 100%.
 *   <li>{@link #ofEstimate}: a measured share shown with its interval (the share of windows that
 *       met a threshold): whole when whole, else one decimal, two from 99%: "100%", "93.9%",
 *       "99.52%". More digits would claim a precision the interval beside it denies.
 * </ul>
 *
 * A shared rule elsewhere keeps its own reason: a spec's share is printed as the spec wrote it
 * ({@link Windows#sharePercent}), a suggested upper limit is rounded down, never up.
 */
public final class Percent {
    private static final MathContext FOUR_DIGITS = new MathContext(4);

    private Percent() {}

    /** A stated or derived fraction: 0.95 as "95%", 0.9875 as "98.75%", 0.99375 as "99.38%"; NaN as "-". */
    public static String of(double fraction) {
        if (!Double.isFinite(fraction)) {
            return "-";
        }
        return new BigDecimal(fraction * 100)
                        .round(FOUR_DIGITS)
                        .stripTrailingZeros()
                        .toPlainString() + "%";
    }

    /** A measured share: 1 as "100%", 0.9391 as "93.9%", 0.99517 as "99.52%"; NaN as "-". */
    public static String ofEstimate(double share) {
        if (!Double.isFinite(share)) {
            return "-";
        }
        double p = share * 100;
        return String.format(Locale.ROOT, p == Math.rint(p) ? "%.0f%%" : p >= 99 ? "%.2f%%" : "%.1f%%", p);
    }
}
