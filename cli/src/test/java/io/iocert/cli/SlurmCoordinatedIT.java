package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ci/slurm/iocert-coordinated.sbatch} on real Slurm daemons ({@link SlurmTestCluster}, two
 * slurmd on one host): the batch node coordinates, {@code srun} starts a participant on each
 * node under its Slurm node name, and the job's exit status is the coordinated verdict.
 * Preconditions as {@link SlurmFleetIT} (else skipped, saying which failed).
 */
class SlurmCoordinatedIT {
    private static final Path JAR = Path.of("target", "iocert.jar");
    private static final Path SBATCH = Path.of("..", "ci", "slurm", "iocert-coordinated.sbatch");
    private static final List<String> NODES = List.of("n1", "n2");

    private static SlurmTestCluster cluster;
    private static Thread hook;
    private static String skipReason;

    @BeforeAll
    static void startCluster() throws Exception {
        skipReason = SlurmTestCluster.whyNot();
        if (skipReason == null && !Files.isRegularFile(JAR)) {
            skipReason = JAR.toAbsolutePath() + " is missing: run through 'mvn verify'";
        }
        if (skipReason == null) {
            cluster =
                    new SlurmTestCluster(Files.createTempDirectory("iocert-slurm-coordinated-it-"), NODES, "site_fast");
            hook = new Thread(cluster::stop, "slurm-coordinated-it-cleanup");
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
    void shouldCoordinateBothNodesOfTheAllocation() throws Exception {
        Path shared = cluster.dir.resolve("coordinated");
        Path fs = Files.createDirectories(cluster.dir.resolve("fs-coordinated"));
        // A run of seconds with thresholds any working node meets, on means (see SlurmFleetIT.tinySpec).
        Path spec = Files.writeString(
                cluster.dir.resolve("together.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: slurm-coordinated-it",
                        "budget: 20s",
                        "requirements:",
                        "  - id: together",
                        "    probe: fs.write",
                        "    coordinated: {nodes: 2, scope: per-node}",
                        "    workload: {pattern: sequential, blockSize: 64KiB, fileSize: 16MiB, duration: 2s, interval: 100ms}",
                        "    expect: {latency: {mean: \"<= 1 s\"}}",
                        ""));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String iocert = Path.of(System.getProperty("java.home"), "bin", "java") + " -jar "
                + JAR.toAbsolutePath().normalize();

        SlurmTestCluster.Job job = cluster.submit(
                "coordinated",
                List.of("-N", "2"),
                SBATCH,
                Map.of(
                        "IOCERT",
                        iocert,
                        "IOCERT_SPEC",
                        spec.toString(),
                        "IOCERT_FS_PATH",
                        fs.toString(),
                        "IOCERT_SHARED",
                        shared.toString(),
                        "IOCERT_PORT",
                        Integer.toString(port),
                        "IOCERT_JOIN_TIMEOUT",
                        "60s"),
                120);

        String logs = job.output() + SlurmTestCluster.read(shared.resolve("logs/coordinate.log"));
        assertEquals(0, job.exitCode(), "ELIGIBLE expected: " + logs);
        JsonNode result = new ObjectMapper()
                .readTree(shared.resolve("coordinated/result.json").toFile());
        JsonNode aggregate = result.get("measurements").get(0);
        assertEquals("aggregate", aggregate.at("/context/scope").asText(), aggregate.toString());
        assertEquals("n1,n2", aggregate.at("/context/participants").asText(), "named by their Slurm node names");
        assertTrue(Files.exists(shared.resolve("coordinated/nodes/n1.result.json")), logs);
        assertTrue(Files.exists(shared.resolve("coordinated/nodes/n2.result.json")), logs);
        assertTrue(job.output().contains("together (per-node)"), "the report is in the job output: " + job.output());
        try (var left = Files.list(fs)) {
            assertEquals(0, left.count(), "the participants cleaned up");
        }
    }

    @Test
    void shouldStopWithAUsageErrorWhenNoSpecIsGiven() throws Exception {
        Path shared = cluster.dir.resolve("coordinated-nospec");
        SlurmTestCluster.Job job = cluster.submit(
                "coordinated-nospec", List.of("-N", "2"), SBATCH, Map.of("IOCERT_SHARED", shared.toString()), 60);
        assertEquals(2, job.exitCode(), job.output());
        assertTrue(job.output().contains("set IOCERT_SPEC to the job I/O spec"), job.output());
        assertTrue(Files.notExists(shared), "nothing may be written before the settings are checked");
    }
}
