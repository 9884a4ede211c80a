package io.iocert.cli;

import static io.iocert.cli.BlkioGroundTruthIT.median;
import static io.iocert.cli.BlkioGroundTruthIT.pct;
import static io.iocert.cli.BlkioGroundTruthIT.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ground truth for the fabric under load: four participant processes ({@code iocert join}, each
 * its own JVM in its own network namespace) on two bridges joined by one trunk, a veth pair whose
 * ends are both shaped by a token-bucket filter, as two switches joined by one shared link.
 *
 * <pre>
 *   p1 --\                       /-- p2
 *         brL == trL ~~tbf~~ trR == brR           (namespace "switch"; the coordinator on brL)
 *   p3 --/                       \-- p4 (the switch port towards it shaped tighter)
 * </pre>
 *
 * In the ring p1, p2, p3, p4 each node receives from the next ({@code direction: receive}: the
 * bytes are counted as they arrive), so every flow crosses the trunk, two each way: p2->p1 and
 * p4->p3 right to left, p3->p2 and p1->p4 left to right.
 * <ul>
 * <li>The aggregate of the ring's streams is what the trunk carries, both directions: twice the
 *     shaped rate's TCP goodput ceiling (within 5%); each aggregate interval is the sum of the
 *     pairs' parts, and the pairs' shares add up to 1.</li>
 * <li>p4 receives through a tbf of a quarter of the trunk's rate: it is the straggler, at its own
 *     ceiling (within 5%), and the slowest/median ratio is about its rate over half the trunk
 *     (the median node shares a direction of the trunk with one other flow).</li>
 * <li>The ring's ping-pong while the streams run (a requirement {@code concurrentWith} the
 *     streams) has a median round trip many times the idle one: the tbf queues fill.</li>
 * </ul>
 *
 * <p>The goodput ceiling: tbf counts whole Ethernet frames, TCP delivers 1448 of each 1514 bytes
 * (timestamps on, 1500 MTU), see {@link NetNsGroundTruthIT}. Each direction of the trunk also
 * carries the acknowledgements of the flows going the other way, a few percent of them; they are
 * within the 5%. Receiving, not sending, is measured: a sender counts what its kernel accepts,
 * and a send buffer still growing over a slow path read +9% for p4's 6 MB/s in 250-ms intervals.
 * Preconditions (else skipped, saying which): root, {@code ip} and {@code tc}, and a kernel that
 * lets us make namespaces, bridges, veth pairs and tbf qdiscs. Runs in about 25 s: four
 * requirements of 2 to 6 s plus five JVM starts; a run that reads low runs once more.
 */
class NetFabricGroundTruthIT {
    private static final Path JAR = Path.of("target", "iocert.jar");
    private static final long TRUNK_BITS_PER_SECOND = 200_000_000L;
    private static final long STRAGGLER_BITS_PER_SECOND = 50_000_000L;
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
        cmds.add(tbf(sw, "trL", TRUNK_BITS_PER_SECOND, TRUNK_QUEUE));
        cmds.add(tbf(sw, "trR", TRUNK_BITS_PER_SECOND, TRUNK_QUEUE));
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
        // p4's own link, towards it: the switch port's egress.
        cmds.add(tbf(sw, "sp4" + tag, STRAGGLER_BITS_PER_SECOND, "50ms"));
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
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void shouldMeasureTheSharedLinkTheStragglerAndLatencyUnderTheJobsOwnTraffic() throws Exception {
        // Reading over a limit fails at once. Reading under it can come from outside (the host
        // descheduling a sender: this test shares 2 cores with five JVMs), so a run that reads low
        // gets one more; the second must be within the bounds.
        List<String> low = measure(1);
        if (!low.isEmpty()) {
            System.out.println("fabric: the first run read low (" + String.join("; ", low) + "); running once more");
            List<String> again = measure(2);
            assertTrue(again.isEmpty(), "read low twice: " + String.join("; ", low) + " | " + String.join("; ", again));
        }
    }

