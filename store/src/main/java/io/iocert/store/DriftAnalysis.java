package io.iocert.store;

import io.iocert.certifier.stats.Estimators;
import io.iocert.certifier.stats.Sample;
import io.iocert.results.Measurement;
import io.iocert.spec.Statistic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Change points in the statistics a node (or an instance type) was certified on, across its
 * stored certifications against one spec. Each series is one statistic of one requirement
 * (and variant): the per-run values the verdicts were reached on, in the order the results were
 * measured. The detector finds the changes at a stated false-alarm rate; each level is then
 * also reported as the statistic of its runs' distributions merged (never an average of
 * percentiles).
 */
public final class DriftAnalysis {

    /** What to analyse and how. */
    public record Options(
            Optional<String> requirement,
            Optional<String> statistic,
            double falseAlarmRate,
            int minSegment,
            double confidence,
            boolean mergeLevels) {
        /** Options whose levels are also measured on their merged distributions. */
        public Options(
                Optional<String> requirement,
                Optional<String> statistic,
                double falseAlarmRate,
                int minSegment,
                double confidence) {
            this(requirement, statistic, falseAlarmRate, minSegment, confidence, true);
        }

        /** The same without merging each level's distributions (levels as the mean of their runs). */
        public Options withoutMerging() {
            return new Options(requirement, statistic, falseAlarmRate, minSegment, confidence, false);
        }

        public Options {
            if (!(falseAlarmRate > 0 && falseAlarmRate < 1)) {
                throw new IllegalArgumentException("false-alarm rate must lie in (0, 1): " + falseAlarmRate);
            }
            if (!(confidence > 0 && confidence < 1)) {
                throw new IllegalArgumentException("confidence must lie in (0, 1): " + confidence);
            }
            if (minSegment < 2) {
                throw new IllegalArgumentException("a level needs at least 2 runs: " + minSegment);
            }
        }

        /**
         * A 5% false-alarm rate, levels of at least 5 runs (their critical values are precomputed;
         * DriftSimulationTest, docs/history.md), 95% intervals.
         */
        public static Options defaults() {
            return new Options(Optional.empty(), Optional.empty(), 0.05, 5, 0.95);
        }
    }

    private final ChangeDetector detector;

    DriftAnalysis(ChangeDetector detector) {
        this.detector = detector;
    }

    /** The analysis with the certifier's change-point method. */
    public static DriftAnalysis standard() {
        return new DriftAnalysis(new CertifierChangePoints());
    }

    /** Every series of the selected nodes' certifications against {@code specName}, each analysed. */
    public List<Drift> analyse(ResultStore store, ResultStore.Selector selector, String specName, Options options)
            throws StoreException {
        return analyse(store, selector, store.verdicts(selector, specName), options);
    }

    /** The same over verdict rows already read ({@link ResultStore#verdicts}). */
    public List<Drift> analyse(
            ResultStore store, ResultStore.Selector selector, List<ResultStore.StoredVerdict> verdicts, Options options)
            throws StoreException {
        Map<String, List<ResultStore.StoredVerdict>> series = new LinkedHashMap<>();
        for (ResultStore.StoredVerdict v : verdicts) {
            if (options.requirement().isPresent()
                    && !options.requirement().get().equals(v.requirementId())) {
                continue;
            }
            if (options.statistic().isPresent() && !options.statistic().get().equals(v.statistic())) {
                continue;
            }
            series.computeIfAbsent(v.seriesKey(), k -> new ArrayList<>()).add(v);
        }
        List<Drift> out = new ArrayList<>();
        // The statistics of one requirement (p50 and p99 of one latency) usually change at the
        // same runs: their levels' distributions are read and merged once.
        Map<String, Optional<Measurement>> merged = new HashMap<>();
        for (List<ResultStore.StoredVerdict> rows : series.values()) {
            out.add(series(store, selector, rows, options, merged));
        }
        return out;
    }

