package io.iocert.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundsTest {
    private static Measurement round(double... values) {
        List<Double> list = java.util.Arrays.stream(values).boxed().toList();
        return new Measurement(
                "w",
                "fs.write",
                "throughput",
                "B/s",
                Map.of(),
                values.length,
                Summary.of(list),
                null,
                new IntervalSeries(100_000_000L, list),
                Map.of("stoppedBy", "budget"),
                null);
    }

    @Test
    void shouldMoveTheLookPlanOnByOneRoundForEachRoundCombinedIn() {
        Measurement first = round(1, 2).withLooks(LookPlan.first(4));

        Measurement two = Rounds.combine(first, round(3));
        Measurement three = Rounds.combine(two, round(4, 5));

        assertEquals(new LookPlan(2, 4), two.looks());
        assertEquals(new LookPlan(3, 4), three.looks());
        assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0), three.intervals().values());
        assertEquals(Map.of("stoppedBy", "budget"), three.context());
    }

    @Test
    void shouldLeaveRoundsWithoutAPlanWithoutOne() {
        assertNull(Rounds.combine(round(1), round(2)).looks());
    }

    @Test
    void shouldRefuseARoundBeyondThePlan() {
        Measurement last = round(1).withLooks(new LookPlan(2, 2));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rounds.combine(last, round(2)));

        assertEquals("round 3 of 2: a look plan needs 1 <= round <= maxRounds", e.getMessage());
    }
}
