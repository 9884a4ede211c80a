package io.iocert.certifier.stats;

import java.util.function.Predicate;
import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * The share of time windows that meet a condition, with a confidence interval: the form in
 * which cloud providers state volume performance ("the provisioned IOPS 99% of the time").
 *
 * <p>An interval series is cut into consecutive windows of {@code m} intervals (a trailing
 * partial window is dropped). Each window meets the condition or not, exactly: the condition is
 * on the window's own values. What is uncertain is the long-run share {@code p} of windows that
 * meet it, of which the run saw {@code k} of {@code n}. Its interval is Clopper-Pearson's on an
 * effective count: {@code k / d} of {@code n / d}, where the design effect {@code d} allows for
 * neighbouring windows being alike (a stall, a throttled phase spanning several windows).
 *
 * <p><b>Assumption.</b> The windows form a stationary sequence whose dependence reaches about as
 * far as this run shows. {@code d} is the largest of 1 and two estimates of it:
 * <ul>
 *   <li>from the outcomes: a two-state Markov chain fitted to the sequence of met / missed
 *       windows (transition counts with half a count added to each, so a state seen only at the
 *       end is not taken to last forever or to end at once); its eigenvalue
 *       {@code lambda = 1 - a - b} gives {@code d = (1 + lambda) / (1 - lambda)}. Only when both
 *       outcomes occur: a run where every window met the condition shows nothing of how long a
 *       miss lasts;</li>
 *   <li>from the values: an AR(1) fitted to the interval values (lag-1 autocorrelation with its
 *       small-sample bias corrected) implies a correlation {@code rho} between neighbouring
 *       window sums and {@code rho phi^m} between windows one further apart, so
 *       {@code d = 1 + 2 rho / (1 - phi^m)}. This sees persistence within the run even when every
 *       window met the condition.</li>
 * </ul>
 * A series whose level changed (a burst, then the baseline) is not stationary; both estimates
 * then grow and the interval widens, which is why {@code sustained: true} (judging the final
 * regime only) pairs with windows.
 */
public final class WindowShare {
    /** The AR(1) coefficient is capped here, so that a nearly constant series keeps a finite design effect. */
    private static final double MAX_PHI = 0.999;

    private WindowShare() {}

    /**
     * @param windows            complete windows judged
     * @param met                how many met the condition
     * @param intervalsPerWindow intervals in one window
     * @param share              met / windows (NaN without windows)
     * @param low                lower end of the interval for the long-run share
     * @param high               upper end
     * @param confidence         the interval's two-sided confidence
     * @param designEffect       the variance inflation allowed for (at least 1)
     */
    public record Estimate(
            int windows,
            int met,
            int intervalsPerWindow,
            double share,
            double low,
            double high,
            double confidence,
            double designEffect) {
        /** Windows of this run's kind (same share and design effect) that an interval needs to clear {@code threshold}. */
        public long windowsToSettle(double threshold) {
            if (windows == 0 || share == threshold) {
                return -1;
            }
            boolean above = share > threshold;
            long lo = Math.max(1, windows);
            long hi = lo;
            while (!settles(hi, above, threshold)) {
                if (hi > 1L << 40) {
                    return -1;
                }
                hi *= 2;
            }
            while (lo < hi) {
                long mid = lo + (hi - lo) / 2;
                if (settles(mid, above, threshold)) {
                    hi = mid;
                } else {
                    lo = mid + 1;
                }
            }
            return hi;
        }

        private boolean settles(long n, boolean above, double threshold) {
            double[] ci = clopperPearson(share * n / designEffect, n / designEffect, confidence);
            return above ? ci[0] >= threshold : ci[1] < threshold;
        }
    }

    /**
     * Judges the windows of {@code values} ({@code m} intervals each) by {@code meets}, at
     * {@code confidence}; windows holding a missing or non-finite value are left out.
     */
    public static Estimate of(double[] values, int m, Predicate<double[]> meets, double confidence) {
        if (m < 1) {
            throw new IllegalArgumentException("a window needs at least one interval, got " + m);
        }
        int complete = values.length / m;
        boolean[] outcome = new boolean[complete];
        int n = 0;
        for (int w = 0; w < complete; w++) {
            double[] window = new double[m];
            boolean usable = true;
            for (int i = 0; i < m; i++) {
                window[i] = values[w * m + i];
                usable &= Double.isFinite(window[i]);
            }
            if (usable) {
                outcome[n++] = meets.test(window);
            }
        }
        if (n == 0) {
            return new Estimate(0, 0, m, Double.NaN, 0, 1, confidence, 1);
        }
        int k = 0;
        for (int i = 0; i < n; i++) {
            k += outcome[i] ? 1 : 0;
        }
        double d = Math.max(
                1,
                Math.max(
                        chainDesignEffect(outcome, n),
                        Math.max(
                                valueDesignEffect(values, complete * m, m),
                                windowMeanDesignEffect(values, complete, m))));
        d = Math.min(d, n);
        double[] ci = clopperPearson(k / d, n / d, confidence);
        return new Estimate(n, k, m, (double) k / n, ci[0], ci[1], confidence, d);
    }

