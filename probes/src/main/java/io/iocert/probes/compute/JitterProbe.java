package io.iocert.probes.compute;

import io.iocert.probes.NanoClock;
import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.measure.Crew;
import io.iocert.probes.measure.Histograms;
import io.iocert.results.BlockRecorder;
import io.iocert.results.Measurement;
import io.iocert.results.Summary;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Workload;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * {@code compute.jitter}: platform noise seen by a thread that wants the CPU at a steady
 * pace, in the style of jHiccup (sleep mode) and of the fixed-work-quantum benchmark (work
 * mode). Runs in this JVM, not under JMH: it measures the platform's stalls, and JMH's
 * iteration machinery would only add its own.
 *
 * <p><b>Workload.</b> {@code mode} sleep (default) parks for {@code interval}; work runs a
 * quantum of integer work calibrated per thread to take {@code interval} undisturbed
 * ({@link WorkQuantum}). {@code interval} defaults to 1 ms (10 us to 1 s); {@code threads} a
 * count or {@code all} (default 1), each its own loop; {@code duration} the measured time
 * (default: the budget less a warm-up of a tenth of it, at most 200 ms, and
 * {@value #OVERHEAD_MS} ms for calibration and start).
 *
 * <p><b>Metric.</b> {@code hiccup} in ns, one value per quantum, in HdrHistogram: how much
 * longer than expected the quantum took (the sleep interval, or the calibrated undisturbed
 * time of the work quantum), corrected for coordinated omission ({@link HiccupLoop}); the
 * histogram of all threads merged.
 *
 * <p><b>Context:</b> {@code mode}, {@code expectedQuantumNs} (the shortest of the threads'
 * expected times), {@code quanta} (quanta actually run; the histogram's count also holds the
 * values added for coordinated omission), {@code coordinatedOmission} (corrected),
 * {@code jvmGcCollections} and {@code jvmGcMs} (this JVM's garbage collections while the threads
 * ran, and their time: the runner collects before each round so that normally none falls inside).
 *
 * <p><b>What it shows, and what spoils it:</b> in sleep mode the timer slack (50 us for a
 * normal Linux thread) and wake-up latency are part of every value, so the floor is tens of
 * microseconds; steal time, a cgroup CPU quota (a throttled period is one long hiccup),
 * interrupts, other runnable threads and the JVM's own safepoints show as hiccups. Busy
 * threads of the probe itself count against {@code threads: all} in work mode: with all cores
 * spinning any other activity (including iocert's own bookkeeping) must preempt one of them.
 */
public final class JitterProbe implements Probe {
    static final long MIN_INTERVAL_NS = 10_000L;
    static final long MAX_INTERVAL_NS = 1_000_000_000L;
    static final long MAX_WARMUP_NS = 200_000_000L;
    static final long OVERHEAD_MS = 300;
    private static final long CALIBRATION_BUDGET_NS = 100_000_000L;

    enum Mode {
        SLEEP,
        WORK
    }

    record Settings(Mode mode, long intervalNs, int threads, OptionalLong durationNs) {}

    /** The resolved timing: warm-up and measured time. */
    record Timing(long warmupNs, long durationNs) {}

    /** Collections so far and their accumulated time (ms) over this JVM's collectors; -1 where unknown. */
    static long[] collections() {
        long count = 0;
        long ms = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            ms += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, ms};
    }

    @Override
    public ProbeType type() {
        return ProbeType.COMPUTE_JITTER;
    }

    static Settings resolve(Workload w, int availableProcessors) throws ProbeException {
        ProbeType probe = ProbeType.COMPUTE_JITTER;
        ComputeWorkload.rejectUnknownKeys(probe, w);
        String m = w.text("mode", probe.defaultWord("mode"));
        Mode mode = switch (m) {
            case "sleep" -> Mode.SLEEP;
            case "work" -> Mode.WORK;
            default -> throw ComputeWorkload.wrongType(probe, w, "mode");
        };
        long interval =
                ComputeWorkload.duration(probe, w, ProbeType.INTERVAL).orElse(probe.defaultNumber(ProbeType.INTERVAL));
        if (interval < MIN_INTERVAL_NS || interval > MAX_INTERVAL_NS) {
            throw new ProbeException("interval " + Quantity.nanos(interval).format() + " is outside what " + probe.id()
                    + " supports (" + Quantity.nanos(MIN_INTERVAL_NS).format() + " to "
                    + Quantity.nanos(MAX_INTERVAL_NS).format()
                    + ")");
        }
        return new Settings(
                mode,
                interval,
                ComputeWorkload.threads(probe, w, availableProcessors),
                ComputeWorkload.duration(probe, w, "duration"));
    }

    static Timing timing(Settings s, long budgetNs) throws ProbeException {
        long warmup = Math.min(MAX_WARMUP_NS, budgetNs / 10);
        long left = budgetNs - warmup - OVERHEAD_MS * 1_000_000L;
        long duration = s.durationNs().orElse(left);
        if (duration > left || duration < 10 * s.intervalNs()) {
            throw new ProbeException(
                    "compute.jitter: " + (s.durationNs().isPresent() ? "duration " : "the measured time ")
                            + Quantity.nanos(Math.max(0, duration)).format() + " must hold at least ten intervals of "
                            + Quantity.nanos(s.intervalNs()).format() + " and fit the budget of "
                            + Quantity.nanos(budgetNs).format()
                            + " after "
                            + Quantity.nanos(warmup + OVERHEAD_MS * 1_000_000L).format()
                            + " of warm-up and calibration; raise the budget or change duration or interval");
        }
        return new Timing(warmup, duration);
    }

    /** How often the probe reports progress while its threads run. */
    private static final long PROGRESS_PERIOD_NS = 250_000_000L;

    @Override
    public List<Measurement> run(Requirement requirement, ProbeContext context)
            throws ProbeException, InterruptedException {
        Settings s = resolve(requirement.workload(), Runtime.getRuntime().availableProcessors());
        long budgetNs = context.budget().toNanos();
        Timing timing = timing(s, budgetNs);
        NanoClock clock = context.clock();
        long probeStart = clock.nanoTime();
        int runs = (int) Math.max(3, Math.min(30, CALIBRATION_BUDGET_NS / s.intervalNs()));

        long[] window = new long[2];
        List<Histogram> histograms = new ArrayList<>();
        List<HiccupLoop> loops = new ArrayList<>();
        long[] expected = new long[s.threads()];
        List<Crew.Member<Void>> members = new ArrayList<>();
        for (int i = 0; i < s.threads(); i++) {
            Histogram h = Histograms.latency();
            histograms.add(h);
            int index = i;
            members.add(new Crew.Member<>() {
                private HiccupLoop loop;

                @Override
                public void prepare() {
                    HiccupLoop.Quantum q;
                    if (s.mode() == Mode.WORK) {
                        WorkQuantum.Calibrated c = WorkQuantum.calibrate(clock, s.intervalNs(), runs);
                        q = c.quantum();
                        expected[index] = c.expectedNs();
                    } else {
                        q = () -> LockSupport.parkNanos(s.intervalNs());
                        expected[index] = s.intervalNs();
                    }
                    loop = new HiccupLoop(clock, q, expected[index], h);
                    synchronized (loops) {
                        loops.add(loop);
                    }
                }

                @Override
                public Void measure() throws InterruptedException {
                    loop.run(window[0], window[1]);
                    return null;
                }
            });
        }
        long[] gcBefore;
        long[] gcAfter;
        try (Crew<Void> crew = Crew.start("compute.jitter", members, new AtomicBoolean())) {
            long calibrationDeadline = probeStart + OVERHEAD_MS * 1_000_000L;
            if (!crew.awaitPrepared(Math.max(1, calibrationDeadline - clock.nanoTime()) + 2_000_000_000L)) {
                throw new ProbeException("compute.jitter: the threads did not finish calibrating in time");
            }
            // This JVM's own collector pauses every thread, the measuring one included; the
            // runner collects before each round (ProbeRunner) so that normally none falls in the
            // window. What the collector still does there is counted (jvmGcCollections, jvmGcMs).
            long start = clock.nanoTime();
            window[0] = start + timing.warmupNs();
            window[1] = window[0] + timing.durationNs();
            crew.release(); // publishes window to the threads
            long end = window[1];
            gcBefore = collections();
            crew.awaitAll(PROGRESS_PERIOD_NS, () -> {
                long now = clock.nanoTime();
                double done = Math.max(0, Math.min(1, (double) (now - start) / (end - start)));
                context.progress()
                        .update(
                                requirement.id(),
                                done,
                                s.mode().name().toLowerCase(java.util.Locale.ROOT)
                                        + " "
                                        + Quantity.nanos(s.intervalNs()).format() + ", "
                                        + Quantity.nanos(Math.ceil(Math.max(0, end - now) / 1e9) * 1e9)
                                                .format() + " left");
                if (now - end > s.intervalNs() + 5_000_000_000L) {
                    throw new ProbeException("compute.jitter: a thread did not end 5 s after the measured time;"
                            + " the machine is stalled or overloaded");
                }
            });
            gcAfter = collections();
        }
        context.progress().update(requirement.id(), 1, "done");

        Histogram all = Histograms.latency();
        histograms.forEach(all::add);
        long quanta = loops.stream().mapToLong(HiccupLoop::measuredQuanta).sum();
        BlockRecorder blocks = new BlockRecorder(window[0]);
        loops.stream().map(HiccupLoop::blocks).filter(b -> b != null).forEach(blocks::merge);
        long minExpected = Long.MAX_VALUE;
        for (long e : expected) {
            minExpected = Math.min(minExpected, e);
        }
        Map<String, Object> asRun = new LinkedHashMap<>();
        asRun.put("mode", s.mode().name().toLowerCase(java.util.Locale.ROOT));
        asRun.put(ProbeType.INTERVAL, s.intervalNs());
        asRun.put("threads", (long) s.threads());
        asRun.put("duration", timing.durationNs());
        asRun.put("warmup", timing.warmupNs());
        Map<String, String> ctx = new LinkedHashMap<>();
        ctx.put("mode", (String) asRun.get("mode"));
        ctx.put("expectedQuantumNs", Long.toString(minExpected));
        ctx.put("quanta", Long.toString(quanta));
        ctx.put("coordinatedOmission", "corrected");
        if (gcBefore != null && gcAfter != null) {
            // Collections of this JVM while the threads measured (warm-up included): each
            // paused the measuring threads too.
            ctx.put("jvmGcCollections", Long.toString(gcAfter[0] - gcBefore[0]));
            ctx.put("jvmGcMs", Long.toString(gcAfter[1] - gcBefore[1]));
        }
        String error = quanta == 0 ? "no quantum completed in the measured time" : null;
        return List.of(new Measurement(
                requirement.id(),
                type().id(),
                Metric.HICCUP.id(),
                Metric.HICCUP.dimension().canonicalUnit(),
                asRun,
                all.getTotalCount(),
                Summary.of(all),
                all,
                null,
                blocks.series(),
                ctx,
                error));
    }
}
