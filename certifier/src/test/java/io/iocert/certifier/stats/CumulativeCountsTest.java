package io.iocert.certifier.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The index must give HdrHistogram's own answers, bucket for bucket: the certifier's figures
 * and verdicts do not change with it. Every histogram is asked at the percentiles the
 * estimators derive from ranks (100 r / n), right at and next to every bucket's cumulative
 * count, where an index one bucket off would answer differently, and for counts at and next to
 * every bucket's edges.
 */
class CumulativeCountsTest {

    @Test
    void shouldAnswerTheBucketWhoseCumulativeCountFirstReachesTheRank() {
        Histogram h = new Histogram(3);
        h.recordValueWithCount(10, 3);
        h.recordValueWithCount(1_000_000, 2);
        CumulativeCounts c = new CumulativeCounts(h);
        assertEquals(10, c.valueAtPercentile(100.0 * 3 / 5));
        assertEquals(h.highestEquivalentValue(1_000_000), c.valueAtPercentile(100.0 * 4 / 5));
        assertEquals(h.highestEquivalentValue(1_000_000), c.valueAtPercentile(100));
        assertEquals(10, c.valueAtPercentile(0));
        assertEquals(0, c.countAtOrBelow(9));
        assertEquals(3, c.countAtOrBelow(10));
        assertEquals(3, c.countAtOrBelow(h.lowestEquivalentValue(1_000_000) - 1));
        assertEquals(5, c.countAtOrBelow(h.lowestEquivalentValue(1_000_000)));
    }

    @Test
    void shouldAnswerZeroForAnEmptyHistogram() {
        Histogram h = new Histogram(2);
        CumulativeCounts c = new CumulativeCounts(h);
        for (double p : new double[] {0, 1e-9, 50, 99.99, 100}) {
            assertEquals(h.getValueAtPercentile(p), c.valueAtPercentile(p), "p" + p);
        }
        assertEquals(0, c.countAtOrBelow(0));
        assertEquals(0, c.countAtOrBelow(1_000_000));
    }

