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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ground truth for coordinated runs, on one machine: participant processes ({@code iocert join},
 * each its own JVM) write into one directory while the kernel's cgroup v1 blkio throttle caps
 * them, and {@code iocert coordinate} must report what the kernel enforced.
 *
 * <ul>
 * <li>Three participants in <em>one</em> cgroup share its write limit: the aggregate (their
 *     interval rates summed in time) must be within 5% of that limit, each aggregate interval
 *     the sum of the nodes' shares of it, and the shares must add up to 1.</li>
 * <li>Two participants in cgroups of half that limit each and a third in a tighter one: the third is the
 *     straggler (its rate within 5% of its own limit, the ratio to the median node near
 *     10/30), the straggler requirement fails naming it, and the aggregate is within 5% of the
 *     two limits together.</li>
 * <li>A participant that never joins, and one killed mid-run: the requirement is ERROR naming
 *     both, and the survivor's measurements are kept (no throttle needed; runs without root).</li>
 * </ul>
 *
 * <p>Preconditions as {@link BlkioGroundTruthIT} (root, cgroup v1 blkio, a test directory under
 * {@code /var/tmp} on a real block device); direct I/O, since v1 does not charge buffered
 * writeback to the writer's cgroup. The median of the aggregate intervals after the first is
 * compared with the limit (the throttle lets a fresh cgroup burst a little at first), and the
 * mean over all intervals too.
 */
class CoordinatedGroundTruthIT {
    private static final Path JAR = Path.of("target", "iocert.jar");
    private static final long SHARED_LIMIT = 62_914_560L; // 60 MiB/s, as written to the kernel
    private static final long STRAGGLER_LIMIT = 10_485_760L; // 10 MiB/s
    private static final String WORKLOAD =
            "{pattern: sequential, blockSize: 1MiB, fileSize: 512MiB, threads: 1, direct: true,"
                    + " duration: 12s, interval: 500ms}";
    /*
     * The straggler's verdict bounds each node's median at 98.3% (three nodes share the 95%), from
     * values the throttle makes coarse (whole 1 MiB writes per interval). 20 intervals a node gave an
     * unbounded median in about one run in three (too few batches to tell the coarse steps from
     * dependence); 40 settle it.
     */
    private static final String STRAGGLER_WORKLOAD = WORKLOAD.replace("duration: 12s", "duration: 20s");
    private static final Pattern LISTENING = Pattern.compile("coordinating on ([0-9.]+):([0-9]+)");

