package io.iocert.certifier.stats;

import io.iocert.results.BlockSeries;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * The observations of one measurement as the estimators see them: the values in order (by
 * rank), their moments, and the <em>batches</em> they fall into in time. Batches are the unit
 * for dependence: consecutive time blocks of per-operation values, or runs of consecutive
 * interval values. Values within a batch may be correlated; the estimators assume batches are
 * roughly independent of each other.
 */
public abstract sealed class Sample {

    /** Fewer batches than this cannot tell how the values cluster: the estimators then assume independence. */
    public static final int MIN_BATCHES = 8;

    /** At most this many batches of time blocks (a series of several rounds' blocks). */
    public static final int MAX_BATCHES = 16;

    /** Batches of time blocks hold at least this many blocks each (when there are more than MIN_BATCHES). */
    static final int BLOCKS_PER_BATCH = 2;

    /** One batch: its count, sum, sum of squares, and how many of its values are at or below a value. */
    public interface Batch {
        long n();

        double sum();

        double sumSquares();

        /**
         * The sum of how far values lie beyond {@code cut}: of {@code x - cut} over values above it
         * ({@code above}), else of {@code cut - x} over values below it.
         */
        double sumBeyond(double cut, boolean above);

        long countAtOrBelow(double x);

        /** The batch's own q-quantile (nearest rank; for histograms the highest value of its bucket). */
        double quantile(double q);

        /**
         * The batch's value of rank {@code rank} (1 = smallest, clamped to 1..n); for histograms
         * the bucket's highest value when {@code upper}, else its lowest.
         */
        double atRank(long rank, boolean upper);
    }

    /** The observations of {@code m}: its histogram, else its interval values; empty when it has neither. */
    public static Optional<Sample> of(Measurement m) {
        if (m.histogram() != null && m.histogram().getTotalCount() > 0) {
            return Optional.of(new OfHistogram(m.histogram(), m.blocks()));
        }
        IntervalSeries s = m.intervals();
        if (s != null) {
            double[] v = s.values().stream()
                    .filter(x -> x != null && !x.isNaN())
                    .mapToDouble(Double::doubleValue)
                    .toArray();
            if (v.length > 0) {
                return Optional.of(new OfValues(v));
            }
        }
        return Optional.empty();
    }

    /** How many observations. */
    public abstract long n();

    /** The point estimate of the q-quantile (q in (0, 1]). */
    public abstract double quantile(double q);

    /**
     * The value of rank {@code rank} (1 = smallest). Histogram values are known to a bucket:
     * {@code upper} asks for the bucket's highest value, else its lowest, so an interval built from
     * ranks errs wide, never narrow.
     */
    public abstract double atRank(long rank, boolean upper);

    /** The share of observations at or below {@code x}. */
    public abstract double fractionAtOrBelow(double x);

    /**
     * The highest value counted with {@code x} by {@link Batch#countAtOrBelow}: x itself for
     * interval values, the highest value of x's bucket for histograms.
     */
    public abstract double upperEdge(double x);

    /** The lowest value counted with {@code x}: x itself for interval values, the lowest value of x's bucket for histograms. */
    public abstract double lowerEdge(double x);

    public abstract double min();

    public abstract double max();

    /** Mean, variance (n - 1), and the third and fourth central moments (n). */
    public abstract Moments moments();

    /** The batches in time order; empty when the sample carries no time structure. */
    public abstract List<Batch> batches();

    /**
     * The time structure cut into {@code k} runs of consecutive time blocks (per-operation values)
     * or of consecutive intervals, as equal as the units allow; fewer when there are fewer units,
     * empty without time structure. Unlike {@link #batches()}, the count is the caller's: an
     * estimator that needs a given amount of data in every run chooses it.
     */
    public abstract List<Batch> sections(int k);

    /**
     * The finest time units the sample keeps, in time order: each time block (per-operation
     * values) or each interval; empty without time structure.
     */
    public abstract List<Batch> units();

    /**
     * For each of {@link #units()}, how many of its values are at or below {@code x}; kept for
     * the last few x asked (the separate-mode check and the far-cut bounds ask for the same cut).
     */
    public long[] unitCountsAtOrBelow(double x) {
        long[] known = unitCounts.get(x);
        if (known != null) {
            return known;
        }
        List<Batch> units = units();
        long[] counts = new long[units.size()];
        for (int j = 0; j < counts.length; j++) {
            counts[j] = units.get(j).countAtOrBelow(x);
        }
        if (unitCounts.size() >= 8) {
            unitCounts.clear();
        }
        unitCounts.put(x, counts);
        return counts;
    }

