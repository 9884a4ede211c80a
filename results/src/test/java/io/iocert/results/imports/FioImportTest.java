package io.iocert.results.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** fio json and json+ fixtures made by the real fio (see resources/imports/README.md). */
class FioImportTest {
    private static final List<String> PERCENTILES =
            List.of("1.000000", "10.000000", "50.000000", "90.000000", "99.000000", "99.900000", "99.990000");

    /** The value HdrHistogram (3 digits) reports for a recorded v lies within v's bucket: at most 0.1% above. */
    private static void assertWithinPrecision(long expected, long actual, String what) {
        assertTrue(
                actual >= expected && actual <= expected + Math.max(1, expected / 1000),
                what + ": expected " + expected + " to the histogram's precision, got " + actual);
    }

    @Test
    void shouldImportJsonPlusBinsAsTheFullLatencyDistribution() throws Exception {
        Imported imported = Fixtures.load(ImportFormat.FIO, "fio-two-jobs.jsonplus.json");
        JsonNode fio = Fixtures.json("fio-two-jobs.jsonplus.json");
        assertEquals(
                List.of(
                        new Imported.SetSummary("randread.read", "randread", "fs.read", "latency,throughput,iops"),
                        new Imported.SetSummary("seqwrite.write", "seqwrite", "fs.write", "latency,throughput,iops")),
                imported.sets());
        assertTrue(
                imported.notes().contains("skipped 1 line of text before the JSON document"),
                imported.notes().toString());

        for (String[] job : new String[][] {{"randread", "read", "0"}, {"seqwrite", "write", "1"}}) {
            JsonNode section = fio.get("jobs").get(Integer.parseInt(job[2])).get(job[1]);
            Measurement latency = Fixtures.one(imported, job[0], "latency");
            Histogram h = latency.histogram();
            assertEquals(section.get("total_ios").longValue(), h.getTotalCount(), "count = fio's total_ios");
            assertEquals(h.getTotalCount(), latency.samples());
            for (String p : PERCENTILES) {
                assertWithinPrecision(
                        section.get("clat_ns").get("percentile").get(p).longValue(),
                        h.getValueAtPercentile(Double.parseDouble(p)),
                        job[0] + " p" + p);
            }
            assertNull(latency.context().get("approximate"), "bins are the whole distribution");
            assertTrue(latency.context().get("latencyFrom").startsWith("clat_ns"));
            assertEquals("fio", latency.context().get("source"));
            assertEquals("fio-3.33", latency.context().get("sourceVersion"));
        }
    }

    @Test
    void shouldRebuildPlainJsonPercentilesAndMarkThemApproximate() throws Exception {
        Imported imported = Fixtures.load(ImportFormat.FIO, "fio-two-jobs.json");
        JsonNode clat = Fixtures.json("fio-two-jobs.json")
                .get("jobs")
                .get(0)
                .get("read")
                .get("clat_ns");
        Measurement latency = Fixtures.one(imported, "randread", "latency");
        Histogram h = latency.histogram();
        assertEquals(clat.get("N").longValue(), h.getTotalCount());
        assertEquals(
                Fixtures.json("fio-two-jobs.json")
                        .get("jobs")
                        .get(0)
                        .get("read")
                        .get("total_ios")
                        .longValue(),
                h.getTotalCount());
        // fio prints a percentile as the middle of its own latency bin, which can lie beyond the
        // exact min or max it also prints; the rebuilt distribution keeps min and max exact.
        long min = clat.get("min").longValue();
        long max = clat.get("max").longValue();
        clat.get("percentile")
                .properties()
                .forEach(e -> assertWithinPrecision(
                        Math.max(min, Math.min(max, e.getValue().longValue())),
                        h.getValueAtPercentile(Double.parseDouble(e.getKey())),
                        "p" + e.getKey()));
        assertEquals(h.lowestEquivalentValue(clat.get("min").longValue()), h.getMinValue());
        assertEquals(h.highestEquivalentValue(clat.get("max").longValue()), h.getMaxValue());
        assertTrue(
                latency.context().get("approximate").startsWith("percentiles-only"),
                latency.context().toString());
        assertEquals(
                FioImport.plain(clat.get("mean").doubleValue()),
                latency.context().get("fioMeanNs"));
    }

