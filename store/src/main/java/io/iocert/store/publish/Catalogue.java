package io.iocert.store.publish;

import io.iocert.spec.Dimension;
import io.iocert.spec.Quantity;
import io.iocert.store.Drift;
import io.iocert.store.DriftAnalysis;
import io.iocert.store.ResultStore;
import io.iocert.store.StoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code iocert publish}: the store as a static site that works from a file server or a
 * directory (no script, no network: every page carries a Content-Security-Policy that forbids
 * loading anything, and inline SVG plots). An index of nodes and instance types against specs
 * with the current verdict and its age; a page per node with each spec's certifications and, per
 * judged statistic, its history plotted (value and interval per run, the threshold, the levels
 * drift finds and the changes between them); a page per certification (its verdicts, its report
 * JSON, and its certificate with how to verify it).
 *
 * <p>Numbers a test or a script may read are also in {@code data-} attributes in canonical units.
 */
public final class Catalogue {
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

    private final ResultStore store;
    private final Path out;
    private final Instant now;
    private final DriftAnalysis.Options driftOptions;

    private Catalogue(ResultStore store, Path out, Instant now, DriftAnalysis.Options driftOptions) {
        this.store = store;
        this.out = out;
        this.now = now;
        this.driftOptions = driftOptions;
    }

    /** What was written. */
    public record Published(int nodes, int certifications, int certificates, int changes) {}

    /**
     * Writes the site into {@code out} (created; files already there with the same names are
     * replaced, nothing else is touched). {@code now} dates the verdicts' ages.
     */
    public static Published write(ResultStore store, Path out, Instant now) throws StoreException, IOException {
        Files.createDirectories(out.resolve("nodes"));
        Files.createDirectories(out.resolve("reports"));
        return new Catalogue(store, out, now, DriftAnalysis.Options.defaults().withoutMerging()).write();
    }

    private Published write() throws StoreException, IOException {
        List<ResultStore.Certification> all = store.certifications();
        // node -> spec -> certifications, oldest first
        Map<String, Map<String, List<ResultStore.Certification>>> byNode = new TreeMap<>();
        for (ResultStore.Certification c : all) {
            byNode.computeIfAbsent(c.hostname(), k -> new TreeMap<>())
                    .computeIfAbsent(c.specName(), k -> new ArrayList<>())
                    .add(c);
        }
        int changes = 0;
        for (Map.Entry<String, Map<String, List<ResultStore.Certification>>> node : byNode.entrySet()) {
            changes += nodePage(node.getKey(), node.getValue());
        }
        int[] certificates = {0};
        store.forEachReport(r -> {
            reportPage(r);
            if (r.certificateJson() != null) {
                certificates[0]++;
            }
        });
        indexPage(byNode);
        return new Published(byNode.size(), all.size(), certificates[0], changes);
    }

    // ---- index

