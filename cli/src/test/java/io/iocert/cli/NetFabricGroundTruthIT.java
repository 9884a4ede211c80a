package io.iocert.cli;

import static io.iocert.cli.BlkioGroundTruthIT.assertWithin;
import static io.iocert.cli.BlkioGroundTruthIT.median;
import static io.iocert.cli.BlkioGroundTruthIT.pct;
import static io.iocert.cli.BlkioGroundTruthIT.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ground truth for the fabric under load: four participant processes ({@code iocert join}, each
 * its own JVM in its own network namespace) on two bridges joined by one trunk, a veth pair, as
 * two switches joined by one link.
 *
 * <pre>
 *   p1 --\                       /-- p2
 *         brL == trL ~~~~~~~ trR == brR           (namespace "switch"; the coordinator on brL)
 *   p3 --/                       \-- p4
 * </pre>
 *
 * In the ring p1, p2, p3, p4 each node receives from the next ({@code direction: receive}: the
 * bytes are counted as they arrive), so every flow crosses the trunk, two each way: p2->p1 and
 * p4->p3 right to left, p3->p2 and p1->p4 left to right.
 * <ul>
 * <li><b>The shared link</b>: both ends of the trunk shaped by tbf. The aggregate of the ring's
 *     streams is what the trunk carries both ways: twice the shaped rate's TCP goodput ceiling
 *     (within 5%); each aggregate interval is the sum of the pairs' parts, and the pairs' shares
 *     add up to 1. The ring's ping-pong while the streams run (a requirement
 *     {@code concurrentWith} them) has a median round trip many times the idle one: the tbf
 *     queues fill.</li>
 * <li><b>The straggler</b>: instead, every node's own link shaped where its data leaves (the
 *     egress of its ring partner, which sends to it): the path into p4 at a quarter of the
 *     others' rate, so every flow has a shaper of its own: p4 is the straggler at its own ceiling
 *     (within 5%), and the slowest/median ratio is 1/4. Then p2 is killed while the ring
 *     streams again: ERROR naming it, and naming it as the partner p1 lost; p3 and p4, which did
 *     not depend on it, keep whole measurements.</li>
 * </ul>
 *
 * <p>The goodput ceiling: tbf counts whole Ethernet frames, TCP delivers 1448 of each 1514 bytes
 * (timestamps on, 1500 MTU), see {@link NetNsGroundTruthIT}. Each direction of the trunk also
 * carries the acknowledgements of the flows going the other way, a few percent of them; they are
 * within the 5%. Receiving, not sending, is measured: a sender counts what its kernel accepts,
 * and a send buffer still growing over a slow path read up to +9% for a 6 MB/s flow. Two flows
 * competing at one shaper trade their shares back and forth, so a straggler measured against a
 * median node sharing the trunk was unbounded in half the runs: hence the second topology. Its
 * shapers sit at the senders' own egress: shaped at the switch port instead, the 60-Mbit/s flows
 * lost packets there and dipped to half their rate now and then, and the median's interval came
 * out unbounded in two runs of three.
 * Preconditions (else skipped, saying which): root, {@code ip} and {@code tc}, and a kernel that
 * lets us make namespaces, bridges, veth pairs and tbf qdiscs. Runs in about 45 s (two
 * coordinated runs of five JVMs); a shared-link run that reads low runs once more.
 */
class NetFabricGroundTruthIT {
    private static final Path JAR = Path.of("target", "iocert.jar");
    private static final long TRUNK_BITS_PER_SECOND = 200_000_000L;
    /** The second topology's shapers: the paths into p1, p2, p3 at this rate, into p4 at {@link #STRAGGLER_BITS_PER_SECOND}. */
    private static final long PORT_BITS_PER_SECOND = 60_000_000L;

    private static final long STRAGGLER_BITS_PER_SECOND = 15_000_000L;
    private static final double TCP_GOODPUT_SHARE = 1448.0 / 1514.0;
    private static final List<String> NODES = List.of("p1", "p2", "p3", "p4");
    /** The trunk's queue, in time at its rate (200 ms read lower, 10% under the ceiling, than 50 ms: -3.5%). */
    private static final String TRUNK_QUEUE = "50ms";

