package io.iocert.certifier.compare;

import io.iocert.spec.Metric;

/** Which way a metric improves: latencies shrink, rates grow. */
public enum Direction {
    LOWER_IS_BETTER("lower is better"),
    HIGHER_IS_BETTER("higher is better");

    private final String words;

    Direction(String words) {
        this.words = words;
    }

    /** "lower is better". */
    public String words() {
        return words;
    }

    public static Direction of(Metric metric) {
        return switch (metric) {
            case LATENCY, RTT, HICCUP -> LOWER_IS_BETTER;
            case THROUGHPUT, IOPS, OPS, FLOPS -> HIGHER_IS_BETTER;
        };
    }
}
