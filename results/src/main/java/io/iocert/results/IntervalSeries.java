package io.iocert.results;

import java.util.List;

/**
 * A rate measured over consecutive intervals of equal length (throughput, IOPS, ops/s), in the
 * measurement's canonical unit. A trailing partial interval is not included.
 */
public record IntervalSeries(long intervalNs, List<Double> values) {
    public IntervalSeries {
        if (intervalNs <= 0) {
            throw new IllegalArgumentException("intervalNs must be positive, got " + intervalNs);
        }
        values = List.copyOf(values);
    }
}
