package io.iocert.probes.fs;

import io.iocert.probes.NanoClock;
import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.UnusableInputException;
import io.iocert.probes.measure.Crew;
import io.iocert.probes.measure.Histograms;
import io.iocert.probes.measure.IntervalAccumulator;
import io.iocert.probes.measure.IntervalTracker;
import io.iocert.results.BlockRecorder;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Summary;
import io.iocert.spec.Dimension;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Workload;
import io.iocert.spec.WorkloadKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * {@code fs.metadata}: the latency of single metadata operations (ns, HdrHistogram) and their
 * rate per interval ({@code ops}, ops/s), as mdtest measures them.
 *
 * <p><b>Workload.</b> {@code operation: create} creates and closes empty files;
 * {@code stat} stats files created beforehand (not measured); {@code unlink} removes files
 * created beforehand (not measured). {@code files} (default 1000) is the
 * number of files over all threads, split as evenly as possible. {@code threads} (default 1)
 * each work in their own subdirectory, one operation outstanding. create and unlink make one
 * pass over the files; stat makes one pass, or without pause repeated passes until
 * {@code duration} when one is given. {@code duration} and the budget end any run earlier; the
 * budget also bounds preparing files and directories. No warm-up: the first operations on a
 * fresh directory are part of what a job sees.
 *
 * <p><b>Layout.</b> {@code flat} puts each thread's files in its one directory.
 * {@code tree} is mdtest-like: each thread's files go into leaf directories of at most
 * {@value #FANOUT} files, and the leaves into level-one directories of at most {@value #FANOUT}
 * leaves: {@code <thread>/a<k>/b<m>/f<n>}, two levels below the thread's directory. Up to
 * a million files per thread every directory holds at most {@value #FANOUT} entries. The
 * directories are made before the clock starts (not measured), for every operation.
 *
 * <p><b>Interval.</b> 1 s, or for a shorter run the longest of 500 ms down to 1 ms that still
 * gives ten intervals (as the fs probes choose it). Metadata runs are often shorter than
 * 10 ms (a thousand stats from the dentry cache), so below that the interval is a tenth of the
 * run rounded down to a multiple of {@value #MICRO_BUCKET_NS} ns (at least that): a run under
 * 100 us gives fewer than ten intervals.
 *
 * <p><b>Coordinated runs</b> ({@code coordinated:} on the requirement, {@code iocert coordinate}):
 * the files and directories are made, then the probe waits at the start barrier and every node
 * starts its first operation at the common instant. The ops interval is then fixed before the
 * run, the same on every node, so the coordinator can add the nodes' series: chosen from the
 * {@code duration} as above, else {@value #COORDINATED_INTERVAL_MS} ms. {@code layout:
 * file-per-process}: each node in its own workspace, as alone (mdtest's {@code -u}).
 * {@code layout: shared-dir}: every thread of every node creates, stats or removes its files
 * flat in one directory all nodes share ({@link SharedWorkspace}), named
 * {@code p<participant>-t<thread>-f<n>} so no two collide (mdtest's shared directory). Each node
 * removes its own files; the last to leave removes the directory.
 *
 * <p><b>Context:</b> the {@link StorageFacts}, {@code directories} (directories made below the
 * threads' own ones), {@code stoppedBy} (files, duration, budget or error), {@code cleanupError};
 * coordinated: {@code intervalsOriginEpochNs}, and with shared-dir {@code layout} and
 * {@code participant} ("i of N").
 *
 * <p><b>What spoils the measurement.</b> The dentry and inode caches: stat of files just
 * created is served from memory on a local filesystem (on a network filesystem attribute
 * caching decides); the journal and its commit interval shape create and unlink; other jobs
 * creating files in the same filesystem (a parallel filesystem's metadata server is shared).
 */
public final class FsMetadataProbe implements Probe {
    static final int FANOUT = 100;
    static final int MAX_FILES = 100_000_000;
    static final int MAX_THREADS = 4096;
    static final String DIRECTORIES = "directories";
    static final long MICRO_BUCKET_NS = 10_000;
    private static final int MICRO_BUCKETS = 1000;
    private static final long PROGRESS_PERIOD_NS = 250_000_000L;
    /** The ops interval of a coordinated run without a duration. */
    static final long COORDINATED_INTERVAL_MS = 100;

    /** The metadata operation measured. */
    enum Operation {
        CREATE,
        STAT,
        UNLINK;

        String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The resolved workload: every default applied. */
    record Settings(Operation operation, int files, boolean tree, int threads, OptionalLong durationNs) {
        int filesOf(int thread) {
            return files / threads + (thread < files % threads ? 1 : 0);
        }
    }

    private final Consumer<Path> inspector;
    private final int availableProcessors;

    public FsMetadataProbe() {
        this(dir -> {}, Runtime.getRuntime().availableProcessors());
    }

    /** @param inspector sees the workspace after the measured phase, before cleanup: a test seam */
    FsMetadataProbe(Consumer<Path> inspector, int availableProcessors) {
        this.inspector = inspector;
        this.availableProcessors = availableProcessors;
    }

    @Override
    public ProbeType type() {
        return ProbeType.FS_METADATA;
    }

    static Settings resolve(Workload w, int availableProcessors) throws ProbeException {
        ProbeType probe = ProbeType.FS_METADATA;
        String id = probe.id();
        for (String key : w.values().keySet()) {
            if (probe.workloadKey(key).isEmpty()) {
                throw new ProbeException("workload key '" + key + "' is not known to " + id + "; expected one of "
                        + probe.workloadKeys().stream().map(WorkloadKey::name).collect(Collectors.joining(", ")));
            }
        }
        String op = w.text("operation", probe.defaultWord("operation"));
        Operation operation = switch (op) {
            case "create" -> Operation.CREATE;
            case "stat" -> Operation.STAT;
            case "unlink" -> Operation.UNLINK;
            default ->
                throw new ProbeException(
                        "operation '" + op + "' is not valid for " + id + "; expected create, stat or unlink");
        };
        String layout = w.text("layout", probe.defaultWord("layout"));
        if (!layout.equals("flat") && !layout.equals("tree")) {
            throw new ProbeException("layout '" + layout + "' is not valid for " + id + "; expected flat or tree");
        }
        long files = probe.defaultNumber("files");
        if (w.has("files")) {
            if (!(w.values().get("files") instanceof Long l)) {
                throw wrongType(w, "files");
            }
            files = l;
        }
        if (files < 1 || files > MAX_FILES) {
            throw new ProbeException(
                    "files " + files + " is outside what " + id + " supports (1 to " + MAX_FILES + ")");
        }
        long threads = probe.defaultNumber("threads");
        if (w.has("threads")) {
            Object v = w.values().get("threads");
            if (v instanceof Long l) {
                threads = l;
            } else if ("all".equals(v)) {
                threads = availableProcessors;
            } else {
                throw wrongType(w, "threads");
            }
        }
        if (threads < 1 || threads > MAX_THREADS) {
            throw new ProbeException(
                    "threads " + threads + " is outside what " + id + " supports (1 to " + MAX_THREADS + ")");
        }
        if (threads > files) {
            throw new ProbeException("threads " + threads + " exceeds files " + files + " for " + id
                    + "; every thread needs at least one file");
        }
        OptionalLong duration = OptionalLong.empty();
        if (w.has("duration")) {
            Quantity q = w.quantity("duration")
                    .filter(x -> x.dimension() == Dimension.DURATION)
                    .orElseThrow(() -> wrongType(w, "duration"));
            if (q.longValue() <= 0) {
                throw new ProbeException("duration must be positive for " + id + ", got " + q.format());
            }
            duration = OptionalLong.of(q.longValue());
        }
        return new Settings(operation, (int) files, layout.equals("tree"), (int) threads, duration);
    }

    @Override
    public List<Measurement> run(Requirement requirement, ProbeContext context)
            throws ProbeException, UnusableInputException, InterruptedException {
        Settings s = resolve(requirement.workload(), availableProcessors);
        long startNs = context.clock().nanoTime();
        long budgetDeadlineNs = startNs + FsProbeEngine.cappedNanos(context.budget());
        Workspace workspace;
        try {
            workspace = Workspace.create(context.fsPath(), context.runId(), 0, context.maxBytes());
        } catch (IOException e) {
            throw new ProbeException(
                    "could not create the fs.metadata workspace in " + context.fsPath() + ": "
                            + FsProbeEngine.describe(e),
                    e);
        }
        boolean sharedDir = requirement
                .coordinated()
                .map(c -> c.layout() == io.iocert.spec.Coordination.Layout.SHARED_DIR)
                .orElse(false);
        return FsProbeEngine.closeAfter(workspace, () -> {
            List<Worker> workers = new ArrayList<>();
            io.iocert.probes.Placement place = null;
            SharedWorkspace shared = null;
            if (sharedDir) {
                if (s.tree()) {
                    throw new ProbeException("layout: tree cannot run in one shared directory (coordinated layout"
                            + " shared-dir); use layout: flat");
                }
                place = context.placement()
                        .orElseThrow(() -> new ProbeException("requirement '" + requirement.id()
                                + "' has coordinated layout shared-dir, and the coordinator did not say which participant this"
                                + " node is; run the same iocert release on the coordinator and every participant"));
                try {
                    shared = SharedWorkspace.join(context.fsPath(), place);
                } catch (UnusableInputException | IOException e) {
                    throw new ProbeException(
                            "could not join the shared directory of fs.metadata in " + context.fsPath() + ": "
                                    + FsProbeEngine.describe(e),
                            e);
                }
                // Registered first, so it runs last: every worker has removed its files by then.
                workspace.beforeClose(shared::leave);
            }
            for (int t = 0; t < s.threads(); t++) {
                Worker w = shared == null
                        ? new Worker(s, workspace.file("meta-" + t), s.filesOf(t), "", true)
                        : new Worker(s, shared.dir(), s.filesOf(t), "p" + place.index() + "-t" + t + "-", false);
                workers.add(w);
                workspace.beforeClose(w::removeAll);
            }
            List<Measurement> ms = measure(requirement, context, s, workspace, workers, budgetDeadlineNs);
            if (place != null) {
                List<Measurement> out = new ArrayList<>();
                for (Measurement m : ms) {
                    Map<String, String> ctx = new LinkedHashMap<>(m.context());
                    ctx.put(FsProbeEngine.LAYOUT, io.iocert.spec.Coordination.Layout.SHARED_DIR.id());
                    ctx.put(FsProbeEngine.PARTICIPANT, place.index() + " of " + place.count());
                    out.add(m.withContext(ctx));
                }
                ms = out;
            }
            return ms;
        });
    }

    /**
     * The ops interval fixed before a coordinated run (the same on every node, so their series
     * add up): chosen from the duration as a run alone would choose it from its span, else
     * {@value #COORDINATED_INTERVAL_MS} ms. Empty outside a coordinated run: chosen after it.
     */
    static OptionalLong fixedIntervalNs(Settings s, boolean coordinated) {
        if (!coordinated) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(
                s.durationNs().isPresent()
                        ? IntervalTracker.chooseIntervalNs(s.durationNs().getAsLong())
                        : COORDINATED_INTERVAL_MS * 1_000_000L);
    }

    private List<Measurement> measure(
            Requirement requirement,
            ProbeContext context,
            Settings s,
            Workspace workspace,
            List<Worker> workers,
            long budgetDeadlineNs)
            throws ProbeException, InterruptedException {
        Map<String, String> facts = StorageFacts.of(workspace.dir());
        String fsType = facts.get(StorageFacts.FS_TYPE);
        String where = workspace.dir().getParent() + (fsType == null ? "" : " (" + fsType + ")");
        NanoClock clock = context.clock();
        boolean coordinated = context.startBarrier() != io.iocert.probes.StartBarrier.NONE;
        OptionalLong fixedInterval = fixedIntervalNs(s, coordinated);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        AtomicLong origin = new AtomicLong();
        AtomicLong deadline = new AtomicLong();
        List<Crew.Member<Worker>> members = new ArrayList<>();
        for (Worker w : workers) {
            members.add(new Crew.Member<>() {
                @Override
                public void prepare() throws Exception {
                    w.prepare(clock, budgetDeadlineNs, stop);
                }

                @Override
                public Worker measure() throws Exception {
                    w.measure(clock, origin.get(), deadline.get(), stop, done, fixedInterval);
                    return w;
                }
            });
        }
        Crew<Worker> crew = Crew.start("fs.metadata", members, stop);
        try {
            crew.awaitPrepared();
            if (!crew.stopped()) {
                // A coordinated run starts every node's first operation at one instant, files
                // made. A worker that failed preparing says why from awaitAll, below, without
                // holding the other nodes up at the barrier.
                context.startBarrier().await();
            }
            long originNs = clock.nanoTime();
            long originEpochNs =
                    io.iocert.probes.EpochClock.ofNanoTime(System.nanoTime() + (originNs - clock.nanoTime()));
            long durationDeadlineNs =
                    s.durationNs().isPresent() ? originNs + s.durationNs().getAsLong() : Long.MAX_VALUE;
            boolean durationFirst = s.durationNs().isPresent() && durationDeadlineNs - budgetDeadlineNs <= 0;
            origin.set(originNs);
            deadline.set(durationFirst ? durationDeadlineNs : budgetDeadlineNs);
            crew.release();
            long planned = s.files();
            crew.awaitAll(PROGRESS_PERIOD_NS, () -> {
                double fraction =
                        s.operation() == Operation.STAT && s.durationNs().isPresent()
                                ? (double) (clock.nanoTime() - originNs)
                                        / s.durationNs().getAsLong()
                                : (double) done.get() / planned;
                context.progress()
                        .update(
                                requirement.id(),
                                Math.max(0, Math.min(1, fraction)),
                                s.operation().id() + ": " + done.get() + " operations");
            });
            context.progress().update(requirement.id(), 1.0, s.operation().id() + ": done");
            inspector.accept(workspace.dir());
            List<Measurement> ms =
                    toMeasurements(requirement, s, facts, where, workers, originNs, durationFirst, fixedInterval);
            if (!coordinated) {
                return ms;
            }
            List<Measurement> out = new ArrayList<>();
            for (Measurement m : ms) {
                Map<String, String> ctx = new LinkedHashMap<>(m.context());
                ctx.put(FsProbeEngine.INTERVALS_ORIGIN, Long.toString(originEpochNs));
                out.add(m.withContext(ctx));
            }
            return out;
        } finally {
            crew.close();
        }
    }

    private static List<Measurement> toMeasurements(
            Requirement requirement,
            Settings s,
            Map<String, String> facts,
            String where,
            List<Worker> workers,
            long originNs,
            boolean durationFirst,
            OptionalLong fixedInterval)
            throws ProbeException {
        Histogram latency = Histograms.latency();
        IntervalTracker intervals = new IntervalTracker(originNs, fixedInterval);
        IntervalAccumulator micro = new IntervalAccumulator(originNs, MICRO_BUCKET_NS, MICRO_BUCKETS);
        BlockRecorder blocks = new BlockRecorder(originNs);
        long spanNs = 0;
        long directories = 0;
        Exception failure = null;
        boolean complete = true;
        for (Worker w : workers) {
            if (w.latency != null) {
                latency.add(w.latency);
                intervals.merge(w.intervals);
                micro.merge(w.micro);
                blocks.merge(w.recorder.blocks());
                spanNs = Math.max(spanNs, w.recorder.spanNs());
            }
            directories += w.directories.size();
            if (w.failure != null && failure == null) {
                failure = w.failure;
            }
            complete &= w.complete;
        }
        String stoppedBy = failure != null ? "error" : complete ? "files" : durationFirst ? "duration" : "budget";
        if (latency.getTotalCount() == 0) {
            if (failure != null) {
                throw new ProbeException(
                        "fs.metadata failed in " + where + " before measuring anything: "
                                + FsProbeEngine.describe(failure),
                        failure);
            }
            throw new ProbeException("fs.metadata measured nothing: the budget was spent (" + stoppedBy
                    + ") before the first operation");
        }
        String error = failure == null
                ? null
                : "stopped after " + latency.getTotalCount() + " measured operations: "
                        + FsProbeEngine.describe(failure);
        long intervalNs;
        IntervalSeries ops;
        if (fixedInterval.isPresent() || spanNs >= IntervalTracker.MIN_INTERVALS * 1_000_000L) {
            IntervalTracker.Series series = intervals.series(spanNs);
            intervalNs = series.intervalNs();
            ops = series.iops();
        } else {
            intervalNs = Math.max(
                    MICRO_BUCKET_NS, spanNs / IntervalTracker.MIN_INTERVALS / MICRO_BUCKET_NS * MICRO_BUCKET_NS);
            ops = new IntervalSeries(intervalNs, micro.opsPerSecond(intervalNs, spanNs));
        }

        Map<String, String> ctx = new LinkedHashMap<>(facts);
        ctx.put(DIRECTORIES, Long.toString(directories));
        ctx.put(FsProbeEngine.STOPPED_BY, stoppedBy);
        Map<String, Object> asRun = new LinkedHashMap<>();
        asRun.put("operation", s.operation().id());
        asRun.put("files", (long) s.files());
        asRun.put("layout", s.tree() ? "tree" : "flat");
        asRun.put("threads", (long) s.threads());
        s.durationNs().ifPresent(d -> asRun.put("duration", d));
        asRun.put(ProbeType.INTERVAL, intervalNs);
        String id = requirement.id();
        String probe = ProbeType.FS_METADATA.id();
        return List.of(
                new Measurement(
                        id,
                        probe,
                        Metric.LATENCY.id(),
                        Metric.LATENCY.dimension().canonicalUnit(),
                        asRun,
                        latency.getTotalCount(),
                        Summary.of(latency),
                        latency,
                        null,
                        blocks.series(),
                        ctx,
                        error),
                new Measurement(
                        id,
                        probe,
                        Metric.OPS.id(),
                        Metric.OPS.dimension().canonicalUnit(),
                        asRun,
                        ops.values().size(),
                        Summary.of(ops.values()),
                        null,
                        ops,
                        ctx,
                        error));
    }

    /**
     * One thread's share: its own directory (registered with the workspace), the directories
     * it made below it and the files it may have made. {@link #removeAll} removes the latter two
     * and runs at {@link Workspace#close}, so the shutdown hook clears the tree too; a file a
     * worker is creating at that very moment may escape it, and then the directory is left
     * and named, as for anything else close cannot remove.
     */
    private static final class Worker {
        private final Settings settings;
        private final Path root;
        private final int files;
        /** Put before every file name: "" in a directory of its own, the participant and thread in a shared one. */
        private final String prefix;
        /** Whether {@link #root} is this worker's to make and remove (not a shared directory). */
        private final boolean ownRoot;

        private final List<Path> directories = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Files {@code f0 .. f<made-1>} may exist; only those are removed. */
        private volatile int made;

        private Histogram latency;
        private IntervalTracker intervals;
        /** 10-us buckets over the first 10 ms, for runs too short for {@link IntervalTracker}. */
        private IntervalAccumulator micro;

        private OperationRecorder recorder;
        private Exception failure;
        private boolean complete;

        Worker(Settings settings, Path root, int files, String prefix, boolean ownRoot) {
            this.settings = settings;
            this.root = root;
            this.files = files;
            this.prefix = prefix;
            this.ownRoot = ownRoot;
        }

        /** Where file {@code i} lives: flat, or {@code a<i/10000>/b<(i/100)%100>/} in a tree. */
        Path fileOf(int i) {
            if (!settings.tree()) {
                return root.resolve(prefix + "f" + i);
            }
            return root.resolve("a" + (i / (FANOUT * FANOUT)))
                    .resolve("b" + (i / FANOUT % FANOUT))
                    .resolve("f" + i);
        }

        /** Makes the directories, and the files for stat and unlink; not measured. */
        void prepare(NanoClock clock, long budgetDeadlineNs, AtomicBoolean stop) throws IOException, ProbeException {
            if (ownRoot) {
                Files.createDirectory(root);
            }
            if (settings.tree()) {
                for (int leaf = 0; leaf * FANOUT < files; leaf++) {
                    Path b = fileOf(leaf * FANOUT).getParent();
                    Path a = b.getParent();
                    if (leaf % FANOUT == 0) {
                        Files.createDirectory(a);
                        directories.add(a);
                    }
                    Files.createDirectory(b);
                    directories.add(b);
                }
            }
            if (settings.operation() == Operation.CREATE) {
                return;
            }
            for (int i = 0; i < files; i++) {
                if (stop.get() || clock.nanoTime() - budgetDeadlineNs >= 0) {
                    throw new ProbeException("the budget was spent creating the " + settings.files() + " files to "
                            + settings.operation().id() + " before measuring anything; lower files");
                }
                made = i + 1;
                Files.createFile(fileOf(i));
            }
        }

        void measure(
                NanoClock clock,
                long originNs,
                long deadlineNs,
                AtomicBoolean stop,
                AtomicLong done,
                OptionalLong fixedInterval) {
            latency = Histograms.latency();
            intervals = new IntervalTracker(originNs, fixedInterval);
            recorder = new OperationRecorder(clock, latency, intervals, originNs);
            micro = new IntervalAccumulator(originNs, MICRO_BUCKET_NS, MICRO_BUCKETS);
            boolean repeat = settings.operation() == Operation.STAT
                    && settings.durationNs().isPresent();
            try {
                do {
                    for (int i = 0; i < files; i++) {
                        long startNs = recorder.now();
                        if (stop.get() || startNs - deadlineNs >= 0) {
                            return;
                        }
                        Path p = fileOf(i);
                        switch (settings.operation()) {
                            case CREATE -> {
                                made = i + 1;
                                Files.createFile(p);
                            }
                            case STAT -> Files.readAttributes(p, BasicFileAttributes.class);
                            case UNLINK -> Files.delete(p);
                        }
                        micro.add(startNs, recorder.finish(startNs, 0), 0);
                        done.incrementAndGet();
                    }
                } while (repeat);
                complete = true;
            } catch (IOException | RuntimeException e) {
                failure = e;
                stop.set(true);
            } finally {
                recorder.flush();
            }
        }

        /** Removes exactly what this worker may have made: its files, its directories deepest first, its root. */
        void removeAll() throws IOException {
            IOException first = null;
            List<Path> dirs;
            synchronized (directories) {
                dirs = List.copyOf(directories);
            }
            for (int i = 0; i < made; i++) {
                try {
                    Files.deleteIfExists(fileOf(i));
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            for (int k = dirs.size() - 1; k >= 0; k--) {
                try {
                    Files.deleteIfExists(dirs.get(k));
                } catch (IOException e) {
                    first = first == null ? e : first;
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    private static ProbeException wrongType(Workload w, String key) {
        String expected = ProbeType.FS_METADATA
                .workloadKey(key)
                .map(WorkloadKey::expected)
                .orElse("a valid value");
        return new ProbeException(key + " of fs.metadata must be " + expected + ", got '"
                + w.values().get(key) + "'");
    }
}
