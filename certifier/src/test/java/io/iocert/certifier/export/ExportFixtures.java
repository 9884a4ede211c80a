package io.iocert.certifier.export;

import io.iocert.certifier.ConfidenceInterval;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.Verdict;
import io.iocert.certifier.cert.Certificates;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.results.NodeIdentity;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reports and certificates written by iocert's own writers (the JSON report writer and
 * {@link Certificates#issue}), built verdict by verdict so that assertions do not move with the
 * statistics.
 */
final class ExportFixtures {
    static final String SHA = "0123456789abcdef".repeat(4);
    static final Instant ISSUED = Instant.parse("2026-11-20T08:00:00Z");
    static final Instant NOW = Instant.parse("2026-11-24T01:00:00Z");
    static final KeyPair KEYS = io.iocert.certifier.cert.Keys.generate();
    private static final String BINOMIAL = "order-statistic (binomial)";

    private ExportFixtures() {}

    static NodeIdentity node(String hostname) {
        return new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, hostname, NodeIdentity.CORES, 64L));
    }

    /** NOT_ELIGIBLE: PASS, FAIL, INCONCLUSIVE (unbounded above, with a variant), ERROR (nothing estimated). */
    static Report mixed(String hostname) {
        return new Report(
                "0.1.0-test",
                "ocean-checkpoint",
                SHA,
                node(hostname),
                NodeVerdict.NOT_ELIGIBLE,
                List.of(
                        restartRead(),
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
                                "fails",
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
                                "too few",
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
                                "probe failed",
                                null)));
    }

    /** ELIGIBLE for {@code spec}: one passing requirement with two statistics. */
    static Report eligible(String hostname, String spec) {
        return new Report(
                "0.1.0-test",
                spec,
                SHA,
                node(hostname),
                NodeVerdict.ELIGIBLE,
                List.of(
                        restartRead(),
                        new RequirementVerdict(
                                "restart-read",
                                "fs.read",
                                "latency",
                                "p50",
                                "<=",
                                300_000,
                                "ns",
                                120_000.5,
                                new ConfidenceInterval(118_000, 122_000, 0.95),
                                48211,
                                Verdict.PASS,
                                BINOMIAL,
                                "ok",
                                null)));
    }

    static RequirementVerdict restartRead() {
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
                "ok",
                null);
    }

    static byte[] json(Report r) {
        StringWriter w = new StringWriter();
        try {
            ReportFormat.JSON.writer().write(r, w);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] fleet(Report... reports) {
        StringWriter w = new StringWriter();
        try {
            ReportFormat.JSON.writer().writeFleet(List.of(reports), w);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A certificate for {@code r}, issued at {@link #ISSUED}, valid for {@code validity}. */
    static byte[] certificate(Report r, Duration validity) {
        return Certificates.issue(
                r,
                List.of(new Certificates.ResultDigest("result.json", "ab".repeat(32))),
                ISSUED,
                validity,
                KEYS.getPrivate(),
                KEYS.getPublic());
    }

    static ExportReader verifying() {
        return new ExportReader(Optional.of(KEYS.getPublic()), false, NOW);
    }

    static ExportReader reportsOnly() {
        return new ExportReader(Optional.empty(), false, NOW);
    }

    static List<Certification> read(byte[] bytes, String source) throws ExportException {
        return verifying().read(bytes, source);
    }

    static List<ExportNode> nodes(byte[] bytes, String source) throws ExportException {
        return ExportNode.group(read(bytes, source), Optional.empty(), Optional.empty());
    }
}
