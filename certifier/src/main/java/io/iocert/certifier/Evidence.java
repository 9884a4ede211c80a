package io.iocert.certifier;

import io.iocert.certifier.stats.Estimate;
import io.iocert.certifier.stats.Estimators;
import io.iocert.certifier.stats.Sample;
import io.iocert.results.IntervalSeries;
import io.iocert.results.LookPlan;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.spec.Statistic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a reader needs to see behind the verdicts on one measurement: its distribution as a
 * percentile spectrum with a confidence band, its interval series when it has one, and the
 * workload and context it ran under. The HTML report draws it; the other formats ignore it.
 *
 * <p>The spectrum is sampled on a log-odds grid, evenly spaced in log10(q / (1 - q)), from the
 * lowest to the highest percentile the sample can speak to (1/n and 1 - 1/n, at most 10^-6
 * from either end). The band at each point is the interval the certifier would give that
 * percentile at {@code confidence}, by the same method as the verdicts (order statistics with
 * the batch-means design effect), so a threshold line crossing the band is exactly where a
 * verdict on that percentile would be inconclusive. The band is pointwise, not simultaneous.
 *
 * @param id requirement id
 * @param variant as in {@link RequirementVerdict#variant()}
 * @param spectrum percentile points, ascending in q
 * @param intervals the interval series, or null
 * @param confidence the confidence of the band
 */
public record Evidence(
        String id,
        String metric,
        String variant,
        String unit,
        long samples,
        List<Point> spectrum,
        IntervalSeries intervals,
        double confidence,
        Map<String, Object> workload,
        Map<String, String> context) {

    /** Grid step in log10 odds: ten points per decade of odds. */
    static final double STEP = 0.1;
    /** The grid stops this close to 0 and 1: a millionth of the distribution either side. */
    static final double MAX_LOG_ODDS = 6;

    /**
     * One percentile of the spectrum: {@code q} in (0, 1), the point estimate, and the band's ends
     * (high is +infinity where the sample cannot bound it, low -infinity likewise).
     */
    public record Point(double q, double value, double low, double high) {}

    public Evidence {
        Objects.requireNonNull(id, "id");
        spectrum = List.copyOf(spectrum);
        workload = workload == null ? Map.of() : Map.copyOf(workload);
        context = context == null ? Map.of() : Map.copyOf(context);
    }

    /**
     * The evidence behind each verdict of {@code report}, which must have been made from
     * {@code result}: one entry per measurement judged, in the order of the verdicts.
     */
    public static List<Evidence> of(Report report, Result result) {
        Map<String, Evidence> out = new LinkedHashMap<>();
        for (RequirementVerdict v : report.requirements()) {
            String key = v.id() + "\u0000" + v.metric() + "\u0000" + v.variant();
            if (out.containsKey(key)) {
                continue;
            }
            Optional<Measurement> m = find(result.measurements(), v);
            double confidence = v.ci() != null ? v.ci().confidence() : 0.95;
            m.ifPresent(x -> out.put(key, of(x, v.variant(), confidence)));
        }
        return List.copyOf(out.values());
    }

    /** The evidence of one measurement with a band at {@code confidence}. */
    public static Evidence of(Measurement m, String variant, double confidence) {
        List<Point> points = new ArrayList<>();
        Optional<Sample> sample = Sample.of(m);
        if (sample.isPresent() && sample.get().n() >= 2) {
            Sample s = sample.get();
            double reach = Math.min(MAX_LOG_ODDS, Math.log10(s.n()));
            int steps = (int) Math.floor(reach / STEP + 1e-9);
            for (int i = -steps; i <= steps; i++) {
                double x = i * STEP;
                double q = 1 / (1 + Math.pow(10, -x));
                Estimate e = Estimators.estimate(s, Statistic.percentile(q * 100), confidence);
                points.add(new Point(q, s.quantile(q), e.low(), e.high()));
            }
        }
        return new Evidence(
                m.id(),
                m.metric(),
                variant,
                m.unit(),
                sample.map(Sample::n).orElse(0L),
                points,
                m.intervals(),
                confidence,
                m.workload(),
                conditions(m));
    }

    /**
     * The measurement's context with its look plan beside it, under the names the plan had when
     * it was context ({@code rounds}, {@code maxRounds}): the report lists both among the
     * conditions the measurement was taken under, as it did before the plan had its own member.
     */
    static Map<String, String> conditions(Measurement m) {
        if (m.looks() == null) {
            return m.context();
        }
        Map<String, String> all = new LinkedHashMap<>(m.context());
        all.put(LookPlan.V1_ROUNDS, Integer.toString(m.looks().round()));
        all.put(LookPlan.V1_MAX_ROUNDS, Integer.toString(m.looks().maxRounds()));
        return all;
    }

    /** The measurement a verdict judged: same id and metric, and the same variant among several. */
    private static Optional<Measurement> find(List<Measurement> measurements, RequirementVerdict v) {
        List<Measurement> candidates = Certifier.judged(measurements, v.id(), v.metric());
        if (candidates.size() <= 1 || v.variant() == null) {
            return candidates.stream().findFirst();
        }
        return candidates.stream()
                .filter(x -> v.variant().equals(Certifier.variant(x)))
                .findFirst();
    }
}
