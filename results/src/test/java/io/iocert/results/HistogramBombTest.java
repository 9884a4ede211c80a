package io.iocert.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Small documents that declare large histograms are refused before anything large is
 * allocated, with the limit and where it came from in the message.
 */
class HistogramBombTest {

    /** A document of one measurement; {@code histogram} and {@code blocks} are JSON text or null. */
    private static byte[] document(String histogram, String blocks) {
        return ("{\"format\": \"iocert-result/1\", \"toolVersion\": \"t\", \"node\": {}, \"spec\": {},"
                        + " \"startedAt\": \"2026-11-23T10:15:30Z\", \"endedAt\": \"2026-11-23T10:16:30Z\", \"measurements\": ["
                        + "{\"id\": \"r\", \"probe\": \"fs.read\", \"metric\": \"latency\", \"unit\": \"ns\", \"workload\": {},"
                        + " \"samples\": 1" + (histogram == null ? "" : ", \"histogram\": " + histogram)
                        + (blocks == null ? "" : ", \"blocks\": " + blocks) + "}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String encoded(long lowest, long highest, int digits) {
        Histogram h = new Histogram(lowest, highest, digits);
        h.recordValue(lowest * 3);
        return ResultJsonWriter.encode(h);
    }

    @Test
    void shouldRefuseAFortyByteHistogramThatDeclaresFortySixMebibytes() {
        String bomb = encoded(1, Long.MAX_VALUE / 2, 5);
        assertTrue(Base64.getDecoder().decode(bomb).length < 48, "the bomb is tiny");

        ResultFormatException e = assertThrows(
                ResultFormatException.class,
                () -> ResultCodec.fromJson(document("\"" + bomb + "\"", null), "bomb.json"));

        assertEquals(
                "bomb.json: measurements[0].histogram holds no readable histogram (it declares 5 significant"
                        + " digits over 1..4611686018427387903 (and a 2-byte payload), which would take 46.0 MiB to decode,"
                        + " more than the limit of 8.0 MiB per histogram); expected a base64 HdrHistogram from"
                        + " encodeIntoCompressedByteBuffer",
                e.getMessage());
    }

    @Test
    void shouldNameAStreamThatEndsBeforeItsDeclaredPayload() throws Exception {
        // A histogram with many distinct values, its zlib stream cut after the header: the
        // stream ends with the payload unread, and the message says how much was there.
        Histogram h = new Histogram(1, 3_600_000_000_000L, 3);
        for (long v = 1; v < 2_000_000; v = v * 21 / 20 + 1) {
            h.recordValue(v);
        }
        byte[] whole = Base64.getDecoder().decode(ResultJsonWriter.encode(h));
        int keep = whole.length / 2;
        assertTrue(keep > 8 + 64, "enough left for the header: " + whole.length);
        byte[] cut = java.util.Arrays.copyOf(whole, keep);
        java.nio.ByteBuffer.wrap(cut).putInt(4, keep - 8);
        String b64 = Base64.getEncoder().encodeToString(cut);

        ResultFormatException e = assertThrows(
                ResultFormatException.class, () -> ResultCodec.fromJson(document("\"" + b64 + "\"", null), "cut.json"));

        assertTrue(
                e.getMessage()
                        .startsWith("cut.json: measurements[0].histogram holds no readable histogram (its"
                                + " compressed data ends after "),
                e.getMessage());
        assertTrue(e.getMessage().contains(" payload bytes it declares)"), e.getMessage());
    }

    @Test
    void shouldRefuseManyAllowedHistogramsOnceTheDocumentBudgetIsSpent() {
        // 3 digits over the whole range: 424 KiB each, as iocert's own may be; 700 of them exceed 256 MiB.
        String one = "\"" + encoded(1, Long.MAX_VALUE / 2, 3) + "\"";
        String blocks =
                "{\"blockNs\": 1000, \"histograms\": [" + String.join(", ", Collections.nCopies(700, one)) + "]}";
        byte[] doc = document(null, blocks);
        assertTrue(doc.length < 64 * 1024, "a small file: " + doc.length);
        long before = usedHeap();

        ResultFormatException e = assertThrows(ResultFormatException.class, () -> ResultCodec.fromJson(doc, "r.json"));

        assertTrue(
                e.getMessage()
                        .startsWith("r.json: measurements[0].blocks.histograms[618]: decoding the histogram"
                                + " would take 424.0 KiB, bringing the document to 256.3 MiB, over its memory budget of 256.0 MiB"
                                + " (iocert's default per document)"),
                e.getMessage());
        // Nothing near a gigabyte stays reachable or was needed (the old decoder took 6 GB for 300 bombs).
        assertTrue(usedHeap() - before < 512L * 1024 * 1024, "heap grew by " + (usedHeap() - before));
    }

    @Test
    void shouldNameTheSystemPropertyWhenItSetTheBudget() {
        MemoryBudget b = new MemoryBudget("x.json", 1024, "system property " + MemoryBudget.PROPERTY);
        ResultFormatException e = assertThrows(ResultFormatException.class, () -> b.charge(2048, "here", "it"));
        assertEquals(
                "x.json: here: it would take 2.0 KiB, bringing the document to 2.0 KiB, over its memory budget"
                        + " of 1.0 KiB (system property iocert.documentMemoryMiB); the document is too large or declares more"
                        + " than it holds",
                e.getMessage());
    }

    @ParameterizedTest(name = "{0}..{1} at {2} digits")
    @CsvSource({
        "1, 2, 0",
        "1, 1000, 1",
        "1, 3600000000000, 3",
        "1000, 3600000000000, 3",
        "1, 4611686018427387903, 2",
        "7, 1000000, 4",
        "1, 100000000, 5",
        "1048576, 4611686018427387903, 3"
    })
    void shouldEstimateWhatHdrHistogramAllocates(long lowest, long highest, int digits) throws Exception {
        byte[] bytes = Base64.getDecoder().decode(encoded(lowest, highest, digits));
        HistogramDecoding.Declared d = HistogramDecoding.declared(bytes);
        Histogram real = new Histogram(lowest, highest, digits);

        assertEquals(digits, d.digits());
        assertEquals(lowest, d.lowest());
        // HdrHistogram's own estimate: the counts array plus a fixed 512 bytes for the object.
        assertEquals(real.getEstimatedFootprintInBytes() - 512, d.countsLength() * Long.BYTES);
    }

    private static long usedHeap() {
        Runtime r = Runtime.getRuntime();
        System.gc();
        return r.totalMemory() - r.freeMemory();
    }
}
