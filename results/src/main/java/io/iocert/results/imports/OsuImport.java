package io.iocert.results.imports;

import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.MemoryBudget;
import io.iocert.results.ResultFormatException;
import io.iocert.results.Summary;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;

/**
 * The text output of OSU micro-benchmarks {@code osu_latency} and {@code osu_bw}: a title line
 * ({@code # OSU MPI Latency Test v7.3}), a header ({@code # Size  Latency (us)}), then one row
 * per message size ({@code size value}, more columns with {@code -f}, kept in the context).
 * Other lines starting with {@code #} are comments; text before the title (launcher messages)
 * is skipped with a note; after the header every other line must be a row.
 *
 * <p><b>osu_latency</b> reports, per size, the average one-way latency in µs: half the
 * average round trip of a ping-pong between two ranks. Each size becomes a {@code net.pingpong}
 * {@code rtt} measurement holding one value, twice the reported latency, since iocert's rtt
 * is the full round trip. <b>osu_bw</b> reports, per size, a bandwidth in MB/s (10^6 B/s)
 * over windows of non-blocking sends; each size becomes a {@code net.stream}
 * {@code throughput} measurement holding that one rate. Both are averages, not distributions:
 * every measurement holds one value ({@code samples} 1) and is marked {@code approximate:
 * mean-only}, so quantiles, and even the mean, cannot be certified from them (the certifier
 * says INCONCLUSIVE). OSU prints no time: the run's time is the file's modification time.
 */
final class OsuImport {
    private static final Pattern TITLE = Pattern.compile("#\\s*OSU\\s+(.*?)\\s+Test(?:\\s+(v\\S+))?\\s*");
    private static final Pattern ROW = Pattern.compile("(\\d+)((?:\\s+\\S+)+)\\s*");
    /** OSU's bandwidth tests print the interval length nowhere; the one value is recorded with this length. */
    static final long PLACEHOLDER_INTERVAL_NS = 1_000_000_000L;

    private final String source;
    private final List<String> notes;

    private final MemoryBudget budget;

    OsuImport(String source, List<String> notes, MemoryBudget budget) {
        this.source = source;
        this.notes = notes;
        this.budget = budget;
    }

    private enum Kind {
        LATENCY,
        BANDWIDTH
    }

