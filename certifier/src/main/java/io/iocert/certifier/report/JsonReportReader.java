package io.iocert.certifier.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.results.NodeIdentity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what {@link JsonReportWriter} writes: a report ({@value Report#FORMAT}) or a fleet
 * report ({@value Report#FLEET_FORMAT}), and the report-shaped payload of a certificate. Errors
 * name the file and the field, as
 * {@code report.json: nodes[1].requirements[0].threshold: expected a number, found "fast"}.
 *
 * <p>What a verdict needs is required (spec name and hash, node verdict, and per requirement
 * its id, probe, metric, statistic, comparator, threshold, unit and verdict); the rest is read
 * when present: a null or absent {@code measured} is NaN, a null interval end is unbounded,
 * absent {@code samples} are 0, a missing {@code reason} is empty, and node fields other than
 * {@code hostname} that are not scalars are skipped. Every name read (not the reasons) must
 * pass the caller's {@link NameRule}, in document order, so the first problem is the one named.
 */
public final class JsonReportReader {

    /** A rule names must pass; export's refuses what would break the line-oriented files it writes. */
    @FunctionalInterface
    public interface NameRule {
        /** Accepts every name. */
        NameRule ANY = value -> Optional.empty();

        /** Why {@code value} is refused, as a message that follows "file: field: ", or empty to accept it. */
        Optional<String> refusal(String value);
    }

    private final String source;
    private final NameRule names;

    /** A reader of the document {@code source} (a file name, for messages) whose names pass {@code names}. */
    public JsonReportReader(String source, NameRule names) {
        this.source = source;
        this.names = names;
    }

    /** The node reports of a report (one) or a fleet report (one per node, in order). */
    public List<Report> read(JsonNode root) throws ReportFormatException {
        JsonNode format = root.get("format");
        String f = format == null ? null : format.asText();
        if (Report.FORMAT.equals(f)) {
            return List.of(readReport(root, ""));
        }
        if (!Report.FLEET_FORMAT.equals(f)) {
            throw new ReportFormatException(source + ": format " + format + " is not a report; expected \""
                    + Report.FORMAT + "\" or \"" + Report.FLEET_FORMAT + "\"");
        }
        JsonNode nodes = array(root, "nodes", "");
        if (nodes.isEmpty()) {
            throw new ReportFormatException(source + ": nodes: the fleet report lists no nodes");
        }
        List<Report> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            String path = "nodes[" + i + "].";
            JsonNode n = object(nodes, i, "nodes");
            JsonNode nf = n.get("format");
            if (nf != null && !Report.FORMAT.equals(nf.asText())) {
                throw new ReportFormatException(
                        source + ": " + path + "format: expected \"" + Report.FORMAT + "\", found " + nf);
            }
            out.add(readReport(n, path));
        }
        return out;
    }

    /**
     * One report-shaped object: spec, node, verdict and requirements. {@code path} is where it
     * sits in the document, for messages ("" at the top, "nodes[1].", "payload.").
     */
    public Report readReport(JsonNode r, String path) throws ReportFormatException {
        JsonNode spec = object(r, "spec", path);
        String specName = text(spec, "name", path + "spec.");
        String specSha256 = text(spec, "sha256", path + "spec.");
        NodeIdentity node = node(r, path);
        NodeVerdict verdict = nodeVerdict(r, path);
        List<RequirementVerdict> requirements = requirements(r, path);
        JsonNode version = r.get("toolVersion");
        return new Report(
                version != null && version.isTextual() ? version.asText() : null,
                specName,
                specSha256,
                node,
                verdict,
                requirements);
    }

    /** The node's scalar fields; the host name, when present, must be a name. */
    private NodeIdentity node(JsonNode r, String path) throws ReportFormatException {
        JsonNode node = object(r, "node", path);
        Map<String, Object> fields = new LinkedHashMap<>();
        JsonNode h = node.get(NodeIdentity.HOSTNAME);
        if (h != null && !h.isNull()) {
            if (!h.isTextual() || h.asText().isBlank()) {
                throw new ReportFormatException(
                        source + ": " + path + "node.hostname: expected a host name, found " + h);
            }
            fields.put(NodeIdentity.HOSTNAME, checked(h.asText(), path + "node.hostname"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (e.getKey().equals(NodeIdentity.HOSTNAME)) {
                continue;
            }
            if (v.isTextual()) {
                fields.put(e.getKey(), v.asText());
            } else if (v.isBoolean()) {
                fields.put(e.getKey(), v.asBoolean());
            } else if (v.isIntegralNumber() && v.canConvertToLong()) {
                fields.put(e.getKey(), v.asLong());
            } else if (v.isNumber()) {
                fields.put(e.getKey(), v.asDouble());
            }
        }
        return new NodeIdentity(fields);
    }

    private List<RequirementVerdict> requirements(JsonNode r, String path) throws ReportFormatException {
        JsonNode rs = array(r, "requirements", path);
        List<RequirementVerdict> out = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            String p = path + "requirements[" + i + "].";
            JsonNode e = object(rs, i, path + "requirements");
            ConfidenceInterval ci = null;
            JsonNode ciNode = e.get("ci");
            if (ciNode != null && !ciNode.isNull()) {
                JsonNode c = object(e, "ci", p);
                double low = number(c, "low", p + "ci.", Double.NEGATIVE_INFINITY);
                double high = number(c, "high", p + "ci.", Double.POSITIVE_INFINITY);
                double confidence = requiredNumber(c, "confidence", p + "ci.");
                if (!(low <= high) || !(confidence > 0 && confidence < 1)) {
                    throw new ReportFormatException(source + ": " + p + "ci: expected low <= high and a confidence"
                            + " between 0 and 1 (exclusive), found " + c);
                }
                ci = new ConfidenceInterval(low, high, confidence);
            }
            JsonNode samples = e.get("samples");
            if (samples != null && !samples.canConvertToLong()) {
                throw new ReportFormatException(
                        source + ": " + p + "samples: expected a whole number, found " + samples);
            }
            String id = text(e, "id", p);
            String variant = optionalText(e, "variant", p);
            String probe = text(e, "probe", p);
            String metric = text(e, "metric", p);
            String statistic = text(e, "statistic", p);
            String comparator = text(e, "comparator", p);
            double threshold = requiredNumber(e, "threshold", p);
            String unit = text(e, "unit", p);
            double measured = number(e, "measured", p, Double.NaN);
            Verdict verdict = verdict(e, p);
            out.add(new RequirementVerdict(
                    id,
                    probe,
                    metric,
                    statistic,
                    comparator,
                    threshold,
                    unit,
                    measured,
                    ci,
                    samples == null ? 0 : samples.asLong(),
                    verdict,
                    prose(e, "method"),
                    prose(e, "reason"),
                    variant));
        }
        return out;
    }

    // ---- fields, with file and field named in every message ----

    private String text(JsonNode n, String field, String path) throws ReportFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw missing(path + field, "a string");
        }
        if (!v.isTextual()) {
            throw new ReportFormatException(source + ": " + path + field + ": expected a string, found " + v);
        }
        return checked(v.asText(), path + field);
    }

    private String checked(String value, String field) throws ReportFormatException {
        Optional<String> refusal = names.refusal(value);
        if (refusal.isPresent()) {
            throw new ReportFormatException(source + ": " + field + ": " + refusal.get());
        }
        return value;
    }

    private String optionalText(JsonNode n, String field, String path) throws ReportFormatException {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : text(n, field, path);
    }

    /** Free text (method, reason): read as it is when it is a string, empty otherwise. */
    private static String prose(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v != null && v.isTextual() ? v.asText() : "";
    }

    private double requiredNumber(JsonNode n, String field, String path) throws ReportFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw missing(path + field, "a number");
        }
        return number(n, field, path, Double.NaN);
    }

    /** The number, or {@code ifNull} when the field is null or absent. */
    private double number(JsonNode n, String field, String path, double ifNull) throws ReportFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return ifNull;
        }
        if (!v.isNumber()) {
            throw new ReportFormatException(source + ": " + path + field + ": expected a number, found " + v);
        }
        return v.asDouble();
    }

    private JsonNode object(JsonNode n, String field, String path) throws ReportFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw missing(path + field, "an object");
        }
        if (!v.isObject()) {
            throw new ReportFormatException(source + ": " + path + field + ": expected an object, found " + kind(v));
        }
        return v;
    }

    private JsonNode object(JsonNode array, int i, String path) throws ReportFormatException {
        JsonNode v = array.get(i);
        if (!v.isObject()) {
            throw new ReportFormatException(source + ": " + path + "[" + i + "]: expected an object, found " + kind(v));
        }
        return v;
    }

    private JsonNode array(JsonNode n, String field, String path) throws ReportFormatException {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw missing(path + field, "an array");
        }
        if (!v.isArray()) {
            throw new ReportFormatException(source + ": " + path + field + ": expected an array, found " + kind(v));
        }
        return v;
    }

    private NodeVerdict nodeVerdict(JsonNode n, String path) throws ReportFormatException {
        String v = text(n, "verdict", path);
        try {
            return NodeVerdict.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new ReportFormatException(source + ": " + path + "verdict: expected one of "
                    + Arrays.toString(NodeVerdict.values()) + ", found \"" + v + "\"");
        }
    }

    private Verdict verdict(JsonNode n, String path) throws ReportFormatException {
        String v = text(n, "verdict", path);
        try {
            return Verdict.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new ReportFormatException(source + ": " + path + "verdict: expected one of "
                    + Arrays.toString(Verdict.values()) + ", found \"" + v + "\"");
        }
    }

    private ReportFormatException missing(String field, String expected) {
        return new ReportFormatException(source + ": " + field + ": missing; expected " + expected);
    }

    private static String kind(JsonNode v) {
        return v.isArray() ? "an array" : v.isObject() ? "an object" : v.toString();
    }
}
