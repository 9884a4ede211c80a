package io.iocert.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.stats.Estimators;
import io.iocert.certifier.stats.Sample;
import io.iocert.results.Measurement;
import io.iocert.spec.Statistic;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drift's false-alarm rate and power on simulated certification histories, through drift's own
 * detector ({@link CertifierChangePoints}) at a 5% false-alarm rate with levels of at least
 * drift's default number of runs. A run's p99 is the node's state times the certifier's
 * estimate from one run's operations: the state is log-normal with a 4% standard deviation from
 * run to run (independent, or AR(1) 0.3 or 0.6 across runs: a node's condition carrying over);
 * the estimate's own error is drawn from a pool of real estimates (histograms of log-normal
 * latencies, sigma 0.36, through {@link Estimators}, as the certifier computes the p99 drift
 * reads), for runs of 5,000 operations, or of 500, 5,000 or 50,000 at random where the runs'
 * own estimation noise differs. {@value #HISTORIES} histories a case: the Monte Carlo standard
 * error of a 5% rate is 0.69 points and the bound allows three. The figures are in
 * docs/history.md and BENCHMARKS.md; {@code -Diocert.simulation.print=true} prints them.
 */
class DriftSimulationTest {
    private static final int HISTORIES = 1000;
    private static final double ALPHA = 0.05;
    private static final double SLACK = 3 * Math.sqrt(ALPHA * (1 - ALPHA) / HISTORIES);
    private static final Statistic P99 = Statistic.parse("p99").orElseThrow();
    private static final int MIN_RUNS = DriftAnalysis.Options.defaults().minSegment();
    /** The run-to-run standard deviation of the node's state, on the log scale. */
    private static final double STATE_SD = 0.04;

    private static final int[] OPERATIONS = {500, 5_000, 50_000};
    /** Per entry of OPERATIONS: each run's p99 estimate over the true p99 at median 1. */
    private static final double[][] ESTIMATE_ERRORS = new double[OPERATIONS.length][];

    @BeforeAll
    static void estimateErrors() {
        SplittableRandom rnd = new SplittableRandom(1);
        double median = 800_000;
        int[] pool = {1_000, 1_000, 200};
        for (int j = 0; j < OPERATIONS.length; j++) {
            ESTIMATE_ERRORS[j] = new double[pool[j]];
            for (int k = 0; k < pool[j]; k++) {
                Histogram h = new Histogram(3);
                for (int i = 0; i < OPERATIONS[j]; i++) {
                    h.recordValue((long) (median * Math.exp(0.36 * gaussian(rnd))));
                }
                Measurement m = new Measurement(
                        "restart-read",
                        "fs.read",
                        "latency",
                        "ns",
                        Map.of(),
                        h.getTotalCount(),
                        null,
                        h,
                        null,
                        Map.of(),
                        null);
                ESTIMATE_ERRORS[j][k] = Estimators.estimate(Sample.of(m).orElseThrow(), P99, 0.95)
                                .value()
                        / median;
            }
        }
    }

    /**
     * The per-run p99s of a history of {@code runs} runs; from run {@code stepAt} on, the median
     * is times {@code factor}. {@code mixed}: each run's operation count is drawn from OPERATIONS.
     */
    static double[] history(SplittableRandom rnd, int runs, int stepAt, double factor, double phi, boolean mixed) {
        double[] p99 = new double[runs];
        double state = gaussian(rnd);
        for (int i = 0; i < runs; i++) {
            if (i > 0) {
                state = phi * state + Math.sqrt(1 - phi * phi) * gaussian(rnd);
            }
            double[] errors = ESTIMATE_ERRORS[mixed ? rnd.nextInt(OPERATIONS.length) : 1];
            p99[i] = 800_000
                    * Math.exp(STATE_SD * state)
                    * (i >= stepAt ? factor : 1)
                    * errors[rnd.nextInt(errors.length)];
        }
        return p99;
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller: SplittableRandom has no nextGaussian on Java 17.
        double u = rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    /** Share of histories in which a change is reported and, for a step, found within one run of it. */
    static double[] rate(int runs, int stepAt, double factor, double phi, boolean mixed, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        CertifierChangePoints detector = new CertifierChangePoints();
        int reported = 0;
        int located = 0;
        for (int t = 0; t < HISTORIES; t++) {
            ChangeDetector.Segmentation s =
                    detector.detect(history(rnd, runs, stepAt, factor, phi, mixed), ALPHA, MIN_RUNS, 0.95);
            if (!s.shifts().isEmpty()) {
                reported++;
                if (s.shifts().stream().anyMatch(x -> Math.abs(x.at() - stepAt) <= 1)) {
                    located++;
                }
            }
        }
        return new double[] {reported / (double) HISTORIES, located / (double) HISTORIES};
    }

    @Test
    void shouldReportNoChangeInASteadyHistoryAtMostAtTheStatedRate() {
        StringBuilder table = new StringBuilder("| steady history | independent | AR(1) 0.3 | AR(1) 0.6 |"
                + " AR(1) 0.3, 500-50,000 operations a run |\n|---|---|---|---|---|\n");
        StringBuilder failures = new StringBuilder();
        double[] phis = {0, 0.3, 0.6};
        for (int runs : new int[] {8, 12, 20, 40, 100}) {
            table.append("| ").append(runs).append(" runs |");
            for (int j = 0; j <= phis.length; j++) {
                boolean mixed = j == phis.length;
                double phi = mixed ? 0.3 : phis[j];
                double r = rate(runs, runs, 1, phi, mixed, 100L * runs + j)[0];
                table.append(' ').append(pct(r)).append(" |");
                if (r > ALPHA + SLACK) {
                    failures.append(String.format(
                            Locale.ROOT, "runs=%d phi=%.1f%s: %.3f; ", runs, phi, mixed ? " mixed" : "", r));
                }
            }
            table.append('\n');
        }
        print(table);
        assertEquals("", failures.toString(), "false alarms above " + pct(ALPHA + SLACK) + "\n" + table);
    }

    @Test
    void shouldFindAStepWhereThereIsOne() {
        StringBuilder table = new StringBuilder("| step after 10 of 20 runs | independent: found, within 1 run |"
                + " AR(1) 0.3 | AR(1) 0.6 |\n|---|---|---|---|\n");
        double[][] found = new double[3][];
        // 2 and 4 run-to-run standard deviations (8% and 16% of the median); the example,
        // p99 from about 1.9 ms to 3 ms (median times 1.6).
        double[] factors = {Math.exp(2 * STATE_SD), Math.exp(4 * STATE_SD), 1.6};
        String[] names = {"median x1.08 (2 sd)", "median x1.17 (4 sd)", "median x1.6 (p99 1.85 -> 3.0 ms)"};
        for (int f = 0; f < factors.length; f++) {
            table.append("| ").append(names[f]).append(" |");
            double[] phis = {0, 0.3, 0.6};
            for (int j = 0; j < phis.length; j++) {
                double[] r = rate(20, 10, factors[f], phis[j], false, 7 + 10L * f + j);
                if (j == 0) {
                    found[f] = r;
                }
                table.append(' ')
                        .append(pct(r[0]))
                        .append(", ")
                        .append(pct(r[1]))
                        .append(" |");
            }
            table.append('\n');
        }
        print(table);
        assertTrue(found[2][0] >= 0.99 && found[2][1] >= 0.95, table.toString());
        assertTrue(found[1][0] >= 0.9, table.toString());
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private static void print(StringBuilder table) {
        if (Boolean.getBoolean("iocert.simulation.print")) {
            System.out.print(table);
        }
    }
}
