package io.iocert.certifier.compare;

import io.iocert.spec.Statistic;

/**
 * One quantile of a measurement on both sides, and their ratio.
 *
 * @param statistic  the quantile (p50, p99...)
 * @param reference  the reference estimate with its interval at the per-side confidence
 * @param candidate  the candidate estimate with its interval at the per-side confidence
 * @param ratio      candidate over reference: point value and an interval that holds with at
 *                   least the comparison's confidence, jointly with the measurement's other quantiles
 */
public record QuantileDifference(Statistic statistic, Side reference, Side candidate, Interval ratio) {

    /** An estimate: value and interval ends ({@code low} 0 and {@code high} infinite when unbounded). */
    public record Side(double value, double low, double high) {
        public boolean bounded() {
            return Double.isFinite(high) && low > 0;
        }
    }

    /** A ratio with its interval; {@code high} may be infinite. */
    public record Interval(double value, double low, double high) {}
}
