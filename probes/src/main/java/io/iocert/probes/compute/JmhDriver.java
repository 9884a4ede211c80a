package io.iocert.probes.compute;

import io.iocert.probes.ProbeException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs one JMH benchmark method programmatically: one forked JVM (the same java and class
 * path as this one: from the fat jar, the jar itself, whose {@code META-INF/BenchmarkList}
 * JMH reads), explicit warm-up and measurement, throughput mode, iterations synchronised
 * across threads. Returns the score of every measured iteration, never a best-of or a mean.
 *
 * <p>JMH's console output is captured, never printed; its tail goes into the error message
 * when the fork fails. JMH normally refuses to run while another JMH run holds its lock file
 * in the temporary directory; iocert ignores that lock (sets {@code jmh.ignoreLock} unless the
 * user set it): a concurrent benchmark disturbs the measurement like any other load, and the
 * steal and load context of the result is where that shows.
 *
 * <p>Files: JMH keeps the fork's console output in temporary files under
 * {@code java.io.tmpdir} while the fork runs and deletes them afterwards; the benchmarks
 * themselves write nothing, and nothing goes to the fs-path.
 */
final class JmhDriver {
    private static final int OUTPUT_TAIL_CHARS = 2000;
    /** JMH's system property for its blackhole mode. */
    static final String BLACKHOLE_MODE = "jmh.blackhole.mode";

    private JmhDriver() {}

    /**
     * @param benchmark the benchmark class
     * @param method    its {@code @Benchmark} method
     * @param threads   benchmark threads in the fork
     * @param params    {@code @Param} values
     * @param heapBytes the fork's maximum heap
     * @param hugePages whether the fork's heap asks for transparent huge pages
     *                  ({@code -XX:+UseTransparentHugePages}; the caller checks the kernel offers them)
     * @return ops/s over all threads, one value per measured iteration
     */
    static List<Double> run(
            Class<?> benchmark,
            String method,
            int threads,
            Map<String, String> params,
            JmhPlan plan,
            long heapBytes,
            boolean hugePages)
            throws ProbeException {
        if (System.getProperty("jmh.ignoreLock") == null) {
            System.setProperty("jmh.ignoreLock", "true");
        }
        // iocert's benchmarks return nothing and consume nothing (they write arrays), so JMH's
        // blackhole is never on their path and its mode cannot change what they measure. Left to
        // detect it, JMH starts two JVMs with -version (0.2-0.7 s of a 4-s memory-bandwidth
        // requirement) to see whether the compiler's blackholes are available; naming the mode
        // skips that. BenchmarkShapeTest keeps the benchmarks void.
        if (System.getProperty(BLACKHOLE_MODE) == null) {
            System.setProperty(BLACKHOLE_MODE, "FULL_DONTINLINE");
        }
        long heapMiB = Math.max(64, (heapBytes + (1 << 20) - 1) >> 20);
        // The young generation is kept small and fixed: large arrays are allocated straight into
        // the old generation, which by the collector's default ratio would get only two thirds of
        // the heap, too little for STREAM's three arrays sized to fill it (an OutOfMemoryError
        // on machines whose cache size is unknown, where the arrays default to 256 MiB each).
        long youngMiB = Math.max(8, Math.min(64, heapMiB / 4));
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + Pattern.quote(benchmark.getName() + "." + method) + "$")
                .forks(1)
                .warmupForks(0)
                .threads(threads)
                .syncIterations(true)
                .mode(Mode.Throughput)
                .timeUnit(TimeUnit.SECONDS)
                .warmupIterations(plan.warmupIterations())
                .warmupTime(TimeValue.milliseconds(plan.iterationNs() / 1_000_000L))
                .measurementIterations(plan.measurementIterations())
                .measurementTime(TimeValue.milliseconds(plan.iterationNs() / 1_000_000L))
                .shouldDoGC(false)
                .shouldFailOnError(true)
                .jvmArgs(jvmArgs(heapMiB, youngMiB, hugePages));
        params.forEach(options::param);
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        Collection<RunResult> results;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            Runner runner =
                    new Runner(options.build(), OutputFormatFactory.createFormatInstance(out, VerboseMode.NORMAL));
            results = runner.run();
        } catch (RunnerException | RuntimeException e) {
            throw new ProbeException("the JMH fork for " + method + " failed: " + e.getMessage() + tail(captured), e);
        }
        List<Double> scores = new ArrayList<>();
        for (RunResult r : results) {
            for (BenchmarkResult b : r.getBenchmarkResults()) {
                for (IterationResult i : b.getIterationResults()) {
                    scores.add(i.getPrimaryResult().getScore());
                }
            }
        }
        if (scores.isEmpty()) {
            throw new ProbeException("JMH returned no iterations for " + benchmark.getSimpleName() + "." + method
                    + " (is META-INF/BenchmarkList missing from the jar?)" + tail(captured));
        }
        return scores;
    }

    static String[] jvmArgs(long heapMiB, long youngMiB, boolean hugePages) {
        List<String> args = new ArrayList<>(
                List.of("-Xms" + heapMiB + "m", "-Xmx" + heapMiB + "m", "-Xmn" + youngMiB + "m", "-XX:+UseParallelGC"));
        if (hugePages) {
            args.add("-XX:+UseTransparentHugePages");
        }
        return args.toArray(String[]::new);
    }

    private static String tail(ByteArrayOutputStream captured) {
        String s = captured.toString(StandardCharsets.UTF_8).strip();
        if (s.isEmpty()) {
            return "";
        }
        return "; JMH said: "
                + (s.length() > OUTPUT_TAIL_CHARS ? "..." + s.substring(s.length() - OUTPUT_TAIL_CHARS) : s);
    }
}
