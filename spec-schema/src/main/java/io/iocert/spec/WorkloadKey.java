package io.iocert.spec;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One workload parameter a probe accepts: its name, the type of its value, for enumerations
 * the allowed words, and the value the probe runs with when a spec leaves the key out. The JSON
 * Schema and the loader both derive from this table.
 *
 * @param defaultValue the value used when a spec does not give the key, in the canonical form
 *                     results record (bytes, nanoseconds, a count as a {@link Long}, words as a
 *                     {@link String}); null when there is none or the probe works it out at run
 *                     time (from the budget, the node's caches, another key)
 */
public record WorkloadKey(String name, Type type, List<String> allowed, String doc, Limit limit, Object defaultValue) {

    /**
     * Bounds a value must keep to be probed at all, in the canonical unit of the key's type
     * (bytes, nanoseconds, a count); {@code min} 0 and {@code max} {@link Double#POSITIVE_INFINITY}
     * mean unbounded. A value out of them would only fail while probing (a 1 ns interval runs the
     * probe out of memory, a 2 GiB message fits no buffer), so the loader refuses it, and the
     * message names the limit.
     */
    public record Limit(double min, double max) {
        static final Limit NONE = new Limit(0, Double.POSITIVE_INFINITY);

        public boolean bounded() {
            return min > 0 || max < Double.POSITIVE_INFINITY;
        }
    }

    /** The most threads or streams a workload may ask for: the most sessions one iocert serve holds. */
    public static final long MAX_THREADS = 4096;
    /** The largest message or block: the largest frame an iocert peer accepts (serve --max-frame). */
    public static final long MAX_BUFFER_BYTES = 1L << 30;
    /** The shortest interval a rate is measured over; shorter ones would need a counter per microsecond. */
    public static final long MIN_INTERVAL_NS = 1_000_000;

    /**
     * Keys that say how long a run sampled its distribution (measured time, warm-up), not what
     * it sampled: a longer run gives more samples of the same distribution. They follow from the
     * budget and adaptive probing's rounds, so two runs of one spec rarely agree on them.
     */
    public static final Set<String> RUN_LENGTH = Set.of("duration", "warmup");

    /** What a workload value may be. */
    public enum Type {
        /** A data size: "1MiB". Loaded as a {@link Quantity} in bytes. */
        SIZE("a size (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)"),
        /** A list of sizes: [64B, 8KiB]. Loaded as a list of {@link Quantity}. */
        SIZE_LIST("a list of sizes, such as [64B, 8KiB, 1MiB]"),
        /** A duration: "10s". Loaded as a {@link Quantity} in nanoseconds. */
        DURATION("a duration (ns, us, ms, s, min)"),
        /** An operation rate: "1000 ops/s". Loaded as a {@link Quantity} in ops/s. */
        OP_RATE("an operation rate (ops/s, IOPS)"),
        /** A positive whole number. Loaded as a {@link Long}. */
        COUNT("a whole number of at least 1"),
        /** A thread count: a positive whole number or "all" (one per core). Long or "all". */
        THREADS("a whole number from 1 to " + MAX_THREADS + ", or all"),
        /** A percentage 0..100. Loaded as a {@link Long}. */
        PERCENT("a whole number from 0 to 100"),
        /** One of {@link #allowed()}. Loaded as a {@link String}. */
        ENUM("one of"),
        /** true, false or auto. Loaded as a {@link String}. */
        TRISTATE("true, false or auto"),
        /** none, end, or a whole number N (every N writes). Loaded as a String or Long. */
        FSYNC_POLICY("none, end, or a whole number N (fsync every N writes)"),
        /** true or false. Loaded as a {@link Boolean}. */
        BOOLEAN("true or false");

        private final String description;

        Type(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    public WorkloadKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        allowed = List.copyOf(allowed);
        Objects.requireNonNull(limit, "limit");
        if (defaultValue != null && !(defaultValue instanceof Long || defaultValue instanceof String)) {
            throw new IllegalArgumentException("default of " + name + " must be a Long or a String: " + defaultValue);
        }
    }

    static WorkloadKey of(String name, Type type, String doc) {
        return new WorkloadKey(
                name, type, List.of(), doc, type == Type.THREADS ? new Limit(1, MAX_THREADS) : Limit.NONE, null);
    }

    static WorkloadKey bounded(String name, Type type, String doc, double min, double max) {
        return new WorkloadKey(name, type, List.of(), doc, new Limit(min, max), null);
    }

    static WorkloadKey oneOf(String name, String doc, String... allowed) {
        return new WorkloadKey(name, Type.ENUM, List.of(allowed), doc, Limit.NONE, null);
    }

    /** This key with {@code value} as its default: a number of bytes, nanoseconds or things. */
    WorkloadKey byDefault(long value) {
        return new WorkloadKey(name, type, allowed, doc, limit, value);
    }

    /** This key with {@code value} as its default: one of its words. */
    WorkloadKey byDefault(String value) {
        if (type == Type.ENUM && !allowed.contains(value)) {
            throw new IllegalArgumentException("default " + value + " of " + name + " is not one of " + allowed);
        }
        return new WorkloadKey(name, type, allowed, doc, limit, value);
    }

    /** What a value of this key should look like, for error messages: "a size (...), at most 1 GiB". */
    public String expected() {
        if (type == Type.ENUM) {
            return "one of " + String.join(", ", allowed);
        }
        return type.description() + limitText();
    }

    /** ", at most 1 GiB", ", at least 1 ms", or "" when unbounded beyond the type's own rule. */
    String limitText() {
        if (!limit.bounded() || type == Type.THREADS) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        if (limit.min() > 0 && type != Type.COUNT && type != Type.THREADS) {
            b.append(", at least ").append(shown(limit.min()));
        }
        if (limit.max() < Double.POSITIVE_INFINITY) {
            b.append(type == Type.SIZE_LIST ? ", each at most " : ", at most ").append(shown(limit.max()));
        }
        return b.toString();
    }

    /** A limit in the unit people write for this key's type. */
    String shown(double canonical) {
        return switch (type) {
            case SIZE, SIZE_LIST -> Quantity.bytes(canonical).format();
            case DURATION -> Quantity.nanos(canonical).format();
            default -> Long.toString((long) canonical);
        };
    }
}
