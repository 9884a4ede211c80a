package io.iocert.probes.compute;

import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Summary;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Workload;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code compute.memory-bandwidth}: STREAM-style memory bandwidth, measured by the
 * {@link StreamBenchmark} kernels under JMH in a forked JVM ({@link JmhDriver}).
 *
 * <p><b>Workload.</b> {@code kernel} copy, scale, add or triad (default triad); {@code threads}
 * a count or {@code all} (default 1); {@code arraySize} the bytes of each of the three arrays
 * over all threads (default four times the total last-level cache read from sysfs, STREAM's
 * rule, or 256 MiB where sysfs does not tell), shared out evenly, each thread with its own
 * arrays; {@code duration} the measured time (default: what the budget leaves, see
 * {@link JmhPlan}).
 *
 * <p><b>Metric.</b> {@code throughput} in B/s, one value per JMH measurement iteration (every
 * iteration kept; warm-up iterations are not measured), over all threads, counting bytes the
 * STREAM way ({@link StreamKernel}): 16 bytes per element for copy and scale, 24 for add and
 * triad, write-allocate traffic not counted.
 *
 * <p><b>Context:</b> {@code byteCounting} (stream), {@code lastLevelCacheBytes} when known,
 * {@code cacheAffected} (true when an array is smaller than four times the last-level cache, so
 * caches serve part of the traffic), {@code arraySizeSource} (lastLevelCache, default or
 * workload), {@code jmh} (version, forks, warm-up and measured iterations), {@code heapPages}
 * ({@code transparentHuge} when the fork's heap asked for transparent huge pages, which the
 * kernel offers in its {@code always} and {@code madvise} modes; else {@code base}) and
 * {@code transparentHugePages} (the kernel's mode, {@link TransparentHugePages}). Huge pages make
 * setting up the arrays seconds faster (far fewer page faults) and take TLB misses out of the
 * sweep; {@code bench/memory-vs-c.sh} gives its C kernel the same pages.
 *
 * <p><b>What spoils it:</b> other memory-hungry processes (the memory bus is shared, and steal
 * shows only CPU time taken), transparent huge pages being compacted, a NUMA policy that puts
 * all arrays on one node, CPU frequency limits. JMH's own fork runs the kernels; the arrays are
 * on the Java heap, so the fork's heap is sized to hold them.
 */
public final class MemoryBandwidthProbe implements Probe {
    static final long DEFAULT_ARRAY_BYTES_WITHOUT_CACHE_INFO = 256L << 20;
    static final int LLC_MULTIPLE = 4;
    private static final long HEAP_MARGIN_BYTES = 256L << 20;
    /** Set-up in the fork: allocating and filling the arrays, assumed at 1 byte per ns at worst. */
    private static final long SETUP_NS_PER_BYTE = 1;

    /** The resolved workload. */
    record Settings(
            StreamKernel kernel,
            int threads,
            long arrayBytes,
            int elementsPerThread,
            String arraySizeSource,
            OptionalLong lastLevelCacheBytes,
            OptionalLong durationNs) {
        boolean cacheAffected() {
            return lastLevelCacheBytes.isPresent() && arrayBytes < LLC_MULTIPLE * lastLevelCacheBytes.getAsLong();
        }

        long allArraysBytes() {
            return 3L * arrayBytes;
        }
    }

    /** Each run forks a JVM for JMH (about 1.5 s): one run with the whole budget measures more. */
    @Override
    public boolean runsInRounds() {
        return false;
    }

    @Override
    public ProbeType type() {
        return ProbeType.COMPUTE_MEMORY_BANDWIDTH;
    }

    static Settings resolve(Workload w, int availableProcessors, OptionalLong lastLevelCache) throws ProbeException {
        ProbeType probe = ProbeType.COMPUTE_MEMORY_BANDWIDTH;
        ComputeWorkload.rejectUnknownKeys(probe, w);
        String k = w.text("kernel", probe.defaultWord("kernel"));
        StreamKernel kernel = null;
        for (StreamKernel candidate : StreamKernel.values()) {
            if (candidate.id().equals(k)) {
                kernel = candidate;
            }
        }
        if (kernel == null) {
            throw ComputeWorkload.wrongType(probe, w, "kernel");
        }
        int threads = ComputeWorkload.threads(probe, w, availableProcessors);
        OptionalLong asked = ComputeWorkload.size(probe, w, "arraySize");
        long requested;
        String source;
        if (asked.isPresent()) {
            requested = asked.getAsLong();
            source = "workload";
        } else if (lastLevelCache.isPresent()) {
            requested = LLC_MULTIPLE * lastLevelCache.getAsLong();
            source = "lastLevelCache";
        } else {
            requested = DEFAULT_ARRAY_BYTES_WITHOUT_CACHE_INFO;
            source = "default";
        }
        long perThread = requested / Double.BYTES / threads;
        long elements = perThread / StreamBenchmark.CHUNK * StreamBenchmark.CHUNK;
        if (!asked.isPresent() && elements < perThread) {
            elements += StreamBenchmark.CHUNK; // the default is a minimum: round up
        }
        if (elements < StreamBenchmark.CHUNK) {
            throw new ProbeException("arraySize " + Quantity.bytes(requested).format() + " is too small for " + threads
                    + " threads of " + probe.id() + ": each thread needs at least "
                    + Quantity.bytes(StreamBenchmark.CHUNK * (double) Double.BYTES)
                            .format() + " per array");
        }
        if (elements > Integer.MAX_VALUE - 8) {
            throw new ProbeException(
                    "arraySize " + Quantity.bytes(requested).format() + " gives " + elements
                            + " doubles per thread and array, more than a Java array holds; use more threads or a smaller arraySize");
        }
        long arrayBytes = elements * Double.BYTES * threads;
        return new Settings(
                kernel,
                threads,
                arrayBytes,
                (int) elements,
                source,
                lastLevelCache,
                ComputeWorkload.duration(probe, w, "duration"));
    }

    @Override
    public List<Measurement> run(Requirement requirement, ProbeContext context) throws ProbeException {
        Settings s = resolve(
                requirement.workload(), Runtime.getRuntime().availableProcessors(), LastLevelCache.totalBytes());
        String id = type().id();
        OptionalLong available = memAvailableBytes(Path.of("/proc/meminfo"));
        long heap = s.allArraysBytes() + HEAP_MARGIN_BYTES;
        if (available.isPresent() && heap > available.getAsLong()) {
            throw new ProbeException(id + " needs " + Quantity.bytes(heap).format() + " of memory for three arrays of "
                    + Quantity.bytes(s.arrayBytes()).format() + " (arraySize, from " + s.arraySizeSource()
                    + ") but only " + Quantity.bytes(available.getAsLong()).format()
                    + " is available (MemAvailable); lower arraySize");
        }
        JmhPlan plan =
                JmhPlan.fit(id, context.budget().toNanos(), s.allArraysBytes() * SETUP_NS_PER_BYTE, s.durationNs());
        context.progress().update(requirement.id(), -1, s.kernel().id() + ", " + s.threads() + " thread(s), JMH fork");
        String thp = TransparentHugePages.mode();
        boolean hugePages = TransparentHugePages.usable(thp);
        List<Double> opsPerSecond = JmhDriver.run(
                StreamBenchmark.class,
                s.kernel().id(),
                s.threads(),
                Map.of("elements", Integer.toString(s.elementsPerThread())),
                plan,
                heap,
                hugePages);
        double bytesPerOp = (double) StreamBenchmark.CHUNK * s.kernel().bytesPerElement();
        List<Double> rates = new ArrayList<>();
        for (double ops : opsPerSecond) {
            rates.add(ops * bytesPerOp);
        }
        context.progress().update(requirement.id(), 1, "done");

        Map<String, Object> asRun = new LinkedHashMap<>();
        asRun.put("kernel", s.kernel().id());
        asRun.put("threads", (long) s.threads());
        asRun.put("arraySize", s.arrayBytes());
        asRun.put("duration", plan.measuredNs());
        asRun.put(ProbeType.INTERVAL, plan.iterationNs());
        asRun.put("warmup", plan.warmupNs());
        Map<String, String> ctx = new LinkedHashMap<>();
        ctx.put("byteCounting", "stream");
        s.lastLevelCacheBytes().ifPresent(b -> ctx.put("lastLevelCacheBytes", Long.toString(b)));
        ctx.put("arraySizeSource", s.arraySizeSource());
        ctx.put("cacheAffected", Boolean.toString(s.cacheAffected()));
        ctx.put("jmh", jmhDescription(plan));
        ctx.put("heapPages", hugePages ? "transparentHuge" : "base");
        ctx.put("transparentHugePages", thp);
        return List.of(new Measurement(
                requirement.id(),
                id,
                Metric.THROUGHPUT.id(),
                Metric.THROUGHPUT.dimension().canonicalUnit(),
                asRun,
                rates.size(),
                Summary.of(rates),
                null,
                new IntervalSeries(plan.iterationNs(), rates),
                ctx,
                null));
    }

    static String jmhDescription(JmhPlan plan) {
        return String.format(
                Locale.ROOT,
                "%s, 1 fork, %d warm-up + %d measured iterations of %d ms",
                org.openjdk.jmh.util.Version.getPlainVersion(),
                plan.warmupIterations(),
                plan.measurementIterations(),
                plan.iterationNs() / 1_000_000L);
    }

    static OptionalLong memAvailableBytes(Path meminfo) {
        try {
            for (String line : Files.readAllLines(meminfo, StandardCharsets.US_ASCII)) {
                if (line.startsWith("MemAvailable:")) {
                    String[] f =
                            line.substring("MemAvailable:".length()).strip().split("\\s+");
                    if (f.length == 2 && f[1].equals("kB")) {
                        return OptionalLong.of(Long.parseLong(f[0]) * 1024);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }
}
