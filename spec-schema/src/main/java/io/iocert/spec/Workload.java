package io.iocert.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A requirement's validated workload parameters. Values are already typed by their
 * {@link WorkloadKey.Type}: {@link Quantity} for sizes, durations and rates, {@link Long} for
 * counts and percentages, {@link String} for words, a {@code List<Quantity>} for size lists.
 * Absent keys mean "the probe's default"; defaults live with the probes.
 */
public record Workload(Map<String, Object> values) {

    public static final Workload EMPTY = new Workload(Map.of());

    public Workload {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Optional<Quantity> quantity(String key) {
        Object v = values.get(key);
        return v instanceof Quantity q ? Optional.of(q) : Optional.empty();
    }

    public long count(String key, long defaultValue) {
        Object v = values.get(key);
        return v instanceof Long l ? l : defaultValue;
    }

    public String text(String key, String defaultValue) {
        Object v = values.get(key);
        return v == null ? defaultValue : v.toString();
    }

    @SuppressWarnings("unchecked")
    public List<Quantity> quantities(String key) {
        Object v = values.get(key);
        return v instanceof List<?> l ? (List<Quantity>) l : List.of();
    }
}
