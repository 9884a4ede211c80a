package io.iocert.certifier.stats;

import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Rounds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The scenarios issue 12 names, as sources of measurements with a known long-run distribution:
 * per-operation latencies (independent, short stalls, a drifting location) and per-interval
 * rates (independent, AR(1), dips, isolated outliers). docs/statistics.md gives what each is meant to show.
 */
final class Scenarios {
    private static final NormalDistribution N01 = NormalDistribution.of(0, 1);
    private static final double SIGMA = 0.25;

    private Scenarios() {}

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
                return trendQuantile(q, 1e6, tau, SIGMA);
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
                return new Measurement(
                        "r",
                        "fs.write",
                        "throughput",
                        "B/s",
                        Map.of(),
                        n,
                        null,
                        null,
                        new IntervalSeries(10_000_000L, v),
                        Map.of(),
                        null);
            }

            @Override
            public double truth(double q) {
                return 1e9 * Math.exp(s * N01.inverseCumulativeProbability(q));
            }
        };
    }

    /**
     * Interval rates around 1 GB/s whose log-level moves linearly from -tau to +tau over the run,
     * with log-AR(1) noise (coefficient phi, stationary log-sd s): a write rate that climbs while
     * the device warms up, as fs-sequential-write does on this VM.
     */
    static Source rateTrend(double tau, double phi, double s) {
        return new Source() {
            @Override
            public Measurement draw(SplittableRandom r, int n) {
                List<Double> v = new ArrayList<>(n);
                double y = s * gauss(r);
                for (int i = 0; i < n; i++) {
                    if (i > 0) {
                        y = phi * y + Math.sqrt(1 - phi * phi) * s * gauss(r);
                    }
                    double level = -tau + 2 * tau * i / (n - 1.0);
                    v.add(1e9 * Math.exp(level + y));
                }
                return new Measurement(
                        "r",
                        "fs.write",
                        "throughput",
                        "B/s",
                        Map.of(),
                        n,
                        null,
                        null,
                        new IntervalSeries(10_000_000L, v),
                        Map.of(),
                        null);
            }

            @Override
            public double truth(double q) {
                return trendQuantile(q, 1e9, tau, s);
            }
        };
    }

    /** Interval rates around 1 GB/s (log-sd s) with dips to a tenth of it: a two-state chain, dips in runs of meanRun intervals, stationary share dipShare. */
    static Source dips(double dipShare, double meanRun, double s) {
        double leave = 1 / meanRun;
        double enter = dipShare * leave / (1 - dipShare);
        return new Source() {
            @Override
            public Measurement draw(SplittableRandom r, int n) {
                List<Double> v = new ArrayList<>();
                boolean dip = r.nextDouble() < dipShare;
                for (int i = 0; i < n; i++) {
                    dip = r.nextDouble() < (dip ? 1 - leave : enter);
                    v.add((dip ? 1e8 : 1e9) * Math.exp(s * gauss(r)));
                }
                return new Measurement(
                        "r",
                        "fs.write",
                        "throughput",
                        "B/s",
                        Map.of(),
                        n,
                        null,
                        null,
                        new IntervalSeries(10_000_000L, v),
                        Map.of(),
                        null);
            }

            @Override
            public double truth(double q) {
                double lo = 1e6;
                double hi = 1e10;
                for (int it = 0; it < 200; it++) {
                    double mid = Math.sqrt(lo * hi);
                    double cdf = dipShare * N01.cumulativeProbability(Math.log(mid / 1e8) / s)
                            + (1 - dipShare) * N01.cumulativeProbability(Math.log(mid / 1e9) / s);
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

    /** {@code base}'s interval rates, each divided by {@code factor} with probability {@code rate}: isolated slow intervals (the true quantiles barely move at small rates). */
    static Source withOutliers(Source base, double rate, double factor) {
        return new Source() {
            @Override
            public Measurement draw(SplittableRandom r, int n) {
                Measurement m = base.draw(r, n);
                if (m.intervals() == null) {
                    throw new IllegalArgumentException("withOutliers takes interval sources only");
                }
                List<Double> v = new ArrayList<>(m.intervals().values());
                for (int i = 0; i < v.size(); i++) {
                    if (r.nextDouble() < rate) {
                        v.set(i, v.get(i) / factor);
                    }
                }
                return new Measurement(
                        "r",
                        "fs.write",
                        "throughput",
                        "B/s",
                        Map.of(),
                        n,
                        null,
                        null,
                        new IntervalSeries(10_000_000L, v),
                        Map.of(),
                        null);
            }

            @Override
            public double truth(double q) {
                return base.truth(q);
            }
        };
    }

    /** Latencies around 100 us with 16 level shifts (log-sd tau) and isolated operations {@code factor} times slower at {@code rate}: a busy scheduler. */
    static Source shiftsWithOutliers(double tau, double rate, double factor) {
        return new Source() {
            @Override
            public Measurement draw(SplittableRandom r, int n) {
                long[] v = new long[n];
                double level = 0;
                for (int i = 0; i < n; i++) {
                    if (i % Math.max(1, n / 16) == 0) {
                        level = tau * gauss(r);
                    }
                    double x = 1e5 * Math.exp(level + 0.25 * gauss(r));
                    if (r.nextDouble() < rate) {
                        x *= factor;
                    }
                    v[i] = Math.max(1, Math.round(x));
                }
                return Synthetic.measurement(v, n, true);
            }

            @Override
            public double truth(double q) {
                return shifts(tau).truth(q) / 10;
            }
        };
    }

    /**
     * {@code s}'s operations for {@code durationNs} of run time (as a probe's round that runs for its
     * share of the budget), whatever their count: the {@code n} asked for is ignored. 2.5 s gives
     * one round exactly 16 time blocks of 160 ms, as many as a result keeps a round.
     */
    static Source timed(Synthetic s, long durationNs) {
        return new Source() {
            @Override
            public Measurement draw(SplittableRandom r, int n) {
                long[] v = s.stream(r, (int) (durationNs / 100_000L));
                long t = 0;
                int k = 0;
                while (k < v.length && t + v[k] <= durationNs) {
                    t += v[k];
                    k++;
                }
                return Synthetic.measurement(v, k, true);
            }

            @Override
            public double truth(double q) {
                return s.trueQuantile(q);
            }
        };
    }

    /**
     * {@code base} probed in {@code rounds} rounds of equal length, combined as adaptive probing
     * combines them ({@link Rounds#combine}): a longer series of time blocks than one round keeps.
     */
    static Source rounds(Source base, int rounds) {
        return new Source() {
            @Override
            public Measurement draw(SplittableRandom r, int n) {
                Measurement m = base.draw(r, n / rounds);
                for (int i = 1; i < rounds; i++) {
                    m = Rounds.combine(m, base.draw(r, n / rounds));
                }
                return m;
            }

            @Override
            public double truth(double q) {
                return base.truth(q);
            }
        };
    }

    /**
     * Platform noise as a 1-ms sleep sees it (compute.jitter on a VM with a busy neighbour): calm
     * values around 100 us (log-sd 0.25), and hiccups 16 times longer (log-sd 0.5) whose share is
     * drawn anew for each of 32 parts of the run, exponentially around {@code meanShare}: most parts
     * see almost none, a few see several times the mean. The long-run distribution depends on the
     * mean share only (the mixture is linear in it), so the truth is exact.
     */
    static Source modulatedHiccups(double meanShare) {
        return new Source() {
            @Override
            public Measurement draw(SplittableRandom r, int n) {
                long[] v = new long[n];
                double share = 0;
                for (int i = 0; i < n; i++) {
                    if (i % Math.max(1, n / 32) == 0) {
                        share = Math.min(1, -meanShare * Math.log(1 - r.nextDouble()));
                    }
                    boolean hiccup = r.nextDouble() < share;
                    double x = hiccup ? 1.6e6 * Math.exp(0.5 * gauss(r)) : 1e5 * Math.exp(0.25 * gauss(r));
                    v[i] = Math.max(1, Math.round(x));
                }
                return Synthetic.measurement(v, n, true);
            }

            @Override
            public double truth(double q) {
                return quantileOf(
                        x -> (1 - meanShare) * N01.cumulativeProbability(Math.log(x / 1e5) / 0.25)
                                + meanShare * N01.cumulativeProbability(Math.log(x / 1.6e6) / 0.5),
                        q,
                        1e3,
                        1e9);
            }
        };
    }

    /**
     * The q-quantile of log-normal values (log-sd sigma) whose median moves from median e^-tau to
     * median e^tau evenly over the run: the mixture over 400 positions, by bisection on its CDF.
     */
    static double trendQuantile(double q, double median, double tau, double sigma) {
        return quantileOf(
                x -> {
                    double cdf = 0;
                    for (int j = 0; j < 400; j++) {
                        double level = -tau + 2 * tau * (j + 0.5) / 400;
                        cdf += N01.cumulativeProbability((Math.log(x / median) - level) / sigma) / 400;
                    }
                    return cdf;
                },
                q,
                median * 1e-3,
                median * 1e3);
    }

    /** The q-quantile of a continuous CDF, by bisection on the log scale between {@code lo} and {@code hi}. */
    static double quantileOf(java.util.function.DoubleUnaryOperator cdf, double q, double lo, double hi) {
        for (int it = 0; it < 200; it++) {
            double mid = Math.sqrt(lo * hi);
            if (cdf.applyAsDouble(mid) < q) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    static double gauss(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
