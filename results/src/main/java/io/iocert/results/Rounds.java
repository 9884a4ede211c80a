package io.iocert.results;

import io.iocert.spec.ProbeType;
import io.iocert.spec.WorkloadKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Combines the measurements of repeated rounds of one probe (adaptive probing runs a probe
 * again until the verdict is conclusive) into one measurement per metric: histograms added,
 * time blocks and interval values appended in round order, summary recomputed. The workload
 * is the first round's; the context is the latest round's; the look plan ({@link LookPlan}),
 * when the earlier rounds have one, moves on by one round.
 */
public final class Rounds {
    /**
     * Context key: the wall-clock time spent probing the measurement, all rounds together, in
     * nanoseconds. An inconclusive verdict turns "how many more samples" into "what budget"
     * at the rate this run measured.
     */
    public static final String PROBED_NS = "probedNs";

    private Rounds() {}

    /**
     * Whether {@code next} can be appended to {@code sofar}: same requirement, probe, metric and
     * unit, and interval values of the same interval length.
     */
    public static boolean compatible(Measurement sofar, Measurement next) {
        if (!sofar.id().equals(next.id())
                || !sofar.probe().equals(next.probe())
                || !sofar.metric().equals(next.metric())
                || !sofar.unit().equals(next.unit())) {
            return false;
        }
        // The same part of the requirement: the same size of a sweep, the same stream.
        for (String key : PART_KEYS) {
            if (!java.util.Objects.equals(
                    sofar.context().get(key), next.context().get(key))) {
                return false;
            }
        }
        for (Map.Entry<String, Object> e : sofar.workload().entrySet()) {
            if (!LENGTH_KEYS.contains(e.getKey())
                    && next.workload().containsKey(e.getKey())
                    && !String.valueOf(e.getValue())
                            .equals(String.valueOf(next.workload().get(e.getKey())))) {
                return false;
            }
        }
        return sofar.intervals() == null
                || next.intervals() == null
                || sofar.intervals().intervalNs() == next.intervals().intervalNs();
    }

    /** Context keys that name which part of a requirement a measurement is (a sweep size, one stream). */
    static final java.util.Set<String> PART_KEYS = ProbeType.allVariantKeys();
    /**
     * Workload keys that only say how long a round ran, which adaptive rounds may vary: the run's
     * length, the interval picked from it, and the bytes fs.read and fs.write moved in it.
     */
    static final java.util.Set<String> LENGTH_KEYS = lengthKeys();

    private static java.util.Set<String> lengthKeys() {
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(WorkloadKey.RUN_LENGTH);
        keys.add(ProbeType.INTERVAL);
        keys.add("totalSize");
        return java.util.Collections.unmodifiableSet(keys);
    }

    /** {@code sofar} and {@code next} as one measurement; see {@link #compatible}. */
    public static Measurement combine(Measurement sofar, Measurement next) {
        if (!compatible(sofar, next)) {
            throw new IllegalArgumentException("rounds of " + sofar.id() + "/" + sofar.metric() + " do not combine");
        }
        Histogram histogram = null;
        if (sofar.histogram() != null || next.histogram() != null) {
            histogram = new Histogram(3);
            if (sofar.histogram() != null) {
                histogram.add(sofar.histogram());
            }
            if (next.histogram() != null) {
                histogram.add(next.histogram());
            }
        }
        IntervalSeries intervals = sofar.intervals();
        if (next.intervals() != null) {
            if (intervals == null) {
                intervals = next.intervals();
            } else {
                List<Double> values = new ArrayList<>(intervals.values());
                values.addAll(next.intervals().values());
                intervals = new IntervalSeries(intervals.intervalNs(), values);
            }
        }
        BlockSeries blocks = sofar.blocks() == null
                ? next.blocks()
                : next.blocks() == null ? sofar.blocks() : append(sofar.blocks(), next.blocks());
        long samples = histogram != null
                ? histogram.getTotalCount()
                : intervals != null ? intervals.values().size() : 0;
        Summary summary =
                histogram != null ? Summary.of(histogram) : intervals != null ? Summary.of(intervals.values()) : null;
        Map<String, String> context = new LinkedHashMap<>(next.context());
        LookPlan looks = sofar.looks() == null ? null : sofar.looks().next();
        String error = next.error() != null ? next.error() : sofar.error();
        return new Measurement(
                sofar.id(),
                sofar.probe(),
                sofar.metric(),
                sofar.unit(),
                sofar.workload(),
                samples,
                summary,
                histogram,
                intervals,
                blocks,
                context,
                error,
                looks);
    }

    /** Blocks of both rounds in order, the finer coarsened to the longer block length. */
    static BlockSeries append(BlockSeries a, BlockSeries b) {
        long len = Math.max(a.blockNs(), b.blockNs());
        List<Histogram> all = new ArrayList<>(coarsen(a, len));
        all.addAll(coarsen(b, len));
        return new BlockSeries(len, all);
    }

    private static List<Histogram> coarsen(BlockSeries s, long len) {
        List<Histogram> current = new ArrayList<>();
        for (Histogram h : s.histograms()) {
            current.add(h.copy());
        }
        for (long l = s.blockNs(); l < len; l *= 2) {
            current = BlockRecorder.pairUp(current);
        }
        return current;
    }
}
