package io.iocert.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.stats.Estimators;
import io.iocert.certifier.stats.Sample;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.spec.Statistic;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drift through the store: a history with a step is found, dated and measured; a steady one is not. */
class DriftAnalysisTest {
    private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");
    private static final long WEEK = 7 * 86_400L;

    @TempDir
    Path dir;

    @Test
    void shouldFindTheWeekTheP99RoseAndMeasureBothLevelsFromMergedHistograms() throws Exception {
        List<Result> runs = new ArrayList<>();
        try (ResultStore store =
                ResultStore.open(StoreLocation.parse(dir.resolve("s.db").toString()), true)) {
            for (int week = 0; week < 16; week++) {
                // Median 0.8 ms (p99 about 1.85 ms) for 8 weeks, then 1.3 ms (p99 about 3 ms).
                Result r = StoreFixtures.result(
                        "node17",
                        "m7i.large",
                        T0.plusSeconds(WEEK * week),
                        week < 8 ? 800_000 : 1_300_000,
                        600e6,
                        1000 + week);
                runs.add(r);
                StoreFixtures.record(store, r, "run");
            }
            List<Drift> drifts = DriftAnalysis.standard()
                    .analyse(
                            store,
                            ResultStore.Selector.node("node17"),
                            "ocean-checkpoint",
                            DriftAnalysis.Options.defaults());
            assertEquals(2, drifts.size());
            Drift p99 = drifts.stream()
                    .filter(d -> d.statistic().equals("p99"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(1, p99.steps().size(), p99.toString());
            Drift.Step step = p99.steps().get(0);
            assertEquals(8, step.at());
            assertEquals(T0.plusSeconds(WEEK * 7), step.lastBefore());
            assertEquals(T0.plusSeconds(WEEK * 8), step.firstAfter());
            assertTrue(p99.worse(step));
            // Each level is the p99 of its runs' histograms merged, not a mean of p99s.
            Histogram before = new Histogram(3);
            runs.subList(0, 8).forEach(r -> before.add(r.measurements().get(0).histogram()));
            assertEquals(p99OfHistogram(before), step.before().value(), 1e-9);
            assertTrue(step.before().merged().isPresent());
            assertTrue(step.after().value() > 2.8e6 && step.after().value() < 3.3e6, step.toString());
            assertTrue(step.after().low() < step.after().runMean()
                    && step.after().runMean() < step.after().high());
            String text = p99.describe(step);
            assertTrue(text.startsWith("p99 restart-read latency on node17 rose from 1."), text);
            assertTrue(text.contains(" ms to 3.") || text.contains(" ms to 2.9"), text);
            assertTrue(text.contains("between 2026-11-19 and 2026-11-26"), text);
            assertTrue(text.contains("worse for <= 2 ms"), text);
            assertTrue(text.contains("(per-run level +1."), text);

            Drift throughput = drifts.stream()
                    .filter(d -> d.statistic().equals("p10"))
                    .findFirst()
                    .orElseThrow();
            assertFalse(throughput.changed(), throughput.toString());
            assertTrue(throughput.levels().get(0).merged().isPresent(), "interval values pooled across runs");
        }
    }

    @Test
    void shouldFindNoChangeInASteadyHistoryAndFilterBySeries() throws Exception {
        try (ResultStore store =
                ResultStore.open(StoreLocation.parse(dir.resolve("s.db").toString()), true)) {
            for (int week = 0; week < 16; week++) {
                StoreFixtures.record(
                        store,
                        StoreFixtures.result("node18", null, T0.plusSeconds(WEEK * week), 800_000, 600e6, 2000 + week),
                        "run");
            }
            List<Drift> drifts = DriftAnalysis.standard()
                    .analyse(
                            store,
                            ResultStore.Selector.node("node18"),
                            "ocean-checkpoint",
                            new DriftAnalysis.Options(
                                    java.util.Optional.of("restart-read"),
                                    java.util.Optional.of("p99"),
                                    0.05,
                                    5,
                                    0.95));
            assertEquals(1, drifts.size());
            assertFalse(drifts.get(0).changed());
            assertEquals(16, drifts.get(0).points().size());
            assertTrue(
                    drifts.get(0).describeSteady().contains("no change in 16 runs"),
                    drifts.get(0).describeSteady());
        }
    }

    private static double p99OfHistogram(Histogram h) {
        Measurement m = new Measurement(
                "restart-read", "fs.read", "latency", "ns", Map.of(), h.getTotalCount(), null, h, null, Map.of(), null);
        return Estimators.estimate(
                        Sample.of(m).orElseThrow(), Statistic.parse("p99").orElseThrow(), 0.95)
                .value();
    }
}
