package io.iocert.store;

import io.iocert.spec.Dimension;
import io.iocert.spec.Quantity;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The drift analysis of one series: one statistic of one requirement (and variant) across the
 * stored certifications of a node or an instance type, in the order the results were measured.
 * {@code levels} are the stretches without a detected change; {@code steps} the changes between
 * them. {@code skipped} counts certifications without a value (the requirement errored).
 */
public record Drift(
        String subject,
        String requirementId,
        String variant,
        String metric,
        String statistic,
        String unit,
        String comparator,
        double threshold,
        List<Point> points,
        List<Level> levels,
        List<Step> steps,
        double falseAlarmRate,
        double confidence,
        int skipped) {

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** One certification's value of the statistic, its interval and verdict as certified. */
    public record Point(
            Instant at, String resultId, String hostname, double value, double low, double high, String verdict) {}

    /**
     * A stretch without a detected change: points {@code [from, to)}; {@code runMean} and its
     * interval [{@code low}, {@code high}] are the level of the per-run statistic (long-run
     * variance, so correlated runs do not narrow it); {@code merged} is the statistic of the
     * stretch's distributions merged into one (histograms added), when they are stored.
     */
    public record Level(
            int from,
            int to,
            Instant start,
            Instant end,
            double runMean,
            double low,
            double high,
            OptionalDouble merged) {
        /** The level as reported: the merged distribution's statistic, else the mean of the runs'. */
        public double value() {
            return merged.orElse(runMean);
        }

        public int runs() {
            return to - from;
        }
    }

    /**
     * A change: between {@code lastBefore} (the last run of the earlier level) and
     * {@code firstAfter}, the statistic went from {@code before} to {@code after}; {@code shift}
     * is the change of the per-run level with its interval.
     */
    public record Step(
            int at,
            Instant lastBefore,
            Instant firstAfter,
            Level before,
            Level after,
            double shift,
            double shiftLow,
            double shiftHigh) {}

    public boolean changed() {
        return !steps.isEmpty();
    }

    /** "restart-read latency p99" or "halo (messageSize 8 KiB) rtt p50". */
    public String label() {
        return requirementId + (variant == null ? "" : " (" + variant + ")") + " " + metric + " " + statistic;
    }

    /** Whether moving from {@code before} to {@code after} moves away from what the spec asks. */
    public boolean worse(Step s) {
        boolean rose = s.after().value() > s.before().value();
        return comparator != null && (comparator.startsWith("<") ? rose : !rose);
    }

    /**
     * One sentence: "p99 restart-read latency on node17 rose from 1.9 ms to 3.1 ms [2.8, 3.4]
     * between 2026-11-12 and 2026-11-19 (per-run level +1.2 ms [0.9, 1.5]; worse for <= 2 ms)".
     */
    public String describe(Step s) {
        String verb = s.after().value() > s.before().value() ? "rose" : "fell";
        String name = statistic + " " + requirementId + (variant == null ? "" : " (" + variant + ")") + " " + metric;
        return name + " on " + subject + " " + verb + " from "
                + format(s.before().value()) + " to "
                + formatWithInterval(
                        s.after().value(), s.after().low(), s.after().high()) + " between "
                + DAY.format(s.lastBefore()) + " and " + DAY.format(s.firstAfter()) + " (per-run level "
                + (s.shift() > 0 ? "+" : "") + formatWithInterval(s.shift(), s.shiftLow(), s.shiftHigh())
                + (comparator == null
                        ? ""
                        : "; " + (worse(s) ? "worse" : "better") + " for " + comparator + " " + format(threshold))
                + ")";
    }

    /** One sentence for a series without a change. */
    public String describeSteady() {
        Level l = levels.get(levels.size() - 1);
        return statistic + " " + requirementId + (variant == null ? "" : " (" + variant + ")") + " " + metric + " on "
                + subject + ": no change in " + points.size() + " runs ("
                + DAY.format(points.get(0).at()) + " to "
                + DAY.format(points.get(points.size() - 1).at()) + "), "
                + formatWithInterval(l.value(), l.low(), l.high());
    }

    private Dimension dimension() {
        return Dimension.ofUnit(unit == null ? "" : unit).orElse(Dimension.RATIO);
    }

    String format(double v) {
        return Double.isFinite(v) ? new Quantity(v, dimension()).format() : String.valueOf(v);
    }

    String formatWithInterval(double v, double low, double high) {
        return Double.isFinite(v) ? new Quantity(v, dimension()).formatWithInterval(low, high) : String.valueOf(v);
    }
}
