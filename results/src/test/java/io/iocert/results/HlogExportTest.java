package io.iocert.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;

class HlogExportTest {

    @Test
    void shouldWriteEachHistogramSoThatHistogramLogReaderGetsItsCountsBack() {
        Result sample = SampleResults.sample();

        List<Histogram> read = readAll(HlogExport.toHlog(sample));

        // restart-read and halo-exchange have histograms; the throughput series and the failed
        // measurement without data are not in the log.
        assertEquals(2, read.size());
        assertSameDistribution(SampleResults.latencyHistogram(), read.get(0));
        assertEquals("restart-read/latency", read.get(0).getTag());
        assertSameDistribution(SampleResults.rttHistogram(), read.get(1));
        assertEquals("halo-exchange/rtt", read.get(1).getTag());
    }

    @Test
    void shouldSpanTheRunAndStartTheLogAtItsStart() {
        Result sample = SampleResults.sample();
        HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(HlogExport.toHlog(sample)));

        EncodableHistogram first = reader.nextIntervalHistogram();

        assertEquals(sample.startedAt().toEpochMilli() / 1000.0, reader.getStartTimeSec());
        assertEquals(sample.startedAt().toEpochMilli(), first.getStartTimeStamp());
        assertEquals(sample.endedAt().toEpochMilli(), first.getEndTimeStamp());
    }

    @Test
    void shouldNotTagTheMeasurementsOwnHistogram() {
        Result sample = SampleResults.sample();

        HlogExport.toHlog(sample);

        assertNull(sample.measurements().get(0).histogram().getTag());
    }

    @Test
    void shouldReplaceCharactersTagsCannotHold() {
        Histogram h = SampleResults.rttHistogram();
        Measurement m = new Measurement(
                "halo, 8 KiB", "net.pingpong", "rtt", "ns", Map.of(), h.getTotalCount(), null, h, null, Map.of(), null);
        Result r = new Result(
                Result.FORMAT,
                "0.1.0",
                new NodeIdentity(Map.of()),
                "s",
                null,
                Instant.EPOCH,
                Instant.ofEpochSecond(5),
                List.of(m));

        assertEquals("halo__8_KiB/rtt", readAll(HlogExport.toHlog(r)).get(0).getTag());
    }

    @Test
    void shouldEndEveryLineWithNewlineAndNotDependOnTheTimeZone() {
        String log = new String(HlogExport.toHlog(SampleResults.sample()), StandardCharsets.UTF_8);

        assertFalse(log.contains("\r"));
        assertTrue(log.contains("#[StartTime: 1795428930.000 (seconds since epoch), 2026-11-23T10:15:30Z]\n"), log);
        assertTrue(log.contains("\nTag=restart-read/latency,0.000,72.250,9.773,HISTFAAA"), log);
    }

    private static List<Histogram> readAll(byte[] hlog) {
        HistogramLogReader reader = new HistogramLogReader(new ByteArrayInputStream(hlog));
        List<Histogram> histograms = new ArrayList<>();
        while (reader.hasNext()) {
            histograms.add((Histogram) reader.nextIntervalHistogram());
        }
        return histograms;
    }

    private static void assertSameDistribution(Histogram expected, Histogram actual) {
        assertEquals(expected.getTotalCount(), actual.getTotalCount());
        for (double p : new double[] {0, 50, 90, 99, 99.9, 100}) {
            assertEquals(expected.getValueAtPercentile(p), actual.getValueAtPercentile(p), "p" + p);
        }
        List<String> expectedCounts = new ArrayList<>();
        for (HistogramIterationValue v : expected.recordedValues()) {
            expectedCounts.add(v.getValueIteratedTo() + "x" + v.getCountAtValueIteratedTo());
        }
        List<String> actualCounts = new ArrayList<>();
        for (HistogramIterationValue v : actual.recordedValues()) {
            actualCounts.add(v.getValueIteratedTo() + "x" + v.getCountAtValueIteratedTo());
        }
        assertEquals(expectedCounts, actualCounts);
    }
}
