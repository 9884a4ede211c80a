package io.iocert.certifier.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.apache.commons.statistics.distribution.TDistribution;
import org.junit.jupiter.api.Test;

/**
 * What the quantile estimators rely on when they take a share's variance from overlapping batch
 * means: the variance has the right expectation, and it varies no more than a chi-squared variable
 * with the degrees of freedom claimed for it (1.4 (b - 1), b = units / window), so that Student's t
 * with those degrees of freedom covers the true share as often as it says. Checked where the
 * estimators use it (interval series, and time blocks of combined rounds or of a 16-block round), on independent
 * values and on values that cluster within a batch.
 */
class OverlappingBatchMeansTest {
    private static final int RUNS = 2_000;

    @Test
    void shouldVaryLessThanDisjointBatchesAndAsClaimed() {
        Scenarios.Source iid = Scenarios.ar1(0, 0.1);
        double x = iid.truth(0.1);
        double independent = 0.1 * 0.9 / 300;
        SplittableRandom r = new SplittableRandom(1);
        double[] overlapping = new double[RUNS];
        double[] disjoint = new double[RUNS];
        double claimed = 0;
        int batches = 0;
        for (int run = 0; run < RUNS; run++) {
            Sample s = Sample.of(iid.draw(r, 300)).orElseThrow();
            Estimators.ShareVariance o = Estimators.overlappingShareVariance(s, x);
            assertNotNull(o, "300 intervals: 300 units for 17 batches");
            // Relative to the independent variance at the true share, which the series has.
            overlapping[run] = o.variance() / independent;
            disjoint[run] = disjointVariance(s, x, o.share()) / independent;
            claimed = o.df();
            batches = s.batches().size();
        }
        double dfOverlapping = chiSquaredDf(overlapping);
        double dfDisjoint = chiSquaredDf(disjoint);
        print(
                "independent intervals, 300: overlapping mean %.3f, df %.1f (claimed %.1f); disjoint mean %.3f, df %.1f"
                        + " (claimed %d)",
                mean(overlapping), dfOverlapping, claimed, mean(disjoint), dfDisjoint, batches - 1);
        assertEquals(1.0, mean(overlapping), 0.05, "unbiased on independent values");
        assertTrue(dfOverlapping > 1.25 * dfDisjoint, dfOverlapping + " against " + dfDisjoint);
        // Both fall short of their claims by the same cause (a share's batch means are not normal:
        // a 0/1 indicator's kurtosis); the overlapping claim must be no less honest.
        assertTrue(
                dfOverlapping / claimed >= dfDisjoint / (batches - 1) - 0.05,
                dfOverlapping + " of " + claimed + " against " + dfDisjoint + " of " + (batches - 1));
    }

    @Test
    void shouldCoverTheTrueShareAtTheStatedLevel() {
        Scenarios.Source ar05 = Scenarios.ar1(0.5, 0.1);
        Scenarios.Source iid = Scenarios.ar1(0, 0.1);
        // Four rounds of operations with short stalls (runs of 5), combined as adaptive probing
        // combines them: 30 to 64 time blocks for 16 batches. The share is taken at a value that
        // ends a bucket of the blocks' two-digit histograms, so the blocks count it exactly.
        Synthetic stalls = Synthetic.bursty(0.03, 5);
        Scenarios.Source rounds = Scenarios.rounds(Scenarios.of(stalls), 4);
        double p99 = twoDigitEdge(stalls.trueQuantile(0.99));
        double p90 = twoDigitEdge(stalls.trueQuantile(0.9));
        double[][] cases = {
            coverage(ar05, 300, ar05.truth(0.1), 0.1, 2),
            coverage(iid, 300, iid.truth(0.1), 0.1, 3),
            coverage(rounds, 8_000, p99, stalls.cdf(p99 + 0.5), 4),
            coverage(rounds, 8_000, p90, stalls.cdf(p90 + 0.5), 5)
        };
        String[] names = {"AR(1) 0.5 intervals, p10", "independent intervals, p10", "4 rounds, short stalls, p99", "p90"
        };
        for (int i = 0; i < cases.length; i++) {
            print("coverage at 95%%, %s: overlapping %.3f, disjoint %.3f", names[i], cases[i][0], cases[i][1]);
            // Batch means fall a little short of 95% with both (correlation inside a batch, a
            // share's skew); the overlapping windows must not fall further than the Monte Carlo
            // error (0.5 points at 2,000 runs) allows.
            assertTrue(cases[i][0] >= cases[i][1] - 0.01, names[i] + ": " + cases[i][0] + " against " + cases[i][1]);
            assertTrue(cases[i][0] >= 0.91, names[i] + ": " + cases[i][0]);
        }
    }

