package io.iocert.certifier;

import static io.iocert.certifier.Fixtures.expect;
import static io.iocert.certifier.Fixtures.requirement;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.stats.Synthetic;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Monte Carlo check of adaptive stopping: probe a round, look, stop at the first conclusive
 * verdict, else probe another round (at most four). The node's true p99 is just above the
 * threshold, so any PASS is a false one; with {@link Looks} spending the error allowance over
 * the looks, false PASSes must stay within one minus the confidence (plus two points of Monte
 * Carlo slack), on independent and on bursty data.
 */
class AdaptiveSimulationTest {
    private static final int RUNS = 300;
    private static final int ROUND = 2_000;
    private static final int MAX_LOOKS = 4;

    @Test
    void shouldKeepFalsePassesWithinTheAllowanceOnIndependentData() {
        double rate = falsePassRate(Synthetic.independent(0.03), 11, true);
        assertTrue(rate <= 0.05 + 0.02, "false PASS rate " + rate);
    }

    @Test
    void shouldKeepFalsePassesWithinTheAllowanceOnBurstyData() {
        double rate = falsePassRate(Synthetic.bursty(0.03, 20), 12, true);
        assertTrue(rate <= 0.05 + 0.02, "false PASS rate " + rate);
    }

    /**
     * A p90 whose true value lies in a stall mode holding 15% of operations, in runs of 20: the
     * case the separate-mode rule and the tolerance bounds must not get wrong (a run that saw
     * few stalls puts its estimate in the calm mode).
     */
    @Test
    void shouldKeepFalsePassesWithinTheAllowanceForAP90InAStallMode() {
        double rate = falsePassRate(Synthetic.bursty(0.15, 20), 13, true, 0.9);
        assertTrue(rate <= 0.05 + 0.02, "false PASS rate " + rate);
    }

    private static double falsePassRate(Synthetic source, long seed, boolean spending) {
        return falsePassRate(source, seed, spending, 0.99);
    }

    private static double falsePassRate(Synthetic source, long seed, boolean spending, double q) {
        double truth = source.trueQuantile(q);
        // "pQ <= T" with T 3% below the true quantile: the node does not meet it.
        String threshold = String.format(Locale.ROOT, "<= %.0f ns", truth * 0.97);
        Requirement r =
                requirement("r", ProbeType.FS_READ, expect(Metric.LATENCY, q == 0.99 ? "p99" : "p90", threshold));
        SplittableRandom random = new SplittableRandom(seed);
        int passes = 0;
        for (int run = 0; run < RUNS; run++) {
            long[] stream = source.stream(random, ROUND * MAX_LOOKS);
            for (int look = 1; look <= MAX_LOOKS; look++) {
                var m = Synthetic.measurement(stream, ROUND * look, true);
                Looks looks = spending ? new Looks(look, MAX_LOOKS, false) : Looks.SINGLE;
                Verdict v = Certifier.judge(r, List.of(m), looks).get(0).verdict();
                if (v == Verdict.PASS) {
                    passes++;
                }
                if (v != Verdict.INCONCLUSIVE) {
                    break;
                }
            }
        }
        double rate = (double) passes / RUNS;
        if (Boolean.getBoolean("iocert.simulation.print")) {
            System.out.printf(Locale.ROOT, "false PASS rate (%s): %.3f%n", spending ? "spending" : "naive", rate);
        }
        return rate;
    }
}
