package io.iocert.results.imports;

import io.iocert.results.Measurement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Gives each measurement set its requirement id. The certifier matches a measurement to a
 * requirement by id and metric and then checks the probe, so two sets under one id would be
 * judged against the same requirement, one of them with the wrong probe: ids must be unique
 * per set.
 *
 * <ul>
 *   <li>Without options every set keeps its default id (fio: the job name when the job yields
 *   one section, else {@code JOB.SECTION}; iperf3: {@code iperf3}; OSU: the benchmark name).</li>
 *   <li>{@code --id REQ} names the only set; refused when there are several.</li>
 *   <li>{@code --map KEY=REQ} names the set with that key, or every set of a fio job when KEY is
 *   a job name (a key beats a job name); sets not named keep their default id.</li>
 * </ul>
 */
final class IdMapping {
    /** Requirement ids as spec v1 allows them. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private IdMapping() {}

    /** A default id made of {@code name}: characters a spec id cannot hold become '-'. */
    static String sanitize(String name) {
        String s = name.replaceAll("[^A-Za-z0-9._-]", "-");
        if (s.isEmpty() || !Character.isLetterOrDigit(s.charAt(0))) {
            s = "x" + s;
        }
        return s;
    }

    /** The id of each set, in order. */
    static List<String> ids(List<MeasurementSet> sets, ImportOptions options) throws IdMappingException {
        if (options.id().isPresent() && !options.map().isEmpty()) {
            throw new IdMappingException("--id and --map cannot be combined; use --map for every set");
        }
        List<String> ids = new ArrayList<>();
        if (options.id().isPresent()) {
            String id = checked("--id ", options.id().get());
            if (sets.size() != 1) {
                throw new IdMappingException("--id needs an input with one measurement set, this one has " + sets.size()
                        + ": " + keys(sets) + "; name them with --map KEY=ID");
            }
            ids.add(id);
            return ids;
        }
        Set<String> groups = new LinkedHashSet<>();
        Set<String> keys = new LinkedHashSet<>();
        for (MeasurementSet s : sets) {
            keys.add(s.key());
            if (s.group() != null) {
                groups.add(s.group());
            }
        }
        for (Map.Entry<String, String> e : options.map().entrySet()) {
            checked("--map " + e.getKey() + "=", e.getValue());
            if (!keys.contains(e.getKey()) && !groups.contains(e.getKey())) {
                throw new IdMappingException("--map " + e.getKey() + "=" + e.getValue() + ": the input has no set '"
                        + e.getKey() + "'; its sets are " + keys(sets));
            }
        }
        for (MeasurementSet s : sets) {
            String id = options.map().get(s.key());
            if (id == null && s.group() != null) {
                id = options.map().get(s.group());
            }
            ids.add(id != null ? id : s.defaultId());
        }
        Map<String, String> owner = new LinkedHashMap<>();
        for (int i = 0; i < sets.size(); i++) {
            String before = owner.putIfAbsent(ids.get(i), sets.get(i).key());
            if (before != null) {
                throw new IdMappingException(
                        "sets " + before + " and " + sets.get(i).key() + " would both get the id '" + ids.get(i)
                                + "'; the certifier matches requirements by id, so give each its own with --map KEY=ID");
            }
        }
        return ids;
    }

    /** The set's measurements under {@code id}. */
    static List<Measurement> named(MeasurementSet set, String id) {
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : set.measurements()) {
            out.add(new Measurement(
                    id,
                    m.probe(),
                    m.metric(),
                    m.unit(),
                    m.workload(),
                    m.samples(),
                    m.summary(),
                    m.histogram(),
                    m.intervals(),
                    m.blocks(),
                    m.context(),
                    m.error(),
                    m.looks()));
        }
        return out;
    }

    private static String checked(String flag, String id) throws IdMappingException {
        if (!ID.matcher(id).matches()) {
            throw new IdMappingException(flag + "'" + id + "' is not a requirement id; expected letters, digits, '.',"
                    + " '_' and '-', starting with a letter or digit");
        }
        return id;
    }

    private static String keys(List<MeasurementSet> sets) {
        List<String> k = new ArrayList<>();
        for (MeasurementSet s : sets) {
            k.add(s.key() + " (" + s.probe() + ")");
        }
        return String.join(", ", k);
    }
}
