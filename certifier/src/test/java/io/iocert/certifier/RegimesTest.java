package io.iocert.certifier;

import static io.iocert.certifier.Fixtures.expect;
import static io.iocert.certifier.Fixtures.result;
import static io.iocert.certifier.Fixtures.spec;
import static io.iocert.certifier.Fixtures.throughput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import io.iocert.spec.Workload;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A burst that runs out: regimes found, a sustained requirement judged on the baseline, others warned. */
class RegimesTest {

    /** {@code burst} intervals at 200 MB/s, then {@code baseline} at 50 MB/s, 3% noise. */
    static double[] burstThenBaseline(int burst, int baseline, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[burst + baseline];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i < burst ? 200e6 : 50e6) * (1 + 0.03 * (2 * r.nextDouble() - 1));
        }
        return v;
    }

    private static Requirement write(boolean sustained, String threshold) {
        return new Requirement(
                "w",
                ProbeType.FS_WRITE,
                Workload.EMPTY,
                List.of(expect(Metric.THROUGHPUT, "p10", threshold)),
                0.95,
                Duration.ofSeconds(60),
                sustained);
    }

    @Test
    void shouldFindTheBurstAndTheBaseline() {
        Measurement m = throughput("w", ProbeType.FS_WRITE, burstThenBaseline(60, 240, 1));
        List<IntervalSeries.Regime> regimes = Regimes.of(m.intervals(), 0.95);
        assertEquals(2, regimes.size(), regimes.toString());
        assertEquals(60, regimes.get(1).from());
        assertEquals(200e6, regimes.get(0).rate(), 200e6 * 0.01);
        assertEquals(50e6, regimes.get(1).rate(), 50e6 * 0.01);
        assertTrue(
                regimes.get(1).low() <= 50e6 && 50e6 <= regimes.get(1).high(),
                regimes.get(1).toString());
    }

    @Test
    void shouldJudgeASustainedRequirementOnTheFinalRegimeOnly() {
        Measurement m = throughput("w", ProbeType.FS_WRITE, burstThenBaseline(60, 240, 2));
        RequirementVerdict pass = Certifier.certify(spec(write(true, ">= 40 MB/s")), result(m))
                .requirements()
                .get(0);
        RequirementVerdict fail = Certifier.certify(spec(write(true, ">= 100 MB/s")), result(m))
                .requirements()
                .get(0);
        assertEquals(Verdict.PASS, pass.verdict(), pass.reason());
        assertEquals(Verdict.FAIL, fail.verdict(), fail.reason());
        assertEquals(240, fail.samples());
        assertTrue(
                fail.reason()
                        .contains("judged on the final regime (the last 240 of 300 intervals, from 60.0 s;"
                                + " regimes 200 MB/s, then 50 MB/s from 60.0 s)"),
                fail.reason());
        // Judged on the whole run, 20% of intervals at 200 MB/s do not lift the p10: still FAIL at 100 MB/s,
        // but with a warning that the statistic mixes two regimes.
        RequirementVerdict mixed = Certifier.certify(spec(write(false, ">= 100 MB/s")), result(m))
                .requirements()
                .get(0);
        assertEquals(Verdict.FAIL, mixed.verdict());
        assertTrue(
                mixed.reason()
                        .endsWith("; warning: the rate changed during the run (200 MB/s, then 50 MB/s from"
                                + " 60.0 s); 'sustained: true' judges the final regime only"),
                mixed.reason());
    }

    @Test
    void shouldCallATooShortFinalRegimeInconclusiveAndSayWhatWouldSettleIt() {
        // The burst lasts 290 intervals; 10 at the baseline cannot bound a p10 (36 are needed).
        Measurement m = throughput("w", ProbeType.FS_WRITE, burstThenBaseline(290, 10, 3));
        RequirementVerdict v = Certifier.certify(spec(write(true, ">= 40 MB/s")), result(m))
                .requirements()
                .get(0);
        assertEquals(Verdict.INCONCLUSIVE, v.verdict(), v.reason());
        assertTrue(v.reason().contains("10 intervals are too few to bound p10"), v.reason());
        assertTrue(v.reason().endsWith("a longer duration gives the final regime more intervals"), v.reason());
    }

    @Test
    void shouldSeeOneRegimeInASteadySeriesAndJudgeItWhole() {
        SplittableRandom r = new SplittableRandom(4);
        double[] v = new double[300];
        for (int i = 0; i < v.length; i++) {
            v[i] = 100e6 * (1 + 0.05 * (2 * r.nextDouble() - 1));
        }
        Measurement m = throughput("w", ProbeType.FS_WRITE, v);
        assertEquals(1, Regimes.of(m.intervals(), 0.95).size());
        RequirementVerdict s = Certifier.certify(spec(write(true, ">= 80 MB/s")), result(m))
                .requirements()
                .get(0);
        assertEquals(Verdict.PASS, s.verdict());
        assertEquals(300, s.samples());
        assertTrue(!s.reason().contains("regime") && !s.reason().contains("warning"), s.reason());
    }

    @Test
    void shouldRecordTheRegimesInTheMeasurement() {
        Measurement m = Regimes.recorded(throughput("w", ProbeType.FS_WRITE, burstThenBaseline(100, 200, 5)), 0.95);
        assertEquals(2, m.intervals().regimes().size());
        assertEquals(300, m.intervals().regimes().get(1).to());
    }
}
