package io.iocert.certifier.report;

import io.iocert.certifier.FleetSummary;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.results.NodeIdentity;
import io.iocert.spec.Dimension;
import io.iocert.spec.Printable;
import io.iocert.spec.Quantity;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The terminal report: a header naming spec and node, a verdict table (measured values with
 * their confidence intervals), the reasons for every verdict other than PASS, and the node
 * verdict on the last line.
 */
final class TextReportWriter implements ReportWriter {

    private static final String[] HEADER = {
        "REQUIREMENT", "PROBE", "METRIC", "STAT", "MEASURED", "THRESHOLD", "SAMPLES", "VERDICT"
    };

    /** Host and spec names and reasons come from documents: unprintable characters are escaped ({@link Printable}). */
    @Override
    public void write(Report report, Writer raw) throws IOException {
        Writer out = Printable.writer(raw);
        out.write(header(report));
        out.write("\n\n");
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (RequirementVerdict v : report.requirements()) {
            rows.add(new String[] {
                v.label(),
                v.probe(),
                v.metric(),
                v.statistic(),
                measured(v),
                threshold(v),
                Long.toString(v.samples()),
                v.verdict().name()
            });
        }
        out.write(table(rows));
        List<RequirementVerdict> notes = report.requirements().stream()
                .filter(v -> v.verdict() != Verdict.PASS)
                .toList();
        if (!notes.isEmpty()) {
            out.write("\n");
            for (RequirementVerdict v : notes) {
                out.write(String.format(
                        Locale.ROOT,
                        "%s %s %s: %s: %s%n",
                        v.label(),
                        v.metric(),
                        v.statistic(),
                        v.verdict().name(),
                        v.reason()));
            }
        }
        out.write("\nNode verdict: " + report.verdict().name() + "\n");
        out.flush();
    }

    @Override
    public void writeFleet(List<Report> reports, Writer raw) throws IOException {
        Writer out = Printable.writer(raw);
        for (int i = 0; i < reports.size(); i++) {
            if (i > 0) {
                out.write("\n");
            }
            write(reports.get(i), out);
        }
        if (reports.size() > 1) {
            out.write("\n");
            out.write(fleetSummary(reports, FleetSummary.of(reports)));
        }
        out.flush();
    }

    /** The fleet's counts, where requirements fail, and peer outliers. */
    static String fleetSummary(List<Report> reports, FleetSummary s) {
        StringBuilder sb = new StringBuilder();
        sb.append("Fleet: ").append(reports.size()).append(" nodes:");
        s.counts()
                .forEach((v, n) ->
                        sb.append(' ').append(n).append(' ').append(v.name()).append(','));
        sb.setLength(sb.length() - 1);
        sb.append('\n');
        for (FleetSummary.Finding f : s.failing()) {
            sb.append("FAIL: ")
                    .append(f.requirement())
                    .append(' ')
                    .append(f.statistic())
                    .append(" on ")
                    .append(String.join(", ", f.nodes()))
                    .append('\n');
        }
        for (FleetSummary.Finding f : s.inconclusive()) {
            sb.append("INCONCLUSIVE: ")
                    .append(f.requirement())
                    .append(' ')
                    .append(f.statistic())
                    .append(" on ")
                    .append(String.join(", ", f.nodes()))
                    .append('\n');
        }
        for (FleetSummary.Outlier o : s.outliers()) {
            sb.append("OUTLIER: ").append(outlier(o)).append('\n');
        }
        sb.append("Fleet verdict: ")
                .append(NodeVerdict.ofNodes(
                                reports.stream().map(Report::verdict).toList())
                        .name())
                .append('\n');
        return sb.toString();
    }

    /** "restart-read latency p99 on node-c = 3.2 ms (fleet median 1.6 ms, +4.1 MAD, PASS)", for every format. */
    static String outlier(FleetSummary.Outlier o) {
        return String.format(
                Locale.ROOT,
                "%s %s on %s = %s (fleet median %s, %+.1f MAD, %s)",
                o.requirement(),
                o.statistic(),
                o.node(),
                value(o.measured(), o.unit()),
                value(o.fleetMedian(), o.unit()),
                o.distance(),
                o.verdict().name());
    }

    private static String header(Report r) {
        NodeIdentity n = r.node();
        StringBuilder sb = new StringBuilder();
        sb.append("iocert ")
                .append(r.toolVersion())
                .append(": spec '")
                .append(Printable.escape(r.specName()))
                .append("'");
        String sha = shortSha(r);
        if (sha != null) {
            sb.append(" (sha256 ").append(sha).append(")");
        }
        sb.append(" on ").append(Printable.escape(n.hostname()));
        List<String> facts = nodeFacts(n);
        if (!facts.isEmpty()) {
            sb.append(" (").append(String.join(", ", facts)).append(")");
        }
        return sb.toString();
    }

    /** What a reader wants to know about the node, as far as it is known: CPU, cores, memory, kernel. */
    static List<String> nodeFacts(NodeIdentity n) {
        List<String> facts = new ArrayList<>();
        n.get(NodeIdentity.CPU_MODEL).ifPresent(c -> facts.add(String.valueOf(c)));
        n.get(NodeIdentity.CORES).ifPresent(c -> facts.add(c + " cores"));
        n.get(NodeIdentity.MEMORY_BYTES)
                .ifPresent(m ->
                        facts.add(Quantity.bytes(((Number) m).doubleValue()).format()));
        n.get(NodeIdentity.KERNEL).ifPresent(k -> facts.add("Linux " + k));
        return facts;
    }

    /** The first 12 hex digits of the spec's SHA-256, or null when there is none. */
    static String shortSha(Report r) {
        return r.specSha256() != null && r.specSha256().length() >= 12
                ? r.specSha256().substring(0, 12)
                : null;
    }

    /** The threshold as a person reads it: "<= 2 ms". */
    static String threshold(RequirementVerdict v) {
        return v.comparator() + " " + value(v.threshold(), v.unit());
    }

    /** The measured value with its interval: "1.65 ms [1.58, 1.72]". */
    static String measured(RequirementVerdict v) {
        if (v.ci() == null || Double.isNaN(v.measured())) {
            return value(v.measured(), v.unit());
        }
        Dimension d = Dimension.ofUnit(v.unit()).orElse(Dimension.RATIO);
        return new Quantity(v.measured(), d).formatWithInterval(v.ci().low(), v.ci().high());
    }

    static String value(double v, String unit) {
        if (Double.isNaN(v)) {
            return "-";
        }
        Dimension d = Dimension.ofUnit(unit).orElse(Dimension.RATIO);
        return new Quantity(v, d).format();
    }

    static String table(List<String[]> rows) {
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] row : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                line.append(row[c]);
                if (c < cols - 1) {
                    line.append(" ".repeat(width[c] - row[c].length() + 2));
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }
}
