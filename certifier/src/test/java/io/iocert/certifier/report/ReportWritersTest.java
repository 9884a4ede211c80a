package io.iocert.certifier.report;

import static io.iocert.certifier.Fixtures.expect;
import static io.iocert.certifier.Fixtures.histogram;
import static io.iocert.certifier.Fixtures.latency;
import static io.iocert.certifier.Fixtures.requirement;
import static io.iocert.certifier.Fixtures.result;
import static io.iocert.certifier.Fixtures.spec;
import static io.iocert.certifier.Fixtures.throughput;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.certifier.Certifier;
import io.iocert.certifier.Report;
import io.iocert.results.Measurement;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReportWritersTest {

    private static Report sample() {
        var spec = spec(
                requirement("restart-read", ProbeType.FS_READ, expect(Metric.LATENCY, "p99", "<= 2 ms")),
                requirement("checkpoint-write", ProbeType.FS_WRITE, expect(Metric.THROUGHPUT, "p10", ">= 400 MB/s")),
                requirement("halo", ProbeType.NET_PINGPONG, expect(Metric.RTT, "p50", "<= 60 us")));
        return Certifier.certify(
                spec,
                result(
                        latency("restart-read", ProbeType.FS_READ, histogram(1000, 1_650_000)),
                        throughput("checkpoint-write", ProbeType.FS_WRITE, slowIntervals()),
                        Measurement.failed("halo", "net.pingpong", "rtt", "ns", Map.of(), "probe not available")));
    }

    /** 60 intervals between 340 and 360 MB/s. */
    private static double[] slowIntervals() {
        double[] v = new double[60];
        for (int i = 0; i < v.length; i++) {
            v[i] = 340e6 + 10e6 * (i % 3);
        }
        return v;
    }

    private static String render(ReportFormat f, Report r) throws IOException {
        StringWriter w = new StringWriter();
        f.writer().write(r, w);
        return w.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"en-US", "de-DE", "tr-TR", "fr-FR"})
    void shouldWriteTheSameTextUnderEveryLocale(String tag) throws IOException {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag(tag));
            String text = render(ReportFormat.TEXT, sample());
            String expected = String.join(
                    "\n",
                    "iocert test: spec 'test-spec' (sha256 abababababab) on node-a (2 cores)",
                    "",
                    "REQUIREMENT       PROBE         METRIC      STAT  MEASURED              THRESHOLD    SAMPLES  VERDICT",
                    "restart-read      fs.read       latency     p99   1.65 ms [1.65, 1.65]  <= 2 ms      1000     PASS",
                    "checkpoint-write  fs.write      throughput  p10   340 MB/s [340, 340]   >= 400 MB/s  60       FAIL",
                    "halo              net.pingpong  rtt         p50   -                     <= 60 us     0        ERROR",
                    "",
                    "checkpoint-write throughput p10: FAIL: p10 = 340 MB/s [340, 340], not >= 400 MB/s",
                    "halo rtt p50: ERROR: probe not available",
                    "",
                    "Node verdict: NOT_ELIGIBLE",
                    "");
            assertEquals(expected, text.replace(ToolVersionHolder.VERSION, "test"));
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void shouldWriteReportJsonAsDesignSays() throws IOException {
        Locale saved = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            JsonNode json = new ObjectMapper().readTree(render(ReportFormat.JSON, sample()));
            assertEquals("iocert-report/1", json.get("format").asText());
            assertEquals("test-spec", json.at("/spec/name").asText());
            assertEquals("node-a", json.at("/node/hostname").asText());
            assertEquals("NOT_ELIGIBLE", json.get("verdict").asText());
            JsonNode first = json.get("requirements").get(0);
            assertEquals("restart-read", first.get("id").asText());
            assertEquals("<=", first.get("comparator").asText());
            assertEquals(2_000_000, first.get("threshold").asLong());
            assertTrue(first.get("threshold").isIntegralNumber());
            assertEquals("ns", first.get("unit").asText());
            assertEquals(1_650_000, first.get("measured").asDouble(), 1_650_000 * 0.001);
            assertEquals(1000, first.get("samples").asLong());
            assertEquals("PASS", first.get("verdict").asText());
            assertEquals(0.95, first.at("/ci/confidence").asDouble());
            assertTrue(first.at("/ci/low").asDouble() <= first.get("measured").asDouble());
            assertTrue(first.at("/ci/high").asDouble() >= first.get("measured").asDouble());
            assertTrue(
                    first.get("method").asText().startsWith("order-statistic (binomial)"),
                    first.get("method").asText());
            JsonNode halo = json.get("requirements").get(2);
            assertTrue(halo.get("measured").isNull());
            assertEquals("ERROR", halo.get("verdict").asText());
        } finally {
            Locale.setDefault(saved);
        }
    }

    @Test
    void shouldWriteFleetJsonWithEveryNode() throws IOException {
        StringWriter w = new StringWriter();
        ReportFormat.JSON.writer().writeFleet(List.of(sample(), sample()), w);
        JsonNode json = new ObjectMapper().readTree(w.toString());
        assertEquals("iocert-fleet-report/1", json.get("format").asText());
        assertEquals(2, json.get("nodes").size());
        assertEquals("NOT_ELIGIBLE", json.get("verdict").asText());
    }

    /** The version string differs between builds; the golden text uses "test". */
    private static final class ToolVersionHolder {
        static final String VERSION = io.iocert.results.ToolVersion.get();
    }
}
