package io.iocert.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * A measurable quantity a probe produces. {@link Sampling#PER_OPERATION} metrics are
 * distributions of individual operations (a histogram); {@link Sampling#PER_INTERVAL} metrics
 * are series of rates, one value per time interval or iteration.
 */
public enum Metric {
    LATENCY(Dimension.DURATION, Sampling.PER_OPERATION),
    RTT(Dimension.DURATION, Sampling.PER_OPERATION),
    HICCUP(Dimension.DURATION, Sampling.PER_OPERATION),
    THROUGHPUT(Dimension.DATA_RATE, Sampling.PER_INTERVAL),
    IOPS(Dimension.OP_RATE, Sampling.PER_INTERVAL),
    OPS(Dimension.OP_RATE, Sampling.PER_INTERVAL),
    FLOPS(Dimension.FLOP_RATE, Sampling.PER_INTERVAL);

    public enum Sampling {
        PER_OPERATION,
        PER_INTERVAL
    }

    private final Dimension dimension;
    private final Sampling sampling;

    Metric(Dimension dimension, Sampling sampling) {
        this.dimension = dimension;
        this.sampling = sampling;
    }

    public Dimension dimension() {
        return dimension;
    }

    public Sampling sampling() {
        return sampling;
    }

    /** The name used in specs and JSON: "latency", "throughput". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Metric> ofId(String id) {
        for (Metric m : values()) {
            if (m.id().equals(id)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}
