package io.iocert.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.NanoClock;
import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.results.LookPlan;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.Rounds;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The adaptive loop driven by a fake clock and a fake probe: which budget each round gets, when
 * probing stops, and the look plan the measurements record. Nothing sleeps; a round takes
 * exactly the time the fake probe moves the clock on by.
 */
class ProbeRunnerTest {
    private static final long S = 1_000_000_000L;
    private static final Instant START = Instant.parse("2026-11-23T10:15:30Z");

    @TempDir
    Path dir;

    /** A monotonic clock that only the fake probe moves. */
    private static final class FakeClock implements NanoClock {
        long nowNs = 42 * S;

        @Override
        public long nanoTime() {
            return nowNs;
        }
    }

    /**
     * fs.write latency: {@code opsPerRound} operations a round, half at 1 ms and half at
     * {@code slowMs}; each round moves the clock on by {@code overrun} times its budget. With
     * {@code failAt}, that round throws.
     */
    private static final class FakeProbe implements Probe {
        final FakeClock clock;
        final int opsPerRound;
        final long slowMs;
        final double overrun;
        final int failAt;
        final List<Duration> budgets = new ArrayList<>();

        FakeProbe(FakeClock clock, int opsPerRound, long slowMs, double overrun, int failAt) {
            this.clock = clock;
            this.opsPerRound = opsPerRound;
            this.slowMs = slowMs;
            this.overrun = overrun;
            this.failAt = failAt;
        }

        @Override
        public ProbeType type() {
            return ProbeType.FS_WRITE;
        }

        @Override
        public List<Measurement> run(io.iocert.spec.Requirement r, ProbeContext context) throws ProbeException {
            budgets.add(context.budget());
            clock.nowNs += (long) (context.budget().toNanos() * overrun);
            // The runner hands the probes its own clock, so a probe's timing is as testable as the loop's.
            assertEquals(clock.nowNs, context.clock().nanoTime());
            if (budgets.size() == failAt) {
                throw new ProbeException("the disk went away in round " + failAt);
            }
            Histogram h = new Histogram(3);
            h.recordValueWithCount(1_000_000L, opsPerRound / 2);
            h.recordValueWithCount(slowMs * 1_000_000L, opsPerRound - opsPerRound / 2);
            return List.of(new Measurement(
                    r.id(), "fs.write", "latency", "ns", Map.of(), h.getTotalCount(), null, h, null, Map.of(), null));
        }
    }

    /** fs.write, 10-s budget, one latency statistic. */
    private static Spec spec(String statistic, String threshold) throws Exception {
        return SpecLoader.parse(
                String.join(
                        "\n",
                        "iocert: v1",
                        "name: fake",
                        "budget: 10s",
                        "requirements:",
                        "  - id: w",
                        "    probe: fs.write",
                        "    expect: {latency: {" + statistic + ": \"" + threshold + "\"}}",
                        ""),
                "fake.yaml");
    }

    private Result run(Spec spec, RunConfig.Plan plan, FakeClock clock, Optional<Probe> probe) throws Exception {
        RunConfig config = RunConfig.of(
                spec,
                new RunConfig.Overrides(
                        Optional.of(dir),
                        java.util.OptionalDouble.empty(),
                        Optional.empty(),
                        java.util.OptionalLong.empty()),
                plan);
        return new ProbeRunner(config, "test", RunListener.NONE, clock, Clock.fixed(START, ZoneOffset.UTC), t -> probe)
                .run();
    }

    @Test
    void shouldStopAfterTheFirstRoundWhenItsVerdictIsConclusive() throws Exception {
        FakeClock clock = new FakeClock();
        FakeProbe probe = new FakeProbe(clock, 2000, 1, 1.0, 0);

        Result r = run(spec("p50", "<= 2 ms"), RunConfig.Plan.ADAPTIVE, clock, Optional.of(probe));

        assertEquals(List.of(Duration.ofMillis(2500)), probe.budgets);
        Measurement m = r.measurements().get(0);
        assertEquals(new LookPlan(1, 4), m.looks());
        assertEquals(2000, m.samples());
    }

    @Test
    void shouldShareTheBudgetEquallyOverFourRoundsWhileTheVerdictStaysInconclusive() throws Exception {
        FakeClock clock = new FakeClock();
        // The median sits between 1 ms and 3 ms however many operations: never conclusive at 2 ms.
        FakeProbe probe = new FakeProbe(clock, 2000, 3, 1.0, 0);

        Result r = run(spec("p50", "<= 2 ms"), RunConfig.Plan.ADAPTIVE, clock, Optional.of(probe));

        assertEquals(Duration.ofMillis(2500), probe.budgets.get(0));
        assertEquals(
                List.of(Duration.ofMillis(2500)),
                probe.budgets.stream().distinct().toList());
        assertEquals(4, probe.budgets.size());
        Measurement m = r.measurements().get(0);
        assertEquals(new LookPlan(4, 4), m.looks());
        assertEquals(4 * 2000, m.samples());
        assertEquals(Long.toString(10 * S), m.context().get(Rounds.PROBED_NS));
    }

