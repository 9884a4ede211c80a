package io.iocert.probes.fs;

import com.sun.nio.file.ExtendedOpenOption;
import io.iocert.probes.NanoClock;
import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.UnusableInputException;
import io.iocert.probes.measure.Histograms;
import io.iocert.results.BlockRecorder;
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
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * {@code fs.fsync}: the latency of a small write made durable, as a database log or a
 * checkpoint commit does it. One thread, one file: each operation writes {@code blockSize}
 * (default 4 KiB) of incompressible data at the next offset and then syncs the file; its
 * latency (ns, HdrHistogram) runs from the start of the write to the return of the sync.
 *
 * <p><b>Workload.</b> {@code sync: fsync} (default) calls {@link FileChannel#force(boolean)
 * force(true)}; {@code sync: fdatasync} calls {@code force(false)}, which the JDK implements
 * with fdatasync(2) on Linux (it flushes the data and only the metadata needed to read it
 * back, such as the size, but not timestamps). On other systems force(false) may be a full
 * fsync. Writes append until the file reaches {@value #DEFAULT_WRAP_MIB} MiB, then wrap to
 * offset 0 and overwrite: the first lap extends the file, so each sync also commits a size
 * change; later laps overwrite allocated blocks. The run ends after {@code duration} (default
 * 5 s) of measurement, or when the budget is spent, whichever is first; operations started
 * during {@code warmup} (default 0) are not recorded. {@code direct} defaults to
 * {@code false}: buffered writes whose data the sync then flushes, the usual pattern of
 * applications that sync; {@code true} requires O_DIRECT (the block size must be a multiple of
 * the filesystem block size) and {@code auto} falls back to buffered I/O where it is refused.
 *
 * <p><b>Context:</b> the {@link StorageFacts}, {@code syncCall} (fsync or fdatasync),
 * {@code direct} (as used), {@code directFallback}, {@code cacheAffected} (true only on a
 * memory filesystem, where a sync has nothing to flush), {@code stoppedBy} (duration, budget or
 * error) and {@code cleanupError}.
 *
 * <p><b>What spoils the measurement.</b> A volatile device write cache that the device does
 * not flush on request (or a controller that acknowledges from its cache) makes syncs look
 * fast without being durable; tmpfs has nothing to sync; other writers on the same filesystem
 * share its journal, so their commits lengthen ours. One outstanding operation: a stall shows
 * as one slow operation.
 */
public final class FsFsyncProbe implements Probe {
    static final String SYNC_CALL = "syncCall";
    static final int DEFAULT_WRAP_MIB = 64;
    static final long MAX_BLOCK_SIZE = 64L << 20;
    private static final int FALLBACK_ALIGNMENT = 4096;
    private static final Set<String> MEMORY_FILESYSTEMS = Set.of("tmpfs", "ramfs");

    private final long wrapBytes;

    public FsFsyncProbe() {
        this((long) DEFAULT_WRAP_MIB << 20);
    }

    /** @param wrapBytes where writing wraps back to offset 0 (a test seam for small files) */
    FsFsyncProbe(long wrapBytes) {
        this.wrapBytes = wrapBytes;
    }

    @Override
    public ProbeType type() {
        return ProbeType.FS_FSYNC;
    }

    /** The resolved workload: every default applied. */
    record Settings(long blockSizeBytes, boolean dataOnly, DirectMode direct, long durationNs, long warmupNs) {
        String syncCall() {
            return dataOnly ? "fdatasync" : "fsync";
        }
    }

    static Settings resolve(Workload w) throws ProbeException {
        ProbeType probe = ProbeType.FS_FSYNC;
        String id = probe.id();
        for (String key : w.values().keySet()) {
            if (probe.workloadKey(key).isEmpty()) {
                throw new ProbeException("workload key '" + key + "' is not known to " + id + "; expected one of "
                        + probe.workloadKeys().stream().map(WorkloadKey::name).collect(Collectors.joining(", ")));
            }
        }
        long blockSize = probe.defaultNumber("blockSize");
        if (w.has("blockSize")) {
            Quantity q = w.quantity("blockSize")
                    .filter(x -> x.dimension() == Dimension.DATA_SIZE)
                    .orElseThrow(() -> wrongType(w, "blockSize"));
            blockSize = q.longValue();
        }
        if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
            throw new ProbeException("blockSize " + FsWorkload.human(blockSize) + " is outside what " + id
                    + " supports (1 B to " + FsWorkload.human(MAX_BLOCK_SIZE) + ")");
        }
        String sync = w.text("sync", probe.defaultWord("sync"));
        if (!sync.equals("fsync") && !sync.equals("fdatasync")) {
            throw new ProbeException("sync '" + sync + "' is not valid for " + id + "; expected fsync or fdatasync");
        }
        DirectMode direct = DirectMode.parse(w.text("direct", probe.defaultWord("direct")), id);
        long duration = duration(w, "duration", probe.defaultNumber("duration"));
        long warmup = duration(w, "warmup", probe.defaultNumber("warmup"));
        if (duration <= 0) {
            throw new ProbeException("duration must be positive for " + id + ", got "
                    + Quantity.nanos(duration).format());
        }
        if (warmup < 0) {
            throw new ProbeException("warmup must not be negative for " + id + ", got "
                    + Quantity.nanos(warmup).format());
        }
        return new Settings(blockSize, sync.equals("fdatasync"), direct, duration, warmup);
    }

    @Override
    public List<Measurement> run(Requirement requirement, ProbeContext context)
            throws ProbeException, UnusableInputException, InterruptedException {
        Settings s = resolve(requirement.workload());
        NanoClock clock = context.clock();
        long startNs = clock.nanoTime();
        long budgetDeadlineNs = startNs + FsProbeEngine.cappedNanos(context.budget());
        long wrap = Math.max(s.blockSizeBytes(), wrapBytes / s.blockSizeBytes() * s.blockSizeBytes());
        Workspace workspace;
        try {
            workspace = Workspace.create(context.fsPath(), context.runId(), wrap, context.maxBytes());
        } catch (IOException e) {
            throw new ProbeException(
                    "could not create the fs.fsync workspace in " + context.fsPath() + ": " + FsProbeEngine.describe(e),
                    e);
        }
        return FsProbeEngine.closeAfter(
                workspace, () -> measure(requirement, context, s, workspace, wrap, budgetDeadlineNs));
    }

    private List<Measurement> measure(
            Requirement requirement,
            ProbeContext context,
            Settings s,
            Workspace workspace,
            long wrap,
            long budgetDeadlineNs)
            throws ProbeException, InterruptedException {
        Map<String, String> facts = StorageFacts.of(workspace.dir());
        String fsType = facts.get(StorageFacts.FS_TYPE);
        String where = workspace.dir().getParent() + (fsType == null ? "" : " (" + fsType + ")");
        int alignment = FsProbeEngine.alignment(workspace.dir());
        Path file = workspace.file("fsync-0");

        String fallback = null;
        FileChannel ch = null;
        Set<OpenOption> options = Set.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        if (s.direct().wanted()) {
            String obstacle = alignment <= 0
                    ? "O_DIRECT needs the filesystem block size of " + where + ", which could not be read"
                    : s.blockSizeBytes() % alignment != 0
                            ? "blockSize " + FsWorkload.human(s.blockSizeBytes())
                                    + " is not a multiple of the block size " + FsWorkload.human(alignment)
                                    + " that O_DIRECT needs on " + where
                            : null;
            if (obstacle == null) {
                try {
                    ch = FileChannel.open(
                            file, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW, ExtendedOpenOption.DIRECT);
                } catch (IOException | UnsupportedOperationException e) {
                    obstacle = "O_DIRECT is not supported on " + where + ": " + FsProbeEngine.describe(e);
                    try {
                        java.nio.file.Files.deleteIfExists(file);
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
            }
            if (obstacle != null) {
                if (s.direct() == DirectMode.TRUE) {
                    throw new ProbeException(
                            obstacle + "; use direct: auto to fall back to buffered I/O, or direct: false");
                }
                fallback = obstacle;
            }
        }
        boolean direct = ch != null;
        if (ch == null) {
            try {
                ch = FileChannel.open(file, options);
            } catch (IOException e) {
                throw new ProbeException(
                        "fs.fsync could not open its file in " + where + ": " + FsProbeEngine.describe(e), e);
            }
        }

        NanoClock clock = context.clock();
        Histogram latency = Histograms.latency();
        int blockSize = Math.toIntExact(s.blockSizeBytes());
        BlockSource source =
                new BlockSource(blockSize, alignment > 0 ? alignment : FALLBACK_ALIGNMENT, 1, new SplittableRandom());
        long beginNs = clock.nanoTime();
        long originNs = beginNs + Math.min(s.warmupNs(), FsProbeEngine.cappedNanos(context.budget()));
        BlockRecorder blocks = new BlockRecorder(originNs);
        long durationDeadlineNs = originNs + s.durationNs();
        long deadlineNs = durationDeadlineNs - budgetDeadlineNs <= 0 ? durationDeadlineNs : budgetDeadlineNs;
        String stoppedBy = deadlineNs == durationDeadlineNs ? "duration" : "budget";
        IOException failure = null;
        long offset = 0;
        long lastProgressNs = beginNs;
        try (FileChannel channel = ch) {
            while (true) {
                long opStartNs = clock.nanoTime();
                if (opStartNs - deadlineNs >= 0) {
                    break;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("fs.fsync interrupted");
                }
                ByteBuffer block = source.next();
                try {
                    long at = offset;
                    while (block.hasRemaining()) {
                        at += channel.write(block, at);
                    }
                    channel.force(!s.dataOnly());
                } catch (ClosedByInterruptException e) {
                    InterruptedException ie = new InterruptedException("interrupted during fs.fsync I/O");
                    ie.initCause(e);
                    throw ie;
                } catch (IOException e) {
                    failure = e;
                    stoppedBy = "error";
                    break;
                }
                long endNs = clock.nanoTime();
                if (opStartNs - originNs >= 0) {
                    latency.recordValue(Math.max(0, endNs - opStartNs));
                    blocks.record(endNs - opStartNs, endNs);
                }
                offset += blockSize;
                if (offset + blockSize > wrap) {
                    offset = 0;
                }
                if (endNs - lastProgressNs >= 250_000_000L) {
                    lastProgressNs = endNs;
                    double fraction = (double) (endNs - beginNs) / Math.max(1, deadlineNs - beginNs);
                    context.progress()
                            .update(
                                    requirement.id(),
                                    Math.max(0, Math.min(1, fraction)),
                                    s.syncCall() + ": " + latency.getTotalCount() + " operations");
                }
            }
        } catch (IOException e) {
            if (failure == null && latency.getTotalCount() == 0) {
                throw new ProbeException("could not close the fs.fsync file: " + FsProbeEngine.describe(e), e);
            }
        }
        context.progress().update(requirement.id(), 1.0, s.syncCall() + ": done");
        if (latency.getTotalCount() == 0) {
            if (failure != null) {
                throw new ProbeException(
                        "fs.fsync failed in " + where + " before measuring anything: "
                                + FsProbeEngine.describe(failure),
                        failure);
            }
            throw new ProbeException("fs.fsync measured nothing: the run ended (" + stoppedBy
                    + ") before the warmup of " + Quantity.nanos(s.warmupNs()).format() + " was over");
        }
        String error = failure == null
                ? null
                : "stopped after " + latency.getTotalCount() + " measured operations: "
                        + FsProbeEngine.describe(failure);

        Map<String, String> ctx = new LinkedHashMap<>(facts);
        ctx.put(SYNC_CALL, s.syncCall());
        ctx.put(FsProbeEngine.DIRECT, Boolean.toString(direct));
        if (fallback != null) {
            ctx.put(FsProbeEngine.DIRECT_FALLBACK, fallback);
        }
        ctx.put(FsProbeEngine.CACHE_AFFECTED, Boolean.toString(MEMORY_FILESYSTEMS.contains(fsType)));
        ctx.put(FsProbeEngine.STOPPED_BY, stoppedBy);

        Map<String, Object> asRun = new LinkedHashMap<>();
        asRun.put("blockSize", s.blockSizeBytes());
        asRun.put("sync", s.syncCall());
        asRun.put("direct", direct);
        asRun.put("duration", s.durationNs());
        asRun.put("warmup", s.warmupNs());
        return List.of(new Measurement(
                requirement.id(),
                ProbeType.FS_FSYNC.id(),
                Metric.LATENCY.id(),
                Metric.LATENCY.dimension().canonicalUnit(),
                asRun,
                latency.getTotalCount(),
                Summary.of(latency),
                latency,
                null,
                blocks.series(),
                ctx,
                error));
    }

    private static long duration(Workload w, String key, long def) throws ProbeException {
        if (!w.has(key)) {
            return def;
        }
        Quantity q =
                w.quantity(key).filter(x -> x.dimension() == Dimension.DURATION).orElseThrow(() -> wrongType(w, key));
        return q.longValue();
    }

    private static ProbeException wrongType(Workload w, String key) {
        String expected =
                ProbeType.FS_FSYNC.workloadKey(key).map(WorkloadKey::expected).orElse("a valid value");
        return new ProbeException(key + " of fs.fsync must be " + expected + ", got '"
                + w.values().get(key) + "'");
    }
}
