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
import java.io.IOException;
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

    /** A real series: a throttle lowered 4x at 2.4 s, then a 1-s device stall near the end of the 12-s run. */
    private static double[] stalledThrottle() throws IOException {
        return Fixtures.intervalValues(RegimesTest.class, "stalled-throttle-intervals.txt");
    }

    @Test
    void shouldFindTheDropBehindAStallAndLeaveTheStallInItsRegime() throws IOException {
        double[] v = stalledThrottle();
        assertEquals(120, v.length);
        List<IntervalSeries.Regime> regimes =
                Regimes.of(throughput("w", ProbeType.FS_WRITE, v).intervals(), 0.95);
        assertEquals(2, regimes.size(), regimes.toString());
        assertEquals(24, regimes.get(1).from(), regimes.toString());
        assertEquals(120, regimes.get(1).to(), "the stall stays in the final regime: " + regimes);
        assertEquals(209715200, regimes.get(0).rate(), 209715200 * 0.05);
        assertEquals(52428800, regimes.get(1).rate(), 52428800 * 0.05);
        // The stall's intervals are judged with the regime they fell in.
        boolean[] stall = Regimes.stalls(v);
        int stalled = 0;
        for (int i = 0; i < v.length; i++) {
            stalled += stall[i] ? 1 : 0;
            assertTrue(!stall[i] || (i >= 103 && i < 115), "interval " + i + " is not part of the stall");
        }
        assertTrue(stalled >= 10, stalled + " intervals taken for the stall");
    }

    @Test
    void shouldSeeOneRegimeInASteadySeriesWithStallsAndFindADropAfterThem() {
        SplittableRandom r = new SplittableRandom(6);
        int oneRegime = 0;
        int dropFound = 0;
        for (int run = 0; run < 200; run++) {
            double[] steady = new double[120];
            double[] dropping = burstThenBaseline(30, 90, 100 + run);
            for (int i = 0; i < steady.length; i++) {
                steady[i] = 100e6 * (1 + 0.03 * (2 * r.nextDouble() - 1));
            }
            // One stall of 1-12 intervals at 1-10% of the rate, anywhere but the first and last few intervals.
            int length = 1 + r.nextInt(12);
            int at = 3 + r.nextInt(120 - 6 - length);
            for (int i = at; i < at + length; i++) {
                steady[i] *= 0.01 + 0.09 * r.nextDouble();
                dropping[i] *= 0.01 + 0.09 * r.nextDouble();
            }
            List<IntervalSeries.Regime> s =
                    Regimes.of(throughput("w", ProbeType.FS_WRITE, steady).intervals(), 0.95);
            List<IntervalSeries.Regime> d =
                    Regimes.of(throughput("w", ProbeType.FS_WRITE, dropping).intervals(), 0.95);
            oneRegime += s.size() == 1 ? 1 : 0;
            IntervalSeries.Regime last = d.get(d.size() - 1);
            dropFound += d.size() >= 2 && Math.abs(last.rate() / 50e6 - 1) < 0.05 && last.to() == 120 ? 1 : 0;
        }
        System.out.printf(
                "steady with a stall: one regime in %d of 200; drop behind a stall found in %d%n",
                oneRegime, dropFound);
        assertTrue(oneRegime >= 190, oneRegime + " of 200 steady series with a stall seen as one regime");
        assertTrue(dropFound >= 190, dropFound + " of 200 drops found behind a stall, the final rate within 5%");
    }

    @Test
    void shouldRecordTheRegimesInTheMeasurement() {
        Measurement m = Regimes.recorded(throughput("w", ProbeType.FS_WRITE, burstThenBaseline(100, 200, 5)), 0.95);
        assertEquals(2, m.intervals().regimes().size());
        assertEquals(300, m.intervals().regimes().get(1).to());
    }
}
