package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.results.Measurement;
import io.iocert.results.NodeIdentity;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iocert compare}, run in-process as {@link MainTest} runs the other commands. */
class CompareCommandTest {

    @TempDir
    Path tmp;

    private static Map<String, Object> workload(long blockSize) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("pattern", "random");
        w.put("blockSize", blockSize);
        w.put("threads", 1L);
        w.put("interval", 10_000_000L);
        return w;
    }

    /** A result file with one fs.read latency measurement: n exponential-ish values times {@code scale}. */
    private Path result(String name, String host, long seed, int n, double scale, long blockSize) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        Histogram h = new Histogram(3);
        for (int i = 0; i < n; i++) {
            h.recordValue(Math.round(scale * (100_000 - Math.log(rnd.nextDouble()) * 50_000)));
        }
        Measurement m = new Measurement(
                "restart-read", "fs.read", "latency", "ns", workload(blockSize), n, null, h, null, Map.of(), null);
        Result r = new Result(
                Result.FORMAT,
                "test",
                new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, host)),
                "s",
                "ab".repeat(32),
                Instant.EPOCH,
                Instant.EPOCH.plusSeconds(1),
                List.of(m));
        Path f = tmp.resolve(name);
        Files.write(f, ResultCodec.toJson(r));
        return f;
    }

    @Test
    void shouldExitByTheVerdictWithATolerance() throws IOException {
        Path ref = result("ref.json", "node-a", 1, 200_000, 1, 4096);
        Path same = result("same.json", "node-b", 2, 200_000, 1, 4096);
        Path slow = result("slow.json", "node-c", 3, 200_000, 1.4, 4096);
        Path few = result("few.json", "node-d", 4, 1_000, 1, 4096);

        CliRunner eq = CliRunner.run("compare", ref.toString(), same.toString(), "--tolerance", "10%");
        assertEquals(0, eq.code(), eq.err());
        assertTrue(
                eq.out().contains("restart-read latency: EQUIVALENT: every quantile ratio lies within [0.9, 1.1]"),
                eq.out());
        assertTrue(
                eq.out()
                        .contains(": compare " + same + " (node-b) with reference " + ref + " (node-a), 95% confidence,"
                                + " tolerance 10%\n"),
                eq.out());

        CliRunner worse = CliRunner.run("compare", ref.toString(), slow.toString(), "--tolerance", "0.1");
        assertEquals(1, worse.code(), worse.out());
        assertTrue(worse.out().contains("WORSE"), worse.out());

        CliRunner open = CliRunner.run("compare", ref.toString(), few.toString(), "--tolerance", "10%");
        assertEquals(3, open.code(), open.out());
        assertTrue(open.out().contains("needed on each side"), open.out());

        CliRunner noTolerance = CliRunner.run("compare", ref.toString(), slow.toString());
        assertEquals(0, noTolerance.code(), noTolerance.err());
        assertTrue(noTolerance.out().contains("no tolerance given"), noTolerance.out());
    }

    @Test
    void shouldWriteJsonToAFileAndNeverOverwriteIt() throws IOException {
        Path ref = result("ref.json", "node-a", 1, 20_000, 1, 4096);
        Path cand = result("cand.json", "node-b", 2, 20_000, 1.5, 4096);
        Path out = tmp.resolve("cmp.json");
        CliRunner r = CliRunner.run(
                "compare",
                ref.toString(),
                cand.toString(),
                "--tolerance",
                "10%",
                "--format",
                "json",
                "--out",
                out.toString(),
                "--confidence",
                "0.9");
        assertEquals(1, r.code(), r.err());
        assertEquals("", r.out());
        JsonNode doc = new ObjectMapper().readTree(out.toFile());
        assertEquals("iocert-compare/1", doc.get("format").asText());
        assertEquals(0.9, doc.get("confidence").asDouble());
        assertEquals("worse", doc.get("measurements").get(0).get("verdict").asText());
        assertEquals("node-b", doc.get("candidate").get("hostname").asText());

        String before = Files.readString(out);
        CliRunner again = CliRunner.run("compare", ref.toString(), cand.toString(), "--out", out.toString());
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already exists"), again.err());
        assertEquals(before, Files.readString(out));
    }

    @Test
    void shouldRefuseDifferentWorkloadsWithExit2AndNameTheKeys() throws IOException {
        Path ref = result("ref.json", "node-a", 1, 2_000, 1, 4096);
        Path cand = result("cand.json", "node-b", 2, 2_000, 1, 1 << 20);
        CliRunner r = CliRunner.run("compare", ref.toString(), cand.toString(), "--tolerance", "10%");
        assertEquals(2, r.code());
        assertTrue(
                r.err()
                        .startsWith("iocert: cannot compare " + cand + " with " + ref + ": measurements ran with"
                                + " different workloads"),
                r.err());
        assertTrue(
                r.err().contains("restart-read latency (fs.read): blockSize: 4KiB in " + ref + ", 1MiB in " + cand),
                r.err());
        assertEquals("", r.out());
        assertTrue(r.noStackTrace());
    }

    @Test
    void shouldRejectBadArgumentsWithExit2() throws IOException {
        Path ref = result("ref.json", "node-a", 1, 2_000, 1, 4096);
        CliRunner one = CliRunner.run("compare", ref.toString());
        assertEquals(2, one.code());
        assertTrue(one.err().contains("exactly two result files"), one.err());

        CliRunner bare = CliRunner.run("compare", ref.toString(), ref.toString(), "--tolerance", "10");
        assertEquals(2, bare.code());
        assertTrue(bare.err().contains("--tolerance '10' is out of range"), bare.err());

        CliRunner words = CliRunner.run("compare", ref.toString(), ref.toString(), "--tolerance", "ten");
        assertEquals(2, words.code());
        assertTrue(words.err().contains("--tolerance 'ten' is not a percentage"), words.err());

        CliRunner missing = CliRunner.run(
                "compare", ref.toString(), tmp.resolve("nope.json").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("nope.json: no such file"), missing.err());

        Path report = Files.writeString(tmp.resolve("report.json"), "{\"format\": \"iocert-report/1\"}");
        CliRunner wrong = CliRunner.run("compare", ref.toString(), report.toString());
        assertEquals(2, wrong.code());
        assertTrue(wrong.noStackTrace(), wrong.err());

        CliRunner format = CliRunner.run("compare", ref.toString(), ref.toString(), "--format", "xml");
        assertEquals(2, format.code());
        assertTrue(format.err().contains("--format 'xml'"), format.err());
    }
}
