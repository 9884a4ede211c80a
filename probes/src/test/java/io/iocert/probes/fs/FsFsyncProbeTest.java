package io.iocert.probes.fs;

import static io.iocert.probes.fs.FsTesting.context;
import static io.iocert.probes.fs.FsTesting.kib;
import static io.iocert.probes.fs.FsTesting.ms;
import static io.iocert.probes.fs.FsTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.ProbeException;
import io.iocert.probes.Probes;
import io.iocert.probes.ProgressListener;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import io.iocert.spec.SpecLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FsFsyncProbeTest {
    @TempDir
    Path fsPath;

    @ParameterizedTest
    @ValueSource(strings = {"fsync", "fdatasync"})
    void shouldRecordOneNonZeroLatencyPerSyncedWriteForEitherSyncCall(String sync) throws Exception {
        Files.writeString(fsPath.resolve("keep.txt"), "not iocert's");
        Map<String, String> before = FsTesting.snapshot(fsPath);

        List<Measurement> ms = new FsFsyncProbe(64 * 1024)
                .run(requirement(ProbeType.FS_FSYNC, "sync", sync, "duration", ms(200)), context(fsPath));

        assertEquals(1, ms.size());
        Measurement latency = ms.get(0);
        assertEquals("latency", latency.metric());
        assertEquals("ns", latency.unit());
        assertEquals("fs.fsync", latency.probe());
        assertTrue(latency.samples() > 0);
        assertEquals(latency.samples(), latency.histogram().getTotalCount());
        assertEquals(latency.samples(), latency.blocks().totalCount(), "every sample sits in a time block");
        assertTrue(latency.histogram().getMinValue() > 0);
        assertTrue(latency.summary().p99() > 0);
        assertNull(latency.error());
        assertEquals(sync, latency.context().get(FsFsyncProbe.SYNC_CALL));
        assertEquals("duration", latency.context().get(FsProbeEngine.STOPPED_BY));
        assertEquals(sync, latency.workload().get("sync"));
        assertEquals(4096L, latency.workload().get("blockSize"));
        assertEquals(false, latency.workload().get("direct"));
        FsTesting.assertNoWorkspaceLeft(fsPath);
        assertEquals(before, FsTesting.snapshot(fsPath));
    }

    @Test
    void shouldStopAtTheBudgetWhenItEndsBeforeTheDuration() throws Exception {
        List<Measurement> ms = new FsFsyncProbe(64 * 1024)
                .run(
                        requirement(ProbeType.FS_FSYNC, "duration", ms(60_000)),
                        FsTesting.context(
                                fsPath,
                                Duration.ofMillis(150),
                                io.iocert.probes.NanoClock.SYSTEM,
                                ProgressListener.NONE));

        assertEquals("budget", ms.get(0).context().get(FsProbeEngine.STOPPED_BY));
        assertTrue(ms.get(0).samples() > 0);
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldExcludeWarmupAndWrapInsideItsBoundedFile() throws Exception {
        // 1 ns per clock reading: each op spans a few readings, the run a known number of ops.
        List<Measurement> ms = new FsFsyncProbe(8 * 1024)
                .run(
                        requirement(
                                ProbeType.FS_FSYNC,
                                "blockSize",
                                kib(4),
                                "warmup",
                                io.iocert.spec.Quantity.nanos(20),
                                "duration",
                                io.iocert.spec.Quantity.nanos(60)),
                        FsTesting.context(
                                fsPath, Duration.ofSeconds(60), FsTesting.steppingClock(1), ProgressListener.NONE));

        Measurement latency = ms.get(0);
        // Each op reads the clock twice (start, end), so ops start at begin+1, +3, ...; those starting
        // in [begin+20, begin+80) are measured: 30 of them, each 1 ns long. 90 writes of 4 KiB wrap the 8 KiB file.
        assertEquals(30, latency.samples());
        assertEquals(1, latency.histogram().getMaxValue());
        assertEquals(20L, latency.workload().get("warmup"));
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldRefuseAnUnknownSyncCall() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> new FsFsyncProbe().run(requirement(ProbeType.FS_FSYNC, "sync", "msync"), context(fsPath)));
        assertTrue(e.getMessage().contains("fsync or fdatasync"), e.getMessage());
    }

    @Test
    void shouldReceiveSpecValuesThroughTheLoader() throws Exception {
        String yaml = """
                iocert: v1
                name: t
                requirements:
                  - id: wal
                    probe: fs.fsync
                    workload: {blockSize: 8KiB, sync: fdatasync, direct: false, duration: 150ms, warmup: 10ms}
                    expect:
                      latency: {p99: "<= 2 s"}
                """;
        Requirement r = SpecLoader.parse(yaml, "test").requirements().get(0);
        FsFsyncProbe.Settings s = FsFsyncProbe.resolve(r.workload());
        assertEquals(new FsFsyncProbe.Settings(8192, true, DirectMode.FALSE, 150_000_000L, 10_000_000L), s);

        Measurement m = new FsFsyncProbe(64 * 1024).run(r, context(fsPath)).get(0);
        assertEquals("wal", m.id());
        assertEquals(8192L, m.workload().get("blockSize"));
        assertEquals("fdatasync", m.context().get(FsFsyncProbe.SYNC_CALL));
        FsTesting.assertNoWorkspaceLeft(fsPath);
    }

    @Test
    void shouldBeFoundThroughTheServiceLoader() {
        assertInstanceOf(FsFsyncProbe.class, Probes.forType(ProbeType.FS_FSYNC).orElseThrow());
    }
}
