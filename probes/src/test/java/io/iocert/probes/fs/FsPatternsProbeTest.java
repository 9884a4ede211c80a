package io.iocert.probes.fs;

import static io.iocert.probes.fs.FsTesting.context;
import static io.iocert.probes.fs.FsTesting.kib;
import static io.iocert.probes.fs.FsTesting.metric;
import static io.iocert.probes.fs.FsTesting.mib;
import static io.iocert.probes.fs.FsTesting.ms;
import static io.iocert.probes.fs.FsTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.Measurement;
import io.iocert.spec.Dimension;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** totalSize, random, mixed, fsync and rate end to end on small real files. */
class FsPatternsProbeTest {
    @TempDir
    Path fsPath;

    private final List<Long> fileSizes = new ArrayList<>();

    private FsProbeEngine engine() {
        return new FsProbeEngine(
                FileChannel::open,
                files -> {
                    for (Path f : files) {
                        try {
                            fileSizes.add(Files.size(f));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                },
                2);
    }

    @Test
    void shouldStopSequentialWritesExactlyAtTotalSizeWrappingWithinTheFile() throws Exception {
        List<Measurement> ms = new FsWriteProbe(engine())
                .run(
                        requirement(
                                ProbeType.FS_WRITE,
                                "blockSize",
                                kib(64),
                                "fileSize",
                                mib(1),
                                "totalSize",
                                mib(3),
                                "threads",
                                2L,
                                "direct",
                                "auto",
                                "fsync",
                                "end"),
                        context(fsPath));

        Measurement latency = metric(ms, "latency");
        assertEquals(48, latency.samples());
        assertEquals(48, latency.blocks().totalCount(), "every sample of both threads sits in a time block");
        assertEquals("totalSize", latency.context().get(FsProbeEngine.STOPPED_BY));
        assertEquals(3L << 20, latency.workload().get("totalSize"));
        assertEquals("end", latency.workload().get("fsync"));
        // totalSize is shared work: a faster thread takes more blocks, so how the 48 blocks split
        // between the two files depends on scheduling. Whatever the split, a file never grows past
        // fileSize (the thread wraps), and 3 MiB over two files makes at least one thread wrap.
        assertEquals(2, fileSizes.size());
        for (long size : fileSizes) {
            assertTrue(size <= 1L << 20 && size % (64 << 10) == 0, "file size " + size);
        }
        assertTrue(fileSizes.contains(1L << 20), "no thread wrapped: " + fileSizes);
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @ParameterizedTest
    @ValueSource(strings = {"random", "sequential"})
    void shouldKeepGoingForTheWholeDurationBeyondOneFileSize(String pattern) throws Exception {
        // 16 blocks per file, but 400 ms at 500 ops/s plans about 200 operations.
        List<Measurement> ms = new FsWriteProbe(engine())
                .run(
                        requirement(
                                ProbeType.FS_WRITE,
                                "pattern",
                                pattern,
                                "blockSize",
                                kib(4),
                                "fileSize",
                                kib(64),
                                "rate",
                                new Quantity(500, Dimension.OP_RATE),
                                "duration",
                                ms(400),
                                "direct",
                                "auto"),
                        context(fsPath));

        Measurement latency = metric(ms, "latency");
        assertTrue(latency.samples() > 100, "samples " + latency.samples());
        assertEquals("duration", latency.context().get(FsProbeEngine.STOPPED_BY));
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldMoveOneFileSizePerThreadOnARandomRunWithoutTotalSizeOrDuration() throws Exception {
        List<Measurement> ms = new FsWriteProbe(engine())
                .run(
                        requirement(
                                ProbeType.FS_WRITE,
                                "pattern",
                                "random",
                                "blockSize",
                                kib(4),
                                "fileSize",
                                kib(256),
                                "threads",
                                2L,
                                "direct",
                                "auto",
                                "fsync",
                                8L),
                        context(fsPath));

        Measurement latency = metric(ms, "latency");
        assertEquals(2 * 64, latency.samples());
        assertEquals("fileSize", latency.context().get(FsProbeEngine.STOPPED_BY));
        assertEquals("random", latency.workload().get("pattern"));
        assertEquals("0", latency.context().get(FsProbeEngine.READ_PERCENT));
        // Random writes overwrite the prepared file: it keeps its size, whole.
        assertEquals(List.of(256L << 10, 256L << 10), fileSizes);
    }

    @Test
    void shouldRunMixedRandomIoCountingEveryOperation() throws Exception {
        List<Measurement> ms = new FsReadProbe(engine())
                .run(
                        requirement(
                                ProbeType.FS_READ,
                                "pattern",
                                "random",
                                "blockSize",
                                kib(4),
                                "fileSize",
                                kib(512),
                                "threads",
                                2L,
                                "direct",
                                "auto",
                                "readPercent",
                                70L,
                                "totalSize",
                                kib(4 * 300)),
                        context(fsPath));

        Measurement latency = metric(ms, "latency");
        assertEquals(300, latency.samples());
        assertEquals("70", latency.context().get(FsProbeEngine.READ_PERCENT));
        assertEquals("totalSize", latency.context().get(FsProbeEngine.STOPPED_BY));
        assertEquals(70L, latency.workload().get("readPercent"));
    }

    @Test
    void shouldRunAnOpenLoopAtTheTargetRate() throws Exception {
        List<Measurement> ms = new FsWriteProbe(engine())
                .run(
                        requirement(
                                ProbeType.FS_WRITE,
                                "pattern",
                                "random",
                                "blockSize",
                                kib(4),
                                "fileSize",
                                kib(256),
                                "direct",
                                "auto",
                                "rate",
                                new Quantity(2000, Dimension.OP_RATE),
                                "totalSize",
                                kib(4 * 40)),
                        context(fsPath));

        Measurement latency = metric(ms, "latency");
        assertEquals(40, latency.samples());
        assertEquals("2000.0", latency.context().get(FsProbeEngine.TARGET_RATE));
    }
}
