package io.iocert.probes.fs;

import io.iocert.probes.ProbeException;
import io.iocert.spec.Dimension;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Workload;
import io.iocert.spec.WorkloadKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * An fs.read / fs.write workload with every default resolved, in canonical units.
 * Defaults live here and nowhere else.
 *
 * @param probe          the probe the workload is for (names it in messages)
 * @param blockSizeBytes bytes per operation
 * @param fileSizeBytes  bytes per file (one file per thread), a whole number of blocks
 * @param threads        workers, each with its own file and one operation outstanding
 * @param direct         the requested O_DIRECT mode
 * @param durationNs     cap on the measured time (after warm-up), if any
 * @param intervalNs     throughput/IOPS interval length if the spec fixed it, else empty
 *                       (chosen after the run, see {@link IntervalPlan})
 * @param warmupNs       time at the start whose operations are not measured
 * @param random         {@code pattern: random}: block-aligned uniformly random offsets
 * @param totalSizeBytes bytes to move in total over all threads (whole blocks), if given;
 *                       without it each thread moves its file's size once
 * @param fsyncEvery     {@link #FSYNC_NONE}, {@link #FSYNC_END} or N &gt; 0 (fsync after every N writes)
 * @param readPercent    share of operations that are reads, 0..100 (100 for a plain fs.read, 0 for fs.write)
 * @param rateOpsPerSecond open-loop target rate over all threads, if given (else closed loop)
 * @param initialize     fs.read: read every file once, in full, before measuring (not measured)
 */
record FsWorkload(
        ProbeType probe,
        long blockSizeBytes,
        long fileSizeBytes,
        int threads,
        DirectMode direct,
        OptionalLong durationNs,
        OptionalLong intervalNs,
        long warmupNs,
        boolean random,
        OptionalLong totalSizeBytes,
        long fsyncEvery,
        int readPercent,
        OptionalDouble rateOpsPerSecond,
        boolean initialize) {

    static final String RANDOM = "random";
    static final long FSYNC_NONE = 0;
    static final long FSYNC_END = -1;

    static final String SEQUENTIAL = "sequential";
    /** Largest block one operation may move: buffers are Java byte buffers, indexed by int. */
    static final long MAX_BLOCK_SIZE = 1L << 30;

    static final int MAX_THREADS = 4096;

    FsWorkload {
        if (blockSizeBytes <= 0 || fileSizeBytes < blockSizeBytes || fileSizeBytes % blockSizeBytes != 0) {
            throw new IllegalArgumentException(
                    "inconsistent block and file size: " + blockSizeBytes + ", " + fileSizeBytes);
        }
    }

    /** The file size of all threads together: what the workspace must have room for. */
    long totalBytes() {
        return fileSizeBytes * threads;
    }

    /** Whether the run mixes reads and writes (or does the other probe's operation): needs both channels' modes. */
    boolean reads() {
        return readPercent > 0;
    }

    boolean writes() {
        return readPercent < 100;
    }

    /** The per-thread gap between planned starts under {@code rate}, in ns; 0 for the closed loop. */
    long scheduleIntervalNs() {
        if (rateOpsPerSecond.isEmpty()) {
            return 0;
        }
        return Math.max(1, Math.round(threads * 1e9 / rateOpsPerSecond.getAsDouble()));
    }

    /** Bytes the run moves unless duration or budget end it first. */
    long plannedBytes() {
        return totalSizeBytes.orElse(totalBytes());
    }

    /** Operations per file. */
    long opsPerFile() {
        return fileSizeBytes / blockSizeBytes;
    }

    /**
     * Resolves a spec workload for {@code probe}, refusing keys and values this probe cannot
     * honour (rather than silently ignoring them).
     *
     * @param availableProcessors what {@code threads: all} means
     */
    static FsWorkload resolve(ProbeType probe, Workload w, int availableProcessors) throws ProbeException {
        String id = probe.id();
        for (String key : w.values().keySet()) {
            if (probe.workloadKey(key).isEmpty()) {
                throw new ProbeException("workload key '" + key + "' is not known to " + id + "; expected one of "
                        + probe.workloadKeys().stream().map(WorkloadKey::name).collect(Collectors.joining(", ")));
            }
        }
        String pattern = w.text("pattern", probe.defaultWord("pattern"));
        if (!pattern.equals(SEQUENTIAL) && !pattern.equals(RANDOM)) {
            throw new ProbeException(
                    "pattern '" + pattern + "' is not valid for " + id + "; expected sequential or random");
        }
        boolean random = pattern.equals(RANDOM);
        long fsyncEvery = fsync(probe, w);
        int readPercent = probe == ProbeType.FS_READ ? 100 : 0;
        if (w.has("readPercent")) {
            Object v = w.values().get("readPercent");
            if (!(v instanceof Long l) || l < 0 || l > 100) {
                throw wrongType(probe, w, "readPercent");
            }
            if (!random) {
                throw new ProbeException(
                        "readPercent is only meaningful with pattern: random for " + id + ", got pattern " + pattern);
            }
            readPercent = (int) (long) l;
        }
        if (fsyncEvery != FSYNC_NONE && readPercent == 100) {
            throw new ProbeException("fsync " + w.text("fsync", "none") + " needs writes, but " + id
                    + " with readPercent 100 only reads; use fsync: none");
        }
        OptionalDouble rate = OptionalDouble.empty();
        if (w.has("rate")) {
            Quantity q = w.quantity("rate").orElse(null);
            if (q == null || q.dimension() != Dimension.OP_RATE) {
                throw wrongType(probe, w, "rate");
            }
            if (!(q.value() > 0) || Double.isInfinite(q.value())) {
                throw new ProbeException("rate must be positive for " + id + ", got " + q.format());
            }
            rate = OptionalDouble.of(q.value());
        }

        long blockSize = size(probe, w, "blockSize", probe.defaultNumber("blockSize"));
        long requestedFileSize = size(probe, w, "fileSize", probe.defaultNumber("fileSize"));
        if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
            throw new ProbeException("blockSize " + human(blockSize) + " is outside what " + id + " supports (1 B to "
                    + human(MAX_BLOCK_SIZE) + ")");
        }
        if (requestedFileSize < blockSize) {
            throw new ProbeException("fileSize " + human(requestedFileSize) + " is smaller than blockSize "
                    + human(blockSize) + "; " + id + " needs at least one whole block");
        }
        int threads = threads(probe, w, availableProcessors);
        DirectMode direct = DirectMode.parse(w.text("direct", probe.defaultWord("direct")), id);
        OptionalLong duration = optionalDuration(probe, w, "duration");
        OptionalLong interval = optionalDuration(probe, w, ProbeType.INTERVAL);
        long warmup = optionalDuration(probe, w, "warmup").orElse(probe.defaultNumber("warmup"));
        if (duration.isPresent() && duration.getAsLong() <= 0) {
            throw new ProbeException(
                    "duration must be positive for " + id + ", got " + Quantity.nanos(duration.getAsLong()));
        }
        if (interval.isPresent() && interval.getAsLong() <= 0) {
            throw new ProbeException(
                    "interval must be positive for " + id + ", got " + Quantity.nanos(interval.getAsLong()));
        }
        if (warmup < 0) {
            throw new ProbeException("warmup must not be negative for " + id + ", got " + Quantity.nanos(warmup));
        }
        long fileSize = requestedFileSize / blockSize * blockSize;
        OptionalLong totalSize = OptionalLong.empty();
        if (w.has("totalSize")) {
            long requested = size(probe, w, "totalSize", 0);
            if (requested < blockSize) {
                throw new ProbeException("totalSize " + human(requested) + " is smaller than blockSize "
                        + human(blockSize) + "; " + id + " needs at least one whole block");
            }
            totalSize = OptionalLong.of(requested / blockSize * blockSize);
        }
        boolean initialize = false;
        if (w.has("initialize")) {
            if (!(w.values().get("initialize") instanceof Boolean b)) {
                throw wrongType(probe, w, "initialize");
            }
            initialize = b;
        }
        return new FsWorkload(
                probe,
                blockSize,
                fileSize,
                threads,
                direct,
                duration,
                interval,
                warmup,
                random,
                totalSize,
                fsyncEvery,
                readPercent,
                rate,
                initialize);
    }

    /**
     * The workload as actually run, in canonical numbers (bytes, nanoseconds), for the
     * measurement record: every default resolved, {@code direct} as used rather than asked.
     */
    Map<String, Object> asRun(boolean directUsed, long intervalNsUsed) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pattern", random ? RANDOM : SEQUENTIAL);
        m.put("blockSize", blockSizeBytes);
        m.put("fileSize", fileSizeBytes);
        m.put("threads", (long) threads);
        m.put("direct", directUsed);
        durationNs.ifPresent(d -> m.put("duration", d));
        m.put(ProbeType.INTERVAL, intervalNsUsed);
        m.put("warmup", warmupNs);
        totalSizeBytes.ifPresent(t -> m.put("totalSize", t));
        if (fsyncEvery != FSYNC_NONE) {
            m.put("fsync", fsyncEvery == FSYNC_END ? "end" : (Object) fsyncEvery);
        }
        if (random) {
            m.put("readPercent", (long) readPercent);
        }
        rateOpsPerSecond.ifPresent(r -> m.put("rate", r));
        if (initialize) {
            m.put("initialize", true);
        }
        return m;
    }

    static String human(long bytes) {
        return Quantity.bytes(bytes).format();
    }

    private static long size(ProbeType probe, Workload w, String key, long def) throws ProbeException {
        if (!w.has(key)) {
            return def;
        }
        Quantity q = w.quantity(key).orElse(null);
        if (q == null || q.dimension() != Dimension.DATA_SIZE) {
            throw wrongType(probe, w, key);
        }
        return q.longValue();
    }

    private static long fsync(ProbeType probe, Workload w) throws ProbeException {
        Object v = w.values().get("fsync");
        if (v == null || "none".equals(v)) {
            return FSYNC_NONE;
        }
        if ("end".equals(v)) {
            return FSYNC_END;
        }
        long n;
        if (v instanceof Long l) {
            n = l;
        } else {
            try {
                n = Long.parseLong(v.toString().trim());
            } catch (NumberFormatException e) {
                throw wrongType(probe, w, "fsync");
            }
        }
        if (n < 1) {
            throw new ProbeException("fsync " + n + " is not valid for " + probe.id()
                    + "; expected none, end, or a whole number of writes of at least 1");
        }
        return n;
    }

    private static OptionalLong optionalDuration(ProbeType probe, Workload w, String key) throws ProbeException {
        if (!w.has(key)) {
            return OptionalLong.empty();
        }
        Quantity q = w.quantity(key).orElse(null);
        if (q == null || q.dimension() != Dimension.DURATION) {
            throw wrongType(probe, w, key);
        }
        return OptionalLong.of(q.longValue());
    }

    private static int threads(ProbeType probe, Workload w, int availableProcessors) throws ProbeException {
        if (!w.has("threads")) {
            return (int) probe.defaultNumber("threads");
        }
        Object v = w.values().get("threads");
        long n;
        if (v instanceof Long l) {
            n = l;
        } else if ("all".equals(v)) {
            n = availableProcessors;
        } else {
            throw wrongType(probe, w, "threads");
        }
        if (n < 1 || n > MAX_THREADS) {
            throw new ProbeException(
                    "threads " + n + " is outside what " + probe.id() + " supports (1 to " + MAX_THREADS + ")");
        }
        return (int) n;
    }

    private static ProbeException wrongType(ProbeType probe, Workload w, String key) {
        String expected = probe.workloadKey(key).map(WorkloadKey::expected).orElse("a valid value");
        return new ProbeException(key + " of " + probe.id() + " must be " + expected + ", got '"
                + w.values().get(key) + "'");
    }
}
