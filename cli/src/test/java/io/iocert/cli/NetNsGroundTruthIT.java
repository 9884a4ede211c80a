package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ground truth for net.stream: two network namespaces joined by a veth pair whose both ends
 * are rate-limited by a token-bucket filter ({@code tc qdisc ... tbf rate 200mbit}), an
 * {@code iocert serve} (with a token) in one, {@code iocert probe --peer} in the other. The
 * probe must report the limit, sending and receiving.
 *
 * <p>Preconditions (else skipped, saying which): root, {@code ip} and {@code tc} on the PATH,
 * and a kernel that lets us create namespaces, veth pairs and tbf qdiscs.
 *
 * <p>What "the limit" means: tbf counts every byte of each Ethernet frame, headers included,
 * while net.stream counts the bytes TCP delivers. With a 1500-byte MTU and TCP timestamps a
 * 1514-byte frame carries 1448 bytes of data, so the most TCP can deliver is 1448/1514 of the
 * limit (95.6%, 191.3 Mbit/s): a probe that measured perfectly would read 4.4% under the raw
 * limit, which would leave the 5% bound only 0.6% for noise (a CI run read -5.6% of
 * the limit, -1.3% of the ceiling). So the limit a TCP probe is held to is that goodput
 * ceiling: the median interval must lie within 3% of it (tighter than the 5%). Both
 * figures are printed.
 */
class NetNsGroundTruthIT {
    private static final Path JAR = Path.of("target", "iocert.jar");
    private static final long LIMIT_BITS_PER_SECOND = 200_000_000L;
    private static final double TCP_GOODPUT_SHARE = 1448.0 / 1514.0;

