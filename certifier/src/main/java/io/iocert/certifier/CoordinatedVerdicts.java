package io.iocert.certifier;

import io.iocert.certifier.stats.Estimate;
import io.iocert.certifier.stats.Estimators;
import io.iocert.certifier.stats.Sample;
import io.iocert.results.Coordinated;
import io.iocert.results.Measurement;
import io.iocert.spec.Coordination;
import io.iocert.spec.Dimension;
import io.iocert.spec.Expectation;
import io.iocert.spec.Percent;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Verdicts on a coordinated requirement ({@link Coordination}), from the merged measurements of
 * a coordinated run ({@link Coordinated}): the aggregate measurement, or every node's.
 *
 * <ul>
 * <li><b>aggregate</b>: the aggregate is judged as one node's measurement would be.</li>
 * <li><b>per-node</b>: each of the k nodes is judged at confidence 1 - (1 - c) / k (Bonferroni),
 *     so that all k intervals hold together at c; the worst verdict decides (FAIL, then ERROR,
 *     then INCONCLUSIVE, else PASS), and among equal verdicts the node whose estimate is worst.
 *     The verdict names that node.</li>
 * <li><b>straggler</b>: the ratio of the slowest node's statistic to the median node's (the
 *     lowest value for rates, the highest for durations). With every node's interval at
 *     1 - (1 - c) / k, the slowest node's true value lies between the slowest of the lower
 *     bounds and the slowest of the upper bounds, and the median's between the medians of the
 *     bounds (order statistics are monotone in every argument), so the ratio's interval is the
 *     quotient of those ranges, holding at c at least.</li>
 * </ul>
 * A run whose aggregate carries an error (a node that died or never joined) gives ERROR with
 * that reason, naming the node; what the other nodes measured is kept in the result.
 */
final class CoordinatedVerdicts {
    private CoordinatedVerdicts() {}

    static List<RequirementVerdict> judge(Requirement r, List<Measurement> measurements) {
        Coordination c = r.coordinated().orElseThrow();
        List<RequirementVerdict> out = new ArrayList<>();
        for (Expectation e : r.expectations()) {
            List<Measurement> mine = measurements.stream()
                    .filter(m -> m.id().equals(r.id())
                            && m.metric().equals(e.metric().id()))
                    .toList();
            Optional<Measurement> aggregate = mine.stream()
                    .filter(m -> Coordinated.AGGREGATE.equals(m.context().get(Coordinated.SCOPE)))
                    .findFirst();
            List<Measurement> nodes = mine.stream()
                    .filter(m -> Coordinated.NODE.equals(m.context().get(Coordinated.SCOPE)))
                    .toList();
            String variant = c.scope().id();
            if (aggregate.isEmpty()) {
                String why = mine.isEmpty()
                        ? "no " + e.metric().id() + " measurement for '" + r.id() + "' in the result"
                        : mine.get(0).error() != null
                                ? mine.get(0).error()
                                : "'" + r.id()
                                        + "' is a coordinated requirement, and this result is one node's: judge the result"
                                        + " of 'iocert coordinate'";
                out.add(error(r, e, variant, why));
                continue;
            }
            Measurement agg = aggregate.get();
            String count = agg.context().get(Coordinated.NODES);
            if (c.nodes() > 0 && !Integer.toString(c.nodes()).equals(count)) {
                out.add(error(
                        r,
                        e,
                        variant,
                        "the spec asks for " + c.nodes() + " nodes, the run was coordinated for " + count));
                continue;
            }
            if (agg.error() != null && c.scope() == Coordination.Scope.STRAGGLER) {
                out.add(error(r, e, variant, agg.error()));
                continue;
            }
            if (agg.error() != null || c.scope() == Coordination.Scope.AGGREGATE) {
                RequirementVerdict v = Certifier.judge(r, e, Optional.of(agg), r.confidence());
                String shares = agg.context().get(Coordinated.SHARES);
                out.add(relabel(
                        v,
                        variant,
                        (c.scope() == Coordination.Scope.AGGREGATE ? "aggregate of " + count + " nodes: " : "")
                                + v.reason()
                                + (shares == null || agg.error() != null ? "" : "; node shares " + shares)));
                continue;
            }
            if (nodes.isEmpty()) {
                out.add(error(r, e, variant, "no node measurements of '" + r.id() + "' in the result"));
                continue;
            }
            double each = 1 - (1 - r.confidence()) / nodes.size();
            out.add(
                    c.scope() == Coordination.Scope.PER_NODE
                            ? perNode(r, e, nodes, each, variant)
                            : straggler(r, e, nodes, each, variant));
        }
        return out;
    }

