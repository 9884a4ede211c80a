package io.iocert.probes.fs;

import io.iocert.probes.NanoClock;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.UnusableInputException;
import io.iocert.probes.measure.Crew;
import io.iocert.probes.measure.Histograms;
import io.iocert.probes.measure.IntervalTracker;
import io.iocert.probes.measure.Pacing;
import io.iocert.results.BlockRecorder;
import io.iocert.results.BlockSeries;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Summary;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.HdrHistogram.Histogram;

/**
 * Runs fs.read and fs.write: resolves the workload, sets up the {@link Workspace}, decides
 * on O_DIRECT, runs one {@link FilePass} per thread and turns what they recorded into
 * the latency, throughput and IOPS measurements.
 *
 * <p><b>Time.</b> All timing uses {@link ProbeContext#clock()}. {@link ProbeContext#budget()}
 * bounds the whole probe, including fs.read writing its file; {@code duration} bounds the
 * measured part after {@code warmup}. No operation starts after the earlier deadline.
 *
 * <p><b>O_DIRECT alignment.</b> The alignment is the filesystem block size
 * ({@link java.nio.file.FileStore#getBlockSize}); on Linux this is the figure the JDK
 * itself checks positions and lengths of a DIRECT channel against. Buffers are direct buffers sliced to start at a multiple of
 * it; operation lengths are the workload's block size and offsets multiples of it, so both are
 * aligned when the block size is a multiple of the alignment. When it is not, or O_DIRECT
 * cannot be opened, {@code direct: true} is refused and {@code direct: auto} falls back to
 * buffered I/O.
 *
 * <p><b>Context</b> of every measurement: the {@link StorageFacts} that could be read,
 * {@code direct} (as used), {@code cacheAffected} (the page cache or memory shaped the
 * result), {@code stoppedBy} (fileSize, totalSize, duration, budget or error), and when
 * applicable {@code readPercent} (random runs), {@code targetRate} (open loop, ops/s over all
 * threads), {@code directFallback} (why O_DIRECT was not used) and {@code cleanupError}; for
 * fs.read {@code initialized} (whether the files were read once before measuring,
 * {@code initialize: true}) and then {@code initializeNs}. Always {@code bufferLayout}: where
 * the probe's buffers lived ({@link BufferLayout}: hugetlbfs-2MiB, thp-2MiB or aligned-4KiB),
 * those that wrote the files before measuring as well as the measured pass's, with
 * {@code bufferLayoutFallback} saying why no huge pages were used.
 *
 * <p><b>Files.</b> Each thread works on its own file. fs.read, and any random run, write the
 * files in full first (incompressible data, not measured, within the budget); sequential
 * fs.write creates them fresh.
 *
 * <p><b>One shared file (N-1).</b> In a coordinated run with {@code layout: shared-file}, every
 * thread of every node works in one file of the {@link SharedWorkspace}, {@code data}, each in
 * its own contiguous region of {@code fileSize} bytes: thread t of participant i (of N, each
 * with T threads) owns {@code [(i*T + t) * fileSize, (i*T + t + 1) * fileSize)}, IOR's segmented
 * layout with one segment ({@link #regionStart}). The file is opened without {@code CREATE_NEW}
 * (whoever comes first creates it) and never truncated. fs.read and random runs write their
 * region in full before the start barrier, so every region is laid out when any node reads.
 *
 * <p><b>Mixed I/O.</b> With {@code readPercent} strictly between 0 and 100 the latency
 * histogram holds reads and writes together, and throughput and IOPS count both; a spec that
 * needs them apart uses two requirements.
 */
final class FsProbeEngine {

    /** Opens a file channel: a seam so a test can play a filesystem that refuses O_DIRECT. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path file, Set<OpenOption> options) throws IOException;
    }

    /** Sees the data files after the measured pass, before they are removed: a seam for tests. */
    @FunctionalInterface
    interface FileInspector {
        void inspect(List<Path> files);
    }

    static final String DIRECT = "direct";
    static final String CACHE_AFFECTED = "cacheAffected";
    static final String DEVICE_REQUESTS_PER_OP = "deviceRequestsPerOp";
    static final String STOPPED_BY = "stoppedBy";
    /**
     * Context key, in coordinated runs only: when the interval series starts (after the warm-up),
     * in ns since the epoch on this node's clock, so a coordinator can align the nodes' series.
     */
    public static final String INTERVALS_ORIGIN = "intervalsOriginEpochNs";

