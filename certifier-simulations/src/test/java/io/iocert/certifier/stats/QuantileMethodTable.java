package io.iocert.certifier.stats;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The wider simulation table behind docs/statistics.md ("What the present method settles"): not
 * part of the build (its name is not a test's), run on demand:
 * {@code mvn -pl certifier-simulations -am test -Dtest=QuantileMethodTable -Dsurefire.failIfNoSpecifiedTests=false -Diocert.table=abcdefg}
 * ({@code -Diocert.runs=2000} for ten times the runs per row, where a cell's standard error matters)
 * (a: issue 12's scenarios; b: stall modes and dips; c: isolated outliers; d: strong drift and
 * stall modes at the quantile; e: interval rates that climb during the run; f: platform hiccups whose share varies; g: four rounds combined, as adaptive probing combines them; h: one round of 2.5 s, 16 time blocks).
 */
class QuantileMethodTable {
    @Test
    void table() {
        String groups = System.getProperty("iocert.table", "abc");
        List<VerdictSimulationTest.Row> rows = new ArrayList<>();
        if (groups.contains("a")) {
            for (double q : new double[] {0.5, 0.9, 0.99}) {
                rows.add(row("independent", Scenarios.of(Synthetic.independent(0.03)), 2_000, q, 1));
                rows.add(row("short stalls (runs of 3)", Scenarios.of(Synthetic.bursty(0.03, 3)), 2_000, q, 2));
                rows.add(row("short stalls (runs of 5)", Scenarios.of(Synthetic.bursty(0.03, 5)), 2_000, q, 3));
                rows.add(row("trend +-10%", Scenarios.trend(0.1), 2_000, q, 4));
                rows.add(row("16 level shifts, sd 10%", Scenarios.shifts(0.1), 2_000, q, 5));
            }
            rows.add(intervals("independent intervals", Scenarios.ar1(0, 0.1), 300, 0.1, 6));
            rows.add(intervals("AR(1) 0.9 intervals", Scenarios.ar1(0.9, 0.1), 300, 0.1, 7));
        }
        if (groups.contains("b")) {
            for (double q : new double[] {0.5, 0.9}) {
                rows.add(row("stalls 15% runs 5", Scenarios.of(Synthetic.bursty(0.15, 5)), 2_000, q, 21));
                rows.add(row("stalls 15% runs 20", Scenarios.of(Synthetic.bursty(0.15, 20)), 2_000, q, 22));
                rows.add(row("stalls 12% runs 20", Scenarios.of(Synthetic.bursty(0.12, 20)), 10_000, q, 23));
            }
            rows.add(intervals("dips 15% runs 10", Scenarios.dips(0.15, 10, 0.1), 300, 0.1, 24));
            rows.add(intervals("dips 12% runs 30", Scenarios.dips(0.12, 30, 0.1), 300, 0.1, 25));
            rows.add(intervals("dips 5% runs 5", Scenarios.dips(0.05, 5, 0.1), 300, 0.1, 26));
            rows.add(intervals("dips 5% runs 5", Scenarios.dips(0.05, 5, 0.1), 300, 0.5, 27));
        }
        if (groups.contains("c")) {
            rows.add(intervals(
                    "AR(1) 0.9, 1 in 300 at /10",
                    Scenarios.withOutliers(Scenarios.ar1(0.9, 0.1), 1 / 300.0, 10),
                    300,
                    0.1,
                    31));
            rows.add(intervals(
                    "AR(1) 0.9, 1 in 100 at /10",
                    Scenarios.withOutliers(Scenarios.ar1(0.9, 0.1), 1 / 100.0, 10),
                    300,
                    0.1,
                    32));
            rows.add(row("shifts 30%, 2e-4 at x150", Scenarios.shiftsWithOutliers(0.3, 2e-4, 150), 30_000, 0.9, 33));
            rows.add(row("shifts 30%, 2e-4 at x150", Scenarios.shiftsWithOutliers(0.3, 2e-4, 150), 30_000, 0.5, 34));
        }
        if (groups.contains("d")) {
            for (double share : new double[] {0.09, 0.10, 0.11, 0.13}) {
                rows.add(
                        row("stalls " + share + " runs 20", Scenarios.of(Synthetic.bursty(share, 20)), 2_000, 0.9, 41));
                rows.add(row(
                        "stalls " + share + " runs 20", Scenarios.of(Synthetic.bursty(share, 20)), 20_000, 0.9, 42));
                rows.add(row(
                        "stalls " + share + " runs 100", Scenarios.of(Synthetic.bursty(share, 100)), 20_000, 0.9, 43));
            }
            rows.add(row("16 shifts, sd 50%", Scenarios.shifts(0.5), 20_000, 0.9, 44));
            rows.add(row("16 shifts, sd 50%", Scenarios.shifts(0.5), 20_000, 0.5, 45));
            rows.add(row("16 shifts, sd 50%", Scenarios.shifts(0.5), 120_000, 0.99, 46));
            rows.add(row("trend +-50%", Scenarios.trend(0.5), 120_000, 0.99, 47));
            rows.add(row("trend +-50%", Scenarios.trend(0.5), 20_000, 0.9, 48));
        }
        if (groups.contains("e")) {
            for (int n : new int[] {300, 400}) {
                rows.add(
                        intervals("rate trend +-33%, AR 0.5 sd 15%", Scenarios.rateTrend(0.33, 0.5, 0.15), n, 0.1, 51));
                rows.add(
                        intervals("rate trend +-33%, AR 0.9 sd 15%", Scenarios.rateTrend(0.33, 0.9, 0.15), n, 0.1, 52));
                rows.add(intervals("rate trend +-15%, AR 0.9 sd 10%", Scenarios.rateTrend(0.15, 0.9, 0.1), n, 0.1, 53));
            }
            rows.add(intervals("rate trend +-33%, AR 0.5 sd 15%", Scenarios.rateTrend(0.33, 0.5, 0.15), 300, 0.5, 54));
            rows.add(intervals("dips 5% runs 5", Scenarios.dips(0.05, 5, 0.1), 400, 0.1, 55));
            rows.add(intervals(
                    "AR(1) 0.9, 1 in 100 at /10",
                    Scenarios.withOutliers(Scenarios.ar1(0.9, 0.1), 1 / 100.0, 10),
                    400,
                    0.1,
                    56));
        }
        if (groups.contains("f")) {
            for (int n : new int[] {2_000, 6_000, 20_000}) {
                rows.add(row("hiccups 1.5%, share varying", Scenarios.modulatedHiccups(0.015), n, 0.99, 61));
            }
            rows.add(row("hiccups 0.5%, share varying", Scenarios.modulatedHiccups(0.005), 6_000, 0.99, 62));
            rows.add(row("hiccups 1.5%, share varying", Scenarios.modulatedHiccups(0.015), 6_000, 0.9, 63));
        }
        if (groups.contains("g")) {
            // Four rounds combined: up to 64 time blocks, as a run of ./iocert that needed every look.
            for (double q : new double[] {0.5, 0.9, 0.99}) {
                rows.add(row(
                        "4 rounds: independent",
                        Scenarios.rounds(Scenarios.of(Synthetic.independent(0.03)), 4),
                        2_000,
                        q,
                        71));
                rows.add(row(
                        "4 rounds: short stalls (runs of 5)",
                        Scenarios.rounds(Scenarios.of(Synthetic.bursty(0.03, 5)), 4),
                        2_000,
                        q,
                        72));
                rows.add(row(
                        "4 rounds: short stalls (runs of 20)",
                        Scenarios.rounds(Scenarios.of(Synthetic.bursty(0.03, 20)), 4),
                        8_000,
                        q,
                        73));
                rows.add(row("4 rounds: trend +-10%", Scenarios.rounds(Scenarios.trend(0.1), 4), 2_000, q, 74));
                rows.add(row("4 rounds: 16 shifts, sd 10%", Scenarios.rounds(Scenarios.shifts(0.1), 4), 2_000, q, 75));
            }
            rows.add(row(
                    "4 rounds: stall mode 15% (runs of 20)",
                    Scenarios.rounds(Scenarios.of(Synthetic.bursty(0.15, 20)), 4), 8_000, 0.9, 76));
            rows.add(row("4 rounds: 16 shifts, sd 50%", Scenarios.rounds(Scenarios.shifts(0.5), 4), 20_000, 0.9, 77));
            rows.add(row(
                    "4 rounds: hiccups 1.5%", Scenarios.rounds(Scenarios.modulatedHiccups(0.015), 4), 6_000, 0.99, 78));
            rows.add(row(
                    "4 rounds: hiccups 0.5%", Scenarios.rounds(Scenarios.modulatedHiccups(0.005), 4), 6_000, 0.99, 79));
        }
        if (groups.contains("h")) {
            // One round of 2.5 s: exactly 16 time blocks, as a real probe's round often keeps, so the
            // design effect comes from overlapping windows of two blocks (the n column is ignored).
            long round = 2_500_000_000L;
            for (double q : new double[] {0.9, 0.99}) {
                rows.add(row("2.5 s: independent", Scenarios.timed(Synthetic.independent(0.03), round), 0, q, 81));
                rows.add(row(
                        "2.5 s: short stalls (runs of 3)",
                        Scenarios.timed(Synthetic.bursty(0.03, 3), round),
                        0,
                        q,
                        82));
                rows.add(row(
                        "2.5 s: short stalls (runs of 5)",
                        Scenarios.timed(Synthetic.bursty(0.03, 5), round),
                        0,
                        q,
                        83));
            }
            rows.add(row(
                    "2.5 s: stall mode 15% (runs of 5)",
                    Scenarios.timed(Synthetic.bursty(0.15, 5), round), 0, 0.9, 84));
            rows.add(row(
                    "2.5 s: stall mode 15% (runs of 20)",
                    Scenarios.timed(Synthetic.bursty(0.15, 20), round), 0, 0.9, 85));
            rows.add(row(
                    "2.5 s: stalls 11% (runs of 20)", Scenarios.timed(Synthetic.bursty(0.11, 20), round), 0, 0.9, 86));
            rows.add(row("2.5 s: independent", Scenarios.timed(Synthetic.independent(0.03), round), 0, 0.5, 87));
        }
        VerdictSimulationTest.printAlways(rows);
    }

    private static VerdictSimulationTest.Row row(String name, Scenarios.Source src, int n, double q, long seed) {
        return VerdictSimulationTest.row(name, src, n, q, false, seed);
    }

    private static VerdictSimulationTest.Row intervals(String name, Scenarios.Source src, int n, double q, long seed) {
        return VerdictSimulationTest.row(name, src, n, q, true, seed);
    }
}
