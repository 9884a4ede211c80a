package io.iocert.certifier.export;

import io.iocert.certifier.Verdict;
import io.iocert.spec.Printable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Kubernetes Node Feature Discovery feature file for the {@code local} source
 * ({@code /etc/kubernetes/node-feature-discovery/features.d/}): one node, {@code name=value}
 * lines in the {@value #NAMESPACE} namespace.
 *
 * <p>Per spec {@code S} (label-safe form {@code s}): {@code iocert.io/s=true|false} (eligible),
 * {@code iocert.io/s.verdict=ELIGIBLE|NOT_ELIGIBLE|INCONCLUSIVE|ERROR|EXPIRED},
 * {@code iocert.io/s.sha256=<first 12 hex digits>}, and per requirement {@code R}
 * {@code iocert.io/s.r=PASS|FAIL|INCONCLUSIVE|ERROR} (none for an expired certificate).
 * Label names keep {@code [A-Za-z0-9._-]} (others become {@code -}), start and end with a letter
 * or digit, and are at most 63 characters: a spec part longer than 40 characters, and a
 * requirement part that does not fit the rest, is cut and ends in {@code -} and 8 hex digits of
 * the SHA-256 of the full name. Two names that become the same label are an error.
 *
 * <p>The {@code # +expiry-time=} header makes NFD drop the labels when the certification stops
 * holding: the earliest {@code validUntil} of the certificates that have not expired, capped by
 * {@code now + expiresIn}. Reports carry no validity, so a report needs {@code expiresIn} or an
 * explicit {@code neverExpire}. When every certificate has expired the header is the latest
 * {@code validUntil}, in the past, and NFD ignores the file.
 */
final class NfdExporter implements ExportFormat.Exporter {
    static final String NAMESPACE = "iocert.io";
    private static final int MAX_NAME = 63;
    private static final int MAX_SPEC = 40;

    @Override
    public String export(List<ExportNode> nodes, ExportOptions options) throws ExportException {
        if (nodes.size() != 1) {
            throw new ExportException("--to nfd writes the feature file of one node, but the inputs hold "
                    + nodes.size() + " ("
                    + String.join(", ", nodes.stream().map(ExportNode::name).toList())
                    + "): choose one with --host HOST");
        }
        ExportNode n = nodes.get(0);
        Optional<Instant> expiry = expiry(n, options);
        StringBuilder b = new StringBuilder();
        b.append("# iocert export --to nfd, ")
                .append(options.now())
                .append(": node ")
                .append(Printable.escape(ExportNames.check(n.name(), "node name")))
                .append('\n');
        // Whole seconds, rounded down: plain RFC 3339, and never later than the validity.
        expiry.ifPresent(t -> b.append("# +expiry-time=")
                .append(t.truncatedTo(ChronoUnit.SECONDS))
                .append('\n'));
        Map<String, String> origin = new HashMap<>();
        for (Certification c : n.certifications()) {
            String s = label(c.specName());
            String what = "spec '" + c.specName() + "'";
            line(b, origin, s, Boolean.toString(c.eligible()), what, c);
            line(
                    b,
                    origin,
                    label(c.specName(), "verdict"),
                    c.expired() ? "EXPIRED" : c.verdict().name(),
                    what + " verdict",
                    c);
            line(
                    b,
                    origin,
                    label(c.specName(), "sha256"),
                    NfdLabels.sha256Value(c.specShortSha()),
                    what + " sha256",
                    c);
            if (c.expired()) {
                continue;
            }
            for (Map.Entry<String, Verdict> r : c.requirementVerdicts().entrySet()) {
                line(
                        b,
                        origin,
                        label(c.specName(), r.getKey()),
                        r.getValue().name(),
                        what + " requirement '" + r.getKey() + "'",
                        c);
            }
        }
        return b.toString();
    }

    private static void line(
            StringBuilder b, Map<String, String> origin, String name, String value, String what, Certification c)
            throws ExportException {
        String before = origin.putIfAbsent(name, what);
        if (before != null) {
            throw new ExportException(c.source() + ": " + what + " and " + before + " both become the NFD label "
                    + NAMESPACE + "/" + name + "; rename one");
        }
        b.append(NAMESPACE).append('/').append(name).append('=').append(value).append('\n');
    }

    static Optional<Instant> expiry(ExportNode n, ExportOptions options) throws ExportException {
        Instant earliestValid = null;
        Instant latestExpired = null;
        for (Certification c : n.certifications()) {
            if (c.validUntil().isEmpty()) {
                if (options.expiresIn().isEmpty() && !options.neverExpire()) {
                    throw new ExportException(
                            c.source() + ": a report carries no validity, so its NFD labels would"
                                    + " stay until removed by hand: give --expires-in DURATION (such as 7d) or --expires-in never");
                }
                continue;
            }
            Instant until = c.validUntil().get();
            if (c.expired()) {
                latestExpired = latestExpired == null || until.isAfter(latestExpired) ? until : latestExpired;
            } else {
                earliestValid = earliestValid == null || until.isBefore(earliestValid) ? until : earliestValid;
            }
        }
        if (options.expiresIn().isPresent()) {
            Instant cap = options.now().plus(options.expiresIn().get());
            earliestValid = earliestValid == null || cap.isBefore(earliestValid) ? cap : earliestValid;
        }
        if (earliestValid != null) {
            return Optional.of(earliestValid);
        }
        return Optional.ofNullable(latestExpired);
    }

    /** The label name of a spec: its cleaned name, shortened to {@value #MAX_SPEC} characters. */
    static String label(String spec) throws ExportException {
        return shorten(clean(spec), spec, MAX_SPEC);
    }

    /** The label name of {@code spec}'s {@code part}: "spec.part", the part shortened to fit 63 characters. */
    static String label(String spec, String part) throws ExportException {
        String s = label(spec);
        return s + "." + shorten(clean(part), part, MAX_NAME - s.length() - 1);
    }

    /** {@code text} with only [A-Za-z0-9._-] (others become '-'), starting and ending with a letter or digit. */
    private static String clean(String text) throws ExportException {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            b.append(ch < 128 && (Character.isLetterOrDigit(ch) || ch == '.' || ch == '_' || ch == '-') ? ch : '-');
        }
        String s = trim(b.toString());
        if (s.isEmpty()) {
            throw new ExportException("'" + text + "' has no letter or digit to make an NFD label name from");
        }
        return s;
    }

    /** {@code s} if it fits {@code max}, else its head, '-' and 8 hex digits of the SHA-256 of {@code original}. */
    private static String shorten(String s, String original, int max) {
        if (s.length() <= max) {
            return s;
        }
        return trim(s.substring(0, max - 9)) + "-" + sha256(original).substring(0, 8);
    }

    private static String trim(String s) {
        return s.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
