package io.iocert.certifier;

import static io.iocert.certifier.Fixtures.result;
import static io.iocert.certifier.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.spec.Dimension;
import io.iocert.spec.Expectation;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import io.iocert.spec.Statistic;
import io.iocert.spec.Threshold;
import io.iocert.spec.Windows;
import io.iocert.spec.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Statements per window of time through the certifier: "p10 >= 3000 IOPS in 90% of 1 s windows". */
class WindowVerdictsTest {
    private static final long INTERVAL_NS = 100_000_000L;
    private static final long SECOND_NS = 1_000_000_000L;

    static Expectation windowed(String statistic, String threshold, long windowNs, double share) {
        Statistic s = Statistic.parse(statistic).orElseThrow();
        return new Expectation(
                Metric.IOPS,
                s,
                Threshold.parse(threshold, Dimension.OP_RATE),
                Optional.of(new Windows(windowNs, share)));
    }

    static Requirement requirement(boolean sustained, Expectation... e) {
        return new Requirement(
                "volume", ProbeType.FS_READ, Workload.EMPTY, List.of(e), 0.95, Duration.ofSeconds(60), sustained);
    }

    static Measurement iops(List<Double> values) {
        return new Measurement(
                "volume",
                "fs.read",
                "iops",
                "ops/s",
                Map.of(),
                values.size(),
                null,
                null,
                new IntervalSeries(INTERVAL_NS, values),
                Map.of(),
                null);
    }

