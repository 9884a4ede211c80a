package io.iocert.results;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * One metric measured for one requirement.
 *
 * <p>{@code histogram} holds per-operation values (latency, rtt, hiccup) in the canonical unit
 * (ns); it is shared, not copied, and must not be modified after construction.
 * {@code intervals} holds per-interval rates. {@code blocks}, when present, splits the
 * per-operation values into time blocks (see {@link BlockSeries}). {@code samples} counts what the statistics are
 * computed from: operations for histogram metrics, intervals for interval metrics.
 * {@code context} carries facts that qualify the measurement (filesystem type, "cacheAffected",
 * "peer": "loopback"). {@code error} is set when the probe failed; what was measured before
 * the failure is kept. {@code looks}, when present, says after which round of adaptive probing
 * the measurement was taken and how many the plan allowed ({@link LookPlan}); null for a
 * measurement probed in one go.
 */
public record Measurement(
        String id,
        String probe,
        String metric,
        String unit,
        Map<String, Object> workload,
        long samples,
        Summary summary,
        Histogram histogram,
        IntervalSeries intervals,
        BlockSeries blocks,
        Map<String, String> context,
        String error,
        LookPlan looks) {

    public Measurement {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(unit, "unit");
        workload = Collections.unmodifiableMap(new LinkedHashMap<>(workload));
        context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
    }

    /** A measurement without a look plan: probed in one go. */
    public Measurement(
            String id,
            String probe,
            String metric,
            String unit,
            Map<String, Object> workload,
            long samples,
            Summary summary,
            Histogram histogram,
            IntervalSeries intervals,
            BlockSeries blocks,
            Map<String, String> context,
            String error) {
        this(id, probe, metric, unit, workload, samples, summary, histogram, intervals, blocks, context, error, null);
    }

    /** A measurement without time blocks. */
    public Measurement(
            String id,
            String probe,
            String metric,
            String unit,
            Map<String, Object> workload,
            long samples,
            Summary summary,
            Histogram histogram,
            IntervalSeries intervals,
            Map<String, String> context,
            String error) {
        this(id, probe, metric, unit, workload, samples, summary, histogram, intervals, null, context, error, null);
    }

    /** The same measurement with {@code blocks} attached. */
    public Measurement withBlocks(BlockSeries blocks) {
        return new Measurement(
                id, probe, metric, unit, workload, samples, summary, histogram, intervals, blocks, context, error,
                looks);
    }

    /** The same measurement with {@code intervals} in place of its own. */
    public Measurement withIntervals(IntervalSeries intervals) {
        return new Measurement(
                id, probe, metric, unit, workload, samples, summary, histogram, intervals, blocks, context, error,
                looks);
    }

    /** The same measurement with {@code context} in place of its own. */
    public Measurement withContext(Map<String, String> context) {
        return new Measurement(
                id, probe, metric, unit, workload, samples, summary, histogram, intervals, blocks, context, error,
                looks);
    }

    /** The same measurement with {@code error} set (or cleared, with null). */
    public Measurement withError(String error) {
        return new Measurement(
                id, probe, metric, unit, workload, samples, summary, histogram, intervals, blocks, context, error,
                looks);
    }

    /** The same measurement with {@code looks} as its plan (or none, with null). */
    public Measurement withLooks(LookPlan looks) {
        return new Measurement(
                id, probe, metric, unit, workload, samples, summary, histogram, intervals, blocks, context, error,
                looks);
    }

    public Optional<LookPlan> looksIfPresent() {
        return Optional.ofNullable(looks);
    }

    public Optional<BlockSeries> blocksIfPresent() {
        return Optional.ofNullable(blocks);
    }

    public Optional<Histogram> histogramIfPresent() {
        return Optional.ofNullable(histogram);
    }

    public Optional<IntervalSeries> intervalsIfPresent() {
        return Optional.ofNullable(intervals);
    }

    public Optional<String> errorIfPresent() {
        return Optional.ofNullable(error);
    }

    /** A measurement that could not be taken at all. */
    public static Measurement failed(
            String id, String probe, String metric, String unit, Map<String, Object> workload, String error) {
        return new Measurement(id, probe, metric, unit, workload, 0, null, null, null, Map.of(), error);
    }
}
