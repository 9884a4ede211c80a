package io.iocert.spec;

import java.util.Objects;
import java.util.Optional;

/**
 * One bound on one statistic of one metric: "latency p99 <= 2 ms"; with {@code windows}, the
 * bound holds per window of time in a share of the windows: "iops p10 >= 3000 IOPS in 99% of
 * 1 min windows" (see {@link Windows}).
 */
public record Expectation(Metric metric, Statistic statistic, Threshold threshold, Optional<Windows> windows) {
    public Expectation {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(statistic, "statistic");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(windows, "windows");
    }

    /** A bound on the statistic over the whole run. */
    public Expectation(Metric metric, Statistic statistic, Threshold threshold) {
        this(metric, statistic, threshold, Optional.empty());
    }

    /**
     * The statistic as reports name it: "p99", or with windows "p10 >= 3 kIOPS per 1 min window",
     * whose verdict is then on the share of windows.
     */
    public String label() {
        return windows.map(w -> statistic.name() + " " + threshold + " per "
                        + Quantity.nanos(w.lengthNs()).format() + " window")
                .orElse(statistic.name());
    }

    @Override
    public String toString() {
        return metric.id() + " " + statistic.name() + " " + threshold
                + windows.map(w -> " " + w).orElse("");
    }
}
