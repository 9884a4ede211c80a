package io.iocert.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hand-written checks of spec v1: walks a {@link SpecTree}, stops at the first problem with a
 * message that names the rule and what was expected, and otherwise builds the {@link Spec}.
 * Everything the probe table ({@link ProbeType}) allows is accepted, nothing else.
 *
 * <p>Order of checks in a mapping: unknown keys first (a misspelt key is the likely cause of
 * what follows), then the format version at the top level and {@code id} and {@code probe} in
 * a requirement (what follows depends on them), then the present keys in document order, then
 * missing keys, reported at the enclosing mapping.
 */
final class SpecBinder {
    static final List<String> TOP_KEYS =
            List.of("iocert", "name", "description", "confidence", "budget", "filesystem", "requirements");
    static final List<String> REQUIREMENT_KEYS =
            List.of("id", "probe", "workload", "expect", "confidence", "budget", "sustained", "coordinated");

    /** Workload keys whose duration may be zero ("no warm-up"); every other quantity must be positive. */
    static final Set<String> ZERO_ALLOWED = Set.of("warmup");

    static final List<String> WINDOW_KEYS = List.of("threshold", "window", "windowShare");
    /** Statistics a window can be judged on: they are computed exactly from the window's intervals. */
    static final Set<Statistic.Kind> WINDOWED_KINDS = Set.of(
            Statistic.Kind.MIN,
            Statistic.Kind.MAX,
            Statistic.Kind.MEAN,
            Statistic.Kind.MEDIAN,
            Statistic.Kind.PERCENTILE);

    static final String WINDOWED_EXPECTED = "min, max, mean, median or a percentile";
    /** A percentage above 0% and below 100%, as the JSON Schema also states it. */
    static final String SHARE_PERCENT_REGEX = "^\\s*(?:[1-9][0-9]?(?:\\.[0-9]+)?|0\\.(?=[0-9]*[1-9])[0-9]+)\\s*%\\s*$";

    private static final Pattern SHARE_PERCENT = Pattern.compile(SHARE_PERCENT_REGEX);
    private static final Pattern COMPARATOR = Pattern.compile("\\s*(<=|>=|<|>)\\s*(.*)", Pattern.DOTALL);
    private static final String CONFIDENCE_EXPECTED = "a number between 0 and 1, exclusive, such as 0.95";
    private static final String ID_EXPECTED = "letters, digits, '.', '_' and '-', starting with a letter or digit";

    private final SpecTree tree;

    private SpecBinder(SpecTree tree) {
        this.tree = tree;
    }

    /** Checks the tree and builds the spec; {@code sha256} is the caller's hash of the tree. */
    static Spec bind(SpecTree tree, String sha256) throws SpecException {
        return new SpecBinder(tree).spec(sha256);
    }

