package io.iocert.certifier.stats;

import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The scenarios issue 12 names, as sources of measurements with a known long-run distribution:
 * per-operation latencies (independent, short stalls, a drifting location) and per-interval
 * rates (independent, AR(1)). docs/statistics.md gives what each is meant to show.
 */
final class Scenarios {
    private static final NormalDistribution N01 = NormalDistribution.of(0, 1);
    private static final double SIGMA = 0.25;

    private Scenarios() {
    }

    /** A source of runs of {@code n} values, with the true q-quantile of what it draws from. */
    interface Source {
        Measurement draw(SplittableRandom r, int n);

        double truth(double q);
    }

    static Source of(Synthetic s) {
        return new Source() {
            @Override
            public Measurement draw(SplittableRandom r, int n) {
                return s.measurement(r, n, true);
            }

            @Override
            public double truth(double q) {
                return s.trueQuantile(q);
            }
        };
    }

    /** Log-normal latencies (median 1 ms, sigma 0.25) whose log-level moves linearly from -tau to +tau over the run. */
    static Source trend(double tau) {
        return new Source() {
            @Override
            public Measurement draw(SplittableRandom r, int n) {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    double level = -tau + 2 * tau * i / (n - 1.0);
                    v[i] = Math.max(1, Math.round(1e6 * Math.exp(level + SIGMA * gauss(r))));
                }
                return Synthetic.measurement(v, n, true);
            }

            @Override
            public double truth(double q) {
                double lo = 1e3;
                double hi = 1e8;
                for (int it = 0; it < 100; it++) {
                    double mid = Math.sqrt(lo * hi);
                    double cdf = 0;
                    for (int j = 0; j < 400; j++) {
                        double level = -tau + 2 * tau * (j + 0.5) / 400;
                        cdf += N01.cumulativeProbability((Math.log(mid / 1e6) - level) / SIGMA) / 400;
                    }
                    if (cdf < q) {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                return hi;
            }
        };
    }

    /** Log-normal latencies whose log-level is drawn anew (sd tau) for each of 16 parts of the run. */
    static Source shifts(double tau) {
        return new Source() {
            @Override
            public Measurement draw(SplittableRandom r, int n) {
                long[] v = new long[n];
                double level = 0;
                for (int i = 0; i < n; i++) {
                    if (i % Math.max(1, n / 16) == 0) {
                        level = tau * gauss(r);
                    }
                    v[i] = Math.max(1, Math.round(1e6 * Math.exp(level + SIGMA * gauss(r))));
                }
                return Synthetic.measurement(v, n, true);
            }

            @Override
            public double truth(double q) {
                return 1e6 * Math.exp(Math.sqrt(SIGMA * SIGMA + tau * tau) * N01.inverseCumulativeProbability(q));
            }
        };
    }

    /** Interval rates around 1 GB/s: log-AR(1) with coefficient phi and stationary log-sd s. */
    static Source ar1(double phi, double s) {
        return new Source() {
            @Override
            public Measurement draw(SplittableRandom r, int n) {
                List<Double> v = new ArrayList<>(n);
                double y = s * gauss(r);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        y = phi * y + Math.sqrt(1 - phi * phi) * s * gauss(r);
                    }
                    v.add(1e9 * Math.exp(y));
                }
                return new Measurement("r", "fs.write", "throughput", "B/s", Map.of(), n, null, null,
                        new IntervalSeries(10_000_000L, v), Map.of(), null);
            }

            @Override
            public double truth(double q) {
                return 1e9 * Math.exp(s * N01.inverseCumulativeProbability(q));
            }
        };
    }

    static double gauss(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
