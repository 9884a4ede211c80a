package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/**
 * A private Slurm cluster on this host for the integration tests: munged, slurmctld and one
 * slurmd per node, all started with their configuration, sockets, state and logs in one
 * temporary directory, and stopped again by {@link #stop()}. The system's /etc/slurm,
 * /etc/munge and services are not touched.
 *
 * <p>Each node is a slurmd of its own on this host, with its own port and a NodeAddr of its own on
 * the loopback network (127.0.0.2, 127.0.0.3, ...), declaring the hardware {@code slurmd -C}
 * reports. A test adds what it needs to slurm.conf (a job_submit plugin, a Prolog) through
 * {@link #start(List)}.
 *
 * <p>Preconditions, checked by {@link #whyNot()}: root (munged and slurmd as root, with
 * {@code --force} for munged) and the slurm-wlm and munge binaries on PATH.
 */
final class SlurmTestCluster {
    static final List<String> BINARIES =
            List.of("munged", "slurmctld", "slurmd", "sbatch", "srun", "squeue", "sinfo", "scontrol", "scancel");
    static final List<String> FINAL_STATES = List.of(
            "COMPLETED",
            "FAILED",
            "CANCELLED",
            "TIMEOUT",
            "NODE_FAIL",
            "OUT_OF_MEMORY",
            "BOOT_FAIL",
            "DEADLINE",
            "PREEMPTED");

    final Path dir;
    final Path conf;
    final List<String> nodes;
    final List<String> nodeAddrs;
    private final String siteFeature;
    private final Path mungeSocket;
    private final List<Daemon> daemons = new ArrayList<>();

