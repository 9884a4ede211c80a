package io.iocert.results.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultFormatException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** iperf3 -J fixtures made by the real iperf3 over loopback (see resources/imports/README.md). */
class Iperf3ImportTest {

    private static List<Measurement> streams(Result r) {
        return r.measurements().stream()
                .filter(m -> "stream".equals(m.context().get("scope")))
                .toList();
    }

    private static Measurement aggregate(Result r) {
        List<Measurement> a = r.measurements().stream()
                .filter(m -> "aggregate".equals(m.context().get("scope")))
                .toList();
        assertEquals(1, a.size());
        return a.get(0);
    }

    @Test
    void shouldTurnIntervalsIntoTheAggregateSeriesAndOnePerStream() throws Exception {
        Imported imported = Fixtures.load(ImportFormat.IPERF3, "iperf3-p2.json");
        JsonNode doc = Fixtures.json("iperf3-p2.json");
        Result r = imported.result();
        assertEquals(List.of(new Imported.SetSummary("iperf3", "iperf3", "net.stream", "throughput")), imported.sets());
        Measurement agg = aggregate(r);
        assertEquals(0, r.measurements().indexOf(agg), "the aggregate comes first, as the probe records it");
        JsonNode intervals = doc.get("intervals");
        assertEquals(intervals.size(), agg.intervals().values().size());
        long bytes = 0;
        for (int i = 0; i < intervals.size(); i++) {
            JsonNode sum = intervals.get(i).get("sum");
            bytes += sum.get("bytes").longValue();
            double expected = sum.get("bits_per_second").doubleValue() / 8;
            assertEquals(expected, agg.intervals().values().get(i), expected * 1e-9, "interval " + i);
        }
        assertEquals(doc.get("end").get("sum_sent").get("bytes").longValue(), bytes, "iperf3's own intervals add up");
        assertEquals(Long.toString(bytes), agg.context().get("bytesInIntervals"));
        assertEquals(1_000_000_000L, agg.intervals().intervalNs());
        assertEquals(
                Map.of(
                        "streams",
                        2L,
                        "direction",
                        "send",
                        "bufferSize",
                        131072L,
                        "duration",
                        3_000_000_000L,
                        "interval",
                        1_000_000_000L,
                        "warmup",
                        0L),
                agg.workload());
        assertEquals("127.0.0.1:5291", agg.context().get("peer"));

        List<Measurement> streams = streams(r);
        assertEquals(2, streams.size());
        for (int k = 0; k < 2; k++) {
            Measurement s = streams.get(k);
            assertEquals(Integer.toString(k), s.context().get("stream"));
            assertEquals("send", s.context().get("streamDirection"));
            JsonNode first = intervals.get(0).get("streams").get(k);
            assertEquals(
                    first.get("bytes").longValue() / first.get("seconds").doubleValue(),
                    s.intervals().values().get(0),
                    1e-3);
        }
    }

    @Test
    void shouldReadTheDirectionFromReverseAndBidir() throws Exception {
        Result reverse =
                Fixtures.load(ImportFormat.IPERF3, "iperf3-p2-reverse.json").result();
        JsonNode doc = Fixtures.json("iperf3-p2-reverse.json");
        Measurement agg = aggregate(reverse);
        assertEquals("receive", agg.workload().get("direction"));
        assertEquals(
                Long.toString(doc.get("end").get("sum_received").get("bytes").longValue()),
                agg.context().get("bytesInIntervals"),
                "a receiver's intervals add up to what it received");
        assertTrue(streams(reverse).stream()
                .allMatch(s -> s.context().get("streamDirection").equals("receive")));

        Result bidir =
                Fixtures.load(ImportFormat.IPERF3, "iperf3-p2-bidir.json").result();
        JsonNode b = Fixtures.json("iperf3-p2-bidir.json");
        Measurement both = aggregate(bidir);
        assertEquals("both", both.workload().get("direction"));
        JsonNode first = b.get("intervals").get(0);
        double expected = (first.get("sum").get("bytes").longValue()
                        + first.get("sum_bidir_reverse").get("bytes").longValue())
                / first.get("sum").get("seconds").doubleValue();
        assertEquals(expected, both.intervals().values().get(0), expected * 1e-9, "both directions count");
        assertEquals(
                List.of("send", "send", "receive", "receive"),
                streams(bidir).stream()
                        .map(s -> s.context().get("streamDirection"))
                        .toList());
    }

    @Test
    void shouldTakeTheHostnameFromSystemInfoWithItsSourceUnlessGiven() throws Exception {
        Result r = Fixtures.load(ImportFormat.IPERF3, "iperf3-p2.json").result();
        assertEquals("vm", r.node().hostname());
        assertEquals(
                "iperf3 start.system_info (uname node name)", r.node().fields().get("hostnameSource"));
        assertEquals("iperf 3.12", r.node().fields().get("sourceVersion"));
        JsonNode doc = Fixtures.json("iperf3-p2.json");
        assertEquals(
                doc.get("start").get("timestamp").get("timesecs").longValue(),
                r.startedAt().getEpochSecond());

        Result named = Fixtures.load(
                        ImportFormat.IPERF3,
                        "iperf3-p2.json",
                        new ImportOptions(Optional.empty(), Map.of(), Optional.of("client-3")))
                .result();
        assertEquals("client-3", named.node().hostname());
        assertEquals("--hostname", named.node().fields().get("hostnameSource"));
    }

    @Test
    void shouldRefuseAnErrorDocumentSayingWhatIperf3Reported() {
        ResultFormatException e = assertThrows(
                ResultFormatException.class, () -> Fixtures.load(ImportFormat.IPERF3, "iperf3-error.json"));
        assertEquals(
                "iperf3-error.json: iperf3 reported an error: 'unable to connect to server: Connection refused';"
                        + " the test did not complete, so there is nothing to import",
                e.getMessage());
    }

    @Test
    void shouldAcceptIdForItsOneSet() throws Exception {
        Result r = Fixtures.load(
                        ImportFormat.IPERF3,
                        "iperf3-p2.json",
                        new ImportOptions(Optional.of("bulk-transfer"), Map.of(), Optional.empty()))
                .result();
        assertTrue(r.measurements().stream().allMatch(m -> m.id().equals("bulk-transfer")));
        assertEquals(3, r.measurements().size());
    }
}