    /** The design effect of a two-state Markov chain fitted to the first {@code n} outcomes; 1 when only one state occurs. */
    static double chainDesignEffect(boolean[] outcome, int n) {
        int[][] t = new int[2][2];
        boolean seenTrue = false;
        boolean seenFalse = false;
        for (int i = 0; i < n; i++) {
            seenTrue |= outcome[i];
            seenFalse |= !outcome[i];
            if (i > 0) {
                t[outcome[i - 1] ? 1 : 0][outcome[i] ? 1 : 0]++;
            }
        }
        if (!seenTrue || !seenFalse) {
            return 1;
        }
        double leaveFalse = (t[0][1] + 0.5) / (t[0][0] + t[0][1] + 1.0);
        double leaveTrue = (t[1][0] + 0.5) / (t[1][0] + t[1][1] + 1.0);
        double lambda = 1 - leaveFalse - leaveTrue;
        return lambda <= 0 ? 1 : (1 + lambda) / (1 - lambda);
    }

    /** The design effect for windows of {@code m} values implied by an AR(1) fitted to the first {@code length} values. */
    static double valueDesignEffect(double[] values, int length, int m) {
        double phi = lagOne(values, length);
        if (phi == 0) {
            return 1;
        }
        double var = m;
        double cov = 0;
        double p = 1;
        for (int lag = 1; lag <= 2 * m - 1; lag++) {
            p *= phi;
            if (lag < m) {
                var += 2.0 * (m - lag) * p;
            }
            cov += Math.min(lag, 2 * m - lag) * p;
        }
        double rho = cov / var;
        double decay = Math.pow(phi, m);
        return 1 + 2 * rho / (1 - decay);
    }

    /**
     * The design effect of an AR(1) fitted to the sequence of window means: averaging within a
     * window removes most of the intervals' own noise, which would otherwise hide a slowly
     * wandering level from the interval-level fit.
     */
    static double windowMeanDesignEffect(double[] values, int windows, int m) {
        if (windows < 3) {
            return 1;
        }
        double[] means = new double[windows];
        for (int w = 0; w < windows; w++) {
            double sum = 0;
            int count = 0;
            for (int i = w * m; i < (w + 1) * m; i++) {
                if (Double.isFinite(values[i])) {
                    sum += values[i];
                    count++;
                }
            }
            means[w] = count == 0 ? Double.NaN : sum / count;
        }
        double phi = lagOne(means, windows);
        return phi <= 0 ? 1 : (1 + phi) / (1 - phi);
    }

    /** The lag-1 autocorrelation of the first {@code length} values, bias-corrected and clipped to [0, MAX_PHI]. */
    private static double lagOne(double[] values, int length) {
        double mean = 0;
        int count = 0;
        for (int i = 0; i < length; i++) {
            if (Double.isFinite(values[i])) {
                mean += values[i];
                count++;
            }
        }
        if (count < 3) {
            return 0;
        }
        mean /= count;
        double g0 = 0;
        double g1 = 0;
        for (int i = 0; i < length; i++) {
            if (!Double.isFinite(values[i])) {
                continue;
            }
            double x = values[i] - mean;
            g0 += x * x;
            if (i + 1 < length && Double.isFinite(values[i + 1])) {
                g1 += x * (values[i + 1] - mean);
            }
        }
        if (g0 <= 0) {
            return 0;
        }
        double phi = g1 / g0;
        // The lag-1 estimate is biased low by about (1 + 3 phi) / n in short series.
        return Math.max(0, Math.min(MAX_PHI, phi + (1 + 3 * phi) / count));
    }

    /** Clopper-Pearson's two-sided interval for {@code k} successes of {@code n}, both possibly fractional. */
    static double[] clopperPearson(double k, double n, double confidence) {
        double alpha = 1 - confidence;
        double low = k <= 0 ? 0 : BetaDistribution.of(k, n - k + 1).inverseCumulativeProbability(alpha / 2);
        double high = k >= n ? 1 : BetaDistribution.of(k + 1, n - k).inverseCumulativeProbability(1 - alpha / 2);
        return new double[] {low, high};
    }
}
