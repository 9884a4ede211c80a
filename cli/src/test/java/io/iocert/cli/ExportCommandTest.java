package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.certifier.cert.Certificates;
import io.iocert.certifier.cert.Keys;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.results.NodeIdentity;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** iocert export as a user runs it. */
class ExportCommandTest {
    @TempDir
    Path tmp;

    private Path pub;
    private PrivateKey privateKey;
    private PublicKey publicKey;

    @BeforeEach
    void keys() throws Exception {
        assertEquals(
                0,
                CliRunner.run("keygen", "--out", tmp.resolve("ops").toString()).code());
        pub = tmp.resolve("ops.pub");
        privateKey = Keys.readPrivate(Files.readString(tmp.resolve("ops.key")), "ops.key");
        publicKey = Keys.readPublic(Files.readString(pub), "ops.pub");
    }

    private static Report report(String host, NodeVerdict verdict) {
        return new Report(
                "0.1.0-test",
                "ocean",
                "ab".repeat(32),
                new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, host)),
                verdict,
                List.of(new RequirementVerdict(
                        "restart-read",
                        "fs.read",
                        "latency",
                        "p99",
                        "<=",
                        2_000_000,
                        "ns",
                        1_650_000,
                        new ConfidenceInterval(1_580_000, 1_720_000, 0.95),
                        48211,
                        verdict == NodeVerdict.ELIGIBLE ? Verdict.PASS : Verdict.FAIL,
                        "m",
                        "r",
                        null)));
    }

    private Path reportFile(String name, Report r) throws Exception {
        StringWriter w = new StringWriter();
        ReportFormat.JSON.writer().write(r, w);
        return Files.writeString(tmp.resolve(name), w.toString());
    }

    private Path certificateFile(String name, Report r, Instant issued, Duration validity) throws Exception {
        return Files.write(
                tmp.resolve(name), Certificates.issue(r, List.of(), issued, validity, privateKey, publicKey));
    }

    @Test
    void shouldWriteAWithdrawalForNodesWithoutAResult() throws Exception {
        Path spec = Files.writeString(
                tmp.resolve("job.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: ocean-checkpoint",
                        "requirements:",
                        "  - id: w",
                        "    probe: fs.write",
                        "    expect: {throughput: {p10: \">= 1 MB/s\"}}",
                        ""));
        CliRunner ok = CliRunner.run("export", "--to", "slurm", "--withdraw", "cn1,cn2", "--spec", spec.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(ok.out().contains("iocert_update 'cn1' '' '{\"iocert\":"), ok.out());
        assertTrue(ok.out().contains("' 'iocert_ocean_checkpoint'\n"), ok.out());
        assertTrue(ok.out().contains("iocert_update 'cn2' ''"), ok.out());

        CliRunner noSpec = CliRunner.run("export", "--to", "slurm", "--withdraw", "cn1");
        assertEquals(2, noSpec.code());
        assertTrue(noSpec.err().contains("--withdraw NODES and --spec FILE go together"), noSpec.err());
        CliRunner nfd = CliRunner.run("export", "--to", "nfd", "--withdraw", "cn1", "--spec", spec.toString());
        assertEquals(2, nfd.code());
        assertTrue(nfd.err().contains("--withdraw is for --to slurm"), nfd.err());
        CliRunner badName =
                CliRunner.run("export", "--to", "slurm", "--withdraw", "cn1;reboot", "--spec", spec.toString());
        assertEquals(2, badName.code());
        assertTrue(badName.err().contains("is not a Slurm node name"), badName.err());
        assertTrue(noSpec.noStackTrace() && nfd.noStackTrace() && badName.noStackTrace());
    }

    @Test
    void shouldExportARealRunsReportAndCertificateToEveryFormat() throws Exception {
        Path spec = Files.writeString(tmp.resolve("spec.yaml"), """
                iocert: v1
                name: export-me
                budget: 3s
                requirements:
                  - id: creates
                    probe: fs.metadata
                    workload: {operation: create, files: 200}
                    expect:
                      latency: {p50: "<= 10 s"}
                """);
        Files.createDirectories(tmp.resolve("fs"));
        Path out = tmp.resolve("run");
        CliRunner run = CliRunner.run(
                "run",
                "--spec",
                spec.toString(),
                "--fs-path",
                tmp.resolve("fs").toString(),
                "--out",
                out.toString(),
                "--sign",
                tmp.resolve("ops.key").toString());
        assertEquals(0, run.code(), run.out() + run.err());
        String host = new ObjectMapper()
                .readTree(out.resolve("report.json").toFile())
                .at("/node/hostname")
                .asText();
        String shortHost = host.contains(".") && !host.matches("[0-9.]+") ? host.substring(0, host.indexOf('.')) : host;
        String cert = out.resolve("certificate.json").toString();

        CliRunner slurm = CliRunner.run("export", "--to", "slurm", cert, "--key", pub.toString());
        assertEquals(0, slurm.code(), slurm.err());
        assertTrue(slurm.out().startsWith("#!/bin/sh\n"), slurm.out());
        assertTrue(
                slurm.out().contains("iocert_update '" + shortHost + "' 'iocert_export_me,iocert_export_me__creates' "),
                slurm.out());

        CliRunner nfd = CliRunner.run("export", "--to", "nfd", cert, "--key", pub.toString());
        assertEquals(0, nfd.code(), nfd.err());
        assertTrue(
                nfd.out().contains("\n# +expiry-time=")
                        && nfd.out().contains("\niocert.io/export-me=true\n")
                        && nfd.out().contains("\niocert.io/export-me.creates=PASS\n"),
                nfd.out());

        CliRunner prom = CliRunner.run(
                "export", "--to", "prometheus", out.resolve("report.json").toString());
        assertEquals(0, prom.code(), prom.err());
        assertTrue(
                prom.out().contains("iocert_node_eligible{node=\"" + shortHost + "\",spec=\"export-me\"} 1\n"),
                prom.out());
        assertTrue(prom.out().contains("# TYPE iocert_requirement_measured gauge\n"), prom.out());
        assertTrue(prom.noStackTrace() && slurm.noStackTrace() && nfd.noStackTrace());
    }

    @Test
    void shouldWriteOutAtomicallyAndReplaceOnlyWhenAsked() throws Exception {
        Path report = reportFile("report.json", report("cn001.hpc", NodeVerdict.ELIGIBLE));
        Path prom = tmp.resolve("textfile/iocert.prom");

        CliRunner first = CliRunner.run("export", "--to", "prometheus", report.toString(), "--out", prom.toString());
        assertEquals(0, first.code(), first.err());
        assertEquals("", first.out());
        assertTrue(Files.readString(prom).contains("iocert_node_eligible{node=\"cn001\",spec=\"ocean\"} 1\n"));

        Path other = reportFile("other.json", report("cn001.hpc", NodeVerdict.NOT_ELIGIBLE));
        CliRunner refused = CliRunner.run("export", "--to", "prometheus", other.toString(), "--out", prom.toString());
        assertEquals(2, refused.code());
        assertTrue(
                refused.err().contains(prom + " already exists")
                        && refused.err().contains("--overwrite"),
                refused.err());
        assertTrue(Files.readString(prom).contains("} 1\n"), "untouched");

        CliRunner replaced = CliRunner.run(
                "export", "--to", "prometheus", other.toString(), "--out", prom.toString(), "--overwrite");
        assertEquals(0, replaced.code(), replaced.err());
        assertTrue(Files.readString(prom).contains("iocert_node_eligible{node=\"cn001\",spec=\"ocean\"} 0\n"));
        try (var files = Files.list(prom.getParent())) {
            assertEquals(
                    List.of("iocert.prom"),
                    files.map(p -> p.getFileName().toString()).toList(),
                    "no temporary file left for the collector to read");
        }
    }

    @Test
    void shouldStopAtATamperedCertificateWithExitOneAndWriteNothing() throws Exception {
        Path cert = certificateFile(
                "certificate.json", report("cn001", NodeVerdict.NOT_ELIGIBLE), Instant.now(), Duration.ofDays(30));
        String text = Files.readString(cert)
                .replace("\"NOT_ELIGIBLE\"", "\"ELIGIBLE\"")
                .replace("\"FAIL\"", "\"PASS\"");
        Path tampered = Files.writeString(tmp.resolve("tampered.json"), text);
        Path target = tmp.resolve("labels.txt");

        CliRunner r = CliRunner.run(
                "export", "--to", "nfd", tampered.toString(), "--key", pub.toString(), "--out", target.toString());

        assertEquals(1, r.code());
        assertTrue(r.err().contains("iocert: " + tampered + ": INVALID: bad signature"), r.err());
        assertFalse(Files.exists(target));
        assertTrue(r.noStackTrace());
    }

    @Test
    void shouldExportAnExpiredCertificateAsNotEligibleWithAWarning() throws Exception {
        Path cert = certificateFile(
                "certificate.json",
                report("cn001", NodeVerdict.ELIGIBLE),
                Instant.now().minus(Duration.ofDays(3)),
                Duration.ofDays(1));

        CliRunner slurm = CliRunner.run(
                "export", "--to", "slurm", cert.toString(), "--key", pub.toString(), "--features-mode", "replace");

        assertEquals(0, slurm.code(), slurm.err());
        assertTrue(
                slurm.err().contains("the certificate expired at ")
                        && slurm.err().contains("not eligible"),
                slurm.err());
        assertTrue(
                slurm.out().contains("scontrol update NodeName=cn001 AvailableFeatures= ActiveFeatures= Extra="),
                slurm.out());
        CliRunner prom = CliRunner.run("export", "--to", "prometheus", cert.toString(), "--key", pub.toString());
        assertTrue(prom.out().contains("iocert_node_eligible{node=\"cn001\",spec=\"ocean\"} 0\n"), prom.out());
    }

    @Test
    void shouldExportOneStanzaPerNodeOfAFleet() throws Exception {
        StringWriter w = new StringWriter();
        ReportFormat.JSON
                .writer()
                .writeFleet(
                        List.of(report("cn001", NodeVerdict.ELIGIBLE), report("cn002", NodeVerdict.NOT_ELIGIBLE)), w);
        Path fleet = Files.writeString(tmp.resolve("fleet.json"), w.toString());

        CliRunner r = CliRunner.run("export", "--to", "slurm", fleet.toString());

        assertEquals(0, r.code(), r.err());
        assertEquals(
                List.of("iocert_update 'cn001' 'iocert_ocean,iocert_ocean__restart_read'", "iocert_update 'cn002' ''"),
                r.out()
                        .lines()
                        .filter(l -> l.startsWith("iocert_update '"))
                        .map(l -> l.substring(0, l.indexOf(" '{")))
                        .toList());

        CliRunner one =
                CliRunner.run("export", "--to", "nfd", fleet.toString(), "--host", "cn002", "--expires-in", "7d");
        assertEquals(0, one.code(), one.err());
        assertTrue(
                one.out().contains("node cn002\n# +expiry-time=") && one.out().contains("iocert.io/ocean=false\n"),
                one.out());
    }

    @Test
    void shouldRejectBadInputWithExitTwoAndAMessageNamingIt() throws Exception {
        Path report = reportFile("report.json", report("cn001", NodeVerdict.ELIGIBLE));
        Path broken = Files.writeString(
                tmp.resolve("broken.json"),
                Files.readString(report).replace("\"threshold\" : 2000000", "\"threshold\" : \"2 ms\""));
        Path cert = certificateFile(
                "certificate.json", report("cn001", NodeVerdict.ELIGIBLE), Instant.now(), Duration.ofDays(30));
        Map<List<String>, String> cases = Map.of(
                List.of("export", "--to", "lsf", report.toString()),
                "--to 'lsf' is not an export format",
                List.of("export", report.toString()),
                "export needs --to FORMAT",
                List.of("export", "--to", "slurm"),
                "export needs at least one report.json",
                List.of("export", "--to", "slurm", tmp.resolve("nope.json").toString()),
                "nope.json: no such file",
                List.of("export", "--to", "slurm", tmp.toString()),
                "is a directory",
                List.of("export", "--to", "slurm", broken.toString()),
                broken + ": requirements[0].threshold: expected a number, found \"2 ms\"",
                List.of("export", "--to", "slurm", cert.toString()),
                cert + ": a certificate is exported only once",
                List.of("export", "--to", "nfd", report.toString()),
                report + ": a report carries no validity",
                List.of("export", "--to", "slurm", report.toString(), "--expires-in", "7d"),
                "--expires-in is for --to nfd",
                List.of("export", "--to", "slurm", report.toString(), "--features-mode", "union"),
                "--features-mode 'union' is not a mode");
        for (var c : cases.entrySet()) {
            CliRunner r = CliRunner.run(c.getKey().toArray(String[]::new));
            assertEquals(2, r.code(), c.getKey() + ": " + r.err());
            assertTrue(r.err().contains(c.getValue()), c.getKey() + ": " + r.err());
            assertEquals("", r.out(), c.getKey().toString());
            assertTrue(r.noStackTrace(), r.err());
        }
    }

    @Test
    void shouldBeListedAndHaveHelp() {
        assertTrue(CliRunner.run("--help").out().contains("  export "));
        CliRunner help = CliRunner.run("export", "--help");
        assertEquals(0, help.code());
        assertTrue(help.out().contains("--features-mode") && help.out().contains("--no-verify"), help.out());
    }
}