    Parsed parse(byte[] content, Instant fileModified) throws ResultFormatException {
        String[] lines = new String(content, StandardCharsets.UTF_8).split("\r?\n", -1);
        Kind kind = null;
        String title = null;
        String version = null;
        String header = null;
        int skipped = 0;
        Set<Long> sizes = new HashSet<>();
        List<Measurement> out = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            int lineNr = i + 1;
            if (line.isEmpty()) {
                continue;
            }
            if (kind == null) {
                Matcher t = TITLE.matcher(line);
                if (!t.matches()) {
                    skipped++;
                    continue;
                }
                title = line.substring(1).strip();
                String name = t.group(1).toLowerCase(Locale.ROOT);
                if (name.endsWith("latency")) {
                    kind = Kind.LATENCY;
                } else if (name.endsWith("bandwidth") && !name.contains("bi-directional")) {
                    kind = Kind.BANDWIDTH;
                } else {
                    throw problem(
                            lineNr,
                            "'" + title + "' is not an OSU test iocert imports; expected the output of"
                                    + " osu_latency (# OSU MPI Latency Test) or osu_bw (# OSU MPI Bandwidth Test)");
                }
                version = t.group(2);
                continue;
            }
            if (line.startsWith("#")) {
                if (header == null
                        && line.substring(1).strip().toLowerCase(Locale.ROOT).startsWith("size")) {
                    header = line.substring(1).strip();
                    String h = header.toLowerCase(Locale.ROOT);
                    boolean fits = kind == Kind.LATENCY
                            ? h.contains("latency") && h.contains("(us)")
                            : h.contains("bandwidth") && h.contains("(mb/s)");
                    if (!fits) {
                        throw problem(
                                lineNr,
                                "the header '" + header + "' does not name the expected column; expected "
                                        + (kind == Kind.LATENCY ? "'Latency (us)'" : "'Bandwidth (MB/s)'"));
                    }
                }
                continue;
            }
            if (header == null) {
                throw problem(
                        lineNr, "'" + clip(line) + "' comes before the '# Size ...' header; expected the header first");
            }
            Matcher r = ROW.matcher(line);
            String[] values = r.matches() ? r.group(2).strip().split("\\s+") : new String[0];
            double value = values.length > 0 ? number(values[0]) : Double.NaN;
            if (!r.matches() || !Double.isFinite(value) || value < 0) {
                throw problem(
                        lineNr,
                        "'" + clip(line) + "' is not a row of " + (kind == Kind.LATENCY ? "osu_latency" : "osu_bw")
                                + " output; expected a message size in bytes and "
                                + (kind == Kind.LATENCY ? "a latency in us" : "a bandwidth in MB/s")
                                + ", such as '8192  2.47'");
            }
            long size;
            try {
                size = Long.parseLong(r.group(1));
            } catch (NumberFormatException e) {
                throw problem(lineNr, "the message size '" + r.group(1) + "' is too large");
            }
            if (!sizes.add(size)) {
                throw problem(lineNr, "the message size " + size + " appears twice; expected one row per size");
            }
            Measurement m = kind == Kind.LATENCY
                    ? latency(size, value, values, version, title)
                    : bandwidth(size, value, values, version, title);
            Importer.charge(budget, m, "line " + lineNr);
            out.add(m);
        }
        if (kind == null) {
            throw new ResultFormatException(
                    source + ": no '# OSU MPI ... Test' title line; expected " + ImportFormat.OSU.expected());
        }
        if (header == null) {
            throw new ResultFormatException(
                    source + ": no '# Size ...' header after the title; expected " + ImportFormat.OSU.expected());
        }
        if (out.isEmpty()) {
            throw new ResultFormatException(source + ": no rows after the header; expected one row per message size");
        }
        if (skipped > 0) {
            notes.add("skipped " + skipped + " line" + (skipped == 1 ? "" : "s") + " before the OSU title");
        }
        notes.add("OSU prints no time of the run; the result's times are the file's modification time");
        String name = kind == Kind.LATENCY ? "osu_latency" : "osu_bw";
        String probe = kind == Kind.LATENCY ? ProbeType.NET_PINGPONG.id() : ProbeType.NET_STREAM.id();
        Map<String, Object> node = new LinkedHashMap<>();
        node.put(Importer.SOURCE, "osu");
        if (version != null) {
            node.put(Importer.SOURCE_VERSION, version);
        }
        return new Parsed(List.of(new MeasurementSet(name, null, name, probe, out)), node, fileModified, fileModified);
    }

    private Measurement latency(long size, double oneWayUs, String[] values, String version, String title) {
        long rttNs = Math.round(2 * oneWayUs * 1000);
        Histogram h = new Histogram(3);
        h.recordValue(rttNs);
        Map<String, String> ctx = context(size, values, version, title);
        ctx.put("osuOneWayLatencyUs", values[0]);
        ctx.put("rttFrom", "twice OSU's average one-way latency");
        Map<String, Object> w = new LinkedHashMap<>();
        w.put(ProbeType.MESSAGE_SIZE, size);
        return new Measurement(
                "-", ProbeType.NET_PINGPONG.id(), Metric.RTT.id(), "ns", w, 1, Summary.of(h), h, null, ctx, null);
    }

    private Measurement bandwidth(long size, double mbPerSecond, String[] values, String version, String title) {
        double bytesPerSecond = mbPerSecond * 1e6;
        Map<String, String> ctx = context(size, values, version, title);
        ctx.put("osuBandwidthMBps", values[0]);
        ctx.put("intervalLength", "unknown: OSU prints one average rate per size, recorded as one interval of 1 s");
        Map<String, Object> w = new LinkedHashMap<>();
        w.put(ProbeType.MESSAGE_SIZE, size);
        w.put("streams", 1L);
        w.put("direction", "send");
        IntervalSeries s = new IntervalSeries(PLACEHOLDER_INTERVAL_NS, List.of(bytesPerSecond));
        return new Measurement(
                "-",
                ProbeType.NET_STREAM.id(),
                Metric.THROUGHPUT.id(),
                "B/s",
                w,
                1,
                Summary.of(s.values()),
                null,
                s,
                ctx,
                null);
    }

    private static Map<String, String> context(long size, String[] values, String version, String title) {
        Map<String, String> ctx = new LinkedHashMap<>();
        ctx.put(Importer.SOURCE, "osu");
        if (version != null) {
            ctx.put(Importer.SOURCE_VERSION, version);
        }
        ctx.put("osuTest", title);
        ctx.put(ProbeType.MESSAGE_SIZE, Long.toString(size));
        ctx.put(Importer.APPROXIMATE, "mean-only: OSU prints one average per message size, not a distribution");
        if (values.length > 1) {
            ctx.put("osuMoreColumns", String.join(" ", java.util.Arrays.copyOfRange(values, 1, values.length)));
        }
        return ctx;
    }

    private static double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String clip(String line) {
        return line.length() > 60 ? line.substring(0, 57) + "..." : line;
    }

    private ResultFormatException problem(int line, String message) {
        return new ResultFormatException(source + ": line " + line + ": " + message);
    }
}
