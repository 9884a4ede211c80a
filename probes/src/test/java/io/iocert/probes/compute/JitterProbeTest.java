package io.iocert.probes.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.NanoClock;
import io.iocert.probes.ProbeException;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JitterProbeTest {
    private static final Duration BUDGET = Duration.ofSeconds(2);

    @ParameterizedTest
    @ValueSource(strings = {"sleep", "work"})
    void shouldRecordOneHiccupPerQuantumAtLeast(String mode) throws Exception {
        long start = System.nanoTime();
        List<Measurement> ms = new JitterProbe()
                .run(
                        ComputeTesting.requirement(
                                ProbeType.COMPUTE_JITTER, BUDGET, "mode", mode, "interval", Quantity.nanos(1_000_000)),
                        ComputeTesting.context(BUDGET, NanoClock.SYSTEM));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        Measurement m = ms.get(0);
        assertNull(m.error());
        assertEquals("hiccup", m.metric());
        assertEquals("ns", m.unit());
        long quanta = Long.parseLong(m.context().get("quanta"));
        long durationNs = (Long) m.workload().get("duration");
        // A sleep takes at least its interval; a work quantum about its calibrated time. The CPU
        // may run it faster later than in calibration (a quarter is allowed), much faster when
        // calibration was preempted on a busy machine (four times, for work, is allowed).
        long expectedNs = Long.parseLong(m.context().get("expectedQuantumNs"));
        assertTrue(expectedNs >= 500_000 && expectedNs <= 1_500_000, "expected quantum " + expectedNs + " ns for 1 ms");
        double slack = mode.equals("work") ? 4.0 : 1.25;
        assertTrue(
                quanta > 0 && quanta <= durationNs / expectedNs * slack + 1,
                quanta + " quanta in " + durationNs + " ns");
        assertTrue(m.samples() >= quanta, "coordinated-omission filling only adds values");
        assertEquals(m.samples(), m.histogram().getTotalCount());
        assertEquals(m.samples(), m.blocks().totalCount(), "every value, corrected ones too, sits in a time block");
        assertEquals(mode, m.context().get("mode"));
        assertTrue(elapsedMs < BUDGET.toMillis() + 1000, "took " + elapsedMs + " ms for a budget of " + BUDGET);
        System.out.printf(
                "jitter %s: %d quanta, p50 %.0f ns, p99.9 %.0f ns, max %.0f ns, took %d ms%n",
                mode, quanta, m.summary().p50(), m.summary().p999(), m.summary().max(), elapsedMs);
    }

    @Test
    void shouldRefuseADurationThatLeavesNoRoomInTheBudget() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> JitterProbe.timing(
                        JitterProbe.resolve(ComputeTesting.workload("duration", Quantity.nanos(5e9)), 2),
                        4_000_000_000L));
        assertTrue(e.getMessage().contains("fit the budget of 4 s"), e.getMessage());
    }

    @Test
    void shouldRejectAnIntervalOutsideItsRange() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> JitterProbe.resolve(ComputeTesting.workload("interval", Quantity.nanos(1000)), 2));
        assertTrue(e.getMessage().startsWith("interval 1 us is outside"), e.getMessage());
    }
}
