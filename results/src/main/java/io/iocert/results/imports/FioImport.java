package io.iocert.results.imports;

import com.fasterxml.jackson.databind.JsonNode;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.MemoryBudget;
import io.iocert.results.ResultFormatException;
import io.iocert.results.Summary;
import io.iocert.spec.ProbeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import org.HdrHistogram.Histogram;

/**
 * fio {@code --output-format=json} and {@code json+}. Each job's read and write sections become
 * {@code fs.read} and {@code fs.write} measurement sets (latency, throughput, iops), its sync
 * section an {@code fs.fsync} set (latency); sections without I/O are skipped, and so are trim
 * sections (iocert has no discard probe; a note says so).
 *
 * <p><b>Latency.</b> From {@code lat_ns} (submission to completion) when fio printed its
 * percentiles or bins ({@code lat_percentiles=1}), else from {@code clat_ns} (fio's default:
 * completion latency, without the submission latency {@code slat_ns}, which is zero for
 * synchronous engines anyway). json+ prints fio's latency histogram ({@code bins}: value in ns
 * to count), which becomes the HdrHistogram in full; plain json prints only percentiles, from
 * which {@link Reconstruction} rebuilds a distribution, marked {@code approximate:
 * percentiles-only}.
 *
 * <p><b>Throughput and IOPS.</b> fio's JSON has no per-interval series, only the whole run's
 * rate ({@code bw_bytes}, {@code iops}) and a summary of its own averaging windows
 * ({@code bw_min/bw_mean/bw_max/bw_dev} in KiB/s over {@code bw_samples} windows). The
 * measurement records one interval as long as the run, holding the whole-run rate, marked
 * {@code approximate: whole-run-only}; the window summary goes to the context. A statistic
 * over intervals then rests on one value, and the certifier says so (INCONCLUSIVE).
 */
final class FioImport {
    private static final List<String> SECTIONS = List.of("read", "write", "trim", "sync");

    private final Fields f;
    private final List<String> notes;

    private final MemoryBudget budget;

    FioImport(String source, List<String> notes, MemoryBudget budget) {
        this.f = new Fields(source);
        this.notes = notes;
        this.budget = budget;
    }

    Parsed parse(byte[] content) throws ResultFormatException {
        JsonNode root = JsonInput.parse(content, f.source(), ImportFormat.FIO.expected(), notes);
        String version = f.textOrNull(root, "fio version", "'fio version'");
        JsonNode jobs = root.get("jobs");
        if (jobs == null) {
            throw f.problem("jobs is missing; expected an array of jobs (is this fio --output-format=json output?)");
        }
        if (!jobs.isArray()) {
            throw f.mismatch("jobs", jobs, "an array of jobs");
        }
        if (jobs.isEmpty()) {
            throw f.problem("jobs is empty; expected at least one job (did fio run any?)");
        }
        Map<String, String> global = options(root, "global options", "'global options'");
        Map<String, Integer> nameCount = new HashMap<>();
        for (int i = 0; i < jobs.size(); i++) {
            JsonNode job = jobs.get(i);
            if (!job.isObject()) {
                throw f.mismatch("jobs[" + i + "]", job, "a job object");
            }
            nameCount.merge(f.text(job, "jobname", "jobs[" + i + "].jobname"), 1, Integer::sum);
        }
        Map<String, Integer> seen = new HashMap<>();
        List<MeasurementSet> sets = new ArrayList<>();
        double longestElapsedS = 0;
        for (int i = 0; i < jobs.size(); i++) {
            JsonNode job = jobs.get(i);
            String path = "jobs[" + i + "]";
            String name = job.get("jobname").textValue();
            int occurrence = seen.merge(name, 1, Integer::sum);
            String jobKey = nameCount.get(name) > 1 ? name + "#" + occurrence : name;
            Map<String, String> opts = new LinkedHashMap<>(global);
            opts.putAll(options(job, "job options", path + ".'job options'"));
            longestElapsedS = Math.max(longestElapsedS, f.countOr(job, "elapsed", path + ".elapsed", 0));
            long error = f.countOr(job, "error", path + ".error", 0);
            List<MeasurementSet> ofJob = new ArrayList<>();
            for (String section : SECTIONS) {
                JsonNode s = f.objectOrNull(job, section, path + "." + section);
                if (s == null) {
                    continue;
                }
                String sp = path + "." + section;
                long ios = f.count(s, "total_ios", sp + ".total_ios");
                if (ios == 0) {
                    continue;
                }
                if (section.equals("trim")) {
                    notes.add("skipped " + jobKey + ".trim (" + ios + " trims): iocert has no probe for discards");
                    continue;
                }
                ofJob.add(section(job, path, s, sp, section, ios, jobKey, opts, version, error));
            }
            for (MeasurementSet set : ofJob) {
                for (Measurement m : set.measurements()) {
                    Importer.charge(budget, m, path + " (" + set.key() + ")");
                }
                String id = ofJob.size() == 1 ? jobKey : set.key();
                sets.add(
                        new MeasurementSet(set.key(), jobKey, IdMapping.sanitize(id), set.probe(), set.measurements()));
            }
        }
        if (sets.isEmpty()) {
            throw f.problem("no job did any reads, writes or syncs (every section has total_ios 0); nothing to import");
        }
        long endMs;
        if (root.has("timestamp_ms")) {
            endMs = f.count(root, "timestamp_ms", "timestamp_ms");
        } else {
            endMs = Math.multiplyExact(f.count(root, "timestamp", "timestamp"), 1000L);
        }
        Instant end = Instant.ofEpochMilli(endMs);
        Instant start = end.minusMillis(Math.round(longestElapsedS * 1000));
        Map<String, Object> node = new LinkedHashMap<>();
        node.put(Importer.SOURCE, "fio");
        if (version != null) {
            node.put(Importer.SOURCE_VERSION, version);
        }
        return new Parsed(sets, node, start, end);
    }

