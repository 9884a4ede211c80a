package io.iocert.spec;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Derives the spec v1 JSON Schema from the probe table ({@link ProbeType}), the units of each
 * {@link Dimension} and the loader's rules. The published resource must equal its output
 * ({@code SpecSchemaTest}); after changing the table, regenerate with
 * {@code mvn -pl spec-schema test -Dtest=SpecSchemaTest -Diocert.schema.write=true}.
 */
final class SchemaGenerator {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** A decimal number as {@link Quantity} reads it, without sign. */
    static final String NUMBER = "(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?";
    /** Lookahead: the digits before any exponent include a non-zero one. */
    static final String NOT_ZERO = "(?=[0-9.]*[1-9])";

    static final String STATISTIC_EXCEPT_CV =
            "^(?:min|max|mean|median|stddev|p100|p(?!0{1,2}(?:\\.0+)?$)[0-9]{1,2}(?:\\.[0-9]+)?)$";
    /** The statistics an interval metric may also state per window of time: all but stddev and cv. */
    static final String STATISTIC_PER_WINDOW =
            "^(?:min|max|mean|median|p100|p(?!0{1,2}(?:\\.0+)?$)[0-9]{1,2}(?:\\.[0-9]+)?)$";

    private SchemaGenerator() {}

    static String text() {
        ObjectMapper mapper = new ObjectMapper();
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                .withSeparators(
                        Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
        try {
            return mapper.writer(printer).writeValueAsString(generate()) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode generate() {
        ObjectNode root = F.objectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.put("title", "iocert spec v1");
        root.put(
                "description",
                "A job's I/O specification: what it needs from the filesystem, the interconnect and "
                        + "the CPU and memory, as bounds on statistics of measured distributions, written in YAML or JSON.");
        root.put("type", "object");
        root.set("required", strings("iocert", "name", "requirements"));
        root.put("additionalProperties", false);
        ObjectNode props = root.putObject("properties");
        props.set(
                "iocert",
                F.objectNode()
                        .put("description", "The spec format version, " + Spec.VERSION + ".")
                        .put("const", Spec.VERSION));
        props.set(
                "name",
                F.objectNode()
                        .put("description", "A non-empty name for the job or spec.")
                        .put("type", "string")
                        .put("pattern", "\\S"));
        props.set(
                "description",
                F.objectNode()
                        .put("description", "Text describing the job, for people.")
                        .put("type", "string"));
        props.set(
                "confidence",
                described(
                        "The default confidence of every requirement (default " + Spec.DEFAULT_CONFIDENCE
                                + "): a number between 0 and 1, exclusive.",
                        ref("confidence")));
        props.set(
                "budget",
                described(
                        "The default maximum probing time per requirement (default " + Spec.DEFAULT_BUDGET.toSeconds()
                                + "s): a duration greater than zero.",
                        ref("duration")));
        ObjectNode fs = props.putObject("filesystem");
        fs.put(
                "description",
                "A mapping {path: DIR} naming the directory the job writes to; iocert --fs-path overrides it.");
        fs.put("type", "object");
        fs.set("required", strings("path"));
        fs.put("additionalProperties", false);
        fs.putObject("properties")
                .set(
                        "path",
                        F.objectNode()
                                .put("description", "The directory the job writes to.")
                                .put("type", "string")
                                .put("pattern", "\\S"));
        ObjectNode reqs = props.putObject("requirements");
        reqs.put("description", "A list of requirements, each with id, probe and expect: what the job needs.");
        reqs.put("type", "array");
        reqs.put("minItems", 1);
        reqs.set("items", ref("requirement"));

        ObjectNode defs = root.putObject("$defs");
        defs.set("requirement", requirement());
        for (ProbeType p : ProbeType.values()) {
            defs.set("workload-" + p.id(), workload(p));
            defs.set("expect-" + p.id(), expect(p));
        }
        for (Dimension d : thresholdDimensions()) {
            if (d != Dimension.RATIO) {
                defs.set("statistics-" + slug(d), statistics(d));
            }
        }
        defs.set("expect-straggler", straggler());
        for (Dimension d : thresholdDimensions()) {
            defs.set("threshold-" + slug(d), threshold(d));
        }
        for (Dimension d : windowedDimensions()) {
            defs.set("windowed-" + slug(d), windowed(d));
        }
        ObjectNode share = F.objectNode().put("description", capitalize(Windows.SHARE_EXPECTED) + ".");
        share.putArray("anyOf")
                .add(F.objectNode()
                        .put("type", "number")
                        .put("exclusiveMinimum", 0)
                        .put("exclusiveMaximum", 1))
                .add(F.objectNode().put("type", "string").put("pattern", SpecBinder.SHARE_PERCENT_REGEX));
        defs.set("window-share", share);
        defs.set(
                "confidence",
                F.objectNode()
                        .put("description", "A number between 0 and 1, exclusive, such as 0.95.")
                        .put("type", "number")
                        .put("exclusiveMinimum", 0)
                        .put("exclusiveMaximum", 1));
        defs.set("size", quantity(Dimension.DATA_SIZE, false));
        defs.set(
                "size-list",
                F.objectNode()
                        .put("description", capitalize(WorkloadKey.Type.SIZE_LIST.description()) + ".")
                        .put("type", "array")
                        .put("minItems", 1)
                        .set("items", ref("size")));
        defs.set("duration", quantity(Dimension.DURATION, false));
        defs.set("duration-or-zero", quantity(Dimension.DURATION, true));
        defs.set("op-rate", quantity(Dimension.OP_RATE, false));
        defs.set("count", wholeNumber(WorkloadKey.Type.COUNT.description(), 1, Long.MAX_VALUE));
        defs.set("percent", wholeNumber(WorkloadKey.Type.PERCENT.description(), 0, 100));
        ObjectNode threads =
                F.objectNode().put("description", capitalize(WorkloadKey.Type.THREADS.description()) + ".");
        threads.putArray("anyOf")
                .add(wholeNumber(null, 1, WorkloadKey.MAX_THREADS))
                .add(F.objectNode().put("const", "all"));
        defs.set("threads", threads);
        ObjectNode tristate =
                F.objectNode().put("description", capitalize(WorkloadKey.Type.TRISTATE.description()) + ".");
        tristate.putArray("enum").add(true).add(false).add("true").add("false").add("auto");
        defs.set("tristate", tristate);
        ObjectNode fsync =
                F.objectNode().put("description", capitalize(WorkloadKey.Type.FSYNC_POLICY.description()) + ".");
        fsync.putArray("anyOf")
                .add(F.objectNode().set("enum", strings("none", "end")))
                .add(wholeNumber(null, 1, Long.MAX_VALUE));
        defs.set("fsync-policy", fsync);
        return root;
    }

    private static ObjectNode requirement() {
        ObjectNode r = F.objectNode();
        r.put(
                "description",
                "A requirement: a mapping with id, probe and expect, and optionally workload, confidence, budget,"
                        + " sustained and coordinated.");
        r.put("type", "object");
        r.set("required", strings("id", "probe", "expect"));
        r.put("additionalProperties", false);
        ObjectNode props = r.putObject("properties");
        props.set(
                "id",
                F.objectNode()
                        .put(
                                "description",
                                "A unique id: letters, digits, '.', '_' and '-', starting with a letter or digit.")
                        .put("type", "string")
                        .put("pattern", "^" + FieldPath.ID_PATTERN.pattern() + "$"));
        ObjectNode probe = props.putObject("probe");
        ArrayNode ids = F.arrayNode();
        for (ProbeType p : ProbeType.values()) {
            ids.add(p.id());
        }
        probe.put("description", "The probe to run, one of " + ProbeType.ids() + ".");
        probe.set("enum", ids);
        props.set(
                "workload",
                F.objectNode()
                        .put(
                                "description",
                                "A mapping of the probe's workload parameters; absent ones take the probe's defaults.")
                        .put("type", "object"));
        props.set(
                "expect",
                F.objectNode()
                        .put(
                                "description",
                                "A mapping of metric to statistic thresholds, such as latency: {p99: \"<= 2 ms\"}.")
                        .put("type", "object")
                        .put("minProperties", 1));
        props.set(
                "confidence",
                described(
                        "The confidence of this requirement (default: the spec's): "
                                + "a number between 0 and 1, exclusive.",
                        ref("confidence")));
        props.set(
                "budget",
                described(
                        "The maximum probing time of this requirement (default: the spec's): "
                                + "a duration greater than zero.",
                        ref("duration")));
        props.set(
                "sustained",
                F.objectNode()
                        .put(
                                "description",
                                "Judge interval statistics (throughput, iops, ops) on the "
                                        + "run's final regime only, after any detected change of level such as a burst running out (default false).")
                        .put("type", "boolean"));
        ObjectNode coordinated = props.putObject("coordinated");
        coordinated.put(
                "description",
                "Run the requirement on many nodes at once ('iocert coordinate'; "
                        + String.join(
                                ", ",
                                Coordination.PROBES.stream().map(ProbeType::id).toList()) + "): nodes (how many),"
                        + " scope (aggregate: the nodes together; per-node: every node, the slowest decides; straggler: the slowest"
                        + " node's statistic over the median node's, a plain ratio) and layout (file-per-process: each node its own"
                        + " files, or for fs.metadata its own directory; shared-file: one file, each node its own region, fs.write"
                        + " and fs.read; shared-dir: one directory for every node's files, fs.metadata), pattern (net.pingpong and"
                        + " net.stream: who each node measures against, all pairs at once; ring: the next node, all-to-all: every"
                        + " other node) and concurrentWith (the id of another coordinated requirement started at the same instant).");
        coordinated.put("type", "object");
        coordinated.put("additionalProperties", false);
        ObjectNode cp = coordinated.putObject("properties");
        cp.set("nodes", wholeNumber(null, 1, 100_000));
        ArrayNode scopes = cp.putObject("scope").putArray("enum");
        for (Coordination.Scope sc : Coordination.Scope.values()) {
            scopes.add(sc.id());
        }
        ArrayNode layouts = cp.putObject("layout").putArray("enum");
        for (Coordination.Layout l : Coordination.Layout.values()) {
            layouts.add(l.id());
        }
        ArrayNode patterns = cp.putObject("pattern").putArray("enum");
        for (Coordination.Pattern pt : Coordination.Pattern.values()) {
            patterns.add(pt.id());
        }
        cp.set(
                "concurrentWith",
                F.objectNode().put("type", "string").put("pattern", "^" + FieldPath.ID_PATTERN.pattern() + "$"));
        ArrayNode allOf = r.putArray("allOf");
        {
            // A pattern (partners) applies to the interconnect probes only.
            ObjectNode rule = allOf.addObject();
            ObjectNode when = rule.putObject("if");
            when.set("required", strings("coordinated"));
            when.putObject("properties").putObject("coordinated").set("required", strings("pattern"));
            ArrayNode fits = rule.putObject("then")
                    .putObject("properties")
                    .putObject("probe")
                    .putArray("enum");
            Coordination.PAIRED.forEach(p -> fits.add(p.id()));
        }
        for (Coordination.Layout l : Coordination.Layout.values()) {
            // A layout names the probes it applies to.
            ObjectNode rule = allOf.addObject();
            ObjectNode when = rule.putObject("if");
            when.set("required", strings("coordinated"));
            ObjectNode c = when.putObject("properties").putObject("coordinated");
            c.set("required", strings("layout"));
            c.putObject("properties").set("layout", F.objectNode().put("const", l.id()));
            ArrayNode fits = rule.putObject("then")
                    .putObject("properties")
                    .putObject("probe")
                    .putArray("enum");
            l.probes().forEach(p -> fits.add(p.id()));
        }
        ObjectNode stragglerRule = allOf.addObject();
        stragglerRule.set("if", stragglerScope());
        stragglerRule.putObject("then").putObject("properties").set("expect", ref("expect-straggler"));
        for (ProbeType p : ProbeType.values()) {
            ObjectNode rule = allOf.addObject();
            ObjectNode when = rule.putObject("if");
            when.set("required", strings("probe"));
            when.putObject("properties").set("probe", F.objectNode().put("const", p.id()));
            when.set("not", stragglerScope());
            ObjectNode then = rule.putObject("then")
                    .put("description", p.id() + ": " + p.doc())
                    .putObject("properties");
            then.set("workload", ref("workload-" + p.id()));
            then.set("expect", ref("expect-" + p.id()));
        }
        return r;
    }

    private static ObjectNode workload(ProbeType p) {
        ObjectNode w = F.objectNode();
        w.put(
                "description",
                "A mapping of workload parameters of " + p.id() + ": " + String.join(", ", keyNames(p)) + ".");
        w.put("type", "object");
        w.put("additionalProperties", false);
        ObjectNode props = w.putObject("properties");
        for (WorkloadKey k : p.workloadKeys()) {
            String doc = capitalize(k.doc()) + ": " + k.expected() + ".";
            ObjectNode v = switch (k.type()) {
                case SIZE -> ref("size");
                case SIZE_LIST -> ref("size-list");
                case DURATION -> ref(SpecBinder.ZERO_ALLOWED.contains(k.name()) ? "duration-or-zero" : "duration");
                case OP_RATE -> ref("op-rate");
                case COUNT ->
                    k.limit().bounded() ? wholeNumber(null, 1, (long) k.limit().max()) : ref("count");
                case THREADS -> ref("threads");
                case PERCENT -> ref("percent");
                case TRISTATE -> ref("tristate");
                case FSYNC_POLICY -> ref("fsync-policy");
                case BOOLEAN -> F.objectNode().put("type", "boolean");
                case ENUM -> {
                    ObjectNode e = F.objectNode();
                    ArrayNode allowed = e.putArray("enum");
                    k.allowed().forEach(allowed::add);
                    yield e;
                }
            };
            props.set(k.name(), described(doc, v));
        }
        return w;
    }

    private static ObjectNode expect(ProbeType p) {
        ObjectNode e = F.objectNode();
        List<String> ids = new ArrayList<>();
        p.metrics().forEach(m -> ids.add(m.id()));
        e.put(
                "description",
                "A mapping of metric to statistic thresholds; the metrics of " + p.id() + ": " + String.join(", ", ids)
                        + ".");
        e.put("type", "object");
        e.put("minProperties", 1);
        e.put("additionalProperties", false);
        ObjectNode props = e.putObject("properties");
        for (Metric m : p.metrics()) {
            props.set(m.id(), ref("statistics-" + slug(m.dimension())));
        }
        return e;
    }

    /** A requirement whose coordinated scope is straggler: its thresholds are ratios. */
    private static ObjectNode stragglerScope() {
        ObjectNode when = F.objectNode();
        when.set("required", strings("coordinated"));
        ObjectNode c = when.putObject("properties").putObject("coordinated");
        c.set("required", strings("scope"));
        c.putObject("properties").set("scope", F.objectNode().put("const", Coordination.Scope.STRAGGLER.id()));
        return when;
    }

    private static ObjectNode straggler() {
        ObjectNode e = F.objectNode();
        e.put(
                "description",
                "A mapping of metric to statistics whose thresholds are ratios of the slowest node's statistic"
                        + " to the median node's, such as throughput: {p10: \">= 0.8\"}.");
        e.put("type", "object");
        e.put("minProperties", 1);
        ObjectNode stats = F.objectNode();
        stats.put("type", "object");
        stats.put("minProperties", 1);
        stats.putObject("additionalProperties").put("$ref", "#/$defs/threshold-ratio");
        e.set("additionalProperties", stats);
        return e;
    }

    private static ObjectNode statistics(Dimension d) {
        ObjectNode s = F.objectNode();
        boolean windowed = windowedDimensions().contains(d);
        s.put(
                "description",
                "A mapping of statistic (" + Statistic.EXPECTED + ") to threshold (a comparator and "
                        + d.description() + "; for cv a ratio)"
                        + (windowed
                                ? "; all but stddev and cv may instead be a "
                                        + "threshold per window of time, {threshold, window, windowShare}."
                                : "."));
        s.put("type", "object");
        s.put("minProperties", 1);
        ObjectNode props = s.putObject("properties");
        props.set("cv", ref("threshold-ratio"));
        if (windowed) {
            props.set("stddev", ref("threshold-" + slug(d)));
            ObjectNode either = F.objectNode();
            either.putArray("anyOf").add(ref("threshold-" + slug(d))).add(ref("windowed-" + slug(d)));
            s.putObject("patternProperties").set(STATISTIC_PER_WINDOW, either);
        } else {
            s.putObject("patternProperties").set(STATISTIC_EXCEPT_CV, ref("threshold-" + slug(d)));
        }
        s.put("additionalProperties", false);
        return s;
    }

    /**
     * The statistic per window of time: within each window (consecutive, of length {@code window})
     * the statistic of the window's intervals meets {@code threshold}, in at least
     * {@code windowShare} of the windows.
     */
    private static ObjectNode windowed(Dimension d) {
        ObjectNode w = F.objectNode();
        w.put(
                "description",
                "The statistic per window of time: within each window of length 'window' (consecutive "
                        + "windows) the statistic of its intervals meets 'threshold', in at least 'windowShare' of the windows; "
                        + "such as {threshold: \"" + SpecBinder.example(d, true)
                        + "\", window: 1min, windowShare: 99%}.");
        w.put("type", "object");
        w.set("required", strings("threshold", "window", "windowShare"));
        w.put("additionalProperties", false);
        ObjectNode props = w.putObject("properties");
        props.set("threshold", described("The threshold within each window.", ref("threshold-" + slug(d))));
        props.set("window", described("How long one window is.", ref("duration")));
        props.set(
                "windowShare",
                described("The least share of windows that must meet the threshold.", ref("window-share")));
        return w;
    }

    /** The dimensions of interval metrics: their statistics may be stated per window. */
    private static List<Dimension> windowedDimensions() {
        List<Dimension> dims = new ArrayList<>();
        for (Metric m : Metric.values()) {
            if (m.sampling() == Metric.Sampling.PER_INTERVAL && !dims.contains(m.dimension())) {
                dims.add(m.dimension());
            }
        }
        return dims;
    }

    static ObjectNode threshold(Dimension d) {
        String pattern = "^\\s*(?:<=|>=|<|>)\\s*\\+?" + NUMBER + "\\s*" + units(d) + "\\s*$";
        ObjectNode text = F.objectNode().put("type", "string").put("pattern", pattern);
        if (d != Dimension.RATIO) {
            return described(
                    "A comparator (<=, <, >=, >) and " + d.description() + ", such as \"" + SpecBinder.example(d, true)
                            + "\".",
                    text);
        }
        ObjectNode ratio = F.objectNode()
                .put(
                        "description",
                        "A comparator (<=, <, >=, >) and " + d.description()
                                + ", such as \"<= 0.05\", or a bare number of zero or more, an upper bound.");
        ratio.putArray("anyOf")
                .add(text)
                .add(F.objectNode().put("type", "number").put("minimum", 0));
        return ratio;
    }

    static ObjectNode quantity(Dimension d, boolean zeroAllowed) {
        String pattern = "^\\s*\\+?" + (zeroAllowed ? "" : NOT_ZERO) + NUMBER + "\\s*" + units(d) + "\\s*$";
        return F.objectNode()
                .put(
                        "description",
                        capitalize(d.description()) + (zeroAllowed ? ", zero or more" : ", greater than zero")
                                + ", such as \"" + SpecBinder.example(d, false) + "\"; a unit is required.")
                .put("type", "string")
                .put("pattern", pattern);
    }

    /** A regex alternation of the units of {@code d}, escaped for ECMA-262 and Java alike. */
    static String units(Dimension d) {
        List<String> alternatives = new ArrayList<>();
        boolean optional = false;
        for (String u : d.units()) {
            if (u.isEmpty()) {
                optional = true;
            } else {
                alternatives.add(u.replaceAll("([\\\\^$.|?*+()\\[\\]{}])", "\\\\$1"));
            }
        }
        return "(?:" + String.join("|", alternatives) + ")" + (optional ? "?" : "");
    }

    private static ObjectNode wholeNumber(String description, long min, long max) {
        ObjectNode n = F.objectNode();
        if (description != null) {
            n.put("description", capitalize(description) + ".");
        }
        return n.put("type", "integer").put("minimum", min).put("maximum", max);
    }

    private static List<Dimension> thresholdDimensions() {
        List<Dimension> dims = new ArrayList<>();
        for (Metric m : Metric.values()) {
            if (!dims.contains(m.dimension())) {
                dims.add(m.dimension());
            }
        }
        dims.add(Dimension.RATIO);
        return dims;
    }

    static String slug(Dimension d) {
        return d.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** {@code schema} with {@code description} as its first member, as editors show it. */
    private static ObjectNode described(String description, ObjectNode schema) {
        ObjectNode n = F.objectNode().put("description", description);
        n.setAll(schema);
        return n;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    private static List<String> keyNames(ProbeType p) {
        List<String> names = new ArrayList<>();
        p.workloadKeys().forEach(k -> names.add(k.name()));
        return names;
    }

    private static ObjectNode ref(String def) {
        return F.objectNode().put("$ref", "#/$defs/" + def);
    }

    private static ArrayNode strings(String... values) {
        ArrayNode a = F.arrayNode();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }
}
