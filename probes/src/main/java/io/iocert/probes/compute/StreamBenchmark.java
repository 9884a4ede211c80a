package io.iocert.probes.compute;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The four STREAM kernels as JMH benchmarks, run by {@link MemoryBandwidthProbe} in a forked
 * JVM. Every benchmark thread owns three arrays of {@link #elements} doubles (its share of the
 * requested array size), allocated and written by that thread, so on a NUMA machine each
 * thread's memory sits on its own node as the kernel's first touch puts it.
 *
 * <p>One benchmark operation processes the next {@link #CHUNK} elements and wraps at the end,
 * so the arrays are swept whole, over and over, while an operation stays short: JMH ends an
 * iteration only after the operation in flight, and a full sweep of hundreds of MiB would
 * overrun short iterations (and the probe's budget) by up to a sweep each.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StreamBenchmark {
    /** Elements per operation: 256 KiB of each array. */
    static final int CHUNK = 32 * 1024;
    /** STREAM's scalar. */
    static final double Q = 3.0;

    /** Doubles per array for this thread; a multiple of {@link #CHUNK}. */
    @Param("1048576")
    public int elements;

    private double[] a;
    private double[] b;
    private double[] c;
    private int offset;

    @Setup(Level.Trial)
    public void allocate() {
        if (elements < CHUNK || elements % CHUNK != 0) {
            throw new IllegalArgumentException(
                    "elements must be a positive multiple of " + CHUNK + ", got " + elements);
        }
        a = new double[elements];
        b = new double[elements];
        c = new double[elements];
        for (int i = 0; i < elements; i++) {
            a[i] = 1.0;
            b[i] = 2.0;
            c[i] = 0.0;
        }
    }

    private int next() {
        int from = offset;
        offset = from + CHUNK == elements ? 0 : from + CHUNK;
        return from;
    }

    /** c = a: 16 bytes per element the STREAM way. */
    @Benchmark
    public void copy() {
        int from = next();
        double[] src = a;
        double[] dst = c;
        for (int i = from; i < from + CHUNK; i++) {
            dst[i] = src[i];
        }
    }

    /** b = q * c: 16 bytes per element. */
    @Benchmark
    public void scale() {
        int from = next();
        double[] src = c;
        double[] dst = b;
        for (int i = from; i < from + CHUNK; i++) {
            dst[i] = Q * src[i];
        }
    }

    /** c = a + b: 24 bytes per element. */
    @Benchmark
    public void add() {
        int from = next();
        double[] x = a;
        double[] y = b;
        double[] dst = c;
        for (int i = from; i < from + CHUNK; i++) {
            dst[i] = x[i] + y[i];
        }
    }

    /** a = b + q * c: 24 bytes per element. */
    @Benchmark
    public void triad() {
        int from = next();
        double[] x = b;
        double[] y = c;
        double[] dst = a;
        for (int i = from; i < from + CHUNK; i++) {
            dst[i] = x[i] + Q * y[i];
        }
    }
}
