package io.iocert.probes.net;

import io.iocert.probes.ProbeException;
import io.iocert.spec.Dimension;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Workload;
import io.iocert.spec.WorkloadKey;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * Reading the net probes' workload keys, with their defaults in one place, and fitting the
 * measured time into the budget.
 */
final class NetWorkload {
    static final long MAX_WARMUP_DEFAULT_NS = 1_000_000_000L;
    static final int MAX_STREAMS = 128;
    static final long MAX_CONNECTS = 1_000_000;
    /** Sizes must fit a Java buffer; the peer's own limit (1 MiB by default) is checked when connecting. */
    static final long MAX_SIZE = 1L << 30;

    private NetWorkload() {}

    /** How long to warm up and measure, and whether the budget cut the measured time. */
    record Timing(long warmupNs, long durationNs, boolean cutByBudget) {
        long totalNs() {
            return warmupNs + durationNs;
        }
    }

    /**
     * Fits warm-up and measured time into {@code availableNs}. Without {@code duration} the probe
     * measures its default {@code duration} (10 s, from {@link ProbeType}) or what the budget allows; without {@code warmup}
     * it warms up for a tenth of the time, at most 1 s (JIT compilation and TCP start-up are
     * not the interconnect).
     */
    static Timing plan(ProbeType probe, OptionalLong duration, OptionalLong warmup, long availableNs)
            throws ProbeException {
        if (availableNs <= 0) {
            // Nothing left to share between warm-up and measurement (a budget of nanoseconds, or spent by set-up).
            throw new ProbeException(probe.id() + " has no time left to measure: its budget share is used up"
                    + " before it starts; raise the budget");
        }
        long total;
        boolean cut;
        if (duration.isPresent()) {
            long w = warmup.orElse(Math.min(MAX_WARMUP_DEFAULT_NS, duration.getAsLong() / 10));
            total = w + duration.getAsLong();
            cut = total > availableNs;
            total = Math.min(total, availableNs);
            long d = total - w;
            if (d <= 0) {
                throw new ProbeException(probe.id() + " has no time left to measure: the budget share of "
                        + Quantity.nanos(Math.max(0, availableNs)).format() + " does not cover the warmup of "
                        + Quantity.nanos(w).format()
                        + "; raise the budget or lower warmup");
            }
            return new Timing(w, d, cut);
        }
        long defaultNs = probe.defaultNumber("duration");
        total = Math.min(availableNs, defaultNs + warmup.orElse(Math.min(MAX_WARMUP_DEFAULT_NS, defaultNs / 10)));
        cut = availableNs < defaultNs;
        long w = warmup.orElse(Math.min(MAX_WARMUP_DEFAULT_NS, total / 10));
        long d = total - w;
        if (d <= 0) {
            throw new ProbeException(probe.id() + " has no time left to measure: the budget share of "
                    + Quantity.nanos(Math.max(0, availableNs)).format() + " does not cover the warmup of "
                    + Quantity.nanos(w).format()
                    + "; raise the budget or lower warmup");
        }
        return new Timing(w, d, cut);
    }

    static void checkKeys(ProbeType probe, Workload w) throws ProbeException {
        for (String key : w.values().keySet()) {
            if (probe.workloadKey(key).isEmpty()) {
                throw new ProbeException("workload key '" + key + "' is not known to " + probe.id()
                        + "; expected one of "
                        + probe.workloadKeys().stream().map(WorkloadKey::name).collect(Collectors.joining(", ")));
            }
        }
    }

    /** messageSize, or the sizes of a sweep, in bytes (not both). */
    static List<Integer> messageSizes(ProbeType probe, Workload w) throws ProbeException {
        if (w.has(ProbeType.MESSAGE_SIZE) && w.has("sizes")) {
            throw new ProbeException(probe.id() + " takes messageSize or sizes, not both");
        }
        List<Integer> out = new ArrayList<>();
        if (w.has("sizes")) {
            List<Quantity> qs = w.quantities("sizes");
            if (qs.isEmpty()) {
                throw new ProbeException(
                        "sizes of " + probe.id() + " must list at least one size, such as [64B, 8KiB]");
            }
            for (Quantity q : qs) {
                out.add(checkedSize(probe, "sizes", q));
            }
        } else {
            out.add(size(probe, w, ProbeType.MESSAGE_SIZE, probe.defaultNumber(ProbeType.MESSAGE_SIZE)));
        }
        return out;
    }

    static int size(ProbeType probe, Workload w, String key, long def) throws ProbeException {
        if (!w.has(key)) {
            return (int) def;
        }
        Quantity q = w.quantity(key).orElse(null);
        if (q == null || q.dimension() != Dimension.DATA_SIZE) {
            throw wrongType(probe, w, key);
        }
        return checkedSize(probe, key, q);
    }

    private static int checkedSize(ProbeType probe, String key, Quantity q) throws ProbeException {
        if (q.dimension() != Dimension.DATA_SIZE || q.value() < 1 || q.value() > MAX_SIZE) {
            throw new ProbeException(key + " " + q.format() + " is outside what " + probe.id() + " supports (1 B to "
                    + Quantity.bytes(MAX_SIZE).format() + ")");
        }
        return (int) q.longValue();
    }

    static OptionalDouble rate(ProbeType probe, Workload w) throws ProbeException {
        if (!w.has("rate")) {
            return OptionalDouble.empty();
        }
        Quantity q = w.quantity("rate").orElse(null);
        if (q == null || q.dimension() != Dimension.OP_RATE) {
            throw wrongType(probe, w, "rate");
        }
        if (!(q.value() > 0) || q.value() > 1e9) {
            throw new ProbeException("rate must be between 0 and 1e9 ops/s for " + probe.id() + ", got " + q.format());
        }
        return OptionalDouble.of(q.value());
    }

    static OptionalLong duration(ProbeType probe, Workload w, String key) throws ProbeException {
        if (!w.has(key)) {
            return OptionalLong.empty();
        }
        Quantity q = w.quantity(key).orElse(null);
        if (q == null || q.dimension() != Dimension.DURATION) {
            throw wrongType(probe, w, key);
        }
        boolean mayBeZero = key.equals("warmup");
        if (q.value() < 0 || (!mayBeZero && q.value() == 0)) {
            throw new ProbeException(key + " must be " + (mayBeZero ? "zero or positive" : "positive") + " for "
                    + probe.id() + ", got " + q.format());
        }
        return OptionalLong.of(q.longValue());
    }

    static long count(ProbeType probe, Workload w, String key, long def, long max) throws ProbeException {
        if (!w.has(key)) {
            return def;
        }
        Object v = w.values().get(key);
        if (!(v instanceof Long n)) {
            throw wrongType(probe, w, key);
        }
        if (n < 1 || n > max) {
            throw new ProbeException(key + " " + n + " is outside what " + probe.id() + " supports (1 to " + max + ")");
        }
        return n;
    }

    static String text(ProbeType probe, Workload w, String key, String def) throws ProbeException {
        String v = w.text(key, def);
        List<String> allowed = probe.workloadKey(key).map(WorkloadKey::allowed).orElse(List.of());
        if (!allowed.isEmpty() && !allowed.contains(v)) {
            throw new ProbeException(key + " '" + v + "' is not valid for " + probe.id() + "; expected one of "
                    + String.join(", ", allowed));
        }
        return v;
    }

    private static ProbeException wrongType(ProbeType probe, Workload w, String key) {
        String expected = probe.workloadKey(key).map(WorkloadKey::expected).orElse("a valid value");
        return new ProbeException(key + " of " + probe.id() + " must be " + expected + ", got '"
                + w.values().get(key) + "'");
    }
}
