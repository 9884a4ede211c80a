package io.iocert.certifier;

import io.iocert.results.Measurement;
import io.iocert.spec.Coordination;
import io.iocert.spec.Dimension;
import io.iocert.spec.Expectation;
import io.iocert.spec.Metric;
import io.iocert.spec.Percent;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Statistic;
import io.iocert.spec.Windows;
import io.iocert.spec.Workload;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.DoubleFunction;

/**
 * Whether a requirement's statistics can be settled at all within what its probing may
 * yield, checked before probing (from the spec) and after the first round (from the observed
 * rate).
 *
 * <p><b>Quantiles.</b> The order-statistic interval of a q-quantile (see {@code Estimators})
 * has a finite upper end only once {@code q^n <= alpha/2}, and a finite lower end only once
 * {@code (1 - q)^n <= alpha/2} ({@code alpha = 1 - confidence}). A PASS of {@code pQ <= T}
 * needs the upper end, of {@code pQ >= T} the lower end; with fewer samples the verdict can be
 * FAIL or INCONCLUSIVE, never PASS. {@link #minimumSamples} is that n for a single look with the
 * whole allowance: the least that could ever suffice. Clustered values (the design effect) and
 * adaptive probing's repeated looks ({@link Looks}) need more, so a requirement that clears
 * this minimum may still end inconclusive; one that does not cannot pass.
 *
 * <p><b>Min and max.</b> No sample bounds a maximum from above or a minimum from below, so
 * {@code max <= X} and {@code min >= X} can FAIL but never PASS.
 *
 * <p><b>How many samples, before probing.</b> Only what the spec itself states is used; a
 * count that depends on a default the probe chooses at run time is {@link Status#UNKNOWN}
 * and left to {@link #checkObserved}. Every bound is an upper bound (it ignores warm-up and
 * set-up time), so a warning means the statistic truly cannot be bounded, never that it merely
 * might not be. A probe may run up to {@code maxRuns} times within the budget (adaptive
 * rounds), each run bounded by the workload's {@code duration}. The cases, mirroring the
 * probes' documented behaviour:
 * <ul>
 *   <li>per-interval metrics with a fixed {@code interval} (fs.read, fs.write, net.stream): one
 *   value per interval of measured time. Without it the probe chooses the interval from the
 *   run's length (fs, net.stream), or the JMH plan its iterations (compute.*): unknown.</li>
 *   <li>an open-loop {@code rate} (fs.read, fs.write, net.pingpong): at most rate times the
 *   measured time; a net.pingpong {@code sizes} sweep shares the budget among its sizes.</li>
 *   <li>compute.jitter with {@code interval} and a number of {@code threads}: at most one value
 *   per interval per thread (coordinated-omission correction fills missed intervals, never
 *   more).</li>
 *   <li>fs.read and fs.write without {@code duration}: each thread moves its file once (with
 *   {@code blockSize}, {@code fileSize} and a number of {@code threads} given), or
 *   {@code totalSize} in all.</li>
 *   <li>fs.metadata with {@code files}: one pass over them, unless a stat repeats until
 *   {@code duration}; net.connect: {@code count} connections.</li>
 * </ul>
 */
public final class Feasibility {

    /** What a check found for one statistic. */
    public enum Status {
        /** The most the probing can yield reaches the minimum (or the statistic needs no minimum). */
        FEASIBLE,
        /** Fewer samples than the minimum at most: the statistic cannot pass. */
        TOO_FEW_SAMPLES,
        /** {@code max <= X} or {@code min >= X}: no sample bounds it on the side that would pass. */
        ONE_SIDED,
        /** The count is not known from the spec alone; {@link #checkObserved} judges it after a round. */
        UNKNOWN
    }

    /**
     * The check of one statistic of a requirement.
     *
     * @param requirementId the requirement
     * @param expectation   the statistic and its bound
     * @param status        what was found
     * @param needed        the fewest samples that could bound the quantile on the side a PASS
     *                      needs, at the requirement's confidence with one look; 0 when not a quantile
     * @param atMost        the most samples the probing can yield, or -1 when not known
     * @param message       the warning, naming the requirement, the numbers and a fix; empty
     *                      unless {@link #warns()}
     */
    public record Finding(
            String requirementId, Expectation expectation, Status status, long needed, long atMost, String message) {
        public boolean warns() {
            return status == Status.TOO_FEW_SAMPLES || status == Status.ONE_SIDED;
        }
    }