    /** An object of fio options; every value is a string in fio's JSON. */
    private Map<String, String> options(JsonNode parent, String field, String path) throws ResultFormatException {
        JsonNode o = f.objectOrNull(parent, field, path);
        Map<String, String> map = new LinkedHashMap<>();
        if (o == null) {
            return map;
        }
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            JsonNode v = e.getValue();
            if (!v.isValueNode()) {
                throw f.mismatch(path + "." + e.getKey(), v, "an option value (a string)");
            }
            map.put(e.getKey(), v.asText());
        }
        return map;
    }

    private MeasurementSet section(
            JsonNode job,
            String path,
            JsonNode s,
            String sp,
            String section,
            long ios,
            String jobKey,
            Map<String, String> opts,
            String version,
            long error)
            throws ResultFormatException {
        boolean sync = section.equals("sync");
        String probe = switch (section) {
            case "read" -> ProbeType.FS_READ.id();
            case "write" -> ProbeType.FS_WRITE.id();
            case "sync" -> ProbeType.FS_FSYNC.id();
            // trim sections are skipped before this (iocert has no discard probe)
            default -> throw new IllegalArgumentException("fio section " + section + " has no iocert probe");
        };
        String key = jobKey + "." + section;
        Map<String, String> ctx = new LinkedHashMap<>();
        ctx.put(Importer.SOURCE, "fio");
        if (version != null) {
            ctx.put(Importer.SOURCE_VERSION, version);
        }
        ctx.put("fioJob", jobKey);
        ctx.put("fioSection", section);
        for (String o : List.of("rw", "ioengine", "iodepth")) {
            if (opts.containsKey(o)) {
                ctx.put(o, opts.get(o));
            }
        }
        if (truthy(opts.get("group_reporting"))) {
            ctx.put("groupReporting", "true");
        }
        if (sync) {
            ctx.put("latencyCovers", "the sync call alone; the write before it is in " + jobKey + ".write");
        }
        String err = error == 0 ? null : "fio reported error " + error + " for job " + jobKey;
        Map<String, Object> workload = sync ? syncWorkload(opts, job, path) : workload(opts, section, s, sp);
        List<Measurement> out = new ArrayList<>();
        Measurement latency = latency(s, sp, sync, probe, workload, ctx, err);
        if (latency != null) {
            out.add(latency);
        } else {
            notes.add("no latency for " + key
                    + ": fio printed neither latency bins nor percentiles (clat_percentiles=0?)");
        }
        if (!sync) {
            long runtimeMs = f.count(s, "runtime", sp + ".runtime");
            if (runtimeMs == 0) {
                notes.add("no throughput or iops for " + key + ": fio reported a runtime of 0 ms");
            } else {
                out.add(rate(
                        s,
                        sp,
                        probe,
                        "throughput",
                        "B/s",
                        "bw_bytes",
                        "bw",
                        1024,
                        "fioBw",
                        runtimeMs,
                        workload,
                        ctx,
                        err));
                out.add(rate(
                        s, sp, probe, "iops", "ops/s", "iops", "iops", 1, "fioIops", runtimeMs, workload, ctx, err));
            }
        }
        if (out.isEmpty()) {
            throw f.problem(sp + " has " + ios + " I/Os but no latency, bandwidth or IOPS figures to import");
        }
        return new MeasurementSet(key, jobKey, key, probe, out);
    }

    private Measurement latency(
            JsonNode s,
            String sp,
            boolean sync,
            String probe,
            Map<String, Object> workload,
            Map<String, String> baseCtx,
            String err)
            throws ResultFormatException {
        JsonNode lat = f.objectOrNull(s, "lat_ns", sp + ".lat_ns");
        JsonNode clat = sync ? null : f.objectOrNull(s, "clat_ns", sp + ".clat_ns");
        String from;
        JsonNode chosen;
        if (lat != null && lat.has("bins")) {
            from = "lat_ns";
            chosen = lat;
        } else if (clat != null && clat.has("bins")) {
            from = "clat_ns";
            chosen = clat;
        } else if (lat != null && lat.has("percentile")) {
            from = "lat_ns";
            chosen = lat;
        } else if (clat != null && clat.has("percentile")) {
            from = "clat_ns";
            chosen = clat;
        } else {
            return null;
        }
        String p = sp + "." + from;
        Map<String, String> ctx = new LinkedHashMap<>(baseCtx);
        ctx.put(
                "latencyFrom",
                from.equals("lat_ns")
                        ? "lat_ns (submission to completion)"
                        : "clat_ns (completion latency; fio's submission latency slat_ns is not included)");
        ctx.put("fioMeanNs", plain(f.number(chosen, "mean", p + ".mean")));
        ctx.put("fioStddevNs", plain(f.numberOrNaN(chosen, "stddev", p + ".stddev")));
        Histogram h;
        if (chosen.has("bins")) {
            h = bins(f.object(chosen, "bins", p + ".bins"), p + ".bins");
        } else {
            long n = f.count(chosen, "N", p + ".N");
            long min = f.count(chosen, "min", p + ".min");
            long max = f.count(chosen, "max", p + ".max");
            h = Reconstruction.of(
                    n, min, max, percentiles(f.object(chosen, "percentile", p + ".percentile"), p + ".percentile"));
            ctx.put(
                    Importer.APPROXIMATE,
                    "percentiles-only: rebuilt from fio's count, min, max and "
                            + chosen.get("percentile").size()
                            + " printed percentiles; values between them are interpolated");
        }
        return new Measurement(
                "-", probe, "latency", "ns", workload, h.getTotalCount(), Summary.of(h), h, null, ctx, err);
    }

    private Histogram bins(JsonNode bins, String path) throws ResultFormatException {
        Histogram h = new Histogram(3);
        long total = 0;
        for (Map.Entry<String, JsonNode> e : bins.properties()) {
            long value;
            try {
                value = Long.parseLong(e.getKey());
            } catch (NumberFormatException ex) {
                throw f.problem(path + " has the key '" + e.getKey() + "'; expected latencies in ns as keys");
            }
            long count = f.count(bins, e.getKey(), path + "." + e.getKey());
            if (value < 0) {
                throw f.problem(path + " has the key '" + e.getKey() + "'; expected latencies in ns (not negative)");
            }
            if (count > 0) {
                if (count > Long.MAX_VALUE - total) {
                    // HdrHistogram's total would wrap and the latencies import as negative samples.
                    throw f.problem(path + "." + e.getKey() + ": the bin counts add up to more than 2^63-1 samples;"
                            + " expected the I/Os fio counted");
                }
                if (value > Long.MAX_VALUE / 2) {
                    throw f.problem(path + " has the key '" + e.getKey() + "'; expected latencies in ns up to 2^62");
                }
                total += count;
                h.recordValueWithCount(value, count);
            }
        }
        return h;
    }

    private List<Reconstruction.Point> percentiles(JsonNode o, String path) throws ResultFormatException {
        List<Reconstruction.Point> points = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : o.properties()) {
            double percent;
            try {
                percent = Double.parseDouble(e.getKey());
            } catch (NumberFormatException ex) {
                throw f.problem(path + " has the key '" + e.getKey() + "'; expected percentages such as 99.000000");
            }
            if (!(percent > 0 && percent <= 100)) {
                throw f.problem(path + " has the key '" + e.getKey() + "'; expected percentages above 0, at most 100");
            }
            points.add(new Reconstruction.Point(percent, f.count(o, e.getKey(), path + ".'" + e.getKey() + "'")));
        }
        points.sort((a, b) -> Double.compare(a.percent(), b.percent()));
        return points;
    }

    private Measurement rate(
            JsonNode s,
            String sp,
            String probe,
            String metric,
            String unit,
            String field,
            String windowPrefix,
            double windowFactor,
            String ctxPrefix,
            long runtimeMs,
            Map<String, Object> workload,
            Map<String, String> baseCtx,
            String err)
            throws ResultFormatException {
        double value = f.number(s, field, sp + "." + field);
        Map<String, String> ctx = new LinkedHashMap<>(baseCtx);
        ctx.put(
                Importer.APPROXIMATE,
                "whole-run-only: fio's JSON has no per-interval series; one interval spanning" + " the run holds fio's "
                        + field);
        String dev = windowPrefix.equals("bw") ? "bw_dev" : "iops_stddev";
        if (s.has(windowPrefix + "_samples")) {
            ctx.put(
                    ctxPrefix + "Windows",
                    Long.toString(f.count(s, windowPrefix + "_samples", sp + "." + windowPrefix + "_samples")));
            ctx.put(
                    ctxPrefix + "WindowMin",
                    plain(windowFactor * f.number(s, windowPrefix + "_min", sp + "." + windowPrefix + "_min")));
            ctx.put(
                    ctxPrefix + "WindowMean",
                    plain(windowFactor * f.number(s, windowPrefix + "_mean", sp + "." + windowPrefix + "_mean")));
            ctx.put(
                    ctxPrefix + "WindowMax",
                    plain(windowFactor * f.number(s, windowPrefix + "_max", sp + "." + windowPrefix + "_max")));
            ctx.put(ctxPrefix + "WindowStddev", plain(windowFactor * f.numberOrNaN(s, dev, sp + "." + dev)));
        }
        IntervalSeries series = new IntervalSeries(Math.multiplyExact(runtimeMs, 1_000_000L), List.of(value));
        return new Measurement(
                "-", probe, metric, unit, workload, 1, Summary.of(series.values()), null, series, ctx, err);
    }

    /** fs.read / fs.write workload keys from fio's options, as far as they map. */
    private Map<String, Object> workload(Map<String, String> opts, String section, JsonNode s, String sp)
            throws ResultFormatException {
        boolean kb1000 = "1000".equals(opts.get("kb_base"));
        Map<String, Object> w = new LinkedHashMap<>();
        String rw = rw(opts);
        w.put("pattern", rw.startsWith("rand") ? "random" : "sequential");
        blockSize(opts, section, kb1000).ifPresent(b -> w.put("blockSize", b));
        sizeOption(opts, kb1000, "size", "filesize").ifPresent(b -> w.put("fileSize", b));
        w.put("threads", count(opts.get("numjobs"), 1));
        w.put("direct", direct(opts));
        if (section.equals("write")) {
            long every = count(opts.get("fsync"), 0);
            if (every > 0) {
                w.put("fsync", every);
            } else if (truthy(opts.get("end_fsync"))) {
                w.put("fsync", "end");
            }
        }
        if (rw.equals("rw") || rw.equals("readwrite") || rw.equals("randrw")) {
            long read = opts.containsKey("rwmixread")
                    ? count(opts.get("rwmixread"), 50)
                    : opts.containsKey("rwmixwrite") ? 100 - count(opts.get("rwmixwrite"), 50) : 50;
            w.put("readPercent", read);
        }
        if (opts.containsKey("rate_iops")) {
            String first = opts.get("rate_iops").split(",", -1)[0].strip();
            OptionalLong r = FioUnits.size(first, kb1000);
            r.ifPresent(x -> w.put("rate", (double) x));
        }
        w.put("duration", Math.multiplyExact(f.count(s, "runtime", sp + ".runtime"), 1_000_000L));
        if (opts.containsKey("ramp_time")) {
            FioUnits.timeNs(opts.get("ramp_time")).ifPresent(t -> w.put("warmup", t));
        }
        sizeOption(opts, kb1000, "io_size", "io_limit").ifPresent(b -> w.put("totalSize", b));
        return w;
    }

    /** fs.fsync workload keys: the size written before each sync, the sync call, direct, the run's length. */
    private Map<String, Object> syncWorkload(Map<String, String> opts, JsonNode job, String path)
            throws ResultFormatException {
        boolean kb1000 = "1000".equals(opts.get("kb_base"));
        Map<String, Object> w = new LinkedHashMap<>();
        blockSize(opts, "write", kb1000).ifPresent(b -> w.put("blockSize", b));
        w.put("sync", count(opts.get("fdatasync"), 0) > 0 ? "fdatasync" : "fsync");
        w.put("direct", direct(opts));
        JsonNode write = f.objectOrNull(job, "write", path + ".write");
        if (write != null && write.has("runtime")) {
            w.put("duration", Math.multiplyExact(f.count(write, "runtime", path + ".write.runtime"), 1_000_000L));
        }
        return w;
    }

    private static String rw(Map<String, String> opts) {
        String rw = opts.getOrDefault("rw", opts.getOrDefault("readwrite", "read"));
        int colon = rw.indexOf(':');
        return (colon >= 0 ? rw.substring(0, colon) : rw).strip().toLowerCase(Locale.ROOT);
    }

    /** bs, or read_bs/write_bs; "4k,8k" gives reads 4k and writes 8k, as fio reads it. */
    private static OptionalLong blockSize(Map<String, String> opts, String section, boolean kb1000) {
        String specific = opts.get(section + "_bs");
        if (specific != null) {
            return FioUnits.size(specific.strip(), kb1000);
        }
        String bs = opts.getOrDefault("bs", opts.get("blocksize"));
        if (bs == null) {
            return OptionalLong.of(4096);
        }
        String[] parts = bs.split(",", -1);
        int index = section.equals("read") ? 0 : section.equals("write") ? 1 : 2;
        String part = index < parts.length && !parts[index].isBlank() ? parts[index] : parts[0];
        return FioUnits.size(part.strip(), kb1000);
    }

    private static OptionalLong sizeOption(Map<String, String> opts, boolean kb1000, String... names) {
        for (String n : names) {
            if (opts.containsKey(n)) {
                return FioUnits.size(opts.get(n).strip(), kb1000);
            }
        }
        return OptionalLong.empty();
    }

    private static boolean direct(Map<String, String> opts) {
        return truthy(opts.get("direct")) || "0".equals(opts.get("buffered"));
    }

    private static boolean truthy(String v) {
        return v != null && !v.equals("0") && !v.equalsIgnoreCase("false");
    }

    private static long count(String v, long otherwise) {
        if (v == null) {
            return otherwise;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    /** A number for a context string: integers without a fraction, never locale-dependent. */
    static String plain(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
