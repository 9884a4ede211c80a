package io.iocert.probes.fs;

import static io.iocert.probes.fs.FsTesting.context;
import static io.iocert.probes.fs.FsTesting.metric;
import static io.iocert.probes.fs.FsTesting.mib;
import static io.iocert.probes.fs.FsTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.nio.file.ExtendedOpenOption;
import io.iocert.probes.Probe;
import io.iocert.probes.ProbeException;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DirectIoTest {
    private static final Path SHM = Path.of("/dev/shm");

    @TempDir
    Path fsPath;

    /** A filesystem that refuses O_DIRECT the way older tmpfs does: open(2) fails with EINVAL. */
    private static final FsProbeEngine NO_DIRECT = new FsProbeEngine(
            (file, options) -> {
                if (options.contains(ExtendedOpenOption.DIRECT)) {
                    throw new IOException("Invalid argument");
                }
                return FileChannel.open(file, options);
            },
            files -> {},
            2);

    @ParameterizedTest
    @EnumSource(
            value = ProbeType.class,
            names = {"FS_READ", "FS_WRITE"})
    void shouldRefuseDirectTrueWhereODirectIsUnsupported(ProbeType type) {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> probe(type, NO_DIRECT)
                        .run(requirement(type, "fileSize", mib(1), "direct", "true"), context(fsPath)));

        assertTrue(e.getMessage().startsWith("O_DIRECT is not supported on " + fsPath), e.getMessage());
        assertTrue(e.getMessage().contains("Invalid argument"), e.getMessage());
        assertTrue(e.getMessage().contains("use direct: auto"), e.getMessage());
    }

    @ParameterizedTest
    @EnumSource(
            value = ProbeType.class,
            names = {"FS_READ", "FS_WRITE"})
    void shouldFallBackToBufferedAndSaySoWithDirectAuto(ProbeType type) throws Exception {
        List<Measurement> ms = probe(type, NO_DIRECT)
                .run(
                        requirement(type, "fileSize", mib(1), "blockSize", Quantity.bytes(64 * 1024), "direct", "auto"),
                        context(fsPath));

        Measurement latency = metric(ms, "latency");
        assertEquals(16, latency.samples());
        assertEquals("false", latency.context().get(FsProbeEngine.DIRECT));
        assertEquals("true", latency.context().get(FsProbeEngine.CACHE_AFFECTED));
        assertEquals(false, latency.workload().get("direct"));
        if (type == ProbeType.FS_WRITE) {
            assertTrue(latency.context().get(FsProbeEngine.DIRECT_FALLBACK).contains("Invalid argument"));
        }
    }

    @Test
    void shouldRefuseDirectTrueWithABlockSizeTheFilesystemCannotAlign() throws Exception {
        int alignment = FsProbeEngine.alignment(fsPath);
        assumeTrue(alignment > 1, "the filesystem block size is unknown here");
        Quantity odd = Quantity.bytes(alignment + 1);

        ProbeException e = assertThrows(
                ProbeException.class,
                () -> new FsWriteProbe()
                        .run(
                                requirement(ProbeType.FS_WRITE, "fileSize", mib(1), "blockSize", odd, "direct", "true"),
                                context(fsPath)));
        assertTrue(e.getMessage().contains("is not a multiple of the block size"), e.getMessage());

        List<Measurement> ms = new FsWriteProbe()
                .run(
                        requirement(ProbeType.FS_WRITE, "fileSize", mib(1), "blockSize", odd, "direct", "auto"),
                        context(fsPath));
        assertEquals("false", metric(ms, "latency").context().get(FsProbeEngine.DIRECT));
        assertEquals((1L << 20) / (alignment + 1), metric(ms, "latency").samples());
    }

    @Test
    void shouldUseODirectWhereTheFilesystemTakesIt() throws Exception {
        assumeTrue(acceptsODirect(fsPath), "the test directory's filesystem refuses O_DIRECT");
        List<Measurement> ms = new FsWriteProbe()
                .run(requirement(ProbeType.FS_WRITE, "fileSize", mib(1), "direct", "true"), context(fsPath));
        Map<String, String> ctx = metric(ms, "latency").context();
        assertEquals("true", ctx.get(FsProbeEngine.DIRECT));
        assertEquals(Boolean.toString(isMemory(ctx)), ctx.get(FsProbeEngine.CACHE_AFFECTED));
    }

    @Test
    void shouldRefuseDirectTrueOnTmpfsThatRefusesODirect() throws Exception {
        Path dir = shmDir();
        try {
            assumeTrue(!acceptsODirect(dir), "tmpfs on this kernel accepts O_DIRECT (Linux 6.6 and later)");
            ProbeException e = assertThrows(
                    ProbeException.class,
                    () -> new FsWriteProbe()
                            .run(requirement(ProbeType.FS_WRITE, "fileSize", mib(1), "direct", "true"), context(dir)));
            assertTrue(e.getMessage().contains("O_DIRECT is not supported on " + dir + " (tmpfs)"), e.getMessage());
            assertTrue(e.getMessage().contains("direct: auto"), e.getMessage());

            List<Measurement> ms = new FsWriteProbe()
                    .run(requirement(ProbeType.FS_WRITE, "fileSize", mib(1), "direct", "auto"), context(dir));
            assertEquals("false", metric(ms, "latency").context().get(FsProbeEngine.DIRECT));
            assertEquals("true", metric(ms, "latency").context().get(FsProbeEngine.CACHE_AFFECTED));
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    void shouldMarkTmpfsCacheAffectedEvenWithODirect() throws Exception {
        Path dir = shmDir();
        try {
            List<Measurement> ms = new FsWriteProbe()
                    .run(requirement(ProbeType.FS_WRITE, "fileSize", mib(1), "direct", "auto"), context(dir));
            Map<String, String> ctx = metric(ms, "latency").context();
            assertEquals("tmpfs", ctx.get(StorageFacts.FS_TYPE));
            assertEquals("true", ctx.get(FsProbeEngine.CACHE_AFFECTED), "tmpfs is memory: " + ctx);
        } finally {
            deleteTree(dir);
        }
    }

    private static boolean isMemory(Map<String, String> ctx) {
        return "tmpfs".equals(ctx.get(StorageFacts.FS_TYPE)) || "ramfs".equals(ctx.get(StorageFacts.FS_TYPE));
    }

    private static Probe probe(ProbeType type, FsProbeEngine engine) {
        return type == ProbeType.FS_READ ? new FsReadProbe(engine) : new FsWriteProbe(engine);
    }

    /** A private directory on /dev/shm, or the test is skipped when /dev/shm is not a tmpfs. */
    private static Path shmDir() throws IOException {
        assumeTrue(Files.isDirectory(SHM) && Files.isWritable(SHM), "/dev/shm is not a writable directory here");
        assumeTrue("tmpfs".equals(StorageFacts.of(SHM).get(StorageFacts.FS_TYPE)), "/dev/shm is not a tmpfs here");
        return Files.createTempDirectory(SHM, "iocert-test-");
    }

    private static boolean acceptsODirect(Path dir) throws IOException {
        Path probe = dir.resolve("odirect-check");
        try (FileChannel ch = FileChannel.open(
                probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
            return ch.isOpen();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
