package io.iocert.certifier;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a fleet's reports say together: how many nodes reached each verdict, which
 * requirement failed (or stayed inconclusive) on which nodes, and peer outliers: nodes whose
 * measured value of a statistic lies beyond the fleet median plus or minus {@code k} scaled
 * median absolute deviations, flagged even when they pass ("passes, but unlike its peers").
 *
 * <p>The MAD is scaled by 1.4826, which makes it estimate the standard deviation for normally
 * distributed values; median and MAD are robust, so a few bad nodes do not hide themselves by
 * moving the yardstick. Outliers need at least {@link #MIN_NODES_FOR_OUTLIERS} nodes with a
 * measured value.
 */
public record FleetSummary(
        Map<NodeVerdict, Integer> counts,
        List<Finding> failing,
        List<Finding> inconclusive,
        List<Outlier> outliers,
        double k) {

    public static final double DEFAULT_K = 3.0;
    public static final int MIN_NODES_FOR_OUTLIERS = 5;
    private static final double MAD_SCALE = 1.4826;

    /** One statistic of one requirement ("restart-read latency p99") and the nodes it applies to. */
    public record Finding(String requirement, String statistic, List<String> nodes) {}

    /** A node whose value of a statistic is far from its peers'. */
    public record Outlier(
            String requirement,
            String statistic,
            String node,
            double measured,
            double fleetMedian,
            double scaledMad,
            String unit,
            Verdict verdict) {
        /** How many scaled MADs from the median, signed. */
        public double distance() {
            return (measured - fleetMedian) / scaledMad;
        }
    }

    public static FleetSummary of(List<Report> reports) {
        return of(reports, DEFAULT_K);
    }

    public static FleetSummary of(List<Report> reports, double k) {
        Map<NodeVerdict, Integer> counts = new EnumMap<>(NodeVerdict.class);
        for (NodeVerdict v : NodeVerdict.values()) {
            counts.put(v, 0);
        }
        Map<String, List<String>> failing = new LinkedHashMap<>();
        Map<String, List<String>> inconclusive = new LinkedHashMap<>();
        Map<String, List<Object[]>> values = new LinkedHashMap<>();
        for (Report r : reports) {
            counts.merge(r.verdict(), 1, Integer::sum);
            String node = r.node().hostname();
            for (RequirementVerdict v : r.requirements()) {
                String key = v.label() + "\u0000" + v.metric() + " " + v.statistic();
                if (v.verdict() == Verdict.FAIL) {
                    failing.computeIfAbsent(key, x -> new ArrayList<>()).add(node);
                } else if (v.verdict() == Verdict.INCONCLUSIVE) {
                    inconclusive.computeIfAbsent(key, x -> new ArrayList<>()).add(node);
                }
                if (Double.isFinite(v.measured())) {
                    values.computeIfAbsent(key, x -> new ArrayList<>()).add(new Object[] {node, v});
                }
            }
        }
        List<Outlier> outliers = new ArrayList<>();
        for (Map.Entry<String, List<Object[]>> e : values.entrySet()) {
            List<Object[]> nodes = e.getValue();
            if (nodes.size() < MIN_NODES_FOR_OUTLIERS) {
                continue;
            }
            double[] xs = nodes.stream()
                    .mapToDouble(o -> ((RequirementVerdict) o[1]).measured())
                    .toArray();
            double median = median(xs);
            double[] dev = Arrays.stream(xs).map(x -> Math.abs(x - median)).toArray();
            double mad = MAD_SCALE * median(dev);
            if (!(mad > 0)) {
                continue; // most nodes identical: no spread to measure distance by
            }
            for (Object[] o : nodes) {
                RequirementVerdict v = (RequirementVerdict) o[1];
                if (Math.abs(v.measured() - median) > k * mad) {
                    String[] parts = e.getKey().split("\u0000", 2);
                    outliers.add(new Outlier(
                            parts[0], parts[1], (String) o[0], v.measured(), median, mad, v.unit(), v.verdict()));
                }
            }
        }
        return new FleetSummary(counts, findings(failing), findings(inconclusive), outliers, k);
    }

    private static List<Finding> findings(Map<String, List<String>> byKey) {
        List<Finding> out = new ArrayList<>();
        byKey.forEach((key, nodes) -> {
            String[] parts = key.split("\u0000", 2);
            out.add(new Finding(parts[0], parts[1], List.copyOf(nodes)));
        });
        return out;
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
