package io.iocert.probes.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.ProbeException;
import io.iocert.spec.ProbeType;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** How the net probes fit warm-up and measured time into a budget. */
class NetWorkloadTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    private static final ProbeType P = ProbeType.NET_PINGPONG;

    @Test
    void shouldMeasureTenSecondsAfterOneSecondOfWarmupByDefault() throws Exception {
        NetWorkload.Timing t = NetWorkload.plan(P, OptionalLong.empty(), OptionalLong.empty(), 60 * S);
        assertEquals(S, t.warmupNs());
        assertEquals(10 * S, t.durationNs());
        assertFalse(t.cutByBudget());
    }

    @Test
    void shouldShrinkTheDefaultToTheBudgetAndSaySo() throws Exception {
        NetWorkload.Timing t = NetWorkload.plan(P, OptionalLong.empty(), OptionalLong.empty(), 3 * S);
        assertEquals(300 * MS, t.warmupNs(), "a tenth of the time");
        assertEquals(2700 * MS, t.durationNs());
        assertTrue(t.cutByBudget());
    }

    @Test
    void shouldKeepAGivenDurationAndWarmupWhenTheyFit() throws Exception {
        NetWorkload.Timing t = NetWorkload.plan(P, OptionalLong.of(2 * S), OptionalLong.of(0), 60 * S);
        assertEquals(0, t.warmupNs());
        assertEquals(2 * S, t.durationNs());
        assertFalse(t.cutByBudget());
        NetWorkload.Timing d = NetWorkload.plan(P, OptionalLong.of(2 * S), OptionalLong.empty(), 60 * S);
        assertEquals(200 * MS, d.warmupNs(), "default warm-up: a tenth of the duration");
    }

    @Test
    void shouldCutAGivenDurationToTheBudget() throws Exception {
        NetWorkload.Timing t = NetWorkload.plan(P, OptionalLong.of(20 * S), OptionalLong.of(2 * S), 5 * S);
        assertEquals(2 * S, t.warmupNs());
        assertEquals(3 * S, t.durationNs());
        assertTrue(t.cutByBudget());
    }

    @Test
    void shouldRefuseABudgetThatDoesNotCoverTheWarmup() {
        ProbeException e = assertThrows(
                ProbeException.class, () -> NetWorkload.plan(P, OptionalLong.of(S), OptionalLong.of(2 * S), S));
        assertTrue(e.getMessage().contains("does not cover the warmup of 2 s"), e.getMessage());
    }

    @Test
    void shouldSayABudgetShareIsUsedUpRatherThanReportANegativeWarmup() {
        // A budget that rounds to nothing, or that set-up has spent, left -1.84 ms to share out.
        for (OptionalLong duration : new OptionalLong[] {OptionalLong.empty(), OptionalLong.of(S)}) {
            ProbeException e = assertThrows(
                    ProbeException.class, () -> NetWorkload.plan(P, duration, OptionalLong.empty(), -1_840_000L));
            assertEquals(
                    "net.pingpong has no time left to measure: its budget share is used up before it starts;"
                            + " raise the budget",
                    e.getMessage());
        }
    }
}