    private final java.util.Map<Double, long[]> unitCounts = new java.util.HashMap<>();

    /** Whether the batches describe this sample's time structure well enough to use. */
    public boolean hasBatches() {
        return batches().size() >= MIN_BATCHES;
    }

    /** Central moments of a sample. */
    public record Moments(double mean, double variance, double m3, double m4) {
        public double stddev() {
            return Math.sqrt(variance);
        }
    }

    /**
     * Per-operation values in an HdrHistogram, with optional time blocks. Ranks and shares are
     * looked up in each histogram's {@link CumulativeCounts}, built once per histogram (the whole
     * run's and each block's) and shared by every batch, section and unit that holds it; walking
     * the recorded values (slow: an iterator step per bucket) is left for the moments, computed
     * only when a statistic needs them.
     */
    static final class OfHistogram extends Sample {
        private final Histogram h;
        private final CumulativeCounts counts;
        private final List<Batch> batches;
        private final List<CumulativeCounts> blocks;
        private final java.util.Map<Integer, List<Batch>> sections = new java.util.HashMap<>();
        private final java.util.Map<Double, Double> quantiles = new java.util.HashMap<>();
        private Moments moments;

        OfHistogram(Histogram h, BlockSeries blocks) {
            this.h = h;
            this.counts = new CumulativeCounts(h);
            List<CumulativeCounts> nonEmpty = new ArrayList<>();
            if (blocks != null) {
                for (Histogram b : blocks.histograms()) {
                    if (b.getTotalCount() > 0) {
                        nonEmpty.add(new CumulativeCounts(b));
                    }
                }
            }
            // The blocks are grouped into runs of consecutive blocks, at least two blocks each, so a
            // burst that straddles a block boundary still mostly falls in one batch: MIN_BATCHES
            // runs for one round's blocks, more (up to MAX_BATCHES) for the longer series of
            // several rounds, so the design effects are estimated with more degrees of freedom.
            int k = nonEmpty.size();
            int runs = k < MIN_BATCHES ? 0 : Math.max(MIN_BATCHES, Math.min(MAX_BATCHES, k / BLOCKS_PER_BATCH));
            List<Batch> list = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                int from = (int) ((long) r * k / runs);
                int to = (int) ((long) (r + 1) * k / runs);
                list.add(new Joined(List.copyOf(nonEmpty.subList(from, to))));
            }
            this.batches = List.copyOf(list);
            this.blocks = List.copyOf(nonEmpty);
        }

        @Override
        public List<Batch> sections(int k) {
            int m = blocks.size();
            int runs = Math.max(0, Math.min(k, m));
            return sections.computeIfAbsent(runs, r -> {
                List<Batch> list = new ArrayList<>(r);
                for (int i = 0; i < r; i++) {
                    int from = (int) ((long) i * m / r);
                    int to = (int) ((long) (i + 1) * m / r);
                    list.add(new Joined(blocks.subList(from, to)));
                }
                return List.copyOf(list);
            });
        }

        @Override
        public List<Batch> units() {
            return sections(blocks.size());
        }

        @Override
        public long n() {
            return h.getTotalCount();
        }

        @Override
        public double quantile(double q) {
            // The estimators ask for the same few quantiles several times (the separate-mode
            // check, the order-statistic point, sectioning).
            return quantiles.computeIfAbsent(q, p -> (double) counts.valueAtPercentile(p * 100.0));
        }

        @Override
        public double atRank(long rank, boolean upper) {
            return Sample.atRank(counts, rank, upper);
        }

        @Override
        public double fractionAtOrBelow(double x) {
            return (double) countAtOrBelow(counts, x) / h.getTotalCount();
        }

        @Override
        public double upperEdge(double x) {
            return x < 0 ? x : h.highestEquivalentValue((long) Math.floor(x));
        }

        @Override
        public double lowerEdge(double x) {
            return x < 0 ? x : h.lowestEquivalentValue((long) Math.floor(x));
        }

        @Override
        public double min() {
            return h.getMinValue();
        }

        @Override
        public double max() {
            return h.getMaxValue();
        }

        @Override
        public Moments moments() {
            if (moments == null) {
                moments = momentsOf(h);
            }
            return moments;
        }