    private final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    private final String sw = "iocert-fab-sw-" + tag;
    private final String subnet = "10.214." + ThreadLocalRandom.current().nextInt(1, 250);
    private final List<Process> processes = new ArrayList<>();
    private Path dir;

    private String ns(String node) {
        return "iocert-fab-" + node + "-" + tag;
    }

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(isRoot(), "needs root to create network namespaces, bridges and qdiscs");
        StaleTestLeftovers.sweep();
        assumeTrue(runs("ip", "-V"), "needs 'ip' (iproute2) on the PATH");
        assumeTrue(runs("tc", "-V"), "needs 'tc' (iproute2) on the PATH");
        assumeTrue(Files.isRegularFile(JAR), "needs " + JAR.toAbsolutePath() + " (mvn package)");
        dir = Files.createTempDirectory("iocert-fabric-it-");
        List<List<String>> cmds = new ArrayList<>();
        cmds.add(List.of("ip", "netns", "add", sw));
        for (String b : List.of("brL", "brR")) {
            cmds.add(List.of("ip", "-n", sw, "link", "add", b, "type", "bridge"));
            cmds.add(List.of("ip", "-n", sw, "link", "set", b, "up"));
        }
        cmds.add(List.of("ip", "-n", sw, "link", "add", "trL", "type", "veth", "peer", "name", "trR"));
        cmds.add(List.of("ip", "-n", sw, "link", "set", "trL", "master", "brL", "up"));
        cmds.add(List.of("ip", "-n", sw, "link", "set", "trR", "master", "brR", "up"));
        cmds.add(List.of("ip", "-n", sw, "link", "set", "lo", "up"));
        // The coordinator listens on the left bridge itself.
        cmds.add(List.of("ip", "-n", sw, "addr", "add", subnet + ".100/24", "dev", "brL"));
        for (int i = 0; i < NODES.size(); i++) {
            String node = NODES.get(i);
            String ns = ns(node);
            String inside = "f" + node + tag;
            String port = "s" + node + tag;
            cmds.add(List.of("ip", "netns", "add", ns));
            cmds.add(List.of("ip", "link", "add", inside, "type", "veth", "peer", "name", port));
            cmds.add(List.of("ip", "link", "set", inside, "netns", ns));
            cmds.add(List.of("ip", "link", "set", port, "netns", sw));
            cmds.add(List.of("ip", "-n", sw, "link", "set", port, "master", i % 2 == 0 ? "brL" : "brR", "up"));
            cmds.add(List.of("ip", "-n", ns, "addr", "add", subnet + "." + (i + 1) + "/24", "dev", inside));
            cmds.add(List.of("ip", "-n", ns, "link", "set", inside, "up"));
            cmds.add(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
        }
        String failed = null;
        for (List<String> c : cmds) {
            String r = run(c);
            if (r != null) {
                failed = String.join(" ", c) + ": " + r;
                break;
            }
        }
        assumeTrue(failed == null, "cannot build the namespaces, bridges, veth pairs and tbf limits here: " + failed);
        Files.writeString(dir.resolve("token"), "a-token-for-the-fabric-test-" + tag + "-0123456789");
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        // Deleting a namespace deletes the veth ends and bridges inside it.
        for (String node : NODES) {
            run(List.of("ip", "netns", "del", ns(node)));
        }
        run(List.of("ip", "netns", "del", sw));
        TestTrees.delete(dir);
    }

    @Test
    void shouldMeasureTheSharedLinkAndLatencyUnderTheJobsOwnTraffic() throws Exception {
        shape(List.of(
                tbf(sw, "trL", TRUNK_BITS_PER_SECOND, TRUNK_QUEUE),
                tbf(sw, "trR", TRUNK_BITS_PER_SECOND, TRUNK_QUEUE)));
        // Reading over a limit fails at once. Reading under it can come from outside (the host
        // descheduling a receiver: this test shares 2 cores with five JVMs), so a run that reads
        // low gets one more; the second must be within the bounds.
        List<String> low = sharedLink(1);
        if (!low.isEmpty()) {
            System.out.println("fabric: the first run read low (" + String.join("; ", low) + "); running once more");
            List<String> again = sharedLink(2);
            assertTrue(again.isEmpty(), "read low twice: " + String.join("; ", low) + " | " + String.join("; ", again));
        }
    }