    static final String DIRECT_FALLBACK = "directFallback";
    static final String CLEANUP_ERROR = "cleanupError";
    static final String READ_PERCENT = "readPercent";
    static final String TARGET_RATE = "targetRate";
    static final String INITIALIZED = "initialized";
    static final String BUFFER_LAYOUT = "bufferLayout";
    static final String BUFFER_LAYOUT_FALLBACK = "bufferLayoutFallback";
    static final String INITIALIZE_NS = "initializeNs";

    /** Context keys of a shared-file run: the layout, "i of N", where this node's first region starts (bytes). */
    static final String LAYOUT = "layout";

    static final String PARTICIPANT = "participant";
    static final String REGION_OFFSET = "regionOffset";
    /** The name of the one shared file in the shared workspace. */
    static final String SHARED_FILE = "data";

    /** Durations are capped here so deadline arithmetic on nanoTime values cannot overflow. */
    private static final long MAX_SPAN_NS = Long.MAX_VALUE / 4;

    private static final long PROGRESS_PERIOD_NS = 250_000_000L;
    private static final int PREPARE_CHUNK = 1 << 20;
    private static final int FALLBACK_ALIGNMENT = 4096;
    private static final Set<String> MEMORY_FILESYSTEMS = Set.of("tmpfs", "ramfs");

    private final ChannelOpener opener;
    private final FileInspector inspector;
    private final int availableProcessors;

    FsProbeEngine(ChannelOpener opener, FileInspector inspector, int availableProcessors) {
        this.opener = opener;
        this.inspector = inspector;
        this.availableProcessors = availableProcessors;
    }

    static FsProbeEngine standard() {
        return new FsProbeEngine(
                FileChannel::open, files -> {}, Runtime.getRuntime().availableProcessors());
    }

    List<Measurement> run(ProbeType type, Requirement requirement, ProbeContext context)
            throws ProbeException, UnusableInputException, InterruptedException {
        FsWorkload workload = FsWorkload.resolve(type, requirement.workload(), availableProcessors);
        long startNs = context.clock().nanoTime();
        long budgetDeadlineNs = startNs + cappedNanos(context.budget());
        Workspace workspace;
        try {
            workspace = Workspace.create(context.fsPath(), context.runId(), workload.totalBytes(), context.maxBytes());
        } catch (IOException e) {
            throw new ProbeException(
                    "could not create the " + type.id() + " workspace in " + context.fsPath() + ": " + describe(e), e);
        }
        List<Measurement> measurements = closeAfter(
                workspace,
                () -> new Execution(type, requirement, context, workload, workspace, budgetDeadlineNs).run());
        return measurements;
    }

    /**
     * Where thread {@code thread} of participant {@code index} (each participant running
     * {@code threads} threads) starts in the shared file: region {@code index * threads + thread},
     * each {@code fileBytes} long.
     *
     * @throws ArithmeticException when the offset does not fit a long
     */
    static long regionStart(int index, int threads, int thread, long fileBytes) {
        if (index < 0 || threads < 1 || thread < 0 || thread >= threads || fileBytes < 1) {
            throw new IllegalArgumentException("no region for thread " + thread + " of " + threads + " of participant "
                    + index + " with fileSize " + fileBytes);
        }
        return Math.multiplyExact(Math.addExact(Math.multiplyExact((long) index, threads), thread), fileBytes);
    }

    /** Whether {@code r} runs in one file shared by every node of a coordinated run. */
    static boolean sharedFile(Requirement r) {
        return r.coordinated()
                .map(c -> c.layout() == io.iocert.spec.Coordination.Layout.SHARED_FILE)
                .orElse(false);
    }

    /** One run of one requirement. */
    private final class Execution {
        private final ProbeType type;
        private final Requirement requirement;
        private final ProbeContext context;
        private final FsWorkload workload;
        private final Workspace workspace;
        private final long budgetDeadlineNs;
        private final NanoClock clock;
        private final FilePass.Op op;
        private String where;
        /** When the measured intervals start, in ns since the epoch (coordinated runs record it). */
        private long originEpochNs;
        /** Where each thread's part of its file begins: 0, or its region of the shared file. */
        private long[] regionStarts;

