package io.iocert.certifier.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Change points in the level of a series, in time order: where a volume's burst credits ran
 * out, where a node's p99 moved between certifications. The method, and the false-alarm rate it
 * keeps, are in {@code docs/statistics.md} ("Regimes and change points"); in short:
 *
 * <ul>
 *   <li><b>Test</b>: the CUSUM of deviations from the segment's mean, {@code max_k |S_k|}, over
 *   the segment's long-run standard deviation times {@code sqrt(n)}. Without a change it behaves
 *   as the largest excursion of a Brownian bridge, whose tail is Kolmogorov's
 *   {@code 2 sum (-1)^(j-1) exp(-2 j^2 c^2)}; a change makes it grow with {@code sqrt(n)}.</li>
 *   <li><b>Dependence</b>: consecutive values of a rate series are correlated (a disk's
 *   throughput in one interval predicts the next), which makes an ordinary CUSUM cry wolf. The
 *   long-run variance is the larger of a Bartlett-kernel estimate and the AR(1) plug-in
 *   {@code s_e^2 / (1 - phi)^2}, both from the segment's own residuals.</li>
 *   <li><b>Several changes</b>: binary segmentation. The whole series is tested at the stated
 *   rate; only if it rejects are the two sides tested again, each at the same critical value. So
 *   a series without any change is split with probability at most the stated rate (as far as the
 *   asymptotics hold; {@code ChangePointsTest} simulates it), and every split found is itself
 *   significant at that rate.</li>
 * </ul>
 *
 * <p>Each segment is reported with its mean and a confidence interval from its own long-run
 * variance (Student's t); each change with the difference of the neighbouring means and its
 * interval.
 */
public final class ChangePoints {
    private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

    private ChangePoints() {}

    /**
     * A run of the series without a detected change: values {@code [from, to)}, their mean,
     * and its two-sided interval at the confidence asked for.
     */
    public record Segment(int from, int to, double mean, double low, double high) {
        public int length() {
            return to - from;
        }
    }

    /**
     * A detected change between two neighbouring segments: at index {@code at} (the first value
     * of the later segment), the later mean minus the earlier, with its interval.
     */
    public record Change(int at, double shift, double low, double high) {}

    /** The segmentation of a series: segments in order, the changes between them, and the test's false-alarm rate. */
    public record Segmentation(List<Segment> segments, List<Change> changes, double falseAlarmRate) {
        public boolean changed() {
            return !changes.isEmpty();
        }

        /** The last segment: the regime the series ended in. */
        public Segment last() {
            return segments.get(segments.size() - 1);
        }
    }

    /**
     * Segments {@code x} at false-alarm rate {@code alpha} (the chance of reporting any change in
     * a series that has none), with segments of at least {@code minSegment} values and intervals
     * at {@code confidence}. Fewer than {@code 2 minSegment} values: one segment, no test.
     * Every test uses Kolmogorov's asymptotic critical value, right for the long interval series
     * of a probe; for a short series see {@link #detectShort}.
     */
    public static Segmentation detect(double[] x, double alpha, int minSegment, double confidence) {
        checkRate(alpha);
        double critical = kolmogorovQuantile(1 - alpha);
        return detect(x, alpha, minSegment, confidence, n -> critical);
    }

    /**
     * As {@link #detect}, for a short series whose values may be correlated from one to the next
     * (a node's statistic across weekly certifications): each test's critical value is the one
     * {@link ShortSeriesCalibration} simulated for that segment's length, the segment length
     * allowed and {@code alpha}, the largest over AR(1) correlations up to 0.6 with and without
     * independent noise, so the statistic's real distribution at small n (the long-run variance
     * estimated from a few values included) is what the rate is kept against. A segment longer
     * than {@value ShortSeriesCalibration#LONGEST} values is tested at the value for that length
     * (or Kolmogorov's, if larger): the long-run variance only improves with more values.
     */
    public static Segmentation detectShort(double[] x, double alpha, int minSegment, double confidence) {
        checkRate(alpha);
        int min = Math.max(2, minSegment);
        double asymptotic = kolmogorovQuantile(1 - alpha);
        int longest = ShortSeriesCalibration.LONGEST;
        return detect(
                x,
                alpha,
                minSegment,
                confidence,
                n -> n > longest
                        ? Math.max(asymptotic, ShortSeriesCalibration.critical(longest, min, alpha))
                        : ShortSeriesCalibration.critical(n, min, alpha));
    }

    private static void checkRate(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("false-alarm rate must lie in (0, 1): " + alpha);
        }
    }

    private static Segmentation detect(
            double[] x, double alpha, int minSegment, double confidence, IntToDoubleFunction criticalForLength) {
        int min = Math.max(2, minSegment);
        List<int[]> cuts = new ArrayList<>();
        split(x, 0, x.length, min, criticalForLength, cuts);
        cuts.sort(Comparator.comparingInt(c -> c[0]));
        List<Segment> segments = new ArrayList<>();
        for (int[] c : cuts) {
            segments.add(summarize(x, c[0], c[1], confidence));
        }
        List<Change> changes = new ArrayList<>();
        double z = NORMAL.inverseSurvivalProbability((1 - confidence) / 2);
        for (int i = 1; i < segments.size(); i++) {
            Segment a = segments.get(i - 1);
            Segment b = segments.get(i);
            double seA = (a.high() - a.mean()) / tCritical(a.length(), confidence);
            double seB = (b.high() - b.mean()) / tCritical(b.length(), confidence);
            double half = z * Math.sqrt(seA * seA + seB * seB);
            double shift = b.mean() - a.mean();
            changes.add(new Change(b.from(), shift, shift - half, shift + half));
        }
        return new Segmentation(List.copyOf(segments), List.copyOf(changes), alpha);
    }

    /** Binary segmentation of {@code [from, to)}: cuts appended as {from, to} pairs. */
    private static void split(
            double[] x, int from, int to, int min, IntToDoubleFunction criticalForLength, List<int[]> out) {
        int n = to - from;
        Candidate c = n < 2 * min ? null : candidate(x, from, to, min);
        if (c == null || !(c.statistic() > criticalForLength.applyAsDouble(n))) {
            out.add(new int[] {from, to});
            return;
        }
        split(x, from, c.at(), min, criticalForLength, out);
        split(x, c.at(), to, min, criticalForLength, out);
    }

    /** The most likely split of a segment and its test statistic. */
    record Candidate(int at, double statistic) {}

    /**
     * The split of {@code x[from, to)} with the largest CUSUM, segments of at least {@code min}
     * values each side, and the statistic {@code max |S_k| / (sd sqrt(n))}; null when no split
     * leaves {@code min} values each side.
     */
    static Candidate candidate(double[] x, int from, int to, int min) {
        int n = to - from;
        double mean = mean(x, from, to);
        double s = 0;
        double best = -1;
        int at = -1;
        for (int k = 1; k < n; k++) {
            s += x[from + k - 1] - mean;
            if (k >= min && n - k >= min && Math.abs(s) > best) {
                best = Math.abs(s);
                at = from + k;
            }
        }
        if (at < 0) {
            return null;
        }
        // The long-run variance from the residuals of the two-segment fit at the candidate
        // split: with one mean for the whole, a real step would pass for strong autocorrelation
        // and hide itself. Without a change the split removes little, so the test keeps its size
        // (ChangePointsTest).
        double left = mean(x, from, at);
        double right = mean(x, at, to);
        double[] residuals = new double[n];
        for (int i = from; i < to; i++) {
            residuals[i - from] = x[i] - (i < at ? left : right);
        }
        double sd = Math.sqrt(longRunVariance(residuals, 0, n, 0));
        double statistic = sd > 0 ? best / (sd * Math.sqrt(n)) : (best > 0 ? Double.POSITIVE_INFINITY : 0);
        return new Candidate(at, statistic);
    }

    /** The mean of {@code x[from, to)} with its interval at {@code confidence} (Student's t on the long-run variance). */
    public static Segment summarize(double[] x, int from, int to, double confidence) {
        int n = to - from;
        double mean = mean(x, from, to);
        if (n < 2) {
            return new Segment(from, to, mean, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        }
        double half = tCritical(n, confidence) * Math.sqrt(longRunVariance(x, from, to, mean) / n);
        return new Segment(from, to, mean, mean - half, mean + half);
    }

    private static double tCritical(int n, double confidence) {
        return TDistribution.of(Math.max(1, n - 1)).inverseSurvivalProbability((1 - confidence) / 2);
    }

    private static double mean(double[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i];
        }
        return s / (to - from);
    }

    /**
     * The long-run variance of {@code x[from, to)} around {@code mean}: the larger of the
     * Bartlett-kernel estimate (bandwidth {@code n^(1/3)}) and the AR(1) plug-in, never below
     * the plain variance.
     */
    static double longRunVariance(double[] x, int from, int to, double mean) {
        int n = to - from;
        double g0 = 0;
        for (int i = from; i < to; i++) {
            double d = x[i] - mean;
            g0 += d * d;
        }
        g0 /= n;
        if (n < 3 || g0 == 0) {
            return g0;
        }
        int bandwidth = Math.max(1, (int) Math.floor(Math.cbrt(n)));
        double bartlett = g0;
        double g1 = 0;
        for (int h = 1; h <= Math.min(bandwidth, n - 1); h++) {
            double g = 0;
            for (int i = from + h; i < to; i++) {
                g += (x[i] - mean) * (x[i - h] - mean);
            }
            g /= n;
            if (h == 1) {
                g1 = g;
            }
            bartlett += 2 * (1 - h / (bandwidth + 1.0)) * g;
        }
        // AR(1) plug-in: phi from the lag-1 autocorrelation (kept in [0, 0.97] so a nearly
        // integrated series does not give an unbounded variance), innovations' variance
        // g0 (1 - phi^2), long-run variance g0 (1 - phi^2) / (1 - phi)^2 = g0 (1 + phi) / (1 - phi).
        // The lag-1 estimate is biased low by about (1 + 3 phi) / n (Kendall); correct it, since
        // an underestimated phi is what makes a CUSUM on an autocorrelated series cry wolf.
        double raw = g1 / g0;
        double phi = Math.max(0, Math.min(0.97, raw + (1 + 3 * Math.max(0, raw)) / n));
        double ar1 = g0 * (1 + phi) / (1 - phi);
        return Math.max(g0, Math.max(bartlett, ar1));
    }

    /** P(sup |B(t)| > c) for a Brownian bridge B: Kolmogorov's distribution's survival function. */
    static double kolmogorovSurvival(double c) {
        if (c <= 0) {
            return 1;
        }
        if (c < 0.2) {
            return 1; // the alternating series converges slowly here and the answer is 1 to many digits
        }
        double s = 0;
        for (int j = 1; j <= 100; j++) {
            double term = Math.exp(-2.0 * j * j * c * c);
            s += (j % 2 == 1 ? term : -term);
            if (term < 1e-16) {
                break;
            }
        }
        return Math.max(0, Math.min(1, 2 * s));
    }

    /** The c with P(sup |B(t)| <= c) = p, by bisection. */
    static double kolmogorovQuantile(double p) {
        double lo = 0.2;
        double hi = 5;
        for (int i = 0; i < 100; i++) {
            double mid = (lo + hi) / 2;
            if (1 - kolmogorovSurvival(mid) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }
}
