package io.iocert.certifier.compare;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The k-sample Anderson-Darling test of Scholz and Stephens (1987), "K-Sample Anderson-Darling
 * Tests", Journal of the American Statistical Association 82(399), 918-924: do k samples come
 * from one common distribution? Like the one-sample Anderson-Darling statistic it weights the
 * squared distance between empirical distribution functions by {@code 1 / (F (1 - F))}, so
 * differences in the tails count for much more than in Kolmogorov-Smirnov or Cramer-von Mises.
 *
 * <p>Samples are given as tallies, (value, count) pairs, so a histogram with millions of
 * operations in a few thousand buckets costs a few thousand steps. Values in one bucket are
 * ties; the statistic is the midrank version {@code A2akN} of the paper (its equation 7), which
 * the authors recommend when the data have ties (rounded or bucketed values).
 *
 * <p>The p-value is the paper's asymptotic approximation: the statistic is standardised,
 * {@code T = (A2 - (k - 1)) / sigmaN}, with the exact null variance of the continuous case
 * (sigmaN, the paper's equation 4), and compared with the paper's interpolation of the upper
 * quantiles of its limiting distribution, {@code t_m(alpha) = b0 + b1 / sqrt(m) + b2 / m}
 * with {@code m = k - 1}, tabulated for alpha = 0.25, 0.10, 0.05, 0.025 and 0.01. Between the
 * tabulated levels, {@code log(alpha / (1 - alpha))} is taken as a quadratic in t (least squares
 * through the five points), as the paper suggests; below 0.01 the quadratic is extrapolated down
 * to 0.001, and p-values outside [0.001, 0.25] are reported as bounds only.
 *
 * <p>The test assumes independent observations within and between samples. Latencies that
 * cluster in time make the p-value too small; it is reported beside, not instead of, the
 * quantile intervals that decide a comparison.
 */
public final class AndersonDarling {

    /** Tabulated significance levels of the paper's Table 1 interpolation. */
    private static final double[] ALPHA = {0.25, 0.10, 0.05, 0.025, 0.01};
    /** Coefficients b0, b1, b2 of {@code t_m(alpha)} for each level in {@link #ALPHA} (Scholz and Stephens 1987). */
    private static final double[][] B = {
        {0.675, -0.245, -0.105},
        {1.281, 0.250, -0.305},
        {1.645, 0.678, -0.362},
        {1.960, 1.149, -0.391},
        {2.326, 1.822, -0.396},
    };
    /** Reported p-values are confined to this range; beyond it only a bound is claimed. */
    static final double P_FLOOR = 0.001;

    static final double P_CEILING = 0.25;
    /** Above this pooled size the harmonic sums of the variance use their asymptotic forms. */
    private static final long EXACT_SUMS_UP_TO = 1_000_000;

    private static final double EULER_GAMMA = 0.5772156649015329;

    private AndersonDarling() {}

    /**
     * One sample as distinct values in increasing order with how often each occurs.
     *
     * @param values distinct values, strictly increasing
     * @param counts how many observations have each value, each at least 1
     */
    public record Tally(double[] values, long[] counts) {
        public Tally {
            Objects.requireNonNull(values, "values");
            Objects.requireNonNull(counts, "counts");
            if (values.length != counts.length) {
                throw new IllegalArgumentException("values and counts differ in length");
            }
            for (int i = 0; i < values.length; i++) {
                if (counts[i] < 1 || Double.isNaN(values[i]) || (i > 0 && !(values[i] > values[i - 1]))) {
                    throw new IllegalArgumentException("a tally needs strictly increasing values with positive counts");
                }
            }
            values = values.clone();
            counts = counts.clone();
        }

        /** The tally of unsorted single observations. */
        public static Tally of(double... observations) {
            double[] sorted = observations.clone();
            Arrays.sort(sorted);
            double[] v = new double[sorted.length];
            long[] c = new long[sorted.length];
            int m = 0;
            for (double x : sorted) {
                if (m > 0 && v[m - 1] == x) {
                    c[m - 1]++;
                } else {
                    v[m] = x;
                    c[m] = 1;
                    m++;
                }
            }
            return new Tally(Arrays.copyOf(v, m), Arrays.copyOf(c, m));
        }

        /** How many observations. */
        public long n() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }
    }

    /** How a reported p-value relates to the true one. */
    public enum Bound {
        /** Interpolated between, or extrapolated modestly beyond, the tabulated levels. */
        APPROXIMATE("="),
        /** The p-value is below {@link #pValue()}: the statistic lies beyond the approximation's range. */
        BELOW("<"),
        /** The p-value is above {@link #pValue()}: the samples look alike. */
        ABOVE(">");

        private final String symbol;

        Bound(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }
    }

    /**
     * The outcome of the test.
     *
     * @param statistic    {@code A2akN}, the midrank k-sample Anderson-Darling statistic
     * @param standardized {@code T = (A2akN - (k - 1)) / sigmaN}
     * @param sigma        {@code sigmaN}, the null standard deviation of the statistic
     * @param k            number of samples
     * @param n            pooled number of observations
     * @param pValue       approximate p-value, or the bound given by {@code bound}
     * @param bound        whether {@code pValue} is an approximation or a bound
     */
    public record Outcome(
            double statistic, double standardized, double sigma, int k, long n, double pValue, Bound bound) {
        /** "p = 0.034", "p < 0.001", "p > 0.25". */
        public String pText() {
            return "p " + bound.symbol() + " "
                    + new java.math.BigDecimal(pValue)
                            .round(new java.math.MathContext(2))
                            .stripTrailingZeros()
                            .toPlainString();
        }
    }

    /**
     * Tests whether the samples come from one distribution.
     *
     * @throws IllegalArgumentException with fewer than two samples, an empty sample, or fewer
     *                                  than 4 observations in all (the variance needs N &gt; 3)
     */
    public static Outcome test(List<Tally> samples) {
        int k = samples.size();
        if (k < 2) {
            throw new IllegalArgumentException("the k-sample test needs at least two samples, got " + k);
        }
        long[] n = new long[k];
        long total = 0;
        for (int i = 0; i < k; i++) {
            n[i] = samples.get(i).n();
            if (n[i] == 0) {
                throw new IllegalArgumentException("sample " + (i + 1) + " is empty");
            }
            total += n[i];
        }
        if (total < 4) {
            throw new IllegalArgumentException("the test needs at least 4 observations in all, got " + total);
        }
        double a2 = statistic(samples, n, total);
        double sigma = Math.sqrt(variance(n, total));
        double t = (a2 - (k - 1)) / sigma;
        return pValue(a2, t, sigma, k, total);
    }

    /**
     * {@code A2akN = (N - 1) / N^2 * sum_i 1/n_i * sum_j l_j (N M_aij - n_i B_aj)^2 / (B_aj (N - B_aj) - N l_j / 4)},
     * over the distinct pooled values z_j, where l_j is how many pooled observations equal z_j,
     * {@code B_aj} the pooled count below z_j plus half of l_j, and {@code M_aij} the same count
     * within sample i.
     */
    static double statistic(List<Tally> samples, long[] n, long total) {
        int k = samples.size();
        int[] at = new int[k]; // next unread entry of each tally
        double[] below = new double[k]; // observations of sample i below the current value
        double pooledBelow = 0;
        double big = total;
        double[] sum = new double[k];
        long[] here = new long[k];
        while (true) {
            double z = Double.POSITIVE_INFINITY;
            for (int i = 0; i < k; i++) {
                Tally s = samples.get(i);
                if (at[i] < s.values.length) {
                    z = Math.min(z, s.values[at[i]]);
                }
            }
            if (z == Double.POSITIVE_INFINITY) {
                break;
            }
            long l = 0;
            for (int i = 0; i < k; i++) {
                Tally s = samples.get(i);
                here[i] = at[i] < s.values.length && s.values[at[i]] == z ? s.counts[at[i]] : 0;
                l += here[i];
            }
            double b = pooledBelow + l / 2.0;
            double denominator = b * (big - b) - big * l / 4.0;
            // Zero only when every observation shares this one value; then there is nothing to compare.
            if (denominator > 0) {
                for (int i = 0; i < k; i++) {
                    double m = below[i] + here[i] / 2.0;
                    double d = big * m - n[i] * b;
                    sum[i] += l * d * d / denominator;
                }
            }
            for (int i = 0; i < k; i++) {
                below[i] += here[i];
                if (here[i] > 0) {
                    at[i]++;
                }
            }
            pooledBelow += l;
        }
        double a2 = 0;
        for (int i = 0; i < k; i++) {
            a2 += sum[i] / n[i];
        }
        return a2 * (big - 1) / (big * big);
    }

    /**
     * The null variance of the statistic for continuous data (the paper's equation 4):
     * {@code (a N^3 + b N^2 + c N + d) / ((N - 1)(N - 2)(N - 3))}, with coefficients from
     * {@code H = sum 1/n_i}, {@code h = sum_{i<N} 1/i} and
     * {@code g = sum_{i<=N-2} sum_{i<j<N} 1/((N - i) j)}.
     */
    static double variance(long[] n, long total) {
        int k = n.length;
        double bigH = 0;
        for (long ni : n) {
            bigH += 1.0 / ni;
        }
        double h = harmonic(total - 1);
        double g = g(total);
        double kk = k;
        double a = (4 * g - 6) * (kk - 1) + (10 - 6 * g) * bigH;
        double b = (2 * g - 4) * kk * kk + 8 * h * kk + (2 * g - 14 * h - 4) * bigH - 8 * h + 4 * g - 6;
        double c = (6 * h + 2 * g - 2) * kk * kk + (4 * h - 4 * g + 6) * kk + (2 * h - 6) * bigH + 4 * h;
        double d = (2 * h + 6) * kk * kk - 4 * h * kk;
        double big = total;
        return ((a * big + b) * big + c) * big / ((big - 1) * (big - 2) * (big - 3))
                + d / ((big - 1) * (big - 2) * (big - 3));
    }

    /** {@code 1 + 1/2 + ... + 1/m}; asymptotic expansion for large m (error far below 1e-12). */
    static double harmonic(long m) {
        if (m <= EXACT_SUMS_UP_TO) {
            double s = 0;
            for (long i = m; i >= 1; i--) {
                s += 1.0 / i;
            }
            return s;
        }
        double x = m;
        return Math.log(x) + EULER_GAMMA + 1 / (2 * x) - 1 / (12 * x * x);
    }

    /**
     * {@code g = sum_{i=1}^{N-2} sum_{j=i+1}^{N-1} 1/((N - i) j) = sum_i (h_{N-1} - h_i) / (N - i)}.
     * It tends to pi^2/6 with an error close to {@code 2.1 ln(N) / N}; for very large N that
     * form is used (its own error is then below 1e-6, far less than the approximation of the
     * p-value itself).
     */
    static double g(long total) {
        if (total > EXACT_SUMS_UP_TO) {
            double x = total;
            return Math.PI * Math.PI / 6 - 2.1 * Math.log(x) / x;
        }
        double hTop = harmonic(total - 1);
        double hi = 0;
        double s = 0;
        for (long i = 1; i <= total - 2; i++) {
            hi += 1.0 / i;
            s += (hTop - hi) / (total - i);
        }
        return s;
    }

    /** The paper's interpolated critical value {@code t_m(alpha)} of the standardised statistic. */
    static double critical(int level, int m) {
        double[] b = B[level];
        return b[0] + b[1] / Math.sqrt(m) + b[2] / m;
    }

    private static Outcome pValue(double a2, double t, double sigma, int k, long total) {
        int m = k - 1;
        double[] x = new double[ALPHA.length];
        double[] y = new double[ALPHA.length];
        for (int i = 0; i < ALPHA.length; i++) {
            x[i] = critical(i, m);
            y[i] = Math.log(ALPHA[i] / (1 - ALPHA[i]));
        }
        if (t <= x[0]) {
            return new Outcome(a2, t, sigma, k, total, P_CEILING, Bound.ABOVE);
        }
        double[] q = quadraticFit(x, y);
        double logOdds = q[0] + t * (q[1] + t * q[2]);
        double p = 1 / (1 + Math.exp(-logOdds));
        // The fitted quadratic turns upwards beyond its vertex; past it, the fit says nothing.
        double vertex = q[2] > 0 ? -q[1] / (2 * q[2]) : Double.POSITIVE_INFINITY;
        if (p < P_FLOOR || t > vertex) {
            return new Outcome(a2, t, sigma, k, total, P_FLOOR, Bound.BELOW);
        }
        return new Outcome(a2, t, sigma, k, total, Math.min(p, P_CEILING), Bound.APPROXIMATE);
    }

    /** Least-squares coefficients c0, c1, c2 of {@code y = c0 + c1 x + c2 x^2}. */
    static double[] quadraticFit(double[] x, double[] y) {
        double[][] m = new double[3][4];
        for (int i = 0; i < x.length; i++) {
            double[] p = {1, x[i], x[i] * x[i]};
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    m[r][c] += p[r] * p[c];
                }
                m[r][3] += p[r] * y[i];
            }
        }
        // Gaussian elimination with partial pivoting on the 3x3 normal equations.
        for (int col = 0; col < 3; col++) {
            int pivot = col;
            for (int r = col + 1; r < 3; r++) {
                if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
                    pivot = r;
                }
            }
            double[] tmp = m[col];
            m[col] = m[pivot];
            m[pivot] = tmp;
            for (int r = 0; r < 3; r++) {
                if (r != col) {
                    double f = m[r][col] / m[col][col];
                    for (int c = col; c < 4; c++) {
                        m[r][c] -= f * m[col][c];
                    }
                }
            }
        }
        return new double[] {m[0][3] / m[0][0], m[1][3] / m[1][1], m[2][3] / m[2][2]};
    }
}
