package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the shaded jar as a user would: a separate JVM, the bundled default spec, probes found
 * through ServiceLoader inside the fat jar.
 */
class JarIT {
    private static final Path JAR = Path.of("target", "iocert.jar");
    private static final Path EXAMPLES = Path.of("..", "examples", "specs");

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    private Run java(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        Process p = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the jar did not finish");
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void shouldValidateEveryExampleSpecFromTheJar() throws Exception {
        List<String> args = new ArrayList<>(List.of("spec", "validate"));
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            s.filter(p -> p.toString().endsWith(".yaml"))
                    .sorted()
                    .forEach(p -> args.add(p.toAbsolutePath().toString()));
        }
        assertTrue(args.size() >= 7, "expected at least five example specs, got " + args);
        Run r = java(tmp, args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        assertEquals(
                args.size() - 2,
                r.out().lines().filter(l -> l.contains(": OK (spec '")).count(),
                r.out());
    }

    @Test
    void shouldRunTheBundledDefaultSpecFromTheJar() throws Exception {
        Path work = Files.createDirectories(tmp.resolve("work"));
        Run r = java(work, "run");
        assertTrue(List.of(0, 1, 3, 4).contains(r.code()), "exit " + r.code() + ": " + r.err());
        Path outRoot = work.resolve("iocert-out");
        Path dir;
        try (Stream<Path> s = Files.list(outRoot)) {
            dir = s.findFirst().orElseThrow();
        }
        assertTrue(dir.getFileName().toString().matches("\\d{8}T\\d{6}Z"), dir.toString());
        JsonNode report = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
        assertEquals("default", report.at("/spec/name").asText());
        int fsMeasured = 0;
        for (JsonNode req : report.get("requirements")) {
            // Measured: a verdict from real samples (INCONCLUSIVE included: on a busy machine a
            // statistic may honestly need more samples than the budget gave).
            boolean measured = List.of("PASS", "FAIL", "INCONCLUSIVE")
                            .contains(req.get("verdict").asText())
                    && req.get("samples").asLong() > 0;
            if (List.of("fs.read", "fs.write").contains(req.get("probe").asText())) {
                assertTrue(measured, req.toString());
                fsMeasured++;
            } else {
                // Every other requirement is measured, or honestly reported as not built yet.
                assertTrue(measured || req.get("reason").asText().startsWith("probe not available"), req.toString());
            }
        }
        assertTrue(fsMeasured > 0, "the default spec should touch the filesystem");
        assertTrue(r.out().contains("Node verdict: " + report.get("verdict").asText()), r.out());
        try (Stream<Path> s = Files.list(work)) {
            assertEquals(List.of(outRoot), s.toList(), "only iocert-out may remain in the working directory");
        }
    }

    @Test
    void shouldRemoveItsWorkspaceWhenStoppedMidRun() throws Exception {
        Path fs = Files.createDirectories(tmp.resolve("fs"));
        Path mine = Files.writeString(fs.resolve("user-file.txt"), "keep me");
        // An open-loop run of a minute: long enough to be stopped in the middle.
        Path spec = Files.writeString(
                tmp.resolve("slow.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: slow",
                        "budget: 2min",
                        "requirements:",
                        "  - id: slow-write",
                        "    probe: fs.write",
                        "    workload: {pattern: random, blockSize: 4KiB, fileSize: 1MiB, rate: 20 ops/s, duration: 60s}",
                        "    expect: {latency: {p99: \"<= 1 s\"}}",
                        ""));
        List<String> cmd = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toAbsolutePath().toString(),
                "probe",
                "--spec",
                spec.toString(),
                "--fs-path",
                fs.toString(),
                "--out",
                tmp.resolve("r.json").toString());
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (workspaces(fs).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(
                1,
                workspaces(fs).size(),
                "the probe should be running in its workspace: " + Files.readString(tmp.resolve("log")));
        Thread.sleep(500);
        p.destroy(); // SIGTERM, as a scheduler or Ctrl-C (SIGINT) would stop it
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the probe did not stop on SIGTERM");
        assertEquals(List.of(), workspaces(fs), "the workspace must be removed on SIGTERM");
        assertEquals("keep me", Files.readString(mine));
        try (Stream<Path> s = Files.list(fs)) {
            assertEquals(List.of(mine), s.toList());
        }
    }

    private static List<Path> workspaces(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith(".iocert-"))
                    .toList();
        }
    }

    /**
     * The compute probes from the fat jar: JMH must find its generated benchmark list inside
     * the shaded jar and fork a JVM on it (a jar without {@code META-INF/BenchmarkList} runs
     * nothing), and every measured iteration must come back as an interval.
     */
    @Test
    void shouldMeasureTheComputeProbesFromTheJar() throws Exception {
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(JAR.toFile())) {
            assertTrue(jar.getEntry("META-INF/BenchmarkList") != null, "the jar lacks JMH's META-INF/BenchmarkList");
        }
        Path spec = Files.writeString(
                tmp.resolve("compute.yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: compute",
                        "budget: 4s",
                        "requirements:",
                        "  - id: triad",
                        "    probe: compute.memory-bandwidth",
                        "    workload: {kernel: triad, threads: 1, arraySize: 32MiB}",
                        "    expect: {throughput: {p50: \">= 1 B/s\"}}",
                        "  - id: copy-all",
                        "    probe: compute.memory-bandwidth",
                        "    workload: {kernel: copy, threads: all, arraySize: 32MiB}",
                        "    expect: {throughput: {p50: \">= 1 B/s\"}}",
                        "  - id: fma",
                        "    probe: compute.flops",
                        "    workload: {threads: 1}",
                        "    expect: {flops: {p10: \">= 1 FLOP/s\"}}",
                        "  - id: noise",
                        "    probe: compute.jitter",
                        "    workload: {mode: work, interval: 1ms, threads: 1}",
                        "    expect: {hiccup: {p99: \"<= 10 s\"}}",
                        ""));
        Path out = tmp.resolve("compute.json");
        Run r = java(tmp, "probe", "--spec", spec.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode result = new ObjectMapper().readTree(out.toFile());
        List<String> seen = new ArrayList<>();
        for (JsonNode m : result.get("measurements")) {
            String id = m.get("id").asText();
            seen.add(id + ":" + m.get("metric").asText());
            assertTrue(m.get("error") == null || m.get("error").isNull(), m.toString());
            assertTrue(m.get("samples").asLong() > 0, m.toString());
            if (!id.equals("noise")) {
                JsonNode values = m.at("/intervals/values");
                assertEquals(m.get("samples").asLong(), values.size(), m.toString());
                assertTrue(values.size() >= 5, "every measured JMH iteration should be an interval: " + m);
                values.forEach(v -> assertTrue(v.asDouble() > 0, m.toString()));
            }
        }
        assertEquals(List.of("triad:throughput", "copy-all:throughput", "fma:flops", "noise:hiccup"), seen);
        if (Files.isReadable(Path.of("/proc/stat"))) {
            for (JsonNode m : result.get("measurements")) {
                assertTrue(m.at("/context/cpuStealShare").isTextual(), "no steal context: " + m.get("context"));
                assertTrue(m.at("/context/loadAverage1mAtEnd").isTextual(), "no load context: " + m.get("context"));
            }
        }
        JsonNode node = result.get("node");
        assertTrue(node.get("fsPath").isTextual() && node.get("fsType").isTextual(), "no fs-path identity: " + node);
    }

    @Test
    void shouldPrintVersionFromTheJar() throws Exception {
        Run r = java(tmp, "--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("iocert "), r.out());
    }
}