    /** {@code seconds} of 100-ms intervals around {@code level} IOPS (+-3%, independent). */
    static List<Double> steady(double level, int seconds, SplittableRandom random) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < seconds * 10; i++) {
            out.add(level * (1 + 0.03 * (2 * random.nextDouble() - 1)));
        }
        return out;
    }

    static RequirementVerdict judge(Requirement r, List<Double> values) {
        return Certifier.certify(spec(r), result(iops(values))).requirements().get(0);
    }

    @Test
    void shouldPassASteadyVolumeThatMeetsTheThresholdInEveryWindow() {
        RequirementVerdict v = judge(
                requirement(false, windowed("p10", ">= 3000 IOPS", SECOND_NS, 0.9)),
                steady(4000, 60, new SplittableRandom(1)));
        assertEquals(Verdict.PASS, v.verdict(), v.reason());
        assertEquals("p10 >= 3 kops/s per 1 s window", v.statistic());
        assertEquals(">=", v.comparator());
        assertEquals(0.9, v.threshold());
        assertEquals("", v.unit());
        assertEquals(1.0, v.measured());
        assertEquals(60, v.samples());
        // 60 of 60 independent windows: Clopper-Pearson's lower end is 0.025^(1/60), a little
        // lower when the fitted AR(1) coefficient of the noise comes out above zero.
        assertTrue(
                v.ci().low() <= Math.pow(0.025, 1.0 / 60) + 1e-9 && v.ci().low() > Math.pow(0.025, 1.0 / 60) - 0.003,
                v.ci().toString());
        assertTrue(
                v.reason().startsWith("p10 >= 3 kops/s met in 60 of 60 windows of 1 s: 100% [93.9%, 100%] >= 90%"),
                v.reason());
    }

    @Test
    void shouldFailWhenTheThroughputDropsForMostOfTheRun() {
        // 15 s at 4,000 IOPS (a burst), then 45 s at 1,000: 25% of the windows meet 3,000.
        SplittableRandom random = new SplittableRandom(2);
        List<Double> values = new ArrayList<>(steady(4000, 15, random));
        values.addAll(steady(1000, 45, random));
        Expectation e = windowed("p10", ">= 3000 IOPS", SECOND_NS, 0.7);
        RequirementVerdict firstPhase = judge(requirement(false, e), values.subList(0, 150));
        RequirementVerdict sustained = judge(requirement(true, e), values);
        RequirementVerdict whole = judge(requirement(false, e), values);
        assertEquals(Verdict.PASS, firstPhase.verdict(), firstPhase.reason());
        assertEquals(Verdict.FAIL, sustained.verdict(), sustained.reason());
        assertTrue(sustained.reason().contains("met in 0 of 45 windows"), sustained.reason());
        assertTrue(sustained.reason().contains("judged on the final regime"), sustained.reason());
        // The whole run: one burst then one drop is a single, long-lasting change; the design
        // effect takes it for strong dependence, so the run alone does not settle it, and says so.
        assertFalse(whole.verdict() == Verdict.PASS, whole.reason());
        assertTrue(whole.reason().contains("too seldom in this run to count as more than one window"), whole.reason());
        assertTrue(whole.reason().contains("warning: the rate changed during the run"), whole.reason());
    }

    @Test
    void shouldSayHowManyWindowsWouldSettleIt() {
        RequirementVerdict v = judge(
                requirement(false, windowed("median", ">= 3000 IOPS", SECOND_NS, 0.99)),
                steady(4000, 60, new SplittableRandom(3)));
        assertEquals(Verdict.INCONCLUSIVE, v.verdict(), v.reason());
        // 0.99^n <= 0.025 first at n = 368: 308 more 1-s windows.
        assertTrue(
                v.reason()
                        .endsWith("inconclusive; about 310 more windows needed (a duration of about 6.13 min in all)"),
                v.reason());
    }

    @Test
    void shouldRefuseAWindowShorterThanAnInterval() {
        RequirementVerdict v = judge(
                requirement(false, windowed("mean", ">= 3000 IOPS", 50_000_000L, 0.5)),
                steady(4000, 10, new SplittableRandom(4)));
        assertEquals(Verdict.ERROR, v.verdict());
        assertNull(v.ci());
        assertTrue(
                v.reason().startsWith("a window of 50 ms is shorter than the 100 ms intervals measured"), v.reason());
    }

    @Test
    void shouldCallARunShorterThanOneWindowInconclusive() {
        RequirementVerdict v = judge(
                requirement(false, windowed("mean", ">= 3000 IOPS", 60 * SECOND_NS, 0.9)),
                steady(4000, 30, new SplittableRandom(5)));
        assertEquals(Verdict.INCONCLUSIVE, v.verdict());
        assertEquals(
                "the run's 300 intervals of 100 ms fill no window of 1 min; at least 36 windows (36 min) are needed"
                        + " to show 90%",
                v.reason());
    }

    @Test
    void shouldJudgeEachWindowByTheShareOfItsIntervals() {
        // p10 >= T: at least 90% of the window's intervals at or above T; p90 <= T: at least 90% at or below.
        var p10 = WindowJudge.meets(
                Statistic.parse("p10").orElseThrow(), Threshold.parse(">= 10 IOPS", Dimension.OP_RATE));
        assertTrue(p10.test(new double[] {1, 10, 10, 10, 10, 10, 10, 10, 10, 10}));
        assertFalse(p10.test(new double[] {1, 1, 10, 10, 10, 10, 10, 10, 10, 10}));
        var p90 = WindowJudge.meets(
                Statistic.parse("p90").orElseThrow(), Threshold.parse("<= 10 IOPS", Dimension.OP_RATE));
        assertTrue(p90.test(new double[] {99, 10, 10, 10, 10, 10, 10, 10, 10, 10}));
        assertFalse(p90.test(new double[] {99, 99, 10, 10, 10, 10, 10, 10, 10, 10}));
        var median = WindowJudge.meets(
                Statistic.parse("median").orElseThrow(), Threshold.parse("> 5 IOPS", Dimension.OP_RATE));
        assertTrue(median.test(new double[] {6, 6, 1, 1}));
        assertFalse(median.test(new double[] {6, 5, 1, 1}));
        var min = WindowJudge.meets(
                Statistic.parse("min").orElseThrow(), Threshold.parse(">= 2 IOPS", Dimension.OP_RATE));
        assertFalse(min.test(new double[] {1, 9, 9}));
        var mean = WindowJudge.meets(
                Statistic.parse("mean").orElseThrow(), Threshold.parse(">= 3 IOPS", Dimension.OP_RATE));
        assertTrue(mean.test(new double[] {1, 4, 4}));
        // p100 >= T is max >= T: one interval suffices, however many there are.
        var max = WindowJudge.meets(
                Statistic.parse("p100").orElseThrow(), Threshold.parse(">= 5 IOPS", Dimension.OP_RATE));
        assertTrue(max.test(new double[] {1, 1, 1, 7}));
        assertFalse(max.test(new double[] {1, 1, 1, 1}));
    }
}
