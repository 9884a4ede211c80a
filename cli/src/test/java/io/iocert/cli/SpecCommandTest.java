package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecCommandTest {

    @TempDir
    Path tmp;

    @Test
    void shouldWarnOfAP10ThatTwoSecondsOfIntervalsCannotBoundAndStillExit0() throws IOException {
        Path spec = Files.writeString(tmp.resolve("short.yaml"), """
                iocert: v1
                name: short
                budget: 2s
                requirements:
                  - id: seq-write
                    probe: fs.write
                    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 8MiB, interval: 100ms}
                    expect:
                      throughput: {p10: ">= 20 MB/s"}
                      latency: {p50: "<= 10 ms"}
                """);
        CliRunner r = CliRunner.run("spec", "validate", spec.toString());

        assertEquals(0, r.code(), r.err());
        assertEquals(spec + ": OK (spec 'short', 1 requirements)\n", r.out());
        assertEquals(
                spec + ": warning: requirement 'seq-write' p10 of throughput >= 20 MB/s: needs at least 36"
                        + " intervals at 95% confidence to be bounded at all (more when values cluster in time or probing takes"
                        + " several rounds); budget 2 s at interval 100 ms gives at most 20; fix: raise budget to 3.6 s, or"
                        + " shorten interval to 55 ms, or ask for p25\n",
                r.err());
    }

    @Test
    void shouldWarnThatAMaximumBelowABoundCanNeverPass() throws IOException {
        Path spec = Files.writeString(tmp.resolve("max.yaml"), """
                iocert: v1
                name: max
                requirements:
                  - id: quiet
                    probe: compute.jitter
                    workload: {interval: 1ms, threads: 1}
                    expect:
                      hiccup: {p99: "<= 5 ms", max: "<= 10 ms"}
                """);
        CliRunner r = CliRunner.run("spec", "validate", spec.toString());

        assertEquals(0, r.code(), r.err());
        assertEquals(
                spec + ": warning: requirement 'quiet' max of hiccup <= 10 ms: no sample bounds a maximum from above,"
                        + " so this can FAIL but never PASS; fix: ask for p99.9 instead\n",
                r.err());
    }

    @Test
    void shouldNotWarnAboutTheBundledDefaultSpec() throws IOException {
        Path spec = Files.writeString(tmp.resolve("default.yaml"), Inputs.bundledSpecText());
        CliRunner r = CliRunner.run("spec", "validate", spec.toString());

        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertEquals(spec + ": OK (spec 'default', 7 requirements)\n", r.out());
    }

    @Test
    void shouldSayInTheHelpThatWarningsAreNotErrors() {
        CliRunner r = CliRunner.run("spec", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("Exit codes: 0 valid (or written), also with warnings;"), r.out());
        assertTrue(r.out().contains("it is not an error"), r.out());
    }
}
