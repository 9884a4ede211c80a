package io.iocert.probes.fs;

import static io.iocert.probes.fs.FsTesting.context;
import static io.iocert.probes.fs.FsTesting.kib;
import static io.iocert.probes.fs.FsTesting.metric;
import static io.iocert.probes.fs.FsTesting.mib;
import static io.iocert.probes.fs.FsTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iocert.probes.ProbeException;
import io.iocert.probes.ProgressListener;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FsReadProbeTest {
    @TempDir
    Path fsPath;

    @Test
    void shouldReadBackTheWholeFileItWrote() throws Exception {
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
        List<Measurement> ms = new FsReadProbe(engine)
                .run(
                        requirement(ProbeType.FS_READ, "fileSize", mib(8), "blockSize", kib(128), "direct", "auto"),
                        context(fsPath));

        Measurement latency = metric(ms, "latency");
        assertEquals(64, latency.samples(), "8 MiB in 128 KiB reads");
        assertEquals("fileSize", latency.context().get(FsProbeEngine.STOPPED_BY));
        assertNull(latency.error());
        assertEquals(List.of(8L << 20), sizes);
        assertEquals("fs.read", latency.probe());
        assertEquals(
                List.of("latency", "throughput", "iops"),
                ms.stream().map(Measurement::metric).toList());
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldReadEveryThreadsFile() throws Exception {
        List<Measurement> ms = new FsReadProbe()
                .run(
                        requirement(
                                ProbeType.FS_READ,
                                "fileSize",
                                mib(2),
                                "blockSize",
                                kib(64),
                                "threads",
                                2L,
                                "direct",
                                "auto"),
                        context(fsPath));

        assertEquals(64, metric(ms, "latency").samples());
    }

    @Test
    void shouldStartBufferedReadsWithAColdCacheWhereTheFileCouldBeWrittenDirect() throws Exception {
        List<Measurement> probe = new FsWriteProbe()
                .run(requirement(ProbeType.FS_WRITE, "fileSize", mib(1), "direct", "auto"), context(fsPath));
        assumeTrue(
                metric(probe, "latency").context().get(FsProbeEngine.DIRECT).equals("true")
                        && metric(probe, "latency")
                                .context()
                                .get(FsProbeEngine.CACHE_AFFECTED)
                                .equals("false"),
                "this filesystem does not take O_DIRECT, so the file cannot be written around the page cache");

        List<Measurement> ms = new FsReadProbe()
                .run(
                        requirement(ProbeType.FS_READ, "fileSize", mib(2), "blockSize", kib(64), "direct", "false"),
                        context(fsPath));

        Measurement latency = metric(ms, "latency");
        assertEquals("false", latency.context().get(FsProbeEngine.DIRECT));
        assertEquals("false", latency.context().get(FsProbeEngine.CACHE_AFFECTED));
        assertEquals(false, latency.workload().get("direct"));
    }

    @Test
    void shouldFailWhenTheBudgetRunsOutWhileWritingTheFileToRead() throws Exception {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> new FsReadProbe()
                        .run(
                                requirement(
                                        ProbeType.FS_READ, "fileSize", mib(16), "blockSize", kib(64), "direct", "auto"),
                                context(
                                        fsPath,
                                        Duration.ofMillis(20),
                                        FsTesting.steppingClock(1_000_000L),
                                        ProgressListener.NONE)));

        assertTrue(
                e.getMessage().startsWith("the budget of 20 ms ran out while fs.read wrote the 16 MiB it reads"),
                e.getMessage());
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldReadTheWholeFileOnceBeforeMeasuringWhenAskedToInitialize() throws Exception {
        List<String> readOpens = new ArrayList<>();
        FsProbeEngine engine = new FsProbeEngine(
                (file, options) -> {
                    if (options.contains(java.nio.file.StandardOpenOption.READ)) {
                        readOpens.add(file.getFileName().toString());
                    }
                    return FileChannel.open(file, options);
                },
                files -> {},
                2);
        List<Measurement> ms = new FsReadProbe(engine)
                .run(
                        requirement(
                                ProbeType.FS_READ,
                                "fileSize",
                                mib(4),
                                "blockSize",
                                kib(256),
                                "threads",
                                2L,
                                "direct",
                                "auto",
                                "initialize",
                                true),
                        context(fsPath));

        Measurement latency = metric(ms, "latency");
        assertEquals(32, latency.samples(), "2 x 4 MiB in 256 KiB reads, the pre-read not counted");
        assertEquals("true", latency.context().get(FsProbeEngine.INITIALIZED));
        assertTrue(
                Long.parseLong(latency.context().get(FsProbeEngine.INITIALIZE_NS)) > 0,
                latency.context().toString());
        assertEquals(true, latency.workload().get("initialize"));
        // Each thread's file opened for reading twice: once to initialize it, once to measure.
        assertEquals(
                List.of("data-0", "data-0", "data-1", "data-1"),
                readOpens.stream().sorted().toList());
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldRecordThatTheFileWasNotInitialized() throws Exception {
        List<Measurement> ms = new FsReadProbe()
                .run(
                        requirement(ProbeType.FS_READ, "fileSize", mib(1), "blockSize", kib(64), "direct", "auto"),
                        context(fsPath));

        assertEquals("false", metric(ms, "iops").context().get(FsProbeEngine.INITIALIZED));
        assertNull(metric(ms, "iops").context().get(FsProbeEngine.INITIALIZE_NS));
        assertNull(metric(ms, "iops").workload().get("initialize"));
    }

    @Test
    void shouldFailWhenTheBudgetRunsOutWhileInitializing() throws Exception {
        // 1 ms per clock reading: writing 4 MiB in 1 MiB chunks fits in 40 ms, reading it again does not.
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> new FsReadProbe()
                        .run(
                                requirement(
                                        ProbeType.FS_READ,
                                        "fileSize",
                                        mib(4),
                                        "blockSize",
                                        kib(64),
                                        "direct",
                                        "auto",
                                        "initialize",
                                        true),
                                context(
                                        fsPath,
                                        Duration.ofMillis(14),
                                        FsTesting.steppingClock(1_000_000L),
                                        ProgressListener.NONE)));

        assertTrue(
                e.getMessage()
                        .startsWith("the budget of 14 ms ran out while fs.read read the 4 MiB it reads once"
                                + " before measuring (initialize: true;"),
                e.getMessage());
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }
}
