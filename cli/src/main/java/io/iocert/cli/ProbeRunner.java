package io.iocert.cli;

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
import io.iocert.probes.PeerAddress;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Probes every requirement of a spec in order and collects one {@link Result}. A requirement
 * whose probe is missing from this build, or whose probe fails, gets measurements carrying the
 * reason as their error, so the certifier reports ERROR for it and the rest still run.
 * Every measurement carries the machine's load while its probe ran ({@link HostLoad}: steal
 * and busy shares, load average) in its context, and the result the identity of the node and
 * of the storage under the fs-path.
 *
 * <p>Given somewhere to send warnings ({@code run}), it also checks {@link Feasibility}: before
 * probing, each statistic the spec's own numbers cannot yield enough samples for; after a
 * requirement's first round, each one whose count only the probe knows, from the rate that
 * round measured. Warnings go to the sink and into the context of the requirement's
 * measurements of that metric ({@value #FEASIBILITY}); they change no verdict.
 */
final class ProbeRunner {
    /** The most probe rounds adaptive probing runs for one requirement. */
    static final int MAX_ROUNDS = 4;
    /** A round shorter than this is not worth starting. */
    private static final long MIN_ROUND_NS = 250_000_000L;
    /** Context key of a measurement whose statistic cannot be bounded within the budget: the warning(s). */
    static final String FEASIBILITY = "feasibility";

    private final Path fsPath;
    private final String runId;
    private final Optional<PeerAddress> peer;
    private final TerminalProgress progress;
    private final OptionalLong maxBytes;
    private final boolean adaptive;
    /** Receives feasibility warnings; null: no checks. */
    private final Consumer<String> warnings;
    /** The warnings about the requirement being probed. */
    private final List<Feasibility.Finding> warned = new ArrayList<>();
    /** Where probes wait for the start of a coordinated run; null outside one (coordinated requirements refused). */
    private StartBarrier coordinated;
    /** This participant's place among the nodes of a coordinated run (shared layouts); empty outside one. */
    private Optional<Placement> placement = Optional.empty();
    /** The nodes a coordinated interconnect requirement measures against; empty outside one. */
    private List<Partner> partners = List.of();

    /**
     * @param adaptive probe each requirement in rounds until its verdict is conclusive or its
     *                 budget is spent (for {@code run}); otherwise one round with the whole budget
     */
    ProbeRunner(
            Path fsPath,
            String runId,
            Optional<PeerAddress> peer,
            TerminalProgress progress,
            OptionalLong maxBytes,
            boolean adaptive) {
        this(fsPath, runId, peer, progress, maxBytes, adaptive, null);
    }

    /** @param warnings receives each feasibility warning as one line (see the class comment); null checks nothing */
    ProbeRunner(
            Path fsPath,
            String runId,
            Optional<PeerAddress> peer,
            TerminalProgress progress,
            OptionalLong maxBytes,
            boolean adaptive,
            Consumer<String> warnings) {
        this.warnings = warnings;
        this.adaptive = adaptive;
        this.maxBytes = maxBytes;
        this.fsPath = fsPath;
        this.runId = runId;
        this.peer = peer;
        this.progress = progress;
    }

    Result run(Spec spec) throws UnusableInputException, InterruptedException {
        Instant start = Instant.now();
        // The spec's own numbers are checked once, all before probing; each requirement's
        // measurements then carry the warnings about it.
        Map<String, List<Feasibility.Finding>> known = new LinkedHashMap<>();
        if (warnings != null) {
            for (Requirement r : spec.requirements()) {
                List<Feasibility.Finding> w = feasibility(r).stream()
                        .filter(Feasibility.Finding::warns)
                        .toList();
                w.forEach(f -> warnings.accept(f.message()));
                known.put(r.id(), w);
            }
        }
        List<Measurement> all = new ArrayList<>();
        for (Requirement r : spec.requirements()) {
            warned.clear();
            warned.addAll(known.getOrDefault(r.id(), List.of()));
            all.addAll(probe(r));
        }
        progress.clear();
        return new Result(
                Result.FORMAT,
                ToolVersion.get(),
                NodeIdentityCollector.collect(fsPath),
                spec.name(),
                spec.sha256(),
                start,
                Instant.now(),
                all);
    }

    /**
     * Probes one requirement of {@code spec} as a participant of a coordinated run: one round
     * (every node runs the same length), the probe waiting at {@code barrier} before it measures.
     */
    Result runCoordinated(Spec spec, Requirement r, StartBarrier barrier, Optional<Placement> place)
            throws UnusableInputException, InterruptedException {
        return runCoordinated(spec, r, barrier, place, List.of());
    }

    /** As {@link #runCoordinated(Spec, Requirement, StartBarrier, Optional)}, against {@code with} (net probes). */
    Result runCoordinated(Spec spec, Requirement r, StartBarrier barrier, Optional<Placement> place, List<Partner> with)
            throws UnusableInputException, InterruptedException {
        Instant start = Instant.now();
        coordinated = barrier;
        placement = place;
        partners = with;
        try {
            List<Measurement> measured = probe(r);
            progress.clear();
            return new Result(
                    Result.FORMAT,
                    ToolVersion.get(),
                    NodeIdentityCollector.collect(fsPath),
                    spec.name(),
                    spec.sha256(),
                    start,
                    Instant.now(),
                    measured);
        } finally {
            coordinated = null;
            placement = Optional.empty();
            partners = List.of();
        }
    }

    /** The feasibility of every statistic of {@code r} as {@code run} would probe it. */
    static List<Feasibility.Finding> feasibility(Requirement r) {
        int runs = Probes.forType(r.probe())
                .map(p -> p.runsInRounds() ? MAX_ROUNDS : 1)
                .orElse(1);
        return Feasibility.check(r, runs);
    }

    private List<Measurement> probe(Requirement r) throws UnusableInputException, InterruptedException {
        Optional<Probe> probe = Probes.forType(r.probe());
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
        progress.start(r.id(), r.probe().id());
        HostLoad load = HostLoad.system();
        HostLoad.Snapshot before = load.sample();
        List<Measurement> measured;
        long startNs = System.nanoTime();
        try {
            if (adaptive && probe.get().runsInRounds() && coordinated == null) {
                measured = rounds(r, probe.get());
            } else {
                measured = once(r, probe.get(), r.budget());
                observe(r, measured, System.nanoTime() - startNs, 1);
            }
        } finally {
            progress.clear();
        }
        // The time spent probing (for budget advice) goes into the context beside the host load.
        Map<String, String> context = new LinkedHashMap<>(HostLoad.context(before, load.sample()));
        context.put(Rounds.PROBED_NS, Long.toString(System.nanoTime() - startNs));
        measured =
                measured.stream().map(m -> Regimes.recorded(m, r.confidence())).toList();
        return withFeasibility(HostLoad.withContext(measured, context));
    }

    /** After a requirement's first round (of {@code runs} at most): warns of statistics its rate cannot settle. */
    private void observe(Requirement r, List<Measurement> first, long elapsedNs, int runs) {
        if (warnings == null) {
            return;
        }
        for (Feasibility.Finding f : Feasibility.checkObserved(r, first, Duration.ofNanos(elapsedNs), runs)) {
            if (f.warns()) {
                progress.clear();
                warnings.accept(f.message());
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
                fsPath,
                runId,
                budget,
                peer,
                NanoClock.SYSTEM,
                progress,
                maxBytes,
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
     * Adaptive probing: up to {@link #MAX_ROUNDS} rounds, each with an equal share of what is
     * left of the budget; after each the combined measurements are judged at that look's share
     * of the error allowance ({@link Looks}), and probing stops once every statistic is
     * conclusive, a round fails, or the budget is spent. Rounds after the first keep the first
     * round's interval length, so their interval values combine.
     */
    private List<Measurement> rounds(Requirement r, Probe probe) throws UnusableInputException, InterruptedException {
        long budgetNs = r.budget().toNanos();
        long minRoundNs = Math.max(MIN_ROUND_NS, budgetNs / 20);
        long startNs = System.nanoTime();
        List<Measurement> sofar = null;
        Requirement round = r;
        for (int look = 1; look <= MAX_ROUNDS; look++) {
            long leftNs = budgetNs - (System.nanoTime() - startNs);
            Duration share = Duration.ofNanos(Math.max(minRoundNs, leftNs / (MAX_ROUNDS - look + 1)));
            List<Measurement> measured =
                    once(round, probe, look == 1 ? share : Duration.ofNanos(Math.min(leftNs, share.toNanos())));
            if (sofar == null) {
                observe(r, measured, System.nanoTime() - startNs, MAX_ROUNDS);
                sofar = measured;
            } else {
                List<Measurement> combined = combine(r, sofar, measured);
                if (combined == null) {
                    break; // this round failed or does not combine: keep what the earlier rounds measured
                }
                sofar = combined;
            }
            sofar = withLooks(sofar);
            if (sofar.stream().anyMatch(m -> m.error() != null)) {
                break;
            }
            long remainingNs = budgetNs - (System.nanoTime() - startNs);
            boolean last = look == MAX_ROUNDS || remainingNs < minRoundNs;
            List<RequirementVerdict> verdicts = Certifier.judge(r, sofar, new Looks(look, MAX_ROUNDS, last));
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
     * ops series, whose interval length each round chooses) keeps the earlier rounds' values.
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
    private static List<Measurement> withLooks(List<Measurement> ms) {
        return ms.stream()
                .map(m -> m.looks() == null ? m.withLooks(LookPlan.first(MAX_ROUNDS)) : m)
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
