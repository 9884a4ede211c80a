package io.iocert.certifier.derive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Fixtures;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.spec.Metric;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import io.iocert.spec.Statistic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class SpecDeriverTest {

    /** fs.write's workload as the probe records it, plus a key the probe does not declare. */
    private static Map<String, Object> fsWorkload() {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("pattern", "sequential");
        w.put("blockSize", 1L << 20);
        w.put("fileSize", 3L * (1L << 30));
        w.put("threads", 2L);
        w.put("direct", true);
        w.put("duration", 1_500_000_000L);
        w.put("interval", 10_000_000L);
        w.put("warmup", 0L);
        w.put("rate", 2500.5);
        w.put("somethingNew", "x");
        return w;
    }

    private static Result result() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(100_000 + i * 10L); // 100 us .. 200 us
        }
        List<Double> mbps = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            mbps.add(400e6 + i * 1e6);
        }
        Measurement latency = new Measurement(
                "checkpoint-write", "fs.write", "latency", "ns", fsWorkload(), 10_000, null, h, null, Map.of(), null);
        Measurement throughput = new Measurement(
                "checkpoint-write",
                "fs.write",
                "throughput",
                "B/s",
                fsWorkload(),
                100,
                null,
                null,
                new IntervalSeries(10_000_000L, mbps),
                Map.of(),
                null);
        Measurement failed =
                Measurement.failed("meta", "fs.metadata", "latency", "ns", Map.of("files", 10L), "disk full");
        return Fixtures.result(latency, throughput, failed);
    }

    @Test
    void shouldRoundRunLengthsTheBudgetChose() throws Exception {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("messageSize", 64L);
        w.put("duration", 808_839_081L);
        w.put("warmup", 89_871_009L);
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(20_000 + i);
        }
        Measurement rtt = new Measurement("halo", "net.pingpong", "rtt", "ns", w, 1000, null, h, null, Map.of(), null);
        String yaml = SpecDeriver.derive(Fixtures.result(rtt), "r.json", "derived", 0.2, Optional.empty())
                .yaml();
        assertTrue(yaml.contains("      duration: 809ms\n"), yaml);
        assertTrue(yaml.contains("      warmup: 89900us\n") || yaml.contains("      warmup: 89.9ms\n"), yaml);
        assertTrue(yaml.contains("      messageSize: 64B\n"), yaml);
    }

    @Test
    void shouldWriteWorkloadValuesExactlyWithUnitsAndThresholdsWithSlack() throws Exception {
        SpecDeriver.Derived d = SpecDeriver.derive(result(), "ref.json", "derived", 0.2, Optional.empty());
        // p50 of 100..200 us is 150 us (+20%: 180 us); p99 is 199 us (+20%: 238.8 us);
        // p10 of 400..499 MB/s is 409 MB/s (-20%: 327.2 MB/s); p50 is 449 MB/s (-20%: 359.2 MB/s).
        String expected = """
                # Derived by iocert spec derive from ref.json: what runs there must run here.
                iocert: v1
                name: "derived"
                description: "Derived from ref.json (node node-a, spec 'test-spec', measured 1970-01-01T00:00:00Z) with 20% slack"
                requirements:
                  - id: "checkpoint-write"
                    probe: fs.write
                    workload:
                      pattern: "sequential"
                      blockSize: 1MiB
                      fileSize: 3GiB
                      threads: 2
                      direct: true
                      rate: 2500.5 ops/s
                      duration: 1500ms
                      interval: 10ms
                      warmup: 0ns
                    expect:
                      latency:
                        p50: "<= P50"
                        p99: "<= P99"
                      throughput:
                        p10: ">= 327.2 MB/s"
                        p50: ">= 359.2 MB/s"
                """;
        Histogram h = result().measurements().get(0).histogram();
        String p50 = SpecDeriver.threshold(h.getValueAtPercentile(50), stat("p50"), Metric.LATENCY, 0.2)
                .substring(3);
        String p99 = SpecDeriver.threshold(h.getValueAtPercentile(99), stat("p99"), Metric.LATENCY, 0.2)
                .substring(3);
        assertTrue(p50.matches("180\\.\\d+ us"), p50);
        assertTrue(p99.matches("23[89](\\.\\d+)? us"), p99);
        assertEquals(expected.replace("P50", p50).replace("P99", p99), d.yaml());
        assertEquals(
                List.of(
                        "skipped 'meta' latency: the measurement failed: disk full",
                        "skipped requirement 'meta': none of its measurements can be used"),
                d.notes());

        Spec spec = SpecLoader.parse(d.yaml(), "derived.yaml");
        Requirement r = spec.requirements().get(0);
        assertEquals(1L << 20, r.workload().quantity("blockSize").orElseThrow().longValue());
        assertEquals(
                1_500_000_000L, r.workload().quantity("duration").orElseThrow().longValue());
        assertEquals(2500.5, r.workload().quantity("rate").orElseThrow().value());
        assertEquals(4, r.expectations().size());
        assertEquals(
                new Quantity(327.2e6, io.iocert.spec.Dimension.DATA_RATE),
                r.expectations().get(2).threshold().quantity());
    }

    @Test
    void shouldNeverFailTheResultItWasDerivedFrom() throws Exception {
        Result result = result();
        Spec spec = SpecLoader.parse(
                SpecDeriver.derive(result, "ref.json", "derived", 0.2, Optional.empty())
                        .yaml(),
                "d");
        Report report = Certifier.certify(spec, result);
        assertEquals(4, report.requirements().size());
        for (RequirementVerdict v : report.requirements()) {
            assertNotEquals(Verdict.FAIL, v.verdict(), v.toString());
            assertNotEquals(Verdict.ERROR, v.verdict(), v.toString());
        }
    }

    @Test
    void shouldDeriveOneThresholdPerStatisticForASweepAndIgnoreSingleStreams() throws Exception {
        org.HdrHistogram.Histogram fast = new org.HdrHistogram.Histogram(3);
        fast.recordValueWithCount(50_000, 1000);
        org.HdrHistogram.Histogram slow = new org.HdrHistogram.Histogram(3);
        slow.recordValueWithCount(400_000, 1000);
        Measurement small = new Measurement(
                "halo",
                "net.pingpong",
                "rtt",
                "ns",
                Map.of("messageSize", 64L),
                1000,
                null,
                fast,
                null,
                Map.of("messageSize", "64"),
                null);
        Measurement large = new Measurement(
                "halo",
                "net.pingpong",
                "rtt",
                "ns",
                Map.of("messageSize", 8192L),
                1000,
                null,
                slow,
                null,
                Map.of("messageSize", "8192"),
                null);
        List<Double> rates = java.util.Collections.nCopies(50, 1e9);
        Measurement aggregate = new Measurement(
                "bulk",
                "net.stream",
                "throughput",
                "B/s",
                Map.of("streams", 2L),
                50,
                null,
                null,
                new io.iocert.results.IntervalSeries(100_000_000L, rates),
                Map.of("scope", "aggregate"),
                null);
        Measurement stream = new Measurement(
                "bulk",
                "net.stream",
                "throughput",
                "B/s",
                Map.of("streams", 2L),
                50,
                null,
                null,
                new io.iocert.results.IntervalSeries(100_000_000L, java.util.Collections.nCopies(50, 5e8)),
                Map.of("scope", "stream", "stream", "1"),
                null);
        Result r = new Result(
                Result.FORMAT,
                "0.1.0",
                new io.iocert.results.NodeIdentity(Map.of()),
                "s",
                null,
                java.time.Instant.EPOCH,
                java.time.Instant.EPOCH.plusSeconds(1),
                List.of(small, large, aggregate, stream));

        SpecDeriver.Derived d = SpecDeriver.derive(r, "ref.json", "derived", 0.2, Optional.empty());
        Spec spec = SpecLoader.parse(d.yaml(), "derived.yaml");

        Requirement halo = spec.requirements().get(0);
        assertEquals(
                List.of(64L, 8192L),
                halo.workload().quantities("sizes").stream()
                        .map(Quantity::longValue)
                        .toList());
        assertEquals(2, halo.expectations().size(), d.yaml());
        // The loosest of the two sizes, with slack: the 8 KiB round trips, 400 us * 1.2.
        assertEquals(480e3, halo.expectations().get(0).threshold().quantity().value(), 480e3 * 0.002, d.yaml());
        Requirement bulk = spec.requirements().get(1);
        assertEquals(2, bulk.expectations().size(), d.yaml());
        assertEquals(">= 800 MB/s", bulk.expectations().get(0).threshold().toString(), d.yaml());
        Report report = Certifier.certify(spec, r);
        for (RequirementVerdict v : report.requirements()) {
            assertNotEquals(Verdict.FAIL, v.verdict(), v.toString());
        }
    }

    @Test
    void shouldUseTheStatisticsAskedForAndTurnSpreadIntoUpperBounds() throws Exception {
        SpecDeriver.Derived d =
                SpecDeriver.derive(result(), "ref.json", "derived", 0.1, Optional.of(List.of(stat("p90"), stat("cv"))));
        Spec spec = SpecLoader.parse(d.yaml(), "d");
        List<String> shown = spec.requirements().get(0).expectations().stream()
                .map(Object::toString)
                .toList();
        assertEquals(4, shown.size(), shown.toString());
        assertTrue(shown.get(0).startsWith("latency p90 <= "), shown.toString());
        assertTrue(shown.get(1).startsWith("latency cv <= "), shown.toString());
        assertTrue(shown.get(2).startsWith("throughput p90 >= "), shown.toString());
        assertTrue(shown.get(3).startsWith("throughput cv <= "), shown.toString());
    }

    @Test
    void shouldRoundThresholdsOnlyInTheLenientDirection() {
        assertEquals("<= 1.235 ms", SpecDeriver.threshold(1_234_567.0 / 1.2, stat("p99"), Metric.LATENCY, 0.2));
        assertEquals(
                ">= 1.234 GB/s", SpecDeriver.threshold(1_234_567_890.0 / 0.8, stat("p10"), Metric.THROUGHPUT, 0.2));
        assertEquals(">= 0 B/s", SpecDeriver.threshold(0, stat("p10"), Metric.THROUGHPUT, 0.2));
        assertEquals("<= 999.9 ns", SpecDeriver.threshold(999.9, stat("p50"), Metric.HICCUP, 0));
    }

    @Test
    void shouldRefuseWhatCannotBeDerived() {
        assertThrows(
                IllegalArgumentException.class,
                () -> SpecDeriver.derive(result(), "r", "n", 0.2, Optional.of(List.of(stat("max")))));
        assertThrows(
                IllegalArgumentException.class, () -> SpecDeriver.derive(result(), "r", "n", 1.0, Optional.empty()));
        Result onlyFailed =
                Fixtures.result(Measurement.failed("meta", "fs.metadata", "latency", "ns", Map.of(), "boom"));
        SpecDeriver.NothingToDeriveException e = assertThrows(
                SpecDeriver.NothingToDeriveException.class,
                () -> SpecDeriver.derive(onlyFailed, "r.json", "n", 0.2, Optional.empty()));
        assertTrue(
                e.getMessage().startsWith("no requirement can be derived from r.json: skipped 'meta' latency:"),
                e.getMessage());
    }

    private static Statistic stat(String name) {
        return Statistic.parse(name).orElseThrow();
    }
}
