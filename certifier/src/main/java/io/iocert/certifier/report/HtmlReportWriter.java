package io.iocert.certifier.report;

import io.iocert.certifier.Evidence;
import io.iocert.certifier.FleetSummary;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One self-contained HTML page: inline CSS, inline SVG plots, and a few lines of script that
 * only add a hover readout (the page is complete without it). Nothing is fetched from the
 * network.
 *
 * <p>One node: the node verdict, spec and node, the verdict table with every reason, then per
 * measurement its percentile spectrum (log-odds axis, confidence band, threshold lines, the
 * judged estimates with their intervals) and, for interval metrics, the series over time,
 * with the workload and the conditions it ran under (CPU steal, load). The plots need the
 * report's {@link Evidence}; a report without it (certified without its result at hand) shows
 * the tables only and says so.
 *
 * <p>A fleet: the fleet verdict and counts, where requirements fail or stay inconclusive, peer
 * outliers, a nodes x requirements matrix, and each node's verdict table (for fleets above
 * {@value #DETAILED_NODES} nodes only the nodes that are not eligible or are flagged as
 * outliers, so the page stays openable).
 *
 * <p>The markup is also well-formed XML (void elements closed, the script in a CDATA section
 * hidden from HTML by comments), so tools and tests can read it with an XML parser.
 */
final class HtmlReportWriter implements ReportWriter {

    static final int DETAILED_NODES = 200;

    @Override
    public void write(Report report, Writer out) throws IOException {
        StringBuilder b = new StringBuilder();
        head(
                b,
                "iocert: " + report.verdict().name() + " \u2014 " + report.specName() + " on "
                        + report.node().hostname());
        b.append("<header>\n<h1>iocert report <span class=\"badge v-")
                .append(report.verdict().name())
                .append("\" id=\"node-verdict\">")
                .append(report.verdict().name())
                .append("</span></h1>\n");
        b.append("<p class=\"context\">").append(context(report)).append("</p>\n</header>\n");
        b.append("<main>\n<section id=\"verdicts\">\n<h2>Verdicts</h2>\n");
        verdictTable(b, report);
        b.append("</section>\n");
        distributions(b, report);
        nodeSection(b, report);
        b.append("</main>\n");
        footer(b);
        out.write(b.toString());
    }

    @Override
    public void writeFleet(List<Report> reports, Writer out) throws IOException {
        NodeVerdict fleet =
                NodeVerdict.ofNodes(reports.stream().map(Report::verdict).toList());
        FleetSummary summary = FleetSummary.of(reports);
        String spec = reports.isEmpty() ? "" : reports.get(0).specName();
        StringBuilder b = new StringBuilder();
        head(b, "iocert fleet: " + fleet.name() + " \u2014 " + spec);
        b.append("<header>\n<h1>iocert fleet report <span class=\"badge v-")
                .append(fleet.name())
                .append("\" id=\"fleet-verdict\">")
                .append(fleet.name())
                .append("</span></h1>\n");
        b.append("<p class=\"context\">Spec <b>").append(Html.escape(spec)).append("</b>");
        if (!reports.isEmpty() && TextReportWriter.shortSha(reports.get(0)) != null) {
            b.append(" (sha256 <code>")
                    .append(TextReportWriter.shortSha(reports.get(0)))
                    .append("</code>)");
        }
        b.append(". ")
                .append(Html.escape(MarkdownReportWriter.summary(reports)))
                .append("</p>\n</header>\n<main>\n");
        fleetSummary(b, summary);
        Map<String, Map<String, FleetSummary.Outlier>> flagged = new HashMap<>();
        for (FleetSummary.Outlier o : summary.outliers()) {
            flagged.computeIfAbsent(o.node(), x -> new HashMap<>()).put(o.requirement() + "\u0000" + o.statistic(), o);
        }
        matrix(b, reports, flagged);
        b.append("<section id=\"nodes\">\n<h2>Nodes</h2>\n");
        boolean all = reports.size() <= DETAILED_NODES;
        if (!all) {
            b.append("<p class=\"note\">")
                    .append(reports.size())
                    .append(" nodes: verdict tables follow for the nodes that")
                    .append(" are not eligible or are flagged as outliers only.</p>\n");
        }
        for (Report r : reports) {
            if (all
                    || r.verdict() != NodeVerdict.ELIGIBLE
                    || flagged.containsKey(r.node().hostname())) {
                b.append("<details class=\"node\" data-node=\"")
                        .append(Html.escape(r.node().hostname()))
                        .append("\"")
                        .append(r.verdict() == NodeVerdict.ELIGIBLE ? "" : " open=\"open\"")
                        .append(">\n<summary>")
                        .append(Html.escape(r.node().hostname()))
                        .append(" <span class=\"badge v-")
                        .append(r.verdict().name())
                        .append("\">")
                        .append(r.verdict().name())
                        .append("</span></summary>\n<p class=\"context\">")
                        .append(context(r))
                        .append("</p>\n");
                verdictTable(b, r);
                b.append("</details>\n");
            }
        }
        b.append("</section>\n</main>\n");
        footer(b);
        out.write(b.toString());
    }

