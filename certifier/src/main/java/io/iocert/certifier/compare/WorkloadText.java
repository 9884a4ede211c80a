package io.iocert.certifier.compare;

import io.iocert.results.Numbers;
import io.iocert.spec.ProbeType;
import io.iocert.spec.WorkloadKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Workload values as a spec writes them: exact, with a unit ({@code 1MiB}, {@code 10ms},
 * {@code 1000 ops/s}), never rounded. Results record workloads in canonical numbers (bytes,
 * nanoseconds, ops/s); the largest unit that divides a value exactly is chosen.
 */
public final class WorkloadText {
    private static final String[] SIZE_UNITS = {"TiB", "TB", "GiB", "GB", "MiB", "MB", "KiB", "KB"};
    private static final long[] SIZE_FACTORS = {
        1L << 40, 1_000_000_000_000L, 1L << 30, 1_000_000_000L, 1L << 20, 1_000_000L, 1L << 10, 1_000L
    };
    private static final String[] DURATION_UNITS = {"min", "s", "ms", "us"};
    private static final long[] DURATION_FACTORS = {60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};

    private WorkloadText() {}

    /** The key's declared type for {@code probe}, if the probe is known and declares the key. */
    public static java.util.Optional<WorkloadKey.Type> type(String probe, String key) {
        return ProbeType.ofId(probe).flatMap(p -> p.workloadKey(key)).map(WorkloadKey::type);
    }

    /** {@code value} of {@code key} as a spec would write it; plain text for keys of unknown type. */
    public static String format(String probe, String key, Object value) {
        if (value == null) {
            return "null";
        }
        WorkloadKey.Type type = type(probe, key).orElse(null);
        if (type == null) {
            return value instanceof Number n ? plain(n) : String.valueOf(value);
        }
        return switch (type) {
            case SIZE -> value instanceof Number n ? size(n) : String.valueOf(value);
            case DURATION -> value instanceof Number n ? duration(n) : String.valueOf(value);
            case OP_RATE ->
                value instanceof Number n ? Numbers.measured(n.doubleValue()) + " ops/s" : String.valueOf(value);
            case SIZE_LIST -> {
                if (!(value instanceof List<?> l)) {
                    yield String.valueOf(value);
                }
                List<String> parts = new ArrayList<>();
                for (Object o : l) {
                    parts.add(o instanceof Number n ? size(n) : String.valueOf(o));
                }
                yield "[" + String.join(", ", parts) + "]";
            }
            default -> value instanceof Number n ? plain(n) : String.valueOf(value);
        };
    }

    static String size(Number bytes) {
        return exact(bytes, SIZE_UNITS, SIZE_FACTORS, "B");
    }

    static String duration(Number ns) {
        return exact(ns, DURATION_UNITS, DURATION_FACTORS, "ns");
    }

    private static String exact(Number n, String[] units, long[] factors, String base) {
        double d = n.doubleValue();
        if (d != Math.rint(d) || Math.abs(d) >= 0x1p53) {
            return Numbers.measured(d) + base;
        }
        long v = (long) d;
        if (v == 0) {
            return "0" + base;
        }
        for (int i = 0; i < units.length; i++) {
            if (v % factors[i] == 0) {
                return (v / factors[i]) + units[i];
            }
        }
        return v + base;
    }

    private static String plain(Number n) {
        String s = Numbers.measured(n.doubleValue());
        return s == null ? String.valueOf(n) : s;
    }
}
