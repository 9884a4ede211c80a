package io.iocert.certifier.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.compare.AndersonDarling.Bound;
import io.iocert.certifier.compare.AndersonDarling.Outcome;
import io.iocert.certifier.compare.AndersonDarling.Tally;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AndersonDarlingTest {

    /**
     * The worked example of Scholz and Stephens (1987), section 5: smoothness of paper measured
     * in four laboratories, eight values each (data from Lehmann 1975), with ties (34.0 twice
     * across samples, 34.8 twice, 43.0 twice). The paper reports A2akN = 8.3926 and
     * sigmaN = 1.2038, so T = (8.3926 - 3) / 1.2038 = 4.48; the R package kSamples (by Scholz)
     * gives the asymptotic p-value 0.0022 for it, from a finer table than the paper's.
     */
    @Test
    void shouldReproduceThePublishedPaperSmoothnessExample() {
        Outcome o = AndersonDarling.test(List.of(
                Tally.of(38.7, 41.5, 43.8, 44.5, 45.5, 46.0, 47.7, 58.0),
                Tally.of(39.2, 39.3, 39.7, 41.4, 41.8, 42.9, 43.3, 45.8),
                Tally.of(34.0, 35.0, 39.0, 40.0, 43.0, 43.0, 44.0, 45.0),
                Tally.of(34.0, 34.8, 34.8, 35.4, 37.2, 37.8, 41.2, 42.8)));
        assertEquals(8.3926, o.statistic(), 5e-5);
        assertEquals(1.2038, o.sigma(), 5e-5);
        assertEquals(4.480, o.standardized(), 5e-4);
        assertEquals(4, o.k());
        assertEquals(32, o.n());
        // Below the paper's smallest tabulated level (0.01): extrapolated, near kSamples' 0.0022.
        assertEquals(Bound.APPROXIMATE, o.bound());
        assertTrue(o.pValue() > 0.001 && o.pValue() < 0.005, "p = " + o.pValue());
    }

    /**
     * {1, 2} against {3, 4}, by hand: pooled N = 4, every l_j = 1, B_aj = 0.5, 1.5, 2.5, 3.5,
     * denominators B(4 - B) - 1 = 0.75, 2.75, 2.75, 0.75. Sample one has M_a = 0.5, 1.5, 2, 2,
     * so (4 M_a - 2 B_a)^2 = 1, 9, 9, 1 and its sum is 1/0.75 + 9/2.75 + 9/2.75 + 1/0.75 = 304/33;
     * sample two gives the same by symmetry. A2akN = (3/16) * (1/2) * 2 * 304/33 = 19/11.
     */
    @Test
    void shouldComputeTheStatisticOfASmallCaseByHand() {
        Outcome o = AndersonDarling.test(List.of(Tally.of(1, 2), Tally.of(3, 4)));
        assertEquals(19.0 / 11.0, o.statistic(), 1e-12);
    }

    @Test
    void shouldGiveZeroForIdenticalSamplesOfEqualSize() {
        Outcome o = AndersonDarling.test(List.of(Tally.of(1, 2, 2, 3, 9), Tally.of(9, 3, 2, 2, 1)));
        assertEquals(0.0, o.statistic(), 1e-12);
        assertEquals(Bound.ABOVE, o.bound());
        assertEquals(0.25, o.pValue());
    }

    @Test
    void shouldTreatCountsAsRepeatedObservations() {
        Tally expanded = Tally.of(5, 5, 5, 7, 7, 10);
        Tally counted = new Tally(new double[] {5, 7, 10}, new long[] {3, 2, 1});
        Tally other = Tally.of(4, 5, 6, 7, 8, 11, 12);
        assertEquals(
                AndersonDarling.test(List.of(expanded, other)).statistic(),
                AndersonDarling.test(List.of(counted, other)).statistic(),
                1e-12);
    }

    @Test
    void shouldNotDependOnTheOrderOfSamples() {
        Tally a = Tally.of(1, 3, 3, 8, 12);
        Tally b = Tally.of(2, 3, 5, 7, 7, 7, 20);
        assertEquals(
                AndersonDarling.test(List.of(a, b)).statistic(),
                AndersonDarling.test(List.of(b, a)).statistic(),
                1e-12);
    }

    /** Critical values of the paper's Table 1 interpolation for m = 1 (two samples). */
    @Test
    void shouldUseThePublishedCriticalValuesForTwoSamples() {
        assertEquals(0.675 - 0.245 - 0.105, AndersonDarling.critical(0, 1), 1e-12);
        assertEquals(1.645 + 0.678 - 0.362, AndersonDarling.critical(2, 1), 1e-12);
        assertEquals(2.326 + 1.822 - 0.396, AndersonDarling.critical(4, 1), 1e-12);
    }

    @Test
    void shouldApproachTheLimitOfGForLargeSamples() {
        // Exact sum just below the switch, asymptotic form just above: they must agree closely.
        assertEquals(AndersonDarling.g(1_000_000), AndersonDarling.g(1_000_001), 1e-6);
        assertEquals(Math.PI * Math.PI / 6, AndersonDarling.g(100_000_000), 1e-6);
        assertEquals(AndersonDarling.harmonic(1_000_000), AndersonDarling.harmonic(1_000_001) - 1.0 / 1_000_001, 1e-12);
    }

    /**
     * Under the null hypothesis the 5% test rejects about 5% of the time; a 60% slower node is
     * found (about 95% power: the shift of log values, ln 1.6, is 0.37 of their standard deviation).
     */
    @Test
    void shouldHoldItsLevelUnderTheNullAndFindASlowerDistribution() {
        SplittableRandom rnd = new SplittableRandom(42);
        int runs = 400;
        int rejected = 0;
        int found = 0;
        for (int r = 0; r < runs; r++) {
            double[] a = new double[200];
            double[] b = new double[200];
            double[] c = new double[200];
            for (int i = 0; i < 200; i++) {
                a[i] = Math.round(-Math.log(rnd.nextDouble()) * 100); // exponential, rounded: ties
                b[i] = Math.round(-Math.log(rnd.nextDouble()) * 100);
                c[i] = Math.round(-Math.log(rnd.nextDouble()) * 160); // every value 60% slower
            }
            if (AndersonDarling.test(List.of(Tally.of(a), Tally.of(b))).pValue() < 0.05) {
                rejected++;
            }
            if (AndersonDarling.test(List.of(Tally.of(a), Tally.of(c))).pValue() < 0.05) {
                found++;
            }
        }
        double level = (double) rejected / runs;
        assertTrue(level > 0.02 && level < 0.09, "rejection rate under the null: " + level);
        assertTrue(found > runs * 0.8, "power against a 60% slower distribution: " + found + "/" + runs);
    }

    @Test
    void shouldRefuseTooLittleData() {
        assertThrows(IllegalArgumentException.class, () -> AndersonDarling.test(List.of(Tally.of(1, 2))));
        assertThrows(IllegalArgumentException.class, () -> AndersonDarling.test(List.of(Tally.of(1), Tally.of(2))));
        assertThrows(IllegalArgumentException.class, () -> new Tally(new double[] {2, 1}, new long[] {1, 1}));
    }
}
