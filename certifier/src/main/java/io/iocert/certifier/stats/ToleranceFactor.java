package io.iocert.certifier.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * One-sided normal tolerance factors: the k such that {@code mean + k * sd} of n normal
 * observations lies above a share {@code coverage} of their distribution with probability
 * {@code confidence}. Exactly, k = t' / sqrt(n), t' the {@code confidence} quantile of the
 * noncentral t distribution with n - 1 degrees of freedom and noncentrality z(coverage) sqrt(n).
 * Apache Commons Statistics has no noncentral t, so its distribution function is integrated here
 * over the chi-squared variable it conditions on: P(T' <= t) = E[Phi(t sqrt(V / nu) - delta)],
 * V ~ chi-squared(nu).
 */
final class ToleranceFactor {
    private static final NormalDistribution N01 = NormalDistribution.of(0, 1);
    private static final Map<String, Double> CACHE = new ConcurrentHashMap<>();
    private static final int STEPS = 4000;

    private ToleranceFactor() {}

    static double oneSided(int n, double coverage, double confidence) {
        String key = n + ":" + coverage + ":" + confidence;
        return CACHE.computeIfAbsent(key, x -> compute(n, coverage, confidence));
    }

    private static double compute(int n, double coverage, double confidence) {
        int nu = n - 1;
        double delta = N01.inverseCumulativeProbability(coverage) * Math.sqrt(n);
        ChiSquaredDistribution chi = ChiSquaredDistribution.of(nu);
        double upper = chi.inverseSurvivalProbability(1e-12);
        // Simpson's rule on the chi-squared density over [0, upper], nodes computed once.
        double h = upper / STEPS;
        double[] v = new double[STEPS + 1];
        double[] w = new double[STEPS + 1];
        for (int i = 0; i <= STEPS; i++) {
            v[i] = i * h;
            double simpson = i == 0 || i == STEPS ? 1 : (i % 2 == 1 ? 4 : 2);
            w[i] = simpson * h / 3 * chi.density(v[i]);
        }
        double lo = delta;
        double hi = delta * 2 + 10;
        while (cdf(hi, nu, delta, v, w) < confidence) {
            hi *= 2;
        }
        for (int it = 0; it < 100; it++) {
            double mid = (lo + hi) / 2;
            if (cdf(mid, nu, delta, v, w) < confidence) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi / Math.sqrt(n);
    }

    private static double cdf(double t, int nu, double delta, double[] v, double[] w) {
        double p = 0;
        for (int i = 0; i < v.length; i++) {
            if (w[i] > 0) {
                p += w[i] * N01.cumulativeProbability(t * Math.sqrt(v[i] / nu) - delta);
            }
        }
        return p;
    }
}