    /** One coordinated run across the shaped trunk; fails on what is wrong, returns what read low. */
    private List<String> sharedLink(int attempt) throws Exception {
        Path spec = Files.writeString(
                dir.resolve("fabric.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: fabric-ground-truth",
                        "budget: 30s",
                        "requirements:",
                        "  - id: rtt-idle",
                        "    probe: net.pingpong",
                        "    coordinated: {nodes: 4, scope: aggregate, pattern: ring}",
                        "    workload: {messageSize: 64B, duration: 2s, warmup: 500ms}",
                        "    expect: {rtt: {p50: \"<= 1 s\"}}",
                        // Each node receives from its ring partner: bytes are counted as they arrive.
                        "  - id: bulk",
                        "    probe: net.stream",
                        "    coordinated: {nodes: 4, scope: aggregate, pattern: ring}",
                        "    workload: {direction: receive, bufferSize: 128KiB, duration: 5s, warmup: 1s, interval: 500ms}",
                        "    expect: {throughput: {median: \">= 1 MB/s\"}}",
                        "  - id: rtt-loaded",
                        "    probe: net.pingpong",
                        "    coordinated: {nodes: 4, scope: aggregate, pattern: ring, concurrentWith: bulk}",
                        "    workload: {messageSize: 64B, duration: 3s, warmup: 2s}",
                        "    expect: {rtt: {p50: \"<= 1 s\"}}",
                        ""));
        String out = "shared-" + attempt;
        Process coordinator = coordinate(spec, out);
        joinAll();
        if (!coordinator.waitFor(180, TimeUnit.SECONDS)) {
            throw new AssertionError("the coordinated run did not finish in 180 s: " + log("coordinator"));
        }
        assertEquals(0, coordinator.exitValue(), verdicts(out) + log("coordinator") + logs());
        List<String> low = new ArrayList<>();
        JsonNode result =
                new ObjectMapper().readTree(dir.resolve(out + "/result.json").toFile());
        double goodput = TRUNK_BITS_PER_SECOND / 8.0 * TCP_GOODPUT_SHARE;

        JsonNode bulk = find(result, "bulk", "throughput", "aggregate", null);
        double[] sum = values(bulk);
        double bulkMedian = median(sum);
        double[] pairSum = new double[sum.length];
        double pairShares = 0;
        Map<String, Double> pairs = new LinkedHashMap<>();
        for (JsonNode m : result.get("measurements")) {
            if (m.get("id").asText().equals("bulk")
                    && "pair".equals(m.at("/context/scope").asText())) {
                double[] v = values(m);
                for (int k = 0; k < sum.length; k++) {
                    pairSum[k] += v[k];
                }
                pairShares += m.at("/context/share").asDouble();
                pairs.put(
                        m.at("/context/node").asText() + "<"
                                + m.at("/context/partner").asText(),
                        median(v));
            }
        }
        System.out.printf(
                Locale.ROOT,
                "fabric ring (run %d): trunk tbf %d bit/s each way, goodput ceiling both ways %.0f B/s;"
                        + " aggregate median %.0f B/s (%+.2f%% of the ceiling, %+.2f%% of the raw rate), %d intervals, pair medians"
                        + " %s, shares sum %.4f, start spread %s ns%n",
                attempt,
                TRUNK_BITS_PER_SECOND,
                2 * goodput,
                bulkMedian,
                pct(bulkMedian, 2 * goodput),
                pct(bulkMedian, 2 * TRUNK_BITS_PER_SECOND / 8.0),
                sum.length,
                pairs,
                pairShares,
                bulk.at("/context/startSpreadNs").asText());
        assertEquals(List.of("p1<p2", "p2<p3", "p3<p4", "p4<p1"), new ArrayList<>(pairs.keySet()));
        assertTrue(sum.length >= 9, "want 10 half-second intervals on the common span, got " + Arrays.toString(sum));
        for (int k = 0; k < sum.length; k++) {
            assertEquals(sum[k], pairSum[k], 1e-6 * sum[k], "aggregate interval " + k + " is the sum of the pairs");
        }
        assertEquals(1.0, pairShares, 1e-3, "the pairs' shares add up to the aggregate");
        within(2 * goodput, bulkMedian, "aggregate ring throughput over the shared trunk, median interval", low);

        // Latency under the job's own traffic: the ring's round trips queue behind the streams.
        double idle = find(result, "rtt-idle", "rtt", "aggregate", null)
                .at("/summary/p50")
                .asDouble();
        JsonNode loadedM = find(result, "rtt-loaded", "rtt", "aggregate", null);
        double loaded = loadedM.at("/summary/p50").asDouble();
        System.out.printf(
                Locale.ROOT,
                "fabric ring ping-pong p50 (run %d): idle %.1f us, while the ring streams %.1f us"
                        + " (x%.0f); loaded context %s%n",
                attempt,
                idle / 1e3,
                loaded / 1e3,
                loaded / idle,
                loadedM.get("context"));
        assertEquals("bulk", loadedM.at("/context/concurrentWith").asText());
        assertTrue(
                loaded > 10 * idle && loaded > 1_000_000,
                String.format(
                        Locale.ROOT,
                        "the loaded ring's median round trip (%.1f us) should be well above the idle one (%.1f us)",
                        loaded / 1e3,
                        idle / 1e3));
        return low;
    }