        Execution(
                ProbeType type,
                Requirement requirement,
                ProbeContext context,
                FsWorkload workload,
                Workspace workspace,
                long budgetDeadlineNs) {
            this.type = type;
            this.requirement = requirement;
            this.context = context;
            this.workload = workload;
            this.workspace = workspace;
            this.budgetDeadlineNs = budgetDeadlineNs;
            this.clock = context.clock();
            this.op = type == ProbeType.FS_READ ? FilePass.Op.READ : FilePass.Op.WRITE;
        }

        List<Measurement> run() throws ProbeException, InterruptedException {
            Map<String, String> facts = StorageFacts.of(workspace.dir());
            String fsType = facts.get(StorageFacts.FS_TYPE);
            where = workspace.dir().getParent() + (fsType == null ? "" : " (" + fsType + ")");
            int alignment = alignment(workspace.dir());
            List<Path> files = new ArrayList<>();
            regionStarts = new long[workload.threads()];
            boolean shared = sharedFile(requirement);
            io.iocert.probes.Placement place = null;
            if (shared) {
                place = context.placement()
                        .orElseThrow(
                                () -> new ProbeException(
                                        "requirement '" + requirement.id()
                                                + "' has coordinated layout shared-file, and the coordinator did not say which region of the file"
                                                + " is this node's; run the same iocert release on the coordinator and every participant"));
                Path file = joinShared(place).file(SHARED_FILE);
                for (int i = 0; i < workload.threads(); i++) {
                    files.add(file);
                    try {
                        regionStarts[i] = regionStart(place.index(), workload.threads(), i, workload.fileSizeBytes());
                    } catch (ArithmeticException e) {
                        throw new ProbeException("the shared file of " + place.count() + " nodes with fileSize "
                                + FsWorkload.human(workload.fileSizeBytes())
                                + " per thread would be larger than a file can be");
                    }
                }
            } else {
                for (int i = 0; i < workload.threads(); i++) {
                    files.add(workspace.file("data-" + i));
                }
            }

            boolean preparedDirect = false;
            boolean prepared = op == FilePass.Op.READ || workload.random();
            // One region of buffers for every phase, each phase taking its buffers from the
            // start of it again once the one before has ended: the files' own writes come from
            // the same fixed layout as the measured pass (a host behind a virtual disk caches a
            // file by the shape of the writes that laid it out, and the measured reads then
            // depend on it; BENCHMARKS.md), in no more memory than the largest phase needs.
            BufferLayout layout = BufferLayout.allocate(
                    Math.max(prepared ? prepareFootprint(files.size(), alignment) : 0, measuredFootprint(alignment)),
                    context.runId(),
                    BufferLayout.Sources.SYSTEM);
            double measuredShare = 1.0;
            if (prepared) {
                measuredShare = workload.initialize() ? 1.0 / 3 : 0.5;
                preparedDirect = prepare(files, alignment, layout);
            }
            OptionalLong initializeNs = OptionalLong.empty();
            boolean initializedDirect = true;
            if (workload.initialize()) {
                long t0 = clock.nanoTime();
                initializedDirect = initialize(files, alignment, 1.0 / 3, 1.0 / 3, layout);
                initializeNs = OptionalLong.of(clock.nanoTime() - t0);
            }
            Set<OpenOption> options;
            if (!prepared) {
                // A file of its own is made fresh; the shared file by whichever node opens it first.
                options = Set.of(
                        StandardOpenOption.WRITE, shared ? StandardOpenOption.CREATE : StandardOpenOption.CREATE_NEW);
            } else if (!workload.writes()) {
                options = Set.of(StandardOpenOption.READ);
            } else if (!workload.reads()) {
                options = Set.of(StandardOpenOption.WRITE);
            } else {
                options = Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            DataChannels channels = open(files, options, alignment, workload.direct());
            MeasuredPass pass;
            Optional<long[]> requestsBefore = StorageFacts.requestsCompleted(workspace.dir());
            try (channels) {
                pass = measure(channels, alignment, 1.0 - measuredShare, measuredShare, layout);
            }
            Optional<long[]> requestsAfter = StorageFacts.requestsCompleted(workspace.dir());
            inspector.inspect(List.copyOf(files));

            boolean memoryBacked = MEMORY_FILESYSTEMS.contains(fsType);
            boolean coldReadsOnly = !workload.writes() && preparedDirect && initializedDirect;
            boolean cacheAffected = memoryBacked || (!channels.direct() && !coldReadsOnly);
            Map<String, String> ctx = new LinkedHashMap<>(facts);
            ctx.put(DIRECT, Boolean.toString(channels.direct()));
            ctx.put(CACHE_AFFECTED, Boolean.toString(cacheAffected));
            ctx.put(STOPPED_BY, pass.stoppedBy());
            ctx.put(BUFFER_LAYOUT, pass.layout().label());
            if (!pass.layout().why().isEmpty()) {
                ctx.put(BUFFER_LAYOUT_FALLBACK, pass.layout().why());
            }
            if (context.startBarrier() != io.iocert.probes.StartBarrier.NONE) {
                ctx.put(INTERVALS_ORIGIN, Long.toString(originEpochNs));
            }
            if (shared) {
                ctx.put(LAYOUT, io.iocert.spec.Coordination.Layout.SHARED_FILE.id());
                ctx.put(PARTICIPANT, place.index() + " of " + place.count());
                ctx.put(REGION_OFFSET, Long.toString(regionStarts[0]));
            }
            if (channels.fallbackReason() != null) {
                ctx.put(DIRECT_FALLBACK, channels.fallbackReason());
            }
            if (workload.random()) {
                ctx.put(READ_PERCENT, Integer.toString(workload.readPercent()));
            }
            workload.rateOpsPerSecond().ifPresent(r -> ctx.put(TARGET_RATE, Double.toString(r)));
            if (type == ProbeType.FS_READ) {
                ctx.put(INITIALIZED, Boolean.toString(initializeNs.isPresent()));
                initializeNs.ifPresent(ns -> ctx.put(INITIALIZE_NS, Long.toString(ns)));
            }
            if (requestsBefore.isPresent()
                    && requestsAfter.isPresent()
                    && pass.latency().getTotalCount() > 0) {
                // Requests the device completed per measured operation: 1 when each operation
                // went out whole, 2 when the block layer split it (a large O_DIRECT buffer in
                // more pages than the device takes segments). Warm-up operations, journal writes
                // and other processes' I/O on the device count too, so it is an upper bound.
                long requests = requestsAfter.get()[0]
                        - requestsBefore.get()[0]
                        + requestsAfter.get()[1]
                        - requestsBefore.get()[1];
                ctx.put(
                        DEVICE_REQUESTS_PER_OP,
                        String.format(
                                java.util.Locale.ROOT,
                                "%.2f",
                                (double) requests / pass.latency().getTotalCount()));
            }
            return toMeasurements(pass, ctx, channels.direct());
        }

        /**
         * Joins the shared directory of this requirement; this node leaves it (and the last node
         * removes it) when its own workspace closes, also from the shutdown hook.
         */
        private SharedWorkspace joinShared(io.iocert.probes.Placement place) throws ProbeException {
            SharedWorkspace shared;
            try {
                shared = SharedWorkspace.join(context.fsPath(), place);
            } catch (UnusableInputException | IOException e) {
                throw new ProbeException(
                        "could not join the shared directory of " + type.id() + " in " + context.fsPath() + ": "
                                + describe(e),
                        e);
            }
            workspace.beforeClose(shared::leave);
            return shared;
        }

        /** The buffers {@link #prepare} takes from the layout: one chunk's pool per file. */
        private long prepareFootprint(int files, int alignment) {
            return BufferLayout.footprint(
                            BlockSource.poolBytes(prepareChunk(), bufferAlignment(alignment), workload.threads()))
                    * files;
        }

        /** The measured pass's buffers: a write pool and a read buffer per thread, as the workload needs. */
        private long measuredFootprint(int alignment) {
            int blockSize = Math.toIntExact(workload.blockSizeBytes());
            int threads = workload.threads();
            long poolBytes = BlockSource.poolBytes(blockSize, bufferAlignment(alignment), threads);
            long perThread = (workload.writes() ? BufferLayout.footprint(poolBytes) : 0)
                    + (workload.reads() ? BufferLayout.footprint(blockSize) : 0);
            return perThread * threads;
        }

        /** The size of prepare's and initialize's operations: a whole number of blocks, about PREPARE_CHUNK. */
        private int prepareChunk() {
            return (int) Math.max(
                    workload.blockSizeBytes(), PREPARE_CHUNK / workload.blockSizeBytes() * workload.blockSizeBytes());
        }

        /**
         * fs.read, and fs.write with random offsets, write the files they work on, in full,
         * before measuring; not measured (random writes then overwrite data, as fio lays out its
         * file first, rather than measure allocation of a sparse file). With
         * O_DIRECT where possible, so that even buffered reads start with a cold page cache.
         *
         * @return whether the files were written with O_DIRECT
         */
        private boolean prepare(List<Path> files, int alignment, BufferLayout layout)
                throws ProbeException, InterruptedException {
            DirectMode mode = workload.direct() == DirectMode.TRUE ? DirectMode.TRUE : DirectMode.AUTO;
            DataChannels channels = open(
                    files,
                    Set.of(
                            StandardOpenOption.WRITE,
                            sharedFile(requirement) ? StandardOpenOption.CREATE : StandardOpenOption.CREATE_NEW),
                    alignment,
                    mode);
            int chunk = prepareChunk();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong done = new AtomicLong();
            List<FilePass> passes = new ArrayList<>();
            layout.rewind();
            long poolBytes = BlockSource.poolBytes(chunk, bufferAlignment(alignment), workload.threads());
            for (int i = 0; i < channels.list().size(); i++) {
                BlockSource source = new BlockSource(
                        chunk,
                        bufferAlignment(alignment),
                        workload.threads(),
                        new SplittableRandom(),
                        layout.buffer(Math.toIntExact(poolBytes), bufferAlignment(alignment)));
                passes.add(FilePass.sequential(
                        channels.list().get(i),
                        FilePass.Op.WRITE,
                        regionStarts[i],
                        workload.fileSizeBytes(),
                        chunk,
                        source,
                        null,
                        OperationRecorder.unmeasured(clock),
                        budgetDeadlineNs,
                        stop,
                        done));
            }
            double share = workload.initialize() ? 1.0 / 3 : 0.5;
            PassProgress progress = new PassProgress(
                    context,
                    requirement.id(),
                    "writing the file to read: ",
                    0,
                    share,
                    workload.totalBytes(),
                    clock.nanoTime(),
                    budgetDeadlineNs,
                    done);
            try (channels) {
                List<FilePass.Outcome> outcomes = runAll(passes, stop, progress);
                for (FilePass.Outcome o : outcomes) {
                    if (o.end() == FilePass.End.FAILED) {
                        throw new ProbeException(
                                type.id() + " could not write the file it reads in " + where + ": "
                                        + describe(o.failure()),
                                o.failure());
                    }
                }
                if (done.get() < workload.totalBytes()) {
                    throw new ProbeException(
                            "the budget of " + Quantity.nanos(context.budget().toNanos()) + " ran out while "
                                    + type.id() + " wrote the " + FsWorkload.human(workload.totalBytes())
                                    + (op == FilePass.Op.READ ? " it reads (" : " it overwrites (")
                                    + FsWorkload.human(done.get()) + " written); raise the budget or lower fileSize");
                }
                for (FileChannel ch : channels.list()) {
                    ch.force(true);
                }
            } catch (ClosedByInterruptException e) {
                throw interrupted(e);
            } catch (IOException e) {
                throw new ProbeException(
                        type.id() + " could not write the file it reads in " + where + ": " + describe(e), e);
            }
            return channels.direct();
        }

        /**
         * {@code initialize: true}: reads every file once, front to back, before measuring, so
         * that the measured reads find every block already touched (a volume restored from a
         * snapshot fetches each block on its first read; thin-provisioned and deduplicating
         * layers behave alike). Not measured; within the budget, like writing the files. With
         * O_DIRECT where the filesystem allows it, whatever the measurement's own {@code direct},
         * so that buffered measured reads still start with a cold page cache.
         *
         * @return whether the files were read with O_DIRECT (else they are now in the page cache)
         */
        private boolean initialize(
                List<Path> files, int alignment, double progressFrom, double progressShare, BufferLayout layout)
                throws ProbeException, InterruptedException {
            DataChannels channels = open(files, Set.of(StandardOpenOption.READ), alignment, DirectMode.AUTO);
            int chunk = prepareChunk();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong done = new AtomicLong();
            List<FilePass> passes = new ArrayList<>();
            layout.rewind();
            for (int i = 0; i < channels.list().size(); i++) {
                passes.add(FilePass.sequential(
                        channels.list().get(i),
                        FilePass.Op.READ,
                        regionStarts[i],
                        workload.fileSizeBytes(),
                        chunk,
                        null,
                        layout.buffer(chunk, bufferAlignment(alignment)),
                        OperationRecorder.unmeasured(clock),
                        budgetDeadlineNs,
                        stop,
                        done));
            }
            PassProgress progress = new PassProgress(
                    context,
                    requirement.id(),
                    "reading the file once before measuring (initialize): ",
                    progressFrom,
                    progressShare,
                    workload.totalBytes(),
                    clock.nanoTime(),
                    budgetDeadlineNs,
                    done);
            try (channels) {
                for (FilePass.Outcome o : runAll(passes, stop, progress)) {
                    if (o.end() == FilePass.End.FAILED) {
                        throw new ProbeException(
                                type.id() + " could not read its file once before measuring (initialize) in " + where
                                        + ": " + describe(o.failure()),
                                o.failure());
                    }
                }
                if (done.get() < workload.totalBytes()) {
                    throw new ProbeException(
                            "the budget of " + Quantity.nanos(context.budget().toNanos()) + " ran out while "
                                    + type.id() + " read the " + FsWorkload.human(workload.totalBytes())
                                    + " it reads once before"
                                    + " measuring (initialize: true; " + FsWorkload.human(done.get())
                                    + " read); raise the budget"
                                    + " or lower fileSize");
                }
            }
            return channels.direct();
        }

        private MeasuredPass measure(
                DataChannels channels, int alignment, double progressFrom, double progressShare, BufferLayout layout)
                throws ProbeException, InterruptedException {
            int blockSize = (int) workload.blockSizeBytes();
            int threads = workload.threads();
            List<Histogram> histograms = new ArrayList<>();
            List<IntervalTracker> trackers = new ArrayList<>();
            List<OperationRecorder> recorders = new ArrayList<>();
            List<FilePass> passes = new ArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong done = new AtomicLong();
            // Buffers first: filling the random pools is not part of the measured time.
            BlockSource[] sources = new BlockSource[threads];
            ByteBuffer[] readBuffers = new ByteBuffer[threads];
            SplittableRandom seeds = new SplittableRandom();
            SplittableRandom[] randoms = new SplittableRandom[threads];
            // In huge pages where the node has them, so that a large O_DIRECT operation's
            // buffer is physically contiguous in every run (see BufferLayout).
            int bufferAlignment = bufferAlignment(alignment);
            long poolBytes = BlockSource.poolBytes(blockSize, bufferAlignment, threads);
            layout.rewind();
            for (int i = 0; i < threads; i++) {
                randoms[i] = seeds.split();
                if (workload.writes()) {
                    sources[i] = new BlockSource(
                            blockSize,
                            bufferAlignment,
                            threads,
                            seeds.split(),
                            layout.buffer(Math.toIntExact(poolBytes), bufferAlignment));
                }
                if (workload.reads()) {
                    readBuffers[i] = layout.buffer(blockSize, bufferAlignment);
                }
            }
            MeasuringWarmup.run(sources);
            // totalSize (shared below) or duration bound the run when given; only without
            // either does a thread stop after moving its file's size once.
            boolean bounded = workload.totalSizeBytes().isPresent()
                    || workload.durationNs().isPresent();
            long capBytes = bounded ? Long.MAX_VALUE : workload.fileSizeBytes();
            AtomicLong totalLeft = workload.totalSizeBytes().isPresent()
                    ? new AtomicLong(workload.totalSizeBytes().getAsLong())
                    : null;
            FilePass.Plan plan = new FilePass.Plan(
                    workload.random(),
                    workload.fileSizeBytes(),
                    blockSize,
                    capBytes,
                    workload.readPercent(),
                    workload.fsyncEvery(),
                    workload.scheduleIntervalNs());
            FilePass.Waiter waiter = targetNs -> parkUntil(clock, targetNs);
            // A coordinated run starts every node's measured pass at one instant; the files are
            // prepared and the buffers filled by now.
            context.startBarrier().await();
            // Workers start and wait at the gate before the clock starts, so thread start-up
            // is not counted as time the filesystem sat idle in the first intervals. Each takes
            // its pass from its slot once released: the passes need the clock's origin.
            AtomicReferenceArray<FilePass> slots = new AtomicReferenceArray<>(threads);
            List<Crew.Member<FilePass.Outcome>> members = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int slot = i;
                members.add(() -> slots.get(slot).call());
            }
            Crew<FilePass.Outcome> crew = Crew.start(type.id(), members, stop);
            long passStartNs;
            boolean durationFirst;
            List<FilePass.Outcome> outcomes;
            try {
                crew.awaitPrepared();
                passStartNs = clock.nanoTime();
                long originNs = passStartNs + Math.min(workload.warmupNs(), MAX_SPAN_NS);
                originEpochNs =
                        io.iocert.probes.EpochClock.ofNanoTime(System.nanoTime() + (originNs - clock.nanoTime()));
                long durationDeadlineNs =
                        originNs + Math.min(workload.durationNs().orElse(MAX_SPAN_NS), MAX_SPAN_NS);
                durationFirst = durationDeadlineNs - budgetDeadlineNs < 0;
                long deadlineNs = durationFirst ? durationDeadlineNs : budgetDeadlineNs;
                for (int i = 0; i < threads; i++) {
                    Histogram h = Histograms.latency();
                    IntervalTracker t = new IntervalTracker(originNs, workload.intervalNs());
                    OperationRecorder r = new OperationRecorder(clock, h, t, originNs);
                    histograms.add(h);
                    trackers.add(t);
                    recorders.add(r);
                    FilePass pass = new FilePass(
                            channels.list().get(i),
                            plan.at(regionStarts[i]),
                            sources[i],
                            readBuffers[i],
                            r,
                            deadlineNs,
                            stop,
                            done,
                            totalLeft,
                            randoms[i],
                            waiter);
                    passes.add(pass);
                    slots.set(i, pass);
                }
                PassProgress progress = new PassProgress(
                        context,
                        requirement.id(),
                        "",
                        progressFrom,
                        progressShare,
                        workload.plannedBytes(),
                        passStartNs,
                        deadlineNs,
                        done);
                crew.release();
                outcomes = crew.awaitAll(PROGRESS_PERIOD_NS, progress::report);
                progress.finish();
            } finally {
                crew.close();
            }

            Histogram latency = Histograms.latency();
            histograms.forEach(latency::add);
            BlockRecorder blocks = recorders.get(0).blocks();
            recorders.stream().skip(1).forEach(r -> blocks.merge(r.blocks()));
            IntervalTracker intervals = trackers.get(0);
            trackers.stream().skip(1).forEach(intervals::merge);
            long spanNs = recorders.stream()
                    .mapToLong(OperationRecorder::spanNs)
                    .max()
                    .orElse(0);
            IntervalTracker.Series series = intervals.series(spanNs);

            IOException failure = null;
            boolean complete = true;
            for (FilePass.Outcome o : outcomes) {
                if (o.end() == FilePass.End.FAILED && failure == null) {
                    failure = o.failure();
                }
                complete &= o.end() == FilePass.End.COMPLETE || o.end() == FilePass.End.TOTAL;
            }
            String limit = workload.totalSizeBytes().isPresent() ? "totalSize" : "fileSize";
            String stoppedBy = failure != null ? "error" : complete ? limit : durationFirst ? "duration" : "budget";
            if (latency.getTotalCount() == 0) {
                if (failure != null) {
                    throw new ProbeException(
                            type.id() + " failed in " + where + " before measuring anything: " + describe(failure),
                            failure);
                }
                throw new ProbeException(type.id() + " measured nothing: the run ended (" + stoppedBy
                        + ") before the warmup of " + Quantity.nanos(workload.warmupNs()) + " was over");
            }
            String error = failure == null
                    ? null
                    : "stopped after " + latency.getTotalCount() + " measured operations: " + describe(failure);
            return new MeasuredPass(latency, blocks.series(), series, stoppedBy, error, layout);
        }

