package io.iocert.store;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * How the store keeps distributions whole: histograms in HdrHistogram's own compressed
 * encoding (so merged distributions, not averaged percentiles, give statistics over time);
 * interval values as big-endian IEEE-754 doubles (NaN kept: an interval without a value).
 */
final class Distributions {
    private Distributions() {}

    static byte[] encode(Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buf);
        return Arrays.copyOf(buf.array(), length);
    }

    static Histogram decodeHistogram(byte[] bytes) throws DataFormatException {
        return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
    }

    static byte[] encode(List<Double> values) {
        ByteBuffer buf = ByteBuffer.allocate(values.size() * Double.BYTES);
        for (Double v : values) {
            buf.putDouble(v == null ? Double.NaN : v);
        }
        return buf.array();
    }

    static List<Double> decodeDoubles(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        List<Double> out = new ArrayList<>(bytes.length / Double.BYTES);
        while (buf.remaining() >= Double.BYTES) {
            out.add(buf.getDouble());
        }
        return out;
    }
}
