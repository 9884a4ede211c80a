package io.iocert.probes.fs;

import static io.iocert.probes.fs.FsTesting.context;
import static io.iocert.probes.fs.FsTesting.metric;
import static io.iocert.probes.fs.FsTesting.ms;
import static io.iocert.probes.fs.FsTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.ProbeException;
import io.iocert.probes.Probes;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FsMetadataProbeTest {
    @TempDir
    Path fsPath;

    /** Counts directories and regular files below the workspace while the probe's files still exist. */
    private static final class Census {
        final AtomicLong directories = new AtomicLong(-1);
        final AtomicLong files = new AtomicLong(-1);

        void take(Path workspace) {
            try (Stream<Path> s = Files.walk(workspace)) {
                List<Path> all = s.filter(p -> !p.equals(workspace)).toList();
                directories.set(all.stream().filter(Files::isDirectory).count());
                files.set(all.stream()
                        .filter(Files::isRegularFile)
                        .filter(p -> !p.getFileName().toString().equals(Workspace.MARKER))
                        .count());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"create", "stat", "unlink"})
    void shouldTimeOneOperationPerFileAndLeaveFsPathAsItWas(String operation) throws Exception {
        Files.writeString(fsPath.resolve("keep.txt"), "not iocert's");
        Map<String, String> before = FsTesting.snapshot(fsPath);
        Census census = new Census();

        List<Measurement> ms = new FsMetadataProbe(census::take, 2)
                .run(requirement(ProbeType.FS_METADATA, "operation", operation, "files", 300L), context(fsPath));

        assertEquals(
                List.of("latency", "ops"), ms.stream().map(Measurement::metric).toList());
        Measurement latency = metric(ms, "latency");
        assertEquals("ns", latency.unit());
        assertEquals(300, latency.samples());
        assertEquals(300, latency.histogram().getTotalCount());
        assertEquals(300, latency.blocks().totalCount(), "every sample sits in a time block");
        assertTrue(latency.histogram().getMinValue() > 0);
        assertNull(latency.error());
        assertEquals("files", latency.context().get(FsProbeEngine.STOPPED_BY));
        Measurement ops = metric(ms, "ops");
        assertEquals("ops/s", ops.unit());
        assertTrue(ops.intervals().values().size() > 0);
        // Every measured operation lies within some interval or the partial tail; none is invented.
        double counted = ops.intervals().values().stream()
                .mapToDouble(v -> v * ops.intervals().intervalNs() / 1e9)
                .sum();
        assertTrue(counted > 0 && counted <= 300 + 1e-6, "ops counted in intervals: " + counted);
        assertEquals(ops.intervals().intervalNs(), ops.workload().get("interval"));
        assertEquals(operation.equals("unlink") ? 0 : 300, census.files.get());
        assertEquals(1, census.directories.get());
        for (Measurement m : ms) {
            assertEquals("fs.metadata", m.probe());
            assertEquals(operation, m.workload().get("operation"));
        }
        FsTesting.assertNoWorkspaceLeft(fsPath);
        assertEquals(before, FsTesting.snapshot(fsPath));
    }

    @Test
    void shouldSpreadFilesOverNestedDirectoriesOfAtMostAHundredInATree() throws Exception {
        Census census = new Census();
        List<Path> deepest = new java.util.ArrayList<>();
        List<Measurement> ms = new FsMetadataProbe(
                        ws -> {
                            census.take(ws);
                            try (Stream<Path> s = Files.walk(ws)) {
                                s.filter(Files::isRegularFile)
                                        .filter(p -> p.getFileName().toString().startsWith("f"))
                                        .forEach(p -> deepest.add(ws.relativize(p)));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        },
                        2)
                .run(
                        requirement(
                                ProbeType.FS_METADATA,
                                "operation",
                                "stat",
                                "files",
                                500L,
                                "layout",
                                "tree",
                                "threads",
                                2L),
                        context(fsPath));

        // Two threads of 250 files: each has its own root, one level-one directory and three leaves.
        assertEquals(2 + 2 * (1 + 3), census.directories.get());
        assertEquals(500, census.files.get());
        assertTrue(deepest.stream().allMatch(p -> p.getNameCount() == 4), deepest.toString());
        Measurement latency = metric(ms, "latency");
        assertEquals(500, latency.samples());
        assertEquals("tree", latency.workload().get("layout"));
        assertEquals(2L, latency.workload().get("threads"));
        assertEquals("8", latency.context().get(FsMetadataProbe.DIRECTORIES));
        FsTesting.assertNoWorkspaceLeft(fsPath);
        try (Stream<Path> s = Files.list(fsPath)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void shouldLetTheShutdownHookRemoveATreeWhileTheProbeStillHoldsIt() throws Exception {
        Files.writeString(fsPath.resolve("keep.txt"), "not iocert's");
        Map<String, String> before = FsTesting.snapshot(fsPath);
        Census census = new Census();

        new FsMetadataProbe(
                        ws -> {
                            census.take(ws);
                            Workspace.closeAllOpen(); // what the hook does on SIGINT/SIGTERM
                        },
                        2)
                .run(
                        requirement(ProbeType.FS_METADATA, "operation", "create", "files", 250L, "layout", "tree"),
                        context(fsPath));

        assertEquals(250, census.files.get());
        assertEquals(1 + 1 + 3, census.directories.get());
        assertEquals(before, FsTesting.snapshot(fsPath));
    }

    @Test
    void shouldRepeatStatPassesUntilTheDuration() throws Exception {
        List<Measurement> ms = new FsMetadataProbe()
                .run(
                        requirement(ProbeType.FS_METADATA, "operation", "stat", "files", 50L, "duration", ms(150)),
                        context(fsPath));

        Measurement latency = metric(ms, "latency");
        assertTrue(latency.samples() > 50, "samples " + latency.samples());
        assertEquals("duration", latency.context().get(FsProbeEngine.STOPPED_BY));
        assertTrue(metric(ms, "ops").intervals().values().size() >= 10);
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldStopAtTheBudget() throws Exception {
        List<Measurement> ms = new FsMetadataProbe()
                .run(
                        requirement(ProbeType.FS_METADATA, "operation", "stat", "files", 20L, "duration", ms(60_000)),
                        FsTesting.context(
                                fsPath,
                                java.time.Duration.ofMillis(150),
                                io.iocert.probes.NanoClock.SYSTEM,
                                io.iocert.probes.ProgressListener.NONE));

        assertEquals("budget", metric(ms, "latency").context().get(FsProbeEngine.STOPPED_BY));
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldRefuseMoreThreadsThanFiles() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> new FsMetadataProbe()
                        .run(requirement(ProbeType.FS_METADATA, "files", 2L, "threads", 3L), context(fsPath)));
        assertTrue(e.getMessage().contains("threads 3 exceeds files 2"), e.getMessage());
    }

    @Test
    void shouldReceiveSpecValuesThroughTheLoader() throws Exception {
        String yaml = """
                iocert: v1
                name: t
                requirements:
                  - id: many-small
                    probe: fs.metadata
                    workload: {operation: unlink, files: 120, layout: tree, threads: 2, duration: 5s}
                    expect:
                      ops: {p10: ">= 1 ops/s"}
                """;
        Requirement r = SpecLoader.parse(yaml, "test").requirements().get(0);
        assertEquals(
                new FsMetadataProbe.Settings(
                        FsMetadataProbe.Operation.UNLINK, 120, true, 2, OptionalLong.of(5_000_000_000L)),
                FsMetadataProbe.resolve(r.workload(), 4));

        List<Measurement> ms = new FsMetadataProbe().run(r, context(fsPath));
        assertEquals(120, metric(ms, "latency").samples());
        assertEquals("many-small", ms.get(0).id());
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldBeFoundThroughTheServiceLoader() {
        assertInstanceOf(
                FsMetadataProbe.class, Probes.forType(ProbeType.FS_METADATA).orElseThrow());
    }
}
