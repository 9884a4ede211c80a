package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code ci/slurm/iocert-fleet.sbatch} on real Slurm daemons: a private munged, slurmctld
 * and two slurmd, all started here with their configuration, sockets, state and logs in one
 * temporary directory, and stopped again (after the tests, and by a shutdown hook if the JVM is
 * stopped first). The system's /etc/slurm, /etc/munge and services are not touched.
 *
 * <p>The two Slurm nodes live on this host: each slurmd has its own port and a NodeAddr of its
 * own on the loopback network (127.0.0.2, 127.0.0.3), and both declare the hardware
 * {@code slurmd -C} reports. Two nodes, not one, because that is what makes a fleet: with one
 * result certify writes a node report, and the interconnect ring would measure a node against
 * itself.
 *
 * <p>Preconditions (else skipped, saying which failed): root (munged and slurmd as root, with
 * {@code --force} for munged), the slurm-wlm and munge binaries on PATH, and daemons that start
 * and bring both nodes to idle within 30 s; a skip for a daemon quotes its log tail.
 */
class SlurmFleetIT {
    private static final Path JAR = Path.of("target", "iocert.jar");
    private static final Path SBATCH = Path.of("..", "ci", "slurm", "iocert-fleet.sbatch");
    private static final List<String> BINARIES = List.of("munged", "slurmctld", "slurmd", "sbatch", "srun", "squeue",
            "sinfo", "scontrol", "scancel");
    private static final List<String> NODES = List.of("n1", "n2");
    /** A feature the site gave its nodes: exporting iocert's must keep it. */
    private static final String SITE_FEATURE = "site_fast";
    /** An earlier certification of n1 for another spec. */
    private static final String OTHER_SPEC = "iocert_another_job";
    private static final List<String> NODE_ADDRS = List.of("127.0.0.2", "127.0.0.3");
    private static final long JOB_TIMEOUT_SECONDS = 60;
    private static final List<String> FINAL_STATES = List.of("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL",
            "OUT_OF_MEMORY", "BOOT_FAIL", "DEADLINE", "PREEMPTED");

    private static Cluster cluster;
    private static Thread hook;
    /** Why this machine cannot run the tests, or null; each test is skipped with it (a class-level skip hides it). */
    private static String skipReason;

