package io.iocert.probes.fs;

import static io.iocert.probes.fs.FsTesting.context;
import static io.iocert.probes.fs.FsTesting.kib;
import static io.iocert.probes.fs.FsTesting.metric;
import static io.iocert.probes.fs.FsTesting.mib;
import static io.iocert.probes.fs.FsTesting.ms;
import static io.iocert.probes.fs.FsTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iocert.probes.NanoClock;
import io.iocert.probes.ProbeException;
import io.iocert.probes.ProgressListener;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FsWriteProbeTest {
    @TempDir
    Path fsPath;

    @Test
    void shouldRecordOneLatencyPerBlockWhenTheWholeFileIsWritten() throws Exception {
        List<Measurement> ms = new FsWriteProbe()
                .run(
                        requirement(ProbeType.FS_WRITE, "fileSize", mib(8), "blockSize", kib(256), "direct", "auto"),
                        context(fsPath));

        assertEquals(
                List.of("latency", "throughput", "iops"),
                ms.stream().map(Measurement::metric).toList());
        Measurement latency = metric(ms, "latency");
        assertEquals("ns", latency.unit());
        assertEquals(32, latency.samples());
        assertEquals(32, latency.histogram().getTotalCount());
        assertTrue(latency.histogram().getMinValue() > 0);
        assertEquals("fileSize", latency.context().get(FsProbeEngine.STOPPED_BY));
        assertNull(latency.error());
        assertEquals("B/s", metric(ms, "throughput").unit());
        assertEquals("ops/s", metric(ms, "iops").unit());
        for (Measurement m : ms) {
            assertEquals("req-1", m.id());
            assertEquals("fs.write", m.probe());
        }
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldReportIntervalsWhoseMeanTimesLengthMatchesTheBytesWritten() throws Exception {
        long blockSize = 64 * 1024;
        long fileSize = 32L << 20;
        List<Measurement> ms = new FsWriteProbe()
                .run(
                        requirement(
                                ProbeType.FS_WRITE,
                                "fileSize",
                                Quantity.bytes(fileSize),
                                "blockSize",
                                Quantity.bytes(blockSize),
                                "direct",
                                "auto"),
                        context(fsPath));

        Measurement throughput = metric(ms, "throughput");
        Measurement iops = metric(ms, "iops");
        int n = throughput.intervals().values().size();
        long intervalNs = throughput.intervals().intervalNs();
        assertEquals(intervalNs, ((Number) throughput.workload().get("interval")).longValue());
        assumeTrue(n >= 1, "the run was shorter than one interval (" + intervalNs + " ns)");
        assertEquals(n, throughput.samples());
        double bytesInIntervals = throughput.summary().mean() * n * intervalNs / 1e9;
        // The trailing partial interval is left out, so the whole intervals hold at most all bytes and,
        // being at least as many as the tail, a good part of them.
        assertTrue(bytesInIntervals <= fileSize * (1 + 1e-9), bytesInIntervals + " > " + fileSize);
        assertTrue(
                bytesInIntervals >= fileSize * 0.5 * n / (n + 1.0),
                bytesInIntervals + " too small for " + n + " intervals");
        // Every operation moves one block: IOPS and throughput are the same series in different units.
        for (int i = 0; i < n; i++) {
            assertEquals(
                    throughput.intervals().values().get(i),
                    iops.intervals().values().get(i) * blockSize,
                    1e-6 * throughput.intervals().values().get(i) + 1e-6);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 1 << 20})
    void shouldWriteIncompressibleDataWithoutHoles(int blockSize) throws Exception {
        long fileSize = 4L << 20;
        List<String> checked = new ArrayList<>();
        FsProbeEngine engine = new FsProbeEngine(
                FileChannel::open,
                files -> {
                    for (Path f : files) {
                        try {
                            assertEquals(fileSize, Files.size(f));
                            double ratio = deflatedRatio(f);
                            assertTrue(ratio > 0.99, "deflate shrank the file to " + ratio + " of its size");
                            allocatedBytes(f)
                                    .ifPresent(allocated -> assertTrue(
                                            allocated >= fileSize,
                                            "only " + allocated + " of " + fileSize
                                                    + " bytes are allocated: the file is sparse"));
                            checked.add(f.getFileName().toString());
                        } catch (IOException | InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                },
                2);
        new FsWriteProbe(engine)
                .run(
                        requirement(
                                ProbeType.FS_WRITE,
                                "fileSize",
                                Quantity.bytes(fileSize),
                                "blockSize",
                                Quantity.bytes(blockSize),
                                "direct",
                                "auto"),
                        context(fsPath));
        assertEquals(List.of("data-0"), checked);
    }

    @Test
    void shouldGiveEachThreadItsOwnFile() throws Exception {
        List<Long> sizes = new ArrayList<>();
        FsProbeEngine engine = new FsProbeEngine(
                FileChannel::open,
                files -> files.forEach(f -> {
                    try {
                        sizes.add(Files.size(f));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }),
                2);
        List<Measurement> ms = new FsWriteProbe(engine)
                .run(
                        requirement(
                                ProbeType.FS_WRITE,
                                "fileSize",
                                mib(2),
                                "blockSize",
                                kib(128),
                                "threads",
                                2L,
                                "direct",
                                "auto"),
                        context(fsPath));

        assertEquals(List.of(2L << 20, 2L << 20), sizes);
        assertEquals(32, metric(ms, "latency").samples());
        assertEquals(2L, metric(ms, "latency").workload().get("threads"));
    }

    @Test
    void shouldReportTheWorkloadAsRunWithDefaultsResolved() throws Exception {
        List<Measurement> ms = new FsWriteProbe()
                .run(requirement(ProbeType.FS_WRITE, "fileSize", Quantity.bytes(3.5 * (1 << 20))), context(fsPath));

        Map<String, Object> w = metric(ms, "latency").workload();
        assertEquals(
                List.of("pattern", "blockSize", "fileSize", "threads", "direct", "interval", "warmup"),
                List.copyOf(w.keySet()));
        assertEquals("sequential", w.get("pattern"));
        assertEquals(1048576L, w.get("blockSize"));
        assertEquals(3L << 20, w.get("fileSize"), "rounded down to whole blocks");
        assertEquals(1L, w.get("threads"));
        assertEquals(Boolean.valueOf(metric(ms, "latency").context().get(FsProbeEngine.DIRECT)), w.get("direct"));
        assertEquals(0L, w.get("warmup"));
        assertTrue((Long) w.get("interval") > 0);
        assertEquals(w, metric(ms, "throughput").workload());
    }

    @Test
    void shouldDescribeTheFilesystemItMeasured() throws Exception {
        List<Measurement> ms = new FsWriteProbe()
                .run(requirement(ProbeType.FS_WRITE, "fileSize", mib(1), "direct", "auto"), context(fsPath));

        Map<String, String> ctx = metric(ms, "latency").context();
        assertNotNull(ctx.get(StorageFacts.FS_TYPE), ctx.toString());
        assertTrue(ctx.get(FsProbeEngine.DIRECT).matches("true|false"));
        assertTrue(ctx.get(FsProbeEngine.CACHE_AFFECTED).matches("true|false"));
        assertEquals(ctx, metric(ms, "iops").context());
    }

    @Test
    void shouldStopWhenTheBudgetIsSpent() throws Exception {
        // Every clock reading advances 1 ms, so a 50 ms budget ends the run after a few dozen operations,
        // however fast the disk is.
        NanoClock clock = FsTesting.steppingClock(1_000_000L);
        List<Measurement> ms = new FsWriteProbe()
                .run(
                        requirement(ProbeType.FS_WRITE, "fileSize", mib(64), "blockSize", kib(64), "direct", "auto"),
                        context(fsPath, Duration.ofMillis(50), clock, ProgressListener.NONE));

        Measurement latency = metric(ms, "latency");
        assertEquals("budget", latency.context().get(FsProbeEngine.STOPPED_BY));
        assertTrue(latency.samples() >= 1 && latency.samples() < 50, "samples " + latency.samples());
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldStopWhenTheDurationIsOverAndNotCountTheWarmup() throws Exception {
        NanoClock clock = FsTesting.steppingClock(1_000_000L);
        List<Measurement> ms = new FsWriteProbe()
                .run(
                        requirement(
                                ProbeType.FS_WRITE,
                                "fileSize",
                                mib(64),
                                "blockSize",
                                kib(64),
                                "direct",
                                "auto",
                                "warmup",
                                ms(10),
                                "duration",
                                ms(20)),
                        context(fsPath, Duration.ofSeconds(60), clock, ProgressListener.NONE));

        Measurement latency = metric(ms, "latency");
        assertEquals("duration", latency.context().get(FsProbeEngine.STOPPED_BY));
        // 2 ms of clock per operation: 20 ms of measurement hold about 10, the 10 ms warm-up about 5 more.
        assertTrue(latency.samples() >= 5 && latency.samples() <= 12, "samples " + latency.samples());
        assertEquals(20_000_000L, latency.workload().get("duration"));
        assertEquals(10_000_000L, latency.workload().get("warmup"));
    }

    @Test
    void shouldReportProgressWithoutPrinting() throws Exception {
        FsTesting.RecordingProgress progress = new FsTesting.RecordingProgress();
        new FsWriteProbe()
                .run(
                        requirement(ProbeType.FS_WRITE, "fileSize", mib(2), "direct", "auto"),
                        context(fsPath, Duration.ofSeconds(60), NanoClock.SYSTEM, progress));

        assertTrue(progress.updates >= 1);
        assertEquals(1.0, (Double) progress.last.get("fraction"));
        assertEquals("req-1", progress.last.get("id"));
        assertTrue(progress.minFraction >= 0 && progress.maxFraction <= 1);
    }

    @Test
    void shouldRefuseAnUnknownPatternBeforeTouchingTheFilesystem() throws Exception {
        Requirement r = requirement(ProbeType.FS_WRITE, "pattern", "zigzag");
        ProbeException e = assertThrows(ProbeException.class, () -> new FsWriteProbe().run(r, context(fsPath)));
        assertEquals("pattern 'zigzag' is not valid for fs.write; expected sequential or random", e.getMessage());
        assertEquals(
                List.of(),
                FsTesting.snapshot(fsPath).keySet().stream()
                        .filter(k -> !k.isEmpty())
                        .toList());
    }

    private static double deflatedRatio(Path f) throws IOException {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] out = new byte[1 << 16];
        long in = 0;
        long compressed = 0;
        try (InputStream s = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = s.read(buf)) > 0) {
                in += n;
                d.setInput(buf, 0, n);
                while (!d.needsInput()) {
                    compressed += d.deflate(out);
                }
            }
        }
        d.finish();
        while (!d.finished()) {
            compressed += d.deflate(out);
        }
        d.end();
        return (double) compressed / in;
    }

    /** Allocated bytes by stat(1), or empty when stat is not there to ask. */
    private static java.util.Optional<Long> allocatedBytes(Path f) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder("stat", "-c", "%b %B", f.toString())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            assumeTrue(false, "stat(1) is not available to check sparseness: " + e.getMessage());
            return java.util.Optional.empty();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            assumeTrue(false, "stat(1) failed: " + out);
        }
        String[] parts = out.split(" ");
        return java.util.Optional.of(Long.parseLong(parts[0]) * Long.parseLong(parts[1]));
    }
}
