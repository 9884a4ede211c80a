package io.iocert.certifier;

import io.iocert.certifier.stats.Estimate;
import io.iocert.certifier.stats.Estimators;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ToolVersion;
import io.iocert.spec.Dimension;
import io.iocert.spec.Expectation;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Judges a result against a spec: one {@link RequirementVerdict} per statistic of every
 * requirement, and a {@link NodeVerdict} for the node.
 *
 * <p>This first certifier compares each statistic's point estimate with its threshold
 * (method {@value #POINT_ESTIMATE}). It never depends on the probes: it judges results from
 * anywhere.
 */
public final class Certifier {
    static final String POINT_ESTIMATE = "point-estimate";

    private Certifier() {
    }

    public static Report certify(Spec spec, Result result) {
        List<RequirementVerdict> verdicts = new ArrayList<>();
        for (Requirement r : spec.requirements()) {
            for (Expectation e : r.expectations()) {
                verdicts.add(judge(r, e, find(result, r, e)));
            }
        }
        NodeVerdict node = NodeVerdict.of(verdicts.stream().map(RequirementVerdict::verdict).toList());
        return new Report(ToolVersion.get(), spec.name(), spec.sha256(), result.node(), node, verdicts);
    }

    private static Optional<Measurement> find(Result result, Requirement r, Expectation e) {
        return result.measurements().stream()
                .filter(m -> m.id().equals(r.id()) && m.metric().equals(e.metric().id()))
                .findFirst();
    }

    static RequirementVerdict judge(Requirement r, Expectation e, Optional<Measurement> measurement) {
        Dimension dim = e.statistic().dimensionFor(e.metric());
        if (measurement.isEmpty()) {
            return verdict(r, e, Double.NaN, 0, Verdict.ERROR,
                    "no " + e.metric().id() + " measurement for '" + r.id() + "' in the result");
        }
        Measurement m = measurement.get();
        if (!m.probe().equals(r.probe().id())) {
            return verdict(r, e, Double.NaN, 0, Verdict.ERROR, "the result measured '" + r.id() + "' with "
                    + m.probe() + ", but the spec asks for " + r.probe().id());
        }
        Optional<Estimate> estimate = Estimators.estimate(m, e.statistic());
        double measured = estimate.map(Estimate::value).orElse(Double.NaN);
        long samples = estimate.map(Estimate::samples).orElse(0L);
        String shown = e.statistic().name() + " = " + (Double.isNaN(measured) ? "n/a" : new Quantity(measured, dim).format());
        if (m.error() != null) {
            String kept = samples > 0 ? " (" + shown + " from " + samples + " samples before the error)" : "";
            return verdict(r, e, measured, samples, Verdict.ERROR, m.error() + kept);
        }
        if (estimate.isEmpty() || Double.isNaN(measured)) {
            return verdict(r, e, measured, samples, Verdict.ERROR, "no samples to estimate " + e.statistic().name() + " from");
        }
        boolean holds = e.threshold().holds(measured);
        String reason = holds
                ? shown + " " + e.threshold()
                : shown + ", not " + e.threshold();
        return verdict(r, e, measured, samples, holds ? Verdict.PASS : Verdict.FAIL, reason);
    }

    private static RequirementVerdict verdict(Requirement r, Expectation e, double measured, long samples,
                                              Verdict v, String reason) {
        Dimension dim = e.statistic().dimensionFor(e.metric());
        return new RequirementVerdict(r.id(), r.probe().id(), e.metric().id(), e.statistic().name(),
                e.threshold().comparator().symbol(), e.threshold().quantity().value(), dim.canonicalUnit(),
                measured, null, samples, v, POINT_ESTIMATE, reason);
    }
}
