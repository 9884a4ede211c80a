package io.iocert.store;

import java.util.List;

/**
 * Finds changes in the level of a series (per-run statistics in time order). The store does not
 * carry its own method: {@link CertifierChangePoints} adapts the certifier's
 * {@code io.iocert.certifier.stats.ChangePoints}.
 */
interface ChangeDetector {

    /** A stretch of the series without a detected change: values {@code [from, to)}, their mean and interval. */
    record Level(int from, int to, double mean, double low, double high) {}

    /** A change at index {@code at} (first value of the later level): later mean minus earlier, with its interval. */
    record Shift(int at, double shift, double low, double high) {}

    /** The levels in order and the shifts between them, found at false-alarm rate {@code falseAlarmRate}. */
    record Segmentation(List<Level> levels, List<Shift> shifts, double falseAlarmRate) {}

    Segmentation detect(double[] series, double falseAlarmRate, int minSegment, double confidence);
}
