package io.iocert.certifier;

import static io.iocert.certifier.Fixtures.expect;
import static io.iocert.certifier.Fixtures.requirement;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.stats.Synthetic;
import io.iocert.results.Measurement;
import io.iocert.results.Rounds;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import java.util.Arrays;
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

    /**
     * As the runner does it: each look adds a round measured on its own (its own time blocks, at
     * most 16) and judges the rounds combined ({@code Rounds.combine}: up to 64 blocks, so from the
     * second look the design effect comes from overlapping windows). Stalls shorter than a batch
     * (runs of 5 and of 10 operations), and a p90 inside a stall mode. Stalls in runs of 20, about
     * three clusters a round, are the known limit: a round sees none in about 5% of runs and looks
     * clean, so 9.0% false PASS this way, with or without the overlapping windows
     * (docs/statistics.md, Known limits), printed with -Diocert.simulation.print=true and not
     * asserted.
     */
    @Test
    void shouldKeepFalsePassesWithinTheAllowanceWithRoundsCombinedAsTheRunnerCombinesThem() {
        double runsOf5 = falsePassRateCombined(Synthetic.bursty(0.03, 5), 14, 0.99);
        double runsOf10 = falsePassRateCombined(Synthetic.bursty(0.03, 10), 14, 0.99);
        double p90 = falsePassRateCombined(Synthetic.bursty(0.15, 20), 15, 0.9);
        assertTrue(runsOf5 <= 0.05 + 0.02, "false PASS rate, p99, stalls in runs of 5: " + runsOf5);
        assertTrue(runsOf10 <= 0.05 + 0.02, "false PASS rate, p99, stalls in runs of 10: " + runsOf10);
        assertTrue(p90 <= 0.05 + 0.02, "false PASS rate, p90 in a stall mode: " + p90);
        if (Boolean.getBoolean("iocert.simulation.print")) {
            falsePassRateCombined(Synthetic.bursty(0.03, 20), 14, 0.99);
        }
    }

    private static double falsePassRate(Synthetic source, long seed, boolean spending) {
        return falsePassRate(source, seed, spending, 0.99);
    }

    private static double falsePassRate(Synthetic source, long seed, boolean spending, double q) {
        return falsePassRate(source, seed, spending, q, false);
    }

    private static double falsePassRateCombined(Synthetic source, long seed, double q) {
        return falsePassRate(source, seed, true, q, true);
    }

    /**
     * The share of runs judged PASS at some look, stopping at the first conclusive one. Each look
     * judges the run's first {@code look} rounds: as one measurement of one stream (at most 16
     * time blocks), or with {@code combined} as the runner does, each round measured on its own
     * and the rounds combined.
     */
    private static double falsePassRate(Synthetic source, long seed, boolean spending, double q, boolean combined) {
        double truth = source.trueQuantile(q);
        // "pQ <= T" with T 3% below the true quantile: the node does not meet it.
        String threshold = String.format(Locale.ROOT, "<= %.0f ns", truth * 0.97);
        Requirement r =
                requirement("r", ProbeType.FS_READ, expect(Metric.LATENCY, q == 0.99 ? "p99" : "p90", threshold));
        SplittableRandom random = new SplittableRandom(seed);
        int passes = 0;
        for (int run = 0; run < RUNS; run++) {
            long[] stream = source.stream(random, ROUND * MAX_LOOKS);
            Measurement sofar = null;
            for (int look = 1; look <= MAX_LOOKS; look++) {
                Measurement m;
                if (combined) {
                    long[] round = Arrays.copyOfRange(stream, ROUND * (look - 1), ROUND * look);
                    Measurement next = Synthetic.measurement(round, ROUND, true);
                    m = sofar == null ? next : Rounds.combine(sofar, next);
                    sofar = m;
                } else {
                    m = Synthetic.measurement(stream, ROUND * look, true);
                }
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
            String how = combined
                    ? String.format(Locale.ROOT, "rounds combined, p%.0f", q * 100)
                    : spending ? "spending" : "naive";
            System.out.printf(Locale.ROOT, "false PASS rate (%s): %.3f%n", how, rate);
        }
        return rate;
    }
}
