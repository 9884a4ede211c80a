package io.iocert.probes.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iocert.probes.NanoClock;
import io.iocert.probes.measure.IntervalAccumulator;
import io.iocert.probes.measure.IntervalTracker;
import java.util.List;
import java.util.OptionalLong;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** Interval and latency bookkeeping against a scripted clock: exact, no real time involved. */
class IntervalBookkeepingTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    /** Returns the scripted readings in order; fails the test if read more often than scripted. */
    private static final class ScriptedClock implements NanoClock {
        private final long[] readings;
        private int next;

        ScriptedClock(long... readings) {
            this.readings = readings;
        }

        @Override
        public long nanoTime() {
            return readings[next++];
        }
    }

    @Test
    void shouldCountSteadyOperationsIntoWholeIntervalsAndDropThePartialTail() {
        // Ten 250 ms operations of 1000 bytes back to back from t=0: 2.5 s, so two whole 1-s intervals.
        long[] readings = new long[20];
        for (int i = 0; i < 10; i++) {
            readings[2 * i] = i * 250 * MS;
            readings[2 * i + 1] = (i + 1) * 250 * MS;
        }
        Histogram latency = new Histogram(3);
        IntervalTracker intervals = new IntervalTracker(0, OptionalLong.of(S));
        OperationRecorder r = new OperationRecorder(new ScriptedClock(readings), latency, intervals, 0);
        for (int i = 0; i < 10; i++) {
            long start = r.now();
            r.finish(start, 1000);
        }

        IntervalTracker.Series s = intervals.series(r.spanNs());
        assertEquals(2500 * MS, r.spanNs());
        assertEquals(S, s.intervalNs());
        assertEquals(List.of(4000.0, 4000.0), s.throughput().values());
        assertEquals(List.of(4.0, 4.0), s.iops().values());
        assertEquals(10, latency.getTotalCount());
        assertEquals(250 * MS, latency.getMaxValue(), 250 * MS / 1000.0);
        assertEquals(10, r.measuredOps());
        assertEquals(10_000, r.measuredBytes());
    }

    @Test
    void shouldSplitAnOperationAcrossTheIntervalsItSpans() {
        IntervalAccumulator a = new IntervalAccumulator(0, S, 100);
        a.add(900 * MS, 1100 * MS, 1000);
        a.add(1100 * MS, 3100 * MS, 2000);

        // The second op spends 0.9 s of its 2 s in [1, 2), 1 s in [2, 3) and 0.1 s in the tail.
        assertEquals(List.of(500.0, 500.0 + 900.0, 1000.0), a.bytesPerSecond(S, 3 * S));
        List<Double> ops = a.opsPerSecond(S, 3 * S);
        assertEquals(0.5, ops.get(0), 1e-12);
        assertEquals(0.5 + 0.45, ops.get(1), 1e-12);
        assertEquals(0.5, ops.get(2), 1e-12);
    }

    @Test
    void shouldLeaveWarmupOutOfLatencyAndIntervals() {
        // Origin (end of warm-up) at 1 s. The first operation runs 0.5-1.5 s: half its bytes fall after the
        // origin, but it started in the warm-up, so its latency is not recorded.
        long origin = S;
        ScriptedClock clock = new ScriptedClock(500 * MS, 1500 * MS, 1500 * MS, 2000 * MS, 2000 * MS, 3100 * MS);
        Histogram latency = new Histogram(3);
        IntervalTracker intervals = new IntervalTracker(origin, OptionalLong.of(500 * MS));
        OperationRecorder r = new OperationRecorder(clock, latency, intervals, origin);
        for (int i = 0; i < 3; i++) {
            long start = r.now();
            r.finish(start, 1000);
        }
        r.flush(); // the histogram and the tracker hold operations once flushed (a FilePass does at its end)

        assertEquals(2, latency.getTotalCount());
        assertEquals(2000, r.measuredBytes());
        assertEquals(2100 * MS, r.spanNs());
        IntervalTracker.Series s = intervals.series(r.spanNs());
        // 0.5 s intervals from the origin: [1, 1.5) gets 500 B of the warm-up-straddling op, [1.5, 2) 1000 B,
        // [2, 2.5) and [2.5, 3) 1000 * 500/1100 B each; [3, 3.1) is a partial tail.
        double perHalf = 1000 * 500.0 / 1100;
        List<Double> expected = List.of(1000.0, 2000.0, perHalf * 2, perHalf * 2);
        List<Double> actual = s.throughput().values();
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), 1e-9);
        }
    }

    @Test
    void shouldAccountOperationsInBatchesAndAllOfThemOnceFlushed() {
        // Two batches and 22 more operations of 1 ms each, back to back from t=0, 100 bytes each.
        int batch = OperationRecorder.BATCH;
        int n = 2 * batch + 22;
        long[] readings = new long[2 * n];
        for (int i = 0; i < n; i++) {
            readings[2 * i] = i * MS;
            readings[2 * i + 1] = (i + 1) * MS;
        }
        Histogram latency = new Histogram(3);
        IntervalTracker intervals = new IntervalTracker(0, OptionalLong.of(10 * MS));
        OperationRecorder r = new OperationRecorder(new ScriptedClock(readings), latency, intervals, 0);
        for (int i = 0; i < batch - 1; i++) {
            long start = r.now();
            r.finish(start, 100);
        }
        assertEquals(0, latency.getTotalCount(), "nothing accounted before a batch is full");
        long start = r.now();
        r.finish(start, 100);
        assertEquals(batch, latency.getTotalCount(), "a full batch is accounted at once");
        for (int i = batch; i < n; i++) {
            long s = r.now();
            r.finish(s, 100);
        }
        assertEquals(2 * batch, latency.getTotalCount());
        // Every accessor flushes what is kept: the last 22 operations are not lost.
        assertEquals(n, r.measuredOps());
        assertEquals(n, latency.getTotalCount());
        assertEquals(100L * n, r.measuredBytes());
        assertEquals(n * MS, r.spanNs());
        assertEquals(n, r.blocks().series().totalCount());
        List<Double> tput = intervals.series(r.spanNs()).throughput().values();
        assertEquals(n / 10, tput.size());
        for (double v : tput) {
            assertEquals(1000 / 0.01, v, 1e-6); // 10 operations of 100 B in every 10 ms
        }
        assertEquals(MS, latency.getMinValue(), MS / 1000.0);
        assertEquals(MS, latency.getMaxValue(), MS / 1000.0);
    }

    @Test
    void shouldChooseShorterIntervalsForShortRunsSoThereAreAtLeastTen() {
        assertEquals(S, IntervalTracker.chooseIntervalNs(60 * S));
        assertEquals(S, IntervalTracker.chooseIntervalNs(10 * S));
        assertEquals(500 * MS, IntervalTracker.chooseIntervalNs(10 * S - 1));
        assertEquals(100 * MS, IntervalTracker.chooseIntervalNs(S));
        assertEquals(2 * MS, IntervalTracker.chooseIntervalNs(25 * MS));
        assertEquals(MS, IntervalTracker.chooseIntervalNs(3 * MS));
    }

    @Test
    void shouldGiveTenIntervalsOfAShortRunWhoseMeanTimesTheSpanIsTheBytes() {
        // 2 s of 10-ms operations of 4096 bytes: no interval given, so 200 ms intervals.
        IntervalTracker t = new IntervalTracker(0, OptionalLong.empty());
        for (long at = 0; at < 2 * S; at += 10 * MS) {
            t.add(at, at + 10 * MS, 4096);
        }

        IntervalTracker.Series s = t.series(2 * S);
        assertEquals(200 * MS, s.intervalNs());
        assertEquals(10, s.throughput().values().size());
        double mean = s.throughput().values().stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElseThrow();
        assertEquals(200 * 4096, mean * 2, 1e-6);
    }

    @Test
    void shouldMergeThreadsBySummingTheirIntervals() {
        IntervalTracker a = new IntervalTracker(0, OptionalLong.of(S));
        IntervalTracker b = new IntervalTracker(0, OptionalLong.of(S));
        a.add(0, S, 100);
        b.add(0, 2 * S, 400);
        a.merge(b);

        assertEquals(List.of(300.0, 200.0), a.series(2 * S).throughput().values());
        assertEquals(List.of(1.5, 0.5), a.series(2 * S).iops().values());
    }
}
