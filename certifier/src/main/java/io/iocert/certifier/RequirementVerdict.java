package io.iocert.certifier;

import java.util.Objects;

/**
 * The verdict on one statistic of one requirement, as the report JSON carries it.
 * Values are in the canonical {@code unit}. {@code measured} is NaN and {@code ci} null when
 * nothing could be estimated; {@code method} names how the verdict was reached.
 */
public record RequirementVerdict(String id, String probe, String metric, String statistic, String comparator,
                                 double threshold, String unit, double measured, ConfidenceInterval ci,
                                 long samples, Verdict verdict, String method, String reason) {
    public RequirementVerdict {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }
}
