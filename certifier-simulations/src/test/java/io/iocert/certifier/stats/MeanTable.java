package io.iocert.certifier.stats;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * On demand (its name is not a test's): the mean's verdicts by simulation, as
 * {@link QuantileMethodTable} gives the quantiles'. Batch means with Student's t ({@code
 * Estimators.mean}) on latencies with stalls 20 times the calm level (independent, in runs of 5
 * or 20 operations; one round of 2,000 or four rounds combined), on AR(1) interval rates and on
 * interval rates with dips to a tenth (the low side).
 * Prints right/wrong % at thresholds 0.5x, 1/1.03x, 1.03x, 1.1x and 2x the true mean (the node
 * meets the threshold above 1). 1,000 runs per row, or {@code -Diocert.runs}.
 * {@code mvn -pl certifier-simulations -am test -Psimulations -Dtest=MeanTable -Dsurefire.failIfNoSpecifiedTests=false}
 */
class MeanTable {
    static final double[] MARGINS = {0.5, 1 / 1.03, 1.03, 1.1, 2};
    private static final int RUNS = Integer.getInteger("iocert.runs", 1000);

    @Test
    void table() {
        System.out.println("scenario | margins 0.5 0.97 1.03 1.1 2 (right/wrong %)");
        for (double[] c : new double[][] {{0.03, 1}, {0.03, 5}, {0.03, 20}, {0.15, 20}}) {
            Synthetic s = c[1] == 1 ? Synthetic.independent(c[0]) : Synthetic.bursty(c[0], c[1]);
            double truth = truth(s);
            String name = String.format(Locale.ROOT, "stalls %.0f%% (runs of %.0f)", 100 * c[0], c[1]);
            row(name + ", 2,000", Scenarios.of(s), 2_000, truth, false);
            row("4 rounds: " + name + ", 8,000", Scenarios.rounds(Scenarios.of(s), 4), 8_000, truth, false);
        }
        for (double phi : new double[] {0.5, 0.9}) {
            row(
                    "AR(1) " + phi + " intervals, 300",
                    Scenarios.ar1(phi, 0.15),
                    300,
                    1e9 * Math.exp(0.15 * 0.15 / 2),
                    true);
        }
        for (double share : new double[] {0.05, 0.1}) {
            // Rates around 1 GB/s with dips to a tenth in runs of 5 intervals: the low side's far values.
            Scenarios.Source dips = Scenarios.dips(share, 5, 0.15);
            double truth = Math.exp(0.15 * 0.15 / 2) * (share * 1e8 + (1 - share) * 1e9);
            String name = String.format(Locale.ROOT, "dips %.0f%% (runs of 5) intervals", 100 * share);
            row(name + ", 300", dips, 300, truth, true);
            row("4 rounds: " + name + ", 1,200", Scenarios.rounds(dips, 4), 1_200, truth, true);
        }
    }

    private static void row(String name, Scenarios.Source src, int n, double truth, boolean higherIsBetter) {
        double[][] rates = verdicts(src, n, truth, higherIsBetter, RUNS);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-44s", name));
        for (int i = 0; i < MARGINS.length; i++) {
            sb.append(String.format(Locale.ROOT, " %5.1f/%4.1f", rates[0][i], rates[1][i]));
        }
        System.out.println(sb);
    }

    /**
     * Right and wrong verdicts, in % of {@code runs} runs of {@code n} values from {@code src}, at
     * each of {@link #MARGINS}: {right, wrong}, each indexed as the margins are.
     */
    static double[][] verdicts(Scenarios.Source src, int n, double truth, boolean higherIsBetter, int runs) {
        int[] right = new int[MARGINS.length];
        int[] wrong = new int[MARGINS.length];
        SplittableRandom r = new SplittableRandom(7);
        for (int run = 0; run < runs; run++) {
            Estimate e = Estimators.mean(Sample.of(src.draw(r, n)).orElseThrow(), 0.95);
            for (int i = 0; i < MARGINS.length; i++) {
                double t = VerdictSimulationTest.threshold(truth, MARGINS[i], higherIsBetter);
                VerdictSimulationTest.tally(e, t, higherIsBetter, MARGINS[i] > 1, i, right, wrong);
            }
        }
        double[][] rates = new double[2][MARGINS.length];
        for (int i = 0; i < MARGINS.length; i++) {
            rates[0][i] = 100.0 * right[i] / runs;
            rates[1][i] = 100.0 * wrong[i] / runs;
        }
        return rates;
    }

    /** The true mean of {@code s}: log-normal calm values, and stalls STALL_FACTOR times slower. */
    static double truth(Synthetic s) {
        double sigma = Synthetic.SIGMA;
        return Math.exp(sigma * sigma / 2) * Synthetic.MEDIAN_NS * (1 + (Synthetic.STALL_FACTOR - 1) * s.stallShare());
    }
}
