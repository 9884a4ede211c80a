package io.iocert.spec;

import static io.iocert.spec.WorkloadKey.Type.COUNT;
import static io.iocert.spec.WorkloadKey.Type.DURATION;
import static io.iocert.spec.WorkloadKey.Type.FSYNC_POLICY;
import static io.iocert.spec.WorkloadKey.Type.OP_RATE;
import static io.iocert.spec.WorkloadKey.Type.PERCENT;
import static io.iocert.spec.WorkloadKey.Type.SIZE;
import static io.iocert.spec.WorkloadKey.Type.SIZE_LIST;
import static io.iocert.spec.WorkloadKey.Type.THREADS;
import static io.iocert.spec.WorkloadKey.Type.TRISTATE;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every probe spec v1 knows, and what is known about each: its id and family, the metrics it
 * offers (each saying which way it improves, {@link Metric#better()}), the workload keys it
 * accepts with their constant defaults ({@link #defaultNumber}, {@link #defaultWord}; defaults
 * worked out at run time stay with the probe), the keys of its results that only bin per-interval rates, and how the several
 * measurements it may yield for one metric are told apart ({@link #variantKeys()},
 * {@link #variant}). This table is the single source for the loader's checks, for comparing
 * and combining results and for labelling verdicts, and is mirrored by the JSON Schema resource
 * (a test keeps the two in agreement).
 */
public enum ProbeType {
    FS_READ(
            "fs.read",
            "Reads a file the probe wrote itself: per-operation latency, per-interval throughput and IOPS.",
            List.of(Metric.LATENCY, Metric.THROUGHPUT, Metric.IOPS),
            readKeys(),
            Set.of(ProbeType.INTERVAL),
            List.of()),
    FS_WRITE(
            "fs.write",
            "Writes a file in its own directory: per-operation latency, per-interval throughput and IOPS.",
            List.of(Metric.LATENCY, Metric.THROUGHPUT, Metric.IOPS),
            fsKeys(),
            Set.of(ProbeType.INTERVAL),
            List.of()),
    FS_FSYNC(
            "fs.fsync",
            "Latency of a write followed by fsync or fdatasync.",
            List.of(Metric.LATENCY),
            List.of(
                    WorkloadKey.bounded(
                                    "blockSize",
                                    SIZE,
                                    "bytes written before each sync",
                                    0,
                                    WorkloadKey.MAX_BUFFER_BYTES)
                            .byDefault(4096),
                    WorkloadKey.oneOf("sync", "the sync call", "fsync", "fdatasync")
                            .byDefault("fsync"),
                    WorkloadKey.of("direct", TRISTATE, "O_DIRECT: true, false or auto (fall back where unsupported)")
                            .byDefault("false"),
                    WorkloadKey.of("duration", DURATION, "measured time").byDefault(5_000_000_000L),
                    WorkloadKey.of("warmup", DURATION, "time excluded from the measurement")
                            .byDefault(0))),
    FS_METADATA(
            "fs.metadata",
            "Latency and rate of file create, stat and unlink.",
            List.of(Metric.LATENCY, Metric.OPS),
            List.of(
                    WorkloadKey.oneOf("operation", "the metadata operation", "create", "stat", "unlink")
                            .byDefault("create"),
                    WorkloadKey.of("files", COUNT, "files per run").byDefault(1000),
                    WorkloadKey.oneOf("layout", "one flat directory or a tree", "flat", "tree")
                            .byDefault("flat"),
                    WorkloadKey.of("threads", THREADS, "concurrent workers").byDefault(1),
                    WorkloadKey.of("duration", DURATION, "measured time")),
            Set.of(ProbeType.INTERVAL),
            List.of()),
    NET_PINGPONG(
            "net.pingpong",
            "Round-trip time of a message to the peer and back.",
            List.of(Metric.RTT),
            List.of(
                    WorkloadKey.bounded(
                                    ProbeType.MESSAGE_SIZE, SIZE, "bytes per message", 0, WorkloadKey.MAX_BUFFER_BYTES)
                            .byDefault(64),
                    WorkloadKey.bounded(
                            "sizes",
                            SIZE_LIST,
                            "a sweep of message sizes, one measurement each",
                            0,
                            WorkloadKey.MAX_BUFFER_BYTES),
                    WorkloadKey.of("rate", OP_RATE, "open-loop target rate; latency from the intended send time"),
                    WorkloadKey.of("duration", DURATION, "measured time").byDefault(10_000_000_000L),
                    WorkloadKey.of("warmup", DURATION, "time excluded from the measurement")),
            Set.of(),
            List.of(ProbeType.MESSAGE_SIZE)),
    NET_STREAM(
            "net.stream",
            "Streaming throughput to or from the peer.",
            List.of(Metric.THROUGHPUT),
            List.of(
                    WorkloadKey.bounded("streams", COUNT, "parallel TCP streams", 1, WorkloadKey.MAX_THREADS)
                            .byDefault(1),
                    WorkloadKey.oneOf("direction", "which way data flows", "send", "receive", "both")
                            .byDefault("send"),
                    WorkloadKey.bounded("bufferSize", SIZE, "bytes per write", 0, WorkloadKey.MAX_BUFFER_BYTES)
                            .byDefault(128 << 10),
                    WorkloadKey.of("duration", DURATION, "measured time").byDefault(10_000_000_000L),
                    WorkloadKey.bounded(
                            ProbeType.INTERVAL,
                            DURATION,
                            "length of one throughput interval",
                            WorkloadKey.MIN_INTERVAL_NS,
                            Double.POSITIVE_INFINITY),
                    WorkloadKey.of("warmup", DURATION, "time excluded from the measurement")),
            Set.of(),
            List.of(ProbeType.SCOPE, ProbeType.STREAM)),
    NET_CONNECT(
            "net.connect",
            "Latency of a TCP connect plus the iocert handshake.",
            List.of(Metric.LATENCY),
            List.of(
                    WorkloadKey.of("count", COUNT, "connections to open").byDefault(100),
                    WorkloadKey.of("duration", DURATION, "measured time"))),
    COMPUTE_MEMORY_BANDWIDTH(
            "compute.memory-bandwidth",
            "STREAM-style memory bandwidth.",
            List.of(Metric.THROUGHPUT),
            List.of(
                    WorkloadKey.oneOf("kernel", "the STREAM kernel", "copy", "scale", "add", "triad")
                            .byDefault("triad"),
                    WorkloadKey.of("threads", THREADS, "threads, or all").byDefault(1),
                    WorkloadKey.of("arraySize", SIZE, "bytes per array (default: 4x the last-level cache)"),
                    WorkloadKey.of("duration", DURATION, "measured time"))),
    COMPUTE_FLOPS(
            "compute.flops",
            "Double-precision fused multiply-add rate.",
            List.of(Metric.FLOPS),
            List.of(
                    WorkloadKey.of("threads", THREADS, "threads, or all").byDefault(1),
                    WorkloadKey.of("duration", DURATION, "measured time"))),
    COMPUTE_JITTER(
            "compute.jitter",
            "Platform noise: excess time over a fixed sleep or work quantum.",
            List.of(Metric.HICCUP),
            List.of(
                    WorkloadKey.oneOf("mode", "what each thread does", "sleep", "work")
                            .byDefault("sleep"),
                    WorkloadKey.of(ProbeType.INTERVAL, DURATION, "the expected sleep or quantum")
                            .byDefault(1_000_000),
                    WorkloadKey.of("threads", THREADS, "threads, or all").byDefault(1),
                    WorkloadKey.of("duration", DURATION, "measured time")));

    /** What a probe measures; the part of its id before the dot. */
    public enum Family {
        /** The filesystem under the fs-path. */
        FS("fs"),
        /** The interconnect, against a peer. */
        NET("net"),
        /** CPU and memory. */
        COMPUTE("compute");

        private final String id;

        Family(String id) {
            this.id = id;
        }

        /** "fs", "net", "compute". */
        public String id() {
            return id;
        }

        static Family ofProbe(String probeId) {
            for (Family f : values()) {
                if (probeId.startsWith(f.id + ".")) {
                    return f;
                }
            }
            throw new IllegalArgumentException("probe id " + probeId + " names no family (fs., net., compute.)");
        }
    }

    // The table above names these qualified (ProbeType.INTERVAL): by simple name they would be
    // forward references, which Java refuses in an enum constant's arguments.

    /**
     * Workload key of the length of one per-interval rate (fs.read, fs.write, fs.metadata and
     * net.stream bin by it), or of compute.jitter's sleep or work quantum.
     */
    public static final String INTERVAL = "interval";
    /**
     * Workload and context key of the message size of one net.pingpong measurement; a sweep
     * ({@code sizes}) yields one measurement per size.
     */
    public static final String MESSAGE_SIZE = "messageSize";
    /**
     * Context key naming which part of an aggregate a measurement is: net.stream's
     * {@code aggregate} or one {@code stream}; a coordinated run's {@code node} or {@code pair}
     * use it too.
     */
    public static final String SCOPE = "scope";
    /** Context key of the number of one of net.stream's streams, beside {@code scope=stream}. */
    public static final String STREAM = "stream";

    private final String id;
    private final Family family;
    private final String doc;
    private final List<Metric> metrics;
    private final List<WorkloadKey> workloadKeys;
    private final Set<String> binningOnly;
    private final List<String> variantKeys;

    ProbeType(String id, String doc, List<Metric> metrics, List<WorkloadKey> workloadKeys) {
        this(id, doc, metrics, workloadKeys, Set.of(), List.of());
    }

    ProbeType(
            String id,
            String doc,
            List<Metric> metrics,
            List<WorkloadKey> workloadKeys,
            Set<String> binningOnly,
            List<String> variantKeys) {
        this.id = id;
        this.family = Family.ofProbe(id);
        this.doc = doc;
        this.metrics = List.copyOf(metrics);
        this.workloadKeys = List.copyOf(workloadKeys);
        this.binningOnly = Set.copyOf(binningOnly);
        this.variantKeys = List.copyOf(variantKeys);
    }

    /** The name used in specs: "fs.read". */
    public String id() {
        return id;
    }

    /** Filesystem, interconnect or compute. */
    public Family family() {
        return family;
    }

    public String doc() {
        return doc;
    }

    public List<Metric> metrics() {
        return metrics;
    }

    public List<WorkloadKey> workloadKeys() {
        return workloadKeys;
    }

    public Optional<WorkloadKey> workloadKey(String name) {
        return workloadKeys.stream().filter(k -> k.name().equals(name)).findFirst();
    }

    /**
     * The constant default of workload key {@code name}, a number (bytes, nanoseconds, a count).
     *
     * @throws IllegalArgumentException when this probe has no such key or no numeric default for it
     */
    public long defaultNumber(String name) {
        if (defaultOf(name) instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException(id + " has no numeric default for " + name);
    }

    /**
     * The constant default of workload key {@code name}, a word ({@code sequential}, {@code true}).
     *
     * @throws IllegalArgumentException when this probe has no such key or no word as its default
     */
    public String defaultWord(String name) {
        if (defaultOf(name) instanceof String w) {
            return w;
        }
        throw new IllegalArgumentException(id + " has no default word for " + name);
    }

    private Object defaultOf(String name) {
        return workloadKey(name)
                .map(WorkloadKey::defaultValue)
                .orElseThrow(() -> new IllegalArgumentException(id + " has no workload key " + name));
    }

    /**
     * Workload keys of this probe's results that only decide how per-interval rates are binned,
     * never a single operation. fs.read, fs.write and fs.metadata pick the throughput/IOPS/ops
     * {@value #INTERVAL} after the run from its length unless the spec fixes it: their
     * per-operation latency is the same whatever it is, their per-interval rates are not (rates
     * over 10 ms vary more than over 1 s). The {@value #INTERVAL} of compute.jitter is the sleep
     * quantum itself, and net.stream has no per-operation metric: neither lists it.
     */
    public Set<String> binningOnly() {
        return binningOnly;
    }

    /**
     * The keys that tell apart the measurements this probe yields for one metric of one
     * requirement: net.pingpong's {@value #MESSAGE_SIZE} (one per size of a sweep, in workload
     * and context), net.stream's {@value #SCOPE} and {@value #STREAM} (the aggregate and each
     * stream, in context). Empty for probes that yield one measurement per metric.
     */
    public List<String> variantKeys() {
        return variantKeys;
    }

    /**
     * The context keys that name which part of a requirement a measurement is, over all probes
     * (a sweep size, the aggregate or one stream; coordinated runs' nodes and pairs reuse
     * {@value #SCOPE}).
     */
    public static Set<String> allVariantKeys() {
        Set<String> keys = new LinkedHashSet<>();
        keys.add(SCOPE);
        for (ProbeType p : values()) {
            keys.addAll(p.variantKeys);
        }
        return Collections.unmodifiableSet(keys);
    }

    /**
     * How a measurement is told from the others of its requirement and metric, in reports: the
     * message size of a sweep ("messageSize 64 B"), else its {@value #SCOPE} ("aggregate",
     * "stream", "node", "pair"), else "part".
     *
     * @param workload the measurement's workload as run
     * @param context  the measurement's context
     */
    public static String variant(Map<String, ?> workload, Map<String, String> context) {
        Object size = workload.get(MESSAGE_SIZE);
        if (size instanceof Number n) {
            return MESSAGE_SIZE + " " + Quantity.bytes(n.doubleValue()).format();
        }
        String scope = context.get(SCOPE);
        return scope != null ? scope : "part";
    }

    public static Optional<ProbeType> ofId(String id) {
        for (ProbeType p : values()) {
            if (p.id.equals(id)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** All probe ids, comma separated, for messages. */
    public static String ids() {
        List<String> ids = new ArrayList<>();
        for (ProbeType p : values()) {
            ids.add(p.id);
        }
        return String.join(", ", ids);
    }

    /** fs.read's keys: those of fs.write and {@code initialize}. */
    private static List<WorkloadKey> readKeys() {
        List<WorkloadKey> keys = new ArrayList<>(fsKeys());
        keys.add(WorkloadKey.of(
                "initialize",
                WorkloadKey.Type.BOOLEAN,
                "read the whole file once before measuring (first-touch effects of volumes restored from snapshots)"));
        return List.copyOf(keys);
    }

    private static List<WorkloadKey> fsKeys() {
        return List.of(
                WorkloadKey.oneOf("pattern", "access pattern", "sequential", "random")
                        .byDefault("sequential"),
                WorkloadKey.bounded("blockSize", SIZE, "bytes per operation", 0, WorkloadKey.MAX_BUFFER_BYTES)
                        .byDefault(1L << 20),
                WorkloadKey.of("fileSize", SIZE, "size of the file (per thread)")
                        .byDefault(256L << 20),
                WorkloadKey.of("threads", THREADS, "workers, each with one operation outstanding")
                        .byDefault(1),
                WorkloadKey.of("direct", TRISTATE, "O_DIRECT: true, false or auto (fall back where unsupported)")
                        .byDefault("true"),
                WorkloadKey.of("fsync", FSYNC_POLICY, "none, end, or every N writes"),
                WorkloadKey.of("readPercent", PERCENT, "share of reads in mixed random I/O"),
                WorkloadKey.of("rate", OP_RATE, "open-loop target rate; latency from the intended start time"),
                WorkloadKey.of("duration", DURATION, "measured time"),
                WorkloadKey.of("totalSize", SIZE, "stop after this many bytes"),
                WorkloadKey.bounded(
                        INTERVAL,
                        DURATION,
                        "length of one throughput/IOPS interval",
                        WorkloadKey.MIN_INTERVAL_NS,
                        Double.POSITIVE_INFINITY),
                WorkloadKey.of("warmup", DURATION, "time excluded from the measurement")
                        .byDefault(0));
    }
}
