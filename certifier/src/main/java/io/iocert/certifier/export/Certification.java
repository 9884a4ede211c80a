package io.iocert.certifier.export;

import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Verdict;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One node's certification for one spec as an export reads it: from a report, one node of a
 * fleet report, or a certificate. {@code hostname} is null when the document has none.
 * {@code validUntil} is present for certificates only; {@code verified} says whether a
 * certificate's signature was checked; {@code expired} whether it had expired when read.
 */
public record Certification(
        String source,
        Kind kind,
        String specName,
        String specSha256,
        String hostname,
        NodeVerdict verdict,
        List<Entry> entries,
        Optional<Instant> validUntil,
        boolean verified,
        boolean expired) {

    /** Where a certification came from. */
    public enum Kind {
        REPORT,
        CERTIFICATE
    }

    public Certification {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(specName, "specName");
        Objects.requireNonNull(verdict, "verdict");
        entries = List.copyOf(entries);
    }

    /**
     * The verdict on one statistic of one requirement. {@code measured} is NaN when nothing was
     * estimated; without an interval {@code ciLow}, {@code ciHigh} and {@code confidence} are
     * NaN; an unbounded end is infinite.
     */
    public record Entry(
            String id,
            String variant,
            String probe,
            String metric,
            String statistic,
            String comparator,
            double threshold,
            String unit,
            double measured,
            double ciLow,
            double ciHigh,
            double confidence,
            long samples,
            Verdict verdict) {
        public boolean hasInterval() {
            return !Double.isNaN(confidence);
        }
    }

    /** ELIGIBLE and not expired: what schedulers may rely on. */
    public boolean eligible() {
        return verdict == NodeVerdict.ELIGIBLE && !expired;
    }

    /**
     * Each requirement id with its verdict over all its statistics (and variants), by the node
     * verdict's rule: FAIL if any failed, else ERROR, else INCONCLUSIVE, else PASS. In order of
     * first appearance.
     */
    public Map<String, Verdict> requirementVerdicts() {
        Map<String, Verdict> out = new LinkedHashMap<>();
        for (Entry e : entries) {
            out.merge(e.id(), e.verdict(), Certification::worse);
        }
        return out;
    }

    private static Verdict worse(Verdict a, Verdict b) {
        return a.severity() >= b.severity() ? a : b;
    }

    /** The first 12 hex digits of the spec's SHA-256, as reports abbreviate it. */
    public String specShortSha() {
        return specSha256 == null ? "" : specSha256.substring(0, Math.min(12, specSha256.length()));
    }
}
