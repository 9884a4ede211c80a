package io.iocert.spec;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A summary statistic of a distribution: {@code min max mean median stddev cv} or a percentile
 * {@code pNN} / {@code pNN.N...} (p50, p99, p99.9, p99.99). {@code median} is p50.
 */
public record Statistic(Kind kind, double percentile) {

    public enum Kind {
        MIN,
        MAX,
        MEAN,
        MEDIAN,
        STDDEV,
        CV,
        PERCENTILE
    }

    private static final Pattern PERCENTILE = Pattern.compile("p([0-9]{1,2})(?:\\.([0-9]+))?|p100");

    public static final String EXPECTED =
            "min, max, mean, median, stddev, cv, or a percentile pNN / pNN.N (p50, p99, p99.9)";

    public Statistic {
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.PERCENTILE && !(percentile > 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
        }
    }

    public static Statistic of(Kind kind) {
        return new Statistic(kind, kind == Kind.MEDIAN ? 50 : Double.NaN);
    }

    public static Statistic percentile(double p) {
        return new Statistic(Kind.PERCENTILE, p);
    }

    /** Parses a statistic name; empty when it is not one. */
    public static Optional<Statistic> parse(String name) {
        switch (name) {
            case "min":
                return Optional.of(of(Kind.MIN));
            case "max":
                return Optional.of(of(Kind.MAX));
            case "mean":
                return Optional.of(of(Kind.MEAN));
            case "median":
                return Optional.of(of(Kind.MEDIAN));
            case "stddev":
                return Optional.of(of(Kind.STDDEV));
            case "cv":
                return Optional.of(of(Kind.CV));
            default:
                Matcher m = PERCENTILE.matcher(name);
                if (!m.matches()) {
                    return Optional.empty();
                }
                double p = new BigDecimal(name.substring(1)).doubleValue();
                return p > 0 ? Optional.of(percentile(p)) : Optional.empty();
        }
    }

    /** The quantile in [0, 1] this statistic estimates, for percentiles and the median. */
    public double quantile() {
        return switch (kind) {
            case PERCENTILE, MEDIAN -> percentile / 100.0;
            case MIN -> 0.0;
            case MAX -> 1.0;
            default -> Double.NaN;
        };
    }

    public boolean isQuantile() {
        return kind == Kind.PERCENTILE || kind == Kind.MEDIAN;
    }

    /** The dimension of this statistic of a metric: the metric's own, except cv, a ratio. */
    public Dimension dimensionFor(Metric metric) {
        return kind == Kind.CV ? Dimension.RATIO : metric.dimension();
    }

    /** The name as written in specs: p99, p99.9, mean. */
    public String name() {
        if (kind == Kind.PERCENTILE) {
            return "p"
                    + new BigDecimal(Double.toString(percentile))
                            .stripTrailingZeros()
                            .toPlainString();
        }
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return name();
    }
}
