package io.iocert.certifier.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iocert.certifier.GoldenFiles;
import io.iocert.certifier.compare.Comparison.Key;
import io.iocert.certifier.compare.Comparison.NotCompared;
import io.iocert.certifier.compare.Comparison.Origin;
import io.iocert.certifier.compare.QuantileDifference.Interval;
import io.iocert.certifier.compare.QuantileDifference.Side;
import io.iocert.spec.Metric;
import io.iocert.spec.Statistic;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code iocert compare}'s text and JSON ({@value Comparison#FORMAT}) against golden files under
 * several default locales. The comparisons are built value by value, not computed, so the files
 * move only when {@link CompareFormat} (or a rule it uses, such as percentages) changes. Rewrite
 * them after a deliberate change with {@code -Diocert.golden.update=true} ({@link GoldenFiles}).
 */
class CompareFormatGoldenTest {

    static Stream<Arguments> goldens() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (CompareFormat f : CompareFormat.values()) {
            for (String tag : GoldenFiles.LOCALES) {
                b.add(Arguments.of(f, "comparison", tag));
                b.add(Arguments.of(f, "comparison-no-tolerance", tag));
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{1}.{0} {2}")
    @MethodSource("goldens")
    void shouldMatchTheGoldenFileUnderEveryLocale(CompareFormat format, String sample, String tag) throws Exception {
        Comparison c = sample.equals("comparison") ? withTolerance() : withoutTolerance();
        String actual = GoldenFiles.underLocale(tag, () -> {
            StringWriter w = new StringWriter();
            format.write(c, w);
            return w.toString();
        });
        String name = sample + "." + (format == CompareFormat.JSON ? "json" : "txt");
        assertEquals(GoldenFiles.expected(CompareFormatGoldenTest.class, name, actual), actual, name + " under " + tag);
    }

    private static final Origin REFERENCE = new Origin("ref.result.json", "node-a", "ocean-checkpoint");
    private static final Origin CANDIDATE = new Origin("node17.result.json", "node-17", "ocean-checkpoint");

    /**
     * At 95% with a 10% tolerance: a latency measurement equivalent (a test that finds no
     * difference), a throughput measurement worse (a test beyond its table), one inconclusive
     * with an unbounded interval and too few observations for the test; one measurement on each
     * side only, and one not compared.
     */
    static Comparison withTolerance() {
        MeasurementComparison latency = new MeasurementComparison(
                "restart-read",
                "fs.read",
                Metric.LATENCY,
                "ns",
                Direction.LOWER_IS_BETTER,
                48211,
                50102,
                0.99375,
                List.of(
                        q(
                                "p50",
                                side(900_000, 890_000, 910_000),
                                side(910_000, 900_000, 920_000),
                                ratio(1.011, 0.989, 1.034)),
                        q(
                                "p90",
                                side(1_200_000, 1_180_000, 1_220_000),
                                side(1_190_000, 1_170_000, 1_215_000),
                                ratio(0.9917, 0.959, 1.030)),
                        q(
                                "p99",
                                side(1_650_000, 1_580_000, 1_720_000),
                                side(1_700_000, 1_610_000, 1_790_000),
                                ratio(1.030, 0.936, 1.133)),
                        q(
                                "p99.9",
                                side(2_400_000, 2_100_000, 3_300_000),
                                side(2_350_000, 2_050_000, 3_100_000),
                                ratio(0.9792, 0.6212, 1.476))),
                Optional.of(new AndersonDarling.Outcome(
                        0.8123, -0.2501, 0.7612, 2, 98313, 0.5214, AndersonDarling.Bound.APPROXIMATE)),
                Optional.of(CompareVerdict.EQUIVALENT),
                "every ratio within [0.9, 1.1]");
        MeasurementComparison throughput = new MeasurementComparison(
                "checkpoint-write",
                "fs.write",
                Metric.THROUGHPUT,
                "B/s",
                Direction.HIGHER_IS_BETTER,
                60,
                60,
                0.991667,
                List.of(
                        q("p10", side(420e6, 415e6, 425e6), side(340e6, 338e6, 342e6), ratio(0.8095, 0.7953, 0.8241)),
                        q("p50", side(450e6, 447e6, 453e6), side(361.5e6, 359e6, 364e6), ratio(0.8033, 0.7925, 0.8143)),
                        q("p90", side(470e6, 466e6, 474e6), side(380e6, 377e6, 383e6), ratio(0.8085, 0.7954, 0.8219))),
                Optional.of(
                        new AndersonDarling.Outcome(61.7, 78.4, 0.7612, 2, 120, 0.00005, AndersonDarling.Bound.BELOW)),
                Optional.of(CompareVerdict.WORSE),
                "p10 lower by 19% [18%, 20%]: worse beyond the 10% tolerance");
        MeasurementComparison halo = new MeasurementComparison(
                "halo",
                "net.pingpong",
                Metric.RTT,
                "ns",
                Direction.LOWER_IS_BETTER,
                900,
                12,
                0.99375,
                List.of(
                        q(
                                "p50",
                                side(41_000, 40_500, 41_600),
                                side(43_000, 40_000, 47_000),
                                ratio(1.049, 0.9615, 1.160)),
                        q(
                                "p99.9",
                                side(450_000, 430_000, Double.POSITIVE_INFINITY),
                                side(90_000, 0, Double.POSITIVE_INFINITY),
                                ratio(0.2, 0, Double.POSITIVE_INFINITY))),
                Optional.empty(),
                Optional.of(CompareVerdict.INCONCLUSIVE),
                "p99.9 could be worse by more than 10%; about 3,000 more candidate samples needed");
        return new Comparison(
                "0.1.0-test",
                REFERENCE,
                CANDIDATE,
                0.95,
                OptionalDouble.of(0.1),
                List.of(latency, throughput, halo),
                List.of(new Key("quiet-cpu", "compute.jitter", "hiccup")),
                List.of(new Key("scratch-meta", "fs.metadata", "latency")),
                List.of(new NotCompared(
                        new Key("restart-read", "fs.read", "iops"), "different workloads: blockSize 4096 vs 8192")));
    }

    /** Without a tolerance, at 99.95% confidence: no verdicts, only the differences. */
    static Comparison withoutTolerance() {
        MeasurementComparison latency = new MeasurementComparison(
                "restart-read",
                "fs.read",
                Metric.LATENCY,
                "ns",
                Direction.LOWER_IS_BETTER,
                48211,
                50102,
                0.9999375,
                List.of(
                        q(
                                "p50",
                                side(900_000, 885_000, 915_000),
                                side(910_000, 895_000, 925_000),
                                ratio(1.011, 0.978, 1.045)),
                        q(
                                "p99",
                                side(1_650_000, 1_540_000, 1_790_000),
                                side(1_700_000, 1_580_000, 1_850_000),
                                ratio(1.030, 0.883, 1.201))),
                Optional.of(
                        new AndersonDarling.Outcome(0.31, -0.9, 0.7612, 2, 98313, 0.25, AndersonDarling.Bound.ABOVE)),
                Optional.empty(),
                "ratios 0.978 to 1.201");
        return new Comparison(
                "0.1.0-test",
                REFERENCE,
                CANDIDATE,
                0.9995,
                OptionalDouble.empty(),
                List.of(latency),
                List.of(),
                List.of(),
                List.of());
    }

    private static QuantileDifference q(String statistic, Side reference, Side candidate, Interval ratio) {
        return new QuantileDifference(Statistic.parse(statistic).orElseThrow(), reference, candidate, ratio);
    }

    private static Side side(double value, double low, double high) {
        return new Side(value, low, high);
    }

    private static Interval ratio(double value, double low, double high) {
        return new Interval(value, low, high);
    }
}
