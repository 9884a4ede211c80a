package io.iocert.certifier.report;

import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
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

    private SampleReports() {
    }

    /** NOT_ELIGIBLE: PASS, FAIL, INCONCLUSIVE (upper bound unbounded, with variant), ERROR. */
    static Report mixed() {
        NodeIdentity node = new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, "node-a", NodeIdentity.CPU_MODEL,
                "Xeon Gold 6338", NodeIdentity.CORES, 64L, NodeIdentity.MEMORY_BYTES, 256L << 30,
                NodeIdentity.KERNEL, "6.1.0-18-amd64"));
        return new Report("0.1.0-test", "ocean-checkpoint", SHA, node, NodeVerdict.NOT_ELIGIBLE, List.of(
                pass(),
                new RequirementVerdict("checkpoint-write", "fs.write", "throughput", "p10", ">=", 400e6, "B/s", 340e6,
                        new ConfidenceInterval(338e6, 342e6, 0.95), 60, Verdict.FAIL, BINOMIAL,
                        "p10 = 340 MB/s [338, 342], not >= 400 MB/s", null),
                new RequirementVerdict("halo", "net.pingpong", "rtt", "p99.9", "<=", 1_000_000, "ns", 450_000,
                        new ConfidenceInterval(430_000, Double.POSITIVE_INFINITY, 0.95), 900, Verdict.INCONCLUSIVE,
                        BINOMIAL, "p99.9 = 450 us [430, \u221e]: too few samples | need 2995, *not* 900, for a bound",
                        "messageSize 8 KiB"),
                new RequirementVerdict("quiet-cpu", "compute.jitter", "hiccup", "p99.9", "<=", 1_000_000, "ns",
                        Double.NaN, null, 0, Verdict.ERROR, "none",
                        "probe failed: <perf> & \"friends\"\nsecond line", null)));
    }

    /** ELIGIBLE: only the passing requirement. */
    static Report eligible() {
        NodeIdentity node = new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, "node_b", NodeIdentity.CORES, 8L));
        return new Report("0.1.0-test", "ocean-checkpoint", SHA, node, NodeVerdict.ELIGIBLE, List.of(pass()));
    }

    private static RequirementVerdict pass() {
        return new RequirementVerdict("restart-read", "fs.read", "latency", "p99", "<=", 2_000_000, "ns", 1_650_000,
                new ConfidenceInterval(1_580_000, 1_720_000, 0.95), 48211, Verdict.PASS, BINOMIAL,
                "p99 = 1.65 ms [1.58, 1.72] <= 2 ms", null);
    }
}