    private final String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    private final String nsServer = "iocert-gt-s-" + tag;
    private final String nsProbe = "iocert-gt-p-" + tag;
    private final String subnet = "10.213." + ThreadLocalRandom.current().nextInt(1, 250);
    private Path dir;
    private Process serve;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(isRoot(), "needs root to create network namespaces and qdiscs");
        StaleTestLeftovers.sweep();
        assumeTrue(runs("ip", "-V"), "needs 'ip' (iproute2) on the PATH");
        assumeTrue(runs("tc", "-V"), "needs 'tc' (iproute2) on the PATH");
        dir = Files.createTempDirectory("iocert-netns-it-");
        String vs = "iocs" + tag;
        String vp = "iocp" + tag;
        String failed = firstFailure(
                List.of("ip", "netns", "add", nsServer),
                List.of("ip", "netns", "add", nsProbe),
                List.of("ip", "link", "add", vs, "type", "veth", "peer", "name", vp),
                List.of("ip", "link", "set", vs, "netns", nsServer),
                List.of("ip", "link", "set", vp, "netns", nsProbe),
                List.of("ip", "-n", nsServer, "addr", "add", subnet + ".1/24", "dev", vs),
                List.of("ip", "-n", nsProbe, "addr", "add", subnet + ".2/24", "dev", vp),
                List.of("ip", "-n", nsServer, "link", "set", vs, "up"),
                List.of("ip", "-n", nsProbe, "link", "set", vp, "up"),
                List.of("ip", "-n", nsServer, "link", "set", "lo", "up"),
                List.of("ip", "-n", nsProbe, "link", "set", "lo", "up"),
                tbf(nsServer, vs),
                tbf(nsProbe, vp));
        assumeTrue(failed == null, "cannot build the namespaces, veth pair and tbf limit here: " + failed);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (serve != null) {
            serve.destroy();
            if (!serve.waitFor(10, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
        // Deleting a namespace deletes the veth end inside it, and with it the pair.
        run(List.of("ip", "netns", "del", nsServer));
        run(List.of("ip", "netns", "del", nsProbe));
        TestTrees.delete(dir);
    }

    @Test
    void shouldMeasureTheRateLimitOfTheLinkBothWays() throws Exception {
        Path token = startServe();

        Path spec = Files.writeString(
                dir.resolve("spec.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: netns-ground-truth",
                        "budget: 30s",
                        "requirements:",
                        "  - id: send",
                        "    probe: net.stream",
                        "    workload: {streams: 1, direction: send, duration: 5s, warmup: 1s, interval: 500ms}",
                        "    expect: {throughput: {p50: \">= 1 B/s\"}}",
                        "  - id: receive",
                        "    probe: net.stream",
                        "    workload: {streams: 1, direction: receive, duration: 5s, warmup: 1s, interval: 500ms}",
                        "    expect: {throughput: {p50: \">= 1 B/s\"}}",
                        ""));
        // A probe that over-reports fails at once. Reading under the ceiling can also come from
        // outside (the host descheduling the sender for a while: in one CI run the receive
        // intervals ranged 21.8-23.6 MB/s where they are flat at the ceiling otherwise), so a
        // run that reads low gets one more run; the second must be within 3% both ways.
        List<String> low = measure(spec, token, 1);
        if (!low.isEmpty()) {
            System.out.println("netns: first run read low (" + String.join("; ", low) + "); running once more");
            List<String> again = measure(spec, token, 2);
            assertTrue(again.isEmpty(), "read low twice: " + String.join("; ", low) + " | " + String.join("; ", again));
        }
    }

    /**
     * A link that slows down during the run: the sender's shaper is changed from 200 to 50
     * Mbit/s a few seconds in. The stream's series must show two regimes at the two goodput
     * ceilings (within 5%).
     */
    @Test
    void shouldSeeTwoRegimesWhenTheShaperIsSlowedDuringTheRun() throws Exception {
        Path token = startServe();
        Path spec = Files.writeString(
                dir.resolve("burst.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: netns-burst",
                        "budget: 30s",
                        "requirements:",
                        "  - id: send",
                        "    probe: net.stream",
                        "    workload: {streams: 1, direction: send, duration: 10s, warmup: 500ms, interval: 200ms}",
                        "    expect: {throughput: {p50: \">= 1 B/s\"}}",
                        ""));
        Path out = dir.resolve("burst.json");
        Path log = dir.resolve("burst-log");
        Process probe = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        nsProbe,
                        java(),
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "probe",
                        "--spec",
                        spec.toString(),
                        "--peer",
                        subnet + ".1:7878",
                        "--token-file",
                        token.toString(),
                        "--out",
                        out.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        Thread.sleep(5_000);
        long slow = LIMIT_BITS_PER_SECOND / 4;
        String changed = run(List.of(
                "ip",
                "netns",
                "exec",
                nsProbe,
                "tc",
                "qdisc",
                "change",
                "dev",
                "iocp" + tag,
                "root",
                "tbf",
                "rate",
                slow / 1_000_000 + "mbit",
                "burst",
                "128kb",
                "latency",
                "50ms"));
        assertTrue(changed == null, "tc qdisc change failed: " + changed);
        if (!probe.waitFor(90, TimeUnit.SECONDS)) {
            probe.destroyForcibly();
            throw new AssertionError("the probe did not finish in 90 s: " + Files.readString(log));
        }
        assertEquals(0, probe.exitValue(), Files.readString(log));
        JsonNode m = aggregate(out, "send");
        JsonNode regimes = m.at("/intervals/regimes");
        double fast = LIMIT_BITS_PER_SECOND / 8.0 * TCP_GOODPUT_SHARE;
        double after = slow / 8.0 * TCP_GOODPUT_SHARE;
        System.out.printf(
                Locale.ROOT,
                "netns burst: goodput ceilings %.0f then %.0f B/s, regimes %s, intervals %s%n",
                fast,
                after,
                regimes,
                Arrays.toString(values(m)));
        assertEquals(2, regimes.size(), "want the fast and the slow regime: " + regimes);
        double first = regimes.get(0).get("rate").asDouble();
        double second = regimes.get(1).get("rate").asDouble();
        assertTrue(
                Math.abs(first / fast - 1) <= 0.05,
                String.format(Locale.ROOT, "first regime %.0f B/s vs %.0f", first, fast));
        assertTrue(
                Math.abs(second / after - 1) <= 0.05,
                String.format(Locale.ROOT, "final regime %.0f B/s vs %.0f", second, after));
    }

    /** Starts {@code iocert serve} with a token in the server namespace; returns the token file. */
    private Path startServe() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "ground-truth-token-" + tag + "-0123456789");
        serve = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        nsServer,
                        java(),
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "serve",
                        "--bind",
                        subnet + ".1",
                        "--port",
                        "7878",
                        "--token-file",
                        token.toString())
                .redirectErrorStream(true)
                .start();
        String first = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8))
                                .readLine();
                    } catch (IOException e) {
                        return "read failed: " + e;
                    }
                })
                .get(30, TimeUnit.SECONDS);
        assertTrue(
                first != null && first.contains("listening on " + subnet + ".1:7878"), "serve did not start: " + first);
        return token;
    }

    /**
     * Runs the probe in the probe namespace and checks both directions against the goodput
     * ceiling: fails when a median is more than 3% above it, returns what was more than 3% below.
     */
    private List<String> measure(Path spec, Path token, int attempt) throws Exception {
        Path out = dir.resolve("result-" + attempt + ".json");
        Path log = dir.resolve("log-" + attempt);
        Process probe = new ProcessBuilder(
                        "ip",
                        "netns",
                        "exec",
                        nsProbe,
                        java(),
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "probe",
                        "--spec",
                        spec.toString(),
                        "--peer",
                        subnet + ".1:7878",
                        "--token-file",
                        token.toString(),
                        "--out",
                        out.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!probe.waitFor(90, TimeUnit.SECONDS)) {
            probe.destroyForcibly();
            throw new AssertionError("the probe did not finish in 90 s: " + Files.readString(log));
        }
        assertEquals(0, probe.exitValue(), Files.readString(log));

        double limit = LIMIT_BITS_PER_SECOND / 8.0;
        double goodput = limit * TCP_GOODPUT_SHARE;
        List<String> low = new java.util.ArrayList<>();
        for (String id : List.of("send", "receive")) {
            JsonNode m = aggregate(out, id);
            assertEquals(subnet + ".1:7878", m.at("/context/peer").asText());
            double[] values = values(m);
            assertTrue(values.length >= 9, "want 10 half-second intervals, got " + Arrays.toString(values));
            double median = median(values);
            System.out.printf(
                    Locale.ROOT,
                    "netns %s: tbf limit %.0f B/s, TCP goodput ceiling %.0f B/s, median %.0f B/s "
                            + "(%+.2f%% of the limit, %+.2f%% of the ceiling), intervals %s%n",
                    id,
                    limit,
                    goodput,
                    median,
                    pct(median, limit),
                    pct(median, goodput),
                    Arrays.toString(values));
            assertTrue(
                    median <= 1.03 * goodput,
                    String.format(
                            Locale.ROOT,
                            "%s: median %.0f B/s is more than 3%% above the TCP goodput ceiling %.0f B/s (%+.2f%%)",
                            id,
                            median,
                            goodput,
                            pct(median, goodput)));
            if (median < 0.97 * goodput) {
                low.add(String.format(
                        Locale.ROOT,
                        "%s: median %.0f B/s, %+.2f%% of the ceiling %.0f B/s",
                        id,
                        median,
                        pct(median, goodput),
                        goodput));
            }
        }
        return low;
    }

    /**
     * The shaper. Its bucket must hold at least what the rate earns between two timer wake-ups
     * (rate / HZ: 100 KB at 200 Mbit/s and HZ 250); a 4 KB bucket lost tokens whenever a wake-up
     * came late, and the link then carried 2-8% less than its rate, more on a busy machine.
     * 128 KB adds at most 1% to a half-second interval.
     */
    private static List<String> tbf(String ns, String dev) {
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
                LIMIT_BITS_PER_SECOND / 1_000_000 + "mbit",
                "burst",
                "128kb",
                "latency",
                "50ms");
    }

    private static JsonNode aggregate(Path result, String id) throws IOException {
        for (JsonNode m : new ObjectMapper().readTree(result.toFile()).get("measurements")) {
            if (id.equals(m.get("id").asText())
                    && "aggregate".equals(m.at("/context/scope").asText())) {
                assertTrue(
                        m.get("error") == null || m.get("error").isNull(),
                        "measurement has an error: " + m.get("error"));
                return m;
            }
        }
        throw new AssertionError("no aggregate throughput for " + id + " in " + result);
    }

    private static double[] values(JsonNode m) {
        JsonNode v = m.at("/intervals/values");
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double pct(double measured, double expected) {
        return (measured / expected - 1) * 100;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs each command in turn; the first that fails, with its output, or null when all succeed. */
    private static String firstFailure(List<?>... commands) throws Exception {
        for (List<?> c : commands) {
            List<String> cmd = new ArrayList<>();
            c.forEach(x -> cmd.add(x.toString()));
            String r = run(cmd);
            if (r != null) {
                return String.join(" ", cmd) + ": " + r;
            }
        }
        return null;
    }

    /** Null on success, else the exit code and output. */
    static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + output;
    }

    static boolean runs(String... cmd) {
        try {
            return run(List.of(cmd)) == null;
        } catch (Exception e) {
            return false;
        }
    }

    static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