    /** One coordinated run of the four participants; fails on what is wrong, returns what read low. */
    private List<String> measure(int attempt) throws Exception {
        // Each node receives from its ring partner: bytes are counted as they arrive.
        String stream = "{direction: receive, bufferSize: 128KiB, duration: 5s, warmup: 1s, interval: %s}";
        Path spec = Files.writeString(dir.resolve("fabric.yaml"), String.join("\n",
                "iocert: v1", "name: fabric-ground-truth", "budget: 30s", "requirements:",
                "  - id: rtt-idle", "    probe: net.pingpong", "    coordinated: {nodes: 4, scope: aggregate, pattern: ring}",
                "    workload: {messageSize: 64B, duration: 2s, warmup: 500ms}",
                "    expect: {rtt: {p50: \"<= 1 s\"}}",
                "  - id: bulk", "    probe: net.stream", "    coordinated: {nodes: 4, scope: aggregate, pattern: ring}",
                "    workload: " + String.format(stream, "500ms"),
                "    expect: {throughput: {median: \">= 1 MB/s\"}}",
                "  - id: rtt-loaded", "    probe: net.pingpong",
                "    coordinated: {nodes: 4, scope: aggregate, pattern: ring, concurrentWith: bulk}",
                "    workload: {messageSize: 64B, duration: 3s, warmup: 2s}",
                "    expect: {rtt: {p50: \"<= 1 s\"}}",
                // 20 intervals a node: the straggler bounds each node's median at 98.75%, which 10 left too wide.
                "  - id: bulk-straggler", "    probe: net.stream", "    coordinated: {nodes: 4, scope: straggler, pattern: ring}",
                "    workload: " + String.format(stream, "250ms"),
                "    expect: {throughput: {median: \">= 0.8\"}}", ""));
        String out = "out-" + attempt;
        Process coordinator = start("coordinator", sw, List.of("coordinate", "--spec", spec.toString(), "--participants",
                String.join(",", NODES), "--bind", subnet + ".100", "--port", "7879", "--token-file",
                dir.resolve("token").toString(), "--out", dir.resolve(out).toString(), "--format", "json",
                "--join-timeout", "90s"));
        for (String node : NODES) {
            start(node, ns(node), List.of("join", "--coordinator", subnet + ".100:7879", "--token-file",
                    dir.resolve("token").toString(), "--name", node, "--fs-path", dir.toString(), "--wait", "90s"));
        }
        if (!coordinator.waitFor(180, TimeUnit.SECONDS)) {
            throw new AssertionError("the coordinated run did not finish in 180 s: " + log("coordinator"));
        }
        List<String> low = new ArrayList<>();
        // NOT_ELIGIBLE: the straggler requirement fails, as it should; INCONCLUSIVE when it could not tell.
        int code = coordinator.exitValue();
        assertTrue(code == 1 || code == 3, "exit " + code + ": " + verdicts(out) + log("coordinator") + logs());

        JsonNode result = new ObjectMapper().readTree(dir.resolve(out + "/result.json").toFile());
        JsonNode report = new ObjectMapper().readTree(dir.resolve(out + "/report.json").toFile());
        double goodput = TRUNK_BITS_PER_SECOND / 8.0 * TCP_GOODPUT_SHARE;
        double stragglerGoodput = STRAGGLER_BITS_PER_SECOND / 8.0 * TCP_GOODPUT_SHARE;

        // The shared link: both directions of the trunk, full.
        JsonNode bulk = find(result, "bulk", "throughput", "aggregate", null);
        double[] sum = values(bulk);
        double bulkMedian = median(sum);
        double[] pairSum = new double[sum.length];
        double pairShares = 0;
        Map<String, Double> pairs = new LinkedHashMap<>();
        for (JsonNode m : result.get("measurements")) {
            if (m.get("id").asText().equals("bulk") && "pair".equals(m.at("/context/scope").asText())) {
                double[] v = values(m);
                for (int k = 0; k < sum.length; k++) {
                    pairSum[k] += v[k];
                }
                pairShares += m.at("/context/share").asDouble();
                pairs.put(m.at("/context/node").asText() + "<" + m.at("/context/partner").asText(), median(v));
            }
        }
        System.out.printf(Locale.ROOT, "fabric ring (run %d): trunk tbf %d bit/s each way, goodput ceiling both ways %.0f B/s;"
                + " aggregate median %.0f B/s (%+.2f%% of the ceiling, %+.2f%% of the raw rate), %d intervals, pair medians"
                + " %s, shares sum %.4f, start spread %s ns%n", attempt, TRUNK_BITS_PER_SECOND, 2 * goodput, bulkMedian,
                pct(bulkMedian, 2 * goodput), pct(bulkMedian, 2 * TRUNK_BITS_PER_SECOND / 8.0), sum.length, pairs,
                pairShares, bulk.at("/context/startSpreadNs").asText());
        assertEquals(List.of("p1<p2", "p2<p3", "p3<p4", "p4<p1"), new ArrayList<>(pairs.keySet()));
        assertTrue(sum.length >= 9, "want 10 half-second intervals on the common span, got " + Arrays.toString(sum));
        for (int k = 0; k < sum.length; k++) {
            assertEquals(sum[k], pairSum[k], 1e-6 * sum[k], "aggregate interval " + k + " is the sum of the pairs");
        }
        assertEquals(1.0, pairShares, 1e-3, "the pairs' shares add up to the aggregate");
        within(2 * goodput, bulkMedian, "aggregate ring throughput over the shared trunk, median interval", low);
        within(stragglerGoodput, pairs.get("p4<p1"), "p4's flow behind its own tighter tbf, median interval", low);

        // The straggler: p4, at its own ceiling; the median node has about half the trunk.
        JsonNode verdict = null;
        for (JsonNode v : report.get("requirements")) {
            if (v.get("id").asText().equals("bulk-straggler")) {
                verdict = v;
            }
        }
        double p4 = median(values(find(result, "bulk-straggler", "throughput", "node", "p4")));
        double expectedRatio = stragglerGoodput / (goodput / 2);
        System.out.printf(Locale.ROOT, "fabric straggler (run %d): p4 median %.0f B/s (%+.2f%% of its ceiling %.0f), ratio %s"
                + " [%s, %s] (expected about %.3f); %s%n", attempt, p4, pct(p4, stragglerGoodput), stragglerGoodput,
                verdict.get("measured"), verdict.at("/ci/low"), verdict.at("/ci/high"), expectedRatio,
                verdict.get("reason").asText());
        assertTrue(verdict.get("reason").asText().contains("slowest node p4"), verdict.toString());
        within(stragglerGoodput, p4, "the straggler's own rate, median interval", low);
        assertEquals(expectedRatio, verdict.get("measured").asDouble(), 0.2 * expectedRatio, verdict.toString());
        if (!"FAIL".equals(verdict.get("verdict").asText())) {
            assertEquals("INCONCLUSIVE", verdict.get("verdict").asText(), verdict.toString());
            low.add("the straggler verdict was inconclusive: " + verdict.get("reason").asText());
        }
        assertEquals(code == 1, low.stream().noneMatch(l -> l.startsWith("the straggler")), "exit " + code);

        // Latency under the job's own traffic: the ring's round trips queue behind the streams.
        double idle = find(result, "rtt-idle", "rtt", "aggregate", null).at("/summary/p50").asDouble();
        JsonNode loadedM = find(result, "rtt-loaded", "rtt", "aggregate", null);
        double loaded = loadedM.at("/summary/p50").asDouble();
        System.out.printf(Locale.ROOT, "fabric ring ping-pong p50 (run %d): idle %.1f us, while the ring streams %.1f us"
                + " (x%.0f); loaded context %s%n", attempt, idle / 1e3, loaded / 1e3, loaded / idle, loadedM.get("context"));
        assertEquals("bulk", loadedM.at("/context/concurrentWith").asText());
        assertTrue(loaded > 10 * idle && loaded > 1_000_000, String.format(Locale.ROOT,
                "the loaded ring's median round trip (%.1f us) should be well above the idle one (%.1f us)", loaded / 1e3,
                idle / 1e3));
        return low;
    }