    private Spec spec(String sha256) throws SpecException {
        JsonNode root = tree.root();
        FieldPath top = FieldPath.ROOT;
        if (!root.isObject()) {
            throw tree.error(
                    top, false, "the top level is " + describe(root), "a mapping with iocert, name and requirements");
        }
        checkKeys(root, top, "", TOP_KEYS);
        JsonNode version = root.get("iocert");
        if (version == null) {
            throw tree.error(
                    top.key("iocert"), false, "missing", "iocert: " + Spec.VERSION + " (the spec format version)");
        }
        if (!version.isTextual() || !version.textValue().equals(Spec.VERSION)) {
            throw tree.error(top.key("iocert"), false, "unsupported spec format " + shortText(version), Spec.VERSION);
        }
        String name = null;
        String description = "";
        double confidence = Spec.DEFAULT_CONFIDENCE;
        Duration budget = Spec.DEFAULT_BUDGET;
        Optional<Path> filesystem = Optional.empty();
        JsonNode requirementsNode = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldPath path = top.key(e.getKey());
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "iocert" -> {}
                case "name" -> name = nonEmptyText(v, path, "a non-empty name for the spec");
                case "description" -> description = text(v, path, "text describing the job");
                case "confidence" -> confidence = confidence(v, path);
                case "budget" -> budget = duration(v, path);
                case "filesystem" -> filesystem = Optional.of(filesystem(v, path));
                default -> requirementsNode = v;
            }
        }
        if (name == null) {
            throw tree.error(top.key("name"), false, "missing", "a non-empty name for the spec");
        }
        if (requirementsNode == null) {
            throw tree.error(
                    top.key("requirements"),
                    false,
                    "missing",
                    "a list of requirements, each with id, probe and expect");
        }
        List<Requirement> requirements = requirements(requirementsNode, top.key("requirements"), confidence, budget);
        return new Spec(Spec.VERSION, name, description, confidence, budget, filesystem, requirements, sha256);
    }

    private Path filesystem(JsonNode v, FieldPath path) throws SpecException {
        String expected = "a mapping {path: DIR} naming the directory the job writes to";
        if (!v.isObject()) {
            throw tree.error(path, false, "is " + describe(v), expected);
        }
        checkKeys(v, path, "", List.of("path"));
        FieldPath p = path.key("path");
        JsonNode dirNode = v.get("path");
        if (dirNode == null) {
            throw tree.error(p, false, "missing", "the directory the job writes to");
        }
        String dir = nonEmptyText(dirNode, p, "the directory the job writes to");
        try {
            return Path.of(dir);
        } catch (InvalidPathException ex) {
            throw tree.error(p, false, "'" + shorten(dir) + "' is not a valid path", "the directory the job writes to");
        }
    }

    private List<Requirement> requirements(JsonNode v, FieldPath path, double confidence, Duration budget)
            throws SpecException {
        String expected = "a list of requirements, each with id, probe and expect";
        if (!v.isArray()) {
            throw tree.error(path, false, "is " + describe(v), expected);
        }
        if (v.isEmpty()) {
            throw tree.error(path, false, "is an empty list", "at least one requirement with id, probe and expect");
        }
        List<Requirement> result = new ArrayList<>();
        Map<String, FieldPath> ids = new HashMap<>();
        for (int i = 0; i < v.size(); i++) {
            Requirement r = requirement(v.get(i), path.index(i), confidence, budget);
            FieldPath first = ids.putIfAbsent(r.id(), path.index(i));
            if (first != null) {
                Mark m = tree.valueMark(first.key("id"));
                throw tree.error(
                        path.index(i).key("id"),
                        false,
                        "duplicate id '" + r.id() + "' (also used by " + first.display(tree.root()) + " at line "
                                + m.line() + ")",
                        "a unique id for each requirement");
            }
            result.add(r);
        }
        for (int i = 0; i < result.size(); i++) {
            concurrentFits(
                    result.get(i), result, path.index(i).key("coordinated").key("concurrentWith"));
        }
        return result;
    }

    /**
     * A requirement run at the instant of another ({@code concurrentWith}) names a coordinated
     * requirement of the same spec, not itself, for as many nodes.
     */
    private void concurrentFits(Requirement r, List<Requirement> all, FieldPath path) throws SpecException {
        Optional<String> with = r.coordinated().flatMap(Coordination::concurrentWith);
        if (with.isEmpty()) {
            return;
        }
        String ids = String.join(
                ", ",
                all.stream()
                        .filter(x -> x.coordinated().isPresent() && x != r)
                        .map(Requirement::id)
                        .toList());
        String expected = ids.isEmpty()
                ? "the id of another coordinated requirement (this spec has none)"
                : "the id of another coordinated requirement: " + ids;
        if (with.get().equals(r.id())) {
            throw tree.error(path, false, "names the requirement itself", expected);
        }
        Optional<Requirement> other =
                all.stream().filter(x -> x.id().equals(with.get())).findFirst();
        if (other.isEmpty()) {
            throw tree.error(
                    path, false, "names '" + shorten(with.get()) + "', which is no requirement of this spec", expected);
        }
        if (other.get().coordinated().isEmpty()) {
            throw tree.error(path, false, "names '" + with.get() + "', which is not coordinated", expected);
        }
        int mine = r.coordinated().get().nodes();
        int theirs = other.get().coordinated().get().nodes();
        if (mine != theirs) {
            throw tree.error(
                    path,
                    false,
                    "names '" + with.get() + "', which is for " + (theirs == 0 ? "any number of" : theirs)
                            + " nodes, this requirement for " + (mine == 0 ? "any number" : mine),
                    "requirements run together on the" + " same nodes: the same coordinated.nodes");
        }
    }

    private Requirement requirement(JsonNode v, FieldPath path, double specConfidence, Duration specBudget)
            throws SpecException {
        if (!v.isObject()) {
            throw tree.error(path, false, "is " + describe(v), "a mapping with id, probe and expect");
        }
        checkKeys(v, path, "", REQUIREMENT_KEYS);
        JsonNode idNode = v.get("id");
        if (idNode == null) {
            throw tree.error(path.key("id"), false, "missing", "an id for the requirement (" + ID_EXPECTED + ")");
        }
        String id = text(idNode, path.key("id"), ID_EXPECTED);
        if (!FieldPath.ID_PATTERN.matcher(id).matches()) {
            throw tree.error(path.key("id"), false, "'" + shorten(id) + "' is not a valid id", ID_EXPECTED);
        }
        JsonNode probeNode = v.get("probe");
        if (probeNode == null) {
            throw tree.error(path.key("probe"), false, "missing", "one of " + ProbeType.ids());
        }
        ProbeType probe = probe(probeNode, path.key("probe"));
        Workload workload = Workload.EMPTY;
        List<Expectation> expectations = null;
        double confidence = specConfidence;
        Duration budget = specBudget;
        boolean sustained = false;
        Coordination coordination =
                v.has("coordinated") ? coordination(v.get("coordinated"), path.key("coordinated"), probe) : null;
        boolean ratios = coordination != null && coordination.scope() == Coordination.Scope.STRAGGLER;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldPath p = path.key(e.getKey());
            switch (e.getKey()) {
                case "id", "probe" -> {}
                case "workload" -> workload = workload(e.getValue(), p, probe);
                case "expect" -> expectations = expectations(e.getValue(), p, probe, ratios);
                case "coordinated" -> {}
                case "confidence" -> confidence = confidence(e.getValue(), p);
                case "sustained" -> {
                    if (!e.getValue().isBoolean()) {
                        throw tree.error(
                                p,
                                false,
                                "is " + describe(e.getValue()),
                                "true (judge interval statistics on the run's final regime only) or false");
                    }
                    sustained = e.getValue().booleanValue();
                }
                default -> budget = duration(e.getValue(), p);
            }
        }
        if (expectations == null) {
            throw tree.error(path.key("expect"), false, "missing", expectExample(probe));
        }
        if (coordination != null) {
            sharedLayoutFits(coordination.layout(), workload, path.key("workload"));
            if (probe == ProbeType.NET_PINGPONG && workload.has("sizes")) {
                // Every node must run the same message at the same time; a sweep drifts apart after its first size.
                throw tree.error(
                        path.key("workload").key("sizes"),
                        false,
                        "a sweep of sizes on a coordinated net.pingpong"
                                + " (all pairs run one message size from one start)",
                        "messageSize, one requirement per size");
            }
        }
        return new Requirement(id, probe, workload, expectations, confidence, budget, sustained, coordination);
    }

    static final String COORDINATED_EXPECTED = "a mapping {nodes: N, scope: aggregate|per-node|straggler,"
            + " layout: file-per-process|shared-file|shared-dir (fs probes), pattern: ring|all-to-all (net probes),"
            + " concurrentWith: ID}";

    private Coordination coordination(JsonNode v, FieldPath path, ProbeType probe) throws SpecException {
        if (!v.isObject()) {
            throw tree.error(path, false, "is " + describe(v), COORDINATED_EXPECTED);
        }
        if (!Coordination.PROBES.contains(probe)) {
            throw tree.error(
                    path,
                    false,
                    "probe " + probe.id() + " cannot run coordinated in this build",
                    "coordinated only on "
                            + String.join(
                                    ", ",
                                    Coordination.PROBES.stream()
                                            .map(ProbeType::id)
                                            .toList()));
        }
        boolean paired = Coordination.PAIRED.contains(probe);
        checkKeys(
                v,
                path,
                " in coordinated of " + probe.id(),
                List.of("nodes", "scope", paired ? "pattern" : "layout", "concurrentWith"));
        int nodes = 0;
        Coordination.Scope scope = Coordination.Scope.PER_NODE;
        Coordination.Layout layout = Coordination.Layout.FILE_PER_PROCESS;
        Coordination.Pattern pattern = Coordination.Pattern.RING;
        Optional<String> concurrentWith = Optional.empty();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldPath p = path.key(e.getKey());
            switch (e.getKey()) {
                case "nodes" ->
                    nodes = (int) wholeNumber(
                            e.getValue(),
                            p,
                            1,
                            100_000,
                            "how many nodes run the requirement together, a whole number from 1 to 100000");
                case "scope" -> {
                    String id = text(e.getValue(), p, Coordination.Scope.ids());
                    scope = Coordination.Scope.ofId(id)
                            .orElseThrow(() -> tree.error(
                                    p,
                                    false,
                                    "unknown scope '" + shorten(id) + "'",
                                    "one of " + Coordination.Scope.ids()));
                }
                case "pattern" -> {
                    String expected = "one of " + Coordination.Pattern.ids() + " (who each node measures against)";
                    String id = text(e.getValue(), p, expected);
                    pattern = Coordination.Pattern.ofId(id)
                            .orElseThrow(() -> tree.error(p, false, "unknown pattern '" + shorten(id) + "'", expected));
                }
                case "concurrentWith" -> {
                    String expected = "the id of another coordinated requirement, started at the same instant";
                    String id = text(e.getValue(), p, expected);
                    if (!FieldPath.ID_PATTERN.matcher(id).matches()) {
                        throw tree.error(p, false, "'" + shorten(id) + "' is not a requirement id", expected);
                    }
                    concurrentWith = Optional.of(id);
                }
                default -> {
                    String expected = Coordination.Layout.idsFor(probe) + " for " + probe.id();
                    String id = text(e.getValue(), p, expected);
                    layout = Coordination.Layout.ofId(id)
                            .orElseThrow(() ->
                                    tree.error(p, false, "unknown layout '" + shorten(id) + "'", "one of " + expected));
                    if (!layout.probes().contains(probe)) {
                        throw tree.error(
                                p,
                                false,
                                "layout " + id + " does not apply to " + probe.id() + " (it is for "
                                        + String.join(
                                                ", ",
                                                layout.probes().stream()
                                                        .map(ProbeType::id)
                                                        .toList()) + ")",
                                "one of " + expected);
                    }
                }
            }
        }
        return new Coordination(nodes, layout, scope, pattern, concurrentWith);
    }

    /**
     * What a shared layout cannot take: {@code threads: all} in one shared file (every node must
     * run the same number of threads, or their regions would overlap), a tree of directories in
     * one shared directory (all nodes' files go into the one directory, as mdtest's shared case).
     */
    private void sharedLayoutFits(Coordination.Layout layout, Workload workload, FieldPath path) throws SpecException {
        if (layout == Coordination.Layout.SHARED_FILE
                && "all".equals(workload.values().get("threads"))) {
            throw tree.error(
                    path.key("threads"),
                    false,
                    "threads: all with coordinated layout shared-file (the nodes'"
                            + " regions of the one file are placed by a thread count that must be the same on every node)",
                    "a whole number of threads");
        }
        if (layout == Coordination.Layout.SHARED_DIR
                && "tree".equals(workload.values().get("layout"))) {
            throw tree.error(
                    path.key("layout"),
                    false,
                    "layout: tree with coordinated layout shared-dir (every node"
                            + " creates its files in the one shared directory)",
                    "flat, or coordinated layout file-per-process");
        }
    }

    private ProbeType probe(JsonNode v, FieldPath path) throws SpecException {
        String expected = "one of " + ProbeType.ids();
        String id = text(v, path, expected);
        Optional<ProbeType> probe = ProbeType.ofId(id);
        if (probe.isEmpty()) {
            List<String> ids = new ArrayList<>();
            for (ProbeType p : ProbeType.values()) {
                ids.add(p.id());
            }
            throw tree.error(path, false, "unknown probe '" + shorten(id) + "'" + didYouMean(id, ids), expected);
        }
        return probe.get();
    }

    // ---- workload ----

    private Workload workload(JsonNode v, FieldPath path, ProbeType probe) throws SpecException {
        List<String> names = keyNames(probe);
        String expected = names.isEmpty()
                ? "no workload: probe " + probe.id() + " takes no parameters"
                : "a mapping of workload parameters of " + probe.id() + ": " + String.join(", ", names);
        if (!v.isObject()) {
            throw tree.error(path, false, "is " + describe(v), expected);
        }
        checkKeys(v, path, " for probe " + probe.id(), names);
        Map<String, Object> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            WorkloadKey key = probe.workloadKey(e.getKey()).orElseThrow();
            values.put(key.name(), workloadValue(e.getValue(), path.key(e.getKey()), key));
        }
        return new Workload(values);
    }

    private static List<String> keyNames(ProbeType probe) {
        List<String> names = new ArrayList<>();
        for (WorkloadKey k : probe.workloadKeys()) {
            names.add(k.name());
        }
        return names;
    }

    private Object workloadValue(JsonNode v, FieldPath path, WorkloadKey key) throws SpecException {
        String expected = key.expected();
        boolean zero = ZERO_ALLOWED.contains(key.name());
        switch (key.type()) {
            case SIZE:
                return within(quantity(v, path, Dimension.DATA_SIZE, zero), v, path, key);
            case DURATION:
                return within(quantity(v, path, Dimension.DURATION, zero), v, path, key);
            case OP_RATE:
                return quantity(v, path, Dimension.OP_RATE, zero);
            case SIZE_LIST: {
                if (!v.isArray()) {
                    throw tree.error(path, false, "is " + describe(v), expected);
                }
                if (v.isEmpty()) {
                    throw tree.error(path, false, "is an empty list", expected);
                }
                List<Quantity> sizes = new ArrayList<>();
                for (int i = 0; i < v.size(); i++) {
                    sizes.add(within(
                            quantity(v.get(i), path.index(i), Dimension.DATA_SIZE, false),
                            v.get(i),
                            path.index(i),
                            key));
                }
                return List.copyOf(sizes);
            }
            case COUNT:
                return wholeNumber(v, path, 1, maxCount(key), expected);
            case PERCENT:
                return wholeNumber(v, path, 0, 100, expected);
            case THREADS:
                if (v.isTextual() && v.textValue().equals("all")) {
                    return "all";
                }
                return wholeNumber(v, path, 1, maxCount(key), expected);
            case FSYNC_POLICY:
                if (v.isTextual()
                        && (v.textValue().equals("none") || v.textValue().equals("end"))) {
                    return v.textValue();
                }
                return wholeNumber(v, path, 1, Long.MAX_VALUE, expected);
            case TRISTATE:
                if (v.isBoolean()) {
                    return v.asText();
                }
                if (v.isTextual() && List.of("true", "false", "auto").contains(v.textValue())) {
                    return v.textValue();
                }
                throw tree.error(
                        path,
                        false,
                        v.isTextual() ? "unknown value '" + shorten(v.textValue()) + "'" : "is " + describe(v),
                        expected);
            case ENUM:
                if (v.isTextual() && key.allowed().contains(v.textValue())) {
                    return v.textValue();
                }
                throw tree.error(
                        path,
                        false,
                        v.isTextual()
                                ? "unknown value '" + shorten(v.textValue()) + "'"
                                        + didYouMean(v.textValue(), key.allowed())
                                : "is " + describe(v),
                        expected);
            case BOOLEAN:
                if (v.isBoolean()) {
                    return v.booleanValue();
                }
                throw tree.error(
                        path,
                        false,
                        v.isTextual() ? "unknown value '" + shorten(v.textValue()) + "'" : "is " + describe(v),
                        expected);
            default:
                throw new IllegalStateException("workload type without a check: " + key.type());
        }
    }

    private static long maxCount(WorkloadKey key) {
        double max = key.limit().max();
        return max >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) max;
    }

    /** {@code q}, if it keeps to the key's limit; else an error naming the limit. */
    private Quantity within(Quantity q, JsonNode v, FieldPath path, WorkloadKey key) throws SpecException {
        WorkloadKey.Limit limit = key.limit();
        if (q.value() == 0 || q.value() >= limit.min() && q.value() <= limit.max()) {
            return q;
        }
        boolean low = q.value() < limit.min();
        throw tree.error(
                path,
                false,
                "'" + shorten(v.asText()) + "' is "
                        + (low
                                ? "below the minimum of " + key.shown(limit.min())
                                : "above the maximum of " + key.shown(limit.max()))
                        + " for " + key.name(),
                key.expected());
    }

    private long wholeNumber(JsonNode v, FieldPath path, long min, long max, String expected) throws SpecException {
        if (!v.isNumber()) {
            throw tree.error(
                    path,
                    false,
                    v.isTextual() ? "unknown value '" + shorten(v.textValue()) + "'" : "is " + describe(v),
                    expected);
        }
        if (!v.isIntegralNumber() && !v.canConvertToExactIntegral()) {
            throw tree.error(path, false, v.asText() + " is not a whole number", expected);
        }
        if (!v.canConvertToLong() || v.asLong() < min) {
            throw tree.error(path, false, v.asText() + " is out of range", expected);
        }
        if (v.asLong() > max) {
            throw tree.error(path, false, v.asText() + " is above the maximum of " + max, expected);
        }
        return v.asLong();
    }

    // ---- expectations ----

    /** @param ratios the thresholds are plain ratios (a straggler scope), whatever the metric's unit */
    private List<Expectation> expectations(JsonNode v, FieldPath path, ProbeType probe, boolean ratios)
            throws SpecException {
        String expected = expectExample(probe);
        if (!v.isObject()) {
            throw tree.error(path, false, "is " + describe(v), expected);
        }
        if (v.isEmpty()) {
            throw tree.error(path, false, "is an empty mapping", expected);
        }
        List<String> metricIds = new ArrayList<>();
        for (Metric m : probe.metrics()) {
            metricIds.add(m.id());
        }
        List<Expectation> result = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldPath p = path.key(e.getKey());
            Optional<Metric> metric = Metric.ofId(e.getKey());
            if (metric.isEmpty()) {
                throw tree.error(
                        p,
                        true,
                        "unknown metric '" + shorten(e.getKey()) + "'" + didYouMean(e.getKey(), metricIds),
                        "a metric of " + probe.id() + ": " + String.join(", ", metricIds));
            }
            if (!probe.metrics().contains(metric.get())) {
                throw tree.error(
                        p,
                        true,
                        "probe " + probe.id() + " does not measure " + e.getKey(),
                        "a metric of " + probe.id() + ": " + String.join(", ", metricIds));
            }
            statistics(e.getValue(), p, metric.get(), result, ratios);
        }
        return result;
    }

    private void statistics(JsonNode v, FieldPath path, Metric metric, List<Expectation> out, boolean ratios)
            throws SpecException {
        String expected =
                "a mapping of statistic to threshold, such as {p99: \"" + example(metric.dimension(), true) + "\"}";
        if (!v.isObject()) {
            throw tree.error(path, false, "is " + describe(v), expected);
        }
        if (v.isEmpty()) {
            throw tree.error(path, false, "is an empty mapping", expected);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldPath p = path.key(e.getKey());
            Statistic statistic = Statistic.parse(e.getKey()).orElse(null);
            if (statistic == null) {
                throw tree.error(p, true, "unknown statistic '" + shorten(e.getKey()) + "'", Statistic.EXPECTED);
            }
            if (e.getValue().isObject()) {
                if (ratios) {
                    throw tree.error(
                            p,
                            false,
                            "is a mapping, but a straggler ratio has no windows",
                            "a plain ratio such as \"<= 1.5\" (slowest node over the median)");
                }
                out.add(windowed(e.getValue(), p, metric, statistic));
            } else {
                out.add(new Expectation(
                        metric,
                        statistic,
                        threshold(e.getValue(), p, ratios ? Dimension.RATIO : statistic.dimensionFor(metric))));
            }
        }
    }

    /** {threshold, window, windowShare}: the statistic per window of time, in a share of the windows. */
    private Expectation windowed(JsonNode v, FieldPath path, Metric metric, Statistic statistic) throws SpecException {
        if (metric.sampling() != Metric.Sampling.PER_INTERVAL) {
            throw tree.error(
                    path,
                    false,
                    "is a mapping, but " + metric.id() + " is a per-operation metric without windows",
                    "a threshold such as \"" + example(metric.dimension(), true)
                            + "\" (windows apply to throughput, iops, " + "ops and flops)");
        }
        if (!WINDOWED_KINDS.contains(statistic.kind())) {
            throw tree.error(
                    path,
                    false,
                    statistic.name() + " is not judged per window",
                    "a threshold such as \"" + example(statistic.dimensionFor(metric), true) + "\" (per window: "
                            + WINDOWED_EXPECTED + ")");
        }
        checkKeys(v, path, " of a windowed threshold", WINDOW_KEYS);
        Threshold threshold = null;
        Long lengthNs = null;
        Double share = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            FieldPath p = path.key(e.getKey());
            switch (e.getKey()) {
                case "threshold" -> threshold = threshold(e.getValue(), p, metric.dimension());
                case "window" -> lengthNs = duration(e.getValue(), p).toNanos();
                default -> share = windowShare(e.getValue(), p);
            }
        }
        if (threshold == null) {
            throw tree.error(
                    path.key("threshold"),
                    false,
                    "missing",
                    "the threshold within each window, such as \"" + example(metric.dimension(), true) + "\"");
        }
        if (lengthNs == null) {
            throw tree.error(path.key("window"), false, "missing", "how long one window is, such as 1min");
        }
        if (share == null) {
            throw tree.error(path.key("windowShare"), false, "missing", Windows.SHARE_EXPECTED);
        }
        return new Expectation(metric, statistic, threshold, Optional.of(new Windows(lengthNs, share)));
    }

    private double windowShare(JsonNode v, FieldPath path) throws SpecException {
        if (v.isNumber()) {
            double share = v.asDouble();
            if (!(share > 0 && share < 1)) {
                throw tree.error(
                        path,
                        false,
                        v.asText() + " is out of range (no finite run shows 100% of windows)",
                        Windows.SHARE_EXPECTED);
            }
            return share;
        }
        if (!v.isTextual()) {
            throw tree.error(path, false, "is " + describe(v), Windows.SHARE_EXPECTED);
        }
        String text = v.textValue();
        if (!SHARE_PERCENT.matcher(text).matches()) {
            throw tree.error(
                    path,
                    false,
                    "'" + shorten(text) + "' is not a percentage above 0% and below 100%",
                    Windows.SHARE_EXPECTED);
        }
        return Double.parseDouble(text.strip().replace("%", "").strip()) / 100;
    }

    private Threshold threshold(JsonNode v, FieldPath path, Dimension dimension) throws SpecException {
        String expected = "a comparator (<=, <, >=, >) and " + dimension.description() + ", such as \""
                + example(dimension, true) + "\"";
        if (v.isNumber() && dimension == Dimension.RATIO) {
            double value = v.asDouble();
            if (!Double.isFinite(value) || value < 0) {
                throw tree.error(path, false, v.asText() + " is out of range", "a ratio of zero or more, such as 0.05");
            }
            // A bare ratio is an upper bound: "cv: 0.05" reads "cv <= 0.05".
            return new Threshold(Comparator.LE, new Quantity(value, Dimension.RATIO));
        }
        if (v.isNumber()) {
            throw tree.error(path, false, v.asText() + " has no comparator and no unit (a unit is required)", expected);
        }
        if (!v.isTextual()) {
            throw tree.error(path, false, "is " + describe(v), expected);
        }
        String text = v.textValue();
        Matcher m = COMPARATOR.matcher(text);
        if (!m.matches()) {
            throw tree.error(path, false, "'" + shorten(text) + "' has no comparator", expected);
        }
        Quantity q = parseQuantity(m.group(2), path, dimension);
        if (q.value() < 0) {
            throw tree.error(
                    path, false, "'" + shorten(text) + "' is negative", dimension.description() + ", zero or more");
        }
        return new Threshold(Comparator.ofSymbol(m.group(1)).orElseThrow(), q);
    }

    // ---- scalars ----

    private Quantity quantity(JsonNode v, FieldPath path, Dimension dimension, boolean zeroAllowed)
            throws SpecException {
        if (v.isNumber()) {
            throw tree.error(
                    path,
                    false,
                    v.asText() + " has no unit (a unit is required)",
                    dimension.description() + ", such as " + example(dimension, false));
        }
        if (!v.isTextual()) {
            throw tree.error(path, false, "is " + describe(v), dimension.description());
        }
        Quantity q = parseQuantity(v.textValue(), path, dimension);
        if (q.value() < 0 || (q.value() == 0 && !zeroAllowed)) {
            throw tree.error(
                    path,
                    false,
                    "'" + shorten(v.textValue()) + "' is " + (q.value() < 0 ? "negative" : "zero"),
                    dimension.description() + (zeroAllowed ? ", zero or more" : ", greater than zero"));
        }
        return q;
    }

    private Quantity parseQuantity(String text, FieldPath path, Dimension dimension) throws SpecException {
        try {
            return Quantity.parse(text, dimension);
        } catch (Quantity.UnitException e) {
            throw tree.error(path, false, e.problem(), e.expected().description());
        } catch (IllegalArgumentException e) {
            throw tree.error(path, false, "'" + shorten(text) + "' is out of range", dimension.description());
        }
    }

    private Duration duration(JsonNode v, FieldPath path) throws SpecException {
        long ns = quantity(v, path, Dimension.DURATION, false).longValue();
        if (ns < 1) {
            throw tree.error(
                    path,
                    false,
                    "'" + shorten(v.asText()) + "' rounds to 0 ns",
                    Dimension.DURATION.description() + ", at least 1 ns");
        }
        return Duration.ofNanos(ns);
    }

    private double confidence(JsonNode v, FieldPath path) throws SpecException {
        if (!v.isNumber()) {
            throw tree.error(path, false, "is " + describe(v), CONFIDENCE_EXPECTED);
        }
        double c = v.asDouble();
        if (!(c > 0 && c < 1)) {
            throw tree.error(path, false, v.asText() + " is out of range", CONFIDENCE_EXPECTED);
        }
        return c;
    }

    private String text(JsonNode v, FieldPath path, String expected) throws SpecException {
        if (!v.isTextual()) {
            throw tree.error(path, false, "is " + describe(v), expected);
        }
        return v.textValue();
    }

    private String nonEmptyText(JsonNode v, FieldPath path, String expected) throws SpecException {
        String s = text(v, path, expected);
        if (s.isBlank()) {
            throw tree.error(path, false, "is blank", expected);
        }
        return s;
    }

    /** Rejects the first key of {@code mapping} (in document order) that is not in {@code allowed}. */
    private void checkKeys(JsonNode mapping, FieldPath path, String where, List<String> allowed) throws SpecException {
        for (Iterator<String> it = mapping.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw unknownKey(path.key(key), where, allowed);
            }
        }
    }

    private SpecException unknownKey(FieldPath path, String where, List<String> allowed) {
        String name = path.lastKey();
        String expected = allowed.isEmpty()
                ? "no keys here"
                : allowed.size() == 1 ? allowed.get(0) : "one of " + String.join(", ", allowed);
        return tree.error(
                path, true, "unknown key '" + shorten(name) + "'" + where + didYouMean(name, allowed), expected);
    }

    // ---- wording helpers ----

    private static String expectExample(ProbeType probe) {
        Metric m = probe.metrics().get(0);
        return "a mapping of metric to statistic thresholds, such as " + m.id() + ": {p99: \""
                + example(m.dimension(), true) + "\"}";
    }

    /** A value of the dimension, as a threshold or as a workload quantity. */
    static String example(Dimension d, boolean threshold) {
        return switch (d) {
            case DURATION -> threshold ? "<= 2 ms" : "10s";
            case DATA_SIZE -> threshold ? ">= 4 KiB" : "4KiB";
            case DATA_RATE -> threshold ? ">= 400 MB/s" : "400 MB/s";
            case OP_RATE -> threshold ? ">= 5000 IOPS" : "1000 ops/s";
            case FLOP_RATE -> threshold ? ">= 10 GFLOP/s" : "10 GFLOP/s";
            case RATIO -> threshold ? "<= 0.05" : "0.05";
        };
    }

    /** How a value reads in a message: "a list", "a number (5)", "text 'abc'", "empty". */
    static String describe(JsonNode v) {
        if (v == null || v.isNull() || (v.isTextual() && v.textValue().isEmpty())) {
            return "empty";
        }
        if (v.isObject()) {
            return v.isEmpty() ? "an empty mapping" : "a mapping";
        }
        if (v.isArray()) {
            return v.isEmpty() ? "an empty list" : "a list";
        }
        if (v.isBoolean()) {
            return "a boolean (" + v.asText() + ")";
        }
        if (v.isNumber()) {
            return "a number (" + v.asText() + ")";
        }
        if (v.isTextual()) {
            return "text '" + shorten(v.textValue()) + "'";
        }
        return "an unsupported value";
    }

    private static String shortText(JsonNode v) {
        return v.isTextual() ? "'" + shorten(v.textValue()) + "'" : describe(v);
    }

    /** Text for a message: control characters escaped, at most 60 characters. */
    static String shorten(String s) {
        String t = s.replace("\\", "\\\\")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
                .replace("\t", "\\t");
        return t.length() <= 60 ? t : t.substring(0, 57) + "...";
    }

    /** " (did you mean 'x'?)" when one allowed word is within two edits, else "". */
    static String didYouMean(String word, List<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String a : allowed) {
            int d = distance(word.toLowerCase(Locale.ROOT), a.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = a;
                bestDistance = d;
            }
        }
        return best == null || best.equals(word) ? "" : " (did you mean '" + best + "'?)";
    }

    private static int distance(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 2 || a.length() > 64 || b.length() > 64) {
            return Integer.MAX_VALUE;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
