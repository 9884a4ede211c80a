package io.iocert.results;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/**
 * A result's histograms as an HdrHistogram log ({@code .hlog}), for HistogramLogProcessor,
 * HdrHistogram plotters and anything else that reads {@link org.HdrHistogram.HistogramLogReader}
 * logs.
 *
 * <p>Each measurement that has a histogram becomes one interval line tagged
 * {@code <id>/<metric>} (commas and white space, which tags cannot hold, become {@code _}).
 * Every line spans the whole run, from {@code startedAt} (the log's base and start time) to
 * {@code endedAt}: a result does not record when each measurement ran. Values stay in
 * nanoseconds; the interval-max column is in milliseconds (ratio 10^6), as jHiccup and
 * HistogramLogProcessor expect. Measurements without a histogram (per-interval rates) are not
 * in the log.
 *
 * <p>The start time comment is written in ISO-8601 UTC rather than HdrHistogram's
 * {@code Date.toString()}, so the log does not depend on the default time zone or locale.
 */
public final class HlogExport {

    private static final Pattern NOT_IN_TAG = Pattern.compile("[,\\s]");
    private static final double NS_PER_MS = 1_000_000.0;

    private HlogExport() {}

    /** The .hlog form of {@code result}'s histograms, UTF-8. */
    public static byte[] toHlog(Result result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            write(result, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("writing to memory failed", e);
        }
        return out.toByteArray();
    }

    /** Writes the .hlog form of {@code result}'s histograms to {@code out}; flushes, does not close it. */
    public static void write(Result result, OutputStream out) throws IOException {
        PrintStream print = new PrintStream(out, false, StandardCharsets.UTF_8);
        HistogramLogWriter log = new HistogramLogWriter(print);
        long startMs = result.startedAt().toEpochMilli();
        double lengthSec =
                Duration.between(result.startedAt(), result.endedAt()).toNanos() / 1e9;
        log.outputComment("[iocert " + result.toolVersion() + ", spec " + result.specName() + ", node "
                + result.node().hostname() + "]");
        log.outputLogFormatVersion();
        log.outputComment(String.format(
                Locale.ROOT, "[StartTime: %.3f (seconds since epoch), %s]", startMs / 1000.0, result.startedAt()));
        log.outputBaseTime(startMs);
        // HistogramLogWriter.outputLegend ends the line with the platform's separator; every
        // other line ends with \n, and so does this one.
        print.print("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n");
        for (Measurement m : result.measurements()) {
            if (m.histogram() == null) {
                continue;
            }
            // The measurement's histogram is shared and must not change: tag a copy.
            Histogram tagged = m.histogram().copy();
            tagged.setTag(tag(m));
            log.outputIntervalHistogram(0.0, lengthSec, tagged, NS_PER_MS);
        }
        print.flush();
        if (print.checkError()) {
            throw new IOException("writing the histogram log failed");
        }
    }

    static String tag(Measurement m) {
        return NOT_IN_TAG.matcher(m.id() + "/" + m.metric()).replaceAll("_");
    }
}
