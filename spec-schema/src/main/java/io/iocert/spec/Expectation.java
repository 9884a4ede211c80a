package io.iocert.spec;

import java.util.Objects;

/** One bound on one statistic of one metric: "latency p99 <= 2 ms". */
public record Expectation(Metric metric, Statistic statistic, Threshold threshold) {
    public Expectation {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(statistic, "statistic");
        Objects.requireNonNull(threshold, "threshold");
    }

    @Override
    public String toString() {
        return metric.id() + " " + statistic.name() + " " + threshold;
    }
}
