package io.iocert.certifier.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.Verdict;
import io.iocert.certifier.cert.Certificates;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Reads what {@code iocert export} exports: a report ({@value Report#FORMAT}), a fleet report
 * ({@value Report#FLEET_FORMAT}, one certification per node) or a certificate
 * ({@value Certificates#FORMAT}). Errors name the file and the field, as
 * {@code report.json: nodes[1].requirements[0].threshold: expected a number, found "fast"}.
 *
 * <p>A certificate is verified against {@code key} when one is given: a bad signature, another
 * key or any change to the file is an {@linkplain ExportException#invalidCertificate() invalid
 * certificate}. Without a key a certificate is read only when {@code allowUnverified}, and is
 * marked unverified. Expiry is judged at {@code now} either way; an expired certificate is read,
 * marked expired, and never counts as eligible.
 */
public final class ExportReader {
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build());
    private static final List<String> FORMATS = List.of(Report.FORMAT, Report.FLEET_FORMAT, Certificates.FORMAT);

    private final Optional<PublicKey> key;
    private final boolean allowUnverified;
    private final Instant now;

    public ExportReader(Optional<PublicKey> key, boolean allowUnverified, Instant now) {
        this.key = key;
        this.allowUnverified = allowUnverified;
        this.now = now;
    }

    /** The certifications in one document's {@code bytes}; {@code source} names it in messages. */
    public List<Certification> read(byte[] bytes, String source) throws ExportException {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new ExportException(source + ": not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ExportException(source + ": cannot be read as JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ExportException(source + ": expected a JSON object with \"format\" one of " + FORMATS);
        }
        Fields f = new Fields(source);
        JsonNode format = root.get("format");
        if (format == null || !format.isTextual()) {
            throw new ExportException(source + ": no \"format\" string; expected one of " + FORMATS
                    + " (a report.json, fleet report or certificate.json)");
        }
        switch (format.asText()) {
            case Report.FORMAT -> {
                return List.of(report(f, root, ""));
            }
            case Report.FLEET_FORMAT -> {
                JsonNode nodes = f.array(root, "nodes", "");
                if (nodes.isEmpty()) {
                    throw new ExportException(source + ": nodes: the fleet report lists no nodes");
                }
                List<Certification> out = new ArrayList<>();
                for (int i = 0; i < nodes.size(); i++) {
                    String path = "nodes[" + i + "].";
                    JsonNode n = f.object(nodes, i, "nodes");
                    JsonNode nf = n.get("format");
                    if (nf != null && !Report.FORMAT.equals(nf.asText())) {
                        throw new ExportException(source + ": " + path + "format: expected \"" + Report.FORMAT
                                + "\", found " + nf);
                    }
                    out.add(report(f, n, path));
                }
                return out;
            }
            case Certificates.FORMAT -> {
                return List.of(certificate(f, root, bytes));
            }
            default -> throw new ExportException(source + ": format \"" + format.asText() + "\" is not one that export"
                    + " reads; expected one of " + FORMATS);
        }
    }

    private static Certification report(Fields f, JsonNode r, String path) throws ExportException {
        JsonNode spec = f.object(r, "spec", path);
        return new Certification(f.source, Certification.Kind.REPORT, f.text(spec, "name", path + "spec."),
                f.text(spec, "sha256", path + "spec."), hostname(f, r, path), f.nodeVerdict(r, path), entries(f, r, path),
                Optional.empty(), false, false);
    }

    private Certification certificate(Fields f, JsonNode cert, byte[] bytes) throws ExportException {
        boolean verified;
        if (key.isPresent()) {
            // Signature, key and form first; expiry is judged below, so that an expired
            // certificate is still exported, as not eligible.
            Certificates.Verification v = Certificates.verify(bytes, key.get(), Optional.empty(), Instant.MIN);
            if (!v.valid()) {
                throw ExportException.invalidCertificate(f.source + ": INVALID: " + v.reason());
            }
            verified = true;
        } else if (allowUnverified) {
            verified = false;
        } else {
            throw new ExportException(f.source + ": a certificate is exported only once its signature is checked: give"
                    + " --key PUB (the signer's public key from 'iocert keygen'), or --no-verify to export it unchecked");
        }
        JsonNode p = f.object(cert, "payload", "");
        String path = "payload.";
        JsonNode spec = f.object(p, "spec", path);
        String untilText = f.text(p, "validUntil", path);
        Instant until;
        try {
            until = Instant.parse(untilText);
        } catch (DateTimeParseException e) {
            throw new ExportException(f.source + ": payload.validUntil: expected an RFC 3339 UTC time such as"
                    + " 2026-12-23T12:00:00Z, found \"" + untilText + "\"");
        }
        return new Certification(f.source, Certification.Kind.CERTIFICATE, f.text(spec, "name", path + "spec."),
                f.text(spec, "sha256", path + "spec."), hostname(f, p, path), f.nodeVerdict(p, path), entries(f, p, path),
                Optional.of(until), verified, now.isAfter(until));
    }

    private static String hostname(Fields f, JsonNode r, String path) throws ExportException {
        JsonNode node = f.object(r, "node", path);
        JsonNode h = node.get("hostname");
        if (h == null || h.isNull()) {
            return null;
        }
        if (!h.isTextual() || h.asText().isBlank()) {
            throw new ExportException(f.source + ": " + path + "node.hostname: expected a host name, found " + h);
        }
        return ExportNames.check(h.asText(), f.source + ": " + path + "node.hostname");
    }

    private static List<Certification.Entry> entries(Fields f, JsonNode r, String path) throws ExportException {
        JsonNode rs = f.array(r, "requirements", path);
        List<Certification.Entry> out = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            String p = path + "requirements[" + i + "].";
            JsonNode e = f.object(rs, i, path + "requirements");
            double low = Double.NaN;
            double high = Double.NaN;
            double confidence = Double.NaN;
            JsonNode ci = e.get("ci");
            if (ci != null && !ci.isNull()) {
                JsonNode c = f.object(e, "ci", p);
                low = f.number(c, "low", p + "ci.", Double.NEGATIVE_INFINITY);
                high = f.number(c, "high", p + "ci.", Double.POSITIVE_INFINITY);
                confidence = f.requiredNumber(c, "confidence", p + "ci.");
            }
            JsonNode samples = e.get("samples");
            if (samples != null && !samples.canConvertToLong()) {
                throw new ExportException(f.source + ": " + p + "samples: expected a whole number, found " + samples);
            }
            out.add(new Certification.Entry(f.text(e, "id", p), f.optionalText(e, "variant", p), f.text(e, "probe", p),
                    f.text(e, "metric", p), f.text(e, "statistic", p), f.text(e, "comparator", p),
                    f.requiredNumber(e, "threshold", p), f.text(e, "unit", p), f.number(e, "measured", p, Double.NaN),
                    low, high, confidence, samples == null ? 0 : samples.asLong(), f.verdict(e, p)));
        }
        return out;
    }

    /** Field access that names file and field in every message. */
    private record Fields(String source) {
        String text(JsonNode n, String field, String path) throws ExportException {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                throw missing(path + field, "a string");
            }
            if (!v.isTextual()) {
                throw new ExportException(source + ": " + path + field + ": expected a string, found " + v);
            }
            return ExportNames.check(v.asText(), source + ": " + path + field);
        }

        String optionalText(JsonNode n, String field, String path) throws ExportException {
            JsonNode v = n.get(field);
            return v == null || v.isNull() ? null : text(n, field, path);
        }

        double requiredNumber(JsonNode n, String field, String path) throws ExportException {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                throw missing(path + field, "a number");
            }
            return number(n, field, path, Double.NaN);
        }

        /** The number, or {@code ifNull} when the field is null or absent. */
        double number(JsonNode n, String field, String path, double ifNull) throws ExportException {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return ifNull;
            }
            if (!v.isNumber()) {
                throw new ExportException(source + ": " + path + field + ": expected a number, found " + v);
            }
            return v.asDouble();
        }

        JsonNode object(JsonNode n, String field, String path) throws ExportException {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                throw missing(path + field, "an object");
            }
            if (!v.isObject()) {
                throw new ExportException(source + ": " + path + field + ": expected an object, found " + kind(v));
            }
            return v;
        }

        JsonNode object(JsonNode array, int i, String path) throws ExportException {
            JsonNode v = array.get(i);
            if (!v.isObject()) {
                throw new ExportException(source + ": " + path + "[" + i + "]: expected an object, found " + kind(v));
            }
            return v;
        }

        JsonNode array(JsonNode n, String field, String path) throws ExportException {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                throw missing(path + field, "an array");
            }
            if (!v.isArray()) {
                throw new ExportException(source + ": " + path + field + ": expected an array, found " + kind(v));
            }
            return v;
        }

        NodeVerdict nodeVerdict(JsonNode n, String path) throws ExportException {
            String v = text(n, "verdict", path);
            try {
                return NodeVerdict.valueOf(v);
            } catch (IllegalArgumentException e) {
                throw new ExportException(source + ": " + path + "verdict: expected one of "
                        + Arrays.toString(NodeVerdict.values()) + ", found \"" + v + "\"");
            }
        }

        Verdict verdict(JsonNode n, String path) throws ExportException {
            String v = text(n, "verdict", path);
            try {
                return Verdict.valueOf(v);
            } catch (IllegalArgumentException e) {
                throw new ExportException(source + ": " + path + "verdict: expected one of "
                        + Arrays.toString(Verdict.values()) + ", found \"" + v + "\"");
            }
        }

        private ExportException missing(String field, String expected) {
            return new ExportException(source + ": " + field + ": missing; expected " + expected);
        }

        private static String kind(JsonNode v) {
            return v.isArray() ? "an array" : v.isObject() ? "an object" : v.toString();
        }
    }
}