    /** Percentiles offered instead of one that cannot be bounded, most extreme first, per side. */
    private static final double[] UPPER_LADDER = {99.99, 99.9, 99, 95, 90, 75, 50};

    private static final double[] LOWER_LADDER = {0.01, 0.1, 1, 5, 10, 25, 50};
    /** A fixed interval shorter than this is not suggested: the probes' rate buckets are 1 ms. */
    private static final long MIN_SUGGESTED_INTERVAL_NS = 1_000_000L;
    /** compute.jitter's shortest interval. */
    private static final long MIN_JITTER_INTERVAL_NS = 10_000L;

    private Feasibility() {}

    /**
     * The fewest samples whose order statistics bound the {@code quantile} (in (0, 1)) at
     * {@code confidence} with one look: from above ({@code upperBound}, what a PASS of
     * {@code <=} needs) the least n with {@code q^n <= alpha/2}, from below the least n with
     * {@code (1 - q)^n <= alpha/2}.
     */
    public static long minimumSamples(double quantile, boolean upperBound, double confidence) {
        if (!(quantile > 0 && quantile < 1) || !(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException(
                    "quantile and confidence must be in (0, 1), got " + quantile + ", " + confidence);
        }
        double p = upperBound ? quantile : 1 - quantile;
        double target = (1 - confidence) / 2;
        long n = Math.max(1, (long) Math.ceil(Math.log(target) / Math.log(p)));
        // The logarithms may be off by a rounding error at an exact boundary: settle on the power.
        while (Math.pow(p, n) > target) {
            n++;
        }
        while (n > 1 && Math.pow(p, n - 1) <= target) {
            n--;
        }
        return n;
    }

    /**
     * Checks every quantile, min and max statistic of {@code r} against the most samples its
     * workload and budget can yield (other statistics are not listed).
     *
     * @param maxRuns how often the probe may run within the budget: the most adaptive rounds for
     *                a probe that runs in rounds, else 1
     */
    public static List<Finding> check(Requirement r, int maxRuns) {
        List<Finding> out = new ArrayList<>();
        for (Expectation e : r.expectations()) {
            if (e.windows().isPresent()) {
                out.add(windows(r, e));
                continue;
            }
            Statistic s = e.statistic();
            boolean upper = e.threshold().comparator().isUpperBound();
            if (s.kind() == Statistic.Kind.MAX
                    || s.kind() == Statistic.Kind.MIN
                    || (s.isQuantile() && s.quantile() >= 1)) {
                boolean max = s.kind() != Statistic.Kind.MIN;
                if (max == upper) {
                    out.add(new Finding(r.id(), e, Status.ONE_SIDED, 0, -1, oneSided(r, e, max)));
                }
                continue;
            }
            if (!s.isQuantile()) {
                continue;
            }
            double each = judgedConfidence(r);
            boolean side = boundedSide(r, e);
            long needed = minimumSamples(s.quantile(), side, each);
            Optional<Bound> bound = bound(r, e.metric(), needed, Math.max(1, maxRuns));
            if (bound.isEmpty()) {
                out.add(new Finding(r.id(), e, Status.UNKNOWN, needed, -1, ""));
            } else if (bound.get().atMost() + bound.get().slack() >= needed) {
                out.add(new Finding(
                        r.id(), e, Status.FEASIBLE, needed, bound.get().atMost(), ""));
            } else {
                Bound b = bound.get();
                String message = head(r, e, needed) + "; " + b.basis() + " gives at most " + count(b.atMost())
                        + fixes(b.fixes(), alternative(s, side, b.atMost(), each));
                out.add(new Finding(r.id(), e, Status.TOO_FEW_SAMPLES, needed, b.atMost(), message));
            }
        }
        return out;
    }

    /**
     * After the first round of probing: for each quantile whose count {@link #check} could not
     * know, the most samples the budget can yield at the rate the round measured. A round of
     * {@code roundTime} that gave n samples promises at most {@code n * budget / roundTime} over
     * the budget, and at most {@code maxRuns * n} when its workload (a duration, a file, a count)
     * rather than its share of the budget ended it (the probe's {@code stoppedBy} context, else a
     * round far shorter than {@code budget / maxRuns}); never fewer than n. Measurements with an
     * error are not judged here (the verdict reports the error).
     *
     * @param firstRound the first round's measurements of {@code r}
     * @param roundTime  how long the first round took, set-up included
     * @param maxRuns    as for {@link #check}; 1 means the round was the whole run
     */
    public static List<Finding> checkObserved(
            Requirement r, List<Measurement> firstRound, Duration roundTime, int maxRuns) {
        List<Finding> out = new ArrayList<>();
        long budgetNs = r.budget().toNanos();
        long roundNs = Math.max(1, roundTime.toNanos());
        int runs = Math.max(1, maxRuns);
        for (Finding f : check(r, runs)) {
            if (f.status() != Status.UNKNOWN) {
                continue;
            }
            Expectation e = f.expectation();
            List<Measurement> judged =
                    Certifier.judged(firstRound, r.id(), e.metric().id());
            if (judged.isEmpty() || judged.stream().anyMatch(m -> m.error() != null)) {
                continue;
            }
            long n = judged.stream().mapToLong(Measurement::samples).min().orElse(0);
            if (n <= 0) {
                continue;
            }
            // At the round's pace over the whole budget; and, when the workload rather than the
            // budget ended the round, no more than that many samples per round.
            double byTime = (double) n * budgetNs / roundNs;
            Optional<String> endedBy = workloadEnded(judged, byTime, (double) n * runs);
            double byRuns = endedBy.isPresent() ? (double) n * runs : Double.POSITIVE_INFINITY;
            long atMost = (long) Math.max(n, Math.floor(Math.min(byTime, byRuns)));
            if (atMost >= f.needed()) {
                out.add(new Finding(r.id(), e, Status.FEASIBLE, f.needed(), atMost, ""));
                continue;
            }
            boolean upper = boundedSide(r, e);
            String measured = count(n) + " " + noun(e.metric()) + " in " + nanos(roundNs);
            String longerBudget = "raise budget to about " + nanos(ceil2((double) f.needed() / n * roundNs));
            String basis;
            List<String> fixes = new ArrayList<>();
            if (runs == 1) {
                basis = "the run measured " + measured + " (the probe runs once)";
                fixes.add("raise budget or duration (the probe plans its samples from them)");
            } else if (endedBy.isEmpty()) {
                basis = "the first round measured " + measured + "; at that rate the budget of " + nanos(budgetNs)
                        + " gives at most about " + count(atMost);
                fixes.add(longerBudget);
            } else {
                basis = "the first round measured " + measured + ", ended by its " + endedBy.get() + "; " + runs
                        + " such rounds within the budget of " + nanos(budgetNs) + " give at most about "
                        + count(atMost);
                String what = endedBy.get().equals("workload") ? "duration, file size or count" : endedBy.get();
                String longer = byRuns < f.needed()
                        ? "make each round about " + count((long) Math.ceil(f.needed() / byRuns))
                                + " times longer (raise its " + what + ")"
                        : "";
                String budget = byTime < f.needed() ? longerBudget : "";
                fixes.add(longer.isEmpty() ? budget : budget.isEmpty() ? longer : longer + " and " + budget);
            }
            String message = head(r, e, f.needed()) + "; " + basis
                    + fixes(fixes, alternative(e.statistic(), upper, atMost, judgedConfidence(r)));
            out.add(new Finding(r.id(), e, Status.TOO_FEW_SAMPLES, f.needed(), atMost, message));
        }
        return out;
    }

    /**
     * A statement per window of time: the fewest windows that show its share at the
     * requirement's confidence (all of them meeting the threshold), against the windows the
     * workload's duration, else the budget, holds.
     */
    private static Finding windows(Requirement r, Expectation e) {
        Windows w = e.windows().orElseThrow();
        long needed = WindowJudge.leastWindows(w.share(), r.confidence());
        long budgetNs = r.budget().toNanos();
        Optional<Quantity> duration = r.workload().quantity("duration");
        long spanNs = duration.map(d -> Math.min(d.longValue(), budgetNs)).orElse(budgetNs);
        long atMost = spanNs / w.lengthNs();
        if (atMost >= needed) {
            return new Finding(r.id(), e, Status.FEASIBLE, needed, atMost, "");
        }
        String what = duration.isPresent() && duration.get().longValue() <= budgetNs ? "duration" : "budget";
        double shown = Math.pow((1 - r.confidence()) / 2, 1.0 / Math.max(1, atMost));
        String message = "requirement '" + r.id() + "' " + e.metric().id() + " " + e.label() + " in " + w.sharePercent()
                + " of windows: needs at least " + count(needed) + " windows of " + nanos(w.lengthNs()) + " ("
                + nanos((double) needed * w.lengthNs()) + "), every one meeting the threshold, at "
                + Percent.of(r.confidence()) + " confidence; its " + what + " of " + nanos(spanNs) + " holds "
                + count(atMost) + "; fix: raise " + what + (what.equals("duration") ? " and budget" : "") + " to "
                + nanos((double) needed * w.lengthNs()) + ", or shorten the window"
                + (atMost >= 1 ? ", or ask for a windowShare of at most " + floorPercent(shown) : "");
        return new Finding(r.id(), e, Status.TOO_FEW_SAMPLES, needed, atMost, message);
    }

    /** A share as a percentage rounded down to one decimal: 0.9876 -> "98.7%". */
    private static String floorPercent(double share) {
        return BigDecimal.valueOf(Math.floor(share * 1000) / 10)
                        .stripTrailingZeros()
                        .toPlainString() + "%";
    }

    /** Context key in which the probes record what ended a run: budget, duration, fileSize, files, count... */
    static final String STOPPED_BY = "stoppedBy";

    /**
     * What ended the round when its workload did (its duration, file or count) rather than its
     * share of the budget; empty when the budget did. Probes that do not say are judged by the
     * round's length: one that left a fifth of its share of the budget unused ended by itself.
     */
    private static Optional<String> workloadEnded(List<Measurement> round, double byTime, double byRuns) {
        Optional<String> stoppedBy = round.stream()
                .map(m -> m.context().get(STOPPED_BY))
                .filter(x -> x != null)
                .findFirst();
        if (stoppedBy.isPresent()) {
            String by = stoppedBy.get();
            return by.equals("budget") || by.equals("error") ? Optional.empty() : Optional.of(by);
        }
        return byRuns < 0.8 * byTime ? Optional.of("workload") : Optional.empty();
    }

    // ---- the bound from the spec ----

    /**
     * The most samples, in words: {@code basis} ("budget 2 s at interval 100 ms") gives at most
     * {@code atMost}; {@code fixes} are changes to the spec that would give {@code needed}.
     * {@code slack} is what runs may add at their ends beyond {@code atMost} (an operation or
     * quantum started just before a deadline, one per round): a warning is given only when even
     * {@code atMost + slack} falls short, so that it is never a false alarm.
     */
    private record Bound(long atMost, long slack, String basis, List<String> fixes) {
        Bound(long atMost, String basis, List<String> fixes) {
            this(atMost, 0, basis, fixes);
        }
    }

    private static Optional<Bound> bound(Requirement r, Metric metric, long needed, int runs) {
        Workload w = r.workload();
        OptionalLong interval = durationNs(w, ProbeType.INTERVAL);
        OptionalDouble rate = w.quantity("rate")
                .filter(q -> q.dimension() == Dimension.OP_RATE && q.value() > 0)
                .map(q -> OptionalDouble.of(q.value()))
                .orElse(OptionalDouble.empty());
        List<Bound> bounds = new ArrayList<>();
        if (metric.sampling() == Metric.Sampling.PER_INTERVAL) {
            // Without a fixed interval the probe picks it (or its JMH iterations) at run time.
            if (r.probe().workloadKey(ProbeType.INTERVAL).isPresent() && interval.isPresent()) {
                long i = interval.getAsLong();
                bounds.add(timeBound(
                        r,
                        needed,
                        runs,
                        1e9 / i,
                        1,
                        false,
                        " at interval " + nanos(i),
                        timeNs -> shorterInterval(timeNs, needed, 1, MIN_SUGGESTED_INTERVAL_NS)));
            }
        } else {
            switch (r.probe()) {
                case COMPUTE_JITTER -> {
                    OptionalLong threads = countOf(w, "threads");
                    if (interval.isPresent() && threads.isPresent()) {
                        long i = interval.getAsLong();
                        long t = threads.getAsLong();
                        bounds.add(timeBound(
                                r,
                                needed,
                                runs,
                                t * 1e9 / i,
                                1,
                                true,
                                " at interval " + nanos(i) + " on " + t + (t == 1 ? " thread" : " threads"),
                                timeNs -> shorterInterval(timeNs, needed, t, MIN_JITTER_INTERVAL_NS)));
                    }
                }
                case FS_READ, FS_WRITE -> {
                    rate.ifPresent(x -> bounds.add(rateBound(r, needed, runs, x, 1)));
                    fileBound(r, needed, runs).ifPresent(bounds::add);
                }
                case NET_PINGPONG -> {
                    int sizes = Math.max(1, w.quantities("sizes").size());
                    rate.ifPresent(x -> bounds.add(rateBound(r, needed, runs, x, sizes)));
                }
                case NET_CONNECT ->
                    countOf(w, "count").ifPresent(c -> bounds.add(countBound(needed, runs, "count", c)));
                case FS_METADATA -> {
                    // create and unlink make one pass over the files; stat repeats until a duration.
                    String op = w.text("operation", "");
                    boolean repeats = w.has("duration") && !op.equals("create") && !op.equals("unlink");
                    OptionalLong files = countOf(w, "files");
                    if (files.isPresent() && !repeats) {
                        bounds.add(countBound(needed, runs, "files", files.getAsLong()));
                    }
                }
                default -> {
                    // fs.fsync, closed-loop net.pingpong, net.connect without count: paced by the node.
                }
            }
        }
        return bounds.stream().min(java.util.Comparator.comparingLong(Bound::atMost));
    }

    /**
     * {@code perSecond} samples per second of measured time, over {@code min(budget / shares,
     * runs * duration)}; a sweep of {@code shares} sizes splits the budget. {@code events}: the
     * samples are operations or quanta rather than whole intervals. {@code paceFix}
     * turns the measured time (ns) into a change of pace that would suffice, or null.
     */
    private static Bound timeBound(
            Requirement r,
            long needed,
            int runs,
            double perSecond,
            int shares,
            boolean events,
            String pace,
            DoubleFunction<String> paceFix) {
        double budgetNs = (double) r.budget().toNanos() / shares;
        OptionalLong duration = durationNs(r.workload(), "duration");
        boolean durationBinds = duration.isPresent() && (double) runs * duration.getAsLong() < budgetNs;
        double timeNs = durationBinds ? (double) runs * duration.getAsLong() : budgetNs;
        long atMost = (long) Math.floor(perSecond * timeNs / 1e9 + 1e-9);
        String share = shares > 1 ? " shared by " + shares + " message sizes" : "";
        String basis = durationBinds
                ? "duration " + nanos(duration.getAsLong())
                        + (runs > 1 ? " per round (at most " + runs + " rounds)" : "") + pace
                : "budget " + nanos(r.budget().toNanos()) + share + pace;
        double neededNs = needed / perSecond * 1e9;
        List<String> fixes = new ArrayList<>();
        if (durationBinds) {
            String more = neededNs > budgetNs ? " and budget to " + nanos(ceil2(neededNs * shares)) : "";
            fixes.add("raise duration to " + nanos(ceil2(neededNs / runs)) + more);
        } else {
            fixes.add("raise budget to " + nanos(ceil2(neededNs * shares)));
        }
        String other = paceFix.apply(timeNs);
        if (other != null) {
            fixes.add(other);
        }
        // Intervals count whole ones only; operations and quanta may start once more at a round's end.
        return new Bound(atMost, events ? runs : 0, basis, fixes);
    }

    private static Bound rateBound(Requirement r, long needed, int runs, double rate, int shares) {
        return timeBound(
                r,
                needed,
                runs,
                rate,
                shares,
                true,
                " at rate " + new Quantity(rate, Dimension.OP_RATE).format(),
                timeNs -> "raise rate to " + new Quantity(ceil2(needed / (timeNs / 1e9)), Dimension.OP_RATE).format());
    }

    /** A fixed interval short enough for {@code needed} values over {@code timeNs}, or null when too short to suggest. */
    private static String shorterInterval(double timeNs, long needed, long threads, long minIntervalNs) {
        double i = floor2(timeNs * threads / needed);
        return i >= minIntervalNs ? "shorten interval to " + nanos(i) : null;
    }

    private static Bound countBound(long needed, int runs, String key, long perRun) {
        long atMost = perRun > Long.MAX_VALUE / runs ? Long.MAX_VALUE : perRun * runs;
        String basis = key + " " + count(perRun) + (runs > 1 ? " per round (at most " + runs + " rounds)" : "");
        long perRunNeeded = (needed + runs - 1) / runs;
        return new Bound(atMost, basis, List.of("raise " + key + " to " + count(perRunNeeded)));
    }

    /** fs.read / fs.write: each thread moves its file once, or totalSize in all, unless a duration repeats it. */
    private static Optional<Bound> fileBound(Requirement r, long needed, int runs) {
        Workload w = r.workload();
        OptionalLong block = sizeOf(w, "blockSize");
        if (block.isEmpty() || block.getAsLong() <= 0) {
            return Optional.empty();
        }
        long b = block.getAsLong();
        long perRunNeeded = (needed + runs - 1) / runs;
        String rounds = runs > 1 ? " per round (at most " + runs + " rounds)" : "";
        OptionalLong total = sizeOf(w, "totalSize");
        if (total.isPresent()) {
            long ops = total.getAsLong() / b;
            return Optional.of(new Bound(
                    ops * runs,
                    "totalSize " + bytes(total.getAsLong()) + " in blocks of " + bytes(b) + " (" + count(ops)
                            + " operations)" + rounds,
                    List.of("raise totalSize to " + bytes((double) perRunNeeded * b))));
        }
        OptionalLong file = sizeOf(w, "fileSize");
        OptionalLong threads = countOf(w, "threads");
        if (w.has("duration") || file.isEmpty() || threads.isEmpty()) {
            return Optional.empty();
        }
        long ops = file.getAsLong() / b * threads.getAsLong();
        long t = threads.getAsLong();
        long perThread = (perRunNeeded + t - 1) / t;
        return Optional.of(new Bound(
                ops * runs,
                "fileSize " + bytes(file.getAsLong()) + " in blocks of " + bytes(b)
                        + (t > 1 ? " on " + t + " threads" : "") + " (" + count(ops) + " operations, each file once)"
                        + rounds,
                List.of(
                        "raise fileSize to " + bytes((double) perThread * b),
                        "give a duration (files are then repeated)")));
    }

    // ---- words ----

    private static String head(Requirement r, Expectation e, long needed) {
        double each = judgedConfidence(r);
        String confidence = each == r.confidence()
                ? Percent.of(r.confidence()) + " confidence"
                : Percent.of(each) + " confidence (each of "
                        + r.coordinated().orElseThrow().nodes() + " nodes, jointly " + Percent.of(r.confidence()) + ")";
        return "requirement '" + r.id() + "' " + e.statistic().name() + " of "
                + e.metric().id() + " " + e.threshold()
                + ": needs at least " + count(needed) + " " + noun(e.metric()) + (straggler(r) ? " a node" : "")
                + " at " + confidence
                + " to be bounded at all (more when values cluster in time or probing takes several rounds)";
    }

    /**
     * The confidence each measurement of {@code r} is judged at: the spec's, except for a
     * coordinated requirement judged per node or as a straggler ratio over k nodes, whose every
     * node is judged at {@code 1 - (1 - c) / k} (Bonferroni, as {@code CoordinatedVerdicts} does).
     * With no node count in the spec ("any number"), the spec's: a lower bound on what is needed.
     */
    static double judgedConfidence(Requirement r) {
        return r.coordinated()
                .filter(c -> c.scope() != Coordination.Scope.AGGREGATE && c.nodes() > 1)
                .map(c -> 1 - (1 - r.confidence()) / c.nodes())
                .orElse(r.confidence());
    }

    /**
     * Whether a PASS of {@code e} needs the quantile's upper end (else its lower end). A straggler
     * ratio's interval takes both ends of every node's interval, so its side is the one the
     * quantile needs more samples for (the lower one for a p10).
     */
    private static boolean boundedSide(Requirement r, Expectation e) {
        return straggler(r)
                ? e.statistic().quantile() >= 0.5
                : e.threshold().comparator().isUpperBound();
    }

    private static boolean straggler(Requirement r) {
        return r.coordinated()
                .filter(c -> c.scope() == Coordination.Scope.STRAGGLER)
                .isPresent();
    }

    private static String oneSided(Requirement r, Expectation e, boolean max) {
        return "requirement '" + r.id() + "' " + e.statistic().name() + " of "
                + e.metric().id() + " " + e.threshold()
                + ": no sample bounds a " + (max ? "maximum from above" : "minimum from below")
                + ", so this can FAIL but never PASS; fix: ask for " + (max ? "p99.9" : "p0.1") + " instead";
    }

    private static String fixes(List<String> fixes, Optional<String> alternative) {
        List<String> all = new ArrayList<>(fixes);
        alternative.ifPresent(a -> all.add("ask for " + a));
        return "; fix: " + String.join(", or ", all);
    }

    /** The most extreme percentile on the same side that {@code atMost} samples could bound, if any. */
    static Optional<String> alternative(Statistic s, boolean upper, long atMost, double confidence) {
        double[] ladder = upper ? UPPER_LADDER : LOWER_LADDER;
        for (double p : ladder) {
            boolean lessExtreme = upper ? p < s.percentile() : p > s.percentile();
            if (lessExtreme && minimumSamples(p / 100, upper, confidence) <= atMost) {
                return Optional.of(Statistic.percentile(p).name());
            }
        }
        return Optional.empty();
    }

    private static String noun(Metric m) {
        return switch (m) {
            case LATENCY -> "operations";
            case RTT -> "round trips";
            case HICCUP -> "quanta";
            default -> "intervals";
        };
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String nanos(double ns) {
        return Quantity.nanos(ns).format();
    }

    private static String bytes(double b) {
        return Quantity.bytes(b).format();
    }

    /** Rounded up to two significant digits: 3,688 ms -> 3,700 ms. */
    static double ceil2(double x) {
        if (!(x > 0)) {
            return x;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(x)) - 1);
        return Math.ceil(x / mag - 1e-9) * mag;
    }

    /** Rounded down to two significant digits. */
    static double floor2(double x) {
        if (!(x > 0)) {
            return x;
        }
        double mag = Math.pow(10, Math.floor(Math.log10(x)) - 1);
        return Math.floor(x / mag + 1e-9) * mag;
    }

    private static OptionalLong durationNs(Workload w, String key) {
        return w.quantity(key)
                .filter(q -> q.dimension() == Dimension.DURATION && q.value() > 0)
                .map(q -> OptionalLong.of(q.longValue()))
                .orElse(OptionalLong.empty());
    }

    private static OptionalLong sizeOf(Workload w, String key) {
        return w.quantity(key)
                .filter(q -> q.dimension() == Dimension.DATA_SIZE && q.value() > 0)
                .map(q -> OptionalLong.of(q.longValue()))
                .orElse(OptionalLong.empty());
    }

    /** A whole number the spec gives for {@code key}; empty when absent or a word ({@code threads: all}). */
    private static OptionalLong countOf(Workload w, String key) {
        Object v = w.values().get(key);
        return v instanceof Long l && l > 0 ? OptionalLong.of(l) : OptionalLong.empty();
    }
}
