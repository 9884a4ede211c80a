package io.iocert.certifier.export;

import static io.iocert.certifier.export.ExportFixtures.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PrometheusExporterTest {

    private static String export(List<ExportNode> nodes) throws ExportException {
        return ExportFormat.PROMETHEUS.export(nodes, ExportOptions.defaults(NOW));
    }

    private static List<Exposition.Sample> named(List<Exposition.Sample> all, String name) {
        return all.stream().filter(s -> s.name().equals(name)).toList();
    }

    @Test
    void shouldWriteValidExpositionWithEveryFamilyOnce() throws Exception {
        String text = export(ExportFixtures.nodes(
                ExportFixtures.fleet(
                        ExportFixtures.mixed("cn001.hpc"), ExportFixtures.eligible("cn002.hpc", "ocean-checkpoint")),
                "fleet.json"));

        List<Exposition.Sample> samples = Exposition.parse(text);

        assertEquals(
                List.of(
                        "iocert_node_eligible",
                        "iocert_node_verdict",
                        "iocert_requirement_pass",
                        "iocert_requirement_verdict",
                        "iocert_requirement_measured",
                        "iocert_requirement_interval_low",
                        "iocert_requirement_interval_high",
                        "iocert_requirement_confidence",
                        "iocert_requirement_threshold",
                        "iocert_requirement_samples"),
                text.lines()
                        .filter(l -> l.startsWith("# TYPE "))
                        .map(l -> l.split(" ")[2])
                        .toList(),
                "no certificate, so no certificate families");
        assertTrue(text.lines().filter(l -> l.startsWith("# TYPE ")).allMatch(l -> l.endsWith(" gauge")));
        assertEquals(
                Map.of("cn001", "0", "cn002", "1"),
                named(samples, "iocert_node_eligible").stream()
                        .collect(Collectors.toMap(s -> s.labels().get("node"), Exposition.Sample::value)));
        assertTrue(
                text.contains(
                        "iocert_node_verdict{node=\"cn001\",spec=\"ocean-checkpoint\",verdict=\"NOT_ELIGIBLE\"} 1\n"),
                text);
        assertTrue(
                text.contains("iocert_node_verdict{node=\"cn001\",spec=\"ocean-checkpoint\",verdict=\"ELIGIBLE\"} 0\n"),
                text);
    }

    @Test
    void shouldWriteMeasurementsIntervalsAndThresholdsWithTheirLabels() throws Exception {
        String text = export(ExportFixtures.nodes(ExportFixtures.json(ExportFixtures.mixed("cn001")), "r.json"));
        List<Exposition.Sample> samples = Exposition.parse(text);

        String halo = "{node=\"cn001\",spec=\"ocean-checkpoint\",requirement=\"halo\",variant=\"messageSize 8 KiB\","
                + "probe=\"net.pingpong\",metric=\"rtt\",statistic=\"p99.9\",unit=\"ns\"}";
        assertTrue(text.contains("iocert_requirement_measured" + halo + " 450000\n"), text);
        assertTrue(text.contains("iocert_requirement_interval_low" + halo + " 430000\n"), text);
        assertTrue(text.contains("iocert_requirement_interval_high" + halo + " +Inf\n"), "unbounded end: " + text);
        assertTrue(text.contains("iocert_requirement_confidence" + halo + " 0.95\n"), text);
        assertTrue(
                text.contains("iocert_requirement_threshold{node=\"cn001\",spec=\"ocean-checkpoint\","
                        + "requirement=\"halo\",variant=\"messageSize 8 KiB\",probe=\"net.pingpong\",metric=\"rtt\","
                        + "statistic=\"p99.9\",unit=\"ns\",comparator=\"<=\"} 1000000\n"),
                text);
        assertTrue(
                text.contains("iocert_requirement_threshold{node=\"cn001\",spec=\"ocean-checkpoint\","
                        + "requirement=\"checkpoint-write\",variant=\"\",probe=\"fs.write\",metric=\"throughput\",statistic=\"p10\","
                        + "unit=\"B/s\",comparator=\">=\"} 400000000\n"),
                text);
        assertTrue(
                text.contains("iocert_requirement_verdict" + halo.replace("}", ",verdict=\"INCONCLUSIVE\"}") + " 1\n"));
        assertTrue(
                named(samples, "iocert_requirement_measured").stream()
                        .noneMatch(s -> s.labels().get("requirement").equals("quiet-cpu")),
                "nothing estimated, nothing written");
        assertEquals(
                1,
                named(samples, "iocert_requirement_samples").stream()
                        .filter(s -> s.labels().get("requirement").equals("quiet-cpu")
                                && s.value().equals("0"))
                        .count());
        assertEquals(
                List.of("1", "0", "0", "0"),
                named(samples, "iocert_requirement_pass").stream()
                        .map(Exposition.Sample::value)
                        .toList());
    }

    @Test
    void shouldEscapeAwkwardNamesSoTheyReadBackUnchanged() throws Exception {
        // A line feed is refused before it gets here (ExportNames, tested with NFD); the rest is escaped.
        String spec = "back\\slash \"quoted\" new line";
        String id = "id with \\n literal, {braces}=\"x\"";
        Report r = new Report(
                "t",
                spec,
                ExportFixtures.SHA,
                ExportFixtures.node("cn9"),
                NodeVerdict.ELIGIBLE,
                List.of(new RequirementVerdict(
                        id,
                        "fs.read",
                        "latency",
                        "p99",
                        "<=",
                        1,
                        "ns",
                        0.5,
                        new ConfidenceInterval(0.25, 0.75, 0.9),
                        10,
                        Verdict.PASS,
                        "m",
                        "ok",
                        null)));
        String text = export(ExportFixtures.nodes(ExportFixtures.json(r), "r.json"));

        List<Exposition.Sample> samples = Exposition.parse(text);

        assertTrue(text.contains("spec=\"back\\\\slash \\\"quoted\\\" new line\""), text);
        for (Exposition.Sample s : samples) {
            assertEquals(spec, s.labels().get("spec"));
            if (s.name().startsWith("iocert_requirement_")) {
                assertEquals(id, s.labels().get("requirement"));
            }
        }
        assertTrue(text.contains(" 0.5\n") && text.contains(" 0.25\n"), text);
    }

    @Test
    void shouldExportACertificateWithItsValidityAndAnExpiredOneAsNotEligible() throws Exception {
        List<Certification> cs = new ArrayList<>();
        cs.addAll(ExportFixtures.read(
                ExportFixtures.certificate(ExportFixtures.eligible("cn1", "fresh"), Duration.ofDays(30)),
                "fresh.json"));
        cs.addAll(ExportFixtures.read(
                ExportFixtures.certificate(ExportFixtures.eligible("cn1", "stale"), Duration.ofDays(1)), "stale.json"));
        String text = export(ExportNode.group(cs, Optional.empty(), Optional.empty()));

        Exposition.parse(text);
        assertTrue(text.contains("iocert_node_eligible{node=\"cn1\",spec=\"fresh\"} 1\n"), text);
        assertTrue(text.contains("iocert_node_eligible{node=\"cn1\",spec=\"stale\"} 0\n"), text);
        assertTrue(
                text.contains("iocert_node_verdict{node=\"cn1\",spec=\"stale\",verdict=\"ELIGIBLE\"} 1\n"),
                "the verdict it carried");
        assertTrue(
                text.contains("iocert_certificate_valid_until_seconds{node=\"cn1\",spec=\"fresh\"} "
                        + ExportFixtures.ISSUED.plus(Duration.ofDays(30)).getEpochSecond() + "\n"),
                text);
        assertTrue(text.contains("iocert_certificate_verified{node=\"cn1\",spec=\"stale\"} 1\n"), text);
    }

    @Test
    void shouldRefuseAStatisticListedTwiceRatherThanWriteADuplicateSeries() {
        Report r = new Report(
                "t",
                "s",
                ExportFixtures.SHA,
                ExportFixtures.node("cn1"),
                NodeVerdict.ELIGIBLE,
                List.of(ExportFixtures.restartRead(), ExportFixtures.restartRead()));

        ExportException e = assertThrows(
                ExportException.class, () -> export(ExportFixtures.nodes(ExportFixtures.json(r), "dup.json")));

        assertTrue(
                e.getMessage().startsWith("dup.json: the same series twice, iocert_requirement_pass{"), e.getMessage());
    }

    @Test
    void shouldWriteNumbersTheSameUnderEveryLocale() throws Exception {
        java.util.Locale before = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.GERMANY);
            String text =
                    export(ExportFixtures.nodes(ExportFixtures.json(ExportFixtures.eligible("cn1", "s")), "r.json"));
            assertTrue(text.contains(" 120000.5\n"), text);
            Exposition.parse(text);
        } finally {
            java.util.Locale.setDefault(before);
        }
    }
}
