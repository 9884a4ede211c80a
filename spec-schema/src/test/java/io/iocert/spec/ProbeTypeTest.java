package io.iocert.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void shouldSayTimesImproveDownwardAndRatesUpward() {
        for (Metric m : Metric.values()) {
            assertEquals(m.dimension() == Dimension.DURATION, m.lowerIsBetter(), m.id());
        }
    }
}
