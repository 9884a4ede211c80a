package io.iocert.certifier.stats;

import io.iocert.results.Measurement;
import io.iocert.spec.Statistic;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.commons.statistics.distribution.BinomialDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;

/**
 * Point estimates and confidence intervals of a statistic from a measurement. The methods and
 * their assumptions are described in {@code docs/statistics.md}; in short:
 *
 * <ul>
 *   <li><b>Quantiles</b> (median, pNN): distribution-free order-statistic bounds from the
 *   binomial distribution of the number of observations at or below the true quantile. When
 *   the sample has time batches, the count of observations is discounted by the design effect
 *   of the exceedance indicator, estimated from how much the batches' shares below the
 *   estimate vary (batch means), so clustered stalls do not count as independent evidence.</li>
 *   <li><b>Mean</b>: batch means with Student's t on the batches (their means are averages of
 *   many values, so skew in single values matters little); without batches, Student's t on
 *   the observations.</li>
 *   <li><b>Standard deviation and cv</b>: delete-one-batch jackknife with Student's t; without
 *   batches, the delta method from the sample's moments.</li>
 *   <li><b>Min and max</b>: only one side is known from a sample (the true maximum is at least
 *   the largest value seen); the other end is unbounded.</li>
 * </ul>
 *
 * <p>Point estimates: histogram quantiles, min and max are the highest value of their bucket
 * (they err high by at most the histogram's precision); quantiles of interval values use the
 * nearest rank, so "p10 >= 400 MB/s" reads "at least 90% of intervals ran at 400 MB/s or more".
 * Interval ends taken from a histogram are the outer edges of their buckets, so intervals err
 * wide, never narrow.
 */
public final class Estimators {
    private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

    private Estimators() {
    }

    /** The estimate at {@code confidence}, or empty when the measurement has no observations. */
    public static Optional<Estimate> estimate(Measurement m, Statistic statistic, double confidence) {
        return Sample.of(m).map(s -> estimate(s, statistic, confidence));
    }

    public static Estimate estimate(Sample s, Statistic statistic, double confidence) {
        return switch (statistic.kind()) {
            case MIN -> min(s, confidence);
            case MAX -> max(s, confidence);
            case MEAN -> mean(s, confidence);
            case STDDEV -> spread(s, confidence, false);
            case CV -> spread(s, confidence, true);
            case MEDIAN, PERCENTILE -> statistic.quantile() >= 1.0 ? max(s, confidence) : quantile(s, statistic.quantile(), confidence);
        };
    }

    // ---- quantiles ----

    static Estimate quantile(Sample s, double q, double confidence) {
        double alpha = 1 - confidence;
        long n = s.n();
        double point = s.quantile(q);
        double d = 1;
        String method = "order-statistic (binomial), independent observations assumed";
        if (s.hasBatches()) {
            // The design effect is itself estimated from k batches: widen as Student's t with
            // k - 1 degrees of freedom widens a normal interval.
            int k = s.batches().size();
            double t = TDistribution.of(k - 1).inverseSurvivalProbability(alpha / 2);
            double z = NORMAL.inverseSurvivalProbability(alpha / 2);
            d = Math.max(1.0, exceedanceDesignEffect(s.batches(), n, point, q) * (t / z) * (t / z));
            method = "order-statistic (binomial) with batch-means design effect over " + k + " time batches";
        } else if (!s.batches().isEmpty() || n > 1) {
            method += s.batches().isEmpty() ? " (no time batches)" : " (too few time batches)";
        }
        double nEff = n / d;
        long m = (long) Math.floor(nEff);
        double low = Double.NEGATIVE_INFINITY;
        double high = Double.POSITIVE_INFINITY;
        if (m >= 1) {
            int trials = (int) Math.min(Integer.MAX_VALUE, m);
            double scale = (double) n / trials;
            BinomialDistribution b = BinomialDistribution.of(trials, q);
            int j = b.inverseCumulativeProbability(alpha / 2);
            int lowerRank = b.cumulativeProbability(j) > alpha / 2 ? j : j + 1; // rank l: F(l - 1) <= alpha/2
            int upperRank = b.inverseCumulativeProbability(1 - alpha / 2) + 1;  // rank u: F(u - 1) >= 1 - alpha/2
            if (lowerRank >= 1) {
                low = s.atRank(Math.max(1, (long) Math.floor(lowerRank * scale)), false);
            }
            if (upperRank <= trials) {
                high = s.atRank(Math.min(n, (long) Math.ceil(upperRank * scale)), true);
            }
        }
        double effect = d;
        Estimate.Precision precision = threshold -> samplesToClear(s, q, alpha, effect, threshold);
        return new Estimate(point, Math.min(low, point), Math.max(high, point), confidence, n, d, method, precision);
    }

