package io.iocert.certifier.stats;

import io.iocert.results.BlockRecorder;
import io.iocert.results.BlockSeries;
import io.iocert.results.Measurement;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * Synthetic latency streams with a known true distribution, for simulation tests: operations
 * run back to back, each completing after its own latency, so time blocks form as in a probe.
 *
 * <p>The bursty stream is a two-state Markov chain: a "calm" state with log-normal latencies
 * around {@code 1 ms} and a "stall" state twenty times slower; stalls come in runs (on average
 * {@code 1 / (1 - stay)} operations), so slow operations cluster in time as they do on a real
 * disk or network. Its stationary share of stall operations is {@code enter / (enter + 1 -
 * stay)}.
 */
public final class Synthetic {
    static final double MEDIAN_NS = 1_000_000;
    static final double SIGMA = 0.25;
    static final double STALL_FACTOR = 20;

    private final double enter;
    private final double stay;

    private Synthetic(double enter, double stay) {
        this.enter = enter;
        this.stay = stay;
    }

    /** Independent calm/stall draws with the given stall share: no clustering. */
    public static Synthetic independent(double stallShare) {
        return new Synthetic(stallShare, stallShare);
    }

    /** Stalls in runs of {@code meanRun} operations on average, with the given stationary share. */
    public static Synthetic bursty(double stallShare, double meanRun) {
        double leave = 1 / meanRun;
        return new Synthetic(stallShare * leave / (1 - stallShare), 1 - leave);
    }

    double stallShare() {
        return enter / (enter + 1 - stay);
    }

    /** The true q-quantile of the stationary distribution (bisection on its CDF). */
    public double trueQuantile(double q) {
        double lo = 1;
        double hi = MEDIAN_NS * STALL_FACTOR * 100;
        for (int i = 0; i < 200; i++) {
            double mid = Math.sqrt(lo * hi);
            if (cdf(mid) < q) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    double cdf(double x) {
        double pi = stallShare();
        return (1 - pi) * logNormalCdf(x, MEDIAN_NS) + pi * logNormalCdf(x, MEDIAN_NS * STALL_FACTOR);
    }

    private static double logNormalCdf(double x, double median) {
        return org.apache.commons.statistics.distribution.LogNormalDistribution.of(Math.log(median), SIGMA)
                .cumulativeProbability(x);
    }

    /** {@code n} operations as a latency measurement, with time blocks when {@code withBlocks}. */
    public Measurement measurement(SplittableRandom random, int n, boolean withBlocks) {
        return measurement(stream(random, n), n, withBlocks);
    }

    /** {@code n} consecutive latencies of one run. */
    public long[] stream(SplittableRandom random, int n) {
        long[] out = new long[n];
        boolean stalled = random.nextDouble() < stallShare();
        for (int i = 0; i < n; i++) {
            stalled = random.nextDouble() < (stalled ? stay : enter);
            double median = stalled ? MEDIAN_NS * STALL_FACTOR : MEDIAN_NS;
            out[i] = Math.max(1, Math.round(median * Math.exp(SIGMA * gaussian(random))));
        }
        return out;
    }

    /** The first {@code n} latencies of {@code stream} as a measurement. */
    public static Measurement measurement(long[] stream, int n, boolean withBlocks) {
        Histogram h = new Histogram(3);
        BlockRecorder blocks = new BlockRecorder(0);
        long now = 0;
        for (int i = 0; i < n; i++) {
            long latency = stream[i];
            now += latency;
            h.recordValue(latency);
            blocks.record(latency, now);
        }
        return withBlocks ? latency(h, blocks.series()) : latency(h, null);
    }

    /** Per-operation values as a latency measurement, with its time blocks (null: none); the estimators read nothing else. */
    static Measurement latency(Histogram h, BlockSeries blocks) {
        Measurement m = new Measurement(
                "r", "fs.read", "latency", "ns", Map.of(), h.getTotalCount(), null, h, null, Map.of(), null);
        return blocks == null ? m : m.withBlocks(blocks);
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller; one of the pair is enough here.
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