    // ---- parts ----

    private static void head(StringBuilder b, String title) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\" data-interactive=\"no\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<title>")
                .append(Html.escape(title))
                .append("</title>\n<style>\n")
                .append(CSS)
                .append("</style>\n</head>\n<body>\n");
    }

    private static void footer(StringBuilder b) {
        b.append("<footer>\n<p>How to read this report: each statistic is estimated with a two-sided confidence")
                .append(
                        " interval at the stated confidence. PASS means the whole interval meets the threshold, FAIL that")
                .append(
                        " the whole interval misses it, INCONCLUSIVE that the interval straddles it (more samples would")
                .append(
                        " decide), ERROR that nothing could be measured. Percentile spectra put the percentile on a log-odds")
                .append(" axis so both tails are legible; the shaded band is the pointwise confidence interval of each")
                .append(" percentile by the same method as the verdicts, so where a threshold line crosses the band a")
                .append(" verdict on that percentile would be inconclusive.</p>\n</footer>\n");
        b.append("<script>//<![CDATA[\n").append(SCRIPT).append("//]]></script>\n</body>\n</html>\n");
    }

    /** "Spec <b>name</b> (sha256 <code>...</code>) on <b>host</b> (CPU, cores...), iocert VERSION." as HTML. */
    private static String context(Report r) {
        StringBuilder sb =
                new StringBuilder("Spec <b>").append(Html.escape(r.specName())).append("</b>");
        String sha = TextReportWriter.shortSha(r);
        if (sha != null) {
            sb.append(" (sha256 <code>").append(Html.escape(sha)).append("</code>)");
        }
        sb.append(" on <b>").append(Html.escape(r.node().hostname())).append("</b>");
        List<String> facts = TextReportWriter.nodeFacts(r.node());
        if (!facts.isEmpty()) {
            sb.append(" (").append(Html.escape(String.join(", ", facts))).append(")");
        }
        return sb.append(", iocert ")
                .append(Html.escape(r.toolVersion()))
                .append('.')
                .toString();
    }

    private static void verdictTable(StringBuilder b, Report r) {
        b.append(
                        "<table class=\"verdicts\">\n<thead><tr><th>Requirement</th><th>Probe</th><th>Metric</th><th>Statistic</th>")
                .append("<th class=\"num\">Measured [interval]</th><th>Threshold</th><th class=\"num\">Samples</th>")
                .append("<th>Verdict</th><th>Reason</th></tr></thead>\n<tbody>\n");
        for (RequirementVerdict v : r.requirements()) {
            b.append("<tr data-id=\"")
                    .append(Html.escape(v.id()))
                    .append("\" data-statistic=\"")
                    .append(Html.escape(v.statistic()))
                    .append("\" data-verdict=\"")
                    .append(v.verdict().name())
                    .append("\">")
                    .append(td(v.label()))
                    .append(td(v.probe()))
                    .append(td(v.metric()))
                    .append(td(v.statistic()))
                    .append("<td class=\"num\">")
                    .append(Html.escape(TextReportWriter.measured(v)))
                    .append("</td>")
                    .append(td(TextReportWriter.threshold(v)))
                    .append("<td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%,d", v.samples()))
                    .append("</td>")
                    .append("<td><span class=\"badge v-")
                    .append(v.verdict().name())
                    .append("\">")
                    .append(v.verdict().name())
                    .append("</span></td>")
                    .append("<td class=\"reason\">")
                    .append(Html.escape(v.reason()))
                    .append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n");
    }

    private static String td(String text) {
        return "<td>" + Html.escape(text) + "</td>";
    }

    private static void distributions(StringBuilder b, Report r) {
        b.append("<section id=\"distributions\">\n<h2>Distributions</h2>\n");
        if (r.evidence().isEmpty()) {
            b.append("<p class=\"note\">This report was made without the measurements at hand, so it has no plots;")
                    .append(" certify the result file on its own to get them.</p>\n</section>\n");
            return;
        }
        int i = 0;
        for (Evidence e : r.evidence()) {
            List<RequirementVerdict> vs = r.requirements().stream()
                    .filter(v -> v.id().equals(e.id())
                            && v.metric().equals(e.metric())
                            && Objects.equals(v.variant(), e.variant()))
                    .toList();
            String label = e.variant() == null ? e.id() : e.id() + " (" + e.variant() + ")";
            b.append("<section class=\"requirement\" id=\"m")
                    .append(i++)
                    .append("\" data-id=\"")
                    .append(Html.escape(e.id()))
                    .append("\" data-metric=\"")
                    .append(Html.escape(e.metric()))
                    .append("\">\n<h3>")
                    .append(Html.escape(label))
                    .append(": ")
                    .append(Html.escape(e.metric()));
            for (RequirementVerdict v : vs) {
                b.append(" <span class=\"badge v-")
                        .append(v.verdict().name())
                        .append("\">")
                        .append(Html.escape(v.statistic()))
                        .append(' ')
                        .append(v.verdict().name())
                        .append("</span>");
            }
            b.append("</h3>\n");
            for (RequirementVerdict v : vs) {
                b.append("<p class=\"reason\">")
                        .append(Html.escape(v.statistic()))
                        .append(": ")
                        .append(Html.escape(v.reason()))
                        .append("</p>\n");
            }
            String spectrum = Plots.spectrum(e, vs);
            if (!spectrum.isEmpty()) {
                b.append("<figure>\n")
                        .append(spectrum)
                        .append("<figcaption>Percentile spectrum of ")
                        .append(Html.escape(e.metric()))
                        .append(" from ")
                        .append(String.format(Locale.ROOT, "%,d", e.samples()))
                        .append(
                                e.intervals() != null
                                                && e.spectrum().size() > 0
                                                && e.samples()
                                                        == e.intervals()
                                                                .values()
                                                                .size()
                                        ? " intervals"
                                        : " samples")
                        .append(", with its ")
                        .append(Plots.percentLabel(e.confidence()))
                        .append(
                                " pointwise confidence band (where it widens sharply, the values near that percentile cluster in time,"
                                        + " so the sample says less about it) and the spec's thresholds.</figcaption>\n</figure>\n");
            } else {
                b.append("<p class=\"note\">Too few samples to draw a distribution.</p>\n");
            }
            String series = Plots.series(e, vs);
            if (!series.isEmpty()) {
                b.append("<figure>\n")
                        .append(series)
                        .append("<figcaption>")
                        .append(Html.escape(e.metric()))
                        .append(" per interval over the measurement.</figcaption>\n</figure>\n");
            }
            conditions(b, e);
            b.append("</section>\n");
        }
        b.append("</section>\n");
    }

    /** The workload as run and the conditions it ran under, with CPU steal called out when notable. */
    private static void conditions(StringBuilder b, Evidence e) {
        b.append("<dl class=\"conditions\">\n");
        if (!e.workload().isEmpty()) {
            b.append("<dt>workload</dt><dd>")
                    .append(Html.escape(flat(e.workload())))
                    .append("</dd>\n");
        }
        if (!e.context().isEmpty()) {
            b.append("<dt>conditions</dt><dd>")
                    .append(Html.escape(flat(e.context())))
                    .append("</dd>\n");
        }
        double steal = share(e.context().get("cpuStealShare"));
        if (steal >= 0.05) {
            b.append("<dt>note</dt><dd class=\"warn\">measured under ")
                    .append(String.format(Locale.ROOT, "%.0f%%", steal * 100))
                    .append(" CPU steal: the hypervisor ran other guests on this node's CPUs</dd>\n");
        }
        b.append("</dl>\n");
    }

    private static double share(String text) {
        try {
            return text == null ? Double.NaN : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String flat(Map<String, ?> map) {
        List<String> parts = new ArrayList<>();
        map.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(x -> parts.add(x.getKey() + " " + String.valueOf(x.getValue())));
        return String.join(", ", parts);
    }

    private static void nodeSection(StringBuilder b, Report r) {
        b.append("<section id=\"node\">\n<h2>Node</h2>\n<table class=\"identity\">\n<tbody>\n");
        r.node()
                .fields()
                .forEach((k, v) -> b.append("<tr><th>")
                        .append(Html.escape(k))
                        .append("</th><td>")
                        .append(Html.escape(String.valueOf(v)))
                        .append("</td></tr>\n"));
        b.append("</tbody>\n</table>\n</section>\n");
    }

    private static void fleetSummary(StringBuilder b, FleetSummary s) {
        b.append("<section id=\"summary\">\n<h2>Summary</h2>\n<ul>\n");
        for (FleetSummary.Finding f : s.failing()) {
            b.append("<li class=\"finding v-FAIL\"><b>FAIL</b> ")
                    .append(Html.escape(f.requirement() + " " + f.statistic()))
                    .append(" on ")
                    .append(Html.escape(String.join(", ", f.nodes())))
                    .append("</li>\n");
        }
        for (FleetSummary.Finding f : s.inconclusive()) {
            b.append("<li class=\"finding v-INCONCLUSIVE\"><b>INCONCLUSIVE</b> ")
                    .append(Html.escape(f.requirement() + " " + f.statistic()))
                    .append(" on ")
                    .append(Html.escape(String.join(", ", f.nodes())))
                    .append("</li>\n");
        }
        for (FleetSummary.Outlier o : s.outliers()) {
            b.append("<li class=\"outlier\"><b>OUTLIER</b> ")
                    .append(Html.escape(TextReportWriter.outlier(o)))
                    .append("</li>\n");
        }
        if (s.failing().isEmpty() && s.inconclusive().isEmpty() && s.outliers().isEmpty()) {
            b.append("<li>Every requirement passed on every node, and no node stands out from its peers.</li>\n");
        }
        b.append("</ul>\n<p class=\"note\">Outliers: beyond the fleet median \u00b1 ")
                .append(String.format(Locale.ROOT, "%.0f", s.k()))
                .append(" scaled MAD of a statistic, with at least ")
                .append(FleetSummary.MIN_NODES_FOR_OUTLIERS)
                .append(" nodes measured; flagged even when they pass.</p>\n")
                .append("</section>\n");
    }

    private static void matrix(
            StringBuilder b, List<Report> reports, Map<String, Map<String, FleetSummary.Outlier>> flagged) {
        Map<String, String> columns = new LinkedHashMap<>();
        for (Report r : reports) {
            for (RequirementVerdict v : r.requirements()) {
                columns.putIfAbsent(
                        v.label() + "\u0000" + v.metric() + " " + v.statistic(),
                        v.label() + " " + v.metric() + " " + v.statistic());
            }
        }
        b.append(
                        "<section id=\"matrix\">\n<h2>Nodes \u00d7 requirements</h2>\n<table class=\"matrix\">\n<thead><tr><th>Node</th>")
                .append("<th>Verdict</th>");
        columns.values().forEach(c -> b.append("<th>").append(Html.escape(c)).append("</th>"));
        b.append("</tr></thead>\n<tbody>\n");
        for (Report r : reports) {
            Map<String, RequirementVerdict> cells = new HashMap<>();
            for (RequirementVerdict v : r.requirements()) {
                cells.putIfAbsent(v.label() + "\u0000" + v.metric() + " " + v.statistic(), v);
            }
            Map<String, FleetSummary.Outlier> mine =
                    flagged.getOrDefault(r.node().hostname(), Map.of());
            b.append("<tr data-node=\"")
                    .append(Html.escape(r.node().hostname()))
                    .append("\"><th>")
                    .append(Html.escape(r.node().hostname()))
                    .append("</th><td><span class=\"badge v-")
                    .append(r.verdict().name())
                    .append("\">")
                    .append(r.verdict().name())
                    .append("</span></td>");
            for (String key : columns.keySet()) {
                RequirementVerdict v = cells.get(key);
                if (v == null) {
                    b.append("<td class=\"cell none\">-</td>");
                    continue;
                }
                FleetSummary.Outlier o = mine.get(key);
                String title = TextReportWriter.measured(v) + " vs " + TextReportWriter.threshold(v)
                        + (o == null
                                ? ""
                                : String.format(
                                        Locale.ROOT, "; outlier: %+.1f MAD from the fleet median", o.distance()));
                b.append("<td class=\"cell v-")
                        .append(v.verdict().name())
                        .append(o == null ? "" : " outlier")
                        .append("\" data-verdict=\"")
                        .append(v.verdict().name())
                        .append("\"")
                        .append(
                                o == null
                                        ? ""
                                        : " data-outlier=\"" + String.format(Locale.ROOT, "%+.1f", o.distance()) + "\"")
                        .append(" title=\"")
                        .append(Html.escape(title))
                        .append("\">")
                        .append(v.verdict().name())
                        .append(o == null ? "" : " \u25c6")
                        .append("<br/><small>")
                        .append(Html.escape(TextReportWriter.value(v.measured(), v.unit())))
                        .append("</small></td>");
            }
            b.append("</tr>\n");
        }
        b.append(
                        "</tbody>\n</table>\n<p class=\"note\">\u25c6 marks a peer outlier; hover a cell for the measured value.</p>\n")
                .append("</section>\n");
    }

    private static final String CSS = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0 auto;\
            max-width:1100px;padding:16px 24px}
            h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de}
            h3{font-size:15px;margin:18px 0 6px}
            .badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;\
            background:#6e7781;vertical-align:middle}
            .v-PASS,.v-ELIGIBLE{background:#1a7f37}.v-FAIL,.v-NOT_ELIGIBLE{background:#cf222e}
            .v-INCONCLUSIVE{background:#9a6700}.v-ERROR{background:#6e40c9}
            table{border-collapse:collapse;margin:6px 0;font-size:13px}
            th,td{border:1px solid #d0d7de;padding:3px 7px;text-align:left;vertical-align:top}
            thead th{background:#f6f8fa}.num{text-align:right;white-space:nowrap}
            td.reason{max-width:380px}
            .matrix td.cell{color:#fff;font-weight:600;text-align:center;white-space:nowrap}
            .matrix td.cell small{font-weight:400}
            .matrix td.none{color:#6e7781;background:#fff}
            .matrix td.outlier{outline:3px solid #0969da;outline-offset:-3px}
            li.finding b,li.outlier b{margin-right:4px}
            .note{color:#57606a}.warn{color:#9a6700;font-weight:600}
            figure{margin:8px 0}figcaption{color:#57606a;font-size:12px}
            svg.plot{max-width:100%;height:auto;background:#fff}
            svg .grid{stroke:#eaeef2;stroke-width:1}svg .axis{stroke:#57606a;stroke-width:1}
            svg .tick,svg .axis-label{font-size:11px;fill:#57606a}
            svg .band{fill:#54aeff;fill-opacity:.28;stroke:none}
            svg .curve{fill:none;stroke:#0969da;stroke-width:2}
            svg .threshold-line{stroke:#cf222e;stroke-width:1.5;stroke-dasharray:6 4}
            svg .threshold-label{font-size:11px;fill:#cf222e}
            svg .marker circle{stroke:#fff;stroke-width:1.5}svg .marker .ci{stroke:#1f2328;stroke-width:2}
            svg .marker.v-PASS circle{fill:#1a7f37}svg .marker.v-FAIL circle{fill:#cf222e}
            svg .marker.v-INCONCLUSIVE circle{fill:#9a6700}svg .marker.v-ERROR circle{fill:#6e40c9}
            svg .marker{background:none}svg g.marker{fill:none}
            svg .hover-dot{fill:#0969da}svg .readout{font-size:12px;fill:#1f2328}
            dl.conditions{display:grid;grid-template-columns:max-content 1fr;gap:2px 10px;font-size:12px;color:#57606a}
            dl.conditions dt{font-weight:600}dl.conditions dd{margin:0}
            footer{margin-top:28px;font-size:12px;color:#57606a;border-top:1px solid #d0d7de}
            @media print{.hover{display:none}}
            """;

    /**
     * The hover readout on percentile spectra; it also records on the root element that it ran
     * and how many plot curves have a drawn length, which a browser test can read back.
     */
    private static final String SCRIPT = """
            (function () {
              var drawn = 0;
              var curves = document.querySelectorAll('svg.plot path.curve');
              Array.prototype.forEach.call(curves, function (c) {
                if (c.getTotalLength() > 0) { drawn++; }
              });
              Array.prototype.forEach.call(document.querySelectorAll('svg.spectrum'), function (svg) {
                var data = JSON.parse(svg.querySelector('path.curve').getAttribute('data-readout'));
                var dot = svg.querySelector('.hover-dot');
                var label = svg.querySelector('.readout');
                svg.addEventListener('mousemove', function (ev) {
                  var box = svg.getBoundingClientRect();
                  var x = (ev.clientX - box.left) * svg.viewBox.baseVal.width / box.width;
                  var best = data[0];
                  data.forEach(function (d) { if (Math.abs(d[0] - x) < Math.abs(best[0] - x)) { best = d; } });
                  dot.setAttribute('cx', best[0]);
                  dot.setAttribute('cy', best[1]);
                  label.textContent = best[2];
                });
              });
              document.documentElement.setAttribute('data-plots-drawn', String(drawn));
              document.documentElement.setAttribute('data-interactive', 'ready');
            })();
            """;
}
