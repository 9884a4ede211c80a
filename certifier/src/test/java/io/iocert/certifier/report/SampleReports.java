package io.iocert.certifier.report;

import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.Evidence;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.results.IntervalSeries;
import io.iocert.results.NodeIdentity;
import java.util.List;
import java.util.Map;

/**
 * Reports built verdict by verdict, so golden files do not move when the statistics change:
 * one node with every verdict (an unbounded interval and a variant among them), and a second,
 * eligible node for fleets.
 */
final class SampleReports {
    static final String SHA = "0123456789abcdef".repeat(4);
    private static final String BINOMIAL = "order-statistic (binomial)";

    private SampleReports() {}

    /** NOT_ELIGIBLE: PASS, FAIL, INCONCLUSIVE (upper bound unbounded, with variant), ERROR. */
    static Report mixed() {
        NodeIdentity node = new NodeIdentity(Map.of(
                NodeIdentity.HOSTNAME,
                "node-a",
                NodeIdentity.CPU_MODEL,
                "Xeon Gold 6338",
                NodeIdentity.CORES,
                64L,
                NodeIdentity.MEMORY_BYTES,
                256L << 30,
                NodeIdentity.KERNEL,
                "6.1.0-18-amd64"));
        return new Report(
                "0.1.0-test",
                "ocean-checkpoint",
                SHA,
                node,
                NodeVerdict.NOT_ELIGIBLE,
                List.of(
                        pass(),
                        new RequirementVerdict(
                                "checkpoint-write",
                                "fs.write",
                                "throughput",
                                "p10",
                                ">=",
                                400e6,
                                "B/s",
                                340e6,
                                new ConfidenceInterval(338e6, 342e6, 0.95),
                                60,
                                Verdict.FAIL,
                                BINOMIAL,
                                "p10 = 340 MB/s [338, 342], not >= 400 MB/s",
                                null),
                        new RequirementVerdict(
                                "halo",
                                "net.pingpong",
                                "rtt",
                                "p99.9",
                                "<=",
                                1_000_000,
                                "ns",
                                450_000,
                                new ConfidenceInterval(430_000, Double.POSITIVE_INFINITY, 0.95),
                                900,
                                Verdict.INCONCLUSIVE,
                                BINOMIAL,
                                "p99.9 = 450 us [430, \u221e]: too few samples | need 2995, *not* 900, for a bound",
                                "messageSize 8 KiB"),
                        new RequirementVerdict(
                                "quiet-cpu",
                                "compute.jitter",
                                "hiccup",
                                "p99.9",
                                "<=",
                                1_000_000,
                                "ns",
                                Double.NaN,
                                null,
                                0,
                                Verdict.ERROR,
                                "none",
                                "probe failed: <perf> & \"friends\"\nsecond line",
                                null)));
    }

    /**
     * {@link #mixed()} with the evidence the HTML report draws, given point by point (not
     * estimated) so the plots move only when the drawing changes: a latency spectrum with an
     * unbounded top, and a throughput spectrum with its series of 20 one-second intervals.
     */
    static Report withEvidence() {
        Evidence latency = new Evidence(
                "restart-read",
                "latency",
                null,
                "ns",
                48211,
                List.of(
                        new Evidence.Point(0.01, 410_000, 400_000, 420_000),
                        new Evidence.Point(0.1, 620_000, 610_000, 630_000),
                        new Evidence.Point(0.5, 900_000, 890_000, 910_000),
                        new Evidence.Point(0.9, 1_200_000, 1_180_000, 1_220_000),
                        new Evidence.Point(0.99, 1_650_000, 1_580_000, 1_720_000),
                        new Evidence.Point(0.999, 2_400_000, 2_100_000, 3_300_000),
                        new Evidence.Point(0.9999, 5_000_000, 3_000_000, Double.POSITIVE_INFINITY)),
                null,
                0.95,
                Map.of("blockSize", 4096L, "pattern", "random"),
                Map.of("cpuStealShare", "0.0800"));
        List<Double> series = List.of(
                352e6, 348e6, 341e6, 339e6, 344e6, 350e6, 336e6, 338e6, 342e6, 345e6, 340e6, 337e6, 343e6, 346e6, 339e6,
                341e6, 335e6, 349e6, 344e6, 338e6);
        Evidence throughput = new Evidence(
                "checkpoint-write",
                "throughput",
                null,
                "B/s",
                20,
                List.of(
                        new Evidence.Point(0.05, 335.5e6, 335e6, 337e6),
                        new Evidence.Point(0.1, 337.5e6, 335e6, 339e6),
                        new Evidence.Point(0.5, 341.5e6, 339e6, 344e6),
                        new Evidence.Point(0.9, 349.5e6, 346e6, 352e6),
                        new Evidence.Point(0.95, 350.5e6, 348e6, Double.POSITIVE_INFINITY)),
                new IntervalSeries(1_000_000_000L, series),
                0.95,
                Map.of("blockSize", 1L << 20, "pattern", "sequential"),
                Map.of());
        return mixed().withEvidence(List.of(latency, throughput));
    }

    /** ELIGIBLE: only the passing requirement. */
    static Report eligible() {
        NodeIdentity node = new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, "node_b", NodeIdentity.CORES, 8L));
        return new Report("0.1.0-test", "ocean-checkpoint", SHA, node, NodeVerdict.ELIGIBLE, List.of(pass()));
    }

    private static RequirementVerdict pass() {
        return new RequirementVerdict(
                "restart-read",
                "fs.read",
                "latency",
                "p99",
                "<=",
                2_000_000,
                "ns",
                1_650_000,
                new ConfidenceInterval(1_580_000, 1_720_000, 0.95),
                48211,
                Verdict.PASS,
                BINOMIAL,
                "p99 = 1.65 ms [1.58, 1.72] <= 2 ms",
                null);
    }
}