    @BeforeAll
    static void startCluster() throws Exception {
        List<String> absent = BINARIES.stream().filter(b -> which(b) == null).toList();
        if (!isRoot()) {
            skipReason = "needs root: munged, slurmctld and slurmd run as root here (SlurmUser=root)";
        } else if (!absent.isEmpty()) {
            skipReason = "slurm-wlm and munge are not installed: " + absent + " not on PATH";
        } else if (!Files.isRegularFile(JAR)) {
            skipReason = JAR.toAbsolutePath() + " is missing: run through 'mvn verify'";
        } else {
            cluster = new Cluster(Files.createTempDirectory("iocert-slurm-it-"));
            hook = new Thread(cluster::stop, "slurm-it-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            skipReason = cluster.start();
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
        Run other = cluster.run(10, "scontrol", "update", "NodeName=n1", "AvailableFeatures=" + SITE_FEATURE + "," + OTHER_SPEC,
                "ActiveFeatures=" + SITE_FEATURE + "," + OTHER_SPEC);
        assertEquals(0, other.code(), other.out());
        Run plain = cluster.run(10, "scontrol", "update", "NodeName=n2", "ActiveFeatures=" + SITE_FEATURE);
        Run plainAvailable = cluster.run(10, "scontrol", "update", "NodeName=n2", "AvailableFeatures=" + SITE_FEATURE);
        assertEquals(0, plain.code() + plainAvailable.code(), plain.out() + plainAvailable.out());

        Job job = cluster.submit(shared, Map.of("IOCERT", iocertCommand(), "IOCERT_SPEC", tinySpec().toString(),
                "IOCERT_FS_PATH", fs.toString(), "IOCERT_SHARED", shared.toString(), "IOCERT_RING", "1",
                "IOCERT_RING_WAIT", "30", "IOCERT_APPLY_FEATURES", "1"));

        JsonNode fleet = json(shared.resolve("fleet/report.json"));
        String report = Files.readString(shared.resolve("fleet/report.txt"));
        assertEquals("iocert-fleet-report/1", fleet.get("format").asText(), job.output());
        assertEquals(2, fleet.get("nodes").size(), job.output());
        assertEquals("ELIGIBLE", fleet.get("verdict").asText(), "thresholds any working node meets: " + report);
        assertEquals(0, job.exitCode(), "the job's exit status is the fleet verdict's: " + job.output());
        assertEquals(2, fleet.at("/summary/nodes/ELIGIBLE").asInt(), fleet.get("summary").toString());
        assertTrue(report.contains("Fleet verdict: ELIGIBLE"), report);
        assertEquals(List.of("node\trun_exit\tresult", "n1\t0\t" + shared.resolve("results/n1/result.json"),
                "n2\t0\t" + shared.resolve("results/n2/result.json")), Files.readAllLines(shared.resolve("fleet/nodes.tsv")));
        // The ring: n1 measured against n2's server and n2 against n1's, each at its NodeAddr.
        for (int i = 0; i < NODES.size(); i++) {
            String node = NODES.get(i);
            int next = (i + 1) % NODES.size();
            String published = Files.readString(shared.resolve("ring/" + NODES.get(next) + ".addr")).trim();
            assertTrue(published.matches(NODE_ADDRS.get(next).replace(".", "\\.") + ":\\d+"), published);
            JsonNode result = json(shared.resolve("results/" + node + "/result.json"));
            assertEquals("iocert-result/1", result.get("format").asText());
            assertEquals(published, measurement(result, "ring-rtt").at("/context/peer").asText(),
                    node + " should have measured against the next node's iocert serve");
            assertTrue(measurement(result, "small-write").get("samples").asLong() > 0, result.toString());
        }
        // Applied on the live cluster: iocert's features beside the site's, and the Extra JSON.
        for (String node : NODES) {
            String show = cluster.run(10, "scontrol", "show", "node", node).out();
            List<String> expected = new ArrayList<>(List.of("iocert_slurm_fleet_it", "iocert_slurm_fleet_it__ring_rtt",
                    "iocert_slurm_fleet_it__small_write", SITE_FEATURE));
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
        String again = cluster.run(30, "sh", shared.resolve("fleet/features/n1.sh").toString()).out();
        assertEquals(List.of(OTHER_SPEC, "iocert_slurm_fleet_it", "iocert_slurm_fleet_it__ring_rtt",
                "iocert_slurm_fleet_it__small_write", SITE_FEATURE), features(cluster.run(10, "scontrol", "show", "node", "n1").out(),
                "ActiveFeatures"), again);
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
        Path wrapper = Files.writeString(cluster.dir.resolve("iocert-failing-on-n2"), String.join("\n",
                "#!/bin/bash",
                "if [[ \"$1\" == run && \"$SLURMD_NODENAME\" == n2 ]]; then",
                "  echo 'simulated crash of iocert run on n2' >&2",
                "  exit 4",
                "fi",
                "exec " + iocertCommand() + " \"$@\"", ""));
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));

        // n2 passed this spec in an earlier run and holds another spec's feature too.
        Run earlier = cluster.run(10, "scontrol", "update", "NodeName=n2",
                "AvailableFeatures=" + SITE_FEATURE + ",iocert_slurm_fleet_it," + OTHER_SPEC,
                "ActiveFeatures=" + SITE_FEATURE + ",iocert_slurm_fleet_it," + OTHER_SPEC);
        assertEquals(0, earlier.code(), earlier.out());
        Job job = cluster.submit(shared, Map.of("IOCERT", wrapper.toString(), "IOCERT_SPEC", tinySpec().toString(),
                "IOCERT_FS_PATH", fs.toString(), "IOCERT_SHARED", shared.toString(), "IOCERT_RING", "1",
                "IOCERT_RING_WAIT", "30", "IOCERT_APPLY_FEATURES", "1"));

        assertEquals(4, job.exitCode(), "a node without a result makes the fleet an ERROR: " + job.output());
        assertEquals(List.of("node\trun_exit\tresult", "n1\t0\t" + shared.resolve("results/n1/result.json"),
                "n2\t4\tmissing"), Files.readAllLines(shared.resolve("fleet/nodes.tsv")));
        assertTrue(Files.readString(shared.resolve("results/n2/run.log")).contains("simulated crash"));
        JsonNode n1 = json(shared.resolve("results/n1/result.json"));
        // n2's run failed, but its server still served n1 until n1 was done.
        assertEquals(Files.readString(shared.resolve("ring/n2.addr")).trim(),
                measurement(n1, "ring-rtt").at("/context/peer").asText());
        String report = Files.readString(shared.resolve("fleet/report.txt"));
        assertTrue(report.contains("MISSING: n2 (iocert run exit 4;"), report);
        JsonNode fleet = json(shared.resolve("fleet/report.json"));
        // One result: certify writes a node report (a fleet report would hold one node).
        JsonNode only = fleet.has("nodes") ? fleet.get("nodes") : new ObjectMapper().createArrayNode().add(fleet);
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
        assertTrue(features(cluster.run(10, "scontrol", "show", "node", "n1").out(), "ActiveFeatures")
                .contains("iocert_slurm_fleet_it"), "n1 passed and gets the spec's feature");
        assertEquals(List.of(), leftoverServers(), "n2's iocert serve must stop although its run failed");
    }

    @Test
    void shouldStopWithAUsageErrorWhenNoSpecIsGiven() throws Exception {
        Path shared = cluster.dir.resolve("fleet-nospec");

        Job job = cluster.submit(shared, Map.of("IOCERT", iocertCommand(), "IOCERT_SHARED", shared.toString()));

        assertEquals(2, job.exitCode(), job.output());
        assertTrue(job.output().contains("set IOCERT_SPEC to the job I/O spec"), job.output());
        assertTrue(Files.notExists(shared), "nothing may be written before the settings are checked");
    }

    /** The sorted features of one field ("AvailableFeatures=a,b") of 'scontrol show node' output. */
    private static List<String> features(String show, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b" + field + "=(\\S*)").matcher(show);
        assertTrue(m.find(), field + " in " + show);
        String value = m.group(1);
        return value.equals("(null)") ? List.of()
                : java.util.Arrays.stream(value.split(",")).filter(x -> !x.isEmpty()).sorted().toList();
    }

    private static List<String> leftoverServers() {
        String mark = cluster.dir.toString();
        return ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(" serve ") && c.contains(mark)).toList();
    }

