package io.iocert.certifier.cert;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signed certificates (format {@value #FORMAT}): what a node was certified for, signed with
 * Ed25519 so that someone who was not there can check it.
 *
 * <p>The file is one line of JSON in canonical form, {@code {"format", "payload", "signature"}}:
 * the payload binds spec name and SHA-256, node identity, the SHA-256 of every result document
 * used, every verdict with its interval, the node verdict, tool version, issue time and
 * validity; the signature is over the payload's exact bytes. Verification first re-writes the
 * parsed file canonically and requires the same bytes, so any change to any byte (white space
 * included) invalidates a certificate, not only a change the signature covers.
 */
public final class Certificates {
    public static final String FORMAT = "iocert-certificate/1";

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build());

    private Certificates() {}

    /** A result document used for the certificate, by name and content digest. */
    public record ResultDigest(String name, String sha256) {}

    /** The certificate file's bytes for {@code report}, signed with {@code key}. */
    public static byte[] issue(
            Report report,
            List<ResultDigest> results,
            Instant issuedAt,
            Duration validity,
            PrivateKey key,
            PublicKey publicKey) {
        ObjectNode payload = MAPPER.createObjectNode();
        payload.put("toolVersion", report.toolVersion());
        ObjectNode spec = payload.putObject("spec");
        spec.put("name", report.specName());
        spec.put("sha256", report.specSha256());
        ObjectNode node = payload.putObject("node");
        for (Map.Entry<String, Object> e : report.node().fields().entrySet()) {
            node.putPOJO(e.getKey(), e.getValue());
        }
        ArrayNode rs = payload.putArray("results");
        for (ResultDigest d : results) {
            rs.addObject().put("name", d.name()).put("sha256", d.sha256());
        }
        payload.put("verdict", report.verdict().name());
        ArrayNode vs = payload.putArray("requirements");
        for (RequirementVerdict v : report.requirements()) {
            ObjectNode o = vs.addObject();
            o.put("id", v.id());
            if (v.variant() != null) {
                o.put("variant", v.variant());
            }
            o.put("probe", v.probe())
                    .put("metric", v.metric())
                    .put("statistic", v.statistic())
                    .put("comparator", v.comparator())
                    .put("threshold", v.threshold())
                    .put("unit", v.unit());
            number(o, "measured", v.measured());
            ConfidenceInterval ci = v.ci();
            if (ci != null) {
                ObjectNode c = o.putObject("ci");
                number(c, "low", ci.low());
                number(c, "high", ci.high());
                c.put("confidence", ci.confidence());
            }
            o.put("samples", v.samples()).put("verdict", v.verdict().name()).put("method", v.method());
        }
        payload.put("issuedAt", issuedAt.toString());
        payload.put("validUntil", issuedAt.plus(validity).toString());
        payload.put("keyId", Keys.id(publicKey));
        // Round-trip the payload through its own text once, so numbers and POJOs have the
        // form a verifier will parse back.
        JsonNode canonicalPayload = parse(write(payload));
        byte[] signed = write(canonicalPayload);
        ObjectNode cert = MAPPER.createObjectNode();
        cert.put("format", FORMAT);
        cert.set("payload", canonicalPayload);
        ObjectNode sig = cert.putObject("signature");
        sig.put("algorithm", Keys.ALGORITHM);
        sig.put("value", Base64.getEncoder().encodeToString(sign(signed, key)));
        byte[] body = write(cert);
        byte[] out = Arrays.copyOf(body, body.length + 1);
        out[body.length] = '\n';
        return out;
    }

    /** The outcome of checking a certificate: valid, or the reason it is not; and what it says. */
    public record Verification(boolean valid, String reason, Optional<JsonNode> payload) {
        static Verification invalid(String reason) {
            return new Verification(false, reason, Optional.empty());
        }
    }

    /**
     * Checks {@code bytes} against {@code key} at time {@code now}, and, when given, that it was
     * issued for the spec with SHA-256 {@code specSha256}.
     */
    public static Verification verify(byte[] bytes, PublicKey key, Optional<String> specSha256, Instant now) {
        JsonNode cert;
        try {
            cert = MAPPER.readTree(bytes);
        } catch (IOException e) {
            return Verification.invalid("unreadable: not a JSON certificate");
        }
        if (cert == null
                || !cert.isObject()
                || !FORMAT.equals(cert.path("format").asText(null))) {
            return Verification.invalid("unreadable: not an " + FORMAT + " document");
        }
        byte[] canonical = write(cert);
        byte[] expected = Arrays.copyOf(canonical, canonical.length + 1);
        expected[canonical.length] = '\n';
        if (!Arrays.equals(expected, bytes)) {
            return Verification.invalid(
                    "the file is not in the canonical form it was issued in: it was changed or damaged");
        }
        JsonNode payload = cert.get("payload");
        JsonNode sig = cert.get("signature");
        if (payload == null || !payload.isObject() || sig == null || !sig.isObject()) {
            return Verification.invalid("unreadable: payload or signature missing");
        }
        if (!Keys.ALGORITHM.equals(sig.path("algorithm").asText())) {
            return Verification.invalid(
                    "unsupported signature algorithm '" + sig.path("algorithm").asText() + "'");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(sig.path("value").asText());
        } catch (IllegalArgumentException e) {
            return Verification.invalid("unreadable: the signature is not base64");
        }
        if (!Keys.id(key).equals(payload.path("keyId").asText())) {
            return Verification.invalid(
                    "signed with key " + payload.path("keyId").asText() + ", not with this key (" + Keys.id(key) + ")");
        }
        if (!checks(write(payload), signature, key)) {
            return Verification.invalid(
                    "bad signature: the certificate was changed after signing, or not signed with this key");
        }
        Instant until;
        try {
            until = Instant.parse(payload.path("validUntil").asText());
        } catch (DateTimeParseException e) {
            return Verification.invalid("unreadable: validUntil is not a time");
        }
        if (now.isAfter(until)) {
            return Verification.invalid("expired at " + until + " (now " + now + ")");
        }
        if (specSha256.isPresent()
                && !specSha256.get().equals(payload.path("spec").path("sha256").asText())) {
            return Verification.invalid(
                    "issued for spec '" + payload.path("spec").path("name").asText() + "' (sha256 "
                            + abbrev(payload.path("spec").path("sha256").asText()) + "), not the given spec (sha256 "
                            + abbrev(specSha256.get()) + ")");
        }
        return new Verification(true, "valid", Optional.of(payload));
    }

    private static String abbrev(String sha) {
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) {
            o.put(field, v);
        } else {
            o.putNull(field);
        }
    }

    private static byte[] write(JsonNode n) {
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(byte[] b) {
        try {
            return MAPPER.readTree(b);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sign(byte[] data, PrivateKey key) {
        try {
            Signature s = Signature.getInstance(Keys.ALGORITHM);
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing failed: " + e.getMessage(), e);
        }
    }

    private static boolean checks(byte[] data, byte[] signature, PublicKey key) {
        try {
            Signature s = Signature.getInstance(Keys.ALGORITHM);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    /** SHA-256 of some bytes, hex. */
    public static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