    /**
     * Every node behind a shaper of its own, p4's a quarter of the others': p4 is the straggler.
     * Then p2 is killed while the ring streams again: the requirement is ERROR naming it and
     * naming it as the partner p1 lost; p3 and p4, which did not depend on it, keep whole
     * measurements.
     */
    @Test
    void shouldNameTheNodeBehindATighterLinkAsStragglerAndAParticipantKilledMidRun() throws Exception {
        List<List<String>> shapers = new ArrayList<>();
        // Each node's own egress: the path into its ring predecessor. p1 sends what p4 receives.
        for (String node : NODES) {
            shapers.add(tbf(
                    ns(node),
                    "f" + node + tag,
                    node.equals("p1") ? STRAGGLER_BITS_PER_SECOND : PORT_BITS_PER_SECOND,
                    "50ms"));
        }
        shape(shapers);
        Path spec = Files.writeString(
                dir.resolve("straggler.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: fabric-straggler",
                        "budget: 30s",
                        "requirements:",
                        // 40 intervals a node: the verdict bounds each node's median at 98.75% (the straggler's share
                        // of 95%).
                        "  - id: straggler",
                        "    probe: net.stream",
                        "    coordinated: {nodes: 4, scope: straggler, pattern: ring}",
                        "    workload: {direction: receive, bufferSize: 128KiB, duration: 8s, warmup: 1s, interval: 200ms}",
                        "    expect: {throughput: {median: \">= 0.8\"}}",
                        "  - id: lost",
                        "    probe: net.stream",
                        "    coordinated: {nodes: 4, scope: per-node, pattern: ring}",
                        "    workload: {direction: receive, bufferSize: 128KiB, duration: 6s, warmup: 1s, interval: 500ms}",
                        "    expect: {throughput: {median: \">= 1 MB/s\"}}",
                        ""));
        Process coordinator = coordinate(spec, "straggler");
        Map<String, Process> joins = joinAll();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!log("coordinator").contains("'lost': 4 participants ready; start at")) {
            assertTrue(
                    System.nanoTime() < deadline && coordinator.isAlive(),
                    "the second requirement did not start: " + log("coordinator"));
            Thread.sleep(100);
        }
        Thread.sleep(3_000);
        joins.get("p2").destroyForcibly();
        if (!coordinator.waitFor(120, TimeUnit.SECONDS)) {
            throw new AssertionError("the coordinated run did not finish in 120 s: " + log("coordinator"));
        }
        // NOT_ELIGIBLE: the straggler's FAIL outranks the lost requirement's ERROR.
        assertEquals(1, coordinator.exitValue(), verdicts("straggler") + log("coordinator"));
        JsonNode report =
                new ObjectMapper().readTree(dir.resolve("straggler/report.json").toFile());
        JsonNode result =
                new ObjectMapper().readTree(dir.resolve("straggler/result.json").toFile());

