package io.iocert.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class CoordinatedTest {
    private static final long S = 1_000_000_000L;

    private static Measurement throughput(long originEpochNs, double... values) {
        return new Measurement(
                "w",
                "fs.write",
                "throughput",
                "B/s",
                Map.of(),
                values.length,
                null,
                null,
                new IntervalSeries(S, java.util.Arrays.stream(values).boxed().toList()),
                Map.of(Coordinated.ORIGIN, Long.toString(originEpochNs)),
                null);
    }

    private static Measurement latency(long... valuesNs) {
        Histogram h = new Histogram(3);
        for (long v : valuesNs) {
            h.recordValue(v);
        }
        return new Measurement(
                "w", "fs.write", "latency", "ns", Map.of(), h.getTotalCount(), Summary.of(h), h, null, Map.of(), null);
    }

    @Test
    void shouldSumSeriesOnTheCoordinatorsClockOverTheCommonSpan() {
        // Node a starts at 100 s on its clock, which runs 0.5 s ahead of the coordinator's: 99.5 s.
        // Node b starts at 100 s on a clock that agrees with the coordinator's. Common span from 100 s.
        var a = new Coordinated.NodeRun("a", S / 2, 1000, List.of(throughput(100 * S, 10, 20, 30, 40)), null);
        var b = new Coordinated.NodeRun("b", 0, 1000, List.of(throughput(100 * S, 100, 100, 100)), null);

        List<Measurement> merged =
                Coordinated.merge("w", "fs.write", Map.of("throughput", "B/s"), List.of(a, b), List.of());

        Measurement agg = merged.get(0);
        assertEquals("aggregate", agg.context().get(Coordinated.SCOPE));
        assertNull(agg.error());
        // a's share of [100, 101): half of its 10 (99.5..100.5) and half of its 20; and so on.
        assertEquals(List.of(115.0, 125.0, 135.0), agg.intervals().values());
        assertEquals("500000000", agg.context().get(Coordinated.START_SPREAD));
        Measurement nodeA = merged.get(1);
        assertEquals("a", nodeA.context().get(Coordinated.NODE_NAME));
        assertEquals(List.of(15.0, 25.0, 35.0), nodeA.intervals().values(), "a's part, while both ran");
        double shareA = Double.parseDouble(nodeA.context().get(Coordinated.SHARE));
        double shareB = Double.parseDouble(merged.get(2).context().get(Coordinated.SHARE));
        assertEquals(75.0 / 375.0, shareA, 1e-4);
        assertEquals(1.0, shareA + shareB, 1e-3);
        assertEquals("a=0.2000,b=0.8000", agg.context().get(Coordinated.SHARES));
    }

    private static Measurement pair(String partner, long originEpochNs, double... values) {
        return new Measurement(
                "w",
                "net.stream",
                "throughput",
                "B/s",
                Map.of(),
                values.length,
                null,
                null,
                new IntervalSeries(S, java.util.Arrays.stream(values).boxed().toList()),
                Map.of(
                        Coordinated.ORIGIN,
                        Long.toString(originEpochNs),
                        Coordinated.SCOPE,
                        Coordinated.PAIR,
                        Coordinated.PARTNER,
                        partner),
                null);
    }

    @Test
    void shouldKeepEveryPairAlignedWithItsNodeAndShareTheAggregateAmongThePairs() {
        // All-to-all of three: each node's measurement is its two pairs added. Node b's clock runs 0.5 s ahead.
        var a = new Coordinated.NodeRun(
                "a",
                0,
                1000,
                List.of(
                        throughput(100 * S, 30, 30, 30),
                        pair("b", 100 * S, 10, 10, 10),
                        pair("c", 100 * S, 20, 20, 20)),
                null);
        var b = new Coordinated.NodeRun(
                "b",
                S / 2,
                1000,
                List.of(
                        throughput(100 * S + S / 2, 60, 60, 60),
                        pair("c", 100 * S + S / 2, 20, 20, 20),
                        pair("a", 100 * S + S / 2, 40, 40, 40)),
                null);
        var c = new Coordinated.NodeRun(
                "c",
                0,
                1000,
                List.of(throughput(100 * S, 10, 10, 10), pair("a", 100 * S, 5, 5, 5), pair("b", 100 * S, 5, 5, 5)),
                null);

        List<Measurement> merged =
                Coordinated.merge("w", "net.stream", Map.of("throughput", "B/s"), List.of(a, b, c), List.of());

        assertEquals(1 + 3 + 6, merged.size(), "the aggregate, the three nodes, the six pairs");
        Measurement agg = merged.get(0);
        assertEquals(List.of(100.0, 100.0, 100.0), agg.intervals().values(), "the nodes added, not the pairs again");
        List<Measurement> pairs = merged.subList(4, 10);
        double shares = 0;
        for (int k = 0; k < 3; k++) {
            double sum = 0;
            for (Measurement p : pairs) {
                assertEquals(Coordinated.PAIR, p.context().get(Coordinated.SCOPE));
                sum += p.intervals().values().get(k);
            }
            assertEquals(
                    agg.intervals().values().get(k),
                    sum,
                    1e-9,
                    "interval " + k + ": the pairs add up to the aggregate");
        }
        for (Measurement p : pairs) {
            shares += Double.parseDouble(p.context().get(Coordinated.SHARE));
        }
        assertEquals(1.0, shares, 1e-3);
        Measurement bToA = pairs.get(3);
        assertEquals("b", bToA.context().get(Coordinated.NODE_NAME));
        assertEquals("a", bToA.context().get(Coordinated.PARTNER));
        assertEquals("0.4000", bToA.context().get(Coordinated.SHARE));
        assertTrue(Coordinated.isPart(bToA));
    }

    @Test
    void shouldMergeHistogramsNotAveragePercentiles() {
        var a = new Coordinated.NodeRun("a", 0, 0, List.of(latency(1_000, 1_000, 1_000)), null);
        var b = new Coordinated.NodeRun("b", 0, 0, List.of(latency(9_000_000)), null);
        Measurement agg = Coordinated.merge("w", "fs.write", Map.of("latency", "ns"), List.of(a, b), List.of())
                .get(0);
        assertEquals(4, agg.samples());
        assertEquals(4, agg.histogram().getTotalCount());
        assertTrue(
                agg.histogram().getValueAtPercentile(100) >= 9_000_000,
                "the slow node's operation is in the merged tail");
    }

    @Test
    void shouldNameNodesThatFailedOrNeverJoinedAndKeepTheOthers() {
        var a = new Coordinated.NodeRun("a", 0, 0, List.of(throughput(100 * S, 10, 10, 10)), null);
        var b = new Coordinated.NodeRun(
                "b", 0, 0, List.of(), "participant b (10.0.0.2:4711): it did not send its result");
        List<Measurement> merged =
                Coordinated.merge("w", "fs.write", Map.of("throughput", "B/s"), List.of(a, b), List.of("c"));
        Measurement agg = merged.get(0);
        assertEquals(
                "participant c never joined; participant b (10.0.0.2:4711): it did not send its result; the aggregate"
                        + " holds the other 1 of 3 nodes",
                agg.error());
        assertEquals(List.of(10.0, 10.0, 10.0), agg.intervals().values(), "what a measured is kept");
        assertEquals("3", agg.context().get(Coordinated.NODES));
        assertEquals(2, merged.size(), "the aggregate and a's own measurement");
    }

    @Test
    void shouldKeepWhatAFailedNodeMeasuredOutsideTheAggregateSoTheOthersKeepTheirSpan() {
        // b lost its partner after 1 s: its series (and its pair's) end there. a and c ran all 4 s.
        Measurement bNode = throughput(100 * S, 50);
        bNode = new Measurement(
                bNode.id(),
                bNode.probe(),
                bNode.metric(),
                bNode.unit(),
                bNode.workload(),
                1,
                null,
                null,
                bNode.intervals(),
                bNode.context(),
                "partner c (10.0.0.3:4000) ended stream 0 early");
        var a = new Coordinated.NodeRun(
                "a", 0, 0, List.of(throughput(100 * S, 10, 10, 10, 10), pair("b", 100 * S, 10, 10, 10, 10)), null);
        var b = new Coordinated.NodeRun("b", 0, 0, List.of(bNode, pair("c", 100 * S, 50)), null);
        var c = new Coordinated.NodeRun(
                "c", 0, 0, List.of(throughput(100 * S, 20, 20, 20, 20), pair("a", 100 * S, 20, 20, 20, 20)), null);
        List<Measurement> merged =
                Coordinated.merge("w", "net.stream", Map.of("throughput", "B/s"), List.of(a, b, c), List.of());
        Measurement agg = merged.get(0);
        assertEquals(
                "participant b: partner c (10.0.0.3:4000) ended stream 0 early; the aggregate holds the other 2 of 3"
                        + " nodes",
                agg.error());
        assertEquals(List.of(30.0, 30.0, 30.0, 30.0), agg.intervals().values(), "a's and c's whole span");
        Measurement kept = merged.stream()
                .filter(m -> "b".equals(m.context().get(Coordinated.NODE_NAME))
                        && Coordinated.NODE.equals(m.context().get(Coordinated.SCOPE)))
                .findFirst()
                .orElseThrow();
        assertEquals(List.of(50.0), kept.intervals().values(), "b's own second, as it sent it");
        assertEquals(null, kept.context().get(Coordinated.SHARE), "no share of an aggregate it is not in");
        assertEquals(1 + 2 + 2 + 2, merged.size(), "aggregate, a and c, their pairs, then b and its pair");
    }
}