    @Test
    void shouldRecordFiosWholeRunRateAsOneIntervalAndSayWhy() throws Exception {
        Imported imported = Fixtures.load(ImportFormat.FIO, "fio-two-jobs.jsonplus.json");
        JsonNode write =
                Fixtures.json("fio-two-jobs.jsonplus.json").get("jobs").get(1).get("write");
        Measurement tp = Fixtures.one(imported, "seqwrite", "throughput");
        assertEquals("B/s", tp.unit());
        assertEquals(
                List.of(write.get("bw_bytes").doubleValue()), tp.intervals().values());
        assertEquals(
                write.get("runtime").longValue() * 1_000_000L, tp.intervals().intervalNs());
        assertEquals(1, tp.samples());
        assertTrue(tp.context().get("approximate").startsWith("whole-run-only"));
        assertEquals(
                FioImport.plain(write.get("bw_mean").doubleValue() * 1024),
                tp.context().get("fioBwWindowMean"));
        Measurement iops = Fixtures.one(imported, "seqwrite", "iops");
        assertEquals(List.of(write.get("iops").doubleValue()), iops.intervals().values());
        assertEquals("ops/s", iops.unit());
    }

    @Test
    void shouldMapJobOptionsToWorkloadKeys() throws Exception {
        Imported imported = Fixtures.load(ImportFormat.FIO, "fio-two-jobs.jsonplus.json");
        JsonNode jobs = Fixtures.json("fio-two-jobs.jsonplus.json").get("jobs");
        Measurement read = Fixtures.one(imported, "randread", "latency");
        assertEquals(
                Map.of(
                        "pattern",
                        "random",
                        "blockSize",
                        4096L,
                        "fileSize",
                        16L << 20,
                        "threads",
                        1L,
                        "direct",
                        false,
                        "duration",
                        jobs.get(0).get("read").get("runtime").longValue() * 1_000_000L),
                read.workload());
        assertEquals("psync", read.context().get("ioengine"));
        assertEquals("4", read.context().get("iodepth"));
        assertEquals("randread", read.context().get("rw"));
        Measurement write = Fixtures.one(imported, "seqwrite", "latency");
        assertEquals("sequential", write.workload().get("pattern"));
        assertEquals(131072L, write.workload().get("blockSize"));
    }

    @Test
    void shouldTurnTheSyncSectionIntoFsFsyncLatency() throws Exception {
        Imported imported = Fixtures.load(ImportFormat.FIO, "fio-fsync.jsonplus.json");
        JsonNode job = Fixtures.json("fio-fsync.jsonplus.json").get("jobs").get(0);
        assertEquals(
                List.of(
                        new Imported.SetSummary(
                                "fsyncwrite.write", "fsyncwrite.write", "fs.write", "latency,throughput,iops"),
                        new Imported.SetSummary("fsyncwrite.sync", "fsyncwrite.sync", "fs.fsync", "latency")),
                imported.sets());
        Measurement sync = Fixtures.one(imported, "fsyncwrite.sync", "latency");
        assertEquals("fs.fsync", sync.probe());
        assertEquals(
                job.get("sync").get("total_ios").longValue(), sync.histogram().getTotalCount());
        assertWithinPrecision(
                job.get("sync").get("lat_ns").get("percentile").get("99.000000").longValue(),
                sync.histogram().getValueAtPercentile(99),
                "sync p99");
        assertEquals(
                Map.of(
                        "blockSize",
                        4096L,
                        "sync",
                        "fsync",
                        "direct",
                        false,
                        "duration",
                        job.get("write").get("runtime").longValue() * 1_000_000L),
                sync.workload());
        assertTrue(sync.context().get("latencyCovers").startsWith("the sync call alone"));
        assertEquals(
                1L,
                Fixtures.one(imported, "fsyncwrite.write", "latency").workload().get("fsync"));
    }

    @Test
    void shouldImportAGroupAsOneSetWithItsThreadCount() throws Exception {
        Imported imported = Fixtures.load(ImportFormat.FIO, "fio-group.json");
        JsonNode read = Fixtures.json("fio-group.json").get("jobs").get(0).get("read");
        assertEquals(1, imported.sets().size());
        Measurement latency = Fixtures.one(imported, "grouped", "latency");
        assertEquals(2L, latency.workload().get("threads"));
        assertEquals("true", latency.context().get("groupReporting"));
        assertEquals(read.get("total_ios").longValue(), latency.histogram().getTotalCount());
        assertEquals(16L << 20, latency.workload().get("fileSize"), "global options apply to the job");
    }

