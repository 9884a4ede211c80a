package io.iocert.certifier.export;

import static io.iocert.certifier.export.ExportFixtures.ISSUED;
import static io.iocert.certifier.export.ExportFixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NfdExporterTest {
    /** Kubernetes label name (after the prefix) and value rules. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?");

    private static final Pattern VALUE = Pattern.compile("([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?");

    static String sha8(String s) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .substring(0, 8);
    }

    private static String export(List<ExportNode> nodes, Optional<Duration> expiresIn, boolean never)
            throws ExportException {
        return ExportFormat.NFD.export(
                nodes, new ExportOptions(NOW, ExportOptions.FeaturesMode.MERGE, expiresIn, never));
    }

    /** Every line is a comment or namespace/name=value with Kubernetes-valid name and value. */
    private static void assertValidFeatureFile(String text) {
        for (String line : text.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            assertTrue(key.startsWith("iocert.io/"), line);
            assertTrue(NAME.matcher(key.substring("iocert.io/".length())).matches(), "label name: " + line);
            assertTrue(VALUE.matcher(value).matches(), "label value: " + line);
        }
    }

    @Test
    void shouldLabelACertifiedNodeAndExpireWithTheCertificate() throws Exception {
        String text = export(
                ExportFixtures.nodes(
                        ExportFixtures.certificate(ExportFixtures.mixed("cn001.hpc"), Duration.ofDays(30)),
                        "cert.json"),
                Optional.empty(),
                false);

        assertEquals("""
                # iocert export --to nfd, 2026-11-24T01:00:00Z: node cn001
                # +expiry-time=2026-12-20T08:00:00Z
                iocert.io/ocean-checkpoint=false
                iocert.io/ocean-checkpoint.verdict=NOT_ELIGIBLE
                iocert.io/ocean-checkpoint.sha256=0123456789ab
                iocert.io/ocean-checkpoint.restart-read=PASS
                iocert.io/ocean-checkpoint.checkpoint-write=FAIL
                iocert.io/ocean-checkpoint.halo=INCONCLUSIVE
                iocert.io/ocean-checkpoint.quiet-cpu=ERROR
                """, text);
        assertValidFeatureFile(text);
    }

    @Test
    void shouldRequireAnExpiryForReportsAndCapCertificatesWithIt() throws Exception {
        List<Certification> cs = new ArrayList<>();
        cs.addAll(
                ExportFixtures.read(ExportFixtures.json(ExportFixtures.eligible("cn1", "from-report")), "report.json"));
        cs.addAll(ExportFixtures.read(
                ExportFixtures.certificate(ExportFixtures.eligible("cn1", "from-cert"), Duration.ofDays(30)),
                "cert.json"));
        List<ExportNode> nodes = ExportNode.group(cs, Optional.empty(), Optional.empty());

        ExportException e = assertThrows(ExportException.class, () -> export(nodes, Optional.empty(), false));
        assertTrue(
                e.getMessage().startsWith("report.json: a report carries no validity")
                        && e.getMessage().contains("--expires-in"),
                e.getMessage());

        assertTrue(
                export(nodes, Optional.of(Duration.ofDays(7)), false).contains("# +expiry-time=2026-12-01T01:00:00Z\n"),
                "now + 7 days comes before the certificate's end");
        assertTrue(
                export(nodes, Optional.of(Duration.ofDays(90)), false)
                        .contains("# +expiry-time=2026-12-20T08:00:00Z\n"),
                "the certificate's end comes first");
        assertTrue(
                export(nodes, Optional.empty(), true).contains("# +expiry-time=2026-12-20T08:00:00Z\n"),
                "never: the report adds no expiry, the certificate keeps its own");
        String reportOnly =
                export(ExportNode.group(cs.subList(0, 1), Optional.empty(), Optional.empty()), Optional.empty(), true);
        assertTrue(
                !reportOnly.contains("+expiry-time") && reportOnly.contains("iocert.io/from-report=true\n"),
                reportOnly);
    }

    @Test
    void shouldLabelAnExpiredCertificateNotEligibleAndLetNfdDropIt() throws Exception {
        String text = export(
                ExportFixtures.nodes(
                        ExportFixtures.certificate(ExportFixtures.eligible("cn1", "s"), Duration.ofDays(1)),
                        "cert.json"),
                Optional.empty(),
                false);

        assertEquals("""
                # iocert export --to nfd, 2026-11-24T01:00:00Z: node cn1
                # +expiry-time=%s
                iocert.io/s=false
                iocert.io/s.verdict=EXPIRED
                iocert.io/s.sha256=0123456789ab
                """.formatted(ISSUED.plus(Duration.ofDays(1))), text);
    }

    @Test
    void shouldMakeValidLabelNamesOfAwkwardAndLongNames() throws Exception {
        String longSpec = "a-very-long-spec-name-for-the-ocean-model-checkpoint-and-restart-suite";
        Report r = new Report(
                "t",
                "-Ocean model/v2 (large)_",
                ExportFixtures.SHA,
                ExportFixtures.node("cn1"),
                NodeVerdict.ELIGIBLE,
                List.of(ExportFixtures.restartRead()));
        Report r2 = new Report(
                "t",
                longSpec,
                ExportFixtures.SHA,
                ExportFixtures.node("cn1"),
                NodeVerdict.ELIGIBLE,
                List.of(ExportFixtures.restartRead()));
        List<Certification> cs = new ArrayList<>();
        cs.addAll(ExportFixtures.read(ExportFixtures.json(r), "a.json"));
        cs.addAll(ExportFixtures.read(ExportFixtures.json(r2), "b.json"));

        String text = export(ExportNode.group(cs, Optional.empty(), Optional.empty()), Optional.empty(), true);

        assertValidFeatureFile(text);
        assertTrue(text.contains("iocert.io/Ocean-model-v2--large=true\n"), text);
        assertTrue(text.contains("iocert.io/Ocean-model-v2--large.restart-read=PASS\n"), text);
        String shortened = "a-very-long-spec-name-for-the-o-" + NfdExporterTest.sha8(longSpec);
        assertEquals(40, shortened.length());
        assertTrue(text.contains("iocert.io/" + shortened + "=true\n"), text);
        assertTrue(text.contains("iocert.io/" + shortened + ".restart-read=PASS\n"), "one prefix per spec: " + text);
        String longId = "x".repeat(40);
        assertEquals(63, NfdExporter.label(longSpec, longId + "1").length());
        assertTrue(
                !NfdExporter.label(longSpec, longId + "1").equals(NfdExporter.label(longSpec, longId + "2")),
                "the hash keeps long names apart");
    }

    @Test
    void shouldRefuseNamesThatCollideAndFleetsOfSeveralNodes() throws Exception {
        Report r = new Report(
                "t",
                "s",
                ExportFixtures.SHA,
                ExportFixtures.node("cn1"),
                NodeVerdict.ELIGIBLE,
                List.of(new io.iocert.certifier.RequirementVerdict(
                        "verdict",
                        "fs.read",
                        "latency",
                        "p99",
                        "<=",
                        1,
                        "ns",
                        0.5,
                        null,
                        1,
                        io.iocert.certifier.Verdict.PASS,
                        "m",
                        "r",
                        null)));
        ExportException collide = assertThrows(
                ExportException.class,
                () -> export(ExportFixtures.nodes(ExportFixtures.json(r), "r.json"), Optional.empty(), true));
        assertEquals(
                "r.json: spec 's' requirement 'verdict' and spec 's' verdict both become the NFD label"
                        + " iocert.io/s.verdict; rename one",
                collide.getMessage());

        ExportException fleet = assertThrows(
                ExportException.class,
                () -> export(
                        ExportFixtures.nodes(
                                ExportFixtures.fleet(ExportFixtures.mixed("a"), ExportFixtures.mixed("b")), "f.json"),
                        Optional.empty(),
                        true));
        assertTrue(fleet.getMessage().contains("one node, but the inputs hold 2 (a, b)"), fleet.getMessage());
    }

    @Test
    void shouldRefuseAHostnameThatWouldAddLabelsOfItsOwn() throws Exception {
        // A newline in the host name would end the comment line and add a label line.
        byte[] json = ExportFixtures.json(ExportFixtures.eligible("cn1\niocert.io/gpu=true\nx", "s"));
        for (ExportFormat f : ExportFormat.values()) {
            ExportException e = assertThrows(
                    ExportException.class,
                    () -> f.export(
                            ExportNode.group(ExportFixtures.read(json, "r.json"), Optional.empty(), Optional.empty()),
                            new ExportOptions(
                                    ExportFixtures.NOW, ExportOptions.FeaturesMode.MERGE, Optional.empty(), true)),
                    f.id());
            assertEquals(
                    "r.json: node.hostname: \"cn1\\niocert.io/gpu=true\\nx\" holds an unprintable character"
                            + " (U+000A) at position 4; names in exported files must be printable (no control, format or"
                            + " line-separator characters)",
                    e.getMessage(),
                    f.id());
        }
        // The same rule for a spec name with a terminal escape, and for --node-name.
        byte[] esc = ExportFixtures.json(ExportFixtures.eligible("cn1", "s\u001b]0;owned\u0007"));
        ExportException spec = assertThrows(ExportException.class, () -> ExportFixtures.read(esc, "e.json"));
        assertTrue(
                spec.getMessage().startsWith("e.json: spec.name: \"s\\x1B]0;owned\\x07\" holds an unprintable"),
                spec.getMessage());
        ExportException name = assertThrows(
                ExportException.class,
                () -> ExportNode.group(
                        ExportFixtures.read(ExportFixtures.json(ExportFixtures.eligible("cn1", "s")), "r.json"),
                        Optional.of("cn1\rfake"),
                        Optional.empty()));
        assertTrue(name.getMessage().startsWith("--node-name: \"cn1\\rfake\" holds"), name.getMessage());
    }
}
