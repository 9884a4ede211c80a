package io.iocert.spec;

import java.math.BigDecimal;

/**
 * A statement about windows of time, in the form cloud providers state volume performance:
 * the expectation's statistic must meet its threshold within each window of {@code lengthNs}
 * (consecutive, not overlapping) in at least {@code share} of the windows. "p10 >= 3000 IOPS in
 * 99% of 1-min windows" is "at least 90% of intervals at or above 3,000 IOPS, in at least 99% of
 * windows of 1 min". Only interval metrics (throughput, iops, ops, flops) have windows.
 *
 * @param lengthNs how long one window is, in nanoseconds
 * @param share    the least share of windows that must meet the threshold, in (0, 1)
 */
public record Windows(long lengthNs, double share) {
    /** What a spec writes for {@code windowShare}, for messages. */
    public static final String SHARE_EXPECTED =
            "a share of windows between 0 and 1 or 0% and 100%, exclusive, " + "such as 0.99 or 99%";

    public Windows {
        if (lengthNs <= 0) {
            throw new IllegalArgumentException("lengthNs must be positive, got " + lengthNs);
        }
        if (!(share > 0 && share < 1)) {
            throw new IllegalArgumentException("share must be in (0, 1), got " + share);
        }
    }

    /** "99%", "99.9%": the share as a spec would write it. */
    public String sharePercent() {
        return new BigDecimal(Double.toString(share * 100))
                        .round(new java.math.MathContext(6))
                        .stripTrailingZeros()
                        .toPlainString()
                + "%";
    }

    /** "in 99% of 1 min windows". */
    @Override
    public String toString() {
        return "in " + sharePercent() + " of " + Quantity.nanos(lengthNs).format() + " windows";
    }
}
