package io.iocert.certifier.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.Fixtures;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ComparerTest {

    private static final OptionalDouble TEN_PERCENT = OptionalDouble.of(0.10);

    /** fs.read's workload as a probe records it: canonical numbers. */
    private static Map<String, Object> workload(long blockSize, long intervalNs) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("pattern", "random");
        w.put("blockSize", blockSize);
        w.put("fileSize", 1L << 30);
        w.put("threads", 4L);
        w.put("direct", true);
        w.put("interval", intervalNs);
        return w;
    }

    /** {@code n} exponential latencies with mean {@code meanNs} plus 100 us, times {@code scale}. */
    private static Measurement latency(long seed, int n, double scale, Map<String, Object> workload) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Histogram h = new Histogram(3);
        for (int i = 0; i < n; i++) {
            h.recordValue(Math.round(scale * (100_000 - Math.log(rnd.nextDouble()) * 50_000)));
        }
        return new Measurement("restart-read", "fs.read", "latency", "ns", workload, n, null, h, null, Map.of(), null);
    }

    /** {@code n} interval throughputs around {@code mean} B/s (normal, 5% spread). */
    private static Measurement throughput(long seed, int n, double mean, Map<String, Object> workload) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double u = rnd.nextDouble();
            double w = rnd.nextDouble();
            v.add(mean * (1 + 0.05 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w)));
        }
        return new Measurement(
                "restart-read",
                "fs.read",
                "throughput",
                "B/s",
                workload,
                n,
                null,
                null,
                new IntervalSeries((Long) workload.get("interval"), v),
                Map.of(),
                null);
    }

    private static Comparison compare(Result ref, Result cand, OptionalDouble tolerance)
            throws WorkloadMismatchException {
        return Comparer.compare(ref, "ref.json", cand, "cand.json", 0.95, tolerance);
    }

    private static MeasurementComparison only(Comparison c) {
        assertEquals(1, c.compared().size(), c.compared().toString());
        return c.compared().get(0);
    }

    @Test
    void shouldFindTwoSamplesOfOneDistributionEquivalent() throws Exception {
        Map<String, Object> w = workload(4096, 10_000_000);
        MeasurementComparison m = only(compare(
                Fixtures.result(latency(1, 200_000, 1, w)), Fixtures.result(latency(2, 200_000, 1, w)), TEN_PERCENT));
        assertEquals(CompareVerdict.EQUIVALENT, m.verdict().orElseThrow(), m.reason());
        assertEquals(
                List.of("p50", "p90", "p99", "p99.9"),
                m.quantiles().stream().map(q -> q.statistic().name()).toList());
        for (QuantileDifference q : m.quantiles()) {
            assertTrue(q.ratio().low() <= 1 && q.ratio().high() >= 1, q.toString());
        }
        // Each side at 1 - 0.05 / 8, so that the four ratio intervals hold jointly at 95%.
        assertEquals(1 - 0.05 / 8, m.sideConfidence(), 1e-12);
        assertTrue(m.test().orElseThrow().pValue() > 0.01, m.test().toString());
    }

    @Test
    void shouldCallASlowerCandidateWorseForLatency() throws Exception {
        Map<String, Object> w = workload(4096, 10_000_000);
        MeasurementComparison m = only(compare(
                Fixtures.result(latency(1, 200_000, 1, w)), Fixtures.result(latency(2, 200_000, 1.4, w)), TEN_PERCENT));
        assertEquals(CompareVerdict.WORSE, m.verdict().orElseThrow(), m.reason());
        assertTrue(m.reason().contains("p50 ratio 1.4"), m.reason());
        assertTrue(m.reason().contains("lower is better"), m.reason());
        assertEquals(AndersonDarling.Bound.BELOW, m.test().orElseThrow().bound());
    }

    @Test
    void shouldCallAFasterCandidateBetterForLatency() throws Exception {
        Map<String, Object> w = workload(4096, 10_000_000);
        MeasurementComparison m = only(compare(
                Fixtures.result(latency(1, 200_000, 1, w)), Fixtures.result(latency(2, 200_000, 0.7, w)), TEN_PERCENT));
        assertEquals(CompareVerdict.BETTER, m.verdict().orElseThrow(), m.reason());
    }

    @Test
    void shouldTurnDirectionsAroundForThroughput() throws Exception {
        Map<String, Object> w = workload(4096, 10_000_000);
        Result ref = Fixtures.result(throughput(1, 400, 400e6, w));
        assertEquals(
                CompareVerdict.WORSE,
                only(compare(ref, Fixtures.result(throughput(2, 400, 300e6, w)), TEN_PERCENT))
                        .verdict()
                        .orElseThrow());
        assertEquals(
                CompareVerdict.BETTER,
                only(compare(ref, Fixtures.result(throughput(2, 400, 520e6, w)), TEN_PERCENT))
                        .verdict()
                        .orElseThrow());
        MeasurementComparison same = only(compare(ref, Fixtures.result(throughput(2, 400, 400e6, w)), TEN_PERCENT));
        assertEquals(CompareVerdict.EQUIVALENT, same.verdict().orElseThrow(), same.reason());
        assertEquals(
                List.of("p10", "p50", "p90"),
                same.quantiles().stream().map(q -> q.statistic().name()).toList());
    }

    @Test
    void shouldBeInconclusiveWithTooFewSamplesForTheTailAndSayHowManyAreNeeded() throws Exception {
        Map<String, Object> w = workload(4096, 10_000_000);
        MeasurementComparison m = only(compare(
                Fixtures.result(latency(1, 200_000, 1, w)), Fixtures.result(latency(2, 1_000, 1, w)), TEN_PERCENT));
        assertEquals(CompareVerdict.INCONCLUSIVE, m.verdict().orElseThrow(), m.reason());
        // p99.9 at 1 - 0.05/8 per side: 0.999^n <= 0.003125 from n = 5,766.
        assertTrue(m.reason().contains("1,000 candidate samples are too few to bound p99.9"), m.reason());
        assertTrue(m.reason().contains("at least 5,766 needed"), m.reason());
    }

    @Test
    void shouldBeInconclusiveNearTheToleranceAndEstimateTheSamplesNeeded() throws Exception {
        Map<String, Object> w = workload(4096, 10_000_000);
        // 8% slower, 200 intervals a side: the widest ratio interval (p10) straddles 0.9.
        MeasurementComparison m = only(compare(
                Fixtures.result(throughput(1, 200, 400e6, w)),
                Fixtures.result(throughput(2, 200, 368e6, w)),
                TEN_PERCENT));
        assertEquals(CompareVerdict.INCONCLUSIVE, m.verdict().orElseThrow(), m.reason());
        assertTrue(m.reason().contains("could be worse by more than 10%"), m.reason());
        assertTrue(m.reason().contains("times as many samples on each side"), m.reason());
    }

    @Test
    void shouldGiveNoVerdictWithoutTolerance() throws Exception {
        Map<String, Object> w = workload(4096, 10_000_000);
        Comparison c = compare(
                Fixtures.result(latency(1, 20_000, 1, w)),
                Fixtures.result(latency(2, 20_000, 1.4, w)),
                OptionalDouble.empty());
        MeasurementComparison m = only(c);
        assertTrue(m.verdict().isEmpty());
        assertTrue(c.overall().isEmpty());
        assertTrue(m.reason().startsWith("largest difference: p"), m.reason());
    }

    @Test
    void shouldRefuseDifferentWorkloadsNamingEveryKeyWithBothValues() {
        Result ref = Fixtures.result(latency(1, 1000, 1, workload(4096, 10_000_000)));
        Map<String, Object> other = workload(1 << 20, 10_000_000);
        other.put("threads", 8L);
        Result cand = Fixtures.result(latency(2, 1000, 1, other));
        WorkloadMismatchException e =
                assertThrows(WorkloadMismatchException.class, () -> compare(ref, cand, TEN_PERCENT));
        assertEquals(
                List.of("restart-read latency (fs.read): blockSize: 4KiB in ref.json, 1MiB in cand.json;"
                        + " threads: 4 in ref.json, 8 in cand.json"),
                e.mismatches());
    }

    @Test
    void shouldIgnoreTheChosenIntervalForLatencyButNotForThroughput() throws Exception {
        Map<String, Object> fine = workload(4096, 10_000_000);
        Map<String, Object> coarse = workload(4096, 20_000_000);
        Comparison c = compare(
                Fixtures.result(latency(1, 1000, 1, fine)), Fixtures.result(latency(2, 1000, 1, coarse)), TEN_PERCENT);
        assertEquals(1, c.compared().size());
        WorkloadMismatchException e = assertThrows(
                WorkloadMismatchException.class,
                () -> compare(
                        Fixtures.result(throughput(1, 100, 1e8, fine)),
                        Fixtures.result(throughput(2, 100, 1e8, coarse)),
                        TEN_PERCENT));
        assertTrue(
                e.getMessage()
                        .contains("restart-read throughput (fs.read): interval: 10ms in ref.json, 20ms in cand.json"),
                e.getMessage());
    }

    @Test
    void shouldNotIgnoreTheJitterQuantumCalledInterval() {
        Map<String, Object> a = Map.of("mode", "sleep", "interval", 1_000_000L);
        Map<String, Object> b = Map.of("mode", "sleep", "interval", 2_000_000L);
        Histogram h = Fixtures.histogram(100, 1000, 2000);
        Measurement ma =
                new Measurement("quiet", "compute.jitter", "hiccup", "ns", a, 200, null, h, null, Map.of(), null);
        Measurement mb =
                new Measurement("quiet", "compute.jitter", "hiccup", "ns", b, 200, null, h, null, Map.of(), null);
        assertThrows(
                WorkloadMismatchException.class, () -> compare(Fixtures.result(ma), Fixtures.result(mb), TEN_PERCENT));
    }

    @Test
    void shouldReportMeasurementsOnOneSideAndFailedOnesWithoutComparingThem() throws Exception {
        Map<String, Object> w = workload(4096, 10_000_000);
        Measurement failed = Measurement.failed("restart-read", "fs.read", "iops", "ops/s", w, "disk full");
        Measurement iops = new Measurement(
                "restart-read",
                "fs.read",
                "iops",
                "ops/s",
                w,
                3,
                null,
                null,
                new IntervalSeries(10_000_000, List.of(1.0, 2.0, 3.0)),
                Map.of(),
                null);
        Measurement extra = new Measurement(
                "extra",
                "fs.write",
                "latency",
                "ns",
                w,
                200,
                null,
                Fixtures.histogram(100, 1000, 2000),
                null,
                Map.of(),
                null);
        Comparison c = compare(
                Fixtures.result(latency(1, 20_000, 1, w), failed),
                Fixtures.result(latency(2, 20_000, 1, w), iops, extra),
                TEN_PERCENT);
        assertEquals(1, c.compared().size());
        assertEquals(List.of(), c.onlyInReference());
        assertEquals(List.of(new Comparison.Key("extra", "fs.write", "latency")), c.onlyInCandidate());
        assertEquals(1, c.notCompared().size());
        assertEquals(
                "the reference measurement failed: disk full",
                c.notCompared().get(0).reason());
    }

    @Test
    void shouldWriteTextAndJson() throws Exception {
        Map<String, Object> w = workload(4096, 10_000_000);
        Comparison c = compare(
                Fixtures.result(latency(1, 200_000, 1, w)), Fixtures.result(latency(2, 200_000, 1.4, w)), TEN_PERCENT);
        StringWriter text = new StringWriter();
        CompareFormat.TEXT.write(c, text);
        assertTrue(text.toString().contains("restart-read  latency  p50"), text.toString());
        assertTrue(text.toString().contains("restart-read latency: WORSE: "), text.toString());
        assertTrue(
                text.toString().endsWith("Comparison: 0 equivalent, 0 better, 1 worse, 0 inconclusive: WORSE\n"),
                text.toString());
        StringWriter json = new StringWriter();
        CompareFormat.JSON.write(c, json);
        com.fasterxml.jackson.databind.JsonNode root =
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toString());
        assertEquals("iocert-compare/1", root.get("format").asText());
        assertEquals("worse", root.get("verdict").asText());
        com.fasterxml.jackson.databind.JsonNode m = root.get("measurements").get(0);
        assertEquals("lower-is-better", m.get("direction").asText());
        assertEquals(4, m.get("quantiles").size());
        assertTrue(m.get("quantiles").get(0).get("ratio").get("low").asDouble() > 1.1);
        assertEquals("upper bound", m.get("test").get("pValueIs").asText());
        assertFalse(json.toString().contains("Infinity"));
    }
}
