package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code ci/slurm/iocert-fleet.sbatch} on real Slurm daemons: a private munged, slurmctld
 * and two slurmd ({@link SlurmTestCluster}), started here and stopped again after the tests, and
 * by a shutdown hook if the JVM is stopped first.
 *
 * <p>Two nodes, not one, because that is what makes a fleet: with one result certify writes a
 * node report, and the interconnect ring would measure a node against itself. Both live on this
 * host, each at a loopback address of its own (127.0.0.2, 127.0.0.3).
 *
 * <p>Preconditions (else skipped, saying which failed): root (munged and slurmd as root, with
 * {@code --force} for munged), the slurm-wlm and munge binaries on PATH, and daemons that start
 * and bring both nodes to idle within 30 s; a skip for a daemon quotes its log tail.
 */
class SlurmFleetIT {
    private static final Path JAR = Path.of("target", "iocert.jar");
    private static final Path SBATCH = Path.of("..", "ci", "slurm", "iocert-fleet.sbatch");
    private static final List<String> NODES = List.of("n1", "n2");
    /** A feature the site gave its nodes: exporting iocert's must keep it. */
    private static final String SITE_FEATURE = "site_fast";
    /** An earlier certification of n1 for another spec. */
    private static final String OTHER_SPEC = "iocert_another_job";

    private static final long JOB_TIMEOUT_SECONDS = 60;

    private static SlurmTestCluster cluster;
    private static Thread hook;
    /** Why this machine cannot run the tests, or null; each test is skipped with it (a class-level skip hides it). */
    private static String skipReason;

    @BeforeAll
    static void startCluster() throws Exception {
        skipReason = SlurmTestCluster.whyNot();
        if (skipReason == null && !Files.isRegularFile(JAR)) {
            skipReason = JAR.toAbsolutePath() + " is missing: run through 'mvn verify'";
        }
        if (skipReason == null) {
            cluster = new SlurmTestCluster(Files.createTempDirectory("iocert-slurm-it-"), NODES, SITE_FEATURE);
            hook = new Thread(cluster::stop, "slurm-it-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            skipReason = cluster.start(List.of());
        }
    }

    @BeforeEach
    void requireCluster() {
        assumeTrue(skipReason == null, skipReason);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
    }

    @Test
    void shouldCertifyATwoNodeFleetWithAnInterconnectRing() throws Exception {
        Path shared = cluster.dir.resolve("fleet-ring");
        Path fs = Files.createDirectories(cluster.dir.resolve("fs-ring"));
        // n1 was certified for another spec earlier: that certification's feature must survive.
        // (Both nodes are set explicitly: the tests share one cluster and run in any order.)
        SlurmTestCluster.Run other = cluster.run(
                10,
                "scontrol",
                "update",
                "NodeName=n1",
                "AvailableFeatures=" + SITE_FEATURE + "," + OTHER_SPEC,
                "ActiveFeatures=" + SITE_FEATURE + "," + OTHER_SPEC);
        assertEquals(0, other.code(), other.out());
        SlurmTestCluster.Run plain =
                cluster.run(10, "scontrol", "update", "NodeName=n2", "ActiveFeatures=" + SITE_FEATURE);
        SlurmTestCluster.Run plainAvailable =
                cluster.run(10, "scontrol", "update", "NodeName=n2", "AvailableFeatures=" + SITE_FEATURE);
        assertEquals(0, plain.code() + plainAvailable.code(), plain.out() + plainAvailable.out());

        SlurmTestCluster.Job job = submit(
                shared,
                Map.of(
                        "IOCERT",
                        iocertCommand(),
                        "IOCERT_SPEC",
                        tinySpec().toString(),
                        "IOCERT_FS_PATH",
                        fs.toString(),
                        "IOCERT_SHARED",
                        shared.toString(),
                        "IOCERT_RING",
                        "1",
                        "IOCERT_RING_WAIT",
                        "30",
                        "IOCERT_APPLY_FEATURES",
                        "1"));

        JsonNode fleet = json(shared.resolve("fleet/report.json"));
        String report = Files.readString(shared.resolve("fleet/report.txt"));
        assertEquals("iocert-fleet-report/1", fleet.get("format").asText(), job.output());
        assertEquals(2, fleet.get("nodes").size(), job.output());
        assertEquals("ELIGIBLE", fleet.get("verdict").asText(), "thresholds any working node meets: " + report);
        assertEquals(0, job.exitCode(), "the job's exit status is the fleet verdict's: " + job.output());
        assertEquals(
                2,
                fleet.at("/summary/nodes/ELIGIBLE").asInt(),
                fleet.get("summary").toString());
        assertTrue(report.contains("Fleet verdict: ELIGIBLE"), report);
        assertEquals(
                List.of(
                        "node\trun_exit\tresult",
                        "n1\t0\t" + shared.resolve("results/n1/result.json"),
                        "n2\t0\t" + shared.resolve("results/n2/result.json")),
                Files.readAllLines(shared.resolve("fleet/nodes.tsv")));
        // The ring: n1 measured against n2's server and n2 against n1's, each at its NodeAddr.
        for (int i = 0; i < NODES.size(); i++) {
            String node = NODES.get(i);
            int next = (i + 1) % NODES.size();
            String published = Files.readString(shared.resolve("ring/" + NODES.get(next) + ".addr"))
                    .trim();
            assertTrue(published.matches(cluster.nodeAddrs.get(next).replace(".", "\\.") + ":\\d+"), published);
            JsonNode result = json(shared.resolve("results/" + node + "/result.json"));
            assertEquals("iocert-result/2", result.get("format").asText());
            assertEquals(
                    published,
                    measurement(result, "ring-rtt").at("/context/peer").asText(),
                    node + " should have measured against the next node's iocert serve");
            assertTrue(measurement(result, "small-write").get("samples").asLong() > 0, result.toString());
        }
        // Applied on the live cluster: iocert's features beside the site's, and the Extra JSON.
        for (String node : NODES) {
            String show = cluster.run(10, "scontrol", "show", "node", node).out();
            List<String> expected = new ArrayList<>(List.of(
                    "iocert_slurm_fleet_it",
                    "iocert_slurm_fleet_it__ring_rtt",
                    "iocert_slurm_fleet_it__small_write",
                    SITE_FEATURE));
            if (node.equals("n1")) {
                expected.add(0, OTHER_SPEC);
            }
            for (String field : List.of("AvailableFeatures", "ActiveFeatures")) {
                assertEquals(expected, features(show, field), node + " " + field + ": " + show);
            }
            assertTrue(show.contains("Extra={\"iocert\":"), node + ": " + show);
        }
        assertTrue(job.output().contains("export: applied node features on n1 n2"), job.output());
        // Applying again changes nothing (the scripts only update what differs).
        String again = cluster.run(
                        30, "sh", shared.resolve("fleet/features/n1.sh").toString())
                .out();
        assertEquals(
                List.of(
                        OTHER_SPEC,
                        "iocert_slurm_fleet_it",
                        "iocert_slurm_fleet_it__ring_rtt",
                        "iocert_slurm_fleet_it__small_write",
                        SITE_FEATURE),
                features(cluster.run(10, "scontrol", "show", "node", "n1").out(), "ActiveFeatures"),
                again);
        assertEquals(List.of(), leftoverServers(), "the ring's iocert serve processes must stop with the job");
        try (Stream<Path> s = Files.list(fs)) {
            assertEquals(List.of(), s.toList(), "the probes must leave the fs-path as they found it");
        }
    }

    @Test
    void shouldCertifyTheOtherNodesWhenOneNodesRunFails() throws Exception {
        Path shared = cluster.dir.resolve("fleet-failing");
        Path fs = Files.createDirectories(cluster.dir.resolve("fs-failing"));
        // The iocert command as a user might wrap it; on n2 'run' dies before writing anything.
        Path wrapper = Files.writeString(
                cluster.dir.resolve("iocert-failing-on-n2"),
                String.join(
                        "\n",
                        "#!/bin/bash",
                        "if [[ \"$1\" == run && \"$SLURMD_NODENAME\" == n2 ]]; then",
                        "  echo 'simulated crash of iocert run on n2' >&2",
                        "  exit 4",
                        "fi",
                        "exec " + iocertCommand() + " \"$@\"",
                        ""));
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));