        @Override
        public List<Batch> batches() {
            return batches;
        }
    }

    /** Values in {@code c}'s histogram at or below {@code x}; the bucket holding x counts whole (its values are x at the histogram's precision). */
    static long countAtOrBelow(CumulativeCounts c, double x) {
        Histogram h = c.histogram();
        if (x < 0 || h.getTotalCount() == 0) {
            return 0;
        }
        if (x >= h.getMaxValue()) {
            return h.getTotalCount();
        }
        return c.countAtOrBelow((long) Math.floor(x));
    }

    /**
     * The value of rank {@code rank} (clamped to 1..n) in {@code c}'s histogram: the bucket found
     * as getValueAtPercentile finds it for the percentile 100 rank / n (the first bucket whose
     * cumulative count reaches it), its highest value when {@code upper}, else its lowest.
     */
    static double atRank(CumulativeCounts c, long rank, boolean upper) {
        Histogram h = c.histogram();
        long n = c.totalCount();
        long r = Math.max(1, Math.min(n, rank));
        long at = c.valueAtPercentile(Math.min(100.0, 100.0 * r / n));
        return upper ? h.highestEquivalentValue(at) : h.lowestEquivalentValue(at);
    }

    static Moments momentsOf(Histogram h) {
        long n = h.getTotalCount();
        double mean = h.getMean();
        double m2 = 0;
        double m3 = 0;
        double m4 = 0;
        for (HistogramIterationValue v : h.recordedValues()) {
            double d = h.medianEquivalentValue(v.getValueIteratedTo()) - mean;
            long c = v.getCountAtValueIteratedTo();
            m2 += c * d * d;
            m3 += c * d * d * d;
            m4 += c * d * d * d * d;
        }
        return new Moments(mean, n < 2 ? 0 : m2 / (n - 1), m3 / n, m4 / n);
    }

    /** Interval values (rates) in time order; runs of consecutive values form the batches. */
    static final class OfValues extends Sample {
        private final double[] inOrder;
        private final double[] sorted;
        private final List<Batch> batches;
        private List<Batch> units;

        OfValues(double[] inOrder) {
            this.inOrder = inOrder.clone();
            this.sorted = inOrder.clone();
            Arrays.sort(sorted);
            int n = inOrder.length;
            List<Batch> list = new ArrayList<>();
            // About sqrt(n) runs of consecutive values, at least MIN_BATCHES runs of at least two
            // values each; too few values for that give no batches (independence assumed).
            int runs = n >= 2 * MIN_BATCHES ? Math.max(MIN_BATCHES, (int) Math.floor(Math.sqrt(n))) : 0;
            int size = runs == 0 ? 0 : n / runs;
            for (int r = 0; r < runs; r++) {
                int from = r * size;
                int to = r == runs - 1 ? n : from + size;
                list.add(new ValuesBatch(this.inOrder, from, to));
            }
            this.batches = List.copyOf(list);
        }

        @Override
        public List<Batch> sections(int k) {
            int n = inOrder.length;
            int runs = Math.max(0, Math.min(k, n / 2));
            List<Batch> list = new ArrayList<>(runs);
            for (int r = 0; r < runs; r++) {
                list.add(new ValuesBatch(inOrder, (int) ((long) r * n / runs), (int) ((long) (r + 1) * n / runs)));
            }
            return list;
        }

        @Override
        public List<Batch> units() {
            // Asked for by every design effect (overlapping windows) and the far-cut counts.
            if (units == null) {
                List<Batch> list = new ArrayList<>(inOrder.length);
                for (int i = 0; i < inOrder.length; i++) {
                    list.add(new ValuesBatch(inOrder, i, i + 1));
                }
                units = List.copyOf(list);
            }
            return units;
        }

        @Override
        public long n() {
            return sorted.length;
        }

        @Override
        public double quantile(double q) {
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        @Override
        public double atRank(long rank, boolean upper) {
            return sorted[(int) Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        @Override
        public double fractionAtOrBelow(double x) {
            int lo = 0;
            int hi = sorted.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (sorted[mid] <= x) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return (double) lo / sorted.length;
        }

        @Override
        public double upperEdge(double x) {
            return x;
        }

        @Override
        public double lowerEdge(double x) {
            return x;
        }

        @Override
        public double min() {
            return sorted[0];
        }

        @Override
        public double max() {
            return sorted[sorted.length - 1];
        }

        @Override
        public Moments moments() {
            int n = sorted.length;
            double mean = 0;
            for (double x : sorted) {
                mean += x;
            }
            mean /= n;
            double m2 = 0;
            double m3 = 0;
            double m4 = 0;
            for (double x : sorted) {
                double d = x - mean;
                m2 += d * d;
                m3 += d * d * d;
                m4 += d * d * d * d;
            }
            return new Moments(mean, n < 2 ? 0 : m2 / (n - 1), m3 / n, m4 / n);
        }

        @Override
        public List<Batch> batches() {
            return batches;
        }
    }

    /** Consecutive blocks taken together as one batch; sums computed on first use. */
    private static final class Joined implements Batch {
        private final List<CumulativeCounts> parts;
        private final long n;
        private double sum = Double.NaN;
        private double sumSquares;
        private CumulativeCounts merged;

        Joined(List<CumulativeCounts> parts) {
            this.parts = parts;
            long count = 0;
            for (CumulativeCounts c : parts) {
                count += c.totalCount();
            }
            this.n = count;
        }

        @Override
        public long n() {
            return n;
        }

        @Override
        public double sum() {
            sums();
            return sum;
        }

        @Override
        public double sumSquares() {
            sums();
            return sumSquares;
        }

        private void sums() {
            if (!Double.isNaN(sum)) {
                return;
            }
            double s1 = 0;
            double s2 = 0;
            for (CumulativeCounts c : parts) {
                Histogram h = c.histogram();
                for (HistogramIterationValue v : h.recordedValues()) {
                    double x = h.medianEquivalentValue(v.getValueIteratedTo());
                    s1 += v.getCountAtValueIteratedTo() * x;
                    s2 += v.getCountAtValueIteratedTo() * x * x;
                }
            }
            sumSquares = s2;
            sum = s1;
        }

        @Override
        public double sumBeyond(double cut, boolean above) {
            double s1 = 0;
            for (CumulativeCounts c : parts) {
                Histogram h = c.histogram();
                for (HistogramIterationValue v : h.recordedValues()) {
                    double x = h.medianEquivalentValue(v.getValueIteratedTo());
                    double by = above ? x - cut : cut - x;
                    if (by > 0) {
                        s1 += v.getCountAtValueIteratedTo() * by;
                    }
                }
            }
            return s1;
        }

        @Override
        public long countAtOrBelow(double x) {
            long count = 0;
            for (CumulativeCounts c : parts) {
                count += Sample.countAtOrBelow(c, x);
            }
            return count;
        }

        @Override
        public double quantile(double q) {
            return merged().valueAtPercentile(q * 100.0);
        }

        @Override
        public double atRank(long rank, boolean upper) {
            return Sample.atRank(merged(), rank, upper);
        }

        private CumulativeCounts merged() {
            if (merged == null) {
                // One block needs no copy (and shares its counts with the unit holding it);
                // several are merged once and kept (sectioning asks each section for a quantile
                // per statistic judged).
                CumulativeCounts m = parts.get(0);
                if (parts.size() > 1) {
                    Histogram h = m.histogram().copy();
                    for (int i = 1; i < parts.size(); i++) {
                        h.add(parts.get(i).histogram());
                    }
                    m = new CumulativeCounts(h);
                }
                merged = m;
            }
            return merged;
        }
    }

    private record ValuesBatch(double[] values, int from, int to) implements Batch {
        @Override
        public long n() {
            return to - from;
        }

        @Override
        public double sum() {
            double s = 0;
            for (int i = from; i < to; i++) {
                s += values[i];
            }
            return s;
        }

        @Override
        public double sumSquares() {
            double s = 0;
            for (int i = from; i < to; i++) {
                s += values[i] * values[i];
            }
            return s;
        }

        @Override
        public double sumBeyond(double cut, boolean above) {
            double s = 0;
            for (int i = from; i < to; i++) {
                double by = above ? values[i] - cut : cut - values[i];
                if (by > 0) {
                    s += by;
                }
            }
            return s;
        }

        @Override
        public long countAtOrBelow(double x) {
            long c = 0;
            for (int i = from; i < to; i++) {
                if (values[i] <= x) {
                    c++;
                }
            }
            return c;
        }

        @Override
        public double quantile(double q) {
            return atRank((long) Math.ceil(q * (to - from)), true);
        }

        @Override
        public double atRank(long rank, boolean upper) {
            double[] v = Arrays.copyOfRange(values, from, to);
            Arrays.sort(v);
            return v[(int) Math.max(0, Math.min(v.length - 1, rank - 1))];
        }
    }
}
