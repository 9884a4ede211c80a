package io.iocert.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbeTypeTest {

    @Test
    void shouldNameTheFamilyByTheIdBeforeTheDot() {
        for (ProbeType p : ProbeType.values()) {
            assertTrue(p.id().startsWith(p.family().id() + "."), p.id());
        }
        assertEquals(ProbeType.Family.FS, ProbeType.FS_METADATA.family());
        assertEquals(ProbeType.Family.NET, ProbeType.NET_CONNECT.family());
        assertEquals(ProbeType.Family.COMPUTE, ProbeType.COMPUTE_MEMORY_BANDWIDTH.family());
    }

    @Test
    void shouldIgnoreTheIntervalOnlyWhereItOnlyBinsRates() {
        for (ProbeType p : List.of(ProbeType.FS_READ, ProbeType.FS_WRITE, ProbeType.FS_METADATA)) {
            assertEquals(Set.of(ProbeType.INTERVAL), p.binningOnly(), p.id());
        }
        // jitter's interval is its quantum; net.stream has no per-operation metric
        assertEquals(Set.of(), ProbeType.COMPUTE_JITTER.binningOnly());
        assertEquals(Set.of(), ProbeType.NET_STREAM.binningOnly());
    }

    @Test
    void shouldTellMeasurementsApartBySweepSizeThenScope() {
        assertEquals(List.of(ProbeType.MESSAGE_SIZE), ProbeType.NET_PINGPONG.variantKeys());
        assertEquals(List.of(ProbeType.SCOPE, ProbeType.STREAM), ProbeType.NET_STREAM.variantKeys());
        assertEquals(Set.of("messageSize", "scope", "stream"), ProbeType.allVariantKeys());
        assertEquals("messageSize 64 B", ProbeType.variant(Map.of("messageSize", 64L), Map.of("scope", "pair")));
        assertEquals("stream", ProbeType.variant(Map.of(), Map.of("scope", "stream", "stream", "1")));
        assertEquals("part", ProbeType.variant(Map.of("messageSize", "64B"), Map.of()));
    }

    @Test
    void shouldKeepEachProbesOwnDefaults() {
        assertEquals("true", ProbeType.FS_WRITE.defaultWord("direct"));
        assertEquals("false", ProbeType.FS_FSYNC.defaultWord("direct"));
        assertEquals(1L << 20, ProbeType.FS_READ.defaultNumber("blockSize"));
        assertEquals(4096, ProbeType.FS_FSYNC.defaultNumber("blockSize"));
        assertEquals(64, ProbeType.NET_PINGPONG.defaultNumber(ProbeType.MESSAGE_SIZE));
        assertEquals(10_000_000_000L, ProbeType.NET_STREAM.defaultNumber("duration"));
        // worked out at run time: from the budget, the node's caches
        assertThrows(IllegalArgumentException.class, () -> ProbeType.FS_WRITE.defaultNumber("duration"));
        assertThrows(
                IllegalArgumentException.class, () -> ProbeType.COMPUTE_MEMORY_BANDWIDTH.defaultNumber("arraySize"));
        assertThrows(IllegalArgumentException.class, () -> ProbeType.FS_WRITE.defaultWord("nonsense"));
    }

    @Test
    void shouldGiveDefaultsOfTheKeysOwnKind() {
        for (ProbeType p : ProbeType.values()) {
            for (WorkloadKey k : p.workloadKeys()) {
                if (k.defaultValue() instanceof String w && k.type() == WorkloadKey.Type.ENUM) {
                    assertTrue(k.allowed().contains(w), p.id() + " " + k.name());
                } else if (k.defaultValue() instanceof Long n) {
                    assertTrue(n >= k.limit().min() && n <= k.limit().max(), p.id() + " " + k.name());
                }
            }
        }
    }

    @Test
    void shouldSayTimesImproveDownwardAndRatesUpward() {
        for (Metric m : Metric.values()) {
            assertEquals(m.dimension() == Dimension.DURATION, m.lowerIsBetter(), m.id());
        }
    }
}
