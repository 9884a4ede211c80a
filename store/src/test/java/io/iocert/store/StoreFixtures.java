package io.iocert.store;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Report;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.NodeIdentity;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/** Specs and results with known distributions, for store tests. */
final class StoreFixtures {
    static final String SPEC_YAML = """
            iocert: v1
            name: ocean-checkpoint
            confidence: 0.95
            budget: 10s
            requirements:
              - id: restart-read
                probe: fs.read
                workload: {pattern: random, blockSize: 4KiB, fileSize: 64MiB}
                expect:
                  latency: {p99: "<= 2 ms"}
              - id: checkpoint-write
                probe: fs.write
                workload: {pattern: sequential, blockSize: 1MiB, fileSize: 64MiB}
                expect:
                  throughput: {p10: ">= 400 MB/s"}
            """;

    private StoreFixtures() {}

    static Spec spec() {
        try {
            return SpecLoader.parse(SPEC_YAML, "ocean-checkpoint.yaml");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A result of {@code host} (instance type {@code type}, may be null) at {@code at}: read
     * latencies log-normal around {@code medianLatencyNs} (p99 about 2.3 times the median),
     * write throughput normal around {@code throughputBps} with 5% spread.
     */
    static Result result(
            String host, String type, Instant at, double medianLatencyNs, double throughputBps, long seed) {
        Random rnd = new Random(seed);
        Histogram h = new Histogram(3);
        for (int i = 0; i < 20_000; i++) {
            h.recordValue((long) (medianLatencyNs * Math.exp(0.36 * rnd.nextGaussian())));
        }
        List<Double> tp = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            tp.add(throughputBps * (1 + 0.05 * rnd.nextGaussian()));
        }
        Map<String, Object> node = new TreeMap<>();
        node.put(NodeIdentity.HOSTNAME, host);
        node.put(NodeIdentity.CORES, 2L);
        if (type != null) {
            node.put(InstanceTypes.CLOUD_INSTANCE_TYPE, type);
        }
        Spec spec = spec();
        Measurement read = new Measurement(
                "restart-read", "fs.read", "latency", "ns", Map.of(), h.getTotalCount(), null, h, null, Map.of(), null);
        Measurement write = new Measurement(
                "checkpoint-write",
                "fs.write",
                "throughput",
                "B/s",
                Map.of(),
                tp.size(),
                null,
                null,
                new IntervalSeries(1_000_000_000L, tp),
                Map.of(),
                null);
        return new Result(
                Result.FORMAT,
                "test",
                new NodeIdentity(node),
                spec.name(),
                spec.sha256(),
                at,
                at.plusSeconds(30),
                List.of(read, write));
    }

    /** Records {@code r} and its certification against {@link #spec()}; returns the report. */
    static Report record(ResultStore store, Result r, String source) throws StoreException {
        Report report = Certifier.certify(spec(), r);
        store.record(r, ResultCodec.toJson(r), source, report, null, r.endedAt());
        return report;
    }
}
