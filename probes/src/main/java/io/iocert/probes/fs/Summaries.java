package io.iocert.probes.fs;

import io.iocert.results.Summary;
import java.util.List;
import org.HdrHistogram.Histogram;

/** Summary statistics of a histogram or of interval values; null when there is nothing to summarise. */
final class Summaries {
    private Summaries() {
    }

    static Summary of(Histogram h) {
        return Summary.of(h);
    }

    static Summary of(List<Double> values) {
        return Summary.of(values);
    }
}
