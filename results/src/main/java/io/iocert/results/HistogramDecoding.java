package io.iocert.results;

import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.HdrHistogram.Histogram;

/**
 * Decodes HdrHistogram's compressed V2 encoding ({@code encodeIntoCompressedByteBuffer}) after
 * checking what its header declares, because decoding allocates from the declaration, not from
 * the bytes present: the counts array spans the declared range at the declared precision, and
 * the payload buffer is as long as the declared payload. Both are checked against
 * {@link #MAX_HISTOGRAM_BYTES} and charged to the document's {@link MemoryBudget} before
 * HdrHistogram sees the buffer.
 *
 * <p>The layout read here: an int cookie and an int compressed length, then zlib data whose
 * first 40 bytes inflate to the header: int cookie, int payload length, int normalizing index
 * offset, int significant digits, long lowest trackable value, long highest trackable value,
 * double integer-to-double ratio.
 */
final class HistogramDecoding {
    /** One histogram may hold at most this much: 16x what iocert's own (3 digits, whole range) need. */
    static final long MAX_HISTOGRAM_BYTES = 8L * 1024 * 1024;

    private static final int COMPRESSED_V2 = 0x1c849304;
    private static final int UNCOMPRESSED_V2 = 0x1c849303;
    private static final int WORD_SIZE_BITS = 0xf0;
    private static final int HEADER_BYTES = 40;
    /** A count in the payload takes at most 9 bytes (ZigZag LEB128 of a long). */
    private static final int MAX_BYTES_PER_COUNT = 9;

    private HistogramDecoding() {}

    /** What a histogram's header declares. */
    record Declared(int payloadBytes, int digits, long lowest, long highest) {
        /** Entries of the counts array HdrHistogram allocates for this range and precision. */
        long countsLength() {
            long largestSingleUnit = 2 * pow10(digits);
            int subBucketMagnitude = 64 - Long.numberOfLeadingZeros(largestSingleUnit - 1);
            long subBucketCount = 1L << Math.max(1, subBucketMagnitude);
            int unitMagnitude = 63 - Long.numberOfLeadingZeros(lowest);
            if (subBucketMagnitude + unitMagnitude > 62) {
                return subBucketCount;
            }
            long covered = subBucketCount << unitMagnitude;
            long buckets = 1;
            while (covered <= highest) {
                if (covered > Long.MAX_VALUE / 2) {
                    buckets++;
                    break;
                }
                covered <<= 1;
                buckets++;
            }
            return (buckets + 1) * (subBucketCount / 2);
        }

        /** The bytes decoding allocates: the counts (8 bytes each) and the payload buffer. */
        long bytes() {
            return countsLength() * Long.BYTES + payloadBytes;
        }

        private static long pow10(int digits) {
            long p = 1;
            for (int i = 0; i < digits; i++) {
                p *= 10;
            }
            return p;
        }
    }