    private Drift series(
            ResultStore store,
            ResultStore.Selector selector,
            List<ResultStore.StoredVerdict> rows,
            Options options,
            Map<String, Optional<Measurement>> mergedCache)
            throws StoreException {
        List<Drift.Point> points = new ArrayList<>();
        int skipped = 0;
        for (ResultStore.StoredVerdict v : rows) {
            if (Double.isFinite(v.measured())) {
                points.add(new Drift.Point(
                        v.startedAt(), v.resultId(), v.hostname(), v.measured(), v.ciLow(), v.ciHigh(), v.verdict()));
            } else {
                skipped++;
            }
        }
        ResultStore.StoredVerdict first = rows.get(0);
        String subject = selector.node()
                .orElseGet(() -> "instance type " + selector.instanceType().get());
        if (points.isEmpty()) {
            return new Drift(
                    subject,
                    first.requirementId(),
                    first.variant(),
                    first.metric(),
                    first.statistic(),
                    first.unit(),
                    first.comparator(),
                    first.threshold(),
                    List.of(),
                    List.of(),
                    List.of(),
                    options.falseAlarmRate(),
                    options.confidence(),
                    skipped);
        }
        double[] x = points.stream().mapToDouble(Drift.Point::value).toArray();
        ChangeDetector.Segmentation seg =
                detector.detect(x, options.falseAlarmRate(), options.minSegment(), options.confidence());
        List<Drift.Level> levels = new ArrayList<>();
        for (ChangeDetector.Level l : seg.levels()) {
            List<String> ids = points.subList(l.from(), l.to()).stream()
                    .map(Drift.Point::resultId)
                    .toList();
            levels.add(new Drift.Level(
                    l.from(),
                    l.to(),
                    points.get(l.from()).at(),
                    points.get(l.to() - 1).at(),
                    l.mean(),
                    l.low(),
                    l.high(),
                    options.mergeLevels()
                            ? merged(store, ids, first, options.confidence(), mergedCache)
                            : OptionalDouble.empty()));
        }
        List<Drift.Step> steps = new ArrayList<>();
        for (ChangeDetector.Shift s : seg.shifts()) {
            Drift.Level before =
                    levels.stream().filter(l -> l.to() == s.at()).findFirst().orElseThrow();
            Drift.Level after =
                    levels.stream().filter(l -> l.from() == s.at()).findFirst().orElseThrow();
            steps.add(new Drift.Step(
                    s.at(),
                    points.get(s.at() - 1).at(),
                    points.get(s.at()).at(),
                    before,
                    after,
                    s.shift(),
                    s.low(),
                    s.high()));
        }
        return new Drift(
                subject,
                first.requirementId(),
                first.variant(),
                first.metric(),
                first.statistic(),
                first.unit(),
                first.comparator(),
                first.threshold(),
                List.copyOf(points),
                List.copyOf(levels),
                List.copyOf(steps),
                seg.falseAlarmRate(),
                options.confidence(),
                skipped);
    }

    /** The statistic of the runs' distributions merged into one; empty when none is stored. */
    private static OptionalDouble merged(
            ResultStore store,
            List<String> resultIds,
            ResultStore.StoredVerdict row,
            double confidence,
            Map<String, Optional<Measurement>> cache)
            throws StoreException {
        Optional<Statistic> statistic = Statistic.parse(row.statistic());
        if (statistic.isEmpty() || row.metric() == null) {
            return OptionalDouble.empty();
        }
        String key = row.requirementId() + "\u0000" + row.metric() + "\u0000" + row.variant() + "\u0000"
                + String.join(",", resultIds);
        Optional<Measurement> m = cache.get(key);
        if (m == null) {
            m = store.merged(resultIds, row.requirementId(), row.metric(), row.variant());
            cache.put(key, m);
        }
        Optional<Sample> sample = m.flatMap(Sample::of);
        if (sample.isEmpty()) {
            return OptionalDouble.empty();
        }
        double v =
                Estimators.estimate(sample.get(), statistic.get(), confidence).value();
        return Double.isFinite(v) ? OptionalDouble.of(v) : OptionalDouble.empty();
    }
}