    private Path dir;
    private final List<Path> cgroups = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Path base = Path.of("/var/tmp");
        assumeTrue(Files.isDirectory(base) && Files.isWritable(base), base + " is not a writable directory");
        dir = Files.createTempDirectory(base, "iocert-coordinated-it-");
        Files.writeString(dir.resolve("token"), "a-token-for-this-test-only-" + System.nanoTime());
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        for (Path cg : cgroups) {
            BlkioGroundTruthIT.removeCgroup(cg);
        }
        TestTrees.delete(dir);
    }

    @Test
    void shouldSumParticipantsSharingOneThrottleToItsLimit() throws Exception {
        assumeThrottle();
        String dev = BlkioGroundTruthIT.throttleDevice(dir);
        Path shared = cgroup(dev, SHARED_LIMIT);
        Path spec = spec("shared", "aggregate", "median: \">= 1 MB/s\"");
        Path fs = Files.createDirectories(dir.resolve("fs"));

        Process coordinator = coordinate(spec, "p1,p2,p3", "shared");
        String address = address("shared");
        for (String p : List.of("p1", "p2", "p3")) {
            join(address, p, fs, shared);
        }
        int code = finish(coordinator, "shared");

        JsonNode result =
                new ObjectMapper().readTree(dir.resolve("shared/result.json").toFile());
        JsonNode agg = measurement(result, "aggregate", null);
        double[] sum = values(agg);
        double median = median(Arrays.copyOfRange(sum, 1, sum.length));
        double mean = agg.at("/summary/mean").asDouble();
        Map<String, double[]> nodes = new LinkedHashMap<>();
        double shares = 0;
        for (String p : List.of("p1", "p2", "p3")) {
            JsonNode n = measurement(result, "node", p);
            nodes.put(p, values(n));
            shares += n.at("/context/share").asDouble();
        }
        long charged = BlkioGroundTruthIT.serviced(shared.resolve("blkio.throttle.io_service_bytes"), dev, "Write");
        System.out.printf(
                Locale.ROOT,
                "coordinated shared throttle: limit %d B/s, aggregate median after first %.0f (%+.2f%%),"
                        + " mean %.0f (%+.2f%%), %d aligned intervals, start spread %s ns, shares %s (sum %.4f), kernel charged %d"
                        + " bytes%n",
                SHARED_LIMIT,
                median,
                pct(median, SHARED_LIMIT),
                mean,
                pct(mean, SHARED_LIMIT),
                sum.length,
                agg.at("/context/startSpreadNs").asText(),
                agg.at("/context/shares").asText(),
                shares,
                charged);

        assertEquals(0, code, "coordinate: " + Files.readString(dir.resolve("shared.log")));
        // 12 s: a median needs 20 aligned intervals at this confidence, and the nodes' start spread
        // of a few ms costs the common span one; 10 s left 19 and the verdict open (exit 3).
        assertTrue(sum.length >= 20, "want at least 20 aligned 500-ms intervals of 12 s, got " + sum.length);
        assertTrue(
                charged >= (long) (0.9 * SHARED_LIMIT * 12),
                "the kernel charged only " + charged + " bytes to " + shared);
        assertWithin(SHARED_LIMIT, median, "aggregate write throughput, median of the intervals after the first");
        assertWithin(SHARED_LIMIT, mean, "aggregate write throughput, mean of all aligned intervals");
        assertEquals(1.0, shares, 1e-3, "the nodes' shares add up to the aggregate");
        for (int k = 0; k < sum.length; k++) {
            double parts = 0;
            for (double[] v : nodes.values()) {
                parts += v[k];
            }
            assertEquals(sum[k], parts, 1e-6 * sum[k], "aggregate interval " + k + " is the sum of the nodes' parts");
        }
        assertTrue(
                Long.parseLong(agg.at("/context/startSpreadNs").asText()) < 100_000_000L,
                "the barrier started the nodes within 100 ms of each other: " + agg.get("context"));
        try (Stream<Path> s = Files.list(fs)) {
            assertEquals(List.of(), s.toList(), "the participants left files behind in " + fs);
        }
    }

    @Test
    void shouldNameTheParticipantThrottledHarderAsTheStraggler() throws Exception {
        assumeThrottle();
        String dev = BlkioGroundTruthIT.throttleDevice(dir);
        /*
         * Each healthy node gets its own cgroup at half the shared limit: two writers in one cgroup
         * split its budget unevenly (55/45 seen), and the median node is then the slower of the two,
         * which moved the ratio to 0.39 against an expected 0.33 (CI, stop 24). The straggler's own
         * intervals are two-valued (about 9.5 and 11.4 MB/s: the throttle releases whole 1 MiB writes),
         * so its median is one of the two and the ratio 0.30 or 0.36, both within the 15% asserted.
         */
        Path half1 = cgroup(dev, SHARED_LIMIT / 2);
        Path half2 = cgroup(dev, SHARED_LIMIT / 2);
        Path tight = cgroup(dev, STRAGGLER_LIMIT);
        Path spec = spec("straggler", "straggler", "median: \">= 0.8\"", STRAGGLER_WORKLOAD);
        Path fs = Files.createDirectories(dir.resolve("fs"));

        Process coordinator = coordinate(spec, "p1,p2,p3", "straggler");
        String address = address("straggler");
        join(address, "p1", fs, half1);
        join(address, "p2", fs, half2);
        join(address, "p3", fs, tight);
        int code = finish(coordinator, "straggler");

        JsonNode report =
                new ObjectMapper().readTree(dir.resolve("straggler/report.json").toFile());
        JsonNode verdict = report.at("/requirements/0");
        JsonNode result =
                new ObjectMapper().readTree(dir.resolve("straggler/result.json").toFile());
        double[] sum = values(measurement(result, "aggregate", null));
        double aggMedian = median(Arrays.copyOfRange(sum, 1, sum.length));
        double[] p3 = values(measurement(result, "node", "p3"));
        double p3Median = median(Arrays.copyOfRange(p3, 1, p3.length));
        double expectedRatio = (double) STRAGGLER_LIMIT / (SHARED_LIMIT / 2.0);
        System.out.printf(
                Locale.ROOT,
                "coordinated straggler: limits %d each (p1, p2) and %d (p3) B/s; aggregate median %.0f"
                        + " (%+.2f%% of %d), p3 median %.0f (%+.2f%%), ratio %s [%s, %s] (expected about %.3f), shares %s; %s%n",
                SHARED_LIMIT / 2,
                STRAGGLER_LIMIT,
                aggMedian,
                pct(aggMedian, SHARED_LIMIT + STRAGGLER_LIMIT),
                SHARED_LIMIT + STRAGGLER_LIMIT,
                p3Median,
                pct(p3Median, STRAGGLER_LIMIT),
                verdict.get("measured"),
                verdict.at("/ci/low"),
                verdict.at("/ci/high"),
                expectedRatio,
                measurement(result, "aggregate", null).at("/context/shares").asText(),
                verdict.get("reason").asText());

        assertEquals(1, code, "NOT_ELIGIBLE expected: " + Files.readString(dir.resolve("straggler.log")));
        assertEquals("FAIL", verdict.get("verdict").asText(), verdict.toString());
        assertEquals("straggler", verdict.get("variant").asText(), verdict.toString());
        assertTrue(verdict.get("reason").asText().contains("slowest node p3"), verdict.toString());
        assertEquals(expectedRatio, verdict.get("measured").asDouble(), 0.15 * expectedRatio, verdict.toString());
        assertTrue(
                verdict.at("/ci/low").asDouble() <= verdict.get("measured").asDouble()
                        && verdict.get("measured").asDouble()
                                <= verdict.at("/ci/high").asDouble(),
                verdict.toString());
        assertWithin(STRAGGLER_LIMIT, p3Median, "the straggler's own rate, median after the first interval");
        assertWithin(
                SHARED_LIMIT + STRAGGLER_LIMIT,
                aggMedian,
                "aggregate of both cgroups, median after the first interval");
    }

    /** No throttle: a participant that never joins and one killed mid-run are named; the survivor's values are kept. */
    @Test
    void shouldGiveErrorNamingParticipantsThatNeverJoinOrDie() throws Exception {
        Path spec = spec("lost", "per-node", "median: \">= 1 MB/s\"");
        Path fs = Files.createDirectories(dir.resolve("fs"));

        Process coordinator = coordinate(spec, "p1,p2,p3", "lost", "--join-timeout", "20s");
        String address = address("lost");
        join(address, "p1", fs, null);
        Process doomed = join(address, "p2", fs, null);
        // p3 never joins. p2 is killed once the run has started.
        waitFor("lost", "participants ready; start at", 60);
        Thread.sleep(3_000);
        doomed.destroyForcibly();
        int code = finish(coordinator, "lost");

        JsonNode verdict = new ObjectMapper()
                .readTree(dir.resolve("lost/report.json").toFile())
                .at("/requirements/0");
        JsonNode result =
                new ObjectMapper().readTree(dir.resolve("lost/result.json").toFile());
        JsonNode survivor = measurement(result, "node", "p1");
        System.out.printf(
                Locale.ROOT,
                "coordinated lost participants: %s: %s; p1 kept %d intervals%n",
                verdict.get("verdict").asText(),
                verdict.get("reason").asText(),
                values(survivor).length);

        assertEquals(4, code, "ERROR expected: " + Files.readString(dir.resolve("lost.log")));
        assertEquals("ERROR", verdict.get("verdict").asText(), verdict.toString());
        String reason = verdict.get("reason").asText();
        assertTrue(reason.contains("participant p3 never joined"), reason);
        assertTrue(reason.contains("participant p2"), reason);
        assertTrue(values(survivor).length >= 10, "the survivor's series is kept: " + survivor);
        assertTrue(Files.exists(dir.resolve("lost/nodes/p1.result.json")), "the survivor's own result is written");
    }

    private void assumeThrottle() {
        assumeTrue(BlkioGroundTruthIT.isRoot(), "needs root to create blkio cgroups");
        assumeTrue(
                Files.isRegularFile(BlkioGroundTruthIT.BLKIO.resolve("blkio.throttle.write_bps_device")),
                "needs cgroup v1 blkio with throttling at " + BlkioGroundTruthIT.BLKIO);
    }

    private Path cgroup(String dev, long writeLimit) throws IOException {
        Path cg = BlkioGroundTruthIT.createCgroup();
        cgroups.add(cg);
        Files.writeString(cg.resolve("blkio.throttle.write_bps_device"), dev + " " + writeLimit);
        return cg;
    }

    private Path spec(String name, String scope, String statistic) throws IOException {
        return spec(name, scope, statistic, WORKLOAD);
    }

    private Path spec(String name, String scope, String statistic, String workload) throws IOException {
        return Files.writeString(
                dir.resolve(name + ".yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: coordinated-" + name,
                        "budget: 60s",
                        "requirements:",
                        "  - id: " + name,
                        "    probe: fs.write",
                        "    coordinated: {nodes: 3, scope: " + scope + "}",
                        "    workload: " + workload,
                        "    expect: {throughput: {" + statistic + "}}",
                        ""));
    }

    private Process coordinate(Path spec, String participants, String name, String... more) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                java(),
                "-jar",
                JAR.toAbsolutePath().toString(),
                "coordinate",
                "--spec",
                spec.toString(),
                "--participants",
                participants,
                "--port",
                "0",
                "--token-file",
                dir.resolve("token").toString(),
                "--out",
                dir.resolve(name).toString(),
                "--format",
                "json"));
        if (more.length == 0) {
            cmd.addAll(List.of("--join-timeout", "90s"));
        }
        cmd.addAll(List.of(more));
        Process p = new ProcessBuilder(cmd)
                .redirectError(dir.resolve(name + ".log").toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .start();
        processes.add(p);
        return p;
    }

    /** The address the coordinator printed, once it listens. */
    private String address(String name) throws Exception {
        Matcher m = waitFor(name, "coordinating on", 60);
        return m.group(1) + ":" + m.group(2);
    }

    private Matcher waitFor(String name, String text, int seconds) throws Exception {
        Path log = dir.resolve(name + ".log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            String s = Files.exists(log) ? Files.readString(log) : "";
            if (s.contains(text)) {
                Matcher m = LISTENING.matcher(s);
                assertTrue(m.find(), s);
                return m;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no '" + text + "' from the coordinator within " + seconds + " s: "
                + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }

    /** Starts a participant, in {@code cgroup} from its first instruction when given (the shell joins, then execs java). */
    private Process join(String address, String name, Path fs, Path cgroup) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (cgroup != null) {
            cmd.addAll(List.of(
                    "sh",
                    "-c",
                    "echo $$ > \"$1\" && shift && exec \"$@\"",
                    "sh",
                    cgroup.resolve("cgroup.procs").toString()));
        }
        cmd.addAll(List.of(
                java(),
                "-jar",
                JAR.toAbsolutePath().toString(),
                "join",
                "--coordinator",
                address,
                "--token-file",
                dir.resolve("token").toString(),
                "--name",
                name,
                "--fs-path",
                fs.toString()));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".join.log").toFile())
                .start();
        processes.add(p);
        return p;
    }

    private int finish(Process coordinator, String name) throws Exception {
        if (!coordinator.waitFor(240, TimeUnit.SECONDS)) {
            throw new AssertionError(
                    "the coordinated run did not finish in 240 s: " + Files.readString(dir.resolve(name + ".log")));
        }
        return coordinator.exitValue();
    }

    private static JsonNode measurement(JsonNode result, String scope, String node) {
        for (JsonNode m : result.get("measurements")) {
            if ("throughput".equals(m.get("metric").asText())
                    && scope.equals(m.at("/context/scope").asText())
                    && (node == null || node.equals(m.at("/context/node").asText()))) {
                return m;
            }
        }
        throw new AssertionError("no " + scope + " " + (node == null ? "" : node + " ") + "throughput in " + result);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
