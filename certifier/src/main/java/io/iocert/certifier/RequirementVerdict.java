package io.iocert.certifier;

import java.util.Objects;

/**
 * The verdict on one statistic of one requirement, as the report JSON carries it.
 * {@code variant} names the part of the requirement it judges when a probe measures several
 * (one size of a {@code sizes} sweep: "messageSize 8 KiB"); null otherwise.
 * Values are in the canonical {@code unit}. {@code measured} is NaN and {@code ci} null when
 * nothing could be estimated; {@code method} names how the verdict was reached.
 */
public record RequirementVerdict(
        String id,
        String probe,
        String metric,
        String statistic,
        String comparator,
        double threshold,
        String unit,
        double measured,
        ConfidenceInterval ci,
        long samples,
        Verdict verdict,
        String method,
        String reason,
        String variant) {
    public RequirementVerdict {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
    }

    /** The requirement id with the variant, if any: "halo (messageSize 8 KiB)". */
    public String label() {
        return variant == null ? id : id + " (" + variant + ")";
    }
}