        JsonNode verdict = report.at("/requirements/0");
        double port = PORT_BITS_PER_SECOND / 8.0 * TCP_GOODPUT_SHARE;
        double tight = STRAGGLER_BITS_PER_SECOND / 8.0 * TCP_GOODPUT_SHARE;
        double p4 = median(values(find(result, "straggler", "throughput", "node", "p4")));
        double p1 = median(values(find(result, "straggler", "throughput", "node", "p1")));
        double expectedRatio = (double) STRAGGLER_BITS_PER_SECOND / PORT_BITS_PER_SECOND;
        System.out.printf(
                Locale.ROOT,
                "fabric straggler: p4 median %.0f B/s (%+.2f%% of its ceiling %.0f), p1 %.0f (%+.2f%%"
                        + " of %.0f), ratio %s [%s, %s] (expected %.3f); %s%n",
                p4,
                pct(p4, tight),
                tight,
                p1,
                pct(p1, port),
                port,
                verdict.get("measured"),
                verdict.at("/ci/low"),
                verdict.at("/ci/high"),
                expectedRatio,
                verdict.get("reason").asText());
        assertEquals("straggler", verdict.get("id").asText());
        assertEquals("FAIL", verdict.get("verdict").asText(), verdict.toString());
        assertTrue(verdict.get("reason").asText().contains("slowest node p4"), verdict.toString());
        assertWithin(tight, p4, "the straggler's own rate, median interval");
        assertWithin(port, p1, "a node behind a shaper of the others' rate, median interval");
        assertEquals(expectedRatio, verdict.get("measured").asDouble(), 0.05 * expectedRatio, verdict.toString());
        assertTrue(
                verdict.at("/ci/low").asDouble() <= verdict.get("measured").asDouble()
                        && verdict.get("measured").asDouble()
                                <= verdict.at("/ci/high").asDouble(),
                verdict.toString());

