package io.iocert.certifier;

import io.iocert.certifier.stats.Estimate;
import io.iocert.certifier.stats.Estimators;
import io.iocert.certifier.stats.Sample;
import io.iocert.results.Coordinated;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.Rounds;
import io.iocert.results.ToolVersion;
import io.iocert.spec.Dimension;
import io.iocert.spec.Expectation;
import io.iocert.spec.Metric;
import io.iocert.spec.Percent;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.Statistic;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Judges a result against a spec: one {@link RequirementVerdict} per statistic of every
 * requirement, and a {@link NodeVerdict} for the node.
 *
 * <p>Each statistic gets a two-sided confidence interval at the requirement's confidence
 * (see {@link Estimators}). PASS when the whole interval meets the threshold, FAIL when the
 * whole interval violates it, INCONCLUSIVE when the interval straddles it (including when too
 * few samples bound the statistic at all), ERROR when it could not be measured. A one-sided
 * error rate is therefore at most half of one minus the confidence. The certifier never
 * depends on the probes: it judges results from anywhere.
 */
public final class Certifier {

    private Certifier() {}

    /**
     * Certifies a result. A measurement from adaptive probing records how many looks it took
     * ({@link Measurement#looks()}, {@link Looks#of}); its statistics are judged with the error allowance that look had left,
     * so the verdict is the one the run reached.
     */
    public static Report certify(Spec spec, Result result) {
        List<RequirementVerdict> verdicts = new ArrayList<>();
        for (Requirement r : spec.requirements()) {
            verdicts.addAll(judge(r, result.measurements(), Optional.empty()));
        }
        NodeVerdict node = NodeVerdict.of(
                verdicts.stream().map(RequirementVerdict::verdict).toList());
        return new Report(ToolVersion.get(), spec.name(), spec.sha256(), result.node(), node, verdicts);
    }

    /** The verdicts on one requirement at an intermediate look of adaptive probing. */
    public static List<RequirementVerdict> judge(Requirement r, List<Measurement> measurements, Looks looks) {
        return judge(r, measurements, Optional.of(looks));
    }

    private static List<RequirementVerdict> judge(
            Requirement r, List<Measurement> measurements, Optional<Looks> looks) {
        if (r.coordinated().isPresent()) {
            return CoordinatedVerdicts.judge(r, measurements);
        }
        List<RequirementVerdict> out = new ArrayList<>();
        // One sample per measurement, however many statistics of it the requirement asks about.
        Map<Measurement, Optional<Sample>> samples = new IdentityHashMap<>();
        Map<Measurement, List<IntervalSeries.Regime>> regimes = new IdentityHashMap<>();
        for (Expectation e : r.expectations()) {
            // One verdict per judged measurement (see judged()).
            List<Measurement> judged = judged(measurements, r.id(), e.metric().id());
            if (judged.isEmpty()) {
                out.add(judge(r, e, Optional.empty(), Optional.empty(), r.confidence(), null));
                continue;
            }
            for (Measurement x : judged) {
                Looks at = looks.orElseGet(() -> Looks.of(x.looksIfPresent()));
                String variant = judged.size() > 1 ? variant(x) : null;
                double confidence = at.confidenceAt(r.confidence());
                List<IntervalSeries.Regime> found = e.metric().sampling() == Metric.Sampling.PER_INTERVAL
                                && x.intervals() != null
                                && x.error() == null
                        ? regimes.computeIfAbsent(x, m -> Regimes.of(m.intervals(), r.confidence()))
                        : List.of();
                if (found.size() < 2) {
                    Optional<Sample> sample = samples.computeIfAbsent(x, Sample::of);
                    out.add(judge(r, e, Optional.of(x), sample, confidence, variant));
                    continue;
                }
                // The rate changed during the run: a sustained requirement is judged on the final
                // regime; any other carries a warning, since its statistic mixes the regimes.
                long intervalNs = x.intervals().intervalNs();
                String words = Regimes.describe(found, intervalNs, e.metric().dimension());
                IntervalSeries.Regime last = found.get(found.size() - 1);
                if (r.sustained()) {
                    Measurement tail = Regimes.finalRegime(x, last);
                    RequirementVerdict v = judge(r, e, Optional.of(tail), Sample.of(tail), confidence, variant);
                    String note = "; judged on the final regime (the last " + (last.to() - last.from()) + " of "
                            + x.intervals().values().size() + " intervals, from "
                            + Regimes.seconds(last.startNs(intervalNs))
                            + "; regimes " + words + ")";
                    if (v.verdict() == Verdict.INCONCLUSIVE) {
                        note += "; a longer duration gives the final regime more intervals";
                    }
                    out.add(withReason(v, v.reason() + note));
                } else {
                    Optional<Sample> sample = samples.computeIfAbsent(x, Sample::of);
                    RequirementVerdict v = judge(r, e, Optional.of(x), sample, confidence, variant);
                    out.add(withReason(
                            v,
                            v.reason() + "; warning: the rate changed during the run (" + words
                                    + "); 'sustained: true' judges the final regime only"));
                }
            }
        }
        return out;
    }

