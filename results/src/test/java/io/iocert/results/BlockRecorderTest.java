package io.iocert.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class BlockRecorderTest {
    private static final long B = BlockRecorder.INITIAL_BLOCK_NS;

    @Test
    void shouldPutEachValueInTheBlockWhereItsOperationCompleted() {
        BlockRecorder r = new BlockRecorder(1_000);
        r.record(10, 1_000); // block 0
        r.record(20, 1_000 + B - 1); // block 0
        r.record(30, 1_000 + B); // block 1
        r.record(40, 1_000 + 3 * B); // block 3; block 2 stays empty
        r.record(99, 999); // before the origin: warm-up, dropped

        BlockSeries s = r.series();
        assertEquals(B, s.blockNs());
        assertEquals(List.of(2L, 1L, 0L, 1L), counts(s));
        assertEquals(30, s.histograms().get(1).getMaxValue());
        assertEquals(4, s.totalCount());
    }

    @Test
    void shouldHalveTheBlockCountByMergingNeighboursInsteadOfGrowingWithoutBound() {
        BlockRecorder r = new BlockRecorder(0);
        for (long i = 0; i < 1000; i++) {
            r.record(i + 1, i * B); // one value per initial block, 1000 blocks' worth
        }

        assertEquals(16 * B, r.blockNs(), "1000 initial blocks need 16x to fit in 64 while recording");
        BlockSeries s = r.series();
        assertEquals(BlockRecorder.MAX_SERIES_BLOCKS, s.histograms().size());
        assertEquals(64 * B, s.blockNs(), "and 64x to fit in the 16 of the series");
        assertEquals(1000, s.totalCount());
        assertEquals(64, s.histograms().get(0).getTotalCount());
        assertEquals(1000 - 15 * 64, s.histograms().get(15).getTotalCount());
    }

    @Test
    void shouldMergeRecordersOfDifferentBlockLengthsExactly() {
        BlockRecorder fine = new BlockRecorder(0);
        BlockRecorder coarse = new BlockRecorder(0);
        for (long i = 0; i < 10; i++) {
            fine.record(5, i * B);
        }
        for (long i = 0; i < 200; i++) {
            coarse.record(7, i * B); // coarsens to 4 B
        }
        fine.merge(coarse);

        assertEquals(4 * B, fine.blockNs());
        BlockSeries s = fine.series(); // 50 blocks of 4 B, paired down to 13 of 16 B
        assertEquals(16 * B, s.blockNs());
        assertEquals(13, s.histograms().size());
        assertEquals(210, s.totalCount());
        assertEquals(10 + 16, s.histograms().get(0).getTotalCount()); // all of fine, blocks 0-15 of coarse
        assertEquals(16, s.histograms().get(1).getTotalCount()); // blocks 16-31 of coarse
        assertEquals(200, coarse.series().totalCount(), "the other recorder is left as it was");
    }

    @Test
    void shouldRefuseToMergeRecordersOfDifferentOrigins() {
        assertThrows(IllegalArgumentException.class, () -> new BlockRecorder(0).merge(new BlockRecorder(1)));
    }

    @Test
    void shouldHaveNoSeriesWhenNothingWasRecorded() {
        assertNull(new BlockRecorder(0).series());
    }

    @Test
    void shouldRoundTripBlocksThroughTheResultCodecAndNameDamageByPath() throws Exception {
        BlockRecorder r = new BlockRecorder(0);
        for (long i = 0; i < 50; i++) {
            r.record(1000 + i, i * B / 2);
        }
        Measurement m = new Measurement(
                        "a", "fs.read", "latency", "ns", Map.of(), 50, null, new Histogram(3), null, Map.of(), null)
                .withBlocks(r.series());
        Result result = new Result(
                Result.FORMAT,
                "0.1.0",
                new NodeIdentity(Map.of()),
                "s",
                null,
                Instant.parse("2026-01-01T00:00:00Z"),
                Instant.parse("2026-01-01T00:00:01Z"),
                List.of(m));

        Result back = ResultCodec.fromJson(ResultCodec.toJson(result), "r.json");
        assertEquals(r.series(), back.measurements().get(0).blocks());

        String json = new String(ResultCodec.toJson(result), StandardCharsets.UTF_8)
                .replaceFirst("\"blockNs\"\\s*:\\s*\\d+", "\"blockNs\": 0");
        assertEquals(
                "r.json: measurements[0].blocks.blockNs is 0; expected a positive integer (nanoseconds)",
                ResultCodecTest.message(() -> ResultCodec.fromJson(json.getBytes(StandardCharsets.UTF_8), "r.json")));
    }

    private static List<Long> counts(BlockSeries s) {
        return s.histograms().stream().map(Histogram::getTotalCount).toList();
    }
}
