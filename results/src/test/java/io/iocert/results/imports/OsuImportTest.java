package io.iocert.results.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.Measurement;
import io.iocert.results.Result;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OSU text fixtures, written by hand in OSU's documented format (OSU is not installed here). */
class OsuImportTest {

    private static Measurement ofSize(Result r, long size) {
        List<Measurement> ms = r.measurements().stream()
                .filter(m -> Long.valueOf(size).equals(m.workload().get("messageSize")))
                .toList();
        assertEquals(1, ms.size());
        return ms.get(0);
    }

    @Test
    void shouldMapOneWayLatencyToTwiceTheRttPerSize() throws Exception {
        Imported imported = Fixtures.load(ImportFormat.OSU, "osu-latency.txt");
        Result r = imported.result();
        assertEquals(
                List.of(new Imported.SetSummary("osu_latency", "osu_latency", "net.pingpong", "rtt")), imported.sets());
        assertEquals(24, r.measurements().size());
        Measurement m = ofSize(r, 8192);
        assertEquals("net.pingpong", m.probe());
        assertEquals("rtt", m.metric());
        assertEquals(1, m.samples());
        assertEquals(1, m.histogram().getTotalCount());
        assertEquals(m.histogram().highestEquivalentValue(4940), m.histogram().getMaxValue(), "2 x 2.47 us");
        assertEquals("8192", m.context().get("messageSize"));
        assertTrue(m.context().get("approximate").startsWith("mean-only"));
        assertEquals("v7.3", m.context().get("sourceVersion"));
        assertEquals(Fixtures.MODIFIED, r.startedAt());
        assertEquals(0L, r.measurements().get(0).workload().get("messageSize"));
    }

    @Test
    void shouldMapBandwidthInDecimalMegabytesToBytesPerSecond() throws Exception {
        Result r = Fixtures.load(ImportFormat.OSU, "osu-bw.txt").result();
        assertEquals(23, r.measurements().size());
        Measurement m = ofSize(r, 1048576);
        assertEquals("net.stream", m.probe());
        assertEquals("throughput", m.metric());
        assertEquals(List.of(11402.86e6), m.intervals().values());
        assertTrue(m.context().get("intervalLength").startsWith("unknown"));
        assertEquals("send", m.workload().get("direction"));
    }
}
