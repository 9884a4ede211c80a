package io.iocert.certifier.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The change-point test on short series ({@link ChangePoints#detectShort}: a node's statistic
 * across 8 to 100 certifications) keeps its stated false-alarm rate with runs independent and
 * AR(1)-correlated at 0.3 and 0.6, and finds steps of 2 and 4 standard deviations as often as
 * the table in docs/statistics.md says. {@value #SERIES} simulated series a case, seeds apart
 * from the calibration's: the Monte Carlo standard error of a 5% rate is 0.69 points, and the
 * bound allows three of them. {@code -Diocert.simulation.print=true} prints the table.
 */
class ShortSeriesChangePointsTest {
    private static final int SERIES = 1000;
    private static final double ALPHA = 0.05;
    private static final double SLACK = 3 * Math.sqrt(ALPHA * (1 - ALPHA) / SERIES);
    private static final int MIN = 5;
    private static final int[] LENGTHS = {8, 10, 12, 15, 20, 30, 50, 100};
    private static final double[] CORRELATIONS = {0, 0.3, 0.6};
    private static final boolean PRINT = Boolean.getBoolean("iocert.simulation.print");

    @Test
    void shouldKeepTheStatedFalseAlarmRateOnShortCorrelatedSeries() {
        StringBuilder table =
                new StringBuilder("| runs | independent | AR(1) 0.3 | AR(1) 0.6 | (asymptotic critical value:"
                        + " independent / 0.3 / 0.6) |\n|---|---|---|---|---|\n");
        StringBuilder failures = new StringBuilder();
        for (int n : LENGTHS) {
            double[] calibrated = new double[CORRELATIONS.length];
            double[] asymptotic = new double[CORRELATIONS.length];
            for (int j = 0; j < CORRELATIONS.length; j++) {
                double phi = CORRELATIONS[j];
                calibrated[j] = rate(n, phi, 0, true, 17 + n * 31L + j);
                // The asymptotic test's rate, for the table only (it is what detectShort replaces).
                asymptotic[j] = PRINT ? rate(n, phi, 0, false, 17 + n * 31L + j) : Double.NaN;
                if (calibrated[j] > ALPHA + SLACK) {
                    failures.append(String.format(Locale.ROOT, "n=%d phi=%.1f: %.3f; ", n, phi, calibrated[j]));
                }
            }
            table.append(String.format(
                    Locale.ROOT,
                    "| %d | %s | %s | %s | %s / %s / %s |%n",
                    n,
                    pct(calibrated[0]),
                    pct(calibrated[1]),
                    pct(calibrated[2]),
                    pct(asymptotic[0]),
                    pct(asymptotic[1]),
                    pct(asymptotic[2])));
        }
        print(table);
        assertEquals("", failures.toString(), "false alarms above " + pct(ALPHA + SLACK) + "\n" + table);
    }

    @Test
    void shouldFindStepsOfTwoAndFourStandardDeviations() {
        StringBuilder table = new StringBuilder(
                "| runs, step halfway | step | independent | AR(1) 0.3 | AR(1) 0.6 |\n" + "|---|---|---|---|---|\n");
        double fourAtTwenty = 0;
        double fourAtFifty = 0;
        for (int n : new int[] {12, 20, 50, 100}) {
            for (double step : new double[] {2, 4}) {
                double[] found = new double[CORRELATIONS.length];
                for (int j = 0; j < CORRELATIONS.length; j++) {
                    found[j] = rate(n, CORRELATIONS[j], step, true, 91 + n * 7L + j + (long) step * 1000);
                }
                if (step == 4 && n == 20) {
                    fourAtTwenty = found[0];
                }
                if (step == 4 && n == 50) {
                    fourAtFifty = found[0];
                }
                table.append(String.format(
                        Locale.ROOT,
                        "| %d | %.0f sd | %s | %s | %s |%n",
                        n,
                        step,
                        pct(found[0]),
                        pct(found[1]),
                        pct(found[2])));
            }
        }
        print(table);
        // Four standard deviations halfway through 20 independent runs: found nearly always.
        assertTrue(fourAtTwenty >= 0.85, table.toString());
        assertTrue(fourAtFifty >= 0.95, table.toString());
    }

    @Test
    void shouldTestALongSegmentAtTheLongestCalibratedLengthsValue() {
        // Two steps in 600 values: every segment tested is longer than the calibrated range, so
        // detectShort is detect at the critical value for 200 values (above Kolmogorov's).
        double critical = ShortSeriesCalibration.critical(ShortSeriesCalibration.LONGEST, MIN, ALPHA);
        assertTrue(critical > ChangePoints.kolmogorovQuantile(1 - ALPHA));
        double[] x = ChangePointsTest.ar1(new SplittableRandom(4), 900, 0.3, 1);
        for (int i = 300; i < 600; i++) {
            x[i] += 2;
        }
        ChangePoints.Segmentation s = ChangePoints.detectShort(x, ALPHA, MIN, 0.95);
        assertEquals(3, s.segments().size(), s.toString());
        assertTrue(
                Math.abs(s.changes().get(0).at() - 300) <= 5
                        && Math.abs(s.changes().get(1).at() - 600) <= 5,
                s.toString());
    }

    @Test
    void shouldGiveAWiderCriticalValueThanKolmogorovsAtSmallN() {
        double asymptotic = ChangePoints.kolmogorovQuantile(1 - ALPHA);
        assertTrue(ShortSeriesCalibration.critical(20, MIN, ALPHA) > asymptotic);
        // Deterministic: the same series gets the same answer.
        ShortSeriesCalibration.Process p = new ShortSeriesCalibration.Process(0.3, 0.5);
        assertEquals(
                ShortSeriesCalibration.quantile(20, MIN, ALPHA, p, 500, 1),
                ShortSeriesCalibration.quantile(20, MIN, ALPHA, p, 500, 1));
    }

    /** Share of series with a change reported; with {@code step} > 0 the level rises by that many sd halfway. */
    private static double rate(int n, double phi, double step, boolean shortSeries, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int reported = 0;
        for (int k = 0; k < SERIES; k++) {
            double[] x = ChangePointsTest.ar1(r, n, phi, 1);
            for (int i = n / 2; i < n; i++) {
                x[i] += step;
            }
            ChangePoints.Segmentation s = shortSeries
                    ? ChangePoints.detectShort(x, ALPHA, MIN, 0.95)
                    : ChangePoints.detect(x, ALPHA, MIN, 0.95);
            if (s.changed()) {
                reported++;
            }
        }
        return reported / (double) SERIES;
    }

    private static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * share);
    }

    private static void print(StringBuilder table) {
        if (PRINT) {
            System.out.print(table);
        }
    }
}
