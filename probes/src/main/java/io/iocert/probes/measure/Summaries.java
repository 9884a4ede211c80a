package io.iocert.probes.measure;

import io.iocert.results.Summary;
import java.util.List;
import org.HdrHistogram.Histogram;

/** Summary statistics of a histogram or of interval values; null when there is nothing to summarise. */
public final class Summaries {
    private Summaries() {
    }

    public static Summary of(Histogram h) {
        return Summary.of(h);
    }

    /** Percentiles by nearest rank, standard deviation of the population (as HdrHistogram does). */
    public static Summary of(List<Double> values) {
        return Summary.of(values);
    }
}