    private static RequirementVerdict perNode(
            Requirement r, Expectation e, List<Measurement> nodes, double each, String variant) {
        boolean lowerIsBetter = e.metric().lowerIsBetter();
        List<RequirementVerdict> vs = new ArrayList<>();
        for (Measurement m : nodes) {
            vs.add(Certifier.judge(r, e, Optional.of(m), each));
        }
        Comparator<RequirementVerdict> worse =
                Comparator.comparingInt(v -> v.verdict().severity());
        Comparator<RequirementVerdict> byValue = Comparator.comparingDouble(
                v -> Double.isNaN(v.measured()) ? 0 : lowerIsBetter ? v.measured() : -v.measured());
        int worst = 0;
        for (int i = 1; i < vs.size(); i++) {
            if (worse.thenComparing(byValue).compare(vs.get(i), vs.get(worst)) > 0) {
                worst = i;
            }
        }
        Dimension dim = e.statistic().dimensionFor(e.metric());
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < vs.size(); i++) {
            RequirementVerdict v = vs.get(i);
            all.append(i == 0 ? "" : ", ")
                    .append(name(nodes.get(i)))
                    .append(' ')
                    .append(v.verdict())
                    .append(Double.isNaN(v.measured()) ? "" : " " + new Quantity(v.measured(), dim).format());
        }
        RequirementVerdict d = vs.get(worst);
        String reason =
                (d.verdict() == Verdict.PASS ? "every node passes; slowest node " : "node ") + name(nodes.get(worst))
                        + ": " + d.reason() + "; all " + nodes.size() + " nodes (each at " + Percent.of(each)
                        + " confidence, jointly "
                        + Percent.of(r.confidence()) + "): " + all;
        return new RequirementVerdict(
                d.id(),
                d.probe(),
                d.metric(),
                d.statistic(),
                d.comparator(),
                d.threshold(),
                d.unit(),
                d.measured(),
                d.ci(),
                d.samples(),
                d.verdict(),
                d.method(),
                reason,
                variant);
    }

    private static RequirementVerdict straggler(
            Requirement r, Expectation e, List<Measurement> nodes, double each, String variant) {
        boolean lowerIsBetter = e.metric().lowerIsBetter();
        int k = nodes.size();
        double[] value = new double[k];
        double[] low = new double[k];
        double[] high = new double[k];
        long samples = 0;
        String method = "none";
        for (int i = 0; i < k; i++) {
            Optional<Sample> s = Sample.of(nodes.get(i));
            if (nodes.get(i).error() != null || s.isEmpty()) {
                return error(
                        r,
                        e,
                        variant,
                        "node " + name(nodes.get(i)) + " has no usable "
                                + e.metric().id()
                                + (nodes.get(i).error() != null
                                        ? ": " + nodes.get(i).error()
                                        : ""));
            }
            Estimate x = Estimators.estimate(s.get(), e.statistic(), each);
            if (Double.isNaN(x.value())) {
                return error(
                        r,
                        e,
                        variant,
                        "node " + name(nodes.get(i)) + ": no samples to estimate "
                                + e.statistic().name() + " from");
            }
            value[i] = x.value();
            low[i] = Math.max(0, x.low());
            high[i] = x.high();
            samples += x.samples();
            method = x.method();
        }
        int slowest = 0;
        for (int i = 1; i < k; i++) {
            if (lowerIsBetter ? value[i] > value[slowest] : value[i] < value[slowest]) {
                slowest = i;
            }
        }
        double slowLow = lowerIsBetter ? max(low) : min(low);
        double slowHigh = lowerIsBetter ? max(high) : min(high);
        double ratio = value[slowest] / median(value);
        double ratioLow = slowLow / median(high);
        double ratioHigh = slowHigh / median(low);
        if (Double.isNaN(ratioLow)) {
            ratioLow = 0;
        }
        if (Double.isNaN(ratioHigh)) {
            ratioHigh = Double.POSITIVE_INFINITY;
        }
        boolean lowHolds = e.threshold().holds(ratioLow);
        boolean highHolds = e.threshold().holds(ratioHigh);
        Verdict v =
                lowHolds && highHolds ? Verdict.PASS : !lowHolds && !highHolds ? Verdict.FAIL : Verdict.INCONCLUSIVE;
        Dimension dim = e.statistic().dimensionFor(e.metric());
        String shown = String.format(
                Locale.ROOT,
                "slowest/median %s = %.3f [%.3f, %s]",
                e.statistic().name(),
                ratio,
                ratioLow,
                Double.isInfinite(ratioHigh) ? "inf" : String.format(Locale.ROOT, "%.3f", ratioHigh));
        String which = "; slowest node " + name(nodes.get(slowest)) + " " + new Quantity(value[slowest], dim).format()
                + ", median of " + k + " nodes " + new Quantity(median(value), dim).format() + " (each node at "
                + Percent.of(each) + " confidence)";
        String reason = switch (v) {
            case PASS -> shown + " " + e.threshold() + which;
            case FAIL -> shown + ", not " + e.threshold() + which;
            default -> shown + " vs " + e.threshold() + ": inconclusive; more samples per node would narrow it" + which;
        };
        return new RequirementVerdict(
                r.id(),
                r.probe().id(),
                e.metric().id(),
                e.statistic().name(),
                e.threshold().comparator().symbol(),
                e.threshold().quantity().value(),
                Dimension.RATIO.canonicalUnit(),
                ratio,
                new ConfidenceInterval(ratioLow, ratioHigh, r.confidence()),
                samples,
                v,
                "straggler ratio of " + method,
                reason,
                variant);
    }

    private static String name(Measurement m) {
        return m.context().getOrDefault(Coordinated.NODE_NAME, "?");
    }

    private static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(Double.NaN);
    }

    private static double max(double[] xs) {
        return Arrays.stream(xs).max().orElse(Double.NaN);
    }

    /** The median; the lower middle value of an even count, so that it is one node's value. */
    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        return s[(s.length - 1) / 2];
    }

    private static RequirementVerdict relabel(RequirementVerdict v, String variant, String reason) {
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
                variant);
    }

    /** An ERROR verdict; a straggler's threshold is a ratio, whatever the metric's unit. */
    private static RequirementVerdict error(Requirement r, Expectation e, String variant, String why) {
        RequirementVerdict v = Certifier.judge(r, e, Optional.empty(), r.confidence());
        String unit = r.coordinated()
                        .map(c -> c.scope() == Coordination.Scope.STRAGGLER)
                        .orElse(false)
                ? Dimension.RATIO.canonicalUnit()
                : v.unit();
        return new RequirementVerdict(
                v.id(),
                v.probe(),
                v.metric(),
                v.statistic(),
                v.comparator(),
                v.threshold(),
                unit,
                v.measured(),
                v.ci(),
                v.samples(),
                v.verdict(),
                v.method(),
                why,
                variant);
    }
}