    @Test
    void shouldLeaveOneRoundsFewBlocksToTheDisjointBatches() {
        // One round keeps 8 to 16 blocks for its 8 batches; this one of 2,000 operations keeps
        // fewer than 16, so a window of two blocks would be longer than most batches and no
        // overlapping estimate is made.
        Sample s = Sample.of(Synthetic.bursty(0.03, 5).measurement(new SplittableRandom(6), 2_000, true))
                .orElseThrow();
        assertTrue(s.units().size() < 2 * s.batches().size(), s.units().size() + " units");
        assertNull(Estimators.overlappingShareVariance(s, s.quantile(0.99)));
        Estimators.DesignEffect d = Estimators.exceedanceEffect(s, s.quantile(0.99), 0.99);
        assertEquals(s.batches().size() - 1, d.df(), 1e-9);
    }

    /** The share's variance from the disjoint batches (the ratio estimator's, as the estimators take it). */
    private static double disjointVariance(Sample s, double x, double share) {
        int k = s.batches().size();
        double v = 0;
        for (Sample.Batch b : s.batches()) {
            double w = (double) b.n() / s.n();
            double pj = (double) b.countAtOrBelow(x) / b.n();
            v += w * w * (pj - share) * (pj - share);
        }
        return v * k / (k - 1);
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    /** The degrees of freedom of a chi-squared variable (scaled) with these values' mean and variance. */
    private static double chiSquaredDf(double[] v) {
        double m = mean(v);
        double ss = 0;
        for (double x : v) {
            ss += (x - m) * (x - m);
        }
        return 2 * m * m / (ss / (v.length - 1));
    }

    /** Coverage of Student's t intervals on the share: overlapping, then disjoint batches. */
    private static double[] coverage(Scenarios.Source source, int n, double x, double trueShare, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int covered = 0;
        int coveredDisjoint = 0;
        for (int run = 0; run < RUNS; run++) {
            Sample s = Sample.of(source.draw(r, n)).orElseThrow();
            Estimators.ShareVariance o = Estimators.overlappingShareVariance(s, x);
            assertNotNull(
                    o, "units " + s.units().size() + ", batches " + s.batches().size());
            double t = TDistribution.of(o.df()).inverseSurvivalProbability(0.025);
            if (Math.abs(o.share() - trueShare) <= t * Math.sqrt(o.variance())) {
                covered++;
            }
            int k = s.batches().size();
            double v = disjointVariance(s, x, o.share());
            double tk = TDistribution.of(k - 1).inverseSurvivalProbability(0.025);
            if (Math.abs(o.share() - trueShare) <= tk * Math.sqrt(v)) {
                coveredDisjoint++;
            }
        }
        return new double[] {(double) covered / RUNS, (double) coveredDisjoint / RUNS};
    }

    /** The highest value of the two-digit histogram bucket holding {@code v} (time blocks keep two digits). */
    private static double twoDigitEdge(double v) {
        return new Histogram(2).highestEquivalentValue((long) v);
    }

    private static void print(String format, Object... args) {
        if (Boolean.getBoolean("iocert.simulation.print")) {
            System.out.printf(Locale.ROOT, format + "%n", args);
        }
    }
}
