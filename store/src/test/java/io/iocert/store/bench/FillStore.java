package io.iocert.store.bench;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Report;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.NodeIdentity;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import io.iocert.store.ResultStore;
import io.iocert.store.StoreLocation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Fills a store for bench/store-scale.sh: NODES nodes (ten instance types) certified RUNS times
 * each, weekly, against a two-requirement spec, through the same {@link ResultStore#record} the
 * commands use (one transaction per run). Each result: a read-latency histogram of 2,000
 * log-normal values and 100 write-throughput intervals; node-00000 steps up its latency halfway.
 *
 * <pre>java -cp ... io.iocert.store.bench.FillStore STORE NODES RUNS</pre>
 */
public final class FillStore {
    static final String SPEC = """
            iocert: v1
            name: scale
            confidence: 0.95
            requirements:
              - id: restart-read
                probe: fs.read
                expect:
                  latency: {p50: "<= 1 ms", p99: "<= 3 ms"}
              - id: checkpoint-write
                probe: fs.write
                expect:
                  throughput: {p10: ">= 400 MB/s"}
            """;

    private FillStore() {}

    public static void main(String[] args) throws Exception {
        String where = args[0];
        int nodes = Integer.parseInt(args[1]);
        int runs = Integer.parseInt(args[2]);
        Spec spec = SpecLoader.parse(SPEC, "scale.yaml");
        Instant t0 = Instant.parse("2025-01-06T06:00:00Z");
        long started = System.nanoTime();
        try (ResultStore store = ResultStore.open(StoreLocation.parse(where), true)) {
            for (int run = 0; run < runs; run++) {
                for (int n = 0; n < nodes; n++) {
                    SplittableRandom rnd = new SplittableRandom(run * 1_000_003L + n);
                    String host = String.format(Locale.ROOT, "node-%05d", n);
                    double median = 600_000 * (n == 0 && run >= runs / 2 ? 1.5 : 1) * Math.exp(0.04 * gaussian(rnd));
                    Histogram h = new Histogram(3);
                    for (int i = 0; i < 2_000; i++) {
                        h.recordValue((long) (median * Math.exp(0.36 * gaussian(rnd))));
                    }
                    List<Double> tp = new ArrayList<>();
                    for (int i = 0; i < 100; i++) {
                        tp.add(600e6 * (1 + 0.05 * gaussian(rnd)));
                    }
                    Map<String, Object> id = new TreeMap<>();
                    id.put(NodeIdentity.HOSTNAME, host);
                    id.put("cloudInstanceType", "type-" + (n % 10));
                    Instant at = t0.plusSeconds(7 * 86_400L * run + n);
                    Result r = new Result(
                            Result.FORMAT,
                            "bench",
                            new NodeIdentity(id),
                            spec.name(),
                            spec.sha256(),
                            at,
                            at.plusSeconds(60),
                            List.of(
                                    new Measurement(
                                            "restart-read",
                                            "fs.read",
                                            "latency",
                                            "ns",
                                            Map.of(),
                                            h.getTotalCount(),
                                            null,
                                            h,
                                            null,
                                            Map.of(),
                                            null),
                                    new Measurement(
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
                                            null)));
                    Report report = Certifier.certify(spec, r);
                    store.record(r, ResultCodec.toJson(r), "run", report, null, at.plusSeconds(60));
                }
                System.err.printf(
                        "run %d/%d: %d results in %.1f s%n",
                        run + 1, runs, (run + 1) * nodes, (System.nanoTime() - started) / 1e9);
            }
        }
    }

    private static double gaussian(SplittableRandom rnd) {
        double u = rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