    static Stream<Arguments> histograms() {
        List<Arguments> list = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(20261203);
        for (int digits : new int[] {0, 1, 2, 3, 4, 5}) {
            list.add(Arguments.of("one value, " + digits + " digits", one(digits, 12_345, 1)));
            list.add(Arguments.of("one value many times, " + digits + " digits", one(digits, 7, 1_000_003)));
            list.add(Arguments.of("zeros, " + digits + " digits", one(digits, 0, 17)));
            // Beyond 3 digits (iocert records with 3) every bucket asked takes HdrHistogram a
            // walk over tens of thousands: one round there.
            for (int round = 0; round < (digits <= 3 ? 4 : 1); round++) {
                int n = 1 + random.nextInt(round == 0 ? 10 : 50_000);
                list.add(Arguments.of("uniform n=" + n + ", " + digits + " digits", uniform(digits, n, random)));
                list.add(
                        Arguments.of("log-normal n=" + n + ", " + digits + " digits", logNormal(digits, 1, n, random)));
                list.add(Arguments.of("two modes n=" + n + ", " + digits + " digits", twoModes(digits, n, random)));
                list.add(Arguments.of(
                        "huge counts, " + digits + " digits", hugeCounts(digits, 1 + random.nextInt(40), random)));
            }
        }
        list.add(Arguments.of(
                "log-normal, lowest discernible 1000", logNormal(3, 1000, 20_000, new SplittableRandom(7))));
        list.add(Arguments.of("log-normal, 5 digits", logNormal(5, 1, 3_000, new SplittableRandom(11))));
        return list.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histograms")
    void shouldGiveHdrHistogramsValueAtEveryPercentileAsked(String name, Histogram h) {
        CumulativeCounts c = new CumulativeCounts(h);
        long n = h.getTotalCount();
        List<Double> percentiles = new ArrayList<>(List.of(0.0, -0.0, 1e-12, 0.1, 1.0, 10.0, 50.0, 90.0, 99.0));
        percentiles.addAll(List.of(99.9, 99.99, 100.0, Math.nextDown(100.0), Math.nextUp(0.0), 100.5, -3.0));
        // Ranks as Sample.atRank turns them into percentiles: at each bucket's cumulative count
        // and next to it, every rank of a small histogram, and some random ones.
        List<Long> ranks = new ArrayList<>();
        long below = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            below += v.getCountAtValueIteratedTo();
            ranks.add(below - 1);
            ranks.add(below);
            ranks.add(below + 1);
        }
        for (long r = 1; r <= Math.min(n, 2_000); r++) {
            ranks.add(r);
        }
        SplittableRandom random = new SplittableRandom(n);
        for (int i = 0; i < 500; i++) {
            ranks.add(1 + random.nextLong(Math.max(1, n)));
            percentiles.add(100 * random.nextDouble());
        }
        for (long r : ranks) {
            long clamped = Math.max(1, Math.min(n, r));
            percentiles.add(Math.min(100.0, 100.0 * clamped / n));
        }
        for (double p : percentiles) {
            assertEquals(h.getValueAtPercentile(p), c.valueAtPercentile(p), () -> name + ": p" + p);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("histograms")
    void shouldGiveHdrHistogramsCountAtOrBelowEveryValueAsked(String name, Histogram h) {
        CumulativeCounts c = new CumulativeCounts(h);
        List<Long> values = new ArrayList<>(List.of(0L, 1L, h.getMaxValue(), h.getMaxValue() + 1));
        for (HistogramIterationValue v : h.recordedValues()) {
            long high = v.getValueIteratedTo();
            long low = h.lowestEquivalentValue(high);
            values.addAll(List.of(Math.max(0, low - 1), low, high, high + 1));
        }
        SplittableRandom random = new SplittableRandom(h.getTotalCount());
        for (int i = 0; i < 500; i++) {
            values.add(random.nextLong(h.getMaxValue() + 2));
        }
        for (long v : values) {
            assertEquals(h.getCountBetweenValues(0, v), c.countAtOrBelow(v), () -> name + ": at or below " + v);
        }
    }

    private static Histogram one(int digits, long value, long count) {
        Histogram h = new Histogram(digits);
        h.recordValueWithCount(value, count);
        return h;
    }

    private static Histogram uniform(int digits, int n, SplittableRandom random) {
        Histogram h = new Histogram(digits);
        for (int i = 0; i < n; i++) {
            h.recordValue(random.nextLong(1_000_000));
        }
        return h;
    }

    private static Histogram logNormal(int digits, long lowest, int n, SplittableRandom random) {
        Histogram h = new Histogram(lowest, 2 * lowest, digits);
        h.setAutoResize(true);
        for (int i = 0; i < n; i++) {
            h.recordValue((long) Math.exp(11 + 1.5 * gaussian(random)));
        }
        return h;
    }

    /** Calm operations around 50 us and stalls around 20 ms, about one in a hundred. */
    private static Histogram twoModes(int digits, int n, SplittableRandom random) {
        Histogram h = new Histogram(digits);
        for (int i = 0; i < n; i++) {
            double centre = random.nextInt(100) == 0 ? 20_000_000 : 50_000;
            h.recordValue((long) (centre * Math.exp(0.2 * gaussian(random))));
        }
        return h;
    }

    /** A few buckets holding counts near 2^50 each, where doubles cannot hold every count. */
    private static Histogram hugeCounts(int digits, int buckets, SplittableRandom random) {
        Histogram h = new Histogram(digits);
        for (int i = 0; i < buckets; i++) {
            h.recordValueWithCount(random.nextLong(10_000_000_000L), (1L << 50) + random.nextLong(1L << 40));
        }
        return h;
    }

    private static double gaussian(SplittableRandom random) {
        double u = 1 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }
}
