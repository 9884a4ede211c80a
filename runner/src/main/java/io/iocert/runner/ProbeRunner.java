package io.iocert.runner;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Feasibility;
import io.iocert.certifier.Looks;
import io.iocert.certifier.Regimes;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.probes.HostLoad;
import io.iocert.probes.NanoClock;
import io.iocert.probes.NodeIdentityCollector;
import io.iocert.probes.Partner;
import io.iocert.probes.Placement;
import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.Probes;
import io.iocert.probes.StartBarrier;
import io.iocert.probes.UnusableInputException;
import io.iocert.results.LookPlan;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.Rounds;
import io.iocert.results.ToolVersion;
import io.iocert.spec.Dimension;
import io.iocert.spec.Expectation;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.Workload;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Probes every requirement of a run's spec in order and collects one {@link Result}. A
 * requirement whose probe is missing from this build, or whose probe fails, gets measurements
 * carrying the reason as their error, so the certifier reports ERROR for it and the rest still
 * run. Every measurement carries the machine's load while its probe ran ({@link HostLoad}: steal
 * and busy shares, load average) in its context, and the result the identity of the node and
 * of the storage under the fs-path.
 *
 * <p>With the {@linkplain RunConfig.Plan#ADAPTIVE adaptive} plan ({@code run}) each
 * requirement is probed in rounds, judged after each ({@link #rounds}), and {@link Feasibility}
 * is checked: before probing, each statistic the spec's own numbers cannot yield enough samples
 * for; after a requirement's first round, each one whose count only the probe knows, from the
 * rate that round measured. Warnings go to the listener and into the context of the
 * requirement's measurements of that metric ({@value #FEASIBILITY}); they change no verdict.
 *
 * <p>Time comes from the clocks it is given: the monotonic one shares out the budget and is the
 * probes' clock too, the wall clock dates the result. One runner probes one requirement at a
 * time; concurrent requirements of a coordinated run get a runner each.
 */
public final class ProbeRunner {
    /** Context key of a measurement whose statistic cannot be bounded within the budget: the warning(s). */
    public static final String FEASIBILITY = "feasibility";

    private final RunConfig config;
    private final String runId;
    private final RunListener listener;
    private final NanoClock clock;
    private final Clock wallClock;
    private final Function<ProbeType, Optional<Probe>> probes;
    /** The warnings about the requirement being probed. */
    private final List<Feasibility.Finding> warned = new ArrayList<>();
    /** Where probes wait for the start of a coordinated run; null outside one (coordinated requirements refused). */
    private StartBarrier coordinated;
    /** This participant's place among the nodes of a coordinated run (shared layouts); empty outside one. */
    private Optional<Placement> placement = Optional.empty();
    /** The nodes a coordinated interconnect requirement measures against; empty outside one. */
    private List<Partner> partners = List.of();

    /**
     * A runner on the system's clocks with the probes of this build.
     *
     * @param runId names the probes' private directories ({@code .iocert-<run-id>/})
     */
    public ProbeRunner(RunConfig config, String runId, RunListener listener) {
        this(config, runId, listener, NanoClock.SYSTEM, Clock.systemUTC(), Probes::forType);
    }

    /** A runner on the given clocks, finding each requirement's probe with {@code probes} (tests fake all three). */
    ProbeRunner(
            RunConfig config,
            String runId,
            RunListener listener,
            NanoClock clock,
            Clock wallClock,
            Function<ProbeType, Optional<Probe>> probes) {
        this.config = config;
        this.runId = runId;
        this.listener = listener;
        this.clock = clock;
        this.wallClock = wallClock;
        this.probes = probes;
    }

    /** Probes every requirement of the configuration's spec. */
    public Result run() throws UnusableInputException, InterruptedException {
        Spec spec = config.spec();
        Instant start = wallClock.instant();
        // The spec's own numbers are checked once, all before probing; each requirement's
        // measurements then carry the warnings about it.
        Map<String, List<Feasibility.Finding>> known = new LinkedHashMap<>();
        if (warns()) {
            for (Requirement r : spec.requirements()) {
                List<Feasibility.Finding> w = feasibility(r, probes).stream()
                        .filter(Feasibility.Finding::warns)
                        .toList();
                w.forEach(f -> listener.warn(f.message()));
                known.put(r.id(), w);
            }
        }
        List<Measurement> all = new ArrayList<>();
        for (Requirement r : spec.requirements()) {
            warned.clear();
            warned.addAll(known.getOrDefault(r.id(), List.of()));
            all.addAll(probe(r));
        }
        listener.clear();
        return result(spec, start, all);
    }

    /**
     * Probes requirement {@code r} of the configuration's spec as a participant of a coordinated
     * run: one round (every node runs the same length), the probe waiting at {@code barrier}
     * before it measures, against {@code with} (net probes; empty for the others).
     */
    public Result runCoordinated(Requirement r, StartBarrier barrier, Optional<Placement> place, List<Partner> with)
            throws UnusableInputException, InterruptedException {
        Instant start = wallClock.instant();
        coordinated = barrier;
        placement = place;
        partners = with;
        try {
            List<Measurement> measured = probe(r);
            listener.clear();
            return result(config.spec(), start, measured);
        } finally {
            coordinated = null;
            placement = Optional.empty();
            partners = List.of();
        }
    }

    private Result result(Spec spec, Instant start, List<Measurement> measurements) {
        return new Result(
                Result.FORMAT,
                ToolVersion.get(),
                NodeIdentityCollector.collect(config.fsPath()),
                spec.name(),
                spec.sha256(),
                start,
                wallClock.instant(),
                measurements);
    }

    /** The feasibility of every statistic of {@code r} as {@code run} would probe it. */
    public static List<Feasibility.Finding> feasibility(Requirement r) {
        return feasibility(r, Probes::forType);
    }

    private static List<Feasibility.Finding> feasibility(Requirement r, Function<ProbeType, Optional<Probe>> probes) {
        // A coordinated requirement is probed in one round on every node (runCoordinated).
        int runs = probes.apply(r.probe())
                .map(p -> p.runsInRounds() && r.coordinated().isEmpty() ? Defaults.MAX_ROUNDS : 1)
                .orElse(1);
        return Feasibility.check(r, runs);
    }

    private boolean warns() {
        return config.plan() == RunConfig.Plan.ADAPTIVE;
    }

    private List<Measurement> probe(Requirement r) throws UnusableInputException, InterruptedException {
        Optional<Probe> probe = probes.apply(r.probe());
        if (r.coordinated().isPresent() && coordinated == null) {
            return failed(
                    r,
                    "requirement '" + r.id() + "' is coordinated ("
                            + r.coordinated().get().scope().id()
                            + "): run it on all its nodes at once with 'iocert coordinate' and 'iocert join', not on one node");
        }
        if (probe.isEmpty()) {
            return failed(r, "probe not available: " + r.probe().id() + " is not part of this build yet");
        }
        listener.start(r.id(), r.probe().id());
        HostLoad load = HostLoad.system();
        HostLoad.Snapshot before = load.sample();
        List<Measurement> measured;
        long startNs = clock.nanoTime();
        try {
            if (warns() && probe.get().runsInRounds() && coordinated == null) {
                measured = rounds(r, probe.get());
            } else {
                measured = once(r, probe.get(), r.budget());
                observe(r, measured, clock.nanoTime() - startNs, 1);
            }
        } finally {
            listener.clear();
        }
        // The time spent probing (for budget advice) goes into the context beside the host load.
        Map<String, String> context = new LinkedHashMap<>(HostLoad.context(before, load.sample()));
        context.put(Rounds.PROBED_NS, Long.toString(clock.nanoTime() - startNs));
        measured =
                measured.stream().map(m -> Regimes.recorded(m, r.confidence())).toList();
        return withFeasibility(HostLoad.withContext(measured, context));
    }

    /** After a requirement's first round (of {@code runs} at most): warns of statistics its rate cannot settle. */
    private void observe(Requirement r, List<Measurement> first, long elapsedNs, int runs) {
        if (!warns()) {
            return;
        }
        for (Feasibility.Finding f : Feasibility.checkObserved(r, first, Duration.ofNanos(elapsedNs), runs)) {
            if (f.warns()) {
                listener.clear();
                listener.warn(f.message());
                warned.add(f);
            }
        }
    }

    /** The warnings about this requirement, in the context of its measurements of the metric they concern. */
    private List<Measurement> withFeasibility(List<Measurement> ms) {
        if (warned.isEmpty()) {
            return ms;
        }
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : ms) {
            List<String> notes = warned.stream()
                    .filter(f -> f.expectation().metric().id().equals(m.metric()))
                    .map(Feasibility.Finding::message)
                    .toList();
            if (notes.isEmpty()) {
                out.add(m);
                continue;
            }
            Map<String, String> ctx = new LinkedHashMap<>(m.context());
            ctx.put(FEASIBILITY, String.join(" | ", notes));
            out.add(m.withContext(ctx));
        }
        return out;
    }

    private List<Measurement> once(Requirement r, Probe probe, Duration budget)
            throws UnusableInputException, InterruptedException {
        ProbeContext ctx = new ProbeContext(
                config.fsPath(),
                runId,
                budget,
                config.peer(),
                clock,
                listener,
                config.maxBytes(),
                coordinated == null ? StartBarrier.NONE : coordinated,
                placement,
                partners);
        // Probes run in this JVM, and its collector pauses their threads too: a young collection
        // of the garbage left by loading the spec, judging the previous round or writing progress
        // stalled a 1-MiB write loop for 20-30 ms early in the first round (two or three 10-ms
        // intervals at zero, one core busy; a GC log placed the pause there), and a sleep loop
        // the same way. Collecting before each round starts it with an empty young generation;
        // it costs tens of milliseconds a round. fio and sockperf have no collector to pause them.
        System.gc();
        try {
            return probe.run(r, ctx);
        } catch (ProbeException e) {
            return failed(r, e.getMessage());
        }
    }

    /**
     * Adaptive probing: up to {@link Defaults#MAX_ROUNDS} rounds, each with an equal share of
     * what is left of the budget; after each the combined measurements are judged at that look's
     * share of the error allowance ({@link Looks}), and probing stops once every statistic is
     * conclusive, a round fails, or the budget is spent. Rounds after the first keep the first
     * round's interval length, so their interval values combine. Each measurement records its
     * look plan ({@link LookPlan}), so that certifying the result again spends the allowance as
     * this run did.
     */
    private List<Measurement> rounds(Requirement r, Probe probe) throws UnusableInputException, InterruptedException {
        int maxRounds = Defaults.MAX_ROUNDS;
        long budgetNs = r.budget().toNanos();
        long minRoundNs = Math.max(Defaults.MIN_ROUND_NS, budgetNs / Defaults.MIN_ROUND_PARTS);
        long startNs = clock.nanoTime();
        List<Measurement> sofar = null;
        Requirement round = r;
        for (int look = 1; look <= maxRounds; look++) {
            long leftNs = budgetNs - (clock.nanoTime() - startNs);
            Duration share = Duration.ofNanos(Math.max(minRoundNs, leftNs / (maxRounds - look + 1)));
            List<Measurement> measured =
                    once(round, probe, look == 1 ? share : Duration.ofNanos(Math.min(leftNs, share.toNanos())));
            if (sofar == null) {
                observe(r, measured, clock.nanoTime() - startNs, maxRounds);
                sofar = measured;
            } else {
                List<Measurement> combined = combine(r, sofar, measured);
                if (combined == null) {
                    break; // this round failed or does not combine: keep what the earlier rounds measured
                }
                sofar = combined;
            }
            sofar = withLooks(sofar, maxRounds);
            if (sofar.stream().anyMatch(m -> m.error() != null)) {
                break;
            }
            long remainingNs = budgetNs - (clock.nanoTime() - startNs);
            boolean last = look == maxRounds || remainingNs < minRoundNs;
            List<RequirementVerdict> verdicts = Certifier.judge(r, sofar, new Looks(look, maxRounds, last));
            if (last || verdicts.stream().noneMatch(v -> v.verdict() == Verdict.INCONCLUSIVE)) {
                break;
            }
            if (look == 1) {
                round = pinInterval(r, sofar);
            }
        }
        return sofar;
    }

    /**
     * Every measurement of a round combined with its counterpart; null when the round failed or
     * a measurement the requirement judges does not combine. One it does not judge (fs.metadata's
     * ops series, whose interval length each round chooses) keeps the earlier rounds' values,
     * and its look plan stays at the rounds those hold.
     */
    private static List<Measurement> combine(Requirement r, List<Measurement> sofar, List<Measurement> next) {
        if (next.stream().anyMatch(m -> m.error() != null)) {
            return null;
        }
        Set<String> judged = new LinkedHashSet<>();
        r.expectations().forEach(e -> judged.add(e.metric().id()));
        List<Measurement> out = new ArrayList<>();
        for (Measurement a : sofar) {
            Optional<Measurement> b =
                    next.stream().filter(x -> Rounds.compatible(a, x)).findFirst();
            if (b.isPresent()) {
                out.add(Rounds.combine(a, b.get()));
            } else if (judged.contains(a.metric())) {
                return null;
            } else {
                out.add(a);
            }
        }
        return out;
    }

    /** A first round's measurements get the plan's first look; later ones were moved on by {@link Rounds#combine}. */
    private static List<Measurement> withLooks(List<Measurement> ms, int maxRounds) {
        return ms.stream()
                .map(m -> m.looks() == null ? m.withLooks(LookPlan.first(maxRounds)) : m)
                .toList();
    }

    /** The requirement with the interval length the first round chose, when the probe lets the spec fix it. */
    private static Requirement pinInterval(Requirement r, List<Measurement> first) {
        if (r.workload().has(ProbeType.INTERVAL)
                || r.probe().workloadKey(ProbeType.INTERVAL).isEmpty()) {
            return r;
        }
        Optional<Long> interval = first.stream()
                .map(m -> m.workload().get(ProbeType.INTERVAL))
                .filter(v -> v instanceof Number)
                .map(v -> ((Number) v).longValue())
                .filter(v -> v > 0)
                .findFirst();
        if (interval.isEmpty()) {
            return r;
        }
        Map<String, Object> values = new LinkedHashMap<>(r.workload().values());
        values.put(ProbeType.INTERVAL, new Quantity(interval.get(), Dimension.DURATION));
        return r.with(new Workload(values));
    }

    /** One failed measurement per metric the requirement asks about. */
    private static List<Measurement> failed(Requirement r, String reason) {
        Set<Metric> metrics = new LinkedHashSet<>();
        for (Expectation e : r.expectations()) {
            metrics.add(e.metric());
        }
        List<Measurement> out = new ArrayList<>();
        for (Metric m : metrics) {
            out.add(Measurement.failed(
                    r.id(), r.probe().id(), m.id(), m.dimension().canonicalUnit(), Map.of(), reason));
        }
        return out;
    }
}
