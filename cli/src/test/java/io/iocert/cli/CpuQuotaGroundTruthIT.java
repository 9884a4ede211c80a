package io.iocert.cli;

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
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ground truth for the compute probes: the kernel's CFS bandwidth control (cgroup v1
 * {@code cpu.cfs_quota_us}) lets a cgroup run 50 ms in every 100 ms, so a thread that wants
 * the CPU all the time is stopped for about 50 ms in each period, and gets half the work done.
 *
 * <p>Preconditions (else skipped, saying which failed): root and the cgroup v1 cpu controller
 * at {@code /sys/fs/cgroup/cpu} with {@code cpu.cfs_quota_us}. The jar runs as a child process
 * placed in a fresh cgroup before it execs java, so its JMH fork and every thread inherit the
 * quota; the cgroups are removed afterwards whatever happens.
 *
 * <p>The comparison needs an "idle machine", which a shared build host is not. Both runs
 * therefore go into cgroups with the highest {@code cpu.shares} (262144, 256 times a
 * default task): the scheduler then gives other work on the host the CPU only in short
 * slices, so the unthrottled run sees about what it would see alone, and the throttled run
 * differs from it only by the quota.
 *
 * <p>Claims: work-mode jitter (1-ms quanta) under the quota has p99.9 >= 30 ms, while the same
 * run without the quota stays below 15 ms, half that, even on a machine others are using (the
 * idle figure is far lower; the result prints both); the FMA rate under the quota is half the
 * unthrottled rate, within 0.38 to 0.62 (a 200-ms JMH iteration holds exactly two periods).
 */
class CpuQuotaGroundTruthIT {
    private static final Path JAR = Path.of("target", "iocert.jar");
    private static final Path CPU = Path.of("/sys/fs/cgroup/cpu");
    private static final double MS = 1e6;

    @TempDir
    Path dir;