        /** The measured pass, ready to become measurements. */
        private record MeasuredPass(
                Histogram latency,
                BlockSeries blocks,
                IntervalTracker.Series series,
                String stoppedBy,
                String error,
                BufferLayout layout) {}

        private List<FilePass.Outcome> runAll(List<FilePass> passes, AtomicBoolean stop, PassProgress progress)
                throws ProbeException, InterruptedException {
            List<Crew.Member<FilePass.Outcome>> members = new ArrayList<>();
            for (FilePass p : passes) {
                members.add(p::call);
            }
            try (Crew<FilePass.Outcome> crew = Crew.start(type.id(), members, stop)) {
                crew.release();
                List<FilePass.Outcome> outcomes = crew.awaitAll(PROGRESS_PERIOD_NS, progress::report);
                progress.finish();
                return outcomes;
            }
        }

        /** Opens one channel per file, with O_DIRECT as {@code mode} asks and the filesystem allows. */
        private DataChannels open(List<Path> files, Set<OpenOption> options, int alignment, DirectMode mode)
                throws ProbeException {
            return DataChannels.open(
                    opener, files, options, alignment, mode, workload.blockSizeBytes(), where, type.id());
        }

        private List<Measurement> toMeasurements(MeasuredPass pass, Map<String, String> ctx, boolean direct) {
            Map<String, Object> asRun = workload.asRun(direct, pass.series().intervalNs());
            String id = requirement.id();
            String probe = type.id();
            Histogram latency = pass.latency();
            IntervalSeries throughput = pass.series().throughput();
            IntervalSeries iops = pass.series().iops();
            return List.of(
                    new Measurement(
                            id,
                            probe,
                            Metric.LATENCY.id(),
                            unit(Metric.LATENCY),
                            asRun,
                            latency.getTotalCount(),
                            Summary.of(latency),
                            latency,
                            null,
                            pass.blocks(),
                            ctx,
                            pass.error()),
                    new Measurement(
                            id,
                            probe,
                            Metric.THROUGHPUT.id(),
                            unit(Metric.THROUGHPUT),
                            asRun,
                            throughput.values().size(),
                            Summary.of(throughput.values()),
                            null,
                            throughput,
                            ctx,
                            pass.error()),
                    new Measurement(
                            id,
                            probe,
                            Metric.IOPS.id(),
                            unit(Metric.IOPS),
                            asRun,
                            iops.values().size(),
                            Summary.of(iops.values()),
                            null,
                            iops,
                            ctx,
                            pass.error()));
        }
    }

