package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.results.ToolVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {

    @TempDir
    Path tmp;

    /** A small, fast fs spec; {@code threshold} decides the verdict. */
    private Path fsSpec(String throughputThreshold, boolean withFailingProbe) throws IOException {
        String spec = """
                iocert: v1
                name: cli-test
                budget: 5s
                requirements:
                  - id: small-write
                    probe: fs.write
                    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 8MiB, duration: 1s, interval: 10ms,
                               direct: auto}
                    expect:
                      throughput: {p50: "%s"}
                      latency: {p50: "<= 10 s"}
                """.formatted(throughputThreshold);
        if (withFailingProbe) {
            // One second cannot hold a JMH fork and a distribution of iterations: the probe refuses.
            spec += "  - id: flops\n"
                    + "    probe: compute.flops\n"
                    + "    budget: 1s\n"
                    + "    expect:\n"
                    + "      flops: {p50: \">= 1 FLOP/s\"}\n";
        }
        Path f = tmp.resolve("spec.yaml");
        Files.writeString(f, spec);
        return f;
    }

    private Path fsDir() throws IOException {
        return Files.createDirectories(tmp.resolve("fs"));
    }

    @Test
    void shouldPrintVersion() {
        CliRunner r = CliRunner.run("--version");
        assertEquals(0, r.code());
        assertEquals("iocert " + ToolVersion.get() + "\n", r.out());
    }

    @Test
    void shouldPrintUsageAndExit2WithoutCommand() {
        CliRunner r = CliRunner.run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("usage: iocert COMMAND"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "probe", "certify", "spec", "compare", "serve", "keygen", "verify"})
    void shouldShowHelpForEveryCommand(String command) {
        CliRunner r = CliRunner.run(command, "--help");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("usage: iocert " + command), r.out());
        assertTrue(r.out().contains("Exit codes"), r.out());
    }

    @Test
    void shouldRejectUnknownCommandWithExit2() {
        CliRunner r = CliRunner.run("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("iocert: unknown command 'frobnicate'"), r.err());
    }

    @Test
    void shouldRefuseAbbreviatedOptions() {
        CliRunner r = CliRunner.run("keygen", "--ou", "x");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("--ou"), r.err());
        assertTrue(r.noStackTrace());
    }

    @Test
    void shouldOfferEveryCommandOfTheDesign() {
        for (String c : List.of(
                "run", "probe", "certify", "serve", "spec", "compare", "import", "export", "keygen", "verify")) {
            CliRunner r = CliRunner.run(c, "--help");
            assertEquals(0, r.code(), c + ": " + r.err());
            assertTrue(r.out().startsWith("usage: iocert " + c), c + ": " + r.out());
        }
    }

    @Test
    void shouldRejectUnknownFlagWithExit2() {
        CliRunner r = CliRunner.run("run", "--fast");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("Unrecognized option: --fast"), r.err());
        assertTrue(r.noStackTrace());
    }

    @Test
    void shouldRunFsRequirementsAndReportAFailedProbeAsError() throws IOException {
        Path out = tmp.resolve("out");
        CliRunner r = CliRunner.run(
                "run",
                "--spec",
                fsSpec(">= 1 B/s", true).toString(),
                "--fs-path",
                fsDir().toString(),
                "--out",
                out.toString());

        assertEquals(4, r.code(), r.err());
        assertTrue(r.out().contains("Node verdict: ERROR"), r.out());
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals("iocert-report/1", report.get("format").asText());
        assertEquals("ERROR", report.get("verdict").asText());
        JsonNode reqs = report.get("requirements");
        assertEquals("PASS", reqs.get(0).get("verdict").asText());
        assertEquals("PASS", reqs.get(1).get("verdict").asText());
        assertEquals("ERROR", reqs.get(2).get("verdict").asText());
        String reason = reqs.get(2).get("reason").asText();
        assertTrue(reason.startsWith("compute.flops needs at least 5 measured iterations"), reason);
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertEquals("iocert-result/2", result.get("format").asText());
        assertTrue(Files.exists(out.resolve("report.txt")));
        assertTrue(
                Files.readString(out.resolve("result.csv")).startsWith("id,probe,metric,unit,samples"),
                Files.readString(out.resolve("result.csv")));
        try (var in = Files.newInputStream(out.resolve("result.hlog"))) {
            var reader = new org.HdrHistogram.HistogramLogReader(in);
            var h = (org.HdrHistogram.Histogram) reader.nextIntervalHistogram();
            assertEquals(result.get("measurements").get(0).get("samples").asLong(), h.getTotalCount());
        }
        try (Stream<Path> left = Files.list(fsDir())) {
            assertEquals(List.of(), left.toList(), "the probe must clean up its directory");
        }
    }

    @Test
    void shouldExit0WhenEligibleAnd1WhenNot() throws IOException {
        CliRunner ok = CliRunner.run(
                "run",
                "--spec",
                fsSpec(">= 1 B/s", false).toString(),
                "--fs-path",
                fsDir().toString(),
                "--out",
                tmp.resolve("a").toString());
        assertEquals(0, ok.code(), ok.out() + ok.err());
        assertTrue(ok.out().contains("Node verdict: ELIGIBLE"));

        Files.delete(tmp.resolve("spec.yaml"));
        CliRunner bad = CliRunner.run(
                "run",
                "--spec",
                fsSpec(">= 1000 TB/s", false).toString(),
                "--fs-path",
                fsDir().toString(),
                "--out",
                tmp.resolve("b").toString(),
                "--format",
                "json");
        assertEquals(1, bad.code(), bad.err());
        assertEquals(
                "NOT_ELIGIBLE",
                new ObjectMapper().readTree(bad.out()).get("verdict").asText());
    }

    @Test
    void shouldProbeAgainUntilTheVerdictIsConclusiveAndNoLonger() throws IOException {
        // 200 creates per round. A median is settled by the first round; a p99 is not (at the
        // first look's share of the error allowance it needs about 640 samples), so its
        // requirement runs more rounds, and the combined samples count every round.
        Path spec = tmp.resolve("adaptive.yaml");
        Files.writeString(spec, """
                iocert: v1
                name: adaptive
                budget: 20s
                requirements:
                  - id: clear
                    probe: fs.metadata
                    workload: {operation: create, files: 200}
                    expect:
                      latency: {p50: "<= 10 s"}
                  - id: tail
                    probe: fs.metadata
                    workload: {operation: create, files: 200}
                    expect:
                      latency: {p99: "<= 10 s"}
                """);
        Path out = tmp.resolve("out");
        CliRunner r = CliRunner.run(
                "run",
                "--spec",
                spec.toString(),
                "--fs-path",
                fsDir().toString(),
                "--out",
                out.toString(),
                "--format",
                "json");

        assertTrue(r.code() == 0 || r.code() == 3, r.out() + r.err());
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        JsonNode clear = result.get("measurements").get(0);
        assertEquals("clear", clear.get("id").asText());
        JsonNode tail = null;
        for (JsonNode m : result.get("measurements")) {
            if (m.get("id").asText().equals("tail") && m.get("metric").asText().equals("latency")) {
                tail = m;
            }
        }
        int rounds = tail.at("/looks/round").asInt();
        assertTrue(rounds >= 2, "rounds " + rounds);
        assertEquals(4, tail.at("/looks/maxRounds").asInt());
        assertEquals(200L * rounds, tail.get("samples").asLong());
        int clearRounds = clear.at("/looks/round").asInt();
        assertTrue(clearRounds <= rounds, "the median needed " + clearRounds + " rounds, the p99 " + rounds);
        assertEquals(200L * clearRounds, clear.get("samples").asLong());
        // Certifying the written result again gives the verdicts the run gave.
        CliRunner again = CliRunner.run(
                "certify", "--spec", spec.toString(), out.resolve("result.json").toString(), "--format", "json");
        JsonNode report = new ObjectMapper().readTree(again.out());
        JsonNode ran = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals(ran.get("requirements"), report.get("requirements"));
        assertEquals(r.code(), again.code());
    }

    @Test
    void shouldCertifyAResultWrittenByProbe() throws IOException {
        Path spec = fsSpec(">= 1 B/s", false);
        Path result = tmp.resolve("node.result.json");
        CliRunner p = CliRunner.run(
                "probe", "--spec", spec.toString(), "--fs-path", fsDir().toString(), "--out", result.toString());
        assertEquals(0, p.code(), p.err());

        CliRunner c = CliRunner.run("certify", "--spec", spec.toString(), result.toString(), "--format", "json");
        assertEquals(0, c.code(), c.err());
        assertEquals(
                "ELIGIBLE", new ObjectMapper().readTree(c.out()).get("verdict").asText());

        CliRunner dir = CliRunner.run("certify", "--spec", spec.toString(), tmp.toString());
        assertEquals(0, dir.code(), dir.err());
        assertTrue(dir.out().contains("small-write"));
    }

    @Test
    void shouldNotOverwriteAnExistingResult() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Files.writeString(out.resolve("result.json"), "mine");
        CliRunner r = CliRunner.run(
                "run",
                "--spec",
                fsSpec(">= 1 B/s", false).toString(),
                "--fs-path",
                fsDir().toString(),
                "--out",
                out.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("already holds result.json"), r.err());
        assertEquals("mine", Files.readString(out.resolve("result.json")));

        Path existing = Files.writeString(tmp.resolve("x.json"), "keep");
        CliRunner p =
                CliRunner.run("probe", "--spec", tmp.resolve("spec.yaml").toString(), "--out", existing.toString());
        assertEquals(2, p.code());
        assertEquals("keep", Files.readString(existing));
    }

    @Test
    void shouldRefuseAWorkloadOverMaxBytesAndRunOneWithin() throws IOException {
        Path spec = fsSpec(">= 1 B/s", false); // writes one 8 MiB file
        CliRunner over = CliRunner.run(
                "run",
                "--spec",
                spec.toString(),
                "--fs-path",
                fsDir().toString(),
                "--out",
                tmp.resolve("o1").toString(),
                "--max-bytes",
                "4MiB");
        assertEquals(2, over.code(), over.err());
        assertEquals(
                "iocert: the workload needs 8 MiB on disk in " + fsDir() + ", more than --max-bytes 4 MiB allows;"
                        + " raise --max-bytes or lower fileSize/threads in the spec\n",
                over.err());
        try (Stream<Path> left = Files.list(fsDir())) {
            assertEquals(List.of(), left.toList());
        }

        CliRunner within = CliRunner.run(
                "run",
                "--spec",
                spec.toString(),
                "--fs-path",
                fsDir().toString(),
                "--out",
                tmp.resolve("o2").toString(),
                "--max-bytes",
                "8MiB");
        assertEquals(0, within.code(), within.err());

        CliRunner bad = CliRunner.run(
                "probe",
                "--spec",
                spec.toString(),
                "--out",
                tmp.resolve("x.json").toString(),
                "--max-bytes",
                "lots");
        assertEquals(2, bad.code());
        assertTrue(bad.err().startsWith("iocert: --max-bytes 'lots': "), bad.err());
    }

    @Test
    void shouldRejectUnusableFsPathBeforeProbing() throws IOException {
        CliRunner r = CliRunner.run(
                "run",
                "--spec",
                fsSpec(">= 1 B/s", false).toString(),
                "--fs-path",
                tmp.resolve("missing").toString(),
                "--out",
                tmp.resolve("o").toString());
        assertEquals(2, r.code());
        assertEquals("iocert: --fs-path " + tmp.resolve("missing") + " does not exist\n", r.err());
    }

    @Test
    void shouldRejectBadFlagValuesWithExit2() throws IOException {
        String spec = fsSpec(">= 1 B/s", false).toString();
        CliRunner c = CliRunner.run("run", "--spec", spec, "--confidence", "1.5");
        assertEquals(2, c.code());
        assertTrue(c.err().contains("--confidence '1.5' is not a probability"), c.err());
        CliRunner b = CliRunner.run("run", "--spec", spec, "--budget", "10 GB");
        assertEquals(2, b.code());
        assertTrue(b.err().contains("--budget '10 GB'"), b.err());
        CliRunner f = CliRunner.run("run", "--spec", spec, "--format", "xml");
        assertEquals(2, f.code());
        assertTrue(
                f.err()
                        .contains(
                                "--format 'xml' is not a report format; expected one of text, md, html, junit, json, csv"),
                f.err());
        assertTrue(c.noStackTrace() && b.noStackTrace() && f.noStackTrace());
    }

    @Test
    void shouldRejectAReportGivenAsResult() throws IOException {
        Path out = tmp.resolve("out");
        Path spec = fsSpec(">= 1 B/s", false);
        assertEquals(
                0,
                CliRunner.run(
                                "run",
                                "--spec",
                                spec.toString(),
                                "--fs-path",
                                fsDir().toString(),
                                "--out",
                                out.toString())
                        .code());
        CliRunner r = CliRunner.run(
                "certify", "--spec", spec.toString(), out.resolve("report.json").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("report.json"), r.err());
        assertTrue(r.err().contains("iocert-result/2"), r.err());
        assertTrue(r.noStackTrace(), r.err());
    }

    @Test
    void shouldValidateSpecsAndReportErrorsWithLocation() throws IOException {
        Path good = fsSpec(">= 1 B/s", false);
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), """
                iocert: v1
                name: bad
                requirements:
                  - id: r
                    probe: fs.read
                    expect:
                      latency: {p99: ">= 5 GB/s"}
                """);
        CliRunner r = CliRunner.run("spec", "validate", good.toString(), bad.toString());
        assertEquals(2, r.code());
        assertEquals(good + ": OK (spec 'cli-test', 1 requirements)\n", r.out());
        assertEquals(
                bad + ":7:22: requirements[0](r).expect.latency.p99: unit 'GB/s' is a data rate, which does"
                        + " not fit here; expected a duration (ns, us, ms, s, min)\n",
                r.err());
        assertTrue(r.noStackTrace());
    }

    @Test
    void shouldPrintTheSchema() throws IOException {
        CliRunner r = CliRunner.run("spec", "schema");
        assertEquals(0, r.code());
        JsonNode schema = new ObjectMapper().readTree(r.out());
        assertTrue(schema.has("$schema"));
        assertFalse(r.out().isBlank());
    }
}
