package io.iocert.spec;

import java.util.List;
import java.util.Objects;

/**
 * One workload parameter a probe accepts: its name, the type of its value and, for
 * enumerations, the allowed words. The JSON Schema and the loader both derive from this table.
 */
public record WorkloadKey(String name, Type type, List<String> allowed, String doc) {

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
        THREADS("a whole number of at least 1, or all"),
        /** A percentage 0..100. Loaded as a {@link Long}. */
        PERCENT("a whole number from 0 to 100"),
        /** One of {@link #allowed()}. Loaded as a {@link String}. */
        ENUM("one of"),
        /** true, false or auto. Loaded as a {@link String}. */
        TRISTATE("true, false or auto"),
        /** none, end, or a whole number N (every N writes). Loaded as a String or Long. */
        FSYNC_POLICY("none, end, or a whole number N (fsync every N writes)");

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
    }

    static WorkloadKey of(String name, Type type, String doc) {
        return new WorkloadKey(name, type, List.of(), doc);
    }

    static WorkloadKey oneOf(String name, String doc, String... allowed) {
        return new WorkloadKey(name, Type.ENUM, List.of(allowed), doc);
    }

    /** What a value of this key should look like, for error messages. */
    public String expected() {
        return type == Type.ENUM ? "one of " + String.join(", ", allowed) : type.description();
    }
}
