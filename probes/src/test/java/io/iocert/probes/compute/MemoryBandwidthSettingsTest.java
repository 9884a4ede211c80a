package io.iocert.probes.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.ProbeException;
import io.iocert.spec.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryBandwidthSettingsTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path tmp;

    @Test
    void shouldSizeEachArrayAtFourTimesTheLastLevelCacheByDefault() throws Exception {
        MemoryBandwidthProbe.Settings s =
                MemoryBandwidthProbe.resolve(ComputeTesting.workload(), 8, OptionalLong.of(32 * MIB));
        assertEquals(128 * MIB, s.arrayBytes());
        assertEquals(StreamKernel.TRIAD, s.kernel());
        assertEquals(1, s.threads());
        assertEquals("lastLevelCache", s.arraySizeSource());
        assertFalse(s.cacheAffected());
    }

    @Test
    void shouldShareTheArraysOutOverAllCoresAndNeverGoBelowTheCacheRule() throws Exception {
        // 4 x 30 MiB over 3 threads is not a whole number of chunks per thread: round up.
        MemoryBandwidthProbe.Settings s = MemoryBandwidthProbe.resolve(
                ComputeTesting.workload("threads", "all", "kernel", "copy"), 7, OptionalLong.of(30 * MIB));
        assertEquals(7, s.threads());
        assertTrue(s.arrayBytes() >= 120 * MIB, Long.toString(s.arrayBytes()));
        assertEquals(0, s.elementsPerThread() % StreamBenchmark.CHUNK);
        assertEquals(s.arrayBytes(), 7L * s.elementsPerThread() * Double.BYTES);
    }

    @Test
    void shouldMarkArraysThatFitInTheCacheAsCacheAffected() throws Exception {
        MemoryBandwidthProbe.Settings s = MemoryBandwidthProbe.resolve(
                ComputeTesting.workload("arraySize", Quantity.bytes(16 * MIB)), 1, OptionalLong.of(32 * MIB));
        assertTrue(s.cacheAffected());
        assertEquals("workload", s.arraySizeSource());
    }

    @Test
    void shouldRejectAnUnknownKernelNamingTheAllowedOnes() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> MemoryBandwidthProbe.resolve(
                        ComputeTesting.workload("kernel", "daxpy"), 1, OptionalLong.empty()));
        assertEquals(
                "kernel of compute.memory-bandwidth must be one of copy, scale, add, triad, got 'daxpy'",
                e.getMessage());
    }

    @Test
    void shouldRejectArraysTooSmallForTheThreads() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> MemoryBandwidthProbe.resolve(
                        ComputeTesting.workload("arraySize", Quantity.bytes(MIB), "threads", 8L),
                        8,
                        OptionalLong.empty()));
        assertTrue(e.getMessage().contains("too small for 8 threads"), e.getMessage());
    }

    @Test
    void shouldSumDistinctLastLevelCachesFromSysfs() throws IOException {
        // Two L3 slices of 16 MiB shared by cpus 0-1 and 2-3; an L2 per cpu is ignored.
        for (int cpu = 0; cpu < 4; cpu++) {
            cache(cpu, 2, "Unified", "512K", Integer.toString(cpu));
            cache(cpu, 3, "Unified", "16384K", cpu < 2 ? "0-1" : "2-3");
            cache(cpu, 1, "Instruction", "32K", Integer.toString(cpu));
        }
        assertEquals(OptionalLong.of(32 * MIB), LastLevelCache.totalBytes(tmp));
        assertEquals(OptionalLong.empty(), LastLevelCache.totalBytes(tmp.resolve("missing")));
    }

    private void cache(int cpu, int level, String type, String size, String shared) throws IOException {
        Path d = Files.createDirectories(tmp.resolve("cpu" + cpu + "/cache/index" + level));
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
        Files.writeString(d.resolve("shared_cpu_list"), shared + "\n");
    }
}