    /**
     * The smallest total sample count (in steps of 10%) at which the order-statistic bound on the
     * side facing {@code threshold} would clear it, if the sample's distribution stayed as it is.
     */
    static OptionalDouble samplesToClear(Sample s, double q, double alpha, double d, double threshold) {
        double below = s.fractionAtOrBelow(threshold);
        boolean needUpper = s.quantile(q) <= threshold;   // "<=": the upper bound must fall below it
        if (needUpper ? below <= q : below >= q) {
            return OptionalDouble.empty();
        }
        // Whether the bound clears the threshold grows (nearly) monotonically with the sample
        // size: bisect on a 10% grid of totals from n to 1000 n.
        double n = s.n();
        int hi = (int) Math.ceil(Math.log(1000.0 + 1000.0 / n) / Math.log(1.1));
        if (!clears(n * Math.pow(1.1, hi), q, alpha, d, below, needUpper)) {
            return OptionalDouble.empty();
        }
        int lo = 0;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (clears(n * Math.pow(1.1, mid), q, alpha, d, below, needUpper)) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return OptionalDouble.of(n * Math.pow(1.1, lo));
    }

    /** Whether, with {@code total} samples of the same distribution, the bound facing the threshold would clear it. */
    private static boolean clears(double total, double q, double alpha, double d, double below, boolean needUpper) {
        long m = (long) Math.floor(total / d);
        if (m < 1) {
            return false;
        }
        BinomialDistribution b = BinomialDistribution.of((int) Math.min(Integer.MAX_VALUE, m), q);
        if (needUpper) {
            int u = b.inverseCumulativeProbability(1 - alpha / 2) + 1;
            return u <= m && (double) u / m <= below;
        }
        int j = b.inverseCumulativeProbability(alpha / 2);
        int l = b.cumulativeProbability(j) > alpha / 2 ? j : j + 1;
        return l >= 1 && (double) (l - 1) / m >= below;
    }

    /**
     * The variance of the share of observations at or below {@code x}, estimated from the
     * batches, over what it would be for independent observations; at least 1.
     */
    static double exceedanceDesignEffect(List<Sample.Batch> batches, long n, double x, double q) {
        int k = batches.size();
        long below = 0;
        for (Sample.Batch b : batches) {
            below += b.countAtOrBelow(x);
        }
        double p = (double) below / n;
        double v = 0;
        for (Sample.Batch b : batches) {
            double w = (double) b.n() / n;
            double pj = (double) b.countAtOrBelow(x) / b.n();
            v += w * w * (pj - p) * (pj - p);
        }
        v *= (double) k / (k - 1);
        double independent = q * (1 - q) / n;
        return Math.max(1.0, v / independent);
    }

    // ---- mean ----

    static Estimate mean(Sample s, double confidence) {
        double alpha = 1 - confidence;
        long n = s.n();
        Sample.Moments mo = s.moments();
        double point = mo.mean();
        double se;
        double crit;
        double d = 1;
        String method;
        if (s.hasBatches()) {
            List<Sample.Batch> batches = s.batches();
            int k = batches.size();
            double total = 0;
            long count = 0;
            for (Sample.Batch b : batches) {
                total += b.sum();
                count += b.n();
            }
            double center = total / count;
            double v = 0;
            for (Sample.Batch b : batches) {
                double w = (double) b.n() / count;
                double mj = b.sum() / b.n();
                v += w * w * (mj - center) * (mj - center);
            }
            v *= (double) k / (k - 1);
            se = Math.sqrt(v);
            crit = TDistribution.of(k - 1).inverseSurvivalProbability(alpha / 2);
            double independent = mo.variance() / n;
            d = independent > 0 ? Math.max(1.0, v / independent) : 1.0;
            se = Math.sqrt(Math.max(v, independent));
            method = "batch means over " + k + " time batches, Student's t";
        } else if (n >= 2) {
            se = Math.sqrt(mo.variance() / n);
            crit = TDistribution.of(n - 1).inverseSurvivalProbability(alpha / 2);
            method = "Student's t, independent observations assumed";
        } else {
            return unbounded(s, point, confidence, "one observation: no interval");
        }
        return symmetric(point, se, crit, confidence, n, d, method);
    }