        JsonNode lost = report.at("/requirements/1");
        String reason = lost.get("reason").asText();
        System.out.printf(
                Locale.ROOT,
                "fabric lost participant: %s: %s%n",
                lost.get("verdict").asText(),
                reason);
        assertEquals("ERROR", lost.get("verdict").asText(), lost.toString());
        assertTrue(reason.contains("participant p2 ("), "names the participant that died: " + reason);
        assertTrue(
                reason.contains("participant p1: partner p2 (" + subnet + ".2:"),
                "names the partner p1 lost: " + reason);
        for (String kept : List.of("p3", "p4")) {
            JsonNode m = null;
            for (JsonNode x : result.get("measurements")) {
                if ("lost".equals(x.get("id").asText())
                        && "node".equals(x.at("/context/scope").asText())
                        && kept.equals(x.at("/context/node").asText())) {
                    m = x;
                }
            }
            assertTrue(
                    m != null && (m.get("error") == null || m.get("error").isNull()) && values(m).length >= 10,
                    kept + "'s measurement is kept, whole: " + m);
        }
    }

    private void shape(List<List<String>> shapers) throws Exception {
        for (List<String> c : shapers) {
            String r = run(c);
            assumeTrue(r == null, "cannot add the tbf shaper here: " + String.join(" ", c) + ": " + r);
        }
    }

    private Process coordinate(Path spec, String out) throws IOException {
        return start(
                "coordinator",
                sw,
                List.of(
                        "coordinate",
                        "--spec",
                        spec.toString(),
                        "--participants",
                        String.join(",", NODES),
                        "--bind",
                        subnet + ".100",
                        "--port",
                        "7879",
                        "--token-file",
                        dir.resolve("token").toString(),
                        "--out",
                        dir.resolve(out).toString(),
                        "--format",
                        "json",
                        "--join-timeout",
                        "90s"));
    }

    private Map<String, Process> joinAll() throws IOException {
        Map<String, Process> joins = new LinkedHashMap<>();
        for (String node : NODES) {
            joins.put(
                    node,
                    start(
                            node,
                            ns(node),
                            List.of(
                                    "join",
                                    "--coordinator",
                                    subnet + ".100:7879",
                                    "--token-file",
                                    dir.resolve("token").toString(),
                                    "--name",
                                    node,
                                    "--fs-path",
                                    dir.toString(),
                                    "--wait",
                                    "90s")));
        }
        return joins;
    }

    /** Fails when {@code measured} is over 5% above {@code expected}; notes it in {@code low} when over 5% below. */
    private static void within(double expected, double measured, String what, List<String> low) {
        assertTrue(
                measured <= 1.05 * expected,
                String.format(
                        Locale.ROOT,
                        "%s = %.0f, more than 5%% above %.0f (%+.2f%%)",
                        what,
                        measured,
                        expected,
                        pct(measured, expected)));
        if (measured < 0.95 * expected) {
            low.add(String.format(
                    Locale.ROOT, "%s = %.0f, %+.2f%% of %.0f", what, measured, pct(measured, expected), expected));
        }
    }

    private Process start(String name, String ns, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                "ip", "netns", "exec", ns, java(), "-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(args);
        // The coordinator's report goes to .out, every log line to .log.
        ProcessBuilder b = new ProcessBuilder(cmd)
                .redirectError(dir.resolve(name + ".log").toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile());
        Process p = b.start();
        processes.add(p);
        return p;
    }

    private String log(String name) throws IOException {
        Path p = dir.resolve(name + ".log");
        return Files.exists(p) ? Files.readString(p) : "(no log)";
    }

    private String verdicts(String out) throws IOException {
        Path report = dir.resolve(out + "/report.json");
        StringBuilder b = new StringBuilder();
        if (Files.exists(report)) {
            for (JsonNode v : new ObjectMapper().readTree(report.toFile()).get("requirements")) {
                b.append(v.get("id").asText())
                        .append(' ')
                        .append(v.get("verdict").asText())
                        .append(": ")
                        .append(v.get("reason").asText())
                        .append('\n');
            }
        }
        return b.toString();
    }

    private String logs() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String n : NODES) {
            b.append("\n--- ").append(n).append(":\n").append(log(n));
        }
        return b.toString();
    }

    private static JsonNode find(JsonNode result, String id, String metric, String scope, String node) {
        for (JsonNode m : result.get("measurements")) {
            if (id.equals(m.get("id").asText())
                    && metric.equals(m.get("metric").asText())
                    && scope.equals(m.at("/context/scope").asText())
                    && (node == null || node.equals(m.at("/context/node").asText()))) {
                assertTrue(m.get("error") == null || m.get("error").isNull(), id + " has an error: " + m.get("error"));
                return m;
            }
        }
        throw new AssertionError("no " + scope + " " + metric + " of " + id + (node == null ? "" : " for " + node));
    }

    /**
     * The shaper; its bucket holds what the rate earns between two timer wake-ups (see
     * NetNsGroundTruthIT), its queue {@code latency} of data at the rate.
     */
    private static List<String> tbf(String ns, String dev, long bitsPerSecond, String latency) {
        return List.of(
                "ip",
                "netns",
                "exec",
                ns,
                "tc",
                "qdisc",
                "add",
                "dev",
                dev,
                "root",
                "tbf",
                "rate",
                bitsPerSecond / 1_000_000 + "mbit",
                "burst",
                "128kb",
                "latency",
                latency);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String run(List<String> cmd) throws Exception {
        return NetNsGroundTruthIT.run(cmd);
    }

    private static boolean runs(String... cmd) {
        return NetNsGroundTruthIT.runs(cmd);
    }

    private static boolean isRoot() {
        return NetNsGroundTruthIT.isRoot();
    }
}
