package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iocert spec derive}, on a result the fs probes really produced, run in-process as {@link MainTest} does. */
class SpecDeriveCommandTest {

    @TempDir
    Path tmp;

    /** A small fs.write run; no interval, so the probe chooses one and the result records it. */
    private Path referenceResult() throws Exception {
        Path spec = Files.writeString(tmp.resolve("spec.yaml"), """
                iocert: v1
                name: derive-test
                budget: 5s
                requirements:
                  - id: small-write
                    probe: fs.write
                    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 8MiB, duration: 1s, direct: auto}
                    expect:
                      throughput: {p50: ">= 1 B/s"}
                      latency: {p50: "<= 10 s"}
                """);
        Path result = tmp.resolve("ref.result.json");
        CliRunner p = CliRunner.run(
                "probe",
                "--spec",
                spec.toString(),
                "--fs-path",
                Files.createDirectories(tmp.resolve("fs")).toString(),
                "--out",
                result.toString());
        assertEquals(0, p.code(), p.err());
        return result;
    }

    @Test
    void shouldDeriveASpecThatLoadsPassesItsOwnResultAndRunsTheSameWorkload() throws Exception {
        Path ref = referenceResult();
        Path derived = tmp.resolve("derived.yaml");
        CliRunner d = CliRunner.run(
                "spec",
                "derive",
                "--from",
                ref.toString(),
                "--slack",
                "20%",
                "--name",
                "from-ref",
                "--out",
                derived.toString());
        assertEquals(0, d.code(), d.err());
        assertEquals("", d.out());

        Spec spec = SpecLoader.load(derived);
        assertEquals("from-ref", spec.name());
        assertEquals(1, spec.requirements().size());
        String text = Files.readString(derived);
        assertTrue(text.contains("      blockSize: 1MiB\n"), text);
        assertTrue(text.contains("      fileSize: 8MiB\n"), text);
        assertTrue(text.contains("      duration: 1s\n"), text);
        assertTrue(text.matches("(?s).*\\n      interval: \\d+(ns|us|ms|s)\\n.*"), text);
        assertTrue(text.contains("        p50: \"<= "), text);
        assertTrue(text.contains("        p10: \">= "), text);

        // Certified against the spec derived from it, the result never fails (20% slack).
        CliRunner c = CliRunner.run("certify", "--spec", derived.toString(), ref.toString(), "--format", "json");
        assertNotEquals(1, c.code(), c.out());
        JsonNode report = new ObjectMapper().readTree(c.out());
        // fs.write measures latency, throughput and IOPS: two statistics each.
        assertEquals(6, report.get("requirements").size(), c.out());
        for (JsonNode v : report.get("requirements")) {
            assertNotEquals("FAIL", v.get("verdict").asText(), v.toString());
            assertNotEquals("ERROR", v.get("verdict").asText(), v.toString());
        }

        // The probes accept the derived workload, and what they ran compares with the reference.
        Path again = tmp.resolve("again.result.json");
        CliRunner p = CliRunner.run(
                "probe",
                "--spec",
                derived.toString(),
                "--fs-path",
                tmp.resolve("fs").toString(),
                "--out",
                again.toString());
        assertEquals(0, p.code(), p.err());
        CliRunner cmp = CliRunner.run("compare", ref.toString(), again.toString());
        assertEquals(0, cmp.code(), cmp.err());
        assertTrue(cmp.out().contains("small-write  throughput  p10"), cmp.out());
    }

    @Test
    void shouldPrintToStandardOutputAndNeverOverwrite() throws Exception {
        Path ref = referenceResult();
        CliRunner d = CliRunner.run("spec", "derive", "--from", ref.toString(), "--statistics", "p90, mean");
        assertEquals(0, d.code(), d.err());
        Spec spec = SpecLoader.parse(d.out(), "stdout");
        assertEquals(6, spec.requirements().get(0).expectations().size());
        assertTrue(spec.name().startsWith("derived-from-"), spec.name());

        Path existing = Files.writeString(tmp.resolve("mine.yaml"), "keep");
        CliRunner o = CliRunner.run("spec", "derive", "--from", ref.toString(), "--out", existing.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("already exists"), o.err());
        assertEquals("keep", Files.readString(existing));
    }

    @Test
    void shouldRejectBadDeriveArgumentsWithExit2() throws Exception {
        CliRunner none = CliRunner.run("spec", "derive");
        assertEquals(2, none.code());
        assertEquals("iocert: 'spec derive' needs --from RESULT\nsee 'iocert spec --help'\n", none.err());

        CliRunner missing = CliRunner.run(
                "spec", "derive", "--from", tmp.resolve("nope.json").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.json: no such file"), missing.err());

        Path notResult = Files.writeString(tmp.resolve("x.json"), "{\"format\": \"iocert-report/1\"}");
        CliRunner wrong = CliRunner.run("spec", "derive", "--from", notResult.toString());
        assertEquals(2, wrong.code());
        assertTrue(wrong.noStackTrace(), wrong.err());

        Path ref = tmp.resolve("r.json");
        Files.copy(referenceResult(), ref);
        CliRunner stat = CliRunner.run("spec", "derive", "--from", ref.toString(), "--statistics", "p50,p1000");
        assertEquals(2, stat.code());
        assertTrue(stat.err().contains("'p1000' is not a statistic"), stat.err());
        CliRunner max = CliRunner.run("spec", "derive", "--from", ref.toString(), "--statistics", "max");
        assertEquals(2, max.code());
        assertTrue(max.err().contains("max cannot be certified"), max.err());
        CliRunner slack = CliRunner.run("spec", "derive", "--from", ref.toString(), "--slack", "150%");
        assertEquals(2, slack.code());
        assertTrue(slack.err().contains("--slack '150%' is out of range"), slack.err());
        CliRunner misplaced = CliRunner.run("spec", "validate", ref.toString(), "--slack", "10%");
        assertEquals(2, misplaced.code());
        assertTrue(misplaced.err().contains("--slack belongs to 'spec derive'"), misplaced.err());
    }
}
