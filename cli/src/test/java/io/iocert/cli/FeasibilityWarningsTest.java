package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.runner.ProbeRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iocert run} warns of statistics the budget cannot settle, and changes no verdict for it. */
class FeasibilityWarningsTest {

    @TempDir
    Path tmp;

    @Test
    void shouldWarnBeforeProbingAndAfterAFirstRoundWithoutChangingTheVerdict() throws IOException {
        // few-intervals: 2 s of 100 ms intervals cannot bound a p10 (36 needed), known from the spec.
        // deep-tail: closed-loop 1 MiB writes for 200 ms a round; only the first round shows that four
        // of them come nowhere near the 36,887 operations a p99.99 needs.
        Path spec = Files.writeString(tmp.resolve("spec.yaml"), """
                iocert: v1
                name: feasibility
                budget: 1s
                requirements:
                  - id: few-intervals
                    probe: fs.write
                    budget: 2s
                    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 8MiB, duration: 10s, interval: 100ms,
                               direct: auto}
                    expect:
                      throughput: {p10: ">= 1 B/s"}
                  - id: deep-tail
                    probe: fs.write
                    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 8MiB, duration: 200ms, direct: auto}
                    expect:
                      latency: {p99.99: "<= 10 s"}
                """);
        Path out = tmp.resolve("out");
        CliRunner r = CliRunner.run(
                "run",
                "--spec",
                spec.toString(),
                "--fs-path",
                Files.createDirectories(tmp.resolve("fs")).toString(),
                "--out",
                out.toString());

        String before = "requirement 'few-intervals' p10 of throughput >= 1 B/s: needs at least 36 intervals at 95%"
                + " confidence to be bounded at all (more when values cluster in time or probing takes several rounds);"
                + " budget 2 s at interval 100 ms gives at most 20; fix: raise budget to 3.6 s, or shorten interval to"
                + " 55 ms, or ask for p25";
        String after = "requirement 'deep-tail' p99.99 of latency <= 10 s: needs at least 36,887 operations at 95%"
                + " confidence to be bounded at all (more when values cluster in time or probing takes several rounds);"
                + " the first round measured ";
        int staticAt = r.err().indexOf("iocert: warning: " + before + "\n");
        int observedAt = r.err().indexOf("iocert: warning: " + after);
        assertTrue(staticAt >= 0, r.err());
        assertTrue(observedAt > staticAt, r.err());
        assertTrue(r.err().indexOf("iocert: wrote ") > observedAt, r.err());
        assertEquals(2, r.err().split("iocert: warning: ", -1).length - 1, r.err());
        assertTrue(r.noStackTrace(), r.err());

        // Neither statistic can pass: both inconclusive, and the exit code says so as always.
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals("INCONCLUSIVE", report.get("verdict").asText(), r.out());
        assertEquals(3, r.code());
        JsonNode again = new ObjectMapper()
                .readTree(CliRunner.run(
                                "certify",
                                "--spec",
                                spec.toString(),
                                out.resolve("result.json").toString(),
                                "--format",
                                "json")
                        .out());
        assertEquals(report.get("requirements"), again.get("requirements"));

        // The warnings travel with the measurements they concern.
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        for (JsonNode m : result.get("measurements")) {
            String id = m.get("id").asText();
            String metric = m.get("metric").asText();
            JsonNode note = m.at("/context/" + ProbeRunner.FEASIBILITY);
            if (id.equals("few-intervals") && metric.equals("throughput")) {
                assertEquals(before, note.asText());
            } else if (id.equals("deep-tail") && metric.equals("latency")) {
                assertTrue(note.asText().startsWith(after), note.asText());
            } else {
                assertFalse(m.at("/context").has(ProbeRunner.FEASIBILITY), id + " " + metric);
            }
        }
    }
}
