package io.iocert.results;

import com.opencsv.CSVWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * A result as CSV for spreadsheets and scripts: a header row, then one row per measurement with
 * {@code id, probe, metric, unit, samples, min, mean, p50, p90, p99, p999, max, stddev, error}.
 *
 * <p>Values are in the measurement's canonical {@code unit}. Numbers are written as in the JSON
 * form, independent of the default locale ({@code 1650000}, {@code 0.25}, {@code 4.123456789E8});
 * NaN, infinity and the statistics of a measurement without a summary are empty fields, as is
 * the error of a measurement that has none. Fields are quoted as RFC 4180 asks (only when they
 * hold a comma, quote or line break; quotes doubled); rows end with {@code \n}, not RFC 4180's
 * CRLF, as Unix tools expect. UTF-8, no byte order mark.
 */
public final class CsvExport {

    private static final String[] HEADER = {
        "id", "probe", "metric", "unit", "samples", "min", "mean", "p50", "p90", "p99", "p999", "max", "stddev", "error"
    };

    private CsvExport() {}

    /** The CSV form of {@code result}, UTF-8. */
    public static byte[] toCsv(Result result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            write(result, writer);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** Writes the CSV form of {@code result} to {@code out}; flushes, does not close it. */
    public static void write(Result result, Writer out) throws IOException {
        CSVWriter csv = new CSVWriter(out, ',', '"', '"', "\n");
        csv.writeNext(HEADER, false);
        for (Measurement m : result.measurements()) {
            csv.writeNext(row(m), false);
        }
        csv.flush();
        if (csv.checkError()) {
            // CSVWriter keeps the IOException to itself; checkError flushes and reports it.
            throw new IOException("writing CSV failed", csv.getException());
        }
    }

    private static String[] row(Measurement m) {
        Summary s = m.summary();
        return new String[] {
            m.id(),
            m.probe(),
            m.metric(),
            m.unit(),
            Long.toString(m.samples()),
            s == null ? null : Numbers.measured(s.min()),
            s == null ? null : Numbers.measured(s.mean()),
            s == null ? null : Numbers.measured(s.p50()),
            s == null ? null : Numbers.measured(s.p90()),
            s == null ? null : Numbers.measured(s.p99()),
            s == null ? null : Numbers.measured(s.p999()),
            s == null ? null : Numbers.measured(s.max()),
            s == null ? null : Numbers.measured(s.stddev()),
            m.error()
        };
    }
}