    /**
     * One file-system requirement and one interconnect requirement, 2 s each: a run of seconds.
     * Thresholds any working node meets, on means: the test is about the fleet plumbing, and on a
     * machine that other builds keep busy a 2-s quantile can honestly be INCONCLUSIVE (a p50 of
     * 18,866 round trips was, when batches differed so much that the design effect left too few
     * effective samples), while batch means always give a finite interval.
     */
    private static Path tinySpec() throws IOException {
        return Files.writeString(cluster.dir.resolve("tiny.yaml"), String.join("\n",
                "iocert: v1", "name: slurm-fleet-it", "budget: 2s", "requirements:",
                "  - id: small-write", "    probe: fs.write",
                "    workload: {pattern: sequential, blockSize: 64KiB, fileSize: 4MiB, threads: 1}",
                "    expect: {latency: {mean: \"<= 1 s\"}}",
                "  - id: ring-rtt", "    probe: net.pingpong", "    workload: {messageSize: 1KiB}",
                "    expect: {rtt: {mean: \"<= 1 s\"}}", ""));
    }

    private static String iocertCommand() {
        return Path.of(System.getProperty("java.home"), "bin", "java") + " -jar " + JAR.toAbsolutePath().normalize();
    }

    private static JsonNode json(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " was not written");
        return new ObjectMapper().readTree(file.toFile());
    }

    private static JsonNode measurement(JsonNode result, String id) {
        for (JsonNode m : result.get("measurements")) {
            if (id.equals(m.get("id").asText()) && (m.get("error") == null || m.get("error").isNull())) {
                return m;
            }
        }
        throw new AssertionError("no measurement '" + id + "' without error in " + result);
    }

    record Job(int exitCode, String output) {
    }

    record Run(int code, String out) {
    }

    /** A private Slurm cluster of two nodes on this host, and the processes it started. */
    static final class Cluster {
        final Path dir;
        private final Path conf;
        private final Path mungeSocket;
        private final List<Daemon> daemons = new ArrayList<>();

        Cluster(Path dir) {
            this.dir = dir;
            this.conf = dir.resolve("slurm.conf");
            this.mungeSocket = dir.resolve("munge/munge.socket");
        }

        /** Starts munged, slurmctld and the slurmds; null once both nodes are idle, else why not. */
        String start() throws Exception {
            Path munge = Files.createDirectories(dir.resolve("munge"));
            Path key = munge.resolve("munge.key");
            byte[] bytes = new byte[128];
            new SecureRandom().nextBytes(bytes);
            Files.write(key, bytes);
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
            String problem = daemon("munged", List.of("munged", "--foreground", "--force", "--socket=" + mungeSocket,
                    "--key-file=" + key, "--pid-file=" + munge.resolve("munged.pid"), "--log-file=" + munge.resolve("munged.log"),
                    "--seed-file=" + munge.resolve("munged.seed")), () -> Files.exists(mungeSocket));
            if (problem != null) {
                return problem;
            }
            Run hw = run(10, "slurmd", "-C");
            String nodeLine = hw.out().lines().filter(l -> l.startsWith("NodeName=")).findFirst().orElse("");
            if (hw.code() != 0 || !nodeLine.startsWith("NodeName=")) {
                return "'slurmd -C' did not describe this host (exit " + hw.code() + "): " + hw.out();
            }
            String host = nodeLine.substring("NodeName=".length()).split("\\s+")[0];
            String hardware = nodeLine.substring(nodeLine.indexOf(' ') + 1).trim();
            int[] ports = freePorts(1 + NODES.size());
            List<String> lines = new ArrayList<>(List.of(
                    "ClusterName=iocertit",
                    "SlurmctldHost=" + host + "(127.0.0.1)",
                    "SlurmctldPort=" + ports[0],
                    "SlurmUser=root",
                    "SlurmdUser=root",
                    "AuthType=auth/munge",
                    "CredType=cred/munge",
                    "AuthInfo=socket=" + mungeSocket,
                    "StateSaveLocation=" + Files.createDirectories(dir.resolve("state")),
                    "SlurmdSpoolDir=" + dir.resolve("spool-%n"),
                    "SlurmctldPidFile=" + dir.resolve("slurmctld.pid"),
                    "SlurmdPidFile=" + dir.resolve("slurmd-%n.pid"),
                    "SlurmctldLogFile=" + dir.resolve("slurmctld.log"),
                    "SlurmdLogFile=" + dir.resolve("slurmd-%n.log"),
                    "PlugStackConfig=" + Files.writeString(dir.resolve("plugstack.conf"), ""),
                    "MailProg=/bin/true",
                    "ProctrackType=proctrack/linuxproc",
                    "TaskPlugin=task/none",
                    "JobAcctGatherType=jobacct_gather/none",
                    "AccountingStorageType=accounting_storage/none",
                    "JobCompType=jobcomp/none",
                    "MpiDefault=none",
                    "SwitchType=switch/none",
                    "SchedulerType=sched/builtin",
                    "SelectType=select/cons_tres",
                    "SelectTypeParameters=CR_Core",
                    "ReturnToService=2"));
            for (int i = 0; i < NODES.size(); i++) {
                Files.createDirectories(dir.resolve("spool-" + NODES.get(i)));
                lines.add("NodeName=" + NODES.get(i) + " NodeHostname=" + host + " NodeAddr=" + NODE_ADDRS.get(i)
                        + " Port=" + ports[1 + i] + " " + hardware + " Feature=" + SITE_FEATURE + " State=UNKNOWN");
            }
            lines.add("PartitionName=iocertit Nodes=ALL Default=YES MaxTime=INFINITE State=UP");
            Files.write(conf, lines);
            problem = daemon("slurmctld", List.of("slurmctld", "-D", "-f", conf.toString()),
                    () -> run(5, "scontrol", "ping").out().contains("UP"));
            if (problem != null) {
                return problem;
            }
            for (String node : NODES) {
                problem = daemon("slurmd-" + node, List.of("slurmd", "-D", "-f", conf.toString(), "-N", node), () -> true);
                if (problem != null) {
                    return problem;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String states = "";
            while (System.nanoTime() < deadline) {
                states = run(5, "sinfo", "-h", "-N", "-o", "%N %t").out().trim();
                if (states.lines().filter(l -> l.endsWith(" idle")).count() == NODES.size()) {
                    return null;
                }
                String dead = deadDaemons();
                if (dead != null) {
                    return dead;
                }
                Thread.sleep(200);
            }
            return "the Slurm nodes did not become idle in 30 s (sinfo: " + states + ")" + tails();
        }

        interface Ready {
            boolean check() throws Exception;
        }

        record Daemon(String name, Process process, Path log) {
        }

        /** Starts one daemon in the foreground and waits up to 20 s for it to be ready; null or why not. */
        private String daemon(String name, List<String> cmd, Ready ready) throws Exception {
            Path log = dir.resolve(name + ".out");
            Process p = builder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            daemons.add(new Daemon(name, p, log));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                if (!p.isAlive()) {
                    return name + " exited with " + p.exitValue() + tail(name, log);
                }
                if (ready.check()) {
                    return null;
                }
                Thread.sleep(100);
            }
            return name + " was not ready in 20 s" + tail(name, log);
        }

        private String deadDaemons() throws IOException {
            for (Daemon d : daemons) {
                if (!d.process().isAlive()) {
                    return d.name() + " exited with " + d.process().exitValue() + tails();
                }
            }
            return null;
        }

        private String tails() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (Daemon d : daemons) {
                sb.append(tail(d.name(), d.log()));
            }
            return sb.toString();
        }

        private static String tail(String name, Path log) throws IOException {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            return "\n--- last lines of " + name + " (" + log + "):\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        }

        /**
         * Submits the fleet template, waits for it and returns its exit status and output. Polls
         * scontrol rather than using {@code sbatch --wait}, whose 10-s polling would triple the
         * test's time.
         */
        Job submit(Path shared, Map<String, String> env) throws Exception {
            String name = shared.getFileName().toString();
            Path out = dir.resolve(name + ".out");
            Path submitLog = dir.resolve(name + ".sbatch");
            ProcessBuilder pb = builder(List.of("sbatch", "--parsable", "-N", Integer.toString(NODES.size()),
                    "--job-name=" + name, "-o", out.toString(), SBATCH.toAbsolutePath().normalize().toString()))
                    .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(submitLog.toFile());
            pb.environment().putAll(env);
            long startNs = System.nanoTime();
            Process p = pb.start();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "sbatch did not return: " + read(submitLog));
            assertEquals(0, p.exitValue(), "sbatch refused the job: " + read(submitLog));
            String id = read(submitLog).trim().split(";")[0];
            long deadline = startNs + TimeUnit.SECONDS.toNanos(JOB_TIMEOUT_SECONDS);
            while (true) {
                String show = run(10, "scontrol", "show", "job", "-o", id).out();
                Matcher state = Pattern.compile("JobState=(\\S+)").matcher(show);
                Matcher exit = Pattern.compile("ExitCode=(\\d+):(\\d+)").matcher(show);
                if (state.find() && FINAL_STATES.contains(state.group(1)) && exit.find()) {
                    int signal = Integer.parseInt(exit.group(2));
                    int code = signal != 0 ? 128 + signal : Integer.parseInt(exit.group(1));
                    System.out.printf(Locale.ROOT, "SlurmFleetIT: job %s %s, exit %d, after %.1f s%n", name, state.group(1),
                            code, (System.nanoTime() - startNs) / 1e9);
                    return new Job(code, read(out));
                }
                if (System.nanoTime() > deadline) {
                    run(10, "scancel", id);
                    throw new AssertionError("the fleet job did not end in " + JOB_TIMEOUT_SECONDS + " s (" + show.trim()
                            + "): " + read(out) + tails());
                }
                Thread.sleep(250);
            }
        }

        /** Runs a client command against this cluster; exit -1 if it did not end in time. */
        Run run(int timeoutSeconds, String... cmd) throws IOException, InterruptedException {
            Path out = Files.createTempFile(dir, "cmd-", ".out");
            try {
                Process p = builder(Arrays.asList(cmd)).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    return new Run(-1, read(out));
                }
                return new Run(p.exitValue(), read(out));
            } finally {
                Files.deleteIfExists(out);
            }
        }

        /** A process with this cluster's configuration and no Slurm variables of an enclosing job. */
        private ProcessBuilder builder(List<String> cmd) {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().keySet().removeIf(k -> k.startsWith("SLURM_") || k.startsWith("SBATCH_")
                    || k.startsWith("SRUN_") || k.startsWith("IOCERT"));
            pb.environment().put("SLURM_CONF", conf.toString());
            pb.environment().put("PATH", searchPath());
            return pb;
        }

        /** Cancels what is still queued, stops every daemon and its children, removes the directory. */
        synchronized void stop() {
            try {
                if (daemons.stream().anyMatch(d -> d.name().equals("slurmctld") && d.process().isAlive())) {
                    run(10, "scancel", "--user=root");
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                    while (System.nanoTime() < deadline && !run(5, "squeue", "-h").out().isBlank()) {
                        Thread.sleep(200);
                    }
                }
            } catch (IOException | InterruptedException e) {
                // stop the daemons regardless
            }
            for (int i = daemons.size() - 1; i >= 0; i--) {
                Process p = daemons.get(i).process();
                List<ProcessHandle> children = p.descendants().toList();
                p.destroy();
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
                children.forEach(c -> {
                    c.destroy();
                    c.onExit().completeOnTimeout(c, 5, TimeUnit.SECONDS).join();
                    c.destroyForcibly();
                });
            }
            daemons.clear();
            // Anything a job started and left running (a test failed half-way): it names this directory.
            ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(dir.toString()))
                    .forEach(h -> {
                        h.destroy();
                        h.onExit().completeOnTimeout(h, 5, TimeUnit.SECONDS).join();
                        h.destroyForcibly();
                    });
            if (!Files.exists(dir)) {
                return;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                System.err.println("SlurmFleetIT: could not remove " + dir + ": " + e);
            }
        }

        private static String read(Path file) throws IOException {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        }
    }

    /** Ports nobody listens on now: bound together, so they differ, then released for the daemons. */
    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0")));
            }
            return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    /** PATH, plus the sbin directories where Debian puts the daemons (a non-login root may lack them). */
    private static String searchPath() {
        return System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
    }

    private static Path which(String binary) {
        for (String d : searchPath().split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, binary);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