    /** Fails when {@code measured} is over 5% above {@code expected}; notes it in {@code low} when over 5% below. */
    private static void within(double expected, double measured, String what, List<String> low) {
        assertTrue(measured <= 1.05 * expected, String.format(Locale.ROOT, "%s = %.0f, more than 5%% above %.0f (%+.2f%%)",
                what, measured, expected, pct(measured, expected)));
        if (measured < 0.95 * expected) {
            low.add(String.format(Locale.ROOT, "%s = %.0f, %+.2f%% of %.0f", what, measured, pct(measured, expected), expected));
        }
    }

    private Process start(String name, String ns, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, java(), "-jar", JAR.toAbsolutePath().toString()));
        cmd.addAll(args);
        // The coordinator's report goes to .out, every log line to .log.
        ProcessBuilder b = new ProcessBuilder(cmd).redirectError(dir.resolve(name + ".log").toFile())
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
                b.append(v.get("id").asText()).append(' ').append(v.get("verdict").asText()).append(": ")
                        .append(v.get("reason").asText()).append('\n');
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
            if (id.equals(m.get("id").asText()) && metric.equals(m.get("metric").asText())
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
        return List.of("ip", "netns", "exec", ns, "tc", "qdisc", "add", "dev", dev, "root", "tbf", "rate",
                bitsPerSecond / 1_000_000 + "mbit", "burst", "128kb", "latency", latency);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Null on success, else the exit code and output. */
    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + output;
    }

    private static boolean runs(String... cmd) {
        try {
            return run(List.of(cmd)) == null;
        } catch (Exception e) {
            return false;
        }
    }

    private static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