        // n2 passed this spec in an earlier run and holds another spec's feature too.
        SlurmTestCluster.Run earlier = cluster.run(
                10,
                "scontrol",
                "update",
                "NodeName=n2",
                "AvailableFeatures=" + SITE_FEATURE + ",iocert_slurm_fleet_it," + OTHER_SPEC,
                "ActiveFeatures=" + SITE_FEATURE + ",iocert_slurm_fleet_it," + OTHER_SPEC);
        assertEquals(0, earlier.code(), earlier.out());
        SlurmTestCluster.Job job = submit(
                shared,
                Map.of(
                        "IOCERT",
                        wrapper.toString(),
                        "IOCERT_SPEC",
                        tinySpec().toString(),
                        "IOCERT_FS_PATH",
                        fs.toString(),
                        "IOCERT_SHARED",
                        shared.toString(),
                        "IOCERT_RING",
                        "1",
                        "IOCERT_RING_WAIT",
                        "30",
                        "IOCERT_APPLY_FEATURES",
                        "1"));

        assertEquals(4, job.exitCode(), "a node without a result makes the fleet an ERROR: " + job.output());
        assertEquals(
                List.of(
                        "node\trun_exit\tresult",
                        "n1\t0\t" + shared.resolve("results/n1/result.json"),
                        "n2\t4\tmissing"),
                Files.readAllLines(shared.resolve("fleet/nodes.tsv")));
        assertTrue(Files.readString(shared.resolve("results/n2/run.log")).contains("simulated crash"));
        JsonNode n1 = json(shared.resolve("results/n1/result.json"));
        // n2's run failed, but its server still served n1 until n1 was done.
        assertEquals(
                Files.readString(shared.resolve("ring/n2.addr")).trim(),
                measurement(n1, "ring-rtt").at("/context/peer").asText());
        String report = Files.readString(shared.resolve("fleet/report.txt"));
        assertTrue(report.contains("MISSING: n2 (iocert run exit 4;"), report);
        JsonNode fleet = json(shared.resolve("fleet/report.json"));
        // One result: certify writes a node report (a fleet report would hold one node).
        JsonNode only = fleet.has("nodes")
                ? fleet.get("nodes")
                : new ObjectMapper().createArrayNode().add(fleet);
        assertEquals(1, only.size(), fleet.toString());
        assertEquals("ELIGIBLE", only.get(0).get("verdict").asText(), report);
        assertTrue(Files.isRegularFile(shared.resolve("fleet/features/n1.sh")), job.output());
        assertTrue(Files.notExists(shared.resolve("fleet/features/n2.sh")), "no result, no features: " + job.output());
        // n2 left no result: this spec's feature is withdrawn, the site's and the other spec's stay.
        String n2 = cluster.run(10, "scontrol", "show", "node", "n2").out();
        for (String field : List.of("AvailableFeatures", "ActiveFeatures")) {
            assertEquals(List.of(OTHER_SPEC, SITE_FEATURE), features(n2, field), field + ": " + n2 + job.output());
        }
        assertTrue(n2.contains("\"withdrawn\":\"no current result\""), n2);
        assertTrue(job.output().contains("export: withdrew this spec's features from n2"), job.output());
        assertTrue(
                features(cluster.run(10, "scontrol", "show", "node", "n1").out(), "ActiveFeatures")
                        .contains("iocert_slurm_fleet_it"),
                "n1 passed and gets the spec's feature");
        assertEquals(List.of(), leftoverServers(), "n2's iocert serve must stop although its run failed");
    }

    @Test
    void shouldStopWithAUsageErrorWhenNoSpecIsGiven() throws Exception {
        Path shared = cluster.dir.resolve("fleet-nospec");

        SlurmTestCluster.Job job =
                submit(shared, Map.of("IOCERT", iocertCommand(), "IOCERT_SHARED", shared.toString()));

        assertEquals(2, job.exitCode(), job.output());
        assertTrue(job.output().contains("set IOCERT_SPEC to the job I/O spec"), job.output());
        assertTrue(Files.notExists(shared), "nothing may be written before the settings are checked");
    }

    /** Submits the fleet template on both nodes and waits for it. */
    private static SlurmTestCluster.Job submit(Path shared, Map<String, String> env) throws Exception {
        return cluster.submit(
                shared.getFileName().toString(),
                List.of("-N", Integer.toString(NODES.size())),
                SBATCH,
                env,
                JOB_TIMEOUT_SECONDS);
    }

    /** The sorted features of one field ("AvailableFeatures=a,b") of 'scontrol show node' output. */
    private static List<String> features(String show, String field) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\\b" + field + "=(\\S*)").matcher(show);
        assertTrue(m.find(), field + " in " + show);
        String value = m.group(1);
        return value.equals("(null)")
                ? List.of()
                : java.util.Arrays.stream(value.split(","))
                        .filter(x -> !x.isEmpty())
                        .sorted()
                        .toList();
    }

    private static List<String> leftoverServers() {
        String mark = cluster.dir.toString();
        return ProcessHandle.allProcesses()
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(" serve ") && c.contains(mark))
                .toList();
    }

    /**
     * One file-system requirement and one interconnect requirement, 2 s each: a run of seconds.
     * Thresholds any working node meets, on means: the test is about the fleet plumbing, and on a
     * machine that other builds keep busy a 2-s quantile can honestly be INCONCLUSIVE (a p50 of
     * 18,866 round trips was, when batches differed so much that the design effect left too few
     * effective samples), while batch means always give a finite interval. The write stops at
     * its 4 MiB; its budget is only a cap, and 2 s was once spent before the first write on a
     * machine running two nodes' probes and a build at once ("measured nothing").
     */
    private static Path tinySpec() throws IOException {
        return Files.writeString(
                cluster.dir.resolve("tiny.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: slurm-fleet-it",
                        "budget: 2s",
                        "requirements:",
                        "  - id: small-write",
                        "    probe: fs.write",
                        "    budget: 10s",
                        "    workload: {pattern: sequential, blockSize: 64KiB, fileSize: 4MiB, threads: 1}",
                        "    expect: {latency: {mean: \"<= 1 s\"}}",
                        "  - id: ring-rtt",
                        "    probe: net.pingpong",
                        "    workload: {messageSize: 1KiB}",
                        "    expect: {rtt: {mean: \"<= 1 s\"}}",
                        ""));
    }

    private static String iocertCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -jar "
                + JAR.toAbsolutePath().normalize();
    }

    private static JsonNode json(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " was not written");
        return new ObjectMapper().readTree(file.toFile());
    }

    private static JsonNode measurement(JsonNode result, String id) {
        for (JsonNode m : result.get("measurements")) {
            if (id.equals(m.get("id").asText())
                    && (m.get("error") == null || m.get("error").isNull())) {
                return m;
            }
        }
        throw new AssertionError("no measurement '" + id + "' without error in " + result);
    }
}