    private void indexPage(Map<String, Map<String, List<ResultStore.Certification>>> byNode) throws IOException {
        StringBuilder b = new StringBuilder();
        head(b, "iocert catalogue");
        b.append("<h1>iocert catalogue</h1>\n<p class=\"note\">Published ")
                .append(html(now.toString()))
                .append(" from the results store. Each row is a node's newest certification against a spec; age is"
                        + " the time since that result was measured.</p>\n");
        b.append(
                "<h2>Nodes</h2>\n<table class=\"index\"><thead><tr><th>node</th><th>instance type</th><th>spec</th>"
                        + "<th>verdict</th><th>age</th><th>measured (UTC)</th><th class=\"num\">certifications</th></tr></thead><tbody>\n");
        Map<String, Map<String, int[]>> types = new TreeMap<>();
        for (var node : byNode.entrySet()) {
            for (var spec : node.getValue().entrySet()) {
                List<ResultStore.Certification> list = spec.getValue();
                ResultStore.Certification last = list.get(list.size() - 1);
                b.append("<tr data-node=\"")
                        .append(html(node.getKey()))
                        .append("\" data-spec=\"")
                        .append(html(spec.getKey()))
                        .append("\"><td><a href=\"nodes/")
                        .append(html(fileName(node.getKey())))
                        .append(".html\">")
                        .append(html(node.getKey()))
                        .append("</a></td><td>")
                        .append(html(last.instanceType() == null ? "-" : last.instanceType()))
                        .append("</td><td>")
                        .append(html(spec.getKey()))
                        .append("</td>")
                        .append(verdictCell(last.verdict()))
                        .append("<td class=\"age\" data-age-s=\"")
                        .append(Duration.between(last.startedAt(), now).toSeconds())
                        .append("\">")
                        .append(age(last.startedAt()))
                        .append("</td><td><a href=\"reports/")
                        .append(last.certificationId())
                        .append(".html\">")
                        .append(html(last.startedAt().toString()))
                        .append("</a></td><td class=\"num count\">")
                        .append(list.size())
                        .append("</td></tr>\n");
                if (last.instanceType() != null) {
                    int[] counts = types.computeIfAbsent(last.instanceType(), k -> new TreeMap<>())
                            .computeIfAbsent(spec.getKey(), k -> new int[4]);
                    counts[
                            switch (last.verdict()) {
                                case "ELIGIBLE" -> 0;
                                case "NOT_ELIGIBLE" -> 1;
                                case "INCONCLUSIVE" -> 2;
                                default -> 3;
                            }]++;
                }
            }
        }
        b.append("</tbody></table>\n");
        b.append("<h2>Instance types</h2>\n");
        if (types.isEmpty()) {
            b.append("<p class=\"note\">No node in the store names an instance type.</p>\n");
        } else {
            b.append("<p class=\"note\">Nodes of each type by their newest verdict. Whether a share of a type's"
                    + " instances meets a spec, at a confidence: <code>iocert certify --instance-type TYPE --spec FILE"
                    + " --store STORE</code>.</p>\n<table class=\"types\"><thead><tr><th>instance type</th><th>spec</th>"
                    + "<th class=\"num\">ELIGIBLE</th><th class=\"num\">NOT_ELIGIBLE</th><th class=\"num\">INCONCLUSIVE</th>"
                    + "<th class=\"num\">ERROR</th></tr></thead><tbody>\n");
            for (var t : types.entrySet()) {
                for (var s : t.getValue().entrySet()) {
                    b.append("<tr><td>")
                            .append(html(t.getKey()))
                            .append("</td><td>")
                            .append(html(s.getKey()))
                            .append("</td>");
                    for (int c : s.getValue()) {
                        b.append("<td class=\"num\">").append(c).append("</td>");
                    }
                    b.append("</tr>\n");
                }
            }
            b.append("</tbody></table>\n");
        }
        tail(b);
        write(out.resolve("index.html"), b);
    }

    // ---- node pages

    private int nodePage(String node, Map<String, List<ResultStore.Certification>> specs)
            throws StoreException, IOException {
        StringBuilder b = new StringBuilder();
        head(b, "iocert: " + node);
        b.append("<p><a href=\"../index.html\">catalogue</a></p>\n<h1>")
                .append(html(node))
                .append("</h1>\n");
        int changes = 0;
        for (var spec : specs.entrySet()) {
            List<ResultStore.Certification> list = spec.getValue();
            b.append("<h2>").append(html(spec.getKey())).append("</h2>\n");
            b.append("<table class=\"history\"><thead><tr><th>measured (UTC)</th><th>verdict</th><th>recorded by</th>"
                    + "<th>spec sha256</th></tr></thead><tbody>\n");
            for (ResultStore.Certification c : list) {
                b.append("<tr data-cert=\"")
                        .append(c.certificationId())
                        .append("\"><td><a href=\"../reports/")
                        .append(c.certificationId())
                        .append(".html\">")
                        .append(html(c.startedAt().toString()))
                        .append("</a></td>")
                        .append(verdictCell(c.verdict()))
                        .append("<td>")
                        .append(html(c.source()))
                        .append("</td><td><code>")
                        .append(html(c.specSha256()
                                .substring(0, Math.min(12, c.specSha256().length()))))
                        .append("</code></td></tr>\n");
            }
            b.append("</tbody></table>\n");
            ResultStore.Selector selector = ResultStore.Selector.node(node);
            List<Drift> drifts = DriftAnalysis.standard()
                    .analyse(store, selector, store.verdicts(selector, spec.getKey()), driftOptions);
            for (Drift d : drifts) {
                if (d.points().isEmpty()) {
                    continue;
                }
                changes += d.steps().size();
                b.append("<figure class=\"series\" data-series=\"")
                        .append(html(d.label()))
                        .append("\">\n");
                b.append(Plot.history(d));
                b.append("<figcaption>").append(html(d.label())).append(": ");
                if (d.steps().isEmpty()) {
                    b.append(html(d.describeSteady()));
                } else {
                    for (Drift.Step s : d.steps()) {
                        b.append("<span class=\"change\">")
                                .append(html(d.describe(s)))
                                .append("</span> ");
                    }
                }
                b.append(" Levels are the mean of their runs (<code>iocert drift</code> also measures them on the"
                        + " runs' merged distributions).</figcaption>\n</figure>\n");
            }
        }
        tail(b);
        write(out.resolve("nodes").resolve(fileName(node) + ".html"), b);
        return changes;
    }