    // ---- stddev and cv ----

    static Estimate spread(Sample s, double confidence, boolean cv) {
        double alpha = 1 - confidence;
        long n = s.n();
        Sample.Moments mo = s.moments();
        double sd = mo.stddev();
        double point = cv ? (mo.mean() == 0 ? Double.NaN : sd / mo.mean()) : sd;
        if (n < 3 || Double.isNaN(point)) {
            return unbounded(s, point, confidence, "too few observations for an interval");
        }
        if (s.hasBatches()) {
            List<Sample.Batch> batches = s.batches();
            int k = batches.size();
            double tn = 0;
            double t1 = 0;
            double t2 = 0;
            for (Sample.Batch b : batches) {
                tn += b.n();
                t1 += b.sum();
                t2 += b.sumSquares();
            }
            double[] leaveOut = new double[k];
            double avg = 0;
            for (int j = 0; j < k; j++) {
                Sample.Batch b = batches.get(j);
                double nn = tn - b.n();
                double s1 = t1 - b.sum();
                double s2 = t2 - b.sumSquares();
                double var = Math.max(0, (s2 - s1 * s1 / nn) / (nn - 1));
                double sdj = Math.sqrt(var);
                leaveOut[j] = cv ? sdj / (s1 / nn) : sdj;
                avg += leaveOut[j];
            }
            avg /= k;
            double v = 0;
            for (double x : leaveOut) {
                v += (x - avg) * (x - avg);
            }
            v *= (double) (k - 1) / k;
            double crit = TDistribution.of(k - 1).inverseSurvivalProbability(alpha / 2);
            return symmetric(point, Math.sqrt(v), crit, confidence, n, 1, "delete-one-batch jackknife over " + k
                    + " time batches, Student's t");
        }
        // Delta method from the moments, for independent observations.
        double var = mo.variance();
        double varOfVar = Math.max(0, (mo.m4() - var * var) / n);
        double se;
        if (cv) {
            double mean = mo.mean();
            double dVar = 1 / (2 * sd * mean);
            double dMean = -sd / (mean * mean);
            double v = dVar * dVar * varOfVar + dMean * dMean * var / n + 2 * dVar * dMean * mo.m3() / n;
            se = Math.sqrt(Math.max(0, v));
        } else {
            se = sd == 0 ? 0 : Math.sqrt(varOfVar) / (2 * sd);
        }
        double z = NORMAL.inverseSurvivalProbability(alpha / 2);
        return symmetric(point, se, z, confidence, n, 1, "delta method from the moments, independent observations assumed");
    }

    // ---- extremes ----

    static Estimate max(Sample s, double confidence) {
        double observed = s.max();
        return new Estimate(observed, s.atRank(s.n(), false), Double.POSITIVE_INFINITY, confidence, s.n(), 1,
                "observed maximum: the true maximum is at least this; no sample bounds it from above",
                threshold -> OptionalDouble.empty());
    }

    static Estimate min(Sample s, double confidence) {
        double observed = s.min();
        return new Estimate(observed, Double.NEGATIVE_INFINITY, s.atRank(1, true), confidence, s.n(), 1,
                "observed minimum: the true minimum is at most this; no sample bounds it from below",
                threshold -> OptionalDouble.empty());
    }

    private static Estimate symmetric(double point, double se, double crit, double confidence, long n, double d,
                                      String method) {
        double half = crit * se;
        Estimate.Precision precision = threshold -> {
            double gap = Math.abs(point - threshold);
            if (gap == 0 || se == 0) {
                return OptionalDouble.empty();
            }
            double ratio = half / gap;
            return OptionalDouble.of(n * ratio * ratio);
        };
        return new Estimate(point, Math.max(0, point - half), point + half, confidence, n, d, method, precision);
    }

    private static Estimate unbounded(Sample s, double point, double confidence, String why) {
        return new Estimate(point, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, confidence, s.n(), 1, why, threshold -> OptionalDouble.empty());
    }
}
