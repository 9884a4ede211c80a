package io.iocert.certifier.derive;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.iocert.certifier.compare.Direction;
import io.iocert.certifier.compare.WorkloadText;
import io.iocert.certifier.stats.Estimate;
import io.iocert.certifier.stats.Estimators;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.spec.Dimension;
import io.iocert.spec.Metric;
import io.iocert.spec.Percent;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Statistic;
import io.iocert.spec.WorkloadKey;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Writes a spec v1 from a reference node's result: "what runs here must run there".
 *
 * <p>One requirement per requirement id in the result, with the probe and the workload as the
 * reference actually ran it (only the keys the probe declares, every value exact with its unit:
 * {@code blockSize: 1MiB}, {@code interval: 10ms}), and per measured metric one expectation per
 * statistic: for metrics where lower is better {@code "<= value * (1 + slack)"}, else
 * {@code ">= value * (1 - slack)"}, from the reference's point estimate. Thresholds are written
 * with four significant digits, rounded in the lenient direction, so rounding never tightens
 * them. Measurements that failed are skipped, and said so in {@link Derived#notes()}.
 */
public final class SpecDeriver {

    /** Statistics used unless others are asked for: the middle and a tail of each kind of metric. */
    static final List<Statistic> PER_OPERATION = List.of(stat("p50"), stat("p99"));

    static final List<Statistic> PER_INTERVAL = List.of(stat("p10"), stat("p50"));

    private SpecDeriver() {}

    /**
     * The derived spec as YAML text, and notes on what was left out.
     *
     * @param yaml  the spec document
     * @param notes one line per skipped measurement or requirement
     */
    public record Derived(String yaml, List<String> notes) {
        public Derived {
            notes = List.copyOf(notes);
        }
    }

    /** No requirement could be derived from the result. */
    public static final class NothingToDeriveException extends Exception {
        private static final long serialVersionUID = 1L;

        NothingToDeriveException(String message) {
            super(message);
        }
    }

    /**
     * Derives a spec.
     *
     * @param result     the reference node's result
     * @param source     where the result came from, for the description (a file name)
     * @param name       the spec's name
     * @param slack      relative slack, 0 up to (not including) 1: 0.2 for 20%
     * @param statistics the statistics for every metric; empty for the defaults (p50 and p99 of
     *                   per-operation metrics, p10 and p50 of per-interval metrics)
     * @throws NothingToDeriveException when no measurement of the result could be used
     * @throws IllegalArgumentException for a slack out of range, or a statistic no sample can
     *                                  certify (min, max)
     */
    public static Derived derive(
            Result result, String source, String name, double slack, Optional<List<Statistic>> statistics)
            throws NothingToDeriveException {
        if (!(slack >= 0 && slack < 1)) {
            throw new IllegalArgumentException("slack must be from 0 up to 1, got " + slack);
        }
        statistics.ifPresent(SpecDeriver::checkStatistics);
        List<String> notes = new ArrayList<>();
        Map<String, List<Measurement>> byId = new LinkedHashMap<>();
        for (Measurement m : result.measurements()) {
            byId.computeIfAbsent(m.id(), k -> new ArrayList<>()).add(m);
        }
        StringBuilder reqs = new StringBuilder();
        int count = 0;
        for (Map.Entry<String, List<Measurement>> e : byId.entrySet()) {
            Optional<String> block = requirement(e.getKey(), e.getValue(), slack, statistics, notes);
            if (block.isPresent()) {
                reqs.append(block.get());
                count++;
            }
        }
        if (count == 0) {
            throw new NothingToDeriveException("no requirement can be derived from " + source + ": "
                    + (notes.isEmpty() ? "it holds no measurements" : String.join("; ", notes)));
        }
        StringBuilder y = new StringBuilder();
        y.append("# Derived by iocert spec derive from ").append(source).append(": what runs there must run here.\n");
        y.append("iocert: v1\n");
        y.append("name: ").append(quoted(name)).append('\n');
        y.append("description: ")
                .append(quoted("Derived from " + source + " (node "
                        + result.node().hostname()
                        + (result.specName() == null ? "" : ", spec '" + result.specName() + "'") + ", measured "
                        + result.startedAt() + ") with " + Percent.of(slack) + " slack"))
                .append('\n');
        y.append("requirements:\n");
        y.append(reqs);
        return new Derived(y.toString(), notes);
    }

    private static void checkStatistics(List<Statistic> statistics) {
        if (statistics.isEmpty()) {
            throw new IllegalArgumentException("no statistics given");
        }
        for (Statistic s : statistics) {
            if (s.kind() == Statistic.Kind.MIN || s.kind() == Statistic.Kind.MAX || s.quantile() >= 1.0) {
                throw new IllegalArgumentException(s.name() + " cannot be certified: no sample bounds the true "
                        + (s.kind() == Statistic.Kind.MIN ? "minimum" : "maximum") + "; use a percentile such as "
                        + (s.kind() == Statistic.Kind.MIN ? "p0.1" : "p99.9"));
            }
        }
    }

    private static Optional<String> requirement(
            String id, List<Measurement> ms, double slack, Optional<List<Statistic>> statistics, List<String> notes) {
        String probeId = ms.get(0).probe();
        Optional<ProbeType> probe = ProbeType.ofId(probeId);
        if (probe.isEmpty()) {
            notes.add("skipped '" + id + "': probe '" + probeId + "' is not one spec v1 knows");
            return Optional.empty();
        }
        StringBuilder expect = new StringBuilder();
        Measurement workloadSource = null;
        // One entry per metric. A net.stream's single streams (and a coordinated run's pairs) are parts of its
        // aggregate, not
        // what a spec judges; a sweep's sizes share one threshold per statistic, the loosest
        // they need, so every size of the reference passes.
        Map<String, List<Measurement>> byMetric = new LinkedHashMap<>();
        for (Measurement m : ms) {
            if (!io.iocert.results.Coordinated.isPart(m)) {
                byMetric.computeIfAbsent(m.metric(), k -> new ArrayList<>()).add(m);
            }
        }
        List<Long> sweep = new ArrayList<>();
        for (List<Measurement> group : byMetric.values()) {
            Measurement m = group.get(0);
            String what = "'" + id + "' " + m.metric();
            if (!m.probe().equals(probeId)) {
                notes.add("skipped " + what + ": measured with " + m.probe() + ", not " + probeId);
                continue;
            }
            if (group.stream().anyMatch(x -> x.error() != null)) {
                notes.add("skipped " + what + ": the measurement failed: "
                        + group.stream()
                                .filter(x -> x.error() != null)
                                .findFirst()
                                .orElseThrow()
                                .error());
                continue;
            }
            Optional<Metric> metric =
                    Metric.ofId(m.metric()).filter(x -> probe.get().metrics().contains(x));
            if (metric.isEmpty()) {
                notes.add("skipped " + what + ": " + probeId + " has no metric '" + m.metric() + "'");
                continue;
            }
            List<Statistic> stats = statistics.orElse(
                    metric.get().sampling() == Metric.Sampling.PER_OPERATION ? PER_OPERATION : PER_INTERVAL);
            StringBuilder lines = new StringBuilder();
            for (Statistic s : stats) {
                OptionalDouble loosest = OptionalDouble.empty();
                for (Measurement x : group) {
                    Optional<Estimate> e = Estimators.estimate(x, s, 0.95);
                    if (e.isEmpty() || !Double.isFinite(e.get().value())) {
                        continue;
                    }
                    double v = e.get().value();
                    boolean higherIsBetter = lenientIsLower(s, metric.get());
                    loosest = OptionalDouble.of(
                            loosest.isEmpty()
                                    ? v
                                    : higherIsBetter
                                            ? Math.min(loosest.getAsDouble(), v)
                                            : Math.max(loosest.getAsDouble(), v));
                }
                if (loosest.isEmpty()) {
                    notes.add("skipped " + what + " " + s.name() + ": no samples to estimate it from");
                    continue;
                }
                lines.append("        ")
                        .append(s.name())
                        .append(": ")
                        .append(quoted(threshold(loosest.getAsDouble(), s, metric.get(), slack)))
                        .append('\n');
            }
            if (lines.length() > 0) {
                expect.append("      ").append(metric.get().id()).append(":\n").append(lines);
                if (workloadSource == null) {
                    workloadSource = m;
                    if (group.size() > 1) {
                        for (Measurement x : group) {
                            if (x.workload().get(ProbeType.MESSAGE_SIZE) instanceof Number size) {
                                sweep.add(size.longValue());
                            }
                        }
                    }
                }
            }
        }
        if (workloadSource == null) {
            notes.add("skipped requirement '" + id + "': none of its measurements can be used");
            return Optional.empty();
        }
        StringBuilder r = new StringBuilder();
        r.append("  - id: ").append(quoted(id)).append('\n');
        r.append("    probe: ").append(probeId).append('\n');
        StringBuilder w = new StringBuilder();
        for (WorkloadKey k : probe.get().workloadKeys()) {
            if (k.name().equals("sizes") && sweep.size() > 1) {
                w.append("      sizes: [")
                        .append(sweep.stream()
                                .map(b -> WorkloadText.format(probeId, ProbeType.MESSAGE_SIZE, b))
                                .collect(java.util.stream.Collectors.joining(", ")))
                        .append("]\n");
                continue;
            }
            if (k.name().equals(ProbeType.MESSAGE_SIZE) && sweep.size() > 1) {
                continue;
            }
            if (workloadSource.workload().containsKey(k.name())
                    && workloadSource.workload().get(k.name()) != null) {
                w.append("      ")
                        .append(k.name())
                        .append(": ")
                        .append(value(probeId, k, workloadSource.workload().get(k.name())))
                        .append('\n');
            }
        }
        if (w.length() > 0) {
            r.append("    workload:\n").append(w);
        }
        r.append("    expect:\n").append(expect);
        return Optional.of(r.toString());
    }

    /** A workload value in YAML: exact with unit; words and numbers plain, booleans as true/false. */
    private static String value(String probe, WorkloadKey k, Object v) {
        if (WorkloadKey.RUN_LENGTH.contains(k.name()) && v instanceof Number n && n.longValue() > 0) {
            // How long a run lasts, often a share of the budget iocert chose (808839081 ns): it sets
            // how many samples there are, not what the job does, so three digits say enough.
            v = new BigDecimal(n.longValue())
                    .round(new MathContext(3, RoundingMode.HALF_UP))
                    .longValue();
        }
        String text = WorkloadText.format(probe, k.name(), v);
        return v instanceof String ? quoted(text) : text;
    }

    /** Whether a lower value of this statistic is the worse one (rates): the loosest bound is then the lowest. */
    private static boolean lenientIsLower(Statistic s, Metric metric) {
        return !upperBound(s, metric);
    }

    /** Whether the derived bound is an upper bound: spread (stddev, cv) and lower-is-better metrics. */
    private static boolean upperBound(Statistic s, Metric metric) {
        return s.kind() == Statistic.Kind.STDDEV
                || s.kind() == Statistic.Kind.CV
                || Direction.of(metric) == Direction.LOWER_IS_BETTER;
    }

    /** {@code "<= 1.236 ms"} or {@code ">= 400 MB/s"}, rounded to four significant digits in the lenient direction. */
    static String threshold(double value, Statistic s, Metric metric, double slack) {
        Dimension dim = s.dimensionFor(metric);
        // Spread (stddev, cv) is better when smaller, whatever the metric.
        boolean upper = upperBound(s, metric);
        double bound = upper ? value * (1 + slack) : value * (1 - slack);
        Unit u = unit(bound, dim);
        // Twelve digits first, so that floating-point noise (327.19999999999996) does not round a
        // whole step the lenient way; then four digits, away from the strict side.
        BigDecimal scaled = new BigDecimal(bound / u.factor())
                .round(new MathContext(12, RoundingMode.HALF_EVEN))
                .round(new MathContext(4, upper ? RoundingMode.CEILING : RoundingMode.FLOOR))
                .stripTrailingZeros();
        String number = scaled.signum() == 0 ? "0" : scaled.toPlainString();
        return (upper ? "<= " : ">= ") + number + (u.name().isEmpty() ? "" : " " + u.name());
    }

    private record Unit(String name, double factor) {}

    private static Unit unit(double v, Dimension dim) {
        double a = Math.abs(v);
        return switch (dim) {
            case DURATION ->
                a >= 1e9
                        ? new Unit("s", 1e9)
                        : a >= 1e6 ? new Unit("ms", 1e6) : a >= 1e3 ? new Unit("us", 1e3) : new Unit("ns", 1);
            case DATA_RATE -> decimal(a, "B/s", "KB/s", "MB/s", "GB/s", "TB/s");
            case OP_RATE -> decimal(a, "ops/s", "kops/s", "Mops/s");
            case FLOP_RATE -> decimal(a, "FLOP/s", "kFLOP/s", "MFLOP/s", "GFLOP/s", "TFLOP/s");
            case DATA_SIZE -> new Unit("B", 1);
            case RATIO -> new Unit("", 1);
        };
    }

    private static Unit decimal(double a, String... names) {
        double f = 1;
        int i = 0;
        while (i < names.length - 1 && a >= f * 1000) {
            f *= 1000;
            i++;
        }
        return new Unit(names[i], f);
    }

    /** A YAML double-quoted scalar (JSON string syntax, which YAML reads the same). */
    static String quoted(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    private static Statistic stat(String name) {
        return Statistic.parse(name).orElseThrow();
    }
}
