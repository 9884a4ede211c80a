package io.iocert.probes.measure;

import org.HdrHistogram.Histogram;

/**
 * The one kind of histogram probes record per-operation times into: nanoseconds, three
 * significant decimal digits (a value is known to 0.1%, finer than any threshold a spec states
 * and coarse enough that a histogram of a long run stays a few tens of KiB), and a range that
 * grows with the largest value recorded, so a stall of minutes is kept rather than clipped.
 */
public final class Histograms {
    /** Significant decimal digits of every per-operation histogram. */
    public static final int DIGITS = 3;

    private Histograms() {}

    /** An empty per-operation latency histogram (nanoseconds). */
    public static Histogram latency() {
        return new Histogram(DIGITS);
    }
}
