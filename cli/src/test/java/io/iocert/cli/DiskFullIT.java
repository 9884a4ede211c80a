package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The filesystem fills up under a running probe: a 48 MiB tmpfs, a slow open-loop write of
 * 16 MiB (passes the free-space preflight), and, once the probe has written a few MiB, a test
 * thread that fills the rest of the filesystem. The probe must stop with ENOSPC, keep what it
 * measured, report ERROR and remove its workspace. Needs root (mount); skipped otherwise.
 */
class DiskFullIT {
    private static final Path JAR = Path.of("target", "iocert.jar");

    @TempDir
    Path tmp;

    private Path mnt;
    private boolean mounted;

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        assumeTrue(isRoot(), "needs root to mount a small tmpfs");
        mnt = Files.createDirectories(tmp.resolve("mnt"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mnt.toString())
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("mount.log").toFile())
                .start();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        mounted = done && p.exitValue() == 0;
        assumeTrue(mounted, "mount -t tmpfs failed here: " + Files.readString(tmp.resolve("mount.log")));
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            Process p = new ProcessBuilder("umount", mnt.toString()).inheritIO().start();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "umount " + mnt + " failed");
        }
    }

    @Test
    void shouldReportErrorKeepMeasurementsAndCleanUpWhenTheDiskFillsMidRun() throws Exception {
        Path spec = spec("16MiB");
        Path out = tmp.resolve("out");
        Process p = start("run", "--spec", spec.toString(), "--fs-path", mnt.toString(), "--out", out.toString());
        long filled;
        try {
            waitForWorkspaceData(p, 2L << 20);
            filled = fill(mnt.resolve("filler"));
        } finally {
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
            }
        }
        String log = Files.readString(tmp.resolve("log"));
        System.out.printf(Locale.ROOT, "disk full: filler took %d bytes; iocert said:%n%s%n", filled, log);

        assertEquals(4, p.exitValue(), "a full disk is a runtime error (4): " + log);
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals("ERROR", report.get("verdict").asText(), report.toString());
        JsonNode req = report.get("requirements").get(0);
        assertEquals("slow-write", req.get("id").asText());
        assertEquals("ERROR", req.get("verdict").asText(), req.toString());
        assertTrue(req.get("reason").asText().toLowerCase(Locale.ROOT).contains("no space left"), req.toString());

        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        assertEquals(3, result.get("measurements").size(), result.toString());
        for (JsonNode m : result.get("measurements")) {
            assertTrue(m.get("samples").asLong() > 0, "measurements before the error must be kept: " + m);
            assertTrue(m.get("error").asText().toLowerCase(Locale.ROOT).contains("no space left"), m.toString());
            assertEquals("error", m.at("/context/stoppedBy").asText(), m.toString());
        }
        try (Stream<Path> s = Files.list(mnt)) {
            assertEquals(List.of(mnt.resolve("filler")), s.toList(), "the probe workspace must be gone");
        }
    }

    @Test
    void shouldRefuseAWorkloadLargerThanTheFreeSpace() throws Exception {
        Path spec = spec("64MiB");
        Process p = start(
                "run",
                "--spec",
                spec.toString(),
                "--fs-path",
                mnt.toString(),
                "--out",
                tmp.resolve("out").toString());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "run did not finish");
        String log = Files.readString(tmp.resolve("log"));

        assertEquals(2, p.exitValue(), "an fs-path without room is bad input (2): " + log);
        assertTrue(log.contains(mnt.toString()), "the message should name the path: " + log);
        assertTrue(
                log.contains("64 MiB") && log.contains("70.4 MiB"),
                "the message should give the workload and the space needed with 10% headroom: " + log);
        assertFalse(log.contains("\tat ") || log.contains("Exception"), "no stack trace: " + log);
        try (Stream<Path> s = Files.list(mnt)) {
            assertEquals(List.of(), s.toList(), "nothing may be written when the preflight refuses");
        }
    }

    /** An open-loop write at 50 x 64 KiB/s = 3.2 MiB/s: slow enough for the test to fill the disk under it. */
    private Path spec(String fileSize) throws IOException {
        return Files.writeString(
                tmp.resolve("spec-" + fileSize + ".yaml"),
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: disk-full",
                        "budget: 60s",
                        "requirements:",
                        "  - id: slow-write",
                        "    probe: fs.write",
                        "    workload: {pattern: sequential, blockSize: 64KiB, fileSize: " + fileSize
                                + ", rate: 50 ops/s, direct: auto}",
                        "    expect: {throughput: {median: \">= 1 MB/s\"}}",
                        ""));
    }

    private Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("log").toFile())
                .start();
    }

    /** Waits until the probe's data files in its workspace hold at least {@code bytes}. */
    private void waitForWorkspaceData(Process p, long bytes) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && p.isAlive()) {
            long written = 0;
            try (Stream<Path> s = Files.walk(mnt)) {
                for (Path f : s.filter(f -> f.getFileName().toString().startsWith("data-"))
                        .toList()) {
                    try {
                        written += Files.size(f);
                    } catch (IOException gone) {
                        // removed between listing and stat
                    }
                }
            } catch (IOException racing) {
                // the workspace appeared or vanished while walking; look again
            }
            if (written >= bytes) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the probe never wrote " + bytes + " bytes: " + Files.readString(tmp.resolve("log")));
    }

    /** Writes into {@code file} until the filesystem refuses; returns the bytes written. */
    private static long fill(Path file) throws IOException {
        ByteBuffer chunk = ByteBuffer.wrap(new byte[1 << 20]);
        long written = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                chunk.clear();
                try {
                    while (chunk.hasRemaining()) {
                        written += ch.write(chunk);
                    }
                } catch (IOException full) {
                    if (full.getMessage() != null && full.getMessage().contains("No space left")) {
                        return written;
                    }
                    throw full;
                }
            }
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
