package io.iocert.probes.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HiccupLoopTest {
    private static final long MS = 1_000_000L;

    /** A clock that only moves when a quantum "runs", by the scripted durations. */
    private static final class ScriptedTime {
        long now;
        final Deque<Long> durations = new ArrayDeque<>();

        ScriptedTime(List<Long> ds) {
            durations.addAll(ds);
        }

        void quantum() {
            now += durations.isEmpty() ? MS : durations.removeFirst();
        }
    }

    @Test
    void shouldRecordTheExcessOverTheExpectedTimeOfEachQuantum() throws Exception {
        ScriptedTime t = new ScriptedTime(List.of(MS, MS + 200_000, MS + 50_000, MS));
        Histogram h = new Histogram(3);
        HiccupLoop loop = new HiccupLoop(() -> t.now, t::quantum, MS, h);
        loop.run(0, 4 * MS);
        assertEquals(4, loop.measuredQuanta());
        assertEquals(4, h.getTotalCount());
        assertEquals(0, h.getMinValue());
        assertEquals(200_000, h.getMaxValue(), 200);
        assertEquals(1, h.getCountBetweenValues(49_000, 51_000));
    }

    @Test
    void shouldFillInTheQuantaAStallKeptFromRunning() throws Exception {
        // One 1-ms quantum takes 51 ms: a 50-ms hiccup, during which 50 quanta could not start.
        ScriptedTime t = new ScriptedTime(List.of(MS, 51 * MS, MS));
        Histogram h = new Histogram(3);
        HiccupLoop loop = new HiccupLoop(() -> t.now, t::quantum, MS, h);
        loop.run(0, 53 * MS);
        assertEquals(3, loop.measuredQuanta());
        // 50 ms, then 49, 48, ... 1 ms added for the quanta the stall swallowed, plus the two clean ones.
        assertEquals(3 + 49, h.getTotalCount());
        assertEquals(50 * MS, h.getMaxValue(), 50 * MS / 1000);
        assertEquals(25 * MS, h.getValueAtPercentile(50), MS);
    }

    @Test
    void shouldNotRecordQuantaThatStartDuringTheWarmup() throws Exception {
        ScriptedTime t = new ScriptedTime(List.of(30 * MS, MS, MS));
        Histogram h = new Histogram(3);
        HiccupLoop loop = new HiccupLoop(() -> t.now, t::quantum, MS, h);
        loop.run(10 * MS, 32 * MS);
        assertEquals(2, loop.measuredQuanta());
        assertEquals(0, h.getMaxValue());
    }

    @Test
    void shouldNotCountAQuantumThatEndsEarlyAsNegative() throws Exception {
        ScriptedTime t = new ScriptedTime(List.of(MS / 2));
        Histogram h = new Histogram(3);
        new HiccupLoop(() -> t.now, t::quantum, MS, h).run(0, MS / 2);
        assertEquals(1, h.getTotalCount());
        assertEquals(0, h.getMaxValue());
    }
}
