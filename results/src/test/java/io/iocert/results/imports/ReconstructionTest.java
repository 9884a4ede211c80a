package io.iocert.results.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ReconstructionTest {

    @Test
    void shouldReproduceEveryPrintedPercentileAndTheExtremes() {
        List<Reconstruction.Point> points = List.of(
                new Reconstruction.Point(50, 1000),
                new Reconstruction.Point(90, 5000),
                new Reconstruction.Point(99, 20000),
                new Reconstruction.Point(99.9, 90000));
        for (long n : new long[] {7, 10, 999, 1000, 123457}) {
            Histogram h = Reconstruction.of(n, 100, 250000, points);
            assertEquals(n, h.getTotalCount(), "count " + n);
            assertEquals(100, h.getMinValue());
            assertEquals(h.highestEquivalentValue(250000), h.getMaxValue());
            if (n < 1000) {
                continue; // with a handful of values, exact min and max leave no room for every printed rank
            }
            for (Reconstruction.Point p : points) {
                assertEquals(
                        h.highestEquivalentValue(p.value()),
                        h.getValueAtPercentile(p.percent()),
                        "n=" + n + " p" + p.percent());
            }
        }
    }

    @Test
    void shouldInterpolateBetweenPrintedPercentiles() {
        Histogram h = Reconstruction.of(100_000, 0, 2000, List.of(new Reconstruction.Point(50, 1000)));
        double p25 = h.getValueAtPercentile(25);
        assertEquals(500, p25, 20, "halfway between min and p50");
    }
}
