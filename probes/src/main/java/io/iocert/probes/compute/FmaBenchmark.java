package io.iocert.probes.compute;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Double-precision fused multiply-add throughput as a JMH benchmark, run by
 * {@link FlopsProbe} in a forked JVM.
 *
 * <p>Each thread owns {@link #LENGTH} doubles (8 KiB, inside any L1 data cache) and one
 * operation replaces every element by {@link #CHAIN} chained {@code Math.fma(x, M, C)}: the
 * loads and stores are few next to the FMAs, the elements are independent so the JIT can put
 * them in SIMD lanes and keep enough chains in flight to hide the FMA latency, and with
 * {@code M} just below 1 the values stay near the fixed point 1.0 (no overflow, no subnormals).
 * An operation is {@link #FLOPS_PER_OP} floating-point operations (an FMA counts as two).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FmaBenchmark {
    static final int LENGTH = 1024;
    static final int CHAIN = 8;
    static final long FLOPS_PER_OP = 2L * LENGTH * CHAIN;
    private static final double M = 0.999_999;
    private static final double C = 1e-6;

    private double[] x;

    @Setup(Level.Trial)
    public void fill() {
        x = new double[LENGTH];
        Arrays.fill(x, 1.0);
    }

    @Benchmark
    public void fma() {
        double[] v = x;
        for (int i = 0; i < v.length; i++) {
            double y = v[i];
            y = Math.fma(y, M, C);
            y = Math.fma(y, M, C);
            y = Math.fma(y, M, C);
            y = Math.fma(y, M, C);
            y = Math.fma(y, M, C);
            y = Math.fma(y, M, C);
            y = Math.fma(y, M, C);
            y = Math.fma(y, M, C);
            v[i] = y;
        }
    }
}
