package io.iocert.certifier;

import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.NodeIdentity;
import io.iocert.results.Result;
import io.iocert.spec.Dimension;
import io.iocert.spec.Expectation;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.Statistic;
import io.iocert.spec.Threshold;
import io.iocert.spec.Workload;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/** Builders for specs and results in tests. */
public final class Fixtures {
    private Fixtures() {}

    /**
     * A real interval series kept as a resource next to {@code owner}: one value a line, lines
     * starting with {@code #} (where it came from) skipped.
     */
    public static double[] intervalValues(Class<?> owner, String resource) throws IOException {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("no resource " + resource + " next to " + owner.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .mapToDouble(Double::parseDouble)
                    .toArray();
        }
    }

    public static Expectation expect(Metric metric, String statistic, String threshold) {
        Statistic s = Statistic.parse(statistic).orElseThrow();
        Dimension d = s.dimensionFor(metric);
        return new Expectation(metric, s, Threshold.parse(threshold, d));
    }

    public static Requirement requirement(String id, ProbeType probe, Expectation... expectations) {
        return new Requirement(id, probe, Workload.EMPTY, List.of(expectations), 0.95, Duration.ofSeconds(10));
    }

    public static Spec spec(Requirement... requirements) {
        return new Spec(
                "v1",
                "test-spec",
                "",
                0.95,
                Duration.ofSeconds(10),
                Optional.empty(),
                List.of(requirements),
                "ab".repeat(32));
    }

    /** A latency histogram holding {@code count} copies of each value (ns). */
    public static Histogram histogram(long count, long... valuesNs) {
        Histogram h = new Histogram(3);
        for (long v : valuesNs) {
            h.recordValueWithCount(v, count);
        }
        return h;
    }

    public static Measurement latency(String id, ProbeType probe, Histogram h) {
        return new Measurement(
                id, probe.id(), "latency", "ns", Map.of(), h.getTotalCount(), null, h, null, Map.of(), null);
    }

    public static Measurement throughput(String id, ProbeType probe, double... bytesPerSecond) {
        List<Double> v = java.util.Arrays.stream(bytesPerSecond).boxed().toList();
        return new Measurement(
                id,
                probe.id(),
                "throughput",
                "B/s",
                Map.of(),
                v.size(),
                null,
                null,
                new IntervalSeries(1_000_000_000L, v),
                Map.of(),
                null);
    }

    public static Result result(Measurement... measurements) {
        return new Result(
                Result.FORMAT,
                "test",
                new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, "node-a", NodeIdentity.CORES, 2L)),
                "test-spec",
                "ab".repeat(32),
                Instant.EPOCH,
                Instant.EPOCH.plusSeconds(5),
                List.of(measurements));
    }
}
