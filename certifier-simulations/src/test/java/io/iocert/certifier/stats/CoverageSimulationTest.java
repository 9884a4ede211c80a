package io.iocert.certifier.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.spec.Statistic;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Monte Carlo checks that the intervals hold their stated confidence: over many synthetic
 * runs with a known true distribution, the share of intervals containing the true value must
 * be at least the nominal level minus two points (the bar, which also covers Monte
 * Carlo error: at 400 runs its standard error is about 1.1 points at 95%).
 */
class CoverageSimulationTest {
    private static final int RUNS = 400;
    private static final double CONFIDENCE = 0.95;

    @Test
    void shouldCoverTheTrueP99OnIndependentData() {
        double coverage = coverage(Synthetic.independent(0.03), 3_000, true, "p99", 1);
        assertTrue(coverage >= CONFIDENCE - 0.02, "coverage " + coverage);
    }

    @Test
    void shouldCoverTheTrueMedianOnIndependentDataWithoutBlocks() {
        double coverage = coverage(Synthetic.independent(0.03), 2_000, false, "p50", 2);
        assertTrue(coverage >= CONFIDENCE - 0.02, "coverage " + coverage);
    }

    @Test
    void shouldCoverTheTrueP99OnBurstyDataThanksToTimeBlocks() {
        Synthetic bursty = Synthetic.bursty(0.03, 20);
        double withBlocks = coverage(bursty, 10_000, true, "p99", 3);
        assertTrue(withBlocks >= CONFIDENCE - 0.02, "coverage with blocks " + withBlocks);
        // The same data judged as if independent: the intervals are too narrow. This is why
        // probes record time blocks.
        double without = coverage(bursty, 10_000, false, "p99", 3);
        assertTrue(without < CONFIDENCE - 0.05, "coverage without blocks " + without);
    }

    @Test
    void shouldCoverTheTrueP90OnBurstyData() {
        double coverage = coverage(Synthetic.bursty(0.15, 10), 5_000, true, "p90", 4);
        assertTrue(coverage >= CONFIDENCE - 0.02, "coverage " + coverage);
    }

    private static double coverage(Synthetic source, int n, boolean blocks, String statistic, long seed) {
        Statistic s = Statistic.parse(statistic).orElseThrow();
        double truth = source.trueQuantile(s.quantile());
        SplittableRandom random = new SplittableRandom(seed);
        int covered = 0;
        for (int run = 0; run < RUNS; run++) {
            Estimate e = Estimators.estimate(source.measurement(random, n, blocks), s, CONFIDENCE)
                    .orElseThrow();
            if (e.low() <= truth && truth <= e.high()) {
                covered++;
            }
        }
        double share = (double) covered / RUNS;
        if (Boolean.getBoolean("iocert.simulation.print")) {
            System.out.printf(java.util.Locale.ROOT, "coverage %s n=%d blocks=%b: %.3f%n", statistic, n, blocks, share);
        }
        return share;
    }
}
