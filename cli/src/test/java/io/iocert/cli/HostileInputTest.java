package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a hostile host name, spec name or flag value does to the command line (issue #16): no
 * label or line of its own in an export, no raw terminal escape in what iocert prints, exit 2
 * for bad input.
 */
class HostileInputTest {
    private static final String ESC = "\u001b";
    private static final String BEL = "\u0007";

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

    private Path spec(String name) throws IOException {
        return Files.writeString(
                tmp.resolve("spec-" + Math.abs(name.hashCode()) + ".yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: \""
                                + name.replace(ESC, "\\e").replace(BEL, "\\a").replace("\n", "\\n") + "\"",
                        "requirements:",
                        "  - id: restart-read",
                        "    probe: fs.read",
                        "    expect:",
                        "      latency: {p90: \"<= 100 ms\"}",
                        ""),
                StandardCharsets.UTF_8);
    }

    /** An imported result whose node.hostname is {@code host}. */
    private Path result(String host) {
        Path out = tmp.resolve("result-" + Math.abs(host.hashCode()) + ".json");
        CliRunner imp = CliRunner.run(
                "import",
                "fio",
                fio.toString(),
                "--out",
                out.toString(),
                "--map",
                "randread=restart-read",
                "--hostname",
                host);
        assertEquals(0, imp.code(), imp.err());
        return out;
    }

    private static boolean raw(String s) {
        return s.contains(ESC) || s.contains(BEL) || s.contains("\r");
    }

    @Test
    void shouldNotLetAHostnameAddNfdLabels() throws Exception {
        Path report = tmp.resolve("report.json");
        CliRunner certify = CliRunner.run(
                "certify",
                "--spec",
                spec("ocean").toString(),
                result("cn1\niocert.io/gpu=true\nfeature-x").toString(),
                "--format",
                "json",
                "--out",
                report.toString());
        assertEquals(0, certify.code(), certify.err());

        for (String to : new String[] {"nfd", "slurm", "prometheus"}) {
            CliRunner export = CliRunner.run("export", "--to", to, report.toString(), "--expires-in", "7d");
            if (!to.equals("nfd")) {
                export = CliRunner.run("export", "--to", to, report.toString());
            }
            assertEquals(2, export.code(), to + ": " + export.err());
            assertEquals("", export.out(), "nothing exported");
            assertEquals(
                    "iocert: " + report + ": node.hostname: \"cn1\\niocert.io/gpu=true\\nfeature-x\" holds an"
                            + " unprintable character (U+000A) at position 4; names in exported files must be printable (no"
                            + " control, format or line-separator characters)\n",
                    export.err(),
                    to);
        }
    }

    @Test
    void shouldEscapeTerminalControlsInTheTextReportSpecValidateAndErrors() throws Exception {
        String host = "evil" + ESC + "]0;pwned" + BEL + "\rnode";
        Path spec = spec("ocean" + ESC + "[2J");
        CliRunner text =
                CliRunner.run("certify", "--spec", spec.toString(), result(host).toString());
        assertEquals(0, text.code(), text.err());
        assertFalse(raw(text.out() + text.err()), text.out());
        assertTrue(text.out().contains("spec 'ocean\\x1B[2J'"), text.out());
        assertTrue(text.out().contains(" on evil\\x1B]0;pwned\\x07\\rnode"), text.out());

        CliRunner validate = CliRunner.run("spec", "validate", spec.toString());
        assertEquals(0, validate.code(), validate.err());
        assertFalse(raw(validate.out() + validate.err()), validate.out());
        assertTrue(validate.out().contains(": OK (spec 'ocean\\x1B[2J', 1 requirements)"), validate.out());

        CliRunner export = CliRunner.run("export", "--to", "slurm", "--withdraw", "cn1", "--spec", spec.toString());
        assertEquals(2, export.code(), export.err());
        assertFalse(raw(export.out() + export.err()), export.err());
        assertTrue(export.err().contains("\\x1B[2J"), export.err());

        CliRunner unknown = CliRunner.run("frobnicate" + ESC + "[31m");
        assertEquals(2, unknown.code());
        assertFalse(raw(unknown.err()), unknown.err());
    }

    @Test
    void shouldGiveExit2ForDurationsThatRoundToNothingAndForAnExistingOut() throws Exception {
        CliRunner serve = CliRunner.run("serve", "--handshake-timeout", "0.1ns");
        assertEquals(2, serve.code(), serve.err());
        assertEquals("iocert: --handshake-timeout '0.1ns' must be at least 1 ns (it rounds to 0 ns)\n", serve.err());

        CliRunner run = CliRunner.run("run", "--budget", "0.4ns", "--fs-path", tmp.toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().startsWith("iocert: --budget '0.4ns' must be at least 1 ns"), run.err());

        Path budget = Files.writeString(
                tmp.resolve("tiny.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: tiny",
                        "budget: 0.2ns",
                        "requirements:",
                        "  - id: r",
                        "    probe: net.pingpong",
                        "    expect: {rtt: {p50: \"<= 1 ms\"}}",
                        ""));
        CliRunner validate = CliRunner.run("spec", "validate", budget.toString());
        assertEquals(2, validate.code(), validate.out());
        assertTrue(validate.err().contains("budget: '0.2ns' rounds to 0 ns; expected a duration"), validate.err());

        Path existing = Files.writeString(tmp.resolve("report.txt"), "mine");
        CliRunner certify = CliRunner.run(
                "certify", "--spec", spec("ocean").toString(), result("cn1").toString(), "--out", existing.toString());
        assertEquals(2, certify.code(), certify.err());
        assertEquals(
                "iocert: " + existing + " already exists; iocert does not overwrite files (choose another path or"
                        + " remove it)\n",
                certify.err());
        assertEquals("mine", Files.readString(existing));
    }

    @Test
    void shouldRefuseAMeasurementInAnotherUnitThanItsMetric() throws Exception {
        Path r = result("cn1");
        Files.writeString(r, Files.readString(r).replace("\"unit\": \"ns\"", "\"unit\": \"parsecs\""));
        CliRunner certify = CliRunner.run("certify", "--spec", spec("ocean").toString(), r.toString());
        assertEquals(2, certify.code(), certify.out() + certify.err());
        assertTrue(
                certify.err()
                        .matches("iocert: .*: measurements\\[[0-9]+\\]\\.unit is 'parsecs'; expected 'ns',"
                                + " the unit every latency value is written in\n"),
                certify.err());
        assertTrue(certify.noStackTrace());
    }
}
