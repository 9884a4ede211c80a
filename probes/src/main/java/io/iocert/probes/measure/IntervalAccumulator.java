package io.iocert.probes.measure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bytes and operations per fixed-length time bucket, counted from an origin.
 *
 * <p>An operation that spans several buckets is split among them in proportion to the time
 * it spent in each, so a bucket's rate does not jump by a whole block depending on which
 * side of a boundary an operation happened to complete. Time before the origin (warm-up) is
 * dropped. One accumulator per thread, merged at the end: no sharing while measuring.
 */
public final class IntervalAccumulator {
    private final long originNs;
    private final long bucketNs;
    private final int maxBuckets;
    private double[] bytes = new double[64];
    private double[] ops = new double[64];
    private int used;

    /**
     * @param maxBuckets buckets kept; time beyond {@code originNs + maxBuckets * bucketNs} is dropped
     */
    public IntervalAccumulator(long originNs, long bucketNs, int maxBuckets) {
        if (bucketNs <= 0 || maxBuckets <= 0) {
            throw new IllegalArgumentException("bucketNs and maxBuckets must be positive");
        }
        this.originNs = originNs;
        this.bucketNs = bucketNs;
        this.maxBuckets = maxBuckets;
    }

    public long bucketNs() {
        return bucketNs;
    }

    /** Accounts one operation of {@code n} bytes that ran from {@code startNs} to {@code endNs}. */
    public void add(long startNs, long endNs, long n) {
        if (endNs < originNs || (endNs == originNs && startNs < endNs)) {
            return;
        }
        long durationNs = endNs - startNs;
        if (durationNs <= 0) {
            addTo(bucketOf(endNs), n, 1.0);
            return;
        }
        long from = Math.max(startNs, originNs);
        long first = bucketOf(from);
        long last = bucketOf(endNs - 1);
        for (long k = first; k <= last && k < maxBuckets; k++) {
            long bucketStart = originNs + k * bucketNs;
            long overlap = Math.min(endNs, bucketStart + bucketNs) - Math.max(from, bucketStart);
            double share = (double) overlap / durationNs;
            addTo(k, n * share, share);
        }
    }

    /** Adds another accumulator with the same origin and bucket length. */
    public void merge(IntervalAccumulator other) {
        if (other.originNs != originNs || other.bucketNs != bucketNs) {
            throw new IllegalArgumentException("accumulators differ in origin or bucket length");
        }
        for (int k = 0; k < other.used; k++) {
            addTo(k, other.bytes[k], other.ops[k]);
        }
    }

    /** Bytes per second in each whole interval within {@code spanNs}; a partial tail is left out. */
    public List<Double> bytesPerSecond(long intervalNs, long spanNs) {
        return rates(bytes, intervalNs, spanNs);
    }

    /** Operations per second in each whole interval within {@code spanNs}. */
    public List<Double> opsPerSecond(long intervalNs, long spanNs) {
        return rates(ops, intervalNs, spanNs);
    }

    private List<Double> rates(double[] perBucket, long intervalNs, long spanNs) {
        if (intervalNs % bucketNs != 0) {
            throw new IllegalArgumentException(
                    "interval " + intervalNs + " ns is not a multiple of the bucket " + bucketNs + " ns");
        }
        int per = Math.toIntExact(intervalNs / bucketNs);
        long intervals = Math.min(spanNs / intervalNs, maxBuckets / per);
        double seconds = intervalNs / 1e9;
        List<Double> out = new ArrayList<>();
        for (long i = 0; i < intervals; i++) {
            double sum = 0;
            for (int j = 0; j < per; j++) {
                long k = i * per + j;
                sum += k < used ? perBucket[(int) k] : 0;
            }
            out.add(sum / seconds);
        }
        return out;
    }

    private long bucketOf(long t) {
        return (t - originNs) / bucketNs;
    }

    private void addTo(long k, double b, double o) {
        if (k < 0 || k >= maxBuckets) {
            return;
        }
        int i = (int) k;
        if (i >= bytes.length) {
            int n = Math.min(maxBuckets, Math.max(i + 1, bytes.length * 2));
            bytes = Arrays.copyOf(bytes, n);
            ops = Arrays.copyOf(ops, n);
        }
        bytes[i] += b;
        ops[i] += o;
        used = Math.max(used, i + 1);
    }
}
