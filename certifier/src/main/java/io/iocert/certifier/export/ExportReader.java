package io.iocert.certifier.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.cert.Certificates;
import io.iocert.certifier.report.JsonReportReader;
import io.iocert.certifier.report.ReportFormatException;
import io.iocert.results.NodeIdentity;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads what {@code iocert export} exports: a report ({@value Report#FORMAT}), a fleet report
 * ({@value Report#FLEET_FORMAT}, one certification per node) or a certificate
 * ({@value Certificates#FORMAT}). Reports, and the report inside a certificate, are read by the
 * report format's own reader ({@link JsonReportReader}, beside its writer), with every name held
 * to the rule of exported files ({@link ExportNames}). Errors name the file and the field, as
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
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());
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
        try {
            return readDocument(bytes, source);
        } catch (ReportFormatException e) {
            throw new ExportException(e.getMessage());
        }
    }

    private List<Certification> readDocument(byte[] bytes, String source)
            throws ExportException, ReportFormatException {
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
        JsonNode format = root.get("format");
        if (format == null || !format.isTextual()) {
            throw new ExportException(source + ": no \"format\" string; expected one of " + FORMATS
                    + " (a report.json, fleet report or certificate.json)");
        }
        switch (format.asText()) {
            case Report.FORMAT, Report.FLEET_FORMAT -> {
                List<Certification> out = new ArrayList<>();
                for (Report r : reports(source).read(root)) {
                    out.add(certification(source, Certification.Kind.REPORT, r, Optional.empty(), false, false));
                }
                return out;
            }
            case Certificates.FORMAT -> {
                return List.of(certificate(source, root, bytes));
            }
            default ->
                throw new ExportException(source + ": format \"" + format.asText() + "\" is not one that export"
                        + " reads; expected one of " + FORMATS);
        }
    }

    /** The report reader, holding every name to the rule of exported files ({@link ExportNames}). */
    private static JsonReportReader reports(String source) {
        return new JsonReportReader(source, ExportNames::refusal);
    }

    private Certification certificate(String source, JsonNode cert, byte[] bytes)
            throws ExportException, ReportFormatException {
        boolean verified;
        if (key.isPresent()) {
            // Signature, key and form first; expiry is judged below, so that an expired
            // certificate is still exported, as not eligible.
            Certificates.Verification v = Certificates.verify(bytes, key.get(), Optional.empty(), Instant.MIN);
            if (!v.valid()) {
                throw ExportException.invalidCertificate(source + ": INVALID: " + v.reason());
            }
            verified = true;
        } else if (allowUnverified) {
            verified = false;
        } else {
            throw new ExportException(
                    source + ": a certificate is exported only once its signature is checked: give"
                            + " --key PUB (the signer's public key from 'iocert keygen'), or --no-verify to export it unchecked");
        }
        Fields f = new Fields(source);
        JsonNode p = f.object(cert, "payload", "");
        String path = "payload.";
        f.object(p, "spec", path);
        String untilText = f.text(p, "validUntil", path);
        Instant until;
        try {
            until = Instant.parse(untilText);
        } catch (DateTimeParseException e) {
            throw new ExportException(source + ": payload.validUntil: expected an RFC 3339 UTC time such as"
                    + " 2026-12-23T12:00:00Z, found \"" + untilText + "\"");
        }
        Report r = reports(source).readReport(p, path);
        return certification(
                source, Certification.Kind.CERTIFICATE, r, Optional.of(until), verified, now.isAfter(until));
    }

    private static Certification certification(
            String source,
            Certification.Kind kind,
            Report r,
            Optional<Instant> validUntil,
            boolean verified,
            boolean expired) {
        List<Certification.Entry> entries = new ArrayList<>();
        for (RequirementVerdict v : r.requirements()) {
            ConfidenceInterval ci = v.ci();
            entries.add(new Certification.Entry(
                    v.id(),
                    v.variant(),
                    v.probe(),
                    v.metric(),
                    v.statistic(),
                    v.comparator(),
                    v.threshold(),
                    v.unit(),
                    v.measured(),
                    ci == null ? Double.NaN : ci.low(),
                    ci == null ? Double.NaN : ci.high(),
                    ci == null ? Double.NaN : ci.confidence(),
                    v.samples(),
                    v.verdict()));
        }
        String hostname = (String) r.node().get(NodeIdentity.HOSTNAME).orElse(null);
        return new Certification(
                source,
                kind,
                r.specName(),
                r.specSha256(),
                hostname,
                r.verdict(),
                entries,
                validUntil,
                verified,
                expired);
    }

    /** The certificate's own fields (the report inside it is {@link JsonReportReader}'s), named in every message. */
    private record Fields(String source) {
        String text(JsonNode n, String field, String path) throws ExportException {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                throw new ExportException(source + ": " + path + field + ": missing; expected a string");
            }
            if (!v.isTextual()) {
                throw new ExportException(source + ": " + path + field + ": expected a string, found " + v);
            }
            return ExportNames.check(v.asText(), source + ": " + path + field);
        }

        JsonNode object(JsonNode n, String field, String path) throws ExportException {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                throw new ExportException(source + ": " + path + field + ": missing; expected an object");
            }
            if (!v.isObject()) {
                throw new ExportException(source + ": " + path + field + ": expected an object, found "
                        + (v.isArray() ? "an array" : v.toString()));
            }
            return v;
        }
    }
}
