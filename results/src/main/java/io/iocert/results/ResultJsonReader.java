package io.iocert.results;

import com.fasterxml.jackson.databind.JsonNode;
import io.iocert.spec.Metric;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Turns a parsed JSON tree into a {@link Result}, checking every field it reads. Each failure
 * names the document, the field as a JSON path ({@code measurements[2].summary.p99}), what was
 * found and what was expected. Members this version does not know are ignored, so later
 * additive writers of a version stay readable. An {@value Result#FORMAT_V1} document reads as
 * the {@value Result#FORMAT} one it would be: its look plan moves from the context strings to
 * the typed member ({@link #v1Looks}).
 */
final class ResultJsonReader {

    private static final String HISTOGRAM = "a base64 HdrHistogram from encodeIntoCompressedByteBuffer";
    private static final String NUMBER_OR_NULL = "a number or null (null stands for NaN)";
    /** The formats read, newest first, as messages name them. */
    private static final String READS = Result.FORMAT + " or " + Result.FORMAT_V1;

    /** A boxed interval value and its list slot, as charged to the budget. */
    private static final long BYTES_PER_INTERVAL_VALUE = 24;

    private final String source;
    private final MemoryBudget budget;

    ResultJsonReader(String source) {
        this.source = source;
        this.budget = MemoryBudget.forDocument(source);
    }

    Result read(JsonNode root) throws ResultFormatException {
        if (root == null || root.isMissingNode()) {
            throw new ResultFormatException(
                    source + ": the document is empty; expected a JSON object with format " + READS);
        }
        if (!root.isObject()) {
            throw new ResultFormatException(
                    source + ": the document is " + describe(root) + "; expected a JSON object with format " + READS);
        }
        boolean v1 = checkFormat(root.get("format"));
        String toolVersion = text(root, "toolVersion", "toolVersion");
        NodeIdentity node = new NodeIdentity(scalarMap(object(root, "node", "node"), "node", false));
        JsonNode spec = object(root, "spec", "spec");
        String specName = textOrNull(spec, "name", "spec.name");
        String specSha256 = textOrNull(spec, "sha256", "spec.sha256");
        Instant startedAt = instant(root, "startedAt");
        Instant endedAt = instant(root, "endedAt");
        JsonNode list = root.get("measurements");
        if (list == null || !list.isArray()) {
            throw mismatch("measurements", list, "an array of measurements");
        }
        List<Measurement> measurements = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            measurements.add(measurement(list.get(i), "measurements[" + i + "]", v1));
        }
        return new Result(Result.FORMAT, toolVersion, node, specName, specSha256, startedAt, endedAt, measurements);
    }

    /** Whether the document is {@value Result#FORMAT_V1}; throws for a format this reader does not read. */
    private boolean checkFormat(JsonNode format) throws ResultFormatException {
        if (format == null) {
            throw new ResultFormatException(
                    source + ": format is missing; expected " + READS + " (is this an iocert result file?)");
        }
        if (format.isTextual() && Result.FORMAT.equals(format.textValue())) {
            return false;
        }
        if (format.isTextual() && Result.FORMAT_V1.equals(format.textValue())) {
            return true;
        }
        String hint = format.isTextual() && format.textValue().startsWith("iocert-result/")
                ? " (written by a newer iocert? this one reads " + READS + ")"
                : "";
        throw new ResultFormatException(source + ": format is " + describe(format) + "; expected " + READS + hint);
    }

    private Measurement measurement(JsonNode m, String path, boolean v1) throws ResultFormatException {
        if (!m.isObject()) {
            throw mismatch(path, m, "a measurement object");
        }
        String id = text(m, "id", path + ".id");
        String probe = text(m, "probe", path + ".probe");
        String metric = text(m, "metric", path + ".metric");
        String unit = text(m, "unit", path + ".unit");
        java.util.Optional<Metric> known = Metric.ofId(metric);
        if (known.isPresent() && !known.get().dimension().canonicalUnit().equals(unit)) {
            // The certifier compares numbers in the canonical unit; a value in another unit would be judged wrongly.
            throw mismatch(
                    path + ".unit",
                    m.get("unit"),
                    "'" + known.get().dimension().canonicalUnit() + "', the unit" + " every " + metric
                            + " value is written in");
        }
        Map<String, Object> workload = scalarMap(object(m, "workload", path + ".workload"), path + ".workload", true);
        JsonNode samplesNode = m.get("samples");
        if (samplesNode == null
                || !samplesNode.isIntegralNumber()
                || !samplesNode.canConvertToLong()
                || samplesNode.longValue() < 0) {
            throw mismatch(path + ".samples", samplesNode, "a non-negative integer");
        }
        long samples = samplesNode.longValue();
        Summary summary = null;
        JsonNode s = m.get("summary");
        if (s != null && !s.isNull()) {
            String sp = path + ".summary";
            if (!s.isObject()) {
                throw mismatch(sp, s, "an object {min, mean, p50, p90, p99, p999, max, stddev}");
            }
            summary = new Summary(
                    number(s, "min", sp),
                    number(s, "mean", sp),
                    number(s, "p50", sp),
                    number(s, "p90", sp),
                    number(s, "p99", sp),
                    number(s, "p999", sp),
                    number(s, "max", sp),
                    number(s, "stddev", sp));
        }
        Histogram histogram = histogram(m.get("histogram"), path + ".histogram");
        IntervalSeries intervals = intervals(m.get("intervals"), path + ".intervals", known.isPresent());
        BlockSeries blocks = blocks(m.get("blocks"), path + ".blocks");
        Map<String, String> context = Map.of();
        JsonNode c = m.get("context");
        if (c != null && !c.isNull()) {
            context = stringMap(c, path + ".context");
        }
        String error = textOrNull(m, "error", path + ".error");
        LookPlan looks;
        if (v1) {
            looks = v1Looks(context);
            if (looks != null) {
                context = new LinkedHashMap<>(context);
                context.remove(LookPlan.V1_ROUNDS);
                context.remove(LookPlan.V1_MAX_ROUNDS);
            }
        } else {
            looks = looks(m.get("looks"), path + ".looks");
        }
        return new Measurement(
                id, probe, metric, unit, workload, samples, summary, histogram, intervals, blocks, context, error,
                looks);
    }

    /**
     * The look plan an {@value Result#FORMAT_V1} measurement kept in its context: {@code rounds}
     * of {@code maxRounds}, either defaulting to 1 as the certifier of that version read them.
     * Null when neither is there, or when they do not make a plan (not whole numbers, or more
     * rounds than the plan allowed): that certifier judged such a measurement with the whole
     * error allowance, as one without a plan is judged now, so the strings stay in the context
     * as facts nobody reads.
     */
    static LookPlan v1Looks(Map<String, String> context) {
        if (!context.containsKey(LookPlan.V1_ROUNDS) && !context.containsKey(LookPlan.V1_MAX_ROUNDS)) {
            return null;
        }
        try {
            int max = Integer.parseInt(context.getOrDefault(LookPlan.V1_MAX_ROUNDS, "1"));
            int round = Integer.parseInt(context.getOrDefault(LookPlan.V1_ROUNDS, "1"));
            return max >= 1 && round >= 1 && round <= max ? new LookPlan(round, max) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private LookPlan looks(JsonNode l, String path) throws ResultFormatException {
        if (l == null || l.isNull()) {
            return null;
        }
        if (!l.isObject()) {
            throw mismatch(path, l, "an object {round, maxRounds}");
        }
        JsonNode max = l.get("maxRounds");
        if (max == null || !max.isInt() || max.intValue() < 1) {
            throw mismatch(path + ".maxRounds", max, "a positive integer (the most rounds the plan allowed)");
        }
        JsonNode round = l.get("round");
        if (round == null || !round.isInt() || round.intValue() < 1 || round.intValue() > max.intValue()) {
            throw mismatch(path + ".round", round, "an integer from 1 to maxRounds (" + max.intValue() + ")");
        }
        return new LookPlan(round.intValue(), max.intValue());
    }

    private Histogram histogram(JsonNode h, String path) throws ResultFormatException {
        if (h == null || h.isNull()) {
            return null;
        }
        if (!h.isTextual()) {
            throw mismatch(path, h, HISTOGRAM);
        }
        byte[] bytes;
        try {
            bytes = java.util.Base64.getDecoder().decode(h.textValue());
        } catch (IllegalArgumentException e) {
            throw new ResultFormatException(
                    source + ": " + path + " is not valid base64 (" + e.getMessage() + "); expected " + HISTOGRAM);
        }
        try {
            return HistogramDecoding.decode(bytes, path, budget);
        } catch (HistogramDecoding.Problem e) {
            throw new ResultFormatException(source + ": " + path + " holds no readable histogram (" + e.getMessage()
                    + "); expected " + HISTOGRAM);
        }
    }

    private BlockSeries blocks(JsonNode b, String path) throws ResultFormatException {
        if (b == null || b.isNull()) {
            return null;
        }
        if (!b.isObject()) {
            throw mismatch(path, b, "an object {blockNs, histograms}");
        }
        JsonNode len = b.get("blockNs");
        if (len == null || !len.isIntegralNumber() || !len.canConvertToLong() || len.longValue() <= 0) {
            throw mismatch(path + ".blockNs", len, "a positive integer (nanoseconds)");
        }
        JsonNode hs = b.get("histograms");
        if (hs == null || !hs.isArray()) {
            throw mismatch(path + ".histograms", hs, "an array of " + HISTOGRAM + " strings");
        }
        List<Histogram> list = new ArrayList<>(hs.size());
        for (int i = 0; i < hs.size(); i++) {
            String at = path + ".histograms[" + i + "]";
            Histogram h = histogram(hs.get(i), at);
            if (h == null) {
                throw mismatch(at, hs.get(i), HISTOGRAM);
            }
            list.add(h);
        }
        return new BlockSeries(len.longValue(), list);
    }

    /** The series; with {@code nonNegative} (the metrics iocert knows are all rates) a negative value is refused. */
    private IntervalSeries intervals(JsonNode iv, String path, boolean nonNegative) throws ResultFormatException {
        if (iv == null || iv.isNull()) {
            return null;
        }
        if (!iv.isObject()) {
            throw mismatch(path, iv, "an object {intervalNs, values}");
        }
        JsonNode len = iv.get("intervalNs");
        if (len == null || !len.isIntegralNumber() || !len.canConvertToLong() || len.longValue() <= 0) {
            throw mismatch(path + ".intervalNs", len, "a positive integer (nanoseconds)");
        }
        JsonNode values = iv.get("values");
        if (values == null || !values.isArray()) {
            throw mismatch(path + ".values", values, "an array of numbers");
        }
        budget.charge(values.size() * BYTES_PER_INTERVAL_VALUE, path + ".values", values.size() + " interval values");
        List<Double> list = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            double v = numberValue(values.get(i), path + ".values[" + i + "]");
            if (nonNegative && v < 0) {
                throw mismatch(path + ".values[" + i + "]", values.get(i), "a rate of at least 0 (or null)");
            }
            list.add(v);
        }
        JsonNode regimes = iv.get("regimes");
        List<IntervalSeries.Regime> found = new ArrayList<>();
        if (regimes != null && !regimes.isNull()) {
            if (!regimes.isArray()) {
                throw mismatch(path + ".regimes", regimes, "an array of {from, to, rate, low, high}");
            }
            int next = 0;
            for (int i = 0; i < regimes.size(); i++) {
                JsonNode r = regimes.get(i);
                String at = path + ".regimes[" + i + "]";
                if (!r.isObject()) {
                    throw mismatch(at, r, "an object {from, to, rate, low, high}");
                }
                JsonNode from = r.get("from");
                JsonNode to = r.get("to");
                if (from == null || !from.isInt() || from.intValue() != next) {
                    throw mismatch(
                            at + ".from", from, "the interval index where the previous regime ended (" + next + ")");
                }
                if (to == null || !to.isInt() || to.intValue() <= from.intValue() || to.intValue() > list.size()) {
                    throw mismatch(at + ".to", to, "an interval index after 'from', at most " + list.size());
                }
                next = to.intValue();
                found.add(new IntervalSeries.Regime(
                        from.intValue(),
                        to.intValue(),
                        number(r, "rate", at),
                        number(r, "low", at),
                        number(r, "high", at)));
            }
            if (!found.isEmpty() && next != list.size()) {
                throw mismatch(
                        path + ".regimes",
                        regimes,
                        "regimes covering all " + list.size() + " intervals (they end at " + next + ")");
            }
        }
        return new IntervalSeries(len.longValue(), list, found);
    }

    private double number(JsonNode parent, String field, String parentPath) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null) {
            throw mismatch(parentPath + "." + field, null, NUMBER_OR_NULL);
        }
        return numberValue(n, parentPath + "." + field);
    }

    private double numberValue(JsonNode n, String path) throws ResultFormatException {
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isNull()) {
            return Double.NaN;
        }
        throw mismatch(path, n, NUMBER_OR_NULL);
    }

    private Instant instant(JsonNode parent, String field) throws ResultFormatException {
        String text = text(parent, field, field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw mismatch(field, parent.get(field), "an ISO-8601 UTC time such as 2026-11-23T10:15:30Z");
        }
    }

    private JsonNode object(JsonNode parent, String field, String path) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isObject()) {
            throw mismatch(path, n, "an object");
        }
        return n;
    }

    private String text(JsonNode parent, String field, String path) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null || !n.isTextual()) {
            throw mismatch(path, n, "a string");
        }
        return n.textValue();
    }

    private String textOrNull(JsonNode parent, String field, String path) throws ResultFormatException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw mismatch(path, n, "a string or null");
        }
        return n.textValue();
    }

    private Map<String, String> stringMap(JsonNode object, String path) throws ResultFormatException {
        if (!object.isObject()) {
            throw mismatch(path, object, "an object of strings");
        }
        Map<String, String> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            if (!e.getValue().isTextual()) {
                throw mismatch(path + "." + e.getKey(), e.getValue(), "a string");
            }
            map.put(e.getKey(), e.getValue().textValue());
        }
        return map;
    }

    /**
     * An object of JSON scalars: strings, integers (as {@link Long}), other numbers (as
     * {@link Double}), booleans; with {@code listsAndNulls}, also null and lists of scalars.
     */
    private Map<String, Object> scalarMap(JsonNode object, String path, boolean listsAndNulls)
            throws ResultFormatException {
        Map<String, Object> map = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            String p = path + "." + e.getKey();
            JsonNode v = e.getValue();
            if (listsAndNulls && v.isArray()) {
                List<Object> list = new ArrayList<>(v.size());
                for (int i = 0; i < v.size(); i++) {
                    list.add(scalar(v.get(i), p + "[" + i + "]", true));
                }
                map.put(e.getKey(), List.copyOf(list));
            } else {
                map.put(e.getKey(), scalar(v, p, listsAndNulls));
            }
        }
        return map;
    }

    private Object scalar(JsonNode v, String path, boolean nullAllowed) throws ResultFormatException {
        if (v.isTextual()) {
            return v.textValue();
        } else if (v.isBoolean()) {
            return v.booleanValue();
        } else if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        } else if (v.isNumber()) {
            return v.doubleValue();
        } else if (v.isNull() && nullAllowed) {
            return null;
        }
        throw mismatch(path, v, nullAllowed ? "a string, number, boolean or null" : "a string, number or boolean");
    }

    private ResultFormatException mismatch(String path, JsonNode found, String expected) {
        if (found == null) {
            return new ResultFormatException(source + ": " + path + " is missing; expected " + expected);
        }
        return new ResultFormatException(source + ": " + path + " is " + describe(found) + "; expected " + expected);
    }

    /** A short, printable description of a JSON value for messages. */
    static String describe(JsonNode n) {
        if (n.isTextual()) {
            String t = n.textValue();
            if (t.length() > 60) {
                t = t.substring(0, 57) + "...";
            }
            StringBuilder sb = new StringBuilder(t.length() + 2).append('\'');
            t.codePoints().forEach(cp -> sb.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
            return sb.append('\'').toString();
        } else if (n.isNumber() || n.isBoolean() || n.isNull()) {
            return n.asText();
        } else if (n.isObject()) {
            return "an object";
        } else if (n.isArray()) {
            return "an array";
        }
        return n.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }
}
