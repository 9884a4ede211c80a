package io.iocert.probes.compute;

import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Summary;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import io.iocert.spec.Workload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@code compute.flops}: double-precision fused multiply-add throughput, measured by
 * {@link FmaBenchmark} under JMH in a forked JVM.
 *
 * <p><b>Workload.</b> {@code threads} a count or {@code all} (default 1), each thread with its
 * own L1-resident data; {@code duration} the measured time (default: what the budget leaves,
 * see {@link JmhPlan}).
 *
 * <p><b>Metric.</b> {@code flops} in FLOP/s over all threads, one value per JMH measurement
 * iteration, an FMA counting as two operations. The figure is what the JIT makes of
 * {@code Math.fma} over an array (SIMD width as the JVM chooses it: C2 may use narrower
 * vectors than the CPU offers), so it is a sustained rate for JVM-style code, not the CPU's
 * datasheet peak.
 *
 * <p><b>Context:</b> {@code flopsPerFma} (2), {@code jmh}.
 *
 * <p><b>What spoils it:</b> steal time, other runnable threads on the same cores (and an SMT
 * sibling busy on its own FMAs), CPU frequency limits, a cgroup CPU quota (the rate drops
 * in proportion).
 */
public final class FlopsProbe implements Probe {

    record Settings(int threads, OptionalLong durationNs) {}

    /** Each run forks a JVM for JMH (about 1.5 s): one run with the whole budget measures more. */
    @Override
    public boolean runsInRounds() {
        return false;
    }

    @Override
    public ProbeType type() {
        return ProbeType.COMPUTE_FLOPS;
    }

    static Settings resolve(Workload w, int availableProcessors) throws ProbeException {
        ProbeType probe = ProbeType.COMPUTE_FLOPS;
        ComputeWorkload.rejectUnknownKeys(probe, w);
        return new Settings(
                ComputeWorkload.threads(probe, w, availableProcessors), ComputeWorkload.duration(probe, w, "duration"));
    }

    @Override
    public List<Measurement> run(Requirement requirement, ProbeContext context) throws ProbeException {
        Settings s = resolve(requirement.workload(), Runtime.getRuntime().availableProcessors());
        String id = type().id();
        JmhPlan plan = JmhPlan.fit(id, context.budget().toNanos(), 0, s.durationNs());
        context.progress().update(requirement.id(), -1, s.threads() + " thread(s), JMH fork");
        List<Double> opsPerSecond =
                JmhDriver.run(FmaBenchmark.class, "fma", s.threads(), Map.of(), plan, 64L << 20, false);
        List<Double> rates = new ArrayList<>();
        for (double ops : opsPerSecond) {
            rates.add(ops * FmaBenchmark.FLOPS_PER_OP);
        }
        context.progress().update(requirement.id(), 1, "done");
        Map<String, Object> asRun = new LinkedHashMap<>();
        asRun.put("threads", (long) s.threads());
        asRun.put("duration", plan.measuredNs());
        asRun.put(ProbeType.INTERVAL, plan.iterationNs());
        asRun.put("warmup", plan.warmupNs());
        Map<String, String> ctx = new LinkedHashMap<>();
        ctx.put("flopsPerFma", "2");
        ctx.put("jmh", MemoryBandwidthProbe.jmhDescription(plan));
        return List.of(new Measurement(
                requirement.id(),
                id,
                Metric.FLOPS.id(),
                Metric.FLOPS.dimension().canonicalUnit(),
                asRun,
                rates.size(),
                Summary.of(rates),
                null,
                new IntervalSeries(plan.iterationNs(), rates),
                ctx,
                null));
    }
}
