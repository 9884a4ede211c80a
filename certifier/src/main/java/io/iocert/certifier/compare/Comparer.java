package io.iocert.certifier.compare;

import io.iocert.certifier.compare.Comparison.Key;
import io.iocert.certifier.compare.Comparison.NotCompared;
import io.iocert.certifier.compare.Comparison.Origin;
import io.iocert.certifier.compare.QuantileDifference.Interval;
import io.iocert.certifier.compare.QuantileDifference.Side;
import io.iocert.certifier.stats.Estimate;
import io.iocert.certifier.stats.Estimators;
import io.iocert.certifier.stats.Sample;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ToolVersion;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Statistic;
import io.iocert.spec.WorkloadKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Compares two results measurement by measurement (see {@code docs/statistics.md}, "Comparing
 * two nodes").
 *
 * <p>Measurements are matched by requirement id, probe and metric, and must have been run with the
 * same workload. For each, a fixed set of quantiles (p50, p90, p99, p99.9 of per-operation
 * metrics; p10, p50, p90 of per-interval metrics) is estimated on both sides with the
 * certifier's intervals, and the candidate/reference ratio gets the interval
 * {@code [C_low / R_high, C_high / R_low]}. Each side's interval is computed at confidence
 * {@code 1 - alpha / (2m)} for m quantiles: by the union bound all 2m intervals hold together
 * with probability at least {@code 1 - alpha}, and when they do, every ratio interval contains
 * the true ratio. So a measurement's verdict, which looks at all of its ratio intervals, errs
 * with probability at most {@code alpha}.
 */
public final class Comparer {

    static final List<Statistic> PER_OPERATION = List.of(stat("p50"), stat("p90"), stat("p99"), stat("p99.9"));
    static final List<Statistic> PER_INTERVAL = List.of(stat("p10"), stat("p50"), stat("p90"));

    private Comparer() {}

    /**
     * Compares {@code candidate} with {@code reference}.
     *
     * @param confidence the joint confidence of each measurement's ratio intervals, in (0, 1)
     * @param tolerance  relative tolerance for verdicts (0.1 for 10%), or empty for differences only
     * @throws WorkloadMismatchException when matched measurements ran with different workloads or units
     */
    public static Comparison compare(
            Result reference,
            String referenceName,
            Result candidate,
            String candidateName,
            double confidence,
            OptionalDouble tolerance)
            throws WorkloadMismatchException {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
        if (tolerance.isPresent() && !(tolerance.getAsDouble() >= 0 && tolerance.getAsDouble() < 1)) {
            throw new IllegalArgumentException("tolerance must be in [0, 1), got " + tolerance.getAsDouble());
        }
        Map<Key, List<Measurement>> ref = byKey(reference.measurements());
        Map<Key, List<Measurement>> cand = byKey(candidate.measurements());
        List<Key> onlyRef = new ArrayList<>();
        List<Key> onlyCand = new ArrayList<>();
        List<Measurement[]> pairs = new ArrayList<>();
        for (Map.Entry<Key, List<Measurement>> e : ref.entrySet()) {
            List<Measurement> others = cand.getOrDefault(e.getKey(), List.of());
            List<Measurement> mine = e.getValue();
            for (int i = 0; i < Math.max(mine.size(), others.size()); i++) {
                if (i >= others.size()) {
                    onlyRef.add(e.getKey());
                } else if (i >= mine.size()) {
                    onlyCand.add(e.getKey());
                } else {
                    pairs.add(new Measurement[] {mine.get(i), others.get(i)});
                }
            }
        }
        for (Map.Entry<Key, List<Measurement>> e : cand.entrySet()) {
            if (!ref.containsKey(e.getKey())) {
                e.getValue().forEach(m -> onlyCand.add(e.getKey()));
            }
        }
        // A pair run with different workloads is not compared (with the reason); only when no
        // pair at all is comparable is the whole comparison refused.
        List<String> mismatches = new ArrayList<>();
        List<MeasurementComparison> compared = new ArrayList<>();
        List<NotCompared> notCompared = new ArrayList<>();
        for (Measurement[] p : pairs) {
            Key key = key(p[0]);
            Optional<String> why = whyNot(p[0], p[1]);
            if (why.isPresent()) {
                notCompared.add(new NotCompared(key, why.get()));
                continue;
            }
            Optional<String> mismatch = mismatch(p[0], p[1], referenceName, candidateName);
            if (mismatch.isPresent()) {
                mismatches.add(mismatch.get());
                notCompared.add(new NotCompared(
                        key,
                        "ran with different workloads: "
                                + mismatch.get().substring(key.toString().length() + 2)));
            } else {
                compared.add(compare(p[0], p[1], confidence, tolerance));
            }
        }
        if (compared.isEmpty() && !mismatches.isEmpty()) {
            throw new WorkloadMismatchException(mismatches);
        }
        return new Comparison(
                ToolVersion.get(),
                origin(reference, referenceName),
                origin(candidate, candidateName),
                confidence,
                tolerance,
                compared,
                onlyRef,
                onlyCand,
                notCompared);
    }

    private static Origin origin(Result r, String name) {
        return new Origin(name, r.node().hostname(), r.specName());
    }

    private static Key key(Measurement m) {
        return new Key(m.id(), m.probe(), m.metric());
    }

    private static Map<Key, List<Measurement>> byKey(List<Measurement> ms) {
        Map<Key, List<Measurement>> map = new LinkedHashMap<>();
        for (Measurement m : ms) {
            map.computeIfAbsent(key(m), k -> new ArrayList<>()).add(m);
        }
        return map;
    }

    // ---- workloads ----

    /** A line naming the measurement and every differing workload key with both values; empty when they agree. */
    static Optional<String> mismatch(Measurement ref, Measurement cand, String refName, String candName) {
        List<String> diffs = new ArrayList<>();
        if (!ref.unit().equals(cand.unit())) {
            diffs.add(CompareWords.unitDiffers(ref.unit(), refName, cand.unit(), candName));
        }
        Set<String> ignored = ignoredKeys(ref);
        Set<String> keys = new LinkedHashSet<>(ref.workload().keySet());
        keys.addAll(cand.workload().keySet());
        for (String k : keys) {
            if (ignored.contains(k) || WorkloadKey.RUN_LENGTH.contains(k)) {
                continue;
            }
            boolean inRef = ref.workload().containsKey(k);
            boolean inCand = cand.workload().containsKey(k);
            Object a = ref.workload().get(k);
            Object b = cand.workload().get(k);
            if (inRef && inCand && sameValue(a, b)) {
                continue;
            }
            diffs.add(CompareWords.keyDiffers(
                    k,
                    inRef ? WorkloadText.format(ref.probe(), k, a) : CompareWords.notSet(),
                    refName,
                    inCand ? WorkloadText.format(ref.probe(), k, b) : CompareWords.notSet(),
                    candName));
        }
        if (diffs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(key(ref) + ": " + String.join("; ", diffs));
    }

    /**
     * Keys that do not decide whether {@code m} is comparable: for a per-operation metric, those
     * of its probe that only bin per-interval rates ({@link ProbeType#binningOnly()}). A
     * different binning does change the per-interval metrics (rates over 10 ms vary more than
     * over 1 s, so their p10 is lower), so for those it is refused. The run's length
     * ({@link WorkloadKey#RUN_LENGTH}) never decides it.
     */
    private static Set<String> ignoredKeys(Measurement m) {
        Optional<Metric> metric = Metric.ofId(m.metric());
        if (metric.isPresent() && metric.get().sampling() == Metric.Sampling.PER_OPERATION) {
            return ProbeType.ofId(m.probe()).map(ProbeType::binningOnly).orElse(Set.of());
        }
        return Set.of();
    }

    /** Equal values; numbers by value (1 and 1.0 agree), lists element by element. */
    static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!sameValue(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(a, b);
    }

    private static Optional<String> whyNot(Measurement ref, Measurement cand) {
        if (Metric.ofId(ref.metric()).isEmpty()) {
            return Optional.of(CompareWords.unknownMetric(ref.metric()));
        }
        if (ref.error() != null) {
            return Optional.of(CompareWords.failed("reference", ref.error()));
        }
        if (cand.error() != null) {
            return Optional.of(CompareWords.failed("candidate", cand.error()));
        }
        if (Sample.of(ref).isEmpty()) {
            return Optional.of(CompareWords.noObservations("reference"));
        }
        if (Sample.of(cand).isEmpty()) {
            return Optional.of(CompareWords.noObservations("candidate"));
        }
        return Optional.empty();
    }

    // ---- one measurement ----

    static MeasurementComparison compare(
            Measurement ref, Measurement cand, double confidence, OptionalDouble tolerance) {
        Metric metric = Metric.ofId(ref.metric()).orElseThrow();
        Direction direction = Direction.of(metric);
        List<Statistic> quantiles = metric.sampling() == Metric.Sampling.PER_OPERATION ? PER_OPERATION : PER_INTERVAL;
        double alpha = 1 - confidence;
        double sideConfidence = 1 - alpha / (2 * quantiles.size());
        Sample rs = Sample.of(ref).orElseThrow();
        Sample cs = Sample.of(cand).orElseThrow();
        List<QuantileDifference> diffs = new ArrayList<>();
        List<Estimate[]> estimates = new ArrayList<>();
        for (Statistic q : quantiles) {
            Estimate r = Estimators.estimate(rs, q, sideConfidence);
            Estimate c = Estimators.estimate(cs, q, sideConfidence);
            estimates.add(new Estimate[] {r, c});
            Side rSide = side(r);
            Side cSide = side(c);
            double lo = ratio(cSide.low(), rSide.high());
            double hi = ratio(cSide.high(), rSide.low());
            diffs.add(new QuantileDifference(
                    q,
                    rSide,
                    cSide,
                    new Interval(
                            ratio(cSide.value(), rSide.value()),
                            Double.isNaN(lo) ? 0 : lo,
                            Double.isNaN(hi) ? Double.POSITIVE_INFINITY : hi)));
        }
        Optional<AndersonDarling.Outcome> test = adTest(ref, cand);
        Optional<CompareVerdict> verdict = Optional.empty();
        String reason;
        if (tolerance.isPresent()) {
            Judged j = judge(diffs, estimates, direction, tolerance.getAsDouble(), sideConfidence);
            verdict = Optional.of(j.verdict());
            reason = j.reason();
        } else {
            reason = largestDifference(diffs);
        }
        return new MeasurementComparison(
                ref.id(),
                ref.probe(),
                metric,
                ref.unit(),
                direction,
                rs.n(),
                cs.n(),
                sideConfidence,
                diffs,
                test,
                verdict,
                reason);
    }

    private static Side side(Estimate e) {
        return new Side(e.value(), Math.max(0, e.low()), e.high());
    }

    /** a / b for non-negative values; NaN for 0 / 0, infinity for x / 0. */
    private static double ratio(double a, double b) {
        if (b == 0) {
            return a == 0 ? Double.NaN : Double.POSITIVE_INFINITY;
        }
        return a / b;
    }

    static Optional<AndersonDarling.Outcome> adTest(Measurement ref, Measurement cand) {
        try {
            return Optional.of(AndersonDarling.test(List.of(tally(ref), tally(cand))));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // too few observations for the test's variance
        }
    }

    /** The measurement's observations as (value, count) pairs: histogram buckets, else interval values. */
    static AndersonDarling.Tally tally(Measurement m) {
        Histogram h = m.histogram();
        if (h != null && h.getTotalCount() > 0) {
            List<double[]> pairs = new ArrayList<>();
            for (HistogramIterationValue v : h.recordedValues()) {
                pairs.add(new double[] {v.getValueIteratedTo(), v.getCountAtValueIteratedTo()});
            }
            double[] values = new double[pairs.size()];
            long[] counts = new long[pairs.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = pairs.get(i)[0];
                counts[i] = (long) pairs.get(i)[1];
            }
            return new AndersonDarling.Tally(values, counts);
        }
        IntervalSeries s = m.intervals();
        double[] v = s == null
                ? new double[0]
                : s.values().stream()
                        .filter(x -> x != null && !x.isNaN())
                        .mapToDouble(Double::doubleValue)
                        .toArray();
        return AndersonDarling.Tally.of(v);
    }

    // ---- verdicts ----

    /** Where one quantile's ratio interval lies relative to the tolerance band. */
    enum Position {
        /** Wholly beyond the band on the bad side. */
        WORSE,
        /** Wholly beyond the band on the good side. */
        BETTER,
        /** Wholly inside the band. */
        WITHIN,
        /** Clear of the bad side, but reaching past the band on the good side. */
        NOT_WORSE,
        /** Reaching into the bad side without lying wholly in it. */
        OPEN
    }

    record Judged(CompareVerdict verdict, String reason) {}

    static Position position(Interval r, Direction d, double tol) {
        double up = 1 + tol;
        double down = 1 - tol;
        // Express as "bad side above": for higher-is-better, mirror the comparisons.
        boolean lowerBetter = d == Direction.LOWER_IS_BETTER;
        boolean whollyBad = lowerBetter ? r.low() > up : r.high() < down;
        boolean whollyGood = lowerBetter ? r.high() < down : r.low() > up;
        boolean clearOfBad = lowerBetter ? r.high() <= up : r.low() >= down;
        boolean clearOfGood = lowerBetter ? r.low() >= down : r.high() <= up;
        if (whollyBad) {
            return Position.WORSE;
        }
        if (whollyGood) {
            return Position.BETTER;
        }
        if (clearOfBad && clearOfGood) {
            return Position.WITHIN;
        }
        return clearOfBad ? Position.NOT_WORSE : Position.OPEN;
    }

    /**
     * worse if any quantile is wholly worse than the tolerance allows; equivalent if all lie within
     * it; better if some are wholly better and every other is at least clear of the bad side
     * (stricter than "none shown worse": exit code 0 must mean the candidate was shown not to be
     * worse anywhere); otherwise inconclusive, with what would settle it.
     */
    static Judged judge(
            List<QuantileDifference> diffs,
            List<Estimate[]> estimates,
            Direction d,
            double tol,
            double sideConfidence) {
        List<String> worse = new ArrayList<>();
        List<String> better = new ArrayList<>();
        int within = 0;
        boolean anyOpen = false;
        for (int i = 0; i < diffs.size(); i++) {
            QuantileDifference q = diffs.get(i);
            switch (position(q.ratio(), d, tol)) {
                case WORSE -> worse.add(CompareWords.shown(q));
                case BETTER -> better.add(CompareWords.shown(q));
                case WITHIN -> within++;
                case NOT_WORSE -> {}
                case OPEN -> anyOpen = true;
            }
        }
        if (!worse.isEmpty()) {
            return new Judged(CompareVerdict.WORSE, CompareWords.worse(worse, tol, d));
        }
        if (within == diffs.size()) {
            return new Judged(CompareVerdict.EQUIVALENT, CompareWords.equivalent(tol));
        }
        if (!better.isEmpty() && !anyOpen) {
            return new Judged(CompareVerdict.BETTER, CompareWords.better(better, tol, d));
        }
        // Of the quantiles that keep the verdict open (those reaching into the bad side, else those
        // that could still be better beyond the band), report the one hardest to settle.
        boolean badSide = anyOpen;
        Position open = badSide ? Position.OPEN : Position.NOT_WORSE;
        boolean lowerBetter = d == Direction.LOWER_IS_BETTER;
        double bound = badSide == lowerBetter ? 1 + tol : 1 - tol;
        Advice hardest = null;
        int at = -1;
        for (int i = 0; i < diffs.size(); i++) {
            if (position(diffs.get(i).ratio(), d, tol) == open) {
                Advice a = settle(diffs.get(i), estimates.get(i), bound, sideConfidence);
                if (hardest == null || a.difficulty() > hardest.difficulty()) {
                    hardest = a;
                    at = i;
                }
            }
        }
        return new Judged(
                CompareVerdict.INCONCLUSIVE, CompareWords.inconclusive(diffs.get(at), badSide, tol, hardest.words()));
    }

    /** What would settle an open quantile, and how hard that is (a sample multiple; infinite when unbounded). */
    record Advice(String words, double difficulty) {}

    /** What would settle a ratio interval that straddles {@code bound}, in words. */
    static Advice settle(QuantileDifference q, Estimate[] rc, double bound, double sideConfidence) {
        String[] names = {"reference", "candidate"};
        for (int s = 0; s < 2; s++) {
            Estimate e = rc[s];
            boolean noHigh = Double.isInfinite(e.high());
            boolean noLow = Double.isInfinite(e.low());
            if (noHigh || (noLow && q.statistic().quantile() < 0.5)) {
                double tail = (1 - sideConfidence) / 2;
                double p = noHigh ? q.statistic().quantile() : 1 - q.statistic().quantile();
                long least = (long) Math.ceil(Math.log(tail) / Math.log(p) * e.designEffect());
                return new Advice(
                        CompareWords.tooFew(e.samples(), names[s], q.statistic(), sideConfidence, least),
                        Double.POSITIVE_INFINITY);
            }
        }
        Interval r = q.ratio();
        if (!(r.value() > 0) || Double.isInfinite(r.value()) || r.low() <= 0 || Double.isInfinite(r.high())) {
            return new Advice(CompareWords.narrowBoth(), Double.POSITIVE_INFINITY);
        }
        double point = Math.log(r.value());
        double target = Math.log(bound);
        double gap = Math.abs(point - target);
        double half = point < target ? Math.log(r.high()) - point : point - Math.log(r.low());
        if (gap < 1e-9) {
            return new Advice(CompareWords.onTheBound(), Double.MAX_VALUE);
        }
        double factor = (half / gap) * (half / gap);
        if (factor > 1000) {
            return new Advice(CompareWords.tooCloseToTheBound(), factor);
        }
        return new Advice(
                CompareWords.moreSamples(
                        factor, (long) Math.ceil(rc[0].samples() * factor), (long) Math.ceil(rc[1].samples() * factor)),
                factor);
    }

    private static String largestDifference(List<QuantileDifference> diffs) {
        QuantileDifference largest = null;
        double most = -1;
        for (QuantileDifference q : diffs) {
            double v = q.ratio().value();
            if (v > 0 && Double.isFinite(v) && Math.abs(Math.log(v)) > most) {
                most = Math.abs(Math.log(v));
                largest = q;
            }
        }
        return CompareWords.largestDifference(largest);
    }

    private static Statistic stat(String name) {
        return Statistic.parse(name).orElseThrow();
    }
}
