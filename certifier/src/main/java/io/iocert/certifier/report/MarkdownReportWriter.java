package io.iocert.certifier.report;

import io.iocert.certifier.FleetSummary;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * GitHub-flavoured Markdown for a CI job summary or a pull-request comment.
 *
 * <p>One node: a heading with the node verdict as a plain word, a line naming spec (with
 * the first 12 digits of its SHA-256) and node, the verdict table, and the reason for every
 * verdict other than PASS. A fleet: a heading with the fleet verdict, a count of nodes per
 * verdict, a nodes x requirements matrix of verdict words, then one such section per node.
 *
 * <p>Text that comes from outside (hostnames, spec names, requirement ids, reasons) is
 * escaped with backslashes wherever Markdown or a table could read it as syntax, so a
 * {@code |} in a reason cannot break the table; line breaks become spaces. The verdict words
 * are our own enum names and are written as they are (an underscore inside a word is not
 * emphasis in GitHub-flavoured Markdown).
 */
final class MarkdownReportWriter implements ReportWriter {

    private static final String SPECIALS = "\\`*_[]<>#|~&$";

    @Override
    public void write(Report report, Writer out) throws IOException {
        out.write("## iocert: " + report.verdict().name() + "\n\n");
        writeBody(report, out);
    }

    @Override
    public void writeFleet(List<Report> reports, Writer out) throws IOException {
        NodeVerdict fleet =
                NodeVerdict.ofNodes(reports.stream().map(Report::verdict).toList());
        out.write("## iocert fleet: " + fleet.name() + "\n\n");
        out.write(summary(reports) + "\n\n");
        out.write(findings(FleetSummary.of(reports)));
        if (!reports.isEmpty()) {
            out.write(matrix(reports));
        }
        for (Report r : reports) {
            out.write(
                    "\n### " + escape(r.node().hostname()) + ": " + r.verdict().name() + "\n\n");
            writeBody(r, out);
        }
    }

    private static void writeBody(Report r, Writer out) throws IOException {
        out.write(context(r) + "\n\n");
        List<String[]> rows = new ArrayList<>();
        for (RequirementVerdict v : r.requirements()) {
            rows.add(new String[] {
                escape(v.label()),
                escape(v.probe()),
                escape(v.metric()),
                escape(v.statistic()),
                escape(TextReportWriter.measured(v)),
                escape(TextReportWriter.threshold(v)),
                Long.toString(v.samples()),
                v.verdict().name()
            });
        }
        out.write(table(
                new String[] {
                    "Requirement", "Probe", "Metric", "Statistic", "Measured", "Threshold", "Samples", "Verdict"
                },
                "|---|---|---|---|---:|---|---:|---|",
                rows));
        List<RequirementVerdict> notes = r.requirements().stream()
                .filter(v -> v.verdict() != Verdict.PASS)
                .toList();
        if (!notes.isEmpty()) {
            out.write("\n");
            for (RequirementVerdict v : notes) {
                out.write("- **" + escape(v.label()) + "** " + escape(v.metric()) + " " + escape(v.statistic()) + ": "
                        + v.verdict().name() + ": " + escape(v.reason()) + "\n");
            }
        }
    }

    /** "Spec **name** (sha256 `abc...`) on **host** (CPU, cores, memory, kernel), iocert VERSION." */
    private static String context(Report r) {
        StringBuilder sb =
                new StringBuilder("Spec **").append(escape(r.specName())).append("**");
        String sha = TextReportWriter.shortSha(r);
        if (sha != null) {
            sb.append(" (sha256 ").append(escape(sha)).append(")");
        }
        sb.append(" on **").append(escape(r.node().hostname())).append("**");
        List<String> facts = TextReportWriter.nodeFacts(r.node());
        if (!facts.isEmpty()) {
            sb.append(" (").append(escape(String.join(", ", facts))).append(")");
        }
        return sb.append(", iocert ")
                .append(escape(r.toolVersion()))
                .append(".")
                .toString();
    }