    @Test
    void shouldStopWhenTheBudgetIsSpentBeforeTheLastPlannedRound() throws Exception {
        FakeClock clock = new FakeClock();
        // Each round takes twice its share: the third uses up what the budget has left.
        FakeProbe probe = new FakeProbe(clock, 2000, 3, 2.0, 0);

        Result r = run(spec("p50", "<= 2 ms"), RunConfig.Plan.ADAPTIVE, clock, Optional.of(probe));

        // 10 s: a quarter; then a third of the 5 s left; then half of the 1.67 s left.
        assertEquals(
                List.of(
                        Duration.ofMillis(2500),
                        Duration.ofNanos(5 * S / 3),
                        Duration.ofNanos((5 * S - 2 * (5 * S / 3)) / 2)),
                probe.budgets);
        assertEquals(new LookPlan(3, 4), r.measurements().get(0).looks());
        assertEquals(3 * 2000, r.measurements().get(0).samples());
    }

    @Test
    void shouldKeepTheEarlierRoundsWhenALaterRoundFails() throws Exception {
        FakeClock clock = new FakeClock();
        FakeProbe probe = new FakeProbe(clock, 2000, 3, 1.0, 2);

        Result r = run(spec("p50", "<= 2 ms"), RunConfig.Plan.ADAPTIVE, clock, Optional.of(probe));

        assertEquals(2, probe.budgets.size());
        Measurement m = r.measurements().get(0);
        assertNull(m.error());
        assertEquals(new LookPlan(1, 4), m.looks());
        assertEquals(2000, m.samples());
    }

    @Test
    void shouldProbeOnceWithTheWholeBudgetAndNoLookPlanInOneRound() throws Exception {
        FakeClock clock = new FakeClock();
        FakeProbe probe = new FakeProbe(clock, 2000, 3, 1.0, 0);

        Result r = run(spec("p50", "<= 2 ms"), RunConfig.Plan.ONE_ROUND, clock, Optional.of(probe));

        assertEquals(List.of(Duration.ofSeconds(10)), probe.budgets);
        assertNull(r.measurements().get(0).looks());
        assertEquals(START, r.startedAt());
        assertEquals(START, r.endedAt());
        assertEquals(Result.FORMAT, r.format());
    }

    @Test
    void shouldGiveAProbeThatFailsBeforeMeasuringAnErrorMeasurement() throws Exception {
        FakeClock clock = new FakeClock();
        FakeProbe probe = new FakeProbe(clock, 2000, 3, 1.0, 1);

        Result r = run(spec("p50", "<= 2 ms"), RunConfig.Plan.ADAPTIVE, clock, Optional.of(probe));

        Measurement m = r.measurements().get(0);
        assertEquals("the disk went away in round 1", m.error());
        assertEquals("latency", m.metric());
        assertEquals(1, probe.budgets.size());
    }

    @Test
    void shouldReportAProbeMissingFromTheBuildAsAnError() throws Exception {
        Result r = run(spec("p50", "<= 2 ms"), RunConfig.Plan.ADAPTIVE, new FakeClock(), Optional.empty());

        Measurement m = r.measurements().get(0);
        assertEquals("probe not available: fs.write is not part of this build yet", m.error());
        assertNull(m.looks());
    }

    @Test
    void shouldWarnOnlyWhenTheRunIsAdaptive() throws Exception {
        // The first round measures 2,000 operations in 2.5 s on the fake clock: 8,000 in the 10-s budget at
        // that rate, short of the 36,887 a p99.99 needs. Only the round's rate tells, so the warning
        // comes after it.
        Spec spec = spec("p99.99", "<= 2 ms");
        for (RunConfig.Plan plan : RunConfig.Plan.values()) {
            FakeClock clock = new FakeClock();
            List<String> warnings = new ArrayList<>();
            RunListener listener = new RunListener() {
                @Override
                public void start(String requirementId, String probe) {}

                @Override
                public void clear() {}

                @Override
                public void warn(String message) {
                    warnings.add(message);
                }

                @Override
                public void update(String requirementId, double fractionDone, String status) {}
            };
            FakeProbe probe = new FakeProbe(clock, 2000, 1, 1.0, 0);
            RunConfig config = RunConfig.of(spec, RunConfig.Overrides.NONE, plan);
            Result r = new ProbeRunner(
                            config,
                            "test",
                            listener,
                            clock,
                            Clock.fixed(START, ZoneOffset.UTC),
                            t -> Optional.of(probe))
                    .run();

            String note = r.measurements().get(0).context().get(ProbeRunner.FEASIBILITY);
            if (plan == RunConfig.Plan.ADAPTIVE) {
                assertEquals(1, warnings.size(), warnings.toString());
                assertTrue(
                        warnings.get(0).contains("needs at least 36,887 operations")
                                && warnings.get(0).contains("the first round measured "),
                        warnings.get(0));
                assertEquals(String.join(" | ", warnings), note);
            } else {
                assertEquals(List.of(), warnings);
                assertNull(note);
            }
        }
    }
}
