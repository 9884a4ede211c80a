package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iocert coordinate} and {@code iocert join} in one process: a whole run, and the usage errors. */
class CoordinateCommandTest {
    @TempDir
    Path dir;

    private Path spec(String coordinated, String expect) throws Exception {
        return Files.writeString(
                dir.resolve("together.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: together",
                        "budget: 30s",
                        "requirements:",
                        "  - id: together",
                        "    probe: fs.write",
                        "    coordinated: " + coordinated,
                        "    workload: {pattern: sequential, blockSize: 64KiB, fileSize: 64MiB, duration: 6s, interval: 100ms}",
                        "    expect: {throughput: {" + expect + "}}",
                        "  - id: restart",
                        "    probe: fs.read",
                        "    coordinated: {scope: per-node}",
                        "    workload: {pattern: random, blockSize: 4KiB, fileSize: 8MiB, duration: 2s}",
                        "    expect: {latency: {p50: \"<= 1 s\"}}",
                        "  - id: alone",
                        "    probe: fs.fsync",
                        "    expect: {latency: {p50: \"<= 1 s\"}}",
                        ""));
    }

    private Path token() throws Exception {
        return Files.writeString(dir.resolve("token"), "a-token-for-this-test-only-0123456789");
    }

    @Test
    void shouldRunTwoParticipantsAndCertifyTheirAggregate() throws Exception {
        // The plumbing is under test here, not the rate of this machine's /tmp (CoordinatedGroundTruthIT checks rates).
        Path spec = spec("{nodes: 2, scope: aggregate}", "median: \">= 1 KB/s\"");
        Path token = token();
        Path fs = Files.createDirectories(dir.resolve("fs"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            // The participants start first, as srun often starts them: join retries until the coordinator listens.
            Future<CliRunner> a = pool.submit(() -> CliRunner.run(
                    "join",
                    "--coordinator",
                    "127.0.0.1:" + port,
                    "--token-file",
                    token.toString(),
                    "--name",
                    "a",
                    "--fs-path",
                    fs.toString(),
                    "--wait",
                    "60s"));
            Future<CliRunner> b = pool.submit(() -> CliRunner.run(
                    "join",
                    "--coordinator",
                    "127.0.0.1:" + port,
                    "--token-file",
                    token.toString(),
                    "--name",
                    "b",
                    "--fs-path",
                    fs.toString(),
                    "--wait",
                    "60s"));
            Thread.sleep(700);
            CliRunner c = CliRunner.run(
                    "coordinate",
                    "--spec",
                    spec.toString(),
                    "--participants",
                    "a,b",
                    "--port",
                    Integer.toString(port),
                    "--token-file",
                    token.toString(),
                    "--out",
                    dir.resolve("out").toString(),
                    "--format",
                    "json");
            CliRunner ra = a.get(60, TimeUnit.SECONDS);
            CliRunner rb = b.get(60, TimeUnit.SECONDS);

            assertEquals(0, c.code(), c.err() + c.out() + ra.err() + rb.err());
            assertEquals(0, ra.code(), ra.err());
            assertEquals(0, rb.code(), rb.err());
            assertTrue(c.err().contains("'alone' is not coordinated and is left out"), c.err());
            JsonNode report = new ObjectMapper().readTree(c.out());
            assertEquals(
                    2, report.get("requirements").size(), "only the coordinated requirements are judged: " + report);
            JsonNode v = report.at("/requirements/0");
            assertEquals("PASS", v.get("verdict").asText(), v.toString());
            assertEquals("aggregate", v.get("variant").asText());
            JsonNode read = report.at("/requirements/1");
            assertEquals("restart", read.get("id").asText());
            assertEquals(
                    "PASS",
                    read.get("verdict").asText(),
                    "fs.read prepares its file, then waits at the barrier: " + read);
            assertEquals("per-node", read.get("variant").asText());
            JsonNode result =
                    new ObjectMapper().readTree(dir.resolve("out/result.json").toFile());
            // Per requirement latency, throughput and iops: each an aggregate and one per node.
            assertEquals(18, result.get("measurements").size(), result.toString());
            long aggregateOps = 0;
            long nodeOps = 0;
            for (JsonNode m : result.get("measurements")) {
                if ("latency".equals(m.get("metric").asText())
                        && "together".equals(m.get("id").asText())) {
                    if ("aggregate".equals(m.at("/context/scope").asText())) {
                        aggregateOps += m.get("samples").asLong();
                    } else {
                        nodeOps += m.get("samples").asLong();
                    }
                }
            }
            assertTrue(aggregateOps > 0);
            assertEquals(nodeOps, aggregateOps, "the merged histogram holds every node's operations");
            assertTrue(Files.exists(dir.resolve("out/nodes/a.result.json")));
            assertTrue(Files.exists(dir.resolve("out/nodes/b.result.json")));
            try (var files = Files.list(fs)) {
                assertEquals(0, files.count(), "the participants cleaned up after themselves");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRunTheSharedLayoutsAndPlaceEachParticipant() throws Exception {
        // N-1 write and read, and metadata in one shared directory; the plumbing and the places, not this machine's
        // rates.
        Path spec = Files.writeString(
                dir.resolve("shared.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: shared",
                        "budget: 30s",
                        "requirements:",
                        "  - id: n1-write",
                        "    probe: fs.write",
                        "    coordinated: {nodes: 2, scope: aggregate, layout: shared-file}",
                        // 3 s of 100-ms intervals: a median needs 20 aligned ones at this confidence, and with
                        // 2 s a node starting late on a busy machine left the aggregate 19.
                        "    workload: {pattern: sequential, blockSize: 64KiB, fileSize: 16MiB, duration: 3s, interval: 100ms}",
                        "    expect: {throughput: {median: \">= 1 KB/s\"}}",
                        "  - id: n1-read",
                        "    probe: fs.read",
                        "    coordinated: {nodes: 2, scope: per-node, layout: shared-file}",
                        "    workload: {pattern: random, blockSize: 4KiB, fileSize: 4MiB, threads: 2, duration: 1s}",
                        "    expect: {latency: {p50: \"<= 1 s\"}}",
                        "  - id: md-create",
                        "    probe: fs.metadata",
                        "    coordinated: {nodes: 2, scope: aggregate, layout: shared-dir}",
                        "    workload: {operation: create, files: 300}",
                        "    expect: {latency: {p50: \"<= 1 s\"}}",
                        ""));
        Path token = token();
        Path fs = Files.createDirectories(dir.resolve("fs"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<CliRunner> a = pool.submit(() -> CliRunner.run(
                    "join",
                    "--coordinator",
                    "127.0.0.1:" + port,
                    "--token-file",
                    token.toString(),
                    "--name",
                    "a",
                    "--fs-path",
                    fs.toString(),
                    "--wait",
                    "60s"));
            Future<CliRunner> b = pool.submit(() -> CliRunner.run(
                    "join",
                    "--coordinator",
                    "127.0.0.1:" + port,
                    "--token-file",
                    token.toString(),
                    "--name",
                    "b",
                    "--fs-path",
                    fs.toString(),
                    "--wait",
                    "60s"));
            CliRunner c = CliRunner.run(
                    "coordinate",
                    "--spec",
                    spec.toString(),
                    "--participants",
                    "b,a",
                    "--port",
                    Integer.toString(port),
                    "--token-file",
                    token.toString(),
                    "--out",
                    dir.resolve("out").toString(),
                    "--format",
                    "json");
            CliRunner ra = a.get(60, TimeUnit.SECONDS);
            CliRunner rb = b.get(60, TimeUnit.SECONDS);

            assertEquals(0, c.code(), c.err() + c.out() + ra.err() + rb.err());
            JsonNode report = new ObjectMapper().readTree(c.out());
            for (JsonNode v : report.get("requirements")) {
                assertEquals("PASS", v.get("verdict").asText(), v.toString());
            }
            JsonNode result =
                    new ObjectMapper().readTree(dir.resolve("out/result.json").toFile());
            long mdNodes = 0;
            long mdAggregate = -1;
            int placed = 0;
            for (JsonNode m : result.get("measurements")) {
                JsonNode ctx = m.get("context");
                if (!"node".equals(ctx.path("scope").asText())) {
                    if ("md-create".equals(m.get("id").asText())
                            && "latency".equals(m.get("metric").asText())) {
                        mdAggregate = m.get("samples").asLong();
                    }
                    continue;
                }
                // The coordinator numbers the participants in the order --participants gives: b is 0, a is 1.
                int index = "b".equals(ctx.get("node").asText()) ? 0 : 1;
                assertEquals(index + " of 2", ctx.path("participant").asText(), m.toString());
                switch (m.get("id").asText()) {
                    case "n1-write" -> {
                        assertEquals("shared-file", ctx.get("layout").asText());
                        assertEquals(
                                Long.toString(index * (16L << 20)),
                                ctx.get("regionOffset").asText());
                    }
                    case "n1-read" ->
                        assertEquals(
                                Long.toString(index * 2 * (4L << 20)),
                                ctx.get("regionOffset").asText(),
                                "two threads a node: regions 2 and 3 are a's");
                    default -> {
                        assertEquals("shared-dir", ctx.get("layout").asText());
                        if ("latency".equals(m.get("metric").asText())) {
                            assertEquals(300, m.get("samples").asLong(), "each node created its 300 files");
                            mdNodes += m.get("samples").asLong();
                        }
                    }
                }
                placed++;
            }
            assertEquals(16, placed, "n1-write and n1-read: 3 metrics each, md-create: 2, for each of 2 nodes");
            assertEquals(600, mdNodes);
            assertEquals(mdNodes, mdAggregate, "the merged histogram holds every node's creates");
            try (var files = Files.list(fs)) {
                assertEquals(0, files.count(), "the last to leave removed the shared file and directory");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldNameAParticipantThatCannotRunItsAssignment() throws Exception {
        Path spec = spec("{nodes: 2, scope: aggregate}", "median: \">= 1 KB/s\"");
        Path token = token();
        Path fs = Files.createDirectories(dir.resolve("fs"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<CliRunner> a = pool.submit(() -> CliRunner.run(
                    "join",
                    "--coordinator",
                    "127.0.0.1:" + port,
                    "--token-file",
                    token.toString(),
                    "--name",
                    "a",
                    "--fs-path",
                    fs.toString(),
                    "--wait",
                    "60s"));
            Future<CliRunner> b = pool.submit(() -> CliRunner.run(
                    "join",
                    "--coordinator",
                    "127.0.0.1:" + port,
                    "--token-file",
                    token.toString(),
                    "--name",
                    "b",
                    "--fs-path",
                    dir.resolve("missing").toString(),
                    "--wait",
                    "60s"));
            CliRunner c = CliRunner.run(
                    "coordinate",
                    "--spec",
                    spec.toString(),
                    "--participants",
                    "a,b",
                    "--port",
                    Integer.toString(port),
                    "--token-file",
                    token.toString(),
                    "--out",
                    dir.resolve("out").toString(),
                    "--format",
                    "json");
            CliRunner rb = b.get(60, TimeUnit.SECONDS);
            CliRunner ra = a.get(60, TimeUnit.SECONDS);

            assertEquals(4, c.code(), c.err() + c.out());
            assertEquals(0, ra.code(), ra.err());
            assertEquals(2, rb.code(), rb.err());
            assertTrue(rb.noStackTrace(), rb.err());
            JsonNode v = new ObjectMapper().readTree(c.out()).at("/requirements/0");
            assertEquals("ERROR", v.get("verdict").asText(), v.toString());
            String reason = v.get("reason").asText();
            assertTrue(
                    reason.contains("participant b (")
                            && reason.contains("it gave up: b cannot run the assignment")
                            && reason.contains("missing"),
                    reason);
            assertTrue(Files.exists(dir.resolve("out/nodes/a.result.json")), "a's measurements are kept");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRunNetProbesBetweenPartnersAndOneRequirementDuringAnother() throws Exception {
        // Three participants, each serving its partners; a ring stream and, from the same start, an all-to-all
        // ping-pong.
        // The plumbing is under test (who measures against whom, merging, concurrency); NetFabricGroundTruthIT checks
        // rates.
        Path spec = Files.writeString(
                dir.resolve("fabric.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: fabric",
                        "budget: 20s",
                        "requirements:",
                        "  - id: bulk",
                        "    probe: net.stream",
                        "    coordinated: {nodes: 3, scope: aggregate, pattern: ring}",
                        "    workload: {bufferSize: 64KiB, duration: 2s, warmup: 300ms, interval: 200ms}",
                        "    expect: {throughput: {median: \">= 1 KB/s\"}}",
                        "  - id: halo",
                        "    probe: net.pingpong",
                        "    coordinated: {nodes: 3, scope: per-node, pattern: all-to-all, concurrentWith: bulk}",
                        "    workload: {messageSize: 1KiB, duration: 1s, warmup: 500ms}",
                        "    expect: {rtt: {p50: \"<= 1 s\"}}",
                        ""));
        Path token = token();
        Path fs = Files.createDirectories(dir.resolve("fs"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<CliRunner>> joins = new java.util.ArrayList<>();
            for (String n : List.of("a", "b", "c")) {
                joins.add(pool.submit(() -> CliRunner.run(
                        "join",
                        "--coordinator",
                        "127.0.0.1:" + port,
                        "--token-file",
                        token.toString(),
                        "--name",
                        n,
                        "--fs-path",
                        fs.toString(),
                        "--wait",
                        "60s")));
            }
            assertEquals(
                    0,
                    CliRunner.run("keygen", "--out", dir.resolve("ops").toString())
                            .code());
            Path store = dir.resolve("history.db");
            CliRunner c = CliRunner.run(
                    "coordinate",
                    "--spec",
                    spec.toString(),
                    "--participants",
                    "a,b,c",
                    "--port",
                    Integer.toString(port),
                    "--token-file",
                    token.toString(),
                    "--out",
                    dir.resolve("out").toString(),
                    "--format",
                    "json",
                    "--sign",
                    dir.resolve("ops.key").toString(),
                    "--store",
                    store.toString());
            StringBuilder logs = new StringBuilder();
            for (Future<CliRunner> j : joins) {
                CliRunner r = j.get(60, TimeUnit.SECONDS);
                logs.append(r.err());
                assertEquals(0, r.code(), r.err());
                assertTrue(r.err().contains("serving partners on 127.0.0.1:"), r.err());
            }
            assertEquals(0, c.code(), c.err() + c.out() + logs);
            assertTrue(c.err().contains("'bulk' and 'halo': 3 participants ready; start at"), c.err());
            for (JsonNode v : new ObjectMapper().readTree(c.out()).get("requirements")) {
                assertEquals("PASS", v.get("verdict").asText(), v.toString());
            }
            JsonNode result =
                    new ObjectMapper().readTree(dir.resolve("out/result.json").toFile());
            Map<String, List<JsonNode>> byScope = new java.util.TreeMap<>();
            JsonNode bulk = null;
            long haloAggregate = 0;
            long haloPairs = 0;
            for (JsonNode m : result.get("measurements")) {
                String scope = m.at("/context/scope").asText();
                byScope.computeIfAbsent(m.get("id").asText() + "/" + scope, k -> new java.util.ArrayList<>())
                        .add(m);
                if (m.get("id").asText().equals("bulk") && scope.equals("aggregate")) {
                    bulk = m;
                }
                if (m.get("id").asText().equals("halo")) {
                    haloAggregate +=
                            scope.equals("aggregate") ? m.get("samples").asLong() : 0;
                    haloPairs += scope.equals("pair") ? m.get("samples").asLong() : 0;
                }
            }
            assertEquals(3, byScope.get("bulk/pair").size(), "ring: one pair a node");
            assertEquals(6, byScope.get("halo/pair").size(), "all-to-all: two pairs a node");
            assertEquals(3, byScope.get("halo/node").size());
            assertEquals(haloPairs, haloAggregate, "the merged histogram holds every pair's round trips");
            assertEquals("ring", bulk.at("/context/pattern").asText());
            List<String> ring = new java.util.ArrayList<>();
            double[] pairSum = new double[bulk.at("/intervals/values").size()];
            for (JsonNode pair : byScope.get("bulk/pair")) {
                ring.add(pair.at("/context/node").asText() + ">"
                        + pair.at("/context/partner").asText());
                for (int k = 0; k < pairSum.length; k++) {
                    pairSum[k] += pair.at("/intervals/values").get(k).asDouble();
                }
            }
            assertEquals(List.of("a>b", "b>c", "c>a"), ring);
            for (int k = 0; k < pairSum.length; k++) {
                double agg = bulk.at("/intervals/values").get(k).asDouble();
                assertEquals(agg, pairSum[k], 1e-6 * agg, "aggregate interval " + k + " is the sum of the pairs");
            }
            assertTrue(pairSum.length >= 8, "2 s of 200-ms intervals on the common span: " + pairSum.length);

            // Signed and recorded as a run is: the certificate binds the merged result and every node's.
            assertTrue(c.err().contains("iocert: signed ") && c.err().contains("iocert: recorded result "), c.err());
            Path cert = dir.resolve("out/certificate.json");
            JsonNode certificate = new ObjectMapper().readTree(cert.toFile());
            assertTrue(
                    certificate.toString().contains("\"name\":\"result.json\"")
                            && certificate.toString().contains("\"name\":\"nodes/c.result.json\""),
                    certificate.toString());
            CliRunner verify = CliRunner.run(
                    "verify", cert.toString(), "--key", dir.resolve("ops.pub").toString(), "--spec", spec.toString());
            assertEquals(0, verify.code(), verify.err() + verify.out());
            String host = result.at("/node/hostname").asText();
            CliRunner history =
                    CliRunner.run("history", "--store", store.toString(), "--node", host, "--spec", "fabric");
            assertEquals(0, history.code(), history.err());
            assertTrue(
                    history.out().lines().anyMatch(l -> l.contains("ELIGIBLE")), "the run recorded: " + history.out());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRefuseBadInputWithExitTwoAndNoStackTrace() throws Exception {
        Path spec = spec("{nodes: 4, scope: per-node}", "p10: \">= 1 MB/s\"");
        Path token = token();
        CliRunner noCount = CliRunner.run("coordinate", "--spec", spec.toString());
        assertEquals(2, noCount.code());
        assertTrue(noCount.err().contains("coordinate needs --participants NAME,... or --nodes N"), noCount.err());
        CliRunner mismatch = CliRunner.run("coordinate", "--spec", spec.toString(), "--participants", "a,b");
        assertEquals(2, mismatch.code());
        assertTrue(
                mismatch.err()
                        .contains("requirement 'together' is for 4 nodes (coordinated.nodes in " + spec
                                + "), and this run has 2 participants"),
                mismatch.err());
        CliRunner twice = CliRunner.run("coordinate", "--spec", spec.toString(), "--participants", "a,b,a,c");
        assertTrue(twice.err().contains("--participants names 'a' twice"), twice.err());
        CliRunner open = CliRunner.run("coordinate", "--spec", spec.toString(), "--nodes", "4", "--bind", "0.0.0.0");
        assertEquals(2, open.code());
        assertTrue(open.err().contains("participants on other nodes need a shared token"), open.err());
        Path plain = Files.writeString(
                dir.resolve("plain.yaml"),
                "iocert: v1\nname: plain\nrequirements:\n  - id: w\n"
                        + "    probe: fs.write\n    expect: {throughput: {p10: \">= 1 MB/s\"}}\n");
        CliRunner none = CliRunner.run("coordinate", "--spec", plain.toString(), "--nodes", "2");
        assertEquals(2, none.code());
        assertTrue(none.err().contains("has no coordinated requirement"), none.err());
        Path bad = Files.writeString(
                dir.resolve("bad.yaml"),
                "iocert: v1\nname: bad\nrequirements:\n  - id: w\n"
                        + "    probe: fs.write\n    coordinated: {scope: everybody}\n    expect: {throughput: {p10: \">= 1 MB/s\"}}\n");
        CliRunner badSpec = CliRunner.run("coordinate", "--spec", bad.toString(), "--nodes", "2");
        assertEquals(2, badSpec.code());
        assertTrue(badSpec.err().contains(bad + ":6:") && badSpec.err().contains("coordinated.scope"), badSpec.err());
        Path wrongLayout = Files.writeString(
                dir.resolve("layout.yaml"),
                "iocert: v1\nname: bad\nrequirements:\n  - id: w\n"
                        + "    probe: fs.write\n    coordinated: {scope: aggregate, layout: shared-dir}\n"
                        + "    expect: {throughput: {p10: \">= 1 MB/s\"}}\n");
        CliRunner badLayout = CliRunner.run("coordinate", "--spec", wrongLayout.toString(), "--nodes", "2");
        assertEquals(2, badLayout.code());
        assertTrue(
                badLayout.err().contains(wrongLayout + ":6:")
                        && badLayout.err().contains("coordinated.layout")
                        && badLayout.err().contains("file-per-process, shared-file for fs.write"),
                badLayout.err());
        CliRunner noCoordinator = CliRunner.run("join", "--token-file", token.toString());
        assertEquals(2, noCoordinator.code());
        assertTrue(noCoordinator.err().contains("join needs --coordinator HOST:PORT"), noCoordinator.err());
        CliRunner badName = CliRunner.run("join", "--coordinator", "127.0.0.1:7", "--name", "../etc");
        assertEquals(2, badName.code());
        assertTrue(badName.err().contains("--name '../etc' is not a participant name"), badName.err());
        Path lonely = Files.writeString(
                dir.resolve("lonely.yaml"),
                "iocert: v1\nname: lonely\nrequirements:\n  - id: s\n"
                        + "    probe: net.stream\n    coordinated: {pattern: ring}\n    expect: {throughput: {p10: \">= 1 MB/s\"}}\n");
        CliRunner alone = CliRunner.run("coordinate", "--spec", lonely.toString(), "--nodes", "1");
        assertEquals(2, alone.code());
        assertTrue(
                alone.err()
                        .contains("requirement 's' (net.stream) runs between partners, and this run has 1 participant"),
                alone.err());
        CliRunner listen = CliRunner.run("join", "--coordinator", "127.0.0.1:7", "--listen", "0.0.0.0:7880");
        assertEquals(2, listen.code());
        assertTrue(
                listen.err()
                        .contains("--listen 0.0.0.0:7880 is not a loopback address, and partners on other nodes need"
                                + " the run's token"),
                listen.err());
        CliRunner busy;
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                io.iocert.probes.net.PeerServer peer = io.iocert.probes.net.PeerServer.start(
                        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0),
                        java.util.Optional.of(io.iocert.probes.net.Token.load(token)),
                        io.iocert.probes.net.ServerLimits.DEFAULTS,
                        line -> {})) {
            // The handshake passes (a serve with the token), then the partner port is taken.
            busy = CliRunner.run(
                    "join",
                    "--coordinator",
                    "127.0.0.1:" + peer.address().getPort(),
                    "--token-file",
                    token.toString(),
                    "--listen",
                    "127.0.0.1:" + taken.getLocalPort(),
                    "--wait",
                    "5s");
        }
        assertEquals(2, busy.code(), busy.err());
        assertTrue(busy.err().contains("cannot serve partners on 127.0.0.1:"), busy.err());
        for (CliRunner r : new CliRunner[] {
            noCount, mismatch, twice, open, none, badSpec, badLayout, noCoordinator, badName, alone, listen, busy
        }) {
            assertTrue(r.noStackTrace(), r.err());
        }
    }

    @Test
    void shouldWarnBeforeProbingOfWhatNoNodeCanBoundAtTheConfidenceItIsJudgedAt() throws Exception {
        // 6 s of 100-ms intervals, one round: 60 a node. Each of 16 nodes is judged at 99.69%,
        // where a p10 needs 62; each of 2 at 97.5%, where it needs 42.
        Path spec = spec("{scope: per-node}", "p10: \">= 1 KB/s\"");
        CliRunner sixteen = coordinateAlone(spec, 16);
        assertTrue(
                sixteen.err()
                        .contains(
                                "iocert: warning: requirement 'together' p10 of throughput >= 1 KB/s: needs at least 62"
                                        + " intervals at 99.69% confidence (each of 16 nodes, jointly 95%) to be bounded at all"),
                sixteen.err());
        assertTrue(sixteen.err().contains("duration 6 s at interval 100 ms gives at most 60"), sixteen.err());
        assertTrue(sixteen.noStackTrace(), sixteen.err());
        CliRunner two = coordinateAlone(spec, 2);
        assertTrue(!two.err().contains("warning: requirement 'together'"), two.err());
    }

    /** {@code coordinate} for {@code nodes} participants that never join (it gives up after a second). */
    private CliRunner coordinateAlone(Path spec, int nodes) throws Exception {
        return CliRunner.run(
                "coordinate",
                "--spec",
                spec.toString(),
                "--nodes",
                Integer.toString(nodes),
                "--port",
                "0",
                "--join-timeout",
                "1s",
                "--out",
                dir.resolve("alone-" + nodes).toString());
    }

    @Test
    void shouldGiveErrorWhenRunOnOneNode() throws Exception {
        Path spec = spec("{nodes: 2, scope: aggregate}", "median: \">= 1 MB/s\"");
        Path fs = Files.createDirectories(dir.resolve("fs"));
        CliRunner r = CliRunner.run(
                "run",
                "--spec",
                spec.toString(),
                "--fs-path",
                fs.toString(),
                "--out",
                dir.resolve("run").toString(),
                "--format",
                "json",
                "--budget",
                "5s");
        assertEquals(4, r.code(), r.err());
        JsonNode v = new ObjectMapper().readTree(r.out()).at("/requirements/0");
        assertEquals("ERROR", v.get("verdict").asText());
        assertTrue(
                v.get("reason").asText().contains("run it on all its nodes at once with 'iocert coordinate'"),
                v.toString());
    }
}
