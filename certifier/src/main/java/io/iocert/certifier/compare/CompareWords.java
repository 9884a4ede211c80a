package io.iocert.certifier.compare;

import io.iocert.spec.Percent;
import io.iocert.spec.Statistic;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Locale;

/**
 * Every sentence a comparison says: the verdicts' reasons, what would settle an open one, why
 * two measurements were not compared, and how a ratio is shown. {@link Comparer} decides (pairs,
 * ratios, positions against the tolerance); this says it, beside {@link CompareFormat}, which
 * lays the sentences out per format.
 */
final class CompareWords {
    private CompareWords() {}

    // ---- verdicts ----

    /** "p99 ratio 1.6 [1.4, 1.8]: worse than the 10% tolerance allows (lower is better)". */
    static String worse(List<String> worse, double tol, Direction d) {
        return String.join(", ", worse) + ": worse than " + band(tol) + " allows (" + d.words() + ")";
    }

    static String equivalent(double tol) {
        return "every quantile ratio lies within [" + number(1 - tol) + ", " + number(1 + tol) + "]";
    }

    static String better(List<String> better, double tol, Direction d) {
        return String.join(", ", better) + ": better beyond " + band(tol) + " (" + d.words()
                + "); no quantile is worse by more than " + Percent.of(tol);
    }

    /** The open quantile hardest to settle, which side it is open on, and what would settle it. */
    static String inconclusive(QuantileDifference q, boolean badSide, double tol, String advice) {
        String what = badSide
                ? "could be worse by more than " + Percent.of(tol)
                : "is not worse, but could be better by more than " + Percent.of(tol);
        return shown(q) + " " + what + "; " + advice;
    }

    /** Without a tolerance: no verdict, the largest difference only. */
    static String largestDifference(QuantileDifference largest) {
        return largest == null
                ? "no quantile ratio could be formed"
                : "largest difference: " + shown(largest) + " (no tolerance given: no verdict)";
    }

    private static String band(double tol) {
        return "the " + Percent.of(tol) + " tolerance";
    }

    // ---- what would settle it ----

    static String tooFew(long samples, String side, Statistic s, double sideConfidence, long least) {
        return String.format(
                Locale.ROOT,
                "%,d %s samples are too few to bound %s at %s per side; at least %,d needed on each side",
                samples,
                side,
                s.name(),
                Percent.of(sideConfidence),
                least);
    }

    static String narrowBoth() {
        return "more samples on both sides would narrow the interval";
    }

    static String onTheBound() {
        return "the ratio sits on the tolerance bound: no practical number of samples would settle it";
    }

    static String tooCloseToTheBound() {
        return "the ratio sits too close to the tolerance bound for any practical number of samples to settle it";
    }

    static String moreSamples(double factor, long reference, long candidate) {
        return "about " + number(Math.max(factor, 1.1)) + " times as many samples on each side (about "
                + String.format(Locale.ROOT, "%,d and %,d", reference, candidate)
                + ") would settle it, if the distributions stay as they are";
    }

    // ---- not compared ----

    static String unknownMetric(String metric) {
        return "metric '" + metric + "' is not one iocert knows, so its direction is unknown";
    }

    static String failed(String side, String error) {
        return "the " + side + " measurement failed: " + error;
    }

    static String noObservations(String side) {
        return "the " + side + " measurement has no observations";
    }

    static String unitDiffers(String refUnit, String refName, String candUnit, String candName) {
        return "unit '" + refUnit + "' in " + refName + ", '" + candUnit + "' in " + candName;
    }

    static String keyDiffers(String key, String refValue, String refName, String candValue, String candName) {
        return key + ": " + refValue + " in " + refName + ", " + candValue + " in " + candName;
    }

    static String notSet() {
        return "(not set)";
    }

    // ---- numbers ----

    /** "p99 ratio 1.35 [1.21, 1.52]". */
    static String shown(QuantileDifference q) {
        QuantileDifference.Interval r = q.ratio();
        return q.statistic().name() + " ratio " + number(r.value()) + " [" + number(r.low()) + ", " + number(r.high())
                + "]";
    }

    /** Three significant digits, no exponent; infinity as the sign. */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "\u221e" : "-\u221e";
        }
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
