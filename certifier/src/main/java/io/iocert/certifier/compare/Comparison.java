package io.iocert.certifier.compare;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Two results compared measurement by measurement: "does the candidate node run what the
 * reference node runs, as well?".
 *
 * @param toolVersion      the iocert version that compared
 * @param reference        where the reference result came from
 * @param candidate        where the candidate result came from
 * @param confidence       the stated confidence: each measurement's ratio intervals hold jointly
 *                         with at least this probability
 * @param tolerance        the relative tolerance (0.1 for 10%), if one was given
 * @param compared         measurements present on both sides
 * @param onlyInReference  measurements the candidate result lacks
 * @param onlyInCandidate  measurements the reference result lacks
 * @param notCompared      measurements present on both sides that could not be compared, and why
 */
public record Comparison(
        String toolVersion,
        Origin reference,
        Origin candidate,
        double confidence,
        OptionalDouble tolerance,
        List<MeasurementComparison> compared,
        List<Key> onlyInReference,
        List<Key> onlyInCandidate,
        List<NotCompared> notCompared) {

    public static final String FORMAT = "iocert-compare/1";

    public Comparison {
        compared = List.copyOf(compared);
        onlyInReference = List.copyOf(onlyInReference);
        onlyInCandidate = List.copyOf(onlyInCandidate);
        notCompared = List.copyOf(notCompared);
    }

    /** A result's source: a name for people (usually the file) and the node it was measured on. */
    public record Origin(String source, String hostname, String specName) {}

    /** What identifies a measurement across results. */
    public record Key(String id, String probe, String metric) {
        @Override
        public String toString() {
            return id + " " + metric + " (" + probe + ")";
        }
    }

    /** A measurement on both sides that could not be compared. */
    public record NotCompared(Key key, String reason) {}

    /** How many compared measurements got {@code v}. */
    public long count(CompareVerdict v) {
        return compared.stream()
                .filter(m -> m.verdict().filter(v::equals).isPresent())
                .count();
    }

    /**
     * The overall outcome: WORSE if any measurement is worse, else INCONCLUSIVE if any is
     * inconclusive, else EQUIVALENT (every one equivalent or better); empty without a tolerance.
     */
    public Optional<CompareVerdict> overall() {
        if (tolerance.isEmpty()) {
            return Optional.empty();
        }
        if (count(CompareVerdict.WORSE) > 0) {
            return Optional.of(CompareVerdict.WORSE);
        }
        if (count(CompareVerdict.INCONCLUSIVE) > 0) {
            return Optional.of(CompareVerdict.INCONCLUSIVE);
        }
        return Optional.of(CompareVerdict.EQUIVALENT);
    }
}
