package io.iocert.certifier.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iocert.spec.Statistic;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class EstimatorsTest {

    private static Statistic stat(String name) {
        return Statistic.parse(name).orElseThrow();
    }

    @Test
    void shouldTakeNearestRankQuantileOfIntervals() {
        double[] v = {5, 1, 4, 2, 3};
        assertEquals(1, Estimators.fromValues(v, stat("p10")));
        assertEquals(1, Estimators.fromValues(v, stat("p20")));
        assertEquals(2, Estimators.fromValues(v, stat("p21")));
        assertEquals(3, Estimators.fromValues(v, stat("median")));
        assertEquals(5, Estimators.fromValues(v, stat("p99.9")));
        assertEquals(1, Estimators.fromValues(v, stat("min")));
        assertEquals(5, Estimators.fromValues(v, stat("max")));
    }

    @Test
    void shouldComputeSampleStddevAndCvOfIntervals() {
        double[] v = {2, 4, 4, 4, 5, 5, 7, 9};
        assertEquals(5.0, Estimators.fromValues(v, stat("mean")), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7), Estimators.fromValues(v, stat("stddev")), 1e-12);
        assertEquals(Math.sqrt(32.0 / 7) / 5, Estimators.fromValues(v, stat("cv")), 1e-12);
    }

    @Test
    void shouldReadPercentilesFromHistogramWithinItsPrecision() {
        Histogram h = new Histogram(3);
        for (long i = 1; i <= 10_000; i++) {
            h.recordValue(i * 1000);
        }
        assertEquals(9_900_000, Estimators.fromHistogram(h, stat("p99")), 9_900_000 * 0.001);
        assertEquals(5_000_000, Estimators.fromHistogram(h, stat("p50")), 5_000_000 * 0.001);
        assertEquals(5_000_500, Estimators.fromHistogram(h, stat("mean")), 5_000_500 * 0.001);
    }
}
