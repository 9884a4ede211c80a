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
import java.util.List;
import java.util.Optional;

/**
 * Every probe spec v1 knows, the metrics it offers and the workload keys it accepts.
 * This table is the single source for the loader's checks and is mirrored by the JSON Schema
 * resource (a test keeps the two in agreement).
 */
public enum ProbeType {
    FS_READ(
            "fs.read",
            "Reads a file the probe wrote itself: per-operation latency, per-interval throughput and IOPS.",
            List.of(Metric.LATENCY, Metric.THROUGHPUT, Metric.IOPS),
            readKeys()),
    FS_WRITE(
            "fs.write",
            "Writes a file in its own directory: per-operation latency, per-interval throughput and IOPS.",
            List.of(Metric.LATENCY, Metric.THROUGHPUT, Metric.IOPS),
            fsKeys()),
    FS_FSYNC(
            "fs.fsync",
            "Latency of a write followed by fsync or fdatasync.",
            List.of(Metric.LATENCY),
            List.of(
                    WorkloadKey.bounded(
                            "blockSize", SIZE, "bytes written before each sync", 0, WorkloadKey.MAX_BUFFER_BYTES),
                    WorkloadKey.oneOf("sync", "the sync call", "fsync", "fdatasync"),
                    WorkloadKey.of("direct", TRISTATE, "O_DIRECT: true, false or auto (fall back where unsupported)"),
                    WorkloadKey.of("duration", DURATION, "measured time"),
                    WorkloadKey.of("warmup", DURATION, "time excluded from the measurement"))),
    FS_METADATA(
            "fs.metadata",
            "Latency and rate of file create, stat and unlink.",
            List.of(Metric.LATENCY, Metric.OPS),
            List.of(
                    WorkloadKey.oneOf("operation", "the metadata operation", "create", "stat", "unlink"),
                    WorkloadKey.of("files", COUNT, "files per run"),
                    WorkloadKey.oneOf("layout", "one flat directory or a tree", "flat", "tree"),
                    WorkloadKey.of("threads", THREADS, "concurrent workers"),
                    WorkloadKey.of("duration", DURATION, "measured time"))),
    NET_PINGPONG(
            "net.pingpong",
            "Round-trip time of a message to the peer and back.",
            List.of(Metric.RTT),
            List.of(
                    WorkloadKey.bounded("messageSize", SIZE, "bytes per message", 0, WorkloadKey.MAX_BUFFER_BYTES),
                    WorkloadKey.bounded(
                            "sizes",
                            SIZE_LIST,
                            "a sweep of message sizes, one measurement each",
                            0,
                            WorkloadKey.MAX_BUFFER_BYTES),
                    WorkloadKey.of("rate", OP_RATE, "open-loop target rate; latency from the intended send time"),
                    WorkloadKey.of("duration", DURATION, "measured time"),
                    WorkloadKey.of("warmup", DURATION, "time excluded from the measurement"))),
    NET_STREAM(
            "net.stream",
            "Streaming throughput to or from the peer.",
            List.of(Metric.THROUGHPUT),
            List.of(
                    WorkloadKey.bounded("streams", COUNT, "parallel TCP streams", 1, WorkloadKey.MAX_THREADS),
                    WorkloadKey.oneOf("direction", "which way data flows", "send", "receive", "both"),
                    WorkloadKey.bounded("bufferSize", SIZE, "bytes per write", 0, WorkloadKey.MAX_BUFFER_BYTES),
                    WorkloadKey.of("duration", DURATION, "measured time"),
                    WorkloadKey.bounded(
                            "interval",
                            DURATION,
                            "length of one throughput interval",
                            WorkloadKey.MIN_INTERVAL_NS,
                            Double.POSITIVE_INFINITY),
                    WorkloadKey.of("warmup", DURATION, "time excluded from the measurement"))),
    NET_CONNECT(
            "net.connect",
            "Latency of a TCP connect plus the iocert handshake.",
            List.of(Metric.LATENCY),
            List.of(
                    WorkloadKey.of("count", COUNT, "connections to open"),
                    WorkloadKey.of("duration", DURATION, "measured time"))),
    COMPUTE_MEMORY_BANDWIDTH(
            "compute.memory-bandwidth",
            "STREAM-style memory bandwidth.",
            List.of(Metric.THROUGHPUT),
            List.of(
                    WorkloadKey.oneOf("kernel", "the STREAM kernel", "copy", "scale", "add", "triad"),
                    WorkloadKey.of("threads", THREADS, "threads, or all"),
                    WorkloadKey.of("arraySize", SIZE, "bytes per array (default: 4x the last-level cache)"),
                    WorkloadKey.of("duration", DURATION, "measured time"))),
    COMPUTE_FLOPS(
            "compute.flops",
            "Double-precision fused multiply-add rate.",
            List.of(Metric.FLOPS),
            List.of(
                    WorkloadKey.of("threads", THREADS, "threads, or all"),
                    WorkloadKey.of("duration", DURATION, "measured time"))),
    COMPUTE_JITTER(
            "compute.jitter",
            "Platform noise: excess time over a fixed sleep or work quantum.",
            List.of(Metric.HICCUP),
            List.of(
                    WorkloadKey.oneOf("mode", "what each thread does", "sleep", "work"),
                    WorkloadKey.of("interval", DURATION, "the expected sleep or quantum"),
                    WorkloadKey.of("threads", THREADS, "threads, or all"),
                    WorkloadKey.of("duration", DURATION, "measured time")));

    private final String id;
    private final String doc;
    private final List<Metric> metrics;
    private final List<WorkloadKey> workloadKeys;

    ProbeType(String id, String doc, List<Metric> metrics, List<WorkloadKey> workloadKeys) {
        this.id = id;
        this.doc = doc;
        this.metrics = List.copyOf(metrics);
        this.workloadKeys = List.copyOf(workloadKeys);
    }

    /** The name used in specs: "fs.read". */
    public String id() {
        return id;
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
                WorkloadKey.oneOf("pattern", "access pattern", "sequential", "random"),
                WorkloadKey.bounded("blockSize", SIZE, "bytes per operation", 0, WorkloadKey.MAX_BUFFER_BYTES),
                WorkloadKey.of("fileSize", SIZE, "size of the file (per thread)"),
                WorkloadKey.of("threads", THREADS, "workers, each with one operation outstanding"),
                WorkloadKey.of("direct", TRISTATE, "O_DIRECT: true, false or auto (fall back where unsupported)"),
                WorkloadKey.of("fsync", FSYNC_POLICY, "none, end, or every N writes"),
                WorkloadKey.of("readPercent", PERCENT, "share of reads in mixed random I/O"),
                WorkloadKey.of("rate", OP_RATE, "open-loop target rate; latency from the intended start time"),
                WorkloadKey.of("duration", DURATION, "measured time"),
                WorkloadKey.of("totalSize", SIZE, "stop after this many bytes"),
                WorkloadKey.bounded(
                        "interval",
                        DURATION,
                        "length of one throughput/IOPS interval",
                        WorkloadKey.MIN_INTERVAL_NS,
                        Double.POSITIVE_INFINITY),
                WorkloadKey.of("warmup", DURATION, "time excluded from the measurement"));
    }
}
