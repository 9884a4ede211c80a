package io.iocert.certifier.stats;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Issue 12's two properties of the quantile verdict, simulated over its scenarios (200 runs a
 * case, one look at 95%): validity, at most 2.5% wrong verdicts when the truth is 3% on either
 * side of the threshold (plus 2.5 points of Monte Carlo slack: the standard error of 2.5% at 200
 * runs is 1.1 points), in every scenario whose stalls are shorter than a batch; and power, all
 * verdicts right where the threshold is 100 times away and the scenario is one the method can
 * settle (including the autocorrelated intervals that sectioning settles). The power the method
 * does not reach (issue 12's 2x and 10x targets under short stalls) is printed with
 * -Diocert.simulation.print=true and tabled in docs/statistics.md, not asserted: a test that
 * passed by lowering its bar would hide it.
 */
class VerdictSimulationTest {
    /** Runs per row: 200, or {@code -Diocert.runs} for the on-demand tables. */
    private static final int RUNS = Integer.getInteger("iocert.runs", 200);

    private static final double[] MARGINS = {0.5, 1 / 1.03, 1.03, 2, 10, 100};

    /** Right and wrong verdict shares per margin (truth better than the threshold by that factor). */
    record Row(String name, double[] right, double[] wrong) {
        double wrongAt(double margin) {
            return wrong[index(margin)];
        }

        double rightAt(double margin) {
            return right[index(margin)];
        }

        private static int index(double margin) {
            for (int i = 0; i < MARGINS.length; i++) {
                if (Math.abs(MARGINS[i] - margin) < 1e-9) {
                    return i;
                }
            }
            throw new IllegalArgumentException("no margin " + margin);
        }
    }

    @Test
    void shouldKeepWrongVerdictsWithinTheAllowanceAtThreePercentMargins() {
        List<Row> rows = new ArrayList<>();
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            rows.add(row("independent", Scenarios.of(Synthetic.independent(0.03)), 2_000, q, false, 1));
            rows.add(row("short stalls (runs of 3)", Scenarios.of(Synthetic.bursty(0.03, 3)), 2_000, q, false, 2));
            rows.add(row("short stalls (runs of 5)", Scenarios.of(Synthetic.bursty(0.03, 5)), 2_000, q, false, 3));
            rows.add(row("trend +-10%", Scenarios.trend(0.1), 2_000, q, false, 4));
            rows.add(row("16 level shifts, sd 10%", Scenarios.shifts(0.1), 2_000, q, false, 5));
        }
        rows.add(row("independent intervals", Scenarios.ar1(0, 0.1), 300, 0.1, true, 6));
        rows.add(row("AR(1) 0.9 intervals", Scenarios.ar1(0.9, 0.1), 300, 0.1, true, 7));
        rows.add(row("rate climbing 2x, AR(1) 0.9 intervals", Scenarios.rateTrend(0.33, 0.9, 0.15), 300, 0.1, true, 9));
        // The quantile inside a stall mode (15% of operations): the case the separate-mode rule,
        // its rare-outlier exception and the tolerance bounds must not get wrong.
        rows.add(row("stall mode 15% (runs of 5)", Scenarios.of(Synthetic.bursty(0.15, 5)), 2_000, 0.9, false, 8));
        // Four rounds combined, as adaptive probing combines them: up to 64 time blocks, so up to
        // 16 batches (more degrees of freedom for the design effect than one round's 8).
        rows.add(row(
                "4 rounds: short stalls (runs of 5)",
                Scenarios.rounds(Scenarios.of(Synthetic.bursty(0.03, 5)), 4),
                2_000,
                0.99,
                false,
                72));
        rows.add(row(
                "4 rounds: hiccups 1.5%, share varying",
                Scenarios.rounds(Scenarios.modulatedHiccups(0.015), 4), 6_000, 0.99, false, 78));
        // One round of exactly 16 time blocks (2.5 s), where a single round's design effect comes
        // from overlapping windows of two blocks.
        for (double q : new double[] {0.9, 0.99}) {
            rows.add(row(
                    "2.5 s: short stalls (runs of 5)",
                    Scenarios.timed(Synthetic.bursty(0.03, 5), 2_500_000_000L),
                    0,
                    q,
                    false,
                    83));
        }
        print(rows);
        for (Row r : rows) {
            for (double m : new double[] {1 / 1.03, 1.03}) {
                assertTrue(
                        r.wrongAt(m) <= 0.025 + 0.025,
                        String.format(
                                Locale.ROOT,
                                "%s: %.1f%% wrong at a 3%% margin (%s)",
                                r.name(),
                                100 * r.wrongAt(m),
                                m < 1 ? "false PASS" : "false FAIL"));
            }
        }
    }

    @Test
    void shouldSettleEveryRunWhereTheThresholdIsFarAndTheDataCanShowIt() {
        List<Row> rows = new ArrayList<>();
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            rows.add(row("independent", Scenarios.of(Synthetic.independent(0.03)), 2_000, q, false, 11));
            rows.add(row("trend +-10%", Scenarios.trend(0.1), 2_000, q, false, 12));
        }
        rows.add(row("independent intervals", Scenarios.ar1(0, 0.1), 300, 0.1, true, 13));
        rows.add(row("AR(1) 0.9 intervals", Scenarios.ar1(0.9, 0.1), 300, 0.1, true, 14));
        // Platform hiccups whose share varies from part to part of the run (compute.jitter on a VM
        // with a busy neighbour), four rounds combined: the p99 sits in the hiccup mode. Settled
        // where the node meets the threshold by 2x or more; where it misses by 2x, about 60% (the
        // lower end rests on the hiccups, which most parts of the run barely see).
        Row hiccups = row(
                "4 rounds: hiccups 1.5%, share varying",
                Scenarios.rounds(Scenarios.modulatedHiccups(0.015), 4), 6_000, 0.99, false, 78);
        print(rows);
        print(List.of(hiccups));
        for (Row r : rows) {
            assertSettled(r, 0.5, 2, 10, 100);
        }
        assertSettled(hiccups, 2, 10, 100);
    }

    /**
     * Short stalls in one round of 2,000 operations, twice the threshold and beyond: the design
     * effect at the estimate, measured among the stalls, leaves the order-statistic interval open
     * (a p99 with runs of 5 settled 72.5% at 2x before the threshold got its own cut within three
     * times the estimate); the threshold's cut, with nothing or little beyond it, settles it.
     */
    @Test
    void shouldSettleTwiceTheThresholdWithShortStallsInOneRound() {
        List<Row> rows = new ArrayList<>();
        for (double q : new double[] {0.9, 0.99}) {
            rows.add(row("short stalls (runs of 3)", Scenarios.of(Synthetic.bursty(0.03, 3)), 2_000, q, false, 2));
            rows.add(row("short stalls (runs of 5)", Scenarios.of(Synthetic.bursty(0.03, 5)), 2_000, q, false, 3));
        }
        print(rows);
        for (Row r : rows) {
            assertSettled(r, 2, 10, 100);
        }
    }

    /**
     * Far thresholds where the location drifts strongly (latencies, or a write rate that climbs
     * while the device warms up) or a few isolated values lie far out (a busy scheduler): the
     * order-statistic interval alone is capped there; the tolerance bounds and the rare-outlier
     * exception settle them.
     */
    @Test
    void shouldSettleFarThresholdsDespiteDriftAndIsolatedOutliers() {
        List<Row> rows = new ArrayList<>();
        rows.add(row("trend +-50%", Scenarios.trend(0.5), 20_000, 0.9, false, 15));
        rows.add(row(
                "16 level shifts, sd 30%, isolated x150",
                Scenarios.shiftsWithOutliers(0.3, 2e-4, 150), 30_000, 0.9, false, 16));
        Row climbing = row(
                "rate climbing 2x over the run, AR(1) 0.9", Scenarios.rateTrend(0.33, 0.9, 0.15), 300, 0.1, true, 18);
        rows.add(climbing);
        // Stalled intervals (a write that completes nothing for 10 ms) void the tolerance bounds
        // (no logarithm of a zero rate); the far-cut bounds settle it.
        rows.add(row(
                "rate climbing 2x, 2 intervals in 300 stalled",
                Scenarios.withOutliers(Scenarios.rateTrend(0.33, 0.9, 0.15), 2 / 300.0, 1e9),
                300,
                0.1,
                true,
                19));
        rows.add(row(
                "AR(1) 0.9, 1 interval in 300 at a tenth",
                Scenarios.withOutliers(Scenarios.ar1(0.9, 0.1), 1 / 300.0, 10),
                300,
                0.1,
                true,
                17));
        // A p99 of strongly shifting latencies: the far-cut bound, counted with a design effect
        // measured at 3x the estimate, settles it beyond that factor (87.5% at 10x with the
        // grouped bound it replaced).
        rows.add(row("16 level shifts, sd 50%", Scenarios.shifts(0.5), 120_000, 0.99, false, 46));
        // Stalls in runs of 20, four rounds combined: settled from 2x on (at 2x 97% before the
        // threshold's own cut within three times the estimate; at 10x 97.5% before the count
        // bound); where the node misses by 2x, 82.5% (asserted elsewhere only for validity).
        Row stalls = row(
                "4 rounds: short stalls (runs of 20)",
                Scenarios.rounds(Scenarios.of(Synthetic.bursty(0.03, 20)), 4),
                8_000,
                0.99,
                false,
                73);
        print(rows);
        print(List.of(stalls));
        assertSettled(stalls, 2, 10, 100);
        for (Row r : rows) {
            assertSettled(r, 0.5, 10, 100);
        }
        // A rate that climbs during the run is settled at 2x too, by the threshold's own cut (84%
        // before it).
        assertSettled(climbing, 2);
    }

    /** At least 95% of runs right at each of {@code margins}. */
    private static void assertSettled(Row r, double... margins) {
        for (double m : margins) {
            assertTrue(
                    r.rightAt(m) >= 0.95,
                    String.format(Locale.ROOT, "%s: %.1f%% right at margin %s", r.name(), 100 * r.rightAt(m), m));
        }
    }

    static Row row(String name, Scenarios.Source src, int n, double q, boolean higherIsBetter, long seed) {
        double truth = src.truth(q);
        int[] right = new int[MARGINS.length];
        int[] wrong = new int[MARGINS.length];
        SplittableRandom r = new SplittableRandom(seed);
        for (int run = 0; run < RUNS; run++) {
            Sample sample = Sample.of(src.draw(r, n)).orElseThrow();
            for (int i = 0; i < MARGINS.length; i++) {
                double t = threshold(truth, MARGINS[i], higherIsBetter);
                // As the certifier does: the verdict's threshold goes with the estimate.
                Estimate e = Estimators.quantile(sample, q, 0.95, new Estimators.Target(t, !higherIsBetter));
                tally(e, t, higherIsBetter, MARGINS[i] > 1, i, right, wrong);
            }
        }
        double[] rs = new double[MARGINS.length];
        double[] ws = new double[MARGINS.length];
        for (int i = 0; i < MARGINS.length; i++) {
            rs[i] = (double) right[i] / RUNS;
            ws[i] = (double) wrong[i] / RUNS;
        }
        String label = String.format(
                Locale.ROOT, "%s, n=%d, p%s", name, n, q == 0.5 ? "50" : q == 0.9 ? "90" : q == 0.99 ? "99" : "10");
        return new Row(label, rs, ws);
    }

    /** The threshold {@code margin} times as easy to meet as the truth ({@code margin > 1}: the node meets it). */
    static double threshold(double truth, double margin, boolean higherIsBetter) {
        return higherIsBetter ? truth / margin : truth * margin;
    }

    /**
     * Counts {@code e}'s verdict against {@code t} in slot {@code i}: in {@code right} when
     * conclusive and matching {@code meets}, in {@code wrong} when conclusive against it, nowhere
     * when inconclusive.
     */
    static void tally(Estimate e, double t, boolean higherIsBetter, boolean meets, int i, int[] right, int[] wrong) {
        boolean pass = higherIsBetter ? e.low() >= t : e.high() <= t;
        boolean fail = higherIsBetter ? e.high() < t : e.low() > t;
        if (pass || fail) {
            if (pass == meets) {
                right[i]++;
            } else {
                wrong[i]++;
            }
        }
    }

    private static void print(List<Row> rows) {
        if (!Boolean.getBoolean("iocert.simulation.print")) {
            return;
        }
        printAlways(rows);
    }

    static void printAlways(List<Row> rows) {
        StringBuilder sb = new StringBuilder("scenario | margins 0.5 0.97 1.03 2 10 100 (right/wrong %)\n");
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%-40s", r.name()));
            for (int i = 0; i < MARGINS.length; i++) {
                sb.append(String.format(Locale.ROOT, " %5.1f/%4.1f", 100 * r.right()[i], 100 * r.wrong()[i]));
            }
            sb.append('\n');
        }
        System.out.print(sb);
    }
}
