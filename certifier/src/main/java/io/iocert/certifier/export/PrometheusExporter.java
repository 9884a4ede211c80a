package io.iocert.certifier.export;

import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.results.Numbers;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node_exporter textfile-collector file in the Prometheus text exposition format: gauges,
 * one {@code # HELP} and {@code # TYPE} per family, label values escaped ({@code \\}, {@code "},
 * newline), no series twice, the same label names throughout a family. Values are in the canonical unit named by the {@code unit} label
 * (ns, B/s, ops/s); an unbounded interval end is {@code +Inf}; a value that was not estimated
 * is left out rather than written as NaN.
 */
final class PrometheusExporter implements ExportFormat.Exporter {

    private enum Family {
        NODE_ELIGIBLE(
                "iocert_node_eligible",
                "1 when the node is ELIGIBLE for the spec and its certificate, if any," + " has not expired; else 0."),
        NODE_VERDICT(
                "iocert_node_verdict",
                "The node verdict for the spec as a state set: 1 for the verdict given," + " 0 for the others."),
        CERT_VALID_UNTIL("iocert_certificate_valid_until_seconds", "End of the certificate's validity, Unix time."),
        CERT_VERIFIED("iocert_certificate_verified", "1 when the certificate's signature was checked on export."),
        REQ_PASS("iocert_requirement_pass", "1 when the statistic meets its threshold at the stated confidence."),
        REQ_VERDICT("iocert_requirement_verdict", "The verdict on one statistic of one requirement as a state set."),
        REQ_MEASURED("iocert_requirement_measured", "The measured statistic, in the unit of the unit label."),
        REQ_CI_LOW("iocert_requirement_interval_low", "Lower end of the confidence interval of the statistic."),
        REQ_CI_HIGH("iocert_requirement_interval_high", "Upper end of the confidence interval (+Inf when unbounded)."),
        REQ_CONFIDENCE("iocert_requirement_confidence", "Confidence of the interval, a probability."),
        REQ_THRESHOLD(
                "iocert_requirement_threshold",
                "The spec's threshold; the comparator label says which side" + " passes."),
        REQ_SAMPLES("iocert_requirement_samples", "Samples (or intervals) behind the statistic.");

        final String metric;
        final String help;

        Family(String metric, String help) {
            this.metric = metric;
            this.help = help;
        }
    }

    @Override
    public String export(List<ExportNode> nodes, ExportOptions options) throws ExportException {
        Map<Family, List<String>> series = new LinkedHashMap<>();
        for (Family f : Family.values()) {
            series.put(f, new ArrayList<>());
        }
        Set<String> seen = new HashSet<>();
        for (ExportNode n : nodes) {
            for (Certification c : n.certifications()) {
                Labels node = new Labels().add("node", n.name()).add("spec", c.specName());
                add(series, seen, c, Family.NODE_ELIGIBLE, node, c.eligible() ? 1 : 0);
                for (NodeVerdict v : NodeVerdict.values()) {
                    add(
                            series,
                            seen,
                            c,
                            Family.NODE_VERDICT,
                            node.copy().add("verdict", v.name()),
                            c.verdict() == v ? 1 : 0);
                }
                if (c.validUntil().isPresent()) {
                    add(
                            series,
                            seen,
                            c,
                            Family.CERT_VALID_UNTIL,
                            node,
                            c.validUntil().get().getEpochSecond());
                    add(series, seen, c, Family.CERT_VERIFIED, node, c.verified() ? 1 : 0);
                }
                for (Certification.Entry e : c.entries()) {
                    // variant="" where there is none: every series of a family has the same label
                    // names, which consumers that check label consistency (client_golang) require.
                    Labels r = node.copy()
                            .add("requirement", e.id())
                            .add("variant", e.variant() == null ? "" : e.variant());
                    r.add("probe", e.probe())
                            .add("metric", e.metric())
                            .add("statistic", e.statistic())
                            .add("unit", e.unit());
                    add(series, seen, c, Family.REQ_PASS, r, e.verdict() == Verdict.PASS ? 1 : 0);
                    for (Verdict v : Verdict.values()) {
                        add(
                                series,
                                seen,
                                c,
                                Family.REQ_VERDICT,
                                r.copy().add("verdict", v.name()),
                                e.verdict() == v ? 1 : 0);
                    }
                    if (!Double.isNaN(e.measured())) {
                        add(series, seen, c, Family.REQ_MEASURED, r, e.measured());
                    }
                    if (e.hasInterval()) {
                        add(series, seen, c, Family.REQ_CI_LOW, r, e.ciLow());
                        add(series, seen, c, Family.REQ_CI_HIGH, r, e.ciHigh());
                        add(series, seen, c, Family.REQ_CONFIDENCE, r, e.confidence());
                    }
                    add(
                            series,
                            seen,
                            c,
                            Family.REQ_THRESHOLD,
                            r.copy().add("comparator", e.comparator()),
                            e.threshold());
                    add(series, seen, c, Family.REQ_SAMPLES, r, e.samples());
                }
            }
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Family, List<String>> f : series.entrySet()) {
            if (f.getValue().isEmpty()) {
                continue;
            }
            b.append("# HELP ")
                    .append(f.getKey().metric)
                    .append(' ')
                    .append(escapeHelp(f.getKey().help))
                    .append('\n');
            b.append("# TYPE ").append(f.getKey().metric).append(" gauge\n");
            for (String line : f.getValue()) {
                b.append(line).append('\n');
            }
        }
        return b.toString();
    }

    private static void add(
            Map<Family, List<String>> series, Set<String> seen, Certification c, Family f, Labels labels, double value)
            throws ExportException {
        String id = f.metric + labels;
        if (!seen.add(id)) {
            throw new ExportException(c.source() + ": the same series twice, " + id
                    + " (a requirement statistic listed twice?); each must be unique");
        }
        series.get(f).add(id + " " + value(value));
    }

    /** A sample value: Prometheus' +Inf/-Inf/NaN spellings, else the locale-independent number. */
    static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Numbers.measured(v);
    }

    /** A label value with backslash, double quote and line feed escaped. */
    static String escapeLabel(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** HELP text with backslash and line feed escaped. */
    static String escapeHelp(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** Labels in the order added, written {@code {a="x",b="y"}}. */
    private static final class Labels {
        private final Map<String, String> map = new LinkedHashMap<>();

        Labels add(String name, String value) {
            map.put(name, value);
            return this;
        }

        Labels copy() {
            Labels l = new Labels();
            l.map.putAll(map);
            return l;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<String, String> e : map.entrySet()) {
                if (b.length() > 1) {
                    b.append(',');
                }
                b.append(e.getKey())
                        .append("=\"")
                        .append(escapeLabel(e.getValue()))
                        .append('"');
            }
            return b.append('}').toString();
        }
    }
}
