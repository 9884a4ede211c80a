package io.iocert.probes.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.ProbeException;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class JmhPlanTest {
    private static final long S = 1_000_000_000L;

    @Test
    void shouldFitWarmupAndMeasurementIntoWhatTheForkLeavesOfTheBudget() throws Exception {
        JmhPlan p = JmhPlan.fit("compute.flops", 4 * S, 0, OptionalLong.empty());
        long available = 4 * S - JmhPlan.FORK_RESERVE_NS;
        assertTrue(p.measuredNs() + p.warmupNs() <= available, p.toString());
        assertTrue(p.measurementIterations() >= 10, p.toString());
        assertTrue(p.warmupIterations() >= 1, p.toString());
        assertEquals(0, p.iterationNs() % 1_000_000L, "JMH takes whole milliseconds");
    }

    @Test
    void shouldMeasureExactlyTheRequestedDurationInWholeIterations() throws Exception {
        JmhPlan p = JmhPlan.fit("compute.flops", 120 * S, 0, OptionalLong.of(50 * S));
        assertEquals(50 * S, p.measuredNs());
        assertEquals(S, p.iterationNs());
        assertEquals(10, p.warmupIterations());
    }

    @Test
    void shouldCountTheSetupAgainstTheBudget() throws Exception {
        JmhPlan small = JmhPlan.fit("m", 4 * S, 0, OptionalLong.empty());
        JmhPlan withSetup = JmhPlan.fit("m", 4 * S, S / 2, OptionalLong.empty());
        assertTrue(withSetup.measuredNs() < small.measuredNs());
    }

    @Test
    void shouldRefuseADurationThatDoesNotFitTheBudget() {
        ProbeException e = assertThrows(
                ProbeException.class, () -> JmhPlan.fit("compute.flops", 4 * S, 0, OptionalLong.of(10 * S)));
        assertTrue(e.getMessage().contains("does not fit the budget of 4 s"), e.getMessage());
    }

    @Test
    void shouldRefuseABudgetTooShortForADistribution() {
        ProbeException e =
                assertThrows(ProbeException.class, () -> JmhPlan.fit("compute.flops", 1 * S, 0, OptionalLong.empty()));
        assertTrue(e.getMessage().contains("raise"), e.getMessage());
    }
}
