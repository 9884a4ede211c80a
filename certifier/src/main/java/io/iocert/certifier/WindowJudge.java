package io.iocert.certifier;

import io.iocert.certifier.stats.WindowShare;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.spec.Comparator;
import io.iocert.spec.Expectation;
import io.iocert.spec.Percent;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Statistic;
import io.iocert.spec.Threshold;
import io.iocert.spec.Windows;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Verdicts on statements per window of time ({@link Windows}): "p10 >= 3000 IOPS in 99% of
 * 1 min windows". The verdict is on the share of windows whose intervals meet the threshold
 * ({@link WindowShare}); the report entry carries that share as its measured value, the
 * {@code windowShare} as its threshold (unit: a plain ratio) and the per-window condition in its
 * statistic ("p10 >= 3 kops/s per 1 min window").
 */
final class WindowJudge {
    /** Fewer intervals than this in a window make its statistic coarse; the reason says so. */
    static final int FEW_INTERVALS = 10;

    private WindowJudge() {}

    static RequirementVerdict judge(
            Requirement r, Expectation e, Optional<Measurement> measurement, double confidence, String variant) {
        Windows w = e.windows().orElseThrow();
        if (measurement.isEmpty()) {
            return verdict(
                    variant,
                    r,
                    e,
                    null,
                    Verdict.ERROR,
                    "no " + e.metric().id() + " measurement for '" + r.id() + "' in the result");
        }
        Measurement m = measurement.get();
        if (!m.probe().equals(r.probe().id())) {
            return verdict(
                    variant,
                    r,
                    e,
                    null,
                    Verdict.ERROR,
                    "the result measured '" + r.id() + "' with " + m.probe() + ", but the spec asks for "
                            + r.probe().id());
        }
        IntervalSeries s = m.intervals();
        if (m.error() != null) {
            return verdict(variant, r, e, null, Verdict.ERROR, m.error());
        }
        if (s == null || s.values().isEmpty()) {
            return verdict(
                    variant,
                    r,
                    e,
                    null,
                    Verdict.ERROR,
                    "no " + e.metric().id()
                            + " intervals to cut into windows (the measurement has no interval series)");
        }
        int perWindow = (int) Math.min(Integer.MAX_VALUE, w.lengthNs() / s.intervalNs());
        String window = Quantity.nanos(w.lengthNs()).format();
        if (perWindow < 1) {
            return verdict(
                    variant,
                    r,
                    e,
                    null,
                    Verdict.ERROR,
                    "a window of " + window + " is shorter than the "
                            + Quantity.nanos(s.intervalNs()).format()
                            + " intervals measured; set the workload's interval to at most "
                            + Quantity.nanos(w.lengthNs() / FEW_INTERVALS).format()
                            + " (10 or more intervals per window)");
        }
        double[] values = new double[s.values().size()];
        for (int i = 0; i < values.length; i++) {
            Double v = s.values().get(i);
            values[i] = v == null ? Double.NaN : v;
        }
        WindowShare.Estimate x = WindowShare.of(values, perWindow, meets(e.statistic(), e.threshold()), confidence);
        String shape = w.lengthNs() % s.intervalNs() == 0
                ? ""
                : " (windows of " + perWindow + " intervals, "
                        + Quantity.nanos((double) perWindow * s.intervalNs()).format() + ")";
        String coarse = perWindow < FEW_INTERVALS
                ? "; only " + perWindow + " intervals per window: a shorter interval "
                        + "judges each window more finely"
                : "";
        if (x.windows() == 0) {
            long least = leastWindows(w.share(), confidence);
            return verdict(
                    variant,
                    r,
                    e,
                    null,
                    Verdict.INCONCLUSIVE,
                    "the run's " + values.length + " intervals of "
                            + Quantity.nanos(s.intervalNs()).format() + " fill no window of " + window + "; at least "
                            + least
                            + " windows (" + duration(least, w) + ") are needed to show " + w.sharePercent());
        }
        String shown = e.statistic().name() + " " + e.threshold() + " met in " + x.met() + " of " + x.windows()
                + " windows of "
                + window + shape + ": " + Percent.ofEstimate(x.share()) + " [" + Percent.ofEstimate(x.low()) + ", "
                + Percent.ofEstimate(x.high()) + "]"
                + (x.designEffect() >= 1.05
                        ? String.format(
                                Locale.ROOT, " (neighbouring windows alike: design effect %.1f)", x.designEffect())
                        : "");
        String load = Certifier.loadNote(m);
        if (x.low() >= w.share()) {
            return verdict(variant, r, e, x, Verdict.PASS, shown + " >= " + w.sharePercent() + coarse + load);
        }
        if (x.high() < w.share()) {
            return verdict(variant, r, e, x, Verdict.FAIL, shown + ", not >= " + w.sharePercent() + coarse + load);
        }
        long needed = x.windowsToSettle(w.share());
        String advice;
        if (x.designEffect() >= x.windows()) {
            // All the run's windows count as one: the outcomes changed once (or hardly at all)
            // and stayed, which one run cannot tell from long-lasting dependence.
            advice = "the windows' outcomes change too seldom in this run to count as more than one window;"
                    + " a run several times longer, or sustained: true after a change of level, would settle it";
        } else if (needed < 0 || needed > 1000L * x.windows()) {
            advice = "the share of windows sits too close to " + w.sharePercent()
                    + " for any practical run to settle it";
        } else if (x.share() >= w.share() && x.met() == x.windows() && needed == x.windows()) {
            advice = "more windows needed";
        } else {
            advice = "about " + Certifier.round(Math.max(1, needed - x.windows()))
                    + " more windows needed (a duration of about " + duration(needed, w) + " in all)";
        }
        return verdict(
                variant,
                r,
                e,
                x,
                Verdict.INCONCLUSIVE,
                shown + " vs >= " + w.sharePercent() + ": inconclusive; " + advice + coarse + load);
    }