    private Path cgroup;
    private Path free;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(isRoot(), "needs root to create cpu cgroups");
        assumeTrue(
                Files.isRegularFile(CPU.resolve("cpu.cfs_quota_us")),
                "needs the cgroup v1 cpu controller with CFS bandwidth control at " + CPU
                        + " (cpu.cfs_quota_us missing)");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            remove(cgroup);
        } finally {
            remove(free);
        }
    }

    private static void remove(Path cgroup) throws Exception {
        if (cgroup == null) {
            return;
        }
        IOException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                Files.deleteIfExists(cgroup);
                return;
            } catch (IOException e) {
                last = e; // the child has exited; the kernel may need a moment to release the group
                Thread.sleep(100);
            }
        }
        throw new IOException("could not remove cgroup " + cgroup, last);
    }

    @Test
    void shouldSeeTheQuotaAsHiccupsOfAboutFiftyMillisecondsAndHalfTheFlops() throws Exception {
        StaleTestLeftovers.sweep();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        free = Files.createDirectory(CPU.resolve("iocert-test-free-" + tag));
        Files.writeString(free.resolve("cpu.shares"), "262144");
        cgroup = Files.createDirectory(CPU.resolve("iocert-test-quota-" + tag));
        Files.writeString(cgroup.resolve("cpu.shares"), "262144");
        Files.writeString(cgroup.resolve("cpu.cfs_period_us"), "100000");
        Files.writeString(cgroup.resolve("cpu.cfs_quota_us"), "50000");
        Path spec = Files.writeString(
                dir.resolve("quota.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: cpu-quota",
                        "requirements:",
                        "  - id: noise",
                        "    probe: compute.jitter",
                        "    budget: 8s",
                        "    workload: {mode: work, interval: 1ms, threads: 1, duration: 5s}",
                        "    expect: {hiccup: {p99.9: \"<= 10 s\"}}",
                        "  - id: fma",
                        "    probe: compute.flops",
                        "    budget: 10s",
                        "    workload: {threads: 1, duration: 4s}",
                        "    expect: {flops: {median: \">= 1 FLOP/s\"}}",
                        ""));

        JsonNode unthrottled = probe(spec, dir.resolve("free.json"), free);
        JsonNode throttled = probe(spec, dir.resolve("throttled.json"), cgroup);
        long throttledNs = Long.parseLong(Files.readString(cgroup.resolve("cpu.stat"))
                .lines()
                .filter(l -> l.startsWith("throttled_time "))
                .findFirst()
                .orElse("throttled_time 0")
                .split(" ")[1]);

        JsonNode freeNoise = measurement(unthrottled, "noise");
        JsonNode quotaNoise = measurement(throttled, "noise");
        double freeP999 = freeNoise.at("/summary/p999").asDouble();
        double quotaP999 = quotaNoise.at("/summary/p999").asDouble();
        double freeFlops = median(measurement(unthrottled, "fma"));
        double quotaFlops = median(measurement(throttled, "fma"));
        double ratio = quotaFlops / freeFlops;
        System.out.printf(
                Locale.ROOT,
                "cpu quota 50ms/100ms: jitter p99.9 %.2f ms (free %.2f ms), p50 %.3f ms (free %.3f ms);"
                        + " flops median %.3g (free %.3g), ratio %.3f; kernel throttled the group for %.0f ms; steal free %s, "
                        + "quota %s; busy share free %s, quota %s; load average %s%n",
                quotaP999 / MS,
                freeP999 / MS,
                quotaNoise.at("/summary/p50").asDouble() / MS,
                freeNoise.at("/summary/p50").asDouble() / MS,
                quotaFlops,
                freeFlops,
                ratio,
                throttledNs / MS,
                freeNoise.at("/context/cpuStealShare").asText(),
                quotaNoise.at("/context/cpuStealShare").asText(),
                freeNoise.at("/context/cpuBusyShare").asText(),
                quotaNoise.at("/context/cpuBusyShare").asText(),
                quotaNoise.at("/context/loadAverage1mAtEnd").asText());
        assertTrue(throttledNs > 0, "the kernel never throttled the cgroup: the probe did not run in it");
        assertTrue(
                quotaP999 >= 30 * MS,
                String.format(
                        Locale.ROOT, "p99.9 hiccup under a 50%% quota = %.2f ms, expected >= 30 ms", quotaP999 / MS));
        double freeLoad = freeNoise.at("/context/loadAverage1mAtEnd").asDouble();
        int cores = Runtime.getRuntime().availableProcessors();
        if (freeLoad < cores) {
            // The control arm shows that this machine, unthrottled, can run quietly. A single stall
            // from outside the guest (the host descheduling the vCPU) once put 62 ms into an
            // unthrottled p99.9 on an idle VM; so up to two more control runs are made, and one
            // quiet run is what is required. The quota arm gets one run and no second chance.
            List<Double> controls = new ArrayList<>(List.of(freeP999));
            for (int again = 1; again <= 2 && controls.stream().allMatch(p -> p >= 15 * MS); again++) {
                JsonNode rerun = measurement(probe(spec, dir.resolve("free-" + again + ".json"), free), "noise");
                controls.add(rerun.at("/summary/p999").asDouble());
            }
            assertTrue(
                    controls.stream().anyMatch(p -> p < 15 * MS),
                    String.format(
                            Locale.ROOT,
                            "p99.9 hiccup without a quota = %s ms in %d runs, expected one < 15 ms (load average %.2f)",
                            controls.stream()
                                    .map(p -> String.format(Locale.ROOT, "%.2f", p / MS))
                                    .toList(),
                            controls.size(),
                            freeLoad));
        } else {
            // Other work on a busy machine makes hiccups of its own; the quota must still stand out.
            assertTrue(
                    quotaP999 > 1.5 * freeP999,
                    String.format(
                            Locale.ROOT,
                            "p99.9 hiccup under a quota %.2f ms vs"
                                    + " %.2f ms without, on a machine with load average %.2f on %d cores: expected the quota to stand out",
                            quotaP999 / MS,
                            freeP999 / MS,
                            freeLoad,
                            cores));
        }
        assertTrue(
                ratio <= 0.62,
                String.format(
                        Locale.ROOT,
                        "FMA rate under a 50%% quota / without = %.3f, expected 0.5 (0.38 to 0.62)",
                        ratio));
        if (ratio < 0.38) {
            // A quota only caps: other work on the machine during the quota arm (a parallel build
            // once read 0.358 and 0.363) takes more of what the quota leaves. Reading low gets one
            // more pair of arms, back to back; the second pair must be in range.
            double again = median(measurement(probe(spec, dir.resolve("throttled-2.json"), cgroup), "fma"))
                    / median(measurement(probe(spec, dir.resolve("free-again.json"), free), "fma"));
            System.out.printf(Locale.ROOT, "cpu quota: FMA ratio %.3f read low; second pair %.3f%n", ratio, again);
            assertTrue(
                    again >= 0.38 && again <= 0.62,
                    String.format(
                            Locale.ROOT,
                            "FMA rate under a 50%% quota / without = %.3f, then %.3f; expected 0.5 (0.38 to 0.62)",
                            ratio,
                            again));
        }
    }

    /** Runs the jar in {@code group} from its first instruction: the shell joins, then execs java. */
    private JsonNode probe(Path spec, Path out, Path group) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                "sh",
                "-c",
                "echo $$ > \"$1\" && shift && exec \"$@\"",
                "sh",
                group.resolve("cgroup.procs").toString()));
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toAbsolutePath().toString(),
                "probe",
                "--spec",
                spec.toString(),
                "--out",
                out.toString()));
        Path log = dir.resolve(out.getFileName() + ".log");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new AssertionError("the probe did not finish in 120 s: " + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), "probe failed: " + Files.readString(log));
        return new ObjectMapper().readTree(out.toFile());
    }

    private static JsonNode measurement(JsonNode result, String id) {
        for (JsonNode m : result.get("measurements")) {
            if (id.equals(m.get("id").asText())) {
                assertTrue(
                        m.get("error") == null || m.get("error").isNull(),
                        "measurement has an error: " + m.get("error"));
                return m;
            }
        }
        throw new AssertionError("no " + id + " measurement in " + result);
    }

    private static double median(JsonNode m) {
        JsonNode v = m.at("/intervals/values");
        assertTrue(v.isArray() && v.size() >= 5, "want at least 5 iterations: " + m);
        double[] xs = new double[v.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = v.get(i).asDouble();
        }
        Arrays.sort(xs);
        int n = xs.length;
        return n % 2 == 1 ? xs[n / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
    }

    private static boolean isRoot() {
        try {
            return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }
}
