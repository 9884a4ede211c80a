package io.iocert.probes.compute;

import io.iocert.probes.ProbeException;
import io.iocert.spec.Dimension;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Workload;
import io.iocert.spec.WorkloadKey;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** Reading the workload keys the compute probes share; every problem names the key, the value and what was expected. */
final class ComputeWorkload {
    static final int MAX_THREADS = 1024;

    private ComputeWorkload() {}

    static void rejectUnknownKeys(ProbeType probe, Workload w) throws ProbeException {
        for (String key : w.values().keySet()) {
            if (probe.workloadKey(key).isEmpty()) {
                throw new ProbeException("workload key '" + key + "' is not known to " + probe.id()
                        + "; expected one of "
                        + probe.workloadKeys().stream().map(WorkloadKey::name).collect(Collectors.joining(", ")));
            }
        }
    }

    /** {@code threads}: a count, or {@code all} for one per available processor; 1 when absent. */
    static int threads(ProbeType probe, Workload w, int availableProcessors) throws ProbeException {
        Object v = w.values().get("threads");
        if (v == null) {
            return (int) probe.defaultNumber("threads");
        }
        long n;
        if (v instanceof Long l) {
            n = l;
        } else if ("all".equals(v)) {
            n = availableProcessors;
        } else {
            throw wrongType(probe, w, "threads");
        }
        if (n < 1 || n > MAX_THREADS) {
            throw new ProbeException(
                    "threads " + n + " is outside what " + probe.id() + " supports (1 to " + MAX_THREADS + ")");
        }
        return (int) n;
    }

    static OptionalLong duration(ProbeType probe, Workload w, String key) throws ProbeException {
        if (!w.has(key)) {
            return OptionalLong.empty();
        }
        Quantity q = w.quantity(key)
                .filter(x -> x.dimension() == Dimension.DURATION)
                .orElseThrow(() -> wrongType(probe, w, key));
        if (q.longValue() <= 0) {
            throw new ProbeException(key + " of " + probe.id() + " must be positive, got " + q.format());
        }
        return OptionalLong.of(q.longValue());
    }

    static OptionalLong size(ProbeType probe, Workload w, String key) throws ProbeException {
        if (!w.has(key)) {
            return OptionalLong.empty();
        }
        Quantity q = w.quantity(key)
                .filter(x -> x.dimension() == Dimension.DATA_SIZE)
                .orElseThrow(() -> wrongType(probe, w, key));
        return OptionalLong.of(q.longValue());
    }

    static ProbeException wrongType(ProbeType probe, Workload w, String key) {
        String expected = probe.workloadKey(key).map(WorkloadKey::expected).orElse("a valid value");
        return new ProbeException(key + " of " + probe.id() + " must be " + expected + ", got '"
                + w.values().get(key) + "'");
    }
}
