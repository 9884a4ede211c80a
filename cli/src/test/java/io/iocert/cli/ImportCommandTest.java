package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iocert import} end to end: a real fio json+ file imported, then certified. */
class ImportCommandTest {

    @TempDir
    Path tmp;

    private Path fio;

    @BeforeEach
    void copyFixture() throws IOException {
        fio = tmp.resolve("fio.json");
        try (InputStream in = getClass().getResourceAsStream("/imports/fio-two-jobs.jsonplus.json")) {
            Files.copy(in, fio);
        }
    }

    private Path spec(String name, String p90) throws IOException {
        Path s = tmp.resolve(name);
        Files.writeString(
                s,
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: imported-fio",
                        "requirements:",
                        "  - id: restart-read",
                        "    probe: fs.read",
                        "    expect:",
                        "      latency: {p90: \"" + p90 + "\"}",
                        ""),
                StandardCharsets.UTF_8);
        return s;
    }

    @Test
    void shouldImportFioAndCertifyItPassingALenientAndFailingAStrictSpec() throws Exception {
        Path result = tmp.resolve("fio.result.json");
        CliRunner imp = CliRunner.run(
                "import",
                "fio",
                fio.toString(),
                "--out",
                result.toString(),
                "--map",
                "randread=restart-read",
                "--hostname",
                "node-7");
        assertEquals(0, imp.code(), imp.err());
        assertTrue(
                imp.err()
                        .contains("  randread.read -> id restart-read: fs.read latency,throughput,iops"
                                + " (approximate: whole-run-only)\n"),
                imp.err());
        assertTrue(imp.err().contains("  seqwrite.write -> id seqwrite: fs.write"), imp.err());
        assertTrue(imp.err().contains("  note: skipped 1 line of text before the JSON document"), imp.err());

        Result r = ResultCodec.read(result);
        assertEquals("node-7", r.node().hostname());
        Measurement latency = r.measurements().stream()
                .filter(m -> m.id().equals("restart-read") && m.metric().equals("latency"))
                .findFirst()
                .orElseThrow();
        assertEquals(4891, latency.samples(), "fio's total_ios for the randread job");

        CliRunner pass = CliRunner.run(
                "certify", "--spec", spec("lenient.yaml", "<= 100 ms").toString(), result.toString());
        assertEquals(0, pass.code(), pass.out() + pass.err());
        assertTrue(pass.out().contains("ELIGIBLE"), pass.out());

        CliRunner fail = CliRunner.run(
                "certify", "--spec", spec("strict.yaml", "<= 1 us").toString(), result.toString());
        assertEquals(1, fail.code(), fail.out() + fail.err());
        assertTrue(fail.out().contains("NOT_ELIGIBLE"), fail.out());
    }

    @Test
    void shouldRefuseToOverwriteAnExistingResult() throws IOException {
        Path result = tmp.resolve("taken.json");
        Files.writeString(result, "mine");
        CliRunner r = CliRunner.run("import", "fio", fio.toString(), "--out", result.toString());
        assertEquals(2, r.code());
        assertEquals("iocert: --out " + result + " already exists; iocert does not overwrite results\n", r.err());
        assertEquals("mine", Files.readString(result));
    }

    @Test
    void shouldRefuseDamagedInputAndBadMappingsWithExit2() throws IOException {
        Path broken = tmp.resolve("broken.json");
        Files.write(broken, java.util.Arrays.copyOf(Files.readAllBytes(fio), 2000));
        Path out = tmp.resolve("out.json");
        CliRunner damaged = CliRunner.run("import", "fio", broken.toString(), "--out", out.toString());
        assertEquals(2, damaged.code());
        assertTrue(damaged.err().startsWith("iocert: " + broken + ": the JSON ends early at line "), damaged.err());
        assertTrue(damaged.noStackTrace());
        assertFalse(Files.exists(out));

        CliRunner id = CliRunner.run("import", "fio", fio.toString(), "--out", out.toString(), "--id", "r");
        assertEquals(2, id.code());
        assertTrue(
                id.err().startsWith("iocert: --id needs an input with one measurement set, this one has 2:"), id.err());

        CliRunner map = CliRunner.run("import", "fio", fio.toString(), "--out", out.toString(), "--map", "randread");
        assertEquals(2, map.code());
        assertTrue(map.err().startsWith("iocert: --map 'randread' is not KEY=REQ"), map.err());

        CliRunner tool = CliRunner.run("import", "dd", fio.toString(), "--out", out.toString());
        assertEquals(2, tool.code());
        assertTrue(
                tool.err().startsWith("iocert: 'dd' is not a tool iocert imports; expected fio, iperf3 or osu"),
                tool.err());

        CliRunner missing =
                CliRunner.run("import", "iperf3", tmp.resolve("none.json").toString(), "--out", out.toString());
        assertEquals(2, missing.code());
        assertEquals("iocert: " + tmp.resolve("none.json") + ": no such file\n", missing.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldDescribeTheIdMappingInItsHelp() {
        CliRunner r = CliRunner.run("import", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("usage: iocert import fio|iperf3|osu FILE --out RESULT"), r.out());
        assertTrue(r.out().contains("--map <KEY=REQ>"), r.out());
    }
}
