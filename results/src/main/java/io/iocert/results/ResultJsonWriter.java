package io.iocert.results;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import io.iocert.spec.Quantity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Writes the JSON form of a {@link Result}: fixed key order, two-space indent, {@code "key": value},
 * {@code \n} line ends and a trailing newline, lists of scalars on one line. See
 * {@link ResultCodec} for the number rules.
 */
final class ResultJsonWriter {

    /** Stateless template; each generator gets its own instance via createInstance(). */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("")
                    .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private final JsonFactory factory;

    ResultJsonWriter(JsonFactory factory) {
        this.factory = factory;
    }

    byte[] write(Result result) {
        if (!Result.FORMAT.equals(result.format())) {
            throw new IllegalArgumentException(
                    "cannot write a result with format '" + result.format() + "'; this codec writes " + Result.FORMAT);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try (JsonGenerator g = factory.createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(PRETTY.createInstance());
            g.writeStartObject();
            g.writeStringField("format", result.format());
            g.writeStringField("toolVersion", result.toolVersion());
            g.writeObjectFieldStart("node");
            for (Map.Entry<String, Object> e : result.node().fields().entrySet()) {
                g.writeFieldName(e.getKey());
                writeScalar(g, e.getValue(), "node." + e.getKey());
            }
            g.writeEndObject();
            g.writeObjectFieldStart("spec");
            g.writeStringField("name", result.specName());
            g.writeStringField("sha256", result.specSha256());
            g.writeEndObject();
            g.writeStringField("startedAt", DateTimeFormatter.ISO_INSTANT.format(result.startedAt()));
            g.writeStringField("endedAt", DateTimeFormatter.ISO_INSTANT.format(result.endedAt()));
            g.writeArrayFieldStart("measurements");
            for (Measurement m : result.measurements()) {
                writeMeasurement(g, m);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    private static void writeMeasurement(JsonGenerator g, Measurement m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        g.writeStringField("probe", m.probe());
        g.writeStringField("metric", m.metric());
        g.writeStringField("unit", m.unit());
        g.writeObjectFieldStart("workload");
        for (Map.Entry<String, Object> e : m.workload().entrySet()) {
            g.writeFieldName(e.getKey());
            writeScalarOrList(g, e.getValue(), "measurement '" + m.id() + "' workload." + e.getKey());
        }
        g.writeEndObject();
        g.writeNumberField("samples", m.samples());
        Summary s = m.summary();
        if (s != null) {
            g.writeObjectFieldStart("summary");
            measured(g, "min", s.min());
            measured(g, "mean", s.mean());
            measured(g, "p50", s.p50());
            measured(g, "p90", s.p90());
            measured(g, "p99", s.p99());
            measured(g, "p999", s.p999());
            measured(g, "max", s.max());
            measured(g, "stddev", s.stddev());
            g.writeEndObject();
        }
        if (m.histogram() != null) {
            g.writeStringField("histogram", encode(m.histogram()));
        }
        IntervalSeries iv = m.intervals();
        if (iv != null) {
            g.writeObjectFieldStart("intervals");
            g.writeNumberField("intervalNs", iv.intervalNs());
            g.writeFieldName("values");
            StringBuilder sb = new StringBuilder(iv.values().size() * 12 + 2).append('[');
            for (int i = 0; i < iv.values().size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                Double v = iv.values().get(i);
                String text = v == null ? null : Numbers.measured(v);
                sb.append(text == null ? "null" : text);
            }
            g.writeRawValue(sb.append(']').toString());
            if (!iv.regimes().isEmpty()) {
                g.writeArrayFieldStart("regimes");
                for (IntervalSeries.Regime r : iv.regimes()) {
                    g.writeStartObject();
                    g.writeNumberField("from", r.from());
                    g.writeNumberField("to", r.to());
                    g.writeFieldName("rate");
                    g.writeRawValue(numberText(r.rate()));
                    g.writeFieldName("low");
                    g.writeRawValue(numberText(r.low()));
                    g.writeFieldName("high");
                    g.writeRawValue(numberText(r.high()));
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        BlockSeries blocks = m.blocks();
        if (blocks != null) {
            g.writeObjectFieldStart("blocks");
            g.writeNumberField("blockNs", blocks.blockNs());
            g.writeArrayFieldStart("histograms");
            for (Histogram h : blocks.histograms()) {
                g.writeString(encode(h));
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        LookPlan looks = m.looks();
        if (looks != null) {
            g.writeObjectFieldStart("looks");
            g.writeNumberField("round", looks.round());
            g.writeNumberField("maxRounds", looks.maxRounds());
            g.writeEndObject();
        }
        if (!m.context().isEmpty()) {
            g.writeObjectFieldStart("context");
            for (Map.Entry<String, String> e : m.context().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }
        if (m.error() != null) {
            g.writeStringField("error", m.error());
        }
        g.writeEndObject();
    }

    private static void measured(JsonGenerator g, String field, double value) throws IOException {
        g.writeFieldName(field);
        String text = Numbers.measured(value);
        if (text == null) {
            g.writeNull();
        } else {
            g.writeNumber(text);
        }
    }

    /** HdrHistogram's compressed encoding (zlib deflate), base64 without line breaks. */
    static String encode(Histogram histogram) {
        // The needed capacity bounds the uncompressed form; leave room for deflate's worst case.
        int needed = histogram.getNeededByteBufferCapacity();
        ByteBuffer buffer = ByteBuffer.allocate(needed + needed / 2 + 64);
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    private static void writeScalarOrList(JsonGenerator g, Object value, String where) throws IOException {
        if (value instanceof Collection<?> list) {
            StringBuilder sb = new StringBuilder().append('[');
            boolean first = true;
            for (Object element : list) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                sb.append(scalarText(element, where));
            }
            g.writeRawValue(sb.append(']').toString());
        } else {
            writeScalar(g, value, where);
        }
    }

    private static void writeScalar(JsonGenerator g, Object value, String where) throws IOException {
        g.writeRawValue(scalarText(value, where));
    }

    /**
     * JSON text of a value in an untyped map (workload, node). Integers stay integers, doubles keep
     * a fraction or exponent so they read back as doubles, a {@link Quantity} is written as its
     * value in the canonical unit. Non-finite doubles become null.
     */
    private static String scalarText(Object value, String where) {
        if (value == null) {
            return "null";
        } else if (value instanceof String s) {
            return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
        } else if (value instanceof Boolean b) {
            return b.toString();
        } else if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte
                || value instanceof BigInteger) {
            return value.toString();
        } else if (value instanceof Double || value instanceof Float) {
            String text = Numbers.typedDouble(((Number) value).doubleValue());
            return text == null ? "null" : text;
        } else if (value instanceof BigDecimal d) {
            return d.toString();
        } else if (value instanceof Quantity q) {
            String text = Numbers.measured(q.value());
            return text == null ? "null" : text;
        }
        throw new IllegalArgumentException(where + ": a " + value.getClass().getName()
                + " cannot be written to JSON; expected a string, number, boolean, Quantity or null"
                + " (or, in a workload, a list of those)");
    }

    private static String numberText(double v) {
        String text = Double.isFinite(v) ? Numbers.measured(v) : null;
        return text == null ? "null" : text;
    }
}