    // ---- report pages

    private void reportPage(ResultStore.StoredReport r) throws IOException {
        Path dir = out.resolve("reports");
        Files.writeString(dir.resolve(r.certificationId() + ".json"), r.reportJson(), StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder();
        head(b, "iocert report " + r.certificationId());
        String node = r.verdicts().isEmpty() ? "" : r.verdicts().get(0).hostname();
        b.append("<p><a href=\"../index.html\">catalogue</a>");
        if (!node.isEmpty()) {
            b.append(" / <a href=\"../nodes/")
                    .append(html(fileName(node)))
                    .append(".html\">")
                    .append(html(node))
                    .append("</a>");
        }
        b.append("</p>\n<h1>Certification of ").append(html(node)).append("</h1>\n");
        if (!r.verdicts().isEmpty()) {
            b.append("<p>Measured ")
                    .append(html(r.verdicts().get(0).startedAt().toString()))
                    .append(". <a href=\"")
                    .append(r.certificationId())
                    .append(".json\">report JSON</a></p>\n");
        }
        b.append("<table class=\"verdicts\"><thead><tr><th>requirement</th><th>metric</th><th>statistic</th>"
                + "<th>threshold</th><th>measured</th><th>verdict</th></tr></thead><tbody>\n");
        for (ResultStore.StoredVerdict v : r.verdicts()) {
            Dimension dim = Dimension.ofUnit(v.unit() == null ? "" : v.unit()).orElse(Dimension.RATIO);
            String measured = Double.isFinite(v.measured())
                    ? (Double.isFinite(v.ciLow()) && Double.isFinite(v.ciHigh())
                            ? new Quantity(v.measured(), dim).formatWithInterval(v.ciLow(), v.ciHigh())
                            : new Quantity(v.measured(), dim).format())
                    : "-";
            b.append("<tr><td>")
                    .append(html(v.requirementId() + (v.variant() == null ? "" : " (" + v.variant() + ")")))
                    .append("</td><td>")
                    .append(html(String.valueOf(v.metric())))
                    .append("</td><td>")
                    .append(html(String.valueOf(v.statistic())))
                    .append("</td><td>")
                    .append(html(
                            v.comparator() == null
                                    ? "-"
                                    : v.comparator() + " "
                                            + (Double.isFinite(v.threshold())
                                                    ? new Quantity(v.threshold(), dim).format()
                                                    : "")))
                    .append("</td><td class=\"num measured\" data-value=\"")
                    .append(Double.isFinite(v.measured()) ? io.iocert.results.Numbers.measured(v.measured()) : "")
                    .append("\">")
                    .append(html(measured))
                    .append("</td>")
                    .append(verdictCell(v.verdict()))
                    .append("</tr>\n");
        }
        b.append("</tbody></table>\n");
        if (r.certificateJson() != null) {
            Files.writeString(
                    dir.resolve(r.certificationId() + ".certificate.json"),
                    r.certificateJson(),
                    StandardCharsets.UTF_8);
            b.append("<h2>Certificate</h2>\n<p>Signed: <a href=\"")
                    .append(r.certificationId())
                    .append(".certificate.json\">certificate</a>. To verify it, with the signer's public key and the"
                            + " spec:</p>\n<pre>iocert verify ")
                    .append(r.certificationId())
                    .append(".certificate.json --key SIGNER.pub --spec SPEC.yaml</pre>\n<p class=\"note\">Exit 0 and"
                            + " \"valid\" when the signature, the spec's hash and the validity period hold; 1 with the"
                            + " reason otherwise.</p>\n");
        }
        tail(b);
        write(dir.resolve(r.certificationId() + ".html"), b);
    }

    // ---- helpers

    private static void head(StringBuilder b, String title) {
        b.append(
                        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\""
                                + " content=\"")
                .append(CSP)
                .append("\">\n<meta name=\"viewport\" content=\"width=device-width\">\n<title>")
                .append(html(title))
                .append("</title>\n<style>\n")
                .append(STYLE)
                .append("</style></head><body>\n");
    }

    private static void tail(StringBuilder b) {
        b.append("<footer>iocert ")
                .append(html(io.iocert.results.ToolVersion.get()))
                .append(" · static, offline: no scripts, nothing loaded from elsewhere</footer>\n</body></html>\n");
    }

    private static String verdictCell(String verdict) {
        return "<td class=\"verdict\" data-verdict=\"" + html(verdict) + "\"><span class=\"dot v-" + html(verdict)
                + "\"></span>" + html(verdict) + "</td>";
    }

    private String age(Instant at) {
        Duration d = Duration.between(at, now);
        if (d.isNegative()) {
            return "in the future";
        }
        if (d.toDays() >= 1) {
            return d.toDays() + " d";
        }
        if (d.toHours() >= 1) {
            return d.toHours() + " h";
        }
        return Math.max(1, d.toMinutes()) + " min";
    }

    /** A file name for a hostname: itself when it is plain, else made plain with a short hash to stay unique. */
    static String fileName(String host) {
        String plain = host.replaceAll("[^A-Za-z0-9._-]", "_");
        if (plain.equals(host) && !host.startsWith(".")) {
            return host;
        }
        return plain.replaceFirst("^\\.", "_") + "-" + Integer.toHexString(host.hashCode());
    }

    static String html(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static void write(Path file, StringBuilder content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** The look of the certifier's HTML report (colours, type, plot classes), so the two read alike. */
    static final String STYLE = """
            body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;margin:0 auto;\
            max-width:1000px;padding:16px}
            h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de}
            .dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;background:#6e7781;\
            vertical-align:middle}
            .v-PASS,.v-ELIGIBLE{background:#1a7f37}.v-FAIL,.v-NOT_ELIGIBLE{background:#cf222e}
            .v-INCONCLUSIVE{background:#9a6700}.v-ERROR{background:#6e40c9}
            table{border-collapse:collapse;margin:8px 0}
            th,td{border:1px solid #d0d7de;padding:3px 7px;text-align:left;vertical-align:top}
            thead th{background:#f6f8fa}.num{text-align:right;white-space:nowrap}
            .note{color:#57606a}figure{margin:12px 0}figcaption{color:#57606a;font-size:12px}
            .change{color:#cf222e;font-weight:600}
            svg{max-width:100%;height:auto}
            svg .grid{stroke:#eaeef2;stroke-width:1}svg .axis{stroke:#57606a;stroke-width:1}
            svg .tick,svg .axis-label{font-size:11px;fill:#57606a}
            svg .band{fill:#54aeff;fill-opacity:.28;stroke:none}
            svg .level{stroke:#0969da;stroke-width:2}
            svg .threshold-line{stroke:#cf222e;stroke-width:1.5;stroke-dasharray:6 4}
            svg .threshold-label{font-size:11px;fill:#cf222e}
            svg .change-line{stroke:#cf222e;stroke-width:2;stroke-dasharray:3 3}
            svg .ci{stroke:#1f2328;stroke-width:1.5}
            svg .point{stroke:#fff;stroke-width:1.5}
            svg .point.v-PASS{fill:#1a7f37}svg .point.v-FAIL{fill:#cf222e}
            svg .point.v-INCONCLUSIVE{fill:#9a6700}svg .point.v-ERROR{fill:#6e40c9}
            pre{background:#f6f8fa;padding:8px;overflow-x:auto}
            footer{margin-top:28px;font-size:12px;color:#57606a;border-top:1px solid #d0d7de}
            """;
}
