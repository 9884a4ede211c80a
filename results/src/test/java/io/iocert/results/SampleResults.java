package io.iocert.results;

import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Deterministic results for tests: same content on every run, under every locale. */
final class SampleResults {

    static final String SPEC_SHA256 = "5f0c6e1d9a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d";

    private SampleResults() {}

    /** A latency histogram in ns: 2,000 operations between about 40 us and 9 ms. */
    static Histogram latencyHistogram() {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        long x = 12345;
        for (int i = 0; i < 2000; i++) {
            x = (x * 1103515245L + 12345L) & 0x7fffffffL;
            long ns = 40_000 + (x % 160_000);
            if (i % 100 == 0) {
                ns *= 50;
            }
            h.recordValue(ns);
        }
        return h;
    }

    static Histogram rttHistogram() {
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        for (int i = 1; i <= 500; i++) {
            h.recordValue(20_000L + i * 37L);
        }
        h.recordValueWithCount(1_200_000L, 3);
        return h;
    }

    /** One measurement of each shape: histogram, interval series, failure with partial data. */
    static Result sample() {
        Histogram latency = latencyHistogram();
        Map<String, Object> readWorkload = new LinkedHashMap<>();
        readWorkload.put("pattern", "random");
        readWorkload.put("blockSize", 4096L);
        readWorkload.put("fileSize", 1073741824L);
        readWorkload.put("threads", 4L);
        readWorkload.put("direct", true);
        Map<String, String> readContext = new LinkedHashMap<>();
        readContext.put("filesystem", "xfs");
        readContext.put("cacheAffected", "false");
        Measurement read = new Measurement(
                "restart-read",
                "fs.read",
                "latency",
                "ns",
                readWorkload,
                latency.getTotalCount(),
                new Summary(
                        latency.getMinValue(),
                        0.25,
                        1650000,
                        1.0e-5,
                        2_000_000.5,
                        1.0e20,
                        latency.getMaxValue(),
                        12345.678),
                latency,
                null,
                readContext,
                null);

        Map<String, Object> writeWorkload = new LinkedHashMap<>();
        writeWorkload.put("pattern", "sequential");
        writeWorkload.put("blockSize", 1048576L);
        writeWorkload.put("readPercent", 0L);
        writeWorkload.put("rateLimit", 0.5);
        Measurement write = new Measurement(
                "checkpoint-write",
                "fs.write",
                "throughput",
                "B/s",
                writeWorkload,
                4,
                new Summary(
                        398765432.1,
                        4.1e8,
                        412000000,
                        412345678.9,
                        4.1234567891e8,
                        4.1234567891e8,
                        4.1234567891e8,
                        Double.NaN),
                null,
                new IntervalSeries(1_000_000_000L, Arrays.asList(4.1234567891e8, 412000000.0, Double.NaN, 398765432.1)),
                Map.of("filesystem", "xfs"),
                null);

        Histogram rtt = rttHistogram();
        Map<String, Object> haloWorkload = new LinkedHashMap<>();
        haloWorkload.put("sizes", List.of(64L, 8192L, "1MiB"));
        haloWorkload.put("rate", null);
        Measurement halo = new Measurement(
                "halo-exchange",
                "net.pingpong",
                "rtt",
                "ns",
                haloWorkload,
                rtt.getTotalCount(),
                new Summary(20037, 29268.5, 29279, 38527, 39839, 1200127, 1200127, 10541.25),
                rtt,
                null,
                Map.of("peer", "loopback"),
                "peer closed the connection, \"reset by peer\"\nafter 503 messages");

        Measurement quiet = Measurement.failed(
                "quiet-cpu", "compute.jitter", "hiccup", "ns", Map.of(), "probe not supported on this platform");

        Map<String, Object> node = new LinkedHashMap<>();
        node.put(NodeIdentity.HOSTNAME, "node-17.example.org");
        node.put(NodeIdentity.CORES, 64L);
        node.put(NodeIdentity.MEMORY_BYTES, 274877906944L);
        node.put(NodeIdentity.CPU_MODEL, "AMD EPYC 7763 64-Core Processor");
        node.put("smt", true);
        return new Result(
                Result.FORMAT,
                "0.1.0",
                new NodeIdentity(node),
                "ocean-checkpoint",
                SPEC_SHA256,
                Instant.parse("2026-11-23T10:15:30Z"),
                Instant.parse("2026-11-23T10:16:42.250Z"),
                List.of(read, write, halo, quiet));
    }
}