    /**
     * The measurements judged for requirement {@code id}'s {@code metric}: all of them (the sizes
     * of a sweep), except the parts of an aggregate (net.stream's single streams, a coordinated
     * run's single nodes and pairs).
     */
    public static List<Measurement> judged(List<Measurement> measurements, String id, String metric) {
        return measurements.stream()
                .filter(x -> x.id().equals(id) && x.metric().equals(metric))
                .filter(x -> !Coordinated.isPart(x)
                        && !Coordinated.NODE.equals(x.context().get(Coordinated.SCOPE)))
                .toList();
    }

    static RequirementVerdict judge(
            Requirement r, Expectation e, Optional<Measurement> measurement, double confidence) {
        return judge(r, e, measurement, measurement.flatMap(Sample::of), confidence, null);
    }

    /** What tells apart the measurements of one requirement and metric ({@link ProbeType#variant}). */
    public static String variant(Measurement m) {
        return ProbeType.variant(m.workload(), m.context());
    }

    private static RequirementVerdict judge(
            Requirement r,
            Expectation e,
            Optional<Measurement> measurement,
            Optional<Sample> sample,
            double confidence,
            String variant) {
        if (e.windows().isPresent()) {
            return WindowJudge.judge(r, e, measurement, confidence, variant);
        }
        Dimension dim = e.statistic().dimensionFor(e.metric());
        if (measurement.isEmpty()) {
            return verdict(
                    variant,
                    r,
                    e,
                    null,
                    Verdict.ERROR,
                    "no " + e.metric().id() + " measurement for '" + r.id() + "' in the result",
                    "none");
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
                            + r.probe().id(),
                    "none");
        }
        Estimators.Target target = new Estimators.Target(
                e.threshold().quantity().value(), !e.threshold().holds(Double.POSITIVE_INFINITY));
        Optional<Estimate> estimate = sample.map(x -> Estimators.estimate(x, e.statistic(), confidence, target));
        if (m.error() != null) {
            String kept = estimate.map(x ->
                            " (" + shown(e.statistic(), x, dim) + " from " + x.samples() + " samples before the error)")
                    .orElse("");
            return verdict(
                    variant,
                    r,
                    e,
                    estimate.orElse(null),
                    Verdict.ERROR,
                    m.error() + kept,
                    estimate.map(Estimate::method).orElse("none"));
        }
        if (estimate.isEmpty() || Double.isNaN(estimate.get().value())) {
            return verdict(
                    variant,
                    r,
                    e,
                    estimate.orElse(null),
                    Verdict.ERROR,
                    "no samples to estimate " + e.statistic().name() + " from",
                    "none");
        }
        Estimate x = estimate.get();
        boolean lowHolds = e.threshold().holds(x.low());
        boolean highHolds = e.threshold().holds(x.high());
        String shown = shown(e.statistic(), x, dim);
        String load = loadNote(m);
        if (lowHolds && highHolds) {
            return verdict(variant, r, e, x, Verdict.PASS, shown + " " + e.threshold() + load, x.method());
        }
        if (!lowHolds && !highHolds) {
            return verdict(variant, r, e, x, Verdict.FAIL, shown + ", not " + e.threshold() + load, x.method());
        }
        boolean upperEndMisses = lowHolds;
        return verdict(
                variant,
                r,
                e,
                x,
                Verdict.INCONCLUSIVE,
                shown + " vs " + e.threshold() + ": inconclusive; " + advice(e, x, upperEndMisses, probedSeconds(m))
                        + beyond(sample.get(), e, dim)
                        + reach(sample.get(), x, upperEndMisses, e, dim)
                        + load,
                x.method());
    }

    /**
     * "; 4 of 6,018 samples above 20 ms, the worst 23.1 ms" when some values of the run lie on the
     * forbidden side of the threshold, else "". An inconclusive verdict far inside the threshold
     * usually has this reason: a stall beyond the threshold itself, seen too few times to tell
     * how often it comes. Histogram values are known to their bucket, so a value within 0.1% of
     * the threshold may be counted on either side.
     */
    static String beyond(Sample s, Expectation e, Dimension dim) {
        double t = e.threshold().quantity().value();
        if (s.n() == 0 || !(t > 0)) {
            return "";
        }
        boolean upperLimit = !e.threshold().holds(Double.POSITIVE_INFINITY);
        long count = upperLimit
                ? s.n() - Math.round(s.fractionAtOrBelow(t) * s.n())
                : Math.round(s.fractionAtOrBelow(Math.nextDown(t)) * s.n());
        if (count <= 0) {
            return "";
        }
        double worst = upperLimit ? s.max() : s.min();
        boolean intervals = e.metric().sampling() == Metric.Sampling.PER_INTERVAL;
        return String.format(
                        Locale.ROOT,
                        "; %,d of %,d %s %s %s, the worst %s",
                        count,
                        s.n(),
                        intervals ? "intervals" : "samples",
                        upperLimit ? "above" : "below",
                        new Quantity(t, dim).format(),
                        new Quantity(worst, dim).format())
                + burst(s, t, upperLimit, intervals);
    }

    /**
     * "; the upper end, 433 ms, lies beyond the largest value seen, 100 ms: how far the run's
     * variation lets p95 reach, not a value measured" when the end that keeps the verdict open
     * lies past every value of the run (above the largest for an upper end, below the smallest
     * but above zero for a lower one), else "". Such an end comes from a bound that models how
     * the values vary between parts of the run (tolerance bounds, the far cut's fixed factor),
     * and a reader comparing it with the values seen should know it is not one of them.
     */
    static String reach(Sample s, Estimate x, boolean upperEndMisses, Expectation e, Dimension dim) {
        double end = upperEndMisses ? x.high() : x.low();
        double extreme = upperEndMisses ? s.max() : s.min();
        boolean past = upperEndMisses ? Double.isFinite(end) && end > extreme : end > 0 && end < extreme;
        if (s.n() == 0 || !past) {
            return "";
        }
        return String.format(
                Locale.ROOT,
                "; the %s end, %s, lies %s the %s value seen, %s: how far the run's variation lets %s reach,"
                        + " not a value measured",
                upperEndMisses ? "upper" : "lower",
                new Quantity(end, dim).format(),
                upperEndMisses ? "beyond" : "below",
                upperEndMisses ? "largest" : "smallest",
                new Quantity(extreme, dim).format(),
                e.statistic().name());
    }

    /**
     * ", all within 1 of the run's 52 time blocks: one burst, and one burst cannot show how often
     * bursts come" when the values beyond {@code t} lie within one batch's share of the run (an
     * eighth of its time units, at least one), else "". That is the few-long-stalls limit
     * (docs/statistics.md, Known limits), which a longer run settles if such bursts are rare.
     * Block histograms keep two significant digits, so a block value within about 1% of the
     * threshold may be counted on either side.
     */
    static String burst(Sample s, double t, boolean upperLimit, boolean intervals) {
        List<Sample.Batch> units = s.units();
        int k = units.size();
        if (k < Sample.MIN_BATCHES) {
            return "";
        }
        long[] atOrBelow = s.unitCountsAtOrBelow(upperLimit ? t : Math.nextDown(t));
        int first = -1;
        int last = -1;
        for (int j = 0; j < k; j++) {
            long beyond = upperLimit ? units.get(j).n() - atOrBelow[j] : atOrBelow[j];
            if (beyond > 0) {
                first = first < 0 ? j : first;
                last = j;
            }
        }
        int span = last - first + 1;
        if (first < 0 || span > Math.max(1, k / Sample.MIN_BATCHES)) {
            return "";
        }
        String where = span == 1
                ? String.format(Locale.ROOT, "within 1 of the run's %d %s", k, intervals ? "intervals" : "time blocks")
                : String.format(
                        Locale.ROOT,
                        "within %d neighbouring %s of %d",
                        span,
                        intervals ? "intervals" : "time blocks",
                        k);
        return ", all " + where + ": one burst, and one burst cannot show how often bursts come";
    }

    /** Steal at or above this share of CPU time is worth a word in the reason. */
    static final double NOTABLE_STEAL = 0.05;

    /**
     * " (measured under 12% CPU steal)" when the probe ran while the hypervisor took a notable
     * share of the CPU (context {@code cpuStealShare}, written by the probe runner), else "".
     */
    static String loadNote(Measurement m) {
        String steal = m.context().get("cpuStealShare");
        if (steal == null) {
            return "";
        }
        try {
            double share = Double.parseDouble(steal);
            return share >= NOTABLE_STEAL
                    ? String.format(Locale.ROOT, " (measured under %.0f%% CPU steal)", share * 100)
                    : "";
        } catch (NumberFormatException ex) {
            return "";
        }
    }

    /** The time spent probing {@code m} (context {@link Rounds#PROBED_NS}), in seconds; NaN when not recorded. */
    static double probedSeconds(Measurement m) {
        String ns = m.context().get(Rounds.PROBED_NS);
        try {
            double s = ns == null ? Double.NaN : Long.parseLong(ns) / 1e9;
            return s > 0 ? s : Double.NaN;
        } catch (NumberFormatException ex) {
            return Double.NaN;
        }
    }

    /**
     * " (a budget of about 40 s at this run's rate)" for {@code total} samples in all, when the
     * time spent probing is known; else "".
     */
    static String budgetFor(double total, long samples, double probedSeconds) {
        if (Double.isNaN(probedSeconds) || samples <= 0 || !(total > 0)) {
            return "";
        }
        double seconds = total * probedSeconds / samples;
        return " (a budget of about " + round(Math.ceil(seconds)) + " s at this run's rate)";
    }

    /** What would settle an inconclusive verdict, in words. */
    static String advice(Expectation e, Estimate x, boolean upperEndMisses) {
        return advice(e, x, upperEndMisses, Double.NaN);
    }

    /** What would settle an inconclusive verdict, in words, with the budget when the time spent probing is known. */
    static String advice(Expectation e, Estimate x, boolean upperEndMisses, double probedSeconds) {
        Statistic s = e.statistic();
        if (s.kind() == Statistic.Kind.MAX || s.kind() == Statistic.Kind.MIN || s.quantile() >= 1.0) {
            return "no sample bounds the true "
                    + (s.kind() == Statistic.Kind.MIN ? "minimum from below" : "maximum from above")
                    + "; a percentile such as " + (s.kind() == Statistic.Kind.MIN ? "p0.1" : "p99.9")
                    + " can be certified";
        }
        String unit = e.metric().sampling() == Metric.Sampling.PER_INTERVAL ? "intervals" : "samples";
        if (x.samples() < 2) {
            // An imported mean, or a run cut short: nothing to estimate spread from.
            return String.format(
                    Locale.ROOT,
                    "%s cannot bound %s at %s confidence; a distribution of %s is needed",
                    x.samples() == 1 ? "a single value" : "no value",
                    s.name(),
                    Percent.of(x.confidence()),
                    unit);
        }
        double threshold = e.threshold().quantity().value();
        OptionalDouble total = x.precision().samplesFor(threshold);
        double needed = total.orElse(Double.NaN);
        // Too few samples to bound the quantile at all: the fewest that could.
        if (s.isQuantile() && Double.isInfinite(upperEndMisses ? x.high() : x.low())) {
            double alpha = 1 - x.confidence();
            double q = s.quantile();
            // The largest of n values bounds the q-quantile from above once q^n <= alpha/2; the
            // smallest bounds it from below once (1 - q)^n <= alpha/2. With a design effect d,
            // floor(n / d) effective values must reach that.
            double effective = Math.ceil(Math.log(alpha / 2) / Math.log(upperEndMisses ? q : 1 - q));
            double least = Math.ceil(effective * x.designEffect());
            return String.format(
                            Locale.ROOT,
                            "%,d %s are too few to bound %s at %s confidence; at least %,d needed",
                            x.samples(),
                            unit,
                            s.name(),
                            Percent.of(x.confidence()),
                            (long) least)
                    + budgetFor(least, x.samples(), probedSeconds);
        }
        if (Double.isNaN(needed)) {
            return "the estimate sits on the threshold: no practical number of " + unit + " would settle it";
        }
        double more = needed - x.samples();
        if (more > 1000.0 * x.samples()) {
            return "the estimate sits too close to the threshold for any practical number of " + unit + " to settle it";
        }
        return "about " + round(Math.max(1, more)) + " more " + unit + " needed"
                + budgetFor(needed, x.samples(), probedSeconds);
    }

    private static String shown(Statistic s, Estimate x, Dimension dim) {
        return s.name() + " = " + new Quantity(x.value(), dim).formatWithInterval(Math.max(0, x.low()), x.high());
    }

    /** Two significant digits with thousands separators: 4,000; 37; 120,000. */
    static String round(double n) {
        if (n < 10) {
            return Long.toString((long) Math.ceil(n));
        }
        double mag = Math.pow(10, Math.floor(Math.log10(n)) - 1);
        long r = (long) (Math.ceil(n / mag) * mag);
        return String.format(Locale.ROOT, "%,d", r);
    }

    private static RequirementVerdict withReason(RequirementVerdict v, String reason) {
        return new RequirementVerdict(
                v.id(),
                v.probe(),
                v.metric(),
                v.statistic(),
                v.comparator(),
                v.threshold(),
                v.unit(),
                v.measured(),
                v.ci(),
                v.samples(),
                v.verdict(),
                v.method(),
                reason,
                v.variant());
    }

    private static RequirementVerdict verdict(
            String variant, Requirement r, Expectation e, Estimate x, Verdict v, String reason, String method) {
        Dimension dim = e.statistic().dimensionFor(e.metric());
        ConfidenceInterval ci = x == null || Double.isNaN(x.value())
                ? null
                : new ConfidenceInterval(Math.max(0, x.low()), x.high(), x.confidence());
        return new RequirementVerdict(
                r.id(),
                r.probe().id(),
                e.metric().id(),
                e.statistic().name(),
                e.threshold().comparator().symbol(),
                e.threshold().quantity().value(),
                dim.canonicalUnit(),
                x == null ? Double.NaN : x.value(),
                ci,
                x == null ? 0 : x.samples(),
                v,
                method,
                reason,
                variant);
    }
}
