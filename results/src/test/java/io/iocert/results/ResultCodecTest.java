package io.iocert.results;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.spec.Dimension;
import io.iocert.spec.Quantity;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultCodecTest {

    @TempDir
    Path dir;

    @Test
    void shouldRoundTripResultWithHistogramIntervalsAndErrorMeasurements() throws Exception {
        Result sample = SampleResults.sample();

        Result back = ResultCodec.fromJson(ResultCodec.toJson(sample), "sample");

        assertEquals(sample, back);
        Histogram histogram = back.measurements().get(0).histogram();
        assertEquals(
                sample.measurements().get(0).histogram().getValueAtPercentile(99.0),
                histogram.getValueAtPercentile(99.0));
        assertEquals(Double.NaN, back.measurements().get(1).intervals().values().get(2));
        assertEquals(
                "probe not supported on this platform",
                back.measurements().get(3).error());
        assertNull(back.measurements().get(3).summary());
    }

    @Test
    void shouldRoundTripTheRegimesOfAnIntervalSeries() throws Exception {
        Result r = SampleResults.sample();
        List<Measurement> ms = new java.util.ArrayList<>(r.measurements());
        Measurement m = ms.get(1);
        IntervalSeries.Regime burst = new IntervalSeries.Regime(0, 2, 4.1e8, 4.0e8, 4.2e8);
        IntervalSeries.Regime tail =
                new IntervalSeries.Regime(2, 4, 3.99e8, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        ms.set(1, m.withIntervals(m.intervals().withRegimes(List.of(burst, tail))));
        Result withRegimes = new Result(
                r.format(), r.toolVersion(), r.node(), r.specName(), r.specSha256(), r.startedAt(), r.endedAt(), ms);

        Result back = ResultCodec.fromJson(ResultCodec.toJson(withRegimes), "r.json");

        List<IntervalSeries.Regime> read =
                back.measurements().get(1).intervals().regimes();
        assertEquals(burst, read.get(0));
        // Unbounded ends are written as null and read back as NaN: "no bound".
        assertEquals(2, read.get(1).from());
        assertEquals(3.99e8, read.get(1).rate());
        assertTrue(Double.isNaN(read.get(1).low()) && Double.isNaN(read.get(1).high()));
    }

    @Test
    void shouldWriteTheSameBytesEveryTime() {
        assertArrayEquals(ResultCodec.toJson(SampleResults.sample()), ResultCodec.toJson(SampleResults.sample()));
    }

    @Test
    void shouldReadTheVersion1FixtureWrittenByTheFirstRelease() throws Exception {
        byte[] fixture;
        try (InputStream in = getClass().getResourceAsStream("/fixtures/result-v1.json")) {
            fixture = in.readAllBytes();
        }

        Result r = ResultCodec.fromJson(fixture, "fixtures/result-v1.json");

        assertEquals("0.1.0", r.toolVersion());
        assertEquals("node-17.example.org", r.node().hostname());
        assertEquals(64L, r.node().fields().get(NodeIdentity.CORES));
        assertEquals("ocean-checkpoint", r.specName());
        assertEquals(Instant.parse("2026-11-23T10:16:42.250Z"), r.endedAt());
        assertEquals(4, r.measurements().size());
        Measurement read = r.measurements().get(0);
        assertEquals(2000, read.histogram().getTotalCount());
        assertEquals(SampleResults.latencyHistogram(), read.histogram());
        assertEquals(2_000_000.5, read.summary().p99());
        assertEquals(4096L, read.workload().get("blockSize"));
        Measurement write = r.measurements().get(1);
        assertEquals(1_000_000_000L, write.intervals().intervalNs());
        assertEquals(0.5, write.workload().get("rateLimit"));
        assertTrue(Double.isNaN(write.summary().stddev()));
        assertEquals(
                List.of(64L, 8192L, "1MiB"), r.measurements().get(2).workload().get("sizes"));
        assertTrue(r.measurements().get(2).error().startsWith("peer closed the connection, \"reset"));
    }

    @Test
    void shouldReadTheLookPlanOfAVersion1DocumentFromItsContext() throws Exception {
        Result r = ResultCodec.fromJson(fixture("result-v1-adaptive.json"), "fixtures/result-v1-adaptive.json");

        assertEquals(Result.FORMAT, r.format());
        Measurement adaptive = r.measurements().get(0);
        assertEquals(new LookPlan(3, 4), adaptive.looks());
        // The plan leaves the context; the other facts stay, in their order.
        assertEquals(
                List.of("direct", "cpuStealShare", "probedNs"),
                List.copyOf(adaptive.context().keySet()));
        // Strings that make no plan were judged with the whole allowance, as a measurement without one is.
        Measurement edited = r.measurements().get(1);
        assertNull(edited.looks());
        assertEquals(Map.of("rounds", "three", "maxRounds", "4"), edited.context());
    }

    @Test
    void shouldWriteAVersion1DocumentAgainAsTheVersion2OneWithTheSameContent() throws Exception {
        Result v1 = ResultCodec.fromJson(fixture("result-v1-adaptive.json"), "v1");
        Result v2 = ResultCodec.fromJson(fixture("result-v2.json"), "v2");

        assertEquals(v2.measurements().get(0), v1.measurements().get(0));
        assertEquals(v1, ResultCodec.fromJson(ResultCodec.toJson(v1), "again"));
    }

    @Test
    void shouldReadTheVersion2FixtureAndWriteItBackByteForByte() throws Exception {
        byte[] fixture = fixture("result-v2.json");

        Result r = ResultCodec.fromJson(fixture, "fixtures/result-v2.json");

        assertEquals(new LookPlan(3, 4), r.measurements().get(0).looks());
        // In version 2 the plan is only the member: context strings of the old names are facts like any other.
        assertNull(r.measurements().get(1).looks());
        assertEquals("3", r.measurements().get(1).context().get("rounds"));
        assertEquals(new String(fixture, StandardCharsets.UTF_8), json(r));
    }

    @Test
    void shouldRoundTripTheLookPlanAsATypedMember() throws Exception {
        Measurement m = SampleResults.sample().measurements().get(1).withLooks(new LookPlan(2, 4));

        String json = json(result(m));
        Measurement back = ResultCodec.fromJson(json.getBytes(StandardCharsets.UTF_8), "t")
                .measurements()
                .get(0);

        assertTrue(json.contains("\"looks\": {\n        \"round\": 2,\n        \"maxRounds\": 4\n      }"), json);
        assertEquals(m, back);
    }

    @Test
    void shouldRefuseALookPlanThatIsNotOne() {
        String[][] cases = {
            {"[2, 4]", "t: measurements[0].looks is an array; expected an object {round, maxRounds}"},
            {
                "{\"round\": 5, \"maxRounds\": 4}",
                "t: measurements[0].looks.round is 5; expected an integer from 1 to maxRounds (4)"
            },
            {
                "{\"round\": 1}",
                "t: measurements[0].looks.maxRounds is missing; expected a positive integer (the most rounds the plan"
                        + " allowed)"
            },
            {
                "{\"round\": \"2\", \"maxRounds\": 4}",
                "t: measurements[0].looks.round is '2'; expected an integer from 1 to maxRounds (4)"
            },
        };
        for (String[] c : cases) {
            String json = "{\"format\": \"iocert-result/2\", \"toolVersion\": \"t\", \"node\": {}, \"spec\": {},"
                    + " \"startedAt\": \"2026-11-23T10:15:30Z\", \"endedAt\": \"2026-11-23T10:16:30Z\","
                    + " \"measurements\": [{\"id\": \"r\", \"probe\": \"fs.write\", \"metric\": \"throughput\","
                    + " \"unit\": \"B/s\", \"workload\": {}, \"samples\": 0, \"looks\": " + c[0] + "}]}";

            assertEquals(c[1], message(() -> ResultCodec.fromJson(json.getBytes(StandardCharsets.UTF_8), "t")), c[0]);
        }
    }

    private byte[] fixture(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/fixtures/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void shouldWriteNonFiniteValuesAsNullAndReadThemBackAsNaN() throws Exception {
        Measurement m = new Measurement(
                "t",
                "fs.write",
                "throughput",
                "B/s",
                Map.of(),
                3,
                new Summary(1, Double.POSITIVE_INFINITY, 2, 2, 2, 2, 3, Double.NaN),
                null,
                new IntervalSeries(500_000_000L, Arrays.asList(1.0, Double.NEGATIVE_INFINITY, Double.NaN)),
                Map.of(),
                null);

        String json = json(result(m));
        Measurement back = ResultCodec.fromJson(json.getBytes(StandardCharsets.UTF_8), "t")
                .measurements()
                .get(0);

        assertTrue(json.contains("\"mean\": null"), json);
        assertTrue(json.contains("\"values\": [1, null, null]"), json);
        assertTrue(Double.isNaN(back.summary().mean()));
        assertTrue(Double.isNaN(back.summary().stddev()));
        assertEquals(
                Arrays.asList(1.0, Double.NaN, Double.NaN), back.intervals().values());
    }

    @Test
    void shouldWriteQuantityInWorkloadAsItsValueInTheCanonicalUnit() {
        Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("blockSize", new Quantity(1024 * 1024, Dimension.DATA_SIZE));
        workload.put("sizes", List.of(new Quantity(64, Dimension.DATA_SIZE), new Quantity(8192, Dimension.DATA_SIZE)));
        workload.put("duration", new Quantity(2.5e9, Dimension.DURATION));

        String json = json(result(Measurement.failed("q", "fs.read", "latency", "ns", workload, "x")));

        assertTrue(json.contains("\"blockSize\": 1048576,"), json);
        assertTrue(json.contains("\"sizes\": [64, 8192],"), json);
        assertTrue(json.contains("\"duration\": 2500000000\n"), json);
    }

    @Test
    void shouldKeepWorkloadDoublesDoublesAndIntegersLongs() throws Exception {
        Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("ratio", 1.0);
        workload.put("big", 1.0e7);
        workload.put("threads", 4);
        workload.put("flag", false);

        Result back = ResultCodec.fromJson(
                ResultCodec.toJson(result(Measurement.failed("w", "fs.read", "latency", "ns", workload, "x"))), "w");

        Map<String, Object> read = back.measurements().get(0).workload();
        assertEquals(1.0, read.get("ratio"));
        assertEquals(1.0e7, read.get("big"));
        assertEquals(4L, read.get("threads"));
        assertEquals(false, read.get("flag"));
    }

    @Test
    void shouldRefuseWorkloadValueThatHasNoJsonForm() {
        Map<String, Object> workload = Map.of("when", Instant.EPOCH);
        Result r = result(Measurement.failed("bad", "fs.read", "latency", "ns", workload, "x"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultCodec.toJson(r));

        assertTrue(
                e.getMessage().startsWith("measurement 'bad' workload.when: a java.time.Instant cannot be"),
                e.getMessage());
    }

    @Test
    void shouldRefuseToWriteAnotherFormat() {
        Result r = new Result(
                "iocert-result/3",
                "0.1.0",
                new NodeIdentity(Map.of()),
                null,
                null,
                Instant.EPOCH,
                Instant.EPOCH,
                List.of());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResultCodec.toJson(r));

        assertEquals(
                "cannot write a result with format 'iocert-result/3'; this codec writes iocert-result/2",
                e.getMessage());
    }

    @Test
    void shouldIgnoreMembersItDoesNotKnowAndAcceptNullSpecFields() throws Exception {
        String json = "{\"format\": \"iocert-result/1\", \"toolVersion\": \"9.9\", \"node\": {},"
                + " \"spec\": {\"name\": null}, \"startedAt\": \"2026-01-01T00:00:00Z\","
                + " \"endedAt\": \"2026-01-01T00:00:01Z\", \"addedLater\": {\"x\": [1]},"
                + " \"measurements\": [{\"id\": \"a\", \"probe\": \"p\", \"metric\": \"m\", \"unit\": \"ns\","
                + " \"workload\": {}, \"samples\": 0, \"summary\": null, \"histogram\": null, \"new\": 1}]}";

        Result r = ResultCodec.fromJson(json.getBytes(StandardCharsets.UTF_8), "later.json");

        assertNull(r.specName());
        assertNull(r.specSha256());
        assertEquals(1, r.measurements().size());
        assertNull(r.measurements().get(0).summary());
    }

    @Test
    void shouldReadAFileAndNameItInMessages() throws Exception {
        Path file = dir.resolve("result.json");
        Files.write(file, ResultCodec.toJson(SampleResults.sample()));
        assertEquals(SampleResults.sample(), ResultCodec.read(file));

        Path missing = dir.resolve("missing.json");
        assertEquals(missing + ": no such file", message(() -> ResultCodec.read(missing)));
        assertEquals(
                dir + ": is not a regular file but a directory; expected a result file",
                message(() -> ResultCodec.read(dir)));
        Files.write(file, "{\"format\": \"iocert-report/1\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(
                file + ": format is 'iocert-report/1'; expected iocert-result/2 or iocert-result/1",
                message(() -> ResultCodec.read(file)));
    }

    @Test
    void shouldRefuseFileLargerThan256MiBBeforeReadingIt() throws IOException {
        Path huge = dir.resolve("huge.json");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.setLength(ResultCodec.MAX_FILE_BYTES + 1); // sparse: costs no disk space or time
        }

        assertEquals(
                huge + ": is 268435457 bytes, larger than the limit of 268435456 bytes (256 MiB)" + " for result files",
                message(() -> ResultCodec.read(huge)));
    }

    interface Reading {
        void run() throws ResultFormatException;
    }

    static String message(Reading reading) {
        return assertThrows(ResultFormatException.class, reading::run).getMessage();
    }

    private static String json(Result r) {
        return new String(ResultCodec.toJson(r), StandardCharsets.UTF_8);
    }

    private static Result result(Measurement m) {
        return new Result(
                Result.FORMAT,
                "0.1.0",
                new NodeIdentity(Map.of()),
                "s",
                null,
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:01Z"),
                List.of(m));
    }
}
