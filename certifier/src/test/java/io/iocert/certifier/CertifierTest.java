package io.iocert.certifier;

import static io.iocert.certifier.Fixtures.expect;
import static io.iocert.certifier.Fixtures.histogram;
import static io.iocert.certifier.Fixtures.latency;
import static io.iocert.certifier.Fixtures.requirement;
import static io.iocert.certifier.Fixtures.result;
import static io.iocert.certifier.Fixtures.spec;
import static io.iocert.certifier.Fixtures.throughput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.Measurement;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CertifierTest {

    private static final long MS = 1_000_000L;

    @Test
    void shouldPassWhenPercentileIsBelowUpperBound() {
        // 990 operations at 1 ms, 10 at 5 ms: p99 is 1 ms, p99.9 is 5 ms.
        var h = histogram(990, MS);
        h.recordValueWithCount(5 * MS, 10);
        var spec = spec(requirement("r", ProbeType.FS_READ,
                expect(Metric.LATENCY, "p99", "<= 2 ms"), expect(Metric.LATENCY, "p99.9", "<= 2 ms")));
        Report report = Certifier.certify(spec, result(latency("r", ProbeType.FS_READ, h)));

        assertEquals(Verdict.PASS, report.requirements().get(0).verdict());
        assertEquals(Verdict.FAIL, report.requirements().get(1).verdict());
        assertEquals(NodeVerdict.NOT_ELIGIBLE, report.verdict());
        assertEquals(1000, report.requirements().get(0).samples());
        assertEquals("p99.9 = 5 ms, not <= 2 ms", report.requirements().get(1).reason());
    }

    @Test
    void shouldJudgeIntervalPercentileByNearestRank() {
        // 10 intervals: one slow one. p10 is the slowest (rank 1), p20 the second slowest.
        double[] v = {500e6, 500e6, 500e6, 500e6, 300e6, 500e6, 500e6, 450e6, 500e6, 500e6};
        var spec = spec(requirement("w", ProbeType.FS_WRITE,
                expect(Metric.THROUGHPUT, "p10", ">= 400 MB/s"), expect(Metric.THROUGHPUT, "p20", ">= 400 MB/s")));
        Report report = Certifier.certify(spec, result(throughput("w", ProbeType.FS_WRITE, v)));

        assertEquals(300e6, report.requirements().get(0).measured());
        assertEquals(Verdict.FAIL, report.requirements().get(0).verdict());
        assertEquals(450e6, report.requirements().get(1).measured());
        assertEquals(Verdict.PASS, report.requirements().get(1).verdict());
        assertEquals("B/s", report.requirements().get(0).unit());
    }

    @Test
    void shouldGiveErrorWithProbeReasonWhenMeasurementFailed() {
        var spec = spec(requirement("halo", ProbeType.NET_PINGPONG, expect(Metric.RTT, "p50", "<= 60 us")));
        Measurement failed = Measurement.failed("halo", "net.pingpong", "rtt", "ns", Map.of(),
                "probe not available: net.pingpong is not part of this build");
        Report report = Certifier.certify(spec, result(failed));

        RequirementVerdict v = report.requirements().get(0);
        assertEquals(Verdict.ERROR, v.verdict());
        assertEquals("probe not available: net.pingpong is not part of this build", v.reason());
        assertTrue(Double.isNaN(v.measured()));
        assertEquals(NodeVerdict.ERROR, report.verdict());
    }

    @Test
    void shouldKeepMeasuredValueWhenProbeFailedPartWay() {
        var h = histogram(100, 2 * MS);
        var spec = spec(requirement("w", ProbeType.FS_WRITE, expect(Metric.LATENCY, "p50", "<= 5 ms")));
        Measurement partial = new Measurement("w", "fs.write", "latency", "ns", Map.of(), 100, null, h, null, Map.of(),
                "disk full after 100 writes");
        RequirementVerdict v = Certifier.certify(spec, result(partial)).requirements().get(0);

        assertEquals(Verdict.ERROR, v.verdict());
        assertEquals(2 * MS, v.measured(), 2 * MS * 0.001);
        assertEquals("disk full after 100 writes (p50 = 2 ms from 100 samples before the error)", v.reason());
    }

    @Test
    void shouldGiveErrorWhenResultLacksTheMeasurement() {
        var spec = spec(requirement("r", ProbeType.FS_READ, expect(Metric.IOPS, "mean", ">= 5000 IOPS")));
        RequirementVerdict v = Certifier.certify(spec, result()).requirements().get(0);
        assertEquals(Verdict.ERROR, v.verdict());
        assertEquals("no iops measurement for 'r' in the result", v.reason());
    }

    @Test
    void shouldGiveErrorWhenResultUsedAnotherProbeForTheId() {
        var spec = spec(requirement("r", ProbeType.FS_READ, expect(Metric.LATENCY, "p50", "<= 1 ms")));
        var v = Certifier.certify(spec, result(latency("r", ProbeType.FS_WRITE, histogram(10, MS)))).requirements().get(0);
        assertEquals(Verdict.ERROR, v.verdict());
        assertEquals("the result measured 'r' with fs.write, but the spec asks for fs.read", v.reason());
    }

    @Test
    void shouldGiveErrorWhenMeasurementHasNoSamples() {
        var spec = spec(requirement("r", ProbeType.FS_READ, expect(Metric.LATENCY, "p50", "<= 1 ms")));
        var empty = latency("r", ProbeType.FS_READ, new org.HdrHistogram.Histogram(3));
        var v = Certifier.certify(spec, result(empty)).requirements().get(0);
        assertEquals(Verdict.ERROR, v.verdict());
        assertEquals("no samples to estimate p50 from", v.reason());
    }

    @Test
    void shouldBeEligibleOnlyWhenEveryExpectationPasses() {
        var spec = spec(requirement("r", ProbeType.FS_READ, expect(Metric.LATENCY, "mean", "< 2 ms"),
                expect(Metric.LATENCY, "max", "<= 1.01 ms")));
        var report = Certifier.certify(spec, result(latency("r", ProbeType.FS_READ, histogram(50, MS))));
        assertEquals(List.of(Verdict.PASS, Verdict.PASS), report.requirements().stream().map(RequirementVerdict::verdict).toList());
        assertEquals(NodeVerdict.ELIGIBLE, report.verdict());
    }

    @Test
    void shouldReadHistogramValuesAtTheTopOfTheirBucket() {
        // 1 ms recorded at 3 significant digits lands in a bucket reaching just above 1 ms:
        // the estimate errs on the high side by less than 0.1%, never below what was recorded.
        var spec = spec(requirement("r", ProbeType.FS_READ, expect(Metric.LATENCY, "max", "<= 1 ms")));
        var v = Certifier.certify(spec, result(latency("r", ProbeType.FS_READ, histogram(50, MS)))).requirements().get(0);
        assertTrue(v.measured() > MS && v.measured() < MS * 1.001, "measured " + v.measured());
        assertEquals(Verdict.FAIL, v.verdict());
    }

    @Test
    void shouldCombineVerdictsWithFailBeforeErrorBeforeInconclusive() {
        assertEquals(NodeVerdict.NOT_ELIGIBLE, NodeVerdict.of(List.of(Verdict.ERROR, Verdict.FAIL, Verdict.INCONCLUSIVE)));
        assertEquals(NodeVerdict.ERROR, NodeVerdict.of(List.of(Verdict.PASS, Verdict.ERROR, Verdict.INCONCLUSIVE)));
        assertEquals(NodeVerdict.INCONCLUSIVE, NodeVerdict.of(List.of(Verdict.PASS, Verdict.INCONCLUSIVE)));
        assertEquals(NodeVerdict.ELIGIBLE, NodeVerdict.of(List.of(Verdict.PASS)));
        assertEquals(NodeVerdict.ERROR, NodeVerdict.of(List.of()));
        assertEquals(List.of(0, 1, 3, 4), List.of(NodeVerdict.ELIGIBLE.exitCode(), NodeVerdict.NOT_ELIGIBLE.exitCode(),
                NodeVerdict.INCONCLUSIVE.exitCode(), NodeVerdict.ERROR.exitCode()));
    }
}
