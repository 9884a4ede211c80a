package io.iocert.certifier.bench;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Fixtures;
import io.iocert.certifier.Looks;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.stats.Synthetic;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of judging one requirement (run by bench/certifier-jmh.sh, not by the tests): a
 * latency requirement with p50 and p99 on a bursty histogram with time blocks, a throughput
 * p10 on interval values, and reading one result document. Together they explain where a
 * fleet certification's time goes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@org.openjdk.jmh.annotations.Measurement(iterations = 5, time = 1)
public class EvaluationBenchmark {

    @Param({"10000", "1000000"})
    int operations;

    private Requirement latency;
    private List<Measurement> latencyMeasurements;
    private Requirement throughput;
    private List<Measurement> throughputMeasurements;
    private byte[] document;

    @Setup
    public void setUp() {
        Synthetic bursty = Synthetic.bursty(0.03, 20);
        Measurement m = bursty.measurement(new SplittableRandom(1), operations, true);
        latency = Fixtures.requirement(
                "r",
                ProbeType.FS_READ,
                Fixtures.expect(Metric.LATENCY, "p50", "<= 2 ms"),
                Fixtures.expect(Metric.LATENCY, "p99", "<= 25 ms"));
        latencyMeasurements = List.of(m);
        SplittableRandom random = new SplittableRandom(2);
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            values.add(400e6 + 100e6 * random.nextDouble());
        }
        Measurement t = new Measurement(
                "w",
                "fs.write",
                "throughput",
                "B/s",
                Map.of(),
                values.size(),
                null,
                null,
                new IntervalSeries(10_000_000L, values),
                Map.of(),
                null);
        throughput =
                Fixtures.requirement("w", ProbeType.FS_WRITE, Fixtures.expect(Metric.THROUGHPUT, "p10", ">= 420 MB/s"));
        throughputMeasurements = List.of(t);
        Result r = Fixtures.result(m, t);
        document = ResultCodec.toJson(r);
    }

    @Benchmark
    public List<RequirementVerdict> judgeLatencyP50AndP99() {
        return Certifier.judge(latency, latencyMeasurements, Looks.SINGLE);
    }

    @Benchmark
    public List<RequirementVerdict> judgeThroughputP10() {
        return Certifier.judge(throughput, throughputMeasurements, Looks.SINGLE);
    }

    @Benchmark
    public Result readResultDocument() throws Exception {
        return ResultCodec.fromJson(document, "bench");
    }
}
