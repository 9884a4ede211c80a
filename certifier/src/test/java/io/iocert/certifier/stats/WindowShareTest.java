package io.iocert.certifier.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WindowShareTest {

    @Test
    void shouldGiveClopperPearsonsExactEndsForIndependentWindows() {
        // 0 of 20 and 20 of 20 have closed forms: 1 - 0.025^(1/20) and 0.025^(1/20).
        double[] none = WindowShare.clopperPearson(0, 20, 0.95);
        double[] all = WindowShare.clopperPearson(20, 20, 0.95);
        assertEquals(0, none[0]);
        assertEquals(1 - Math.pow(0.025, 1.0 / 20), none[1], 1e-9);
        assertEquals(Math.pow(0.025, 1.0 / 20), all[0], 1e-9);
        assertEquals(1, all[1]);
        // 7 of 10: the tabulated interval [0.3475, 0.9333].
        double[] seven = WindowShare.clopperPearson(7, 10, 0.95);
        assertEquals(0.3475, seven[0], 1e-4);
        assertEquals(0.9333, seven[1], 1e-4);
    }

    @Test
    void shouldSeeNoDependenceInAlternatingWindowsAndMuchInLongRuns() {
        boolean[] alternating = new boolean[40];
        boolean[] runs = new boolean[40];
        for (int i = 0; i < 40; i++) {
            alternating[i] = i % 2 == 0;
            runs[i] = (i / 10) % 2 == 0;
        }
        assertEquals(1, WindowShare.chainDesignEffect(alternating, 40));
        // Runs of 10: each state is left with probability about 1/10, lambda about 0.8, d about 9.
        double d = WindowShare.chainDesignEffect(runs, 40);
        assertTrue(d > 6 && d < 12, "design effect " + d);
        assertEquals(1, WindowShare.chainDesignEffect(new boolean[] {true, true, true}, 3));
    }

    @Test
    void shouldWidenTheIntervalWhenIntervalValuesPersistAcrossWindows() {
        // The same 30 of 30 windows met, once from independent values and once from a slow wave.
        int m = 10;
        double[] noise = new double[300];
        double[] wave = new double[300];
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        double x = 0;
        for (int i = 0; i < 300; i++) {
            noise[i] = 100 + r.nextDouble();
            x = 0.97 * x + r.nextDouble() - 0.5;
            wave[i] = 100 + x;
        }
        WindowShare.Estimate independent = WindowShare.of(noise, m, v -> true, 0.95);
        WindowShare.Estimate persistent = WindowShare.of(wave, m, v -> true, 0.95);
        assertEquals(30, independent.met());
        assertTrue(independent.designEffect() < 1.6, "design effect " + independent.designEffect());
        assertTrue(persistent.designEffect() > 3, "design effect " + persistent.designEffect());
        assertTrue(persistent.low() < independent.low());
    }

    @Test
    void shouldCountOnlyCompleteWindowsWithUsableValues() {
        double[] v = {1, 1, 1, Double.NaN, 1, 1, 1};
        WindowShare.Estimate e = WindowShare.of(v, 2, w -> true, 0.95);
        assertEquals(2, e.windows()); // [1,1] [1,NaN] [1,1] then a partial window
    }
}