    /**
     * The histogram in {@code bytes}.
     *
     * @param where the field, for messages ("result.json: measurements[2].histogram")
     * @throws ResultFormatException when the encoding is not V2, the header is out of range, the
     *                               histogram would exceed {@link #MAX_HISTOGRAM_BYTES} or the
     *                               budget, or the data is damaged; {@code problem} then says which
     */
    static Histogram decode(byte[] bytes, String where, MemoryBudget budget) throws Problem, ResultFormatException {
        Inflater inflater = INFLATER.get();
        inflater.reset();
        byte[] header = new byte[HEADER_BYTES];
        Declared d = declared(bytes, inflater, header);
        long need = d.bytes();
        if (need > MAX_HISTOGRAM_BYTES) {
            throw new Problem(String.format(
                    Locale.ROOT,
                    "it declares %d significant digits over %d..%d (and a"
                            + " %d-byte payload), which would take %s to decode, more than the limit of %s per histogram",
                    d.digits(),
                    d.lowest(),
                    d.highest(),
                    d.payloadBytes(),
                    MemoryBudget.size(need),
                    MemoryBudget.size(MAX_HISTOGRAM_BYTES)));
        }
        budget.charge(need, where, "decoding the histogram");
        // The rest of the stream is inflated here, by the same inflater that read the header, and
        // HdrHistogram decodes the uncompressed V2 encoding: one zlib stream set up and inflated
        // once per histogram instead of twice (reading a fleet's results is mostly this).
        byte[] encoded = new byte[HEADER_BYTES + d.payloadBytes()];
        System.arraycopy(header, 0, encoded, 0, HEADER_BYTES);
        try {
            int got = HEADER_BYTES;
            while (got < encoded.length && !inflater.finished() && !inflater.needsInput()) {
                got += inflater.inflate(encoded, got, encoded.length - got);
            }
            if (got < encoded.length) {
                throw new Problem("its compressed data ends after " + (got - HEADER_BYTES) + " of the "
                        + d.payloadBytes() + " payload bytes it declares");
            }
        } catch (DataFormatException e) {
            throw new Problem("its compressed data is damaged (" + e.getMessage() + ")");
        }
        try {
            return Histogram.decodeFromByteBuffer(ByteBuffer.wrap(encoded), 0);
        } catch (RuntimeException e) {
            // HdrHistogram signals a damaged buffer with several runtime exceptions (bad cookie,
            // buffer underflow, index out of bounds); all mean the same thing here.
            throw new Problem(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /** The header, checked for what HdrHistogram would accept, without decoding the counts. */
    static Declared declared(byte[] bytes) throws Problem {
        Inflater inflater = new Inflater();
        try {
            return declared(bytes, inflater, new byte[HEADER_BYTES]);
        } finally {
            inflater.end();
        }
    }

    /**
     * One inflater per reading thread, reset for each histogram: setting up a zlib stream costs
     * more than inflating a block's few hundred bytes. Its native memory is released when the
     * thread's inflater is collected.
     */
    private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);

    /**
     * The header, inflated by {@code inflater} (fresh or reset) into {@code header} and checked;
     * the inflater is left after the header, ready for the payload.
     */
    private static Declared declared(byte[] bytes, Inflater inflater, byte[] header) throws Problem {
        if (bytes.length < 8) {
            throw new Problem("it is " + bytes.length + " bytes, too short for a compressed histogram");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int cookie = b.getInt();
        if ((cookie & ~WORD_SIZE_BITS) != COMPRESSED_V2) {
            throw new Problem(
                    String.format(Locale.ROOT, "cookie 0x%08x is not HdrHistogram's compressed V2 encoding", cookie));
        }
        int length = b.getInt();
        if (length < 0 || length > bytes.length - 8) {
            throw new Problem("it declares " + length + " compressed bytes but holds " + (bytes.length - 8));
        }
        try {
            inflater.setInput(bytes, 8, length);
            int got = 0;
            while (got < HEADER_BYTES && !inflater.finished() && !inflater.needsInput()) {
                got += inflater.inflate(header, got, HEADER_BYTES - got);
            }
            if (got < HEADER_BYTES) {
                throw new Problem("its compressed data ends before the end of the header");
            }
        } catch (DataFormatException e) {
            throw new Problem("its compressed data is damaged (" + e.getMessage() + ")");
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        int inner = h.getInt();
        int payload = h.getInt();
        h.getInt();
        int digits = h.getInt();
        long lowest = h.getLong();
        long highest = h.getLong();
        if ((inner & ~WORD_SIZE_BITS) != UNCOMPRESSED_V2) {
            throw new Problem(
                    String.format(Locale.ROOT, "inner cookie 0x%08x is not HdrHistogram's V2 encoding", inner));
        }
        if (digits < 0 || digits > 5) {
            throw new Problem("it declares " + digits + " significant digits; HdrHistogram allows 0 to 5");
        }
        if (lowest < 1 || highest < 2 * lowest || highest > Long.MAX_VALUE / 2) {
            throw new Problem("it declares the range " + lowest + ".." + highest + "; expected 1 <= lowest and"
                    + " 2 x lowest <= highest <= 2^62");
        }
        if (payload < 0) {
            throw new Problem("it declares a payload of " + payload + " bytes");
        }
        Declared d = new Declared(payload, digits, lowest, highest);
        if (payload > d.countsLength() * MAX_BYTES_PER_COUNT) {
            throw new Problem("it declares a payload of " + payload + " bytes, more than " + d.countsLength()
                    + " counts can take");
        }
        return d;
    }

    /** Why a histogram cannot be decoded, without the file and field (the caller adds them). */
    static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message);
        }
    }
}
