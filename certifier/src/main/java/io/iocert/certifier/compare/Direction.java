package io.iocert.certifier.compare;

import io.iocert.spec.Metric;

/** Which way a metric improves, in compare's words; the metric itself says which ({@link Metric#better()}). */
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
        return metric.lowerIsBetter() ? LOWER_IS_BETTER : HIGHER_IS_BETTER;
    }
}
