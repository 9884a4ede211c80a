package io.iocert.certifier.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iocert.spec.Statistic;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class EstimatorsTest {

    private static Statistic stat(String name) {
        return Statistic.parse(name).orElseThrow();
    }

    private static double point(double[] values, Statistic s) {
        return Estimators.estimate(new Sample.OfValues(values), s, 0.95).value();
    }

    private static double point(Histogram h, Statistic s) {
        return Estimators.estimate(new Sample.OfHistogram(h, null), s, 0.95).value();
    }

    @Test
    void shouldTakeNearestRankQuantileOfIntervals() {
        double[] v = {5, 1, 4, 2, 3};
        assertEquals(1, point(v, stat("p10")));
        assertEquals(1, point(v, stat("p20")));
        assertEquals(2, point(v, stat("p21")));
        assertEquals(3, point(v, stat("median")));
        assertEquals(5, point(v, stat("p99.9")));
        assertEquals(1, point(v, stat("min")));
        assertEquals(5, point(v, stat("max")));
    }

    @Test
    void shouldComputeSampleStddevAndCvOfIntervals() {
        double[] v = {2, 4, 4, 4, 5, 5, 7, 9};
        assertEquals(5.0, point(v, stat("mean")), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7), point(v, stat("stddev")), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7) / 5, point(v, stat("cv")), 1e-12);
    }

    @Test
    void shouldReadPercentilesFromHistogramWithinItsPrecision() {
        Histogram h = new Histogram(3);
        for (long i = 1; i <= 10_000; i++) {
            h.recordValue(i * 1000);
        }
        assertEquals(9_900_000, point(h, stat("p99")), 9_900_000 * 0.001);
        assertEquals(5_000_000, point(h, stat("p50")), 5_000_000 * 0.001);
        assertEquals(5_000_500, point(h, stat("mean")), 5_000_500 * 0.001);
    }
}