    /** Whether a window's intervals meet the statistic's threshold; see docs/statistics.md for percentiles. */
    static Predicate<double[]> meets(Statistic s, Threshold t) {
        return switch (s.kind()) {
            case MIN -> v -> t.holds(java.util.Arrays.stream(v).min().orElse(Double.NaN));
            case MAX -> v -> t.holds(java.util.Arrays.stream(v).max().orElse(Double.NaN));
            case MEAN -> v -> t.holds(java.util.Arrays.stream(v).average().orElse(Double.NaN));
            case MEDIAN, PERCENTILE -> {
                // "pNN >= T": at least (100 - NN)% of the intervals at or above T; "pNN <= T": at
                // least NN% at or below T; always at least one interval.
                double q = s.quantile();
                double share = t.comparator().isUpperBound() ? q : 1 - q;
                yield v -> {
                    int holds = 0;
                    for (double x : v) {
                        holds += t.holds(x) ? 1 : 0;
                    }
                    return holds >= Math.max(1, Math.ceil(share * v.length - 1e-9));
                };
            }
            default -> throw new IllegalArgumentException(s.name() + " is not judged per window");
        };
    }

    /** The fewest windows, all meeting the threshold, that show {@code share} at {@code confidence}. */
    static long leastWindows(double share, double confidence) {
        return Feasibility.minimumSamples(share, true, confidence);
    }

    private static String duration(long windows, Windows w) {
        return Quantity.nanos((double) windows * w.lengthNs()).format();
    }

    private static RequirementVerdict verdict(
            String variant, Requirement r, Expectation e, WindowShare.Estimate x, Verdict v, String reason) {
        ConfidenceInterval ci = x == null ? null : new ConfidenceInterval(x.low(), x.high(), x.confidence());
        String method = x == null
                ? "windows"
                : String.format(
                        Locale.ROOT,
                        "windows: Clopper-Pearson on %d windows of %d intervals, design effect %.2f",
                        x.windows(),
                        x.intervalsPerWindow(),
                        x.designEffect());
        return new RequirementVerdict(
                r.id(),
                r.probe().id(),
                e.metric().id(),
                e.label(),
                Comparator.GE.symbol(),
                e.windows().orElseThrow().share(),
                "",
                x == null ? Double.NaN : x.share(),
                ci,
                x == null ? 0 : x.windows(),
                v,
                method,
                reason,
                variant);
    }
}
