package io.iocert.certifier.export;

import static io.iocert.certifier.export.ExportFixtures.ISSUED;
import static io.iocert.certifier.export.ExportFixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.certifier.cert.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExportReaderTest {

    @Test
    void shouldReadEveryFieldOfAReportAsTheJsonWriterWroteIt() throws Exception {
        List<Certification> cs = ExportFixtures.reportsOnly()
                .read(ExportFixtures.json(ExportFixtures.mixed("cn001.hpc")), "report.json");

        assertEquals(1, cs.size());
        Certification c = cs.get(0);
        assertEquals(Certification.Kind.REPORT, c.kind());
        assertEquals("ocean-checkpoint", c.specName());
        assertEquals("cn001.hpc", c.hostname());
        assertEquals(NodeVerdict.NOT_ELIGIBLE, c.verdict());
        assertTrue(c.validUntil().isEmpty());
        assertEquals(4, c.entries().size());
        Certification.Entry halo = c.entries().get(2);
        assertEquals("messageSize 8 KiB", halo.variant());
        assertEquals(430_000, halo.ciLow());
        assertEquals(Double.POSITIVE_INFINITY, halo.ciHigh(), "null high is the unbounded end");
        assertEquals(900, halo.samples());
        Certification.Entry error = c.entries().get(3);
        assertTrue(Double.isNaN(error.measured()));
        assertFalse(error.hasInterval());
        assertEquals(Verdict.ERROR, error.verdict());
        assertEquals(
                List.of("restart-read", "checkpoint-write", "halo", "quiet-cpu"),
                List.copyOf(c.requirementVerdicts().keySet()));
    }

    @Test
    void shouldReadOneCertificationPerNodeOfAFleetReport() throws Exception {
        List<Certification> cs = ExportFixtures.reportsOnly()
                .read(
                        ExportFixtures.fleet(
                                ExportFixtures.mixed("a"), ExportFixtures.eligible("b", "ocean-checkpoint")),
                        "fleet.json");

        assertEquals(List.of("a", "b"), cs.stream().map(Certification::hostname).toList());
        assertEquals(
                List.of(NodeVerdict.NOT_ELIGIBLE, NodeVerdict.ELIGIBLE),
                cs.stream().map(Certification::verdict).toList());
    }

    @Test
    void shouldVerifyACertificateAndTakeItsValidity() throws Exception {
        byte[] cert = ExportFixtures.certificate(ExportFixtures.eligible("cn002", "s"), Duration.ofDays(30));

        Certification c = ExportFixtures.read(cert, "certificate.json").get(0);

        assertEquals(Certification.Kind.CERTIFICATE, c.kind());
        assertTrue(c.verified());
        assertFalse(c.expired());
        assertTrue(c.eligible());
        assertEquals(ISSUED.plus(Duration.ofDays(30)), c.validUntil().orElseThrow());
        assertEquals(Verdict.PASS, c.requirementVerdicts().get("restart-read"));
    }

    @Test
    void shouldReadAnExpiredCertificateAsExpiredAndNeverEligible() throws Exception {
        byte[] cert = ExportFixtures.certificate(ExportFixtures.eligible("cn002", "s"), Duration.ofDays(1));

        Certification c = ExportFixtures.read(cert, "certificate.json").get(0);

        assertTrue(c.expired(), "issued 4 days before NOW, valid for one");
        assertEquals(NodeVerdict.ELIGIBLE, c.verdict(), "what it said");
        assertFalse(c.eligible(), "what counts");
    }

    @Test
    void shouldRejectATamperedCertificateAsInvalid() {
        String text = new String(
                ExportFixtures.certificate(ExportFixtures.mixed("cn003"), Duration.ofDays(30)), StandardCharsets.UTF_8);
        byte[] tampered = text.replace("\"NOT_ELIGIBLE\"", "\"ELIGIBLE\"").getBytes(StandardCharsets.UTF_8);

        ExportException e = assertThrows(ExportException.class, () -> ExportFixtures.read(tampered, "cert.json"));

        assertTrue(e.invalidCertificate());
        assertTrue(e.getMessage().startsWith("cert.json: INVALID: bad signature"), e.getMessage());
    }

    @Test
    void shouldRejectACertificateSignedWithAnotherKey() {
        byte[] cert = ExportFixtures.certificate(ExportFixtures.mixed("cn003"), Duration.ofDays(30));
        ExportReader other = new ExportReader(Optional.of(Keys.generate().getPublic()), false, NOW);

        ExportException e = assertThrows(ExportException.class, () -> other.read(cert, "cert.json"));

        assertTrue(e.invalidCertificate());
        assertTrue(e.getMessage().contains("INVALID: signed with key "), e.getMessage());
    }

    @Test
    void shouldRefuseACertificateWithoutAKeyUnlessUnverifiedIsAllowed() throws Exception {
        byte[] cert = ExportFixtures.certificate(ExportFixtures.mixed("cn003"), Duration.ofDays(30));

        ExportException e = assertThrows(
                ExportException.class, () -> ExportFixtures.reportsOnly().read(cert, "cert.json"));
        assertFalse(e.invalidCertificate(), "a usage error");
        assertTrue(e.getMessage().contains("--key PUB") && e.getMessage().contains("--no-verify"), e.getMessage());

        Certification c = new ExportReader(Optional.empty(), true, NOW)
                .read(cert, "cert.json")
                .get(0);
        assertFalse(c.verified());
        assertEquals(NodeVerdict.NOT_ELIGIBLE, c.verdict());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not JSON              | {\"format\": |r.json: not valid JSON (line 1, column 11)",
                "array                 | [1]|r.json: expected a JSON object",
                "no format             | {\"spec\": {}}|r.json: no \"format\" string",
                "other format          | {\"format\": \"iocert-result/1\"}|r.json: format \"iocert-result/1\" is not one that export reads",
                "no spec               | {\"format\": \"iocert-report/1\"}|r.json: spec: missing; expected an object",
                "fleet without nodes   | {\"format\": \"iocert-fleet-report/1\", \"nodes\": []}|r.json: nodes: the fleet report lists no nodes",
            })
    void shouldNameTheFileAndWhatWasExpected(String what, String json, String message) {
        ExportException e = assertThrows(
                ExportException.class,
                () -> ExportFixtures.reportsOnly().read(json.getBytes(StandardCharsets.UTF_8), "r.json"));
        assertFalse(e.invalidCertificate());
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "\"threshold\" : 2000000,|\"threshold\" : \"fast\",|nodes[1].requirements[0].threshold: expected a number, found \"fast\"",
                "\"threshold\" : 2000000,|REMOVED|nodes[1].requirements[0].threshold: missing; expected a number",
                "\"verdict\" : \"PASS\"|\"verdict\" : \"OK\"|nodes[1].requirements[0].verdict: expected one of [PASS, FAIL, INCONCLUSIVE, ERROR], found \"OK\"",
                "\"verdict\" : \"ELIGIBLE\"|\"verdict\" : \"GOOD\"|nodes[1].verdict: expected one of [ELIGIBLE, NOT_ELIGIBLE, INCONCLUSIVE, ERROR], found \"GOOD\"",
                "\"hostname\" : \"b\"|\"hostname\" : 7|nodes[1].node.hostname: expected a host name, found 7",
            })
    void shouldNameTheFieldInsideAFleetReport(String from, String to, String message) {
        String fleet = new String(
                ExportFixtures.fleet(ExportFixtures.mixed("a"), ExportFixtures.eligible("b", "s")),
                StandardCharsets.UTF_8);
        String nodeFormat = "\"format\" : \"iocert-report/1\"";
        int second = fleet.indexOf(nodeFormat, fleet.indexOf(nodeFormat) + 1);
        String broken = fleet.substring(0, second)
                + fleet.substring(second)
                        .replaceFirst(
                                java.util.regex.Pattern.quote(from),
                                java.util.regex.Matcher.quoteReplacement(to.equals("REMOVED") ? "" : to));
        ExportException e = assertThrows(
                ExportException.class,
                () -> ExportFixtures.reportsOnly().read(broken.getBytes(StandardCharsets.UTF_8), "fleet.json"));
        assertEquals("fleet.json: " + message, e.getMessage());
    }

    @Test
    void shouldLeaveAMissingHostnameForTheNodeNameToSettle() throws Exception {
        String json = new String(ExportFixtures.json(ExportFixtures.mixed("x")), StandardCharsets.UTF_8)
                .replace("\"hostname\" : \"x\"", "\"kernel\" : \"6.1\"");
        assertNull(ExportFixtures.reportsOnly()
                .read(json.getBytes(StandardCharsets.UTF_8), "r.json")
                .get(0)
                .hostname());
    }
}
