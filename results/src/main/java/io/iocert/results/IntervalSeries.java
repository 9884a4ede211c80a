package io.iocert.results;

import java.util.List;

/**
 * A rate measured over consecutive intervals of equal length (throughput, IOPS, ops/s), in the
 * measurement's canonical unit. A trailing partial interval is not included.
 *
 * <p>{@code regimes}, when the series was analysed for them, cut it into runs of intervals
 * without a detected change of level (a burst, then the baseline); empty when not analysed.
 * When present they cover the values in order, without gaps.
 */
public record IntervalSeries(long intervalNs, List<Double> values, List<Regime> regimes) {
    public IntervalSeries {
        if (intervalNs <= 0) {
            throw new IllegalArgumentException("intervalNs must be positive, got " + intervalNs);
        }
        values = List.copyOf(values);
        regimes = List.copyOf(regimes);
        int next = 0;
        for (Regime r : regimes) {
            if (r.from() != next || r.to() <= r.from() || r.to() > values.size()) {
                throw new IllegalArgumentException(
                        "regimes must cover intervals 0.." + values.size() + " in order without gaps; got " + regimes);
            }
            next = r.to();
        }
        if (!regimes.isEmpty() && next != values.size()) {
            throw new IllegalArgumentException("regimes end at interval " + next + " of " + values.size());
        }
    }

    /** A series not analysed for regimes. */
    public IntervalSeries(long intervalNs, List<Double> values) {
        this(intervalNs, values, List.of());
    }

    /** The same values with {@code regimes} in place of these. */
    public IntervalSeries withRegimes(List<Regime> regimes) {
        return new IntervalSeries(intervalNs, values, regimes);
    }

    /**
     * A run of intervals {@code [from, to)} at one level: the mean rate over them and its
     * interval (at the confidence of the analysis that found it).
     */
    public record Regime(int from, int to, double rate, double low, double high) {
        public long startNs(long intervalNs) {
            return from * intervalNs;
        }

        public long endNs(long intervalNs) {
            return to * intervalNs;
        }
    }
}
