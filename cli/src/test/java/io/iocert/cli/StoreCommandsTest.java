package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.NodeIdentity;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run/certify/import --store, history, drift and certify --instance-type, end to end through {@link Main#run}. */
class StoreCommandsTest {
    static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    static final String SPEC = String.join(
            "\n",
            "iocert: v1",
            "name: ocean-checkpoint",
            "confidence: 0.95",
            "budget: 10s",
            "requirements:",
            "  - id: restart-read",
            "    probe: fs.read",
            "    expect:",
            "      latency: {p99: \"<= 2 ms\"}",
            "  - id: checkpoint-write",
            "    probe: fs.write",
            "    expect:",
            "      throughput: {p10: \">= 400 MB/s\"}",
            "");

    @TempDir
    Path tmp;

    Path spec;
    Path store;

    @BeforeEach
    void files() throws IOException {
        spec = tmp.resolve("ocean.yaml");
        Files.writeString(spec, SPEC, StandardCharsets.UTF_8);
        store = tmp.resolve("history.db");
    }

    /** A result whose read latencies are log-normal around {@code medianNs} (p99 about 2.3 times that). */
    static Result result(String host, String type, Instant at, double medianNs, long seed) throws Exception {
        Random rnd = new Random(seed);
        Histogram h = new Histogram(3);
        for (int i = 0; i < 20_000; i++) {
            h.recordValue((long) (medianNs * Math.exp(0.36 * rnd.nextGaussian())));
        }
        List<Double> tp = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            tp.add(600e6 * (1 + 0.05 * rnd.nextGaussian()));
        }
        Map<String, Object> node = new TreeMap<>();
        node.put(NodeIdentity.HOSTNAME, host);
        if (type != null) {
            node.put("cloudInstanceType", type);
        }
        Spec s = SpecLoader.parse(SPEC, "ocean.yaml");
        return new Result(
                Result.FORMAT,
                "test",
                new NodeIdentity(node),
                s.name(),
                s.sha256(),
                at,
                at.plusSeconds(30),
                List.of(
                        new Measurement(
                                "restart-read",
                                "fs.read",
                                "latency",
                                "ns",
                                Map.of(),
                                h.getTotalCount(),
                                null,
                                h,
                                null,
                                Map.of(),
                                null),
                        new Measurement(
                                "checkpoint-write",
                                "fs.write",
                                "throughput",
                                "B/s",
                                Map.of(),
                                tp.size(),
                                null,
                                null,
                                new IntervalSeries(1_000_000_000L, tp),
                                Map.of(),
                                null)));
    }

    Path write(String name, Result r) throws IOException {
        Path f = tmp.resolve(name);
        Files.write(f, ResultCodec.toJson(r));
        return f;
    }

    @Test
    void shouldRecordCertificationsAndListThemAsHistory() throws Exception {
        for (int day = 0; day < 4; day++) {
            Path f = write(
                    "node17-" + day + ".result.json",
                    result("node17", "m7i.large", T0.plusSeconds(86_400L * day), day < 3 ? 700_000 : 1_200_000, day));
            CliRunner c =
                    CliRunner.run("certify", "--spec", spec.toString(), "--store", store.toString(), f.toString());
            assertEquals(day < 3 ? 0 : 1, c.code(), c.err());
            assertTrue(c.err().contains("recorded result"), c.err());
        }
        CliRunner h =
                CliRunner.run("history", "--store", store.toString(), "--node", "node17", "--spec", "ocean-checkpoint");
        assertEquals(0, h.code(), h.err());
        List<String> lines = h.out().lines().toList();
        assertEquals(2 + 4, lines.size(), h.out());
        assertTrue(lines.get(2).startsWith("2026-11-01T10:00:00Z"), lines.get(2));
        assertTrue(lines.get(2).contains("ELIGIBLE") && lines.get(5).contains("NOT_ELIGIBLE"), h.out());

        CliRunner json = CliRunner.run(
                "history",
                "--store",
                store.toString(),
                "--instance-type",
                "m7i.large",
                "--spec",
                spec.toString(),
                "--format",
                "json");
        assertEquals(0, json.code(), json.err());
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertEquals("iocert-history/1", doc.get("format").asText());
        assertEquals(4, doc.get("certifications").size());
        assertEquals(
                "NOT_ELIGIBLE", doc.get("certifications").get(3).get("verdict").asText());
        assertEquals(
                1,
                doc.get("certifications").get(3).get("requirements").get("FAIL").asInt());

        CliRunner csv = CliRunner.run(
                "history",
                "--store",
                store.toString(),
                "--node",
                "node17",
                "--spec",
                "ocean-checkpoint",
                "--format",
                "csv");
        assertEquals(0, csv.code(), csv.err());
        assertEquals(5, csv.out().lines().count());
        assertTrue(csv.out().startsWith("started_at,certified_at,hostname"), csv.out());
    }

    @Test
    void shouldRecordAnImportedResultWithoutAVerdict() throws Exception {
        Path fio = tmp.resolve("fio.json");
        try (InputStream in = getClass().getResourceAsStream("/imports/fio-two-jobs.jsonplus.json")) {
            Files.copy(in, fio);
        }
        CliRunner imp = CliRunner.run(
                "import",
                "fio",
                fio.toString(),
                "--out",
                tmp.resolve("fio.result.json").toString(),
                "--hostname",
                "node9",
                "--store",
                store.toString());
        assertEquals(0, imp.code(), imp.err());
        assertTrue(imp.err().contains("recorded result"), imp.err());
        // Stored, but never certified: history has nothing to list yet, and says so.
        CliRunner h = CliRunner.run("history", "--store", store.toString(), "--node", "node9", "--spec", "x");
        assertEquals(2, h.code());
        assertTrue(h.err().contains("no certification of node node9"), h.err());
    }

    @Test
    void shouldRefuseAFileThatIsNotAStoreWithExit2AndLeaveItUnchanged() throws Exception {
        Path notes = tmp.resolve("notes.db");
        Files.writeString(notes, "not a database\n".repeat(100));
        Path f = write("r.result.json", result("node17", null, T0, 700_000, 1));
        CliRunner c = CliRunner.run("certify", "--spec", spec.toString(), "--store", notes.toString(), f.toString());
        assertEquals(2, c.code(), c.err());
        assertTrue(c.err().contains("not an iocert store"), c.err());
        assertTrue(c.noStackTrace(), c.err());
        assertEquals("not a database\n".repeat(100), Files.readString(notes));

        CliRunner missing =
                CliRunner.run("history", "--store", tmp.resolve("none.db").toString(), "--node", "n", "--spec", "s");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no such store"), missing.err());
        assertTrue(!Files.exists(tmp.resolve("none.db")), "a reader does not create a store");

        CliRunner noNode = CliRunner.run("history", "--store", store.toString(), "--spec", "s");
        assertEquals(2, noNode.code());
        assertTrue(noNode.err().contains("--node HOST or --instance-type TYPE"), noNode.err());
    }

    @Test
    void shouldCertifyAnInstanceTypeOnlyWithEnoughInstances() throws Exception {
        for (int i = 0; i < 10; i++) {
            Path f = write("n" + i + ".result.json", result("node" + i, "m7i.large", T0.plusSeconds(i), 700_000, i));
            assertEquals(
                    0,
                    CliRunner.run("certify", "--spec", spec.toString(), "--store", store.toString(), f.toString())
                            .code());
        }
        CliRunner few = CliRunner.run(
                "certify", "--spec", spec.toString(), "--store", store.toString(), "--instance-type", "m7i.large");
        assertEquals(3, few.code(), few.out() + few.err());
        assertTrue(few.out().contains("19 more instances, all meeting the spec, would certify the type"), few.out());

        for (int i = 10; i < 29; i++) {
            Path f = write("n" + i + ".result.json", result("node" + i, "m7i.large", T0.plusSeconds(i), 700_000, i));
            assertEquals(
                    0,
                    CliRunner.run("certify", "--spec", spec.toString(), "--store", store.toString(), f.toString())
                            .code());
        }
        CliRunner enough = CliRunner.run(
                "certify",
                "--spec",
                spec.toString(),
                "--store",
                store.toString(),
                "--instance-type",
                "m7i.large",
                "--format",
                "json");
        assertEquals(0, enough.code(), enough.out() + enough.err());
        JsonNode doc = new ObjectMapper().readTree(enough.out());
        assertEquals("ELIGIBLE", doc.get("verdict").asText());
        assertEquals(29, doc.get("instances").asInt());
        assertTrue(doc.get("lowerBound").asDouble() >= 0.9);

        CliRunner unknown = CliRunner.run(
                "certify", "--spec", spec.toString(), "--store", store.toString(), "--instance-type", "c5.xlarge");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().contains("m7i.large"), unknown.err());
    }

    @Test
    void shouldReportDriftWithExit1AndASteadyHistoryWithExit0() throws Exception {
        for (int week = 0; week < 12; week++) {
            Path a = write(
                    "a" + week + ".result.json",
                    result(
                            "node17",
                            null,
                            T0.plusSeconds(604_800L * week),
                            week < 6 ? 700_000 : 1_200_000,
                            300 + week));
            Path b = write(
                    "b" + week + ".result.json",
                    result("node18", null, T0.plusSeconds(604_800L * week), 700_000, 400 + week));
            CliRunner c = CliRunner.run(
                    "certify", "--spec", spec.toString(), "--store", store.toString(), a.toString(), b.toString());
            assertTrue(c.code() == 0 || c.code() == 1, c.err());
        }
        CliRunner drift =
                CliRunner.run("drift", "--store", store.toString(), "--node", "node17", "--spec", "ocean-checkpoint");
        assertEquals(1, drift.code(), drift.out() + drift.err());
        assertTrue(drift.out().contains("CHANGE p99 restart-read latency on node17 rose from"), drift.out());
        assertTrue(drift.out().contains("between 2026-12-06 and 2026-12-13"), drift.out());

        CliRunner steady = CliRunner.run(
                "drift",
                "--store",
                store.toString(),
                "--node",
                "node18",
                "--spec",
                "ocean-checkpoint",
                "--format",
                "json");
        assertEquals(0, steady.code(), steady.out() + steady.err());
        JsonNode doc = new ObjectMapper().readTree(steady.out());
        assertEquals("iocert-drift/1", doc.get("format").asText());
        assertEquals(2, doc.get("series").size());
        assertEquals(0, doc.get("series").get(0).get("changes").size());

        CliRunner better = CliRunner.run(
                "drift",
                "--store",
                store.toString(),
                "--node",
                "node17",
                "--spec",
                "ocean-checkpoint",
                "--worse-only",
                "--format",
                "csv",
                "--statistic",
                "p99");
        assertEquals(1, better.code(), better.err());
        assertEquals(2, better.out().lines().count(), better.out());

        CliRunner bad = CliRunner.run(
                "drift",
                "--store",
                store.toString(),
                "--node",
                "node17",
                "--spec",
                "ocean-checkpoint",
                "--false-alarm",
                "5%");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--false-alarm '5%'"), bad.err());
        assertTrue(bad.noStackTrace(), bad.err());
    }

    @Test
    void shouldRecordARealRunWithItsCertificateAndRefuseABadStoreBeforeProbing() throws Exception {
        Path small = tmp.resolve("small.yaml");
        Files.writeString(
                small,
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: store-run",
                        "budget: 5s",
                        "requirements:",
                        "  - id: small-write",
                        "    probe: fs.write",
                        "    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 8MiB, duration: 1s, interval: 10ms,"
                                + " direct: auto}",
                        "    expect:",
                        "      throughput: {p50: \">= 1 B/s\"}",
                        ""));
        assertEquals(
                0,
                CliRunner.run("keygen", "--out", tmp.resolve("ops").toString()).code());
        Path fs = Files.createDirectories(tmp.resolve("fs"));
        CliRunner run = CliRunner.run(
                "run",
                "--spec",
                small.toString(),
                "--fs-path",
                fs.toString(),
                "--out",
                tmp.resolve("out").toString(),
                "--sign",
                tmp.resolve("ops.key").toString(),
                "--store",
                store.toString());
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.err().contains("recorded result"), run.err());
        String host = new ObjectMapper()
                .readTree(tmp.resolve("out/result.json").toFile())
                .get("node")
                .get("hostname")
                .asText();
        CliRunner h = CliRunner.run(
                "history", "--store", store.toString(), "--node", host, "--spec", small.toString(), "--format", "json");
        assertEquals(0, h.code(), h.err());
        JsonNode entry =
                new ObjectMapper().readTree(h.out()).get("certifications").get(0);
        assertEquals("ELIGIBLE", entry.get("verdict").asText());
        assertEquals("run", entry.get("source").asText());
        assertTrue(entry.get("signed").asBoolean());
        // The stored result is the file the run wrote, byte for byte: its id is the file's SHA-256.
        assertEquals(
                io.iocert.certifier.cert.Certificates.sha256(Files.readAllBytes(tmp.resolve("out/result.json"))),
                entry.get("resultId").asText());

        Path notes = tmp.resolve("notes.txt");
        Files.writeString(notes, "my notes");
        long started = System.nanoTime();
        CliRunner bad = CliRunner.run(
                "run",
                "--spec",
                small.toString(),
                "--fs-path",
                fs.toString(),
                "--out",
                tmp.resolve("out2").toString(),
                "--store",
                notes.toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("not an iocert store"), bad.err());
        assertTrue(!Files.exists(tmp.resolve("out2/result.json")), "refused before probing");
        assertTrue(System.nanoTime() - started < 5_000_000_000L);
    }

    @Test
    void shouldPublishTheStoreAndRefuseADirectoryOfOtherFiles() throws Exception {
        for (int day = 0; day < 3; day++) {
            Path f = write(
                    "p" + day + ".result.json",
                    result("node17", "m7i.large", T0.plusSeconds(86_400L * day), 700_000, day));
            assertEquals(
                    0,
                    CliRunner.run("certify", "--spec", spec.toString(), "--store", store.toString(), f.toString())
                            .code());
        }
        Path site = tmp.resolve("site");
        CliRunner p = CliRunner.run("publish", "--store", store.toString(), "--out", site.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.err().contains("published 1 nodes, 3 certifications"), p.err());
        assertTrue(Files.readString(site.resolve("index.html")).contains("data-node=\"node17\""));
        // Publishing again refreshes the same catalogue.
        assertEquals(
                0,
                CliRunner.run("publish", "--store", store.toString(), "--out", site.toString())
                        .code());

        Path mine = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(mine.resolve("thesis.tex"), "keep me");
        CliRunner refused = CliRunner.run("publish", "--store", store.toString(), "--out", mine.toString());
        assertEquals(2, refused.code());
        assertTrue(refused.err().contains("not an iocert catalogue"), refused.err());
        try (Stream<Path> left = Files.list(mine)) {
            assertEquals(
                    List.of("thesis.tex"),
                    left.map(x -> x.getFileName().toString()).toList());
        }
    }
}
