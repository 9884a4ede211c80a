package io.iocert.certifier;

import static io.iocert.certifier.Fixtures.expect;
import static io.iocert.certifier.Fixtures.histogram;
import static io.iocert.certifier.Fixtures.latency;
import static io.iocert.certifier.Fixtures.requirement;
import static io.iocert.certifier.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.results.NodeIdentity;
import io.iocert.results.Result;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Spec;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetSummaryTest {
    private static final long US = 1_000L;
    private static final Spec SPEC =
            spec(requirement("read", ProbeType.FS_READ, expect(Metric.LATENCY, "p50", "<= 1 ms")));

    private static Report node(String host, long p50Us) {
        var m = latency("read", ProbeType.FS_READ, histogram(2_000, p50Us * US));
        Result r = new Result(
                Result.FORMAT,
                "test",
                new NodeIdentity(Map.of(NodeIdentity.HOSTNAME, host)),
                "test-spec",
                "ab".repeat(32),
                Instant.EPOCH,
                Instant.EPOCH.plusSeconds(1),
                List.of(m));
        return Certifier.certify(SPEC, r);
    }

    private static List<Report> fleet() {
        List<Report> fleet = new ArrayList<>();
        long[] p50 = {100, 105, 98, 102, 101, 400, 2_000};
        for (int i = 0; i < p50.length; i++) {
            fleet.add(node("node-" + i, p50[i]));
        }
        return fleet;
    }

    @Test
    void shouldCountVerdictsNameFailingNodesAndFlagPeerOutliersEvenWhenTheyPass() {
        FleetSummary s = FleetSummary.of(fleet());

        assertEquals(6, s.counts().get(NodeVerdict.ELIGIBLE));
        assertEquals(1, s.counts().get(NodeVerdict.NOT_ELIGIBLE));
        assertEquals(1, s.failing().size());
        assertEquals(List.of("node-6"), s.failing().get(0).nodes());
        assertEquals("latency p50", s.failing().get(0).statistic());
        // Median 102 us, MAD 2 us (x1.4826): 400 us passes the 1 ms bound but is far from its peers.
        List<String> flagged =
                s.outliers().stream().map(FleetSummary.Outlier::node).toList();
        assertEquals(List.of("node-5", "node-6"), flagged);
        FleetSummary.Outlier o = s.outliers().get(0);
        assertEquals(Verdict.PASS, o.verdict());
        assertTrue(o.distance() > 3, "distance " + o.distance());
    }

    @Test
    void shouldWriteTheSummaryInTextAndJsonFleetReports() throws Exception {
        StringWriter text = new StringWriter();
        ReportFormat.TEXT.writer().writeFleet(fleet(), text);
        assertTrue(
                text.toString().contains("Fleet: 7 nodes: 6 ELIGIBLE, 1 NOT_ELIGIBLE, 0 INCONCLUSIVE, 0 ERROR\n"),
                text.toString());
        assertTrue(text.toString().contains("FAIL: read latency p50 on node-6\n"), text.toString());
        assertTrue(
                text.toString().contains("OUTLIER: read latency p50 on node-5 = 400 us (fleet median 102 us,"),
                text.toString());
        assertTrue(text.toString().endsWith("Fleet verdict: NOT_ELIGIBLE\n"), text.toString());

        StringWriter json = new StringWriter();
        ReportFormat.JSON.writer().writeFleet(fleet(), json);
        JsonNode j = new ObjectMapper().readTree(json.toString());
        assertEquals(6, j.at("/summary/nodes/ELIGIBLE").asInt());
        assertEquals("node-6", j.at("/summary/failing/0/nodes/0").asText());
        assertEquals("node-5", j.at("/summary/outliers/found/0/node").asText());
        assertEquals(7, j.get("nodes").size());
    }

    @Test
    void shouldNotFlagOutliersInAFleetTooSmallToHavePeers() {
        assertEquals(List.of(), FleetSummary.of(fleet().subList(2, 6)).outliers());
    }
}
