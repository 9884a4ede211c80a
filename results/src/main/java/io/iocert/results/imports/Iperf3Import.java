package io.iocert.results.imports;

import com.fasterxml.jackson.databind.JsonNode;
import io.iocert.results.Coordinated;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.MemoryBudget;
import io.iocert.results.ResultFormatException;
import io.iocert.results.Summary;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * iperf3 {@code -J}: one {@code net.stream} measurement set shaped as iocert's own probe records
 * it. The first measurement is the aggregate throughput per interval (what a spec judges),
 * {@code scope=aggregate}; one measurement per stream follows with {@code scope=stream},
 * {@code stream} (its position in iperf3's list, from 0) and {@code streamDirection}.
 *
 * <p><b>Intervals.</b> Each of iperf3's reporting intervals ({@code -i}, 1 s by default) gives
 * one value: its bytes over its own length in seconds (iperf3's intervals run a little long or
 * short; the series' interval length is their median, to the millisecond). Intervals iperf3
 * marks {@code omitted} ({@code -O}) and a trailing interval shorter than half the others are
 * left out and counted in the context. With {@code --bidir} the aggregate adds both
 * directions ({@code sum} and {@code sum_bidir_reverse}), as the probe's {@code direction: both}
 * does.
 *
 * <p><b>Direction</b> is from the side that wrote the file: a client sends unless
 * {@code test_start.reverse} is 1; a server ({@code start.accepted_connection}) the other way
 * round; {@code both} when the intervals carry {@code sum_bidir_reverse}.
 */
final class Iperf3Import {
    private final Fields f;
    private final List<String> notes;

    private final MemoryBudget budget;

    Iperf3Import(String source, List<String> notes, MemoryBudget budget) {
        this.f = new Fields(source);
        this.notes = notes;
        this.budget = budget;
    }

    Parsed parse(byte[] content) throws ResultFormatException {
        JsonNode root = JsonInput.parse(content, f.source(), ImportFormat.IPERF3.expected(), notes);
        if (root.has("error")) {
            JsonNode e = root.get("error");
            throw f.problem(
                    "iperf3 reported an error: " + (e.isTextual() ? "'" + e.textValue() + "'" : Fields.describe(e))
                            + "; the test did not complete, so there is nothing to import");
        }
        JsonNode start = f.object(root, "start", "start");
        JsonNode test = f.object(start, "test_start", "start.test_start");
        String version = f.textOrNull(start, "version", "start.version");
        String protocol = f.textOrNull(test, "protocol", "start.test_start.protocol");
        long streams = f.count(test, "num_streams", "start.test_start.num_streams");
        long blksize = f.countOr(test, "blksize", "start.test_start.blksize", 0);
        long durationS = f.countOr(test, "duration", "start.test_start.duration", 0);
        long omitS = f.countOr(test, "omit", "start.test_start.omit", 0);
        boolean reverse = f.flag(test, "reverse", "start.test_start.reverse", false);
        boolean server = start.has("accepted_connection");
        JsonNode intervals = f.array(root, "intervals", "intervals");
        if (intervals.isEmpty()) {
            throw f.problem("intervals is empty; expected iperf3's per-interval reports (did the test run?)");
        }
        f.object(root, "end", "end");
        boolean bidir = false;
        for (JsonNode iv : intervals) {
            bidir |= iv.has("sum_bidir_reverse");
        }
        String direction = bidir ? "both" : reverse != server ? "receive" : "send";

        int n = intervals.size();
        // Per interval: seconds, aggregate, omitted, and later the picked values of the aggregate.
        budget.charge(n * (3 * Double.BYTES + Importer.BYTES_PER_VALUE), "intervals", n + " intervals");
        double[] seconds = new double[n];
        double[] aggregate = new double[n];
        boolean[] omitted = new boolean[n];
        List<double[]> perStream = new ArrayList<>();
        List<String> streamDirections = new ArrayList<>();
        long bytesInIntervals = 0;
        for (int i = 0; i < n; i++) {
            String p = "intervals[" + i + "]";
            JsonNode iv = intervals.get(i);
            if (!iv.isObject()) {
                throw f.mismatch(p, iv, "an interval object {streams, sum}");
            }
            JsonNode sum = f.object(iv, "sum", p + ".sum");
            seconds[i] = f.number(sum, "seconds", p + ".sum.seconds");
            if (!(seconds[i] > 0)) {
                throw f.mismatch(p + ".sum.seconds", sum.get("seconds"), "a positive number of seconds");
            }
            omitted[i] = f.flag(sum, "omitted", p + ".sum.omitted", false);
            long bytes = f.count(sum, "bytes", p + ".sum.bytes");
            JsonNode back = f.objectOrNull(iv, "sum_bidir_reverse", p + ".sum_bidir_reverse");
            try {
                if (back != null) {
                    bytes = Math.addExact(bytes, f.count(back, "bytes", p + ".sum_bidir_reverse.bytes"));
                }
                bytesInIntervals = Math.addExact(bytesInIntervals, bytes);
            } catch (ArithmeticException e) {
                // A negative rate otherwise: the sum of byte counts wraps past 2^63.
                throw f.problem(p + ": the byte counts add up to more than 2^63-1; expected the bytes iperf3 moved");
            }
            aggregate[i] = bytes / seconds[i];
            JsonNode list = f.array(iv, "streams", p + ".streams");
            if (i == 0) {
                budget.charge(
                        (long) list.size() * n * (Double.BYTES + Importer.BYTES_PER_VALUE),
                        p + ".streams",
                        list.size() + " streams of " + n + " intervals");
                for (int k = 0; k < list.size(); k++) {
                    perStream.add(new double[n]);
                    JsonNode st = list.get(k);
                    boolean sender = st.isObject() && f.flag(st, "sender", p + ".streams[" + k + "].sender", !reverse);
                    streamDirections.add(sender ? "send" : "receive");
                }
            } else if (list.size() != perStream.size()) {
                throw f.problem(p + ".streams has " + list.size() + " streams, intervals[0] has " + perStream.size()
                        + "; expected the same streams in every interval");
            }
            for (int k = 0; k < list.size(); k++) {
                String sp = p + ".streams[" + k + "]";
                JsonNode st = list.get(k);
                if (!st.isObject()) {
                    throw f.mismatch(sp, st, "a stream object {socket, bytes, seconds}");
                }
                double s = f.number(st, "seconds", sp + ".seconds");
                perStream.get(k)[i] = s > 0 ? f.count(st, "bytes", sp + ".bytes") / s : Double.NaN;
            }
        }
        // The series' interval length: the median of iperf3's, to the millisecond.
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        long intervalNs = Math.max(1_000_000L, Math.round(sorted[n / 2] * 1000) * 1_000_000L);
        List<Integer> kept = new ArrayList<>();
        int omittedCount = 0;
        int partial = 0;
        for (int i = 0; i < n; i++) {
            if (omitted[i]) {
                omittedCount++;
            } else if (i == n - 1 && n > 1 && seconds[i] * 1e9 < intervalNs / 2.0) {
                partial++;
            } else {
                kept.add(i);
            }
        }
        if (kept.isEmpty()) {
            throw f.problem("every interval is omitted (-O) or partial; nothing to import");
        }

        Map<String, Object> workload = new LinkedHashMap<>();
        workload.put("streams", streams);
        workload.put("direction", direction);
        if (blksize > 0) {
            workload.put("bufferSize", blksize);
        }
        if (durationS > 0) {
            workload.put("duration", durationS * 1_000_000_000L);
        }
        workload.put(ProbeType.INTERVAL, intervalNs);
        workload.put("warmup", omitS * 1_000_000_000L);

        Map<String, String> base = new LinkedHashMap<>();
        base.put(Importer.SOURCE, "iperf3");
        if (version != null) {
            base.put(Importer.SOURCE_VERSION, version);
        }
        base.put("iperf3Role", server ? "server" : "client");
        if (protocol != null) {
            base.put("protocol", protocol);
        }
        JsonNode to = start.get("connecting_to");
        if (to != null && to.isObject() && to.has("host")) {
            base.put(
                    "peer",
                    to.get("host").asText()
                            + (to.has("port") ? ":" + to.get("port").asText() : ""));
        }
        if (omittedCount > 0) {
            base.put("omittedIntervals", Integer.toString(omittedCount));
        }
        if (partial > 0) {
            base.put("partialIntervalsDropped", Integer.toString(partial));
        }

        List<Measurement> out = new ArrayList<>();
        Map<String, String> agg = new LinkedHashMap<>(base);
        agg.put(ProbeType.SCOPE, Coordinated.AGGREGATE);
        agg.put("bytesInIntervals", Long.toString(bytesInIntervals));
        endBytes(root.get("end"), agg);
        out.add(measurement(pick(aggregate, kept), intervalNs, workload, agg));
        for (int k = 0; k < perStream.size(); k++) {
            Map<String, String> c = new LinkedHashMap<>(base);
            c.put(ProbeType.SCOPE, Coordinated.STREAM);
            c.put(ProbeType.STREAM, Integer.toString(k));
            c.put("streamDirection", streamDirections.get(k));
            out.add(measurement(pick(perStream.get(k), kept), intervalNs, workload, c));
        }

        Map<String, Object> node = new LinkedHashMap<>();
        node.put(Importer.SOURCE, "iperf3");
        if (version != null) {
            node.put(Importer.SOURCE_VERSION, version);
        }
        String system = f.textOrNull(start, "system_info", "start.system_info");
        if (system != null) {
            node.put("systemInfo", system);
            // uname -a: kernel name, then the node name. A hostname the file states, so it is kept with its source.
            String[] words = system.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("Linux")) {
                node.put("hostname", words[1]);
                node.put(Importer.HOSTNAME_SOURCE, "iperf3 start.system_info (uname node name)");
            }
        }
        Instant begin = Instant.ofEpochSecond(time(start));
        double totalS = 0;
        for (double s : seconds) {
            totalS += s;
        }
        return new Parsed(
                List.of(new MeasurementSet("iperf3", null, "iperf3", ProbeType.NET_STREAM.id(), out)),
                node,
                begin,
                begin.plusMillis(Math.round(totalS * 1000)));
    }

    private long time(JsonNode start) throws ResultFormatException {
        JsonNode ts = f.object(start, "timestamp", "start.timestamp");
        return f.count(ts, "timesecs", "start.timestamp.timesecs");
    }

    /** iperf3's own byte totals, from the writer's point of view, for comparison with the intervals. */
    private void endBytes(JsonNode end, Map<String, String> ctx) {
        for (String k :
                List.of("sum_sent", "sum_received", "sum_sent_bidir_reverse", "sum_received_bidir_reverse", "sum")) {
            JsonNode s = end.get(k);
            if (s != null && s.isObject() && s.has("bytes") && s.get("bytes").isIntegralNumber()) {
                ctx.put(
                        "iperf3End." + k + ".bytes",
                        Long.toString(s.get("bytes").longValue()));
            }
        }
    }

    private static List<Double> pick(double[] values, List<Integer> kept) {
        List<Double> out = new ArrayList<>(kept.size());
        for (int i : kept) {
            out.add(values[i]);
        }
        return out;
    }

    private static Measurement measurement(
            List<Double> values, long intervalNs, Map<String, Object> workload, Map<String, String> ctx) {
        IntervalSeries series = new IntervalSeries(intervalNs, values);
        return new Measurement(
                "-",
                ProbeType.NET_STREAM.id(),
                Metric.THROUGHPUT.id(),
                "B/s",
                workload,
                values.size(),
                Summary.of(values),
                null,
                series,
                ctx,
                null);
    }
}