    /** The filesystem block size, the O_DIRECT alignment; 0 when unknown or not a power of two. */
    static int alignment(Path dir) {
        return DataChannels.alignment(dir);
    }

    private static int bufferAlignment(int alignment) {
        return alignment > 0 ? alignment : FALLBACK_ALIGNMENT;
    }

    /** Parks until {@code clock} reads {@code targetNs} or later; the open loop's wait. */
    static void parkUntil(NanoClock clock, long targetNs) throws InterruptedException {
        Pacing.parkUntil(clock, targetNs);
    }

    static long cappedNanos(Duration d) {
        if (d.isNegative()) {
            return 0;
        }
        return d.compareTo(Duration.ofNanos(MAX_SPAN_NS)) > 0 ? MAX_SPAN_NS : d.toNanos();
    }

    static String describe(Throwable e) {
        return io.iocert.probes.measure.Crew.describe(e);
    }

    /** What a probe measures inside its workspace. */
    interface Measured {
        List<Measurement> run() throws ProbeException, InterruptedException;
    }

    /**
     * Runs {@code body} and closes {@code workspace} whatever happens. A failed close after a
     * good run keeps the measurements and names the problem in their {@value #CLEANUP_ERROR}
     * context; after a failed run it is attached to that failure.
     */
    static List<Measurement> closeAfter(Workspace workspace, Measured body)
            throws ProbeException, InterruptedException {
        List<Measurement> measurements;
        try {
            measurements = body.run();
        } catch (Throwable t) {
            try {
                workspace.close();
            } catch (IOException e) {
                t.addSuppressed(e);
            }
            throw t;
        }
        try {
            workspace.close();
        } catch (IOException e) {
            measurements = withContext(measurements, CLEANUP_ERROR, describe(e));
        }
        return measurements;
    }

    private static List<Measurement> withContext(List<Measurement> ms, String key, String value) {
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : ms) {
            Map<String, String> ctx = new LinkedHashMap<>(m.context());
            ctx.put(key, value);
            out.add(m.withContext(ctx));
        }
        return out;
    }

    /** An interrupt of the probing thread during its own I/O closes the channel; the caller asked to stop. */
    private static InterruptedException interrupted(ClosedByInterruptException e) {
        InterruptedException ie = new InterruptedException("interrupted during file I/O");
        ie.initCause(e);
        return ie;
    }

    private static String unit(Metric m) {
        return m.dimension().canonicalUnit();
    }
}
