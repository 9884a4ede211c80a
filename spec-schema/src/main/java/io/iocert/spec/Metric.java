package io.iocert.spec;

import java.util.Locale;
import java.util.Optional;

/**
 * A measurable quantity a probe produces. {@link Sampling#PER_OPERATION} metrics are
 * distributions of individual operations (a histogram); {@link Sampling#PER_INTERVAL} metrics
 * are series of rates, one value per time interval or iteration. Each says which way it
 * improves: times shrink, rates grow.
 */
public enum Metric {
    LATENCY(Dimension.DURATION, Sampling.PER_OPERATION, Better.LOWER),
    RTT(Dimension.DURATION, Sampling.PER_OPERATION, Better.LOWER),
    HICCUP(Dimension.DURATION, Sampling.PER_OPERATION, Better.LOWER),
    THROUGHPUT(Dimension.DATA_RATE, Sampling.PER_INTERVAL, Better.HIGHER),
    IOPS(Dimension.OP_RATE, Sampling.PER_INTERVAL, Better.HIGHER),
    OPS(Dimension.OP_RATE, Sampling.PER_INTERVAL, Better.HIGHER),
    FLOPS(Dimension.FLOP_RATE, Sampling.PER_INTERVAL, Better.HIGHER);

    public enum Sampling {
        PER_OPERATION,
        PER_INTERVAL
    }

    /** Which way a metric improves. */
    public enum Better {
        LOWER,
        HIGHER
    }

    private final Dimension dimension;
    private final Sampling sampling;
    private final Better better;

    Metric(Dimension dimension, Sampling sampling, Better better) {
        this.dimension = dimension;
        this.sampling = sampling;
        this.better = better;
    }

    public Dimension dimension() {
        return dimension;
    }

    public Sampling sampling() {
        return sampling;
    }

    /** Which way this metric improves: {@link Better#LOWER} for times, {@link Better#HIGHER} for rates. */
    public Better better() {
        return better;
    }

    /** Whether a smaller value is the better one (latency, round-trip time, hiccups). */
    public boolean lowerIsBetter() {
        return better == Better.LOWER;
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