    @Test
    void shouldKeepWhatFioSaysAboutTheNodeAndNoHostnameOfItsOwn() throws Exception {
        Result r = Fixtures.load(ImportFormat.FIO, "fio-group.json").result();
        JsonNode fio = Fixtures.json("fio-group.json");
        assertEquals(
                Map.of("source", "fio", "sourceVersion", "fio-3.33"), r.node().fields());
        assertEquals("unknown", r.node().hostname());
        assertEquals(fio.get("timestamp_ms").longValue(), r.endedAt().toEpochMilli());
        assertTrue(r.startedAt().isBefore(r.endedAt()));
        assertNull(r.specName());

        Result named = Fixtures.load(
                        ImportFormat.FIO,
                        "fio-group.json",
                        new ImportOptions(java.util.Optional.empty(), Map.of(), java.util.Optional.of("node-17")))
                .result();
        assertEquals("node-17", named.node().hostname());
        assertEquals("--hostname", named.node().fields().get("hostnameSource"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"fio-two-jobs.json", "fio-two-jobs.jsonplus.json", "fio-fsync.jsonplus.json", "fio-group.json"})
    void shouldWriteResultsThatReadBackUnchanged(String fixture) throws Exception {
        Result r = Fixtures.load(ImportFormat.FIO, fixture).result();
        Result back = ResultCodec.fromJson(ResultCodec.toJson(r), fixture);
        assertEquals(r.measurements().size(), back.measurements().size());
        for (int i = 0; i < r.measurements().size(); i++) {
            Measurement a = r.measurements().get(i);
            Measurement b = back.measurements().get(i);
            assertEquals(a.context(), b.context());
            assertEquals(a.workload(), b.workload());
            assertEquals(a.samples(), b.samples());
            assertEquals(a.histogram(), b.histogram());
        }
    }

    @Test
    void shouldIgnoreTextAfterTheDocumentWithANote() throws Exception {
        byte[] good = Fixtures.bytes("fio-group.json");
        byte[] withTail = (new String(good, java.nio.charset.StandardCharsets.UTF_8)
                        + "fio: file hash not empty on exit\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Imported imported =
                Importer.parse(ImportFormat.FIO, withTail, "tail.json", Fixtures.MODIFIED, ImportOptions.defaults());
        assertEquals(1, imported.sets().size());
        assertTrue(
                imported.notes().stream().anyMatch(n -> n.startsWith("ignored text after the JSON document")),
                imported.notes().toString());
        assertFalse(Fixtures.load(ImportFormat.FIO, "fio-group.json").notes().stream()
                .anyMatch(n -> n.startsWith("ignored")));
    }

    /** A fio section with {@code ios} operations, plain-json style (percentiles only). */
    private static String section(long ios) {
        return "{\"total_ios\": " + ios + ", \"runtime\": 1000, \"bw_bytes\": " + ios * 4096 + ", \"iops\": " + ios
                + ", \"clat_ns\": {\"N\": " + ios + ", \"min\": 10, \"max\": 900, \"mean\": 100.0,"
                + " \"percentile\": {\"50.000000\": 100, \"99.000000\": 800}}}";
    }

    @Test
    void shouldSplitAMixedJobNumberClonesAndSkipTrims() throws Exception {
        String json = "{\"fio version\": \"fio-3.33\", \"timestamp_ms\": 1000000, \"jobs\": ["
                + "{\"jobname\": \"mixed\", \"job options\": {\"rw\": \"randrw\", \"rwmixread\": \"70\","
                + " \"bs\": \"4k,64k\"}, \"read\": " + section(700) + ", \"write\": " + section(300)
                + ", \"trim\": " + section(0) + "},"
                + "{\"jobname\": \"clone\", \"job options\": {\"rw\": \"trim\"}, \"trim\": " + section(5)
                + ", \"read\": " + section(10) + "},"
                + "{\"jobname\": \"clone\", \"job options\": {\"rw\": \"read\"}, \"read\": " + section(20) + "}]}";
        Imported imported = Importer.parse(
                ImportFormat.FIO,
                json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "m.json",
                Fixtures.MODIFIED,
                ImportOptions.defaults());
        assertEquals(
                List.of(
                        "mixed.read=mixed.read",
                        "mixed.write=mixed.write",
                        "clone#1.read=clone-1",
                        "clone#2.read=clone-2"),
                imported.sets().stream().map(x -> x.key() + "=" + x.id()).toList());
        assertEquals(
                70L, Fixtures.one(imported, "mixed.read", "latency").workload().get("readPercent"));
        assertEquals(
                4096L,
                Fixtures.one(imported, "mixed.read", "latency").workload().get("blockSize"));
        assertEquals(
                65536L,
                Fixtures.one(imported, "mixed.write", "latency").workload().get("blockSize"));
        assertEquals(300, Fixtures.one(imported, "mixed.write", "latency").samples());
        assertEquals(List.of("skipped clone#1.trim (5 trims): iocert has no probe for discards"), imported.notes());
        assertEquals(20, Fixtures.one(imported, "clone-2", "latency").samples());
    }
}