    /** Where requirements fail or stay inconclusive, and peer outliers: a list, or nothing when there are none. */
    private static String findings(FleetSummary s) {
        StringBuilder sb = new StringBuilder();
        for (FleetSummary.Finding f : s.failing()) {
            sb.append("- FAIL: ")
                    .append(escape(f.requirement() + " " + f.statistic()))
                    .append(" on ")
                    .append(escape(String.join(", ", f.nodes())))
                    .append('\n');
        }
        for (FleetSummary.Finding f : s.inconclusive()) {
            sb.append("- INCONCLUSIVE: ")
                    .append(escape(f.requirement() + " " + f.statistic()))
                    .append(" on ")
                    .append(escape(String.join(", ", f.nodes())))
                    .append('\n');
        }
        for (FleetSummary.Outlier o : s.outliers()) {
            sb.append("- OUTLIER: ").append(escape(TextReportWriter.outlier(o))).append('\n');
        }
        return sb.length() == 0 ? "" : sb.append('\n').toString();
    }

    /** "2 nodes: 1 eligible, 1 not eligible, 0 inconclusive, 0 error." */
    static String summary(List<Report> reports) {
        Map<NodeVerdict, Integer> counts = new EnumMap<>(NodeVerdict.class);
        for (NodeVerdict v : NodeVerdict.values()) {
            counts.put(v, 0);
        }
        reports.forEach(r -> counts.merge(r.verdict(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        counts.forEach(
                (v, n) -> parts.add(n + " " + v.name().toLowerCase(Locale.ROOT).replace('_', ' ')));
        return reports.size() + (reports.size() == 1 ? " node: " : " nodes: ") + String.join(", ", parts) + ".";
    }

    /**
     * Nodes down, requirement statistics across, verdict words in the cells; "-" where a node
     * has no verdict for a column (its results lacked that variant).
     */
    private static String matrix(List<Report> reports) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (Report r : reports) {
            for (RequirementVerdict v : r.requirements()) {
                columns.putIfAbsent(key(v), escape(v.label() + " " + v.metric() + " " + v.statistic()));
            }
        }
        List<String> header = new ArrayList<>();
        header.add("Node");
        header.addAll(columns.values());
        StringBuilder rule = new StringBuilder("|");
        header.forEach(h -> rule.append("---|"));
        List<String[]> rows = new ArrayList<>();
        for (Report r : reports) {
            Map<String, String> cells = new LinkedHashMap<>();
            for (RequirementVerdict v : r.requirements()) {
                cells.putIfAbsent(key(v), v.verdict().name());
            }
            List<String> row = new ArrayList<>();
            row.add(escape(r.node().hostname()) + " (" + r.verdict().name() + ")");
            for (String k : columns.keySet()) {
                row.add(cells.getOrDefault(k, "-"));
            }
            rows.add(row.toArray(String[]::new));
        }
        return table(header.toArray(String[]::new), rule.toString(), rows);
    }

    private static String key(RequirementVerdict v) {
        return v.label() + "\u0000" + v.metric() + "\u0000" + v.statistic();
    }

    private static String table(String[] header, String rule, List<String[]> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(row(header)).append(rule).append('\n');
        rows.forEach(r -> sb.append(row(r)));
        return sb.toString();
    }

    private static String row(String[] cells) {
        return "| " + String.join(" | ", cells) + " |\n";
    }

    /**
     * Text safe in running Markdown and in a table cell: ASCII punctuation Markdown could read
     * as syntax gets a backslash, line breaks and tabs become spaces.
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t') {
                sb.append(' ');
            } else if (!io.iocert.spec.Printable.isPrintable(c) && !Character.isSurrogate(c)) {
                // ESC, BEL and the like, by the shared rule (a Markdown file is also read with cat).
                sb.append(io.iocert.spec.Printable.escape(String.valueOf(c)).replace("\\", "\\\\"));
            } else {
                if (SPECIALS.indexOf(c) >= 0) {
                    sb.append('\\');
                }
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
