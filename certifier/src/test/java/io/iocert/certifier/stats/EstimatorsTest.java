package io.iocert.certifier.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.Fixtures;
import io.iocert.spec.Statistic;
import java.io.IOException;
import java.util.Arrays;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class EstimatorsTest {

    private static Statistic stat(String name) {
        return Statistic.parse(name).orElseThrow();
    }

    private static double point(double[] values, Statistic s) {
        return Estimators.estimate(new Sample.OfValues(values), s, 0.95).value();
    }

    private static double point(Histogram h, Statistic s) {
        return Estimators.estimate(new Sample.OfHistogram(h, null), s, 0.95).value();
    }

    @Test
    void shouldTakeNearestRankQuantileOfIntervals() {
        double[] v = {5, 1, 4, 2, 3};
        assertEquals(1, point(v, stat("p10")));
        assertEquals(1, point(v, stat("p20")));
        assertEquals(2, point(v, stat("p21")));
        assertEquals(3, point(v, stat("median")));
        assertEquals(5, point(v, stat("p99.9")));
        assertEquals(1, point(v, stat("min")));
        assertEquals(5, point(v, stat("max")));
    }

    @Test
    void shouldComputeSampleStddevAndCvOfIntervals() {
        double[] v = {2, 4, 4, 4, 5, 5, 7, 9};
        assertEquals(5.0, point(v, stat("mean")), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7), point(v, stat("stddev")), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7) / 5, point(v, stat("cv")), 1e-12);
    }

    @Test
    void shouldReadPercentilesFromHistogramWithinItsPrecision() {
        Histogram h = new Histogram(3);
        for (long i = 1; i <= 10_000; i++) {
            h.recordValue(i * 1000);
        }
        assertEquals(9_900_000, point(h, stat("p99")), 9_900_000 * 0.001);
        assertEquals(5_000_000, point(h, stat("p50")), 5_000_000 * 0.001);
        assertEquals(5_000_500, point(h, stat("mean")), 5_000_500 * 0.001);
    }

    @Test
    void shouldGiveThePlainBatchMeansIntervalWhenNothingLiesFar() {
        // 64 values in 8 batches of 8, all within a factor 3 of the median: no far part, so both
        // ends are the plain interval, symmetric about the mean.
        double[] v = new double[64];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1 + ((i * 7) % 10) / 100.0 + 0.4 * ((i / 8) % 3);
        }
        Estimate e = Estimators.estimate(new Sample.OfValues(v), stat("mean"), 0.95);
        double[] means = new double[8];
        double point = 0;
        for (int i = 0; i < v.length; i++) {
            means[i / 8] += v[i] / 8;
            point += v[i] / 64;
        }
        double ss = 0;
        for (double m : means) {
            ss += (m - point) * (m - point) / 64;
        }
        double spread = 0;
        for (double x : v) {
            spread += (x - point) * (x - point) / 63;
        }
        // The batch means vary more than independent values would: theirs is the variance.
        double batchMeans = ss * 8 / 7;
        assertTrue(batchMeans > spread / 64);
        double half = 2.364624251592785 * Math.sqrt(batchMeans); // Student's t, 7 df, 97.5%
        assertEquals(point, e.value(), 1e-12);
        assertEquals(point - half, e.low(), 1e-9);
        assertEquals(point + half, e.high(), 1e-9);
    }

    @Test
    void shouldGiveAClusterOfFarValuesTheShareTheUpperEndNeeds() {
        // 8 batches of 8 values at 1, and four values of 20 in one batch: one stall cluster. The
        // plain batch-means upper end is 2.1875 + 2.3646 * 1.1875 = 4.9955. A mean at mu needs
        // r = (mu - 1.125) / 1.0625 times the far values this run had, and the far part's
        // variance scaled to that: mu - 2.1875 = t * sqrt(1/64 + 2 sqrt(r) 0.1328 + r 1.1289).
        // With t for 7 degrees of freedom that end is 9.5635; but the far part's variance comes
        // from one batch, so Welch-Satterthwaite gives about 1.02 degrees of freedom (t = 12.2),
        // and the end is 163.26: one cluster cannot show how often clusters come. Nothing lies
        // below a third of the median, so the lower end is the plain one (below zero, so 0).
        double[] v = new double[64];
        Arrays.fill(v, 1);
        for (int i = 24; i < 28; i++) {
            v[i] = 20;
        }
        Estimate e = Estimators.estimate(new Sample.OfValues(v), stat("mean"), 0.95);
        assertEquals(2.1875, e.value(), 1e-12);
        assertEquals(163.26, e.high(), 0.01);
        assertEquals(0, e.low());
    }

    /** A real sequential-write series: its rate climbs during the run, and six of 359 intervals are slow. */
    private static double[] sequentialWrite() throws IOException {
        return Fixtures.intervalValues(EstimatorsTest.class, "sequential-write-intervals.txt");
    }

    @Test
    void shouldBoundALowQuantileByTheFarCutWhenSlowIntervalsAreFew() throws IOException {
        double[] v = sequentialWrite();
        assertEquals(359, v.length);
        Sample s = new Sample.OfValues(v);
        Estimate e = Estimators.estimate(s, stat("p10"), 0.95);
        // The rate's drift gives a design effect near 10 at the estimate; the six slow intervals
        // (53-319 MB/s) are too few to hold a p10, which a count beyond a third of the estimate shows.
        assertTrue(e.low() >= e.value() / Estimators.SEPARATE_MODE * 0.999, e + " " + e.method());
        // The overlapping batch means now give the order-statistic interval that lower end by
        // themselves (so the far cut is not worked out); the far cut alone still gives it.
        Estimators.FarCut far =
                Estimators.farCut(s, 0.1, 0.05 * Estimators.FAR_CUT_SHARE, 0, Double.POSITIVE_INFINITY, null);
        assertNotNull(far);
        assertEquals(e.value() / Estimators.SEPARATE_MODE, far.low(), 1e-6 * e.value());
    }

    @Test
    void shouldNotLiftTheLowEndWhenSlowIntervalsClusterInNumbersThatCouldHoldTheQuantile() throws IOException {
        double[] v = sequentialWrite();
        // 25 consecutive intervals (7%, one cluster) at 60 MB/s: a run that saw one such episode
        // cannot show that the p10 stays above them.
        Arrays.fill(v, 200, 225, 60e6);
        Estimate e = Estimators.estimate(new Sample.OfValues(v), stat("p10"), 0.95);
        assertTrue(e.value() > 5e8, "the estimate stays in the fast mode: " + e);
        assertTrue(e.low() <= 60e6, e + " " + e.method());
    }

    /**
     * 2,000 operations as {@code short stalls (runs of 5)} in the simulations has them: log-normal
     * around 1 ms (sd 0.25 on the log scale), and stalls twenty times slower holding 3% of them in
     * runs of five on average (a two-state chain). The p99 lies among the stalls, whose values
     * cluster in time.
     */
    private static Sample shortStalls(long seed) {
        var random = new java.util.SplittableRandom(seed);
        var h = new Histogram(3);
        var blocks = new io.iocert.results.BlockRecorder(0);
        double leave = 1 / 5.0;
        double enter = 0.03 * leave / 0.97;
        boolean stalled = false;
        long now = 0;
        for (int i = 0; i < 2_000; i++) {
            stalled = random.nextDouble() < (stalled ? 1 - leave : enter);
            double normal =
                    Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
            long v = Math.round((stalled ? 20e6 : 1e6) * Math.exp(0.25 * normal));
            now += v;
            h.recordValue(v);
            blocks.record(v, now);
        }
        return Sample.of(Fixtures.latency("stalls", io.iocert.spec.ProbeType.FS_READ, h)
                        .withBlocks(blocks.series()))
                .orElseThrow();
    }

    @Test
    void shouldTestAThresholdTwiceTheEstimateAtItsOwnCut() {
        Sample s = shortStalls(1);
        Estimate alone = Estimators.estimate(s, stat("p99"), 0.95);
        double t = 2 * alone.value();
        // Without the threshold the design effect among the stalls leaves the upper end beyond it
        // (open, or past the fixed cut at three times the estimate), though nothing lies beyond it.
        assertTrue(alone.high() > t, alone + " " + alone.method());
        assertEquals(0, s.n() - Math.round(s.fractionAtOrBelow(t) * s.n()), "values beyond the threshold");
        // With it, the threshold's own cut bounds the share beyond it: the end is the threshold.
        Estimate judged = Estimators.estimate(s, stat("p99"), 0.95, new Estimators.Target(t, true));
        assertTrue(judged.high() <= t && judged.high() > 0.95 * t, judged + " " + judged.method());
        assertTrue(judged.method().contains("and at the threshold"), judged.method());
        // A threshold within TARGET_CUT_FACTOR of the estimate gets no cut of its own.
        Estimators.FarCut near = Estimators.farCut(
                s,
                0.99,
                0.05 * Estimators.FAR_CUT_SHARE,
                alone.low(),
                Double.POSITIVE_INFINITY,
                new Estimators.Target(1.6 * alone.value(), true));
        assertTrue(near == null || !near.atTarget(), String.valueOf(near));
    }

    @Test
    void shouldKeepTheFarCutGuardInTheFarTail() {
        assertEquals(30, Estimators.guardRank(120_000, 0.99));
        assertEquals(6, Estimators.guardRank(2_000, 0.99));
        assertEquals(11, Estimators.guardRank(359, 0.1));
        assertEquals(1, Estimators.guardRank(20, 0.1));
    }
}