    /** Nodes {@code nodes}, the i-th at 127.0.0.(i+2), each with the feature {@code siteFeature}. */
    SlurmTestCluster(Path dir, List<String> nodes, String siteFeature) {
        this.dir = dir;
        this.conf = dir.resolve("slurm.conf");
        this.mungeSocket = dir.resolve("munge/munge.socket");
        this.nodes = List.copyOf(nodes);
        List<String> addrs = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            addrs.add("127.0.0." + (i + 2));
        }
        this.nodeAddrs = List.copyOf(addrs);
        this.siteFeature = siteFeature;
    }

    /** Why this machine cannot run a test cluster (not root, binaries missing), or null. */
    static String whyNot() {
        List<String> absent = BINARIES.stream().filter(b -> which(b) == null).toList();
        if (!isRoot()) {
            return "needs root: munged, slurmctld and slurmd run as root here (SlurmUser=root)";
        }
        if (!absent.isEmpty()) {
            return "slurm-wlm and munge are not installed: " + absent + " not on PATH";
        }
        return null;
    }

    /**
     * Starts munged, slurmctld and the slurmds with {@code extraConf} added to slurm.conf; null
     * once every node is idle, else why not (quoting the daemons' log tails).
     */
    String start(List<String> extraConf) throws Exception {
        Path munge = Files.createDirectories(dir.resolve("munge"));
        Path key = munge.resolve("munge.key");
        byte[] bytes = new byte[128];
        new SecureRandom().nextBytes(bytes);
        Files.write(key, bytes);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        String problem = daemon(
                "munged",
                List.of(
                        "munged",
                        "--foreground",
                        "--force",
                        "--socket=" + mungeSocket,
                        "--key-file=" + key,
                        "--pid-file=" + munge.resolve("munged.pid"),
                        "--log-file=" + munge.resolve("munged.log"),
                        "--seed-file=" + munge.resolve("munged.seed")),
                () -> Files.exists(mungeSocket));
        if (problem != null) {
            return problem;
        }
        Run hw = run(10, "slurmd", "-C");
        String nodeLine = hw.out()
                .lines()
                .filter(l -> l.startsWith("NodeName="))
                .findFirst()
                .orElse("");
        if (hw.code() != 0 || !nodeLine.startsWith("NodeName=")) {
            return "'slurmd -C' did not describe this host (exit " + hw.code() + "): " + hw.out();
        }
        String host = nodeLine.substring("NodeName=".length()).split("\\s+")[0];
        String hardware = nodeLine.substring(nodeLine.indexOf(' ') + 1).trim();
        int[] ports = freePorts(1 + nodes.size());
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
        lines.addAll(extraConf);
        for (int i = 0; i < nodes.size(); i++) {
            Files.createDirectories(dir.resolve("spool-" + nodes.get(i)));
            lines.add("NodeName=" + nodes.get(i) + " NodeHostname=" + host + " NodeAddr=" + nodeAddrs.get(i) + " Port="
                    + ports[1 + i] + " " + hardware + " Feature=" + siteFeature + " State=UNKNOWN");
        }
        lines.add("PartitionName=iocertit Nodes=ALL Default=YES MaxTime=INFINITE State=UP");
        Files.write(conf, lines);
        problem = daemon(
                "slurmctld",
                List.of("slurmctld", "-D", "-f", conf.toString()),
                () -> run(5, "scontrol", "ping").out().contains("UP"));
        if (problem != null) {
            return problem;
        }
        for (String node : nodes) {
            problem = daemon("slurmd-" + node, List.of("slurmd", "-D", "-f", conf.toString(), "-N", node), () -> true);
            if (problem != null) {
                return problem;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String states = "";
        while (System.nanoTime() < deadline) {
            states = run(5, "sinfo", "-h", "-N", "-o", "%N %t").out().trim();
            if (states.lines().filter(l -> l.endsWith(" idle")).count() == nodes.size()) {
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

    record Daemon(String name, Process process, Path log) {}

    record Job(int exitCode, String output) {}

    record Run(int code, String out) {}

    /** Starts one daemon in the foreground and waits up to 20 s for it to be ready; null or why not. */
    private String daemon(String name, List<String> cmd, Ready ready) throws Exception {
        Path log = dir.resolve(name + ".out");
        Process p = builder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
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

    /** The last lines of every daemon's output, for a failure message. */
    String tails() throws IOException {
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
     * Submits {@code script} with {@code sbatchArgs}, waits for the job to end and returns its
     * exit status and output. Polls scontrol rather than using {@code sbatch --wait}, whose 10-s
     * polling would triple the tests' time.
     */
    Job submit(String name, List<String> sbatchArgs, Path script, Map<String, String> env, long timeoutSeconds)
            throws Exception {
        Path out = dir.resolve(name + ".out");
        String id = submitOnly(name, sbatchArgs, script, env);
        long startNs = System.nanoTime();
        long deadline = startNs + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            String show = run(10, "scontrol", "show", "job", "-o", id).out();
            Matcher state = Pattern.compile("JobState=(\\S+)").matcher(show);
            Matcher exit = Pattern.compile("ExitCode=(\\d+):(\\d+)").matcher(show);
            if (state.find() && FINAL_STATES.contains(state.group(1)) && exit.find()) {
                int signal = Integer.parseInt(exit.group(2));
                int code = signal != 0 ? 128 + signal : Integer.parseInt(exit.group(1));
                System.out.printf(
                        Locale.ROOT,
                        "SlurmTestCluster: job %s %s, exit %d, after %.1f s%n",
                        name,
                        state.group(1),
                        code,
                        (System.nanoTime() - startNs) / 1e9);
                return new Job(code, read(out));
            }
            if (System.nanoTime() > deadline) {
                run(10, "scancel", id);
                throw new AssertionError("the job " + name + " did not end in " + timeoutSeconds + " s (" + show.trim()
                        + "): " + read(out) + tails());
            }
            Thread.sleep(250);
        }
    }

    /** Submits {@code script} (output to {@code dir/<name>.out}) and returns the job id; fails the test if refused. */
    String submitOnly(String name, List<String> sbatchArgs, Path script, Map<String, String> env) throws Exception {
        Path out = dir.resolve(name + ".out");
        Path submitLog = dir.resolve(name + ".sbatch");
        List<String> cmd = new ArrayList<>(List.of("sbatch", "--parsable", "--job-name=" + name, "-o", out.toString()));
        cmd.addAll(sbatchArgs);
        cmd.add(script.toAbsolutePath().normalize().toString());
        ProcessBuilder pb =
                builder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(submitLog.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "sbatch did not return: " + read(submitLog));
        assertEquals(0, p.exitValue(), "sbatch refused the job: " + read(submitLog));
        return read(submitLog).trim().split(";")[0];
    }

    /** Runs a client command against this cluster; exit -1 if it did not end in time. */
    Run run(int timeoutSeconds, String... cmd) throws IOException, InterruptedException {
        return run(timeoutSeconds, Map.of(), cmd);
    }

    /** Runs a client command against this cluster with more environment; exit -1 if it did not end in time. */
    Run run(int timeoutSeconds, Map<String, String> env, String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "cmd-", ".out");
        try {
            ProcessBuilder pb =
                    builder(Arrays.asList(cmd)).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Run(-1, read(out));
            }
            return new Run(p.exitValue(), read(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** A process with this cluster's configuration and no Slurm variables of an enclosing job. */
    ProcessBuilder builder(List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment()
                .keySet()
                .removeIf(k -> k.startsWith("SLURM_")
                        || k.startsWith("SBATCH_")
                        || k.startsWith("SRUN_")
                        || k.startsWith("IOCERT"));
        pb.environment().put("SLURM_CONF", conf.toString());
        pb.environment().put("PATH", searchPath());
        return pb;
    }

    /** Cancels what is still queued, stops every daemon and its children, removes the directory. */
    synchronized void stop() {
        try {
            if (daemons.stream()
                    .anyMatch(d -> d.name().equals("slurmctld") && d.process().isAlive())) {
                run(10, "scancel", "--user=root");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (System.nanoTime() < deadline
                        && !run(5, "squeue", "-h").out().isBlank()) {
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
        ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains(dir.toString()))
                .forEach(h -> {
                    h.destroy();
                    h.onExit().completeOnTimeout(h, 5, TimeUnit.SECONDS).join();
                    h.destroyForcibly();
                });
        try {
            TestTrees.delete(dir);
        } catch (IOException e) {
            System.err.println("SlurmTestCluster: could not remove " + dir + ": " + e);
        }
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
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
    static String searchPath() {
        return System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
    }

    static Path which(String binary) {
        for (String d : searchPath().split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, binary);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
