package io.iocert.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The physical dimension of a quantity, with its canonical unit (the unit every JSON document
 * carries) and the units a spec may write it in.
 *
 * <p>Decimal prefixes are powers of 1000 (MB = 10^6 B), binary prefixes powers of 1024
 * (MiB = 2^20 B), as IEC 80000-13 defines them; bit rates are converted at 8 bits per byte.
 */
public enum Dimension {
    DURATION(
            "ns",
            "a duration (ns, us, ms, s, min)",
            units("ns", 1, "us", 1e3, "µs", 1e3, "ms", 1e6, "s", 1e9, "min", 60e9)),
    DATA_SIZE(
            "B",
            "a size (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)",
            units(
                    "B",
                    1,
                    "KB",
                    1e3,
                    "kB",
                    1e3,
                    "KiB",
                    1024.0,
                    "MB",
                    1e6,
                    "MiB",
                    1024.0 * 1024,
                    "GB",
                    1e9,
                    "GiB",
                    1024.0 * 1024 * 1024,
                    "TB",
                    1e12,
                    "TiB",
                    1024.0 * 1024 * 1024 * 1024)),
    DATA_RATE(
            "B/s",
            "a data rate (B/s, KB/s, MB/s, GB/s, KiB/s, MiB/s, GiB/s, bit/s, Kbit/s, Mbit/s, Gbit/s)",
            units(
                    "B/s",
                    1,
                    "KB/s",
                    1e3,
                    "kB/s",
                    1e3,
                    "MB/s",
                    1e6,
                    "GB/s",
                    1e9,
                    "TB/s",
                    1e12,
                    "KiB/s",
                    1024.0,
                    "MiB/s",
                    1024.0 * 1024,
                    "GiB/s",
                    1024.0 * 1024 * 1024,
                    "bit/s",
                    1 / 8.0,
                    "Kbit/s",
                    1e3 / 8,
                    "kbit/s",
                    1e3 / 8,
                    "Mbit/s",
                    1e6 / 8,
                    "Gbit/s",
                    1e9 / 8,
                    "Tbit/s",
                    1e12 / 8)),
    OP_RATE(
            "ops/s",
            "an operation rate (ops/s, kops/s, Mops/s, IOPS, kIOPS)",
            units("ops/s", 1, "kops/s", 1e3, "Mops/s", 1e6, "IOPS", 1, "kIOPS", 1e3)),
    FLOP_RATE(
            "FLOP/s",
            "a floating-point rate (FLOP/s, kFLOP/s, MFLOP/s, GFLOP/s, TFLOP/s)",
            units("FLOP/s", 1, "kFLOP/s", 1e3, "MFLOP/s", 1e6, "GFLOP/s", 1e9, "TFLOP/s", 1e12)),
    RATIO("", "a plain number or a percentage (0.05 or 5%)", units("", 1, "%", 0.01));

    private final String canonicalUnit;
    private final String description;
    private final Map<String, Double> factors;

    Dimension(String canonicalUnit, String description, Map<String, Double> factors) {
        this.canonicalUnit = canonicalUnit;
        this.description = description;
        this.factors = factors;
    }

    /** The unit JSON documents use for values of this dimension ("ns", "B/s", ""...). */
    public String canonicalUnit() {
        return canonicalUnit;
    }

    /** What a person should write, for error messages: "a duration (ns, us, ms, s, min)". */
    public String description() {
        return description;
    }

    /** Units accepted in specs, in the order they are documented. */
    public List<String> units() {
        return List.copyOf(factors.keySet());
    }

    /** Factor that turns a value in {@code unit} into the canonical unit, if the unit belongs here. */
    public Optional<Double> factor(String unit) {
        return Optional.ofNullable(factors.get(unit));
    }

    /** The dimension a unit belongs to, if any (units are unique across dimensions). */
    public static Optional<Dimension> ofUnit(String unit) {
        for (Dimension d : values()) {
            if (d.factors.containsKey(unit)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    private static Map<String, Double> units(Object... pairs) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
        }
        return Collections.unmodifiableMap(m);
    }
}
