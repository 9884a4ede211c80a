package io.iocert.certifier;

import static io.iocert.certifier.Fixtures.histogram;
import static io.iocert.certifier.Fixtures.latency;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.certifier.Feasibility.Finding;
import io.iocert.certifier.Feasibility.Status;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import io.iocert.spec.SpecException;
import io.iocert.spec.SpecLoader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeasibilityTest {

    private static final int ROUNDS = 4;

    /** One requirement from spec text (indented as under {@code requirements:}). */
    private static Requirement requirement(String confidence, String budget, String body) throws SpecException {
        return SpecLoader.parse(
                        "iocert: v1\nname: t\nconfidence: " + confidence + "\nbudget: " + budget + "\nrequirements:\n"
                                + body,
                        "t.yaml")
                .requirements()
                .get(0);
    }

    private static Finding only(List<Finding> findings) {
        assertEquals(1, findings.size(), findings.toString());
        return findings.get(0);
    }

    @ParameterizedTest(name = "{0} {1} at {2}: {3}")
    @CsvSource({
        // quantile, upper bound (a PASS of <=), confidence, the fewest samples
        "0.99,   true,  0.95, 368",
        "0.999,  true,  0.95, 3688",
        "0.9999, true,  0.95, 36887",
        "0.5,    true,  0.95, 6",
        "0.1,    false, 0.95, 36",
        "0.01,   false, 0.95, 368",
        "0.99,   true,  0.90, 299",
        "0.999,  true,  0.90, 2995",
        "0.1,    false, 0.90, 29",
        "0.99,   true,  0.99, 528",
        "0.999,  true,  0.99, 5296",
        "0.1,    false, 0.99, 51",
        "0.5,    false, 0.99, 8",
    })
    void shouldGiveTheExactMinimumOnEitherSide(double q, boolean upper, double confidence, long expected) {
        long n = Feasibility.minimumSamples(q, upper, confidence);
        assertEquals(expected, n);
        // The defining property: n values bound it, n - 1 do not.
        double p = upper ? q : 1 - q;
        double target = (1 - confidence) / 2;
        assertTrue(Math.pow(p, n) <= target && Math.pow(p, n - 1) > target);
    }

    @Test
    void shouldRefuseAQuantileOutsideTheOpenUnitInterval() {
        assertThrows(IllegalArgumentException.class, () -> Feasibility.minimumSamples(1.0, true, 0.95));
        assertThrows(IllegalArgumentException.class, () -> Feasibility.minimumSamples(0.5, true, 1.0));
    }

    @Test
    void shouldCountFortyIntervalsOfAHundredMillisecondsInFourSeconds() throws SpecException {
        String body = """
                  - id: w
                    probe: fs.write
                    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 64MiB, interval: 100ms}
                    expect:
                      throughput: {p10: ">= 20 MB/s"}
                """;
        Finding at95 = only(Feasibility.check(requirement("0.95", "4s", body), ROUNDS));
        assertEquals(Status.FEASIBLE, at95.status());
        assertEquals(40, at95.atMost());
        assertEquals(36, at95.needed());
        assertFalse(at95.warns());
        assertEquals("", at95.message());

        Finding at99 = only(Feasibility.check(requirement("0.99", "4s", body), ROUNDS));
        assertEquals(Status.TOO_FEW_SAMPLES, at99.status());
        assertEquals(51, at99.needed());
        assertEquals(
                "requirement 'w' p10 of throughput >= 20 MB/s: needs at least 51 intervals at 99% confidence to be"
                        + " bounded at all (more when values cluster in time or probing takes several rounds); budget 4 s at"
                        + " interval 100 ms gives at most 40; fix: raise budget to 5.1 s, or shorten interval to 78 ms, or ask"
                        + " for p25",
                at99.message());
    }

    @Test
    void shouldWarnWhenTwoSecondsOfHundredMillisecondIntervalsCannotBoundAP10() throws SpecException {
        Finding f = only(Feasibility.check(requirement("0.95", "2s", """
                  - id: seq-write
                    probe: fs.write
                    workload: {interval: 100ms}
                    expect:
                      throughput: {p10: ">= 20 MB/s"}
                """), ROUNDS));
        assertTrue(f.warns());
        assertEquals(20, f.atMost());
        assertEquals(
                "requirement 'seq-write' p10 of throughput >= 20 MB/s: needs at least 36 intervals at 95%"
                        + " confidence to be bounded at all (more when values cluster in time or probing takes several rounds);"
                        + " budget 2 s at interval 100 ms gives at most 20; fix: raise budget to 3.6 s, or shorten interval to"
                        + " 55 ms, or ask for p25",
                f.message());
    }

    @Test
    void shouldCountEveryRoundOfAShortDuration() throws SpecException {
        String body = """
                  - id: w
                    probe: fs.write
                    workload: {duration: 1s, interval: 100ms}
                    expect:
                      throughput: {p10: ">= 20 MB/s"}
                """;
        Finding rounds = only(Feasibility.check(requirement("0.99", "60s", body), ROUNDS));
        assertEquals(40, rounds.atMost());
        assertTrue(
                rounds.message()
                        .contains(
                                "; duration 1 s per round (at most 4 rounds) at interval 100 ms gives at"
                                        + " most 40; fix: raise duration to 1.3 s, or shorten interval to 78 ms, or ask for p25"),
                rounds.message());
        // A probe that runs once gets one duration.
        Finding once = only(Feasibility.check(requirement("0.95", "60s", body), 1));
        assertEquals(10, once.atMost());
        assertTrue(
                once.message()
                        .contains("; duration 1 s at interval 100 ms gives at most 10; fix: raise duration to"
                                + " 3.6 s, or shorten interval to 27 ms, or ask for p50"),
                once.message());
    }

    @Test
    void shouldBoundJitterQuantaByIntervalAndThreads() throws SpecException {
        Finding f = only(Feasibility.check(requirement("0.95", "3s", """
                  - id: quiet
                    probe: compute.jitter
                    workload: {interval: 1ms, threads: 1}
                    expect:
                      hiccup: {p99.9: "<= 1 ms"}
                """), ROUNDS));
        assertEquals(3000, f.atMost());
        assertEquals(
                "requirement 'quiet' p99.9 of hiccup <= 1 ms: needs at least 3,688 quanta at 95% confidence to be"
                        + " bounded at all (more when values cluster in time or probing takes several rounds); budget 3 s at"
                        + " interval 1 ms on 1 thread gives at most 3,000; fix: raise budget to 3.7 s, or shorten interval to"
                        + " 810 us, or ask for p99",
                f.message());

        Finding two = only(Feasibility.check(requirement("0.95", "3s", """
                  - id: quiet
                    probe: compute.jitter
                    workload: {interval: 1ms, threads: 2}
                    expect:
                      hiccup: {p99.9: "<= 1 ms"}
                """), ROUNDS));
        assertEquals(Status.FEASIBLE, two.status());
        assertEquals(6000, two.atMost());
    }

    @Test
    void shouldAllowEachRoundAQuantumStartedAtItsEnd() throws SpecException {
        String body = """
                  - id: quiet
                    probe: compute.jitter
                    workload: {interval: 1ms, threads: 1}
                    expect:
                      hiccup: {p99.9: "<= 1 ms"}
                """;
        // 3,684 quanta in 3.684 s, and up to one more in each of 4 rounds: 3,688 are not ruled out.
        Finding edge = only(Feasibility.check(requirement("0.95", "3684ms", body), ROUNDS));
        assertEquals(3684, edge.atMost());
        assertEquals(Status.FEASIBLE, edge.status());
        Finding short1 = only(Feasibility.check(requirement("0.95", "3683ms", body), ROUNDS));
        assertEquals(Status.TOO_FEW_SAMPLES, short1.status());
    }

    @Test
    void shouldShareAPingPongBudgetAmongTheSweepSizes() throws SpecException {
        Finding f = only(Feasibility.check(requirement("0.95", "2s", """
                  - id: rtt
                    probe: net.pingpong
                    workload: {sizes: [64B, 1KiB], rate: 1000 ops/s}
                    expect:
                      rtt: {p99.9: "<= 1 ms"}
                """), ROUNDS));
        assertEquals(1000, f.atMost());
        assertTrue(
                f.message()
                        .contains("; budget 2 s shared by 2 message sizes at rate 1 kops/s gives at most 1,000;"
                                + " fix: raise budget to 7.4 s, or raise rate to 3.7 kops/s, or ask for p99"),
                f.message());
    }

    @Test
    void shouldBoundCountsPerRound() throws SpecException {
        Finding connect = only(Feasibility.check(requirement("0.95", "30s", """
                  - id: c
                    probe: net.connect
                    workload: {count: 50}
                    expect:
                      latency: {p99: "<= 5 ms"}
                """), ROUNDS));
        assertEquals(200, connect.atMost());
        assertTrue(
                connect.message()
                        .endsWith("; count 50 per round (at most 4 rounds) gives at most 200; fix: raise"
                                + " count to 92, or ask for p95"),
                connect.message());

        Finding file = only(Feasibility.check(requirement("0.95", "30s", """
                  - id: r
                    probe: fs.read
                    workload: {pattern: random, blockSize: 4KiB, fileSize: 1MiB, threads: 2}
                    expect:
                      latency: {p99.9: "<= 5 ms"}
                """), ROUNDS));
        assertEquals(2048, file.atMost());
        assertTrue(
                file.message()
                        .endsWith("; fileSize 1 MiB in blocks of 4 KiB on 2 threads (512 operations, each file"
                                + " once) per round (at most 4 rounds) gives at most 2,048; fix: raise fileSize to 1.8 MiB, or give a"
                                + " duration (files are then repeated), or ask for p99"),
                file.message());

        Finding creates = only(Feasibility.check(requirement("0.95", "30s", """
                  - id: m
                    probe: fs.metadata
                    workload: {operation: create, files: 200}
                    expect:
                      latency: {p99: "<= 5 ms"}
                """), ROUNDS));
        assertEquals(Status.FEASIBLE, creates.status());
        assertEquals(800, creates.atMost());
    }

    @Test
    void shouldCountEachNodeAtTheConfidenceItIsJudgedAtWhenCoordinated() throws SpecException {
        // 4 s of 100-ms intervals in one round: 40 a node. A p10 needs 36 at 95%, 62 at the
        // 99.69% each of 16 nodes is judged at (per-node and straggler scopes).
        String body = """
                  - id: w
                    probe: fs.write
                    workload: {blockSize: 1MiB, fileSize: 64MiB, interval: 100ms}
                    coordinated: {nodes: 16, scope: %s}
                    expect:
                      throughput: {p10: "%s"}
                """;
        Finding aggregate =
                only(Feasibility.check(requirement("0.95", "4s", body.formatted("aggregate", ">= 5 MB/s")), 1));
        assertEquals(Status.FEASIBLE, aggregate.status(), aggregate.toString());
        assertEquals(36, aggregate.needed());
        Finding perNode =
                only(Feasibility.check(requirement("0.95", "4s", body.formatted("per-node", ">= 5 MB/s")), 1));
        assertEquals(Status.TOO_FEW_SAMPLES, perNode.status(), perNode.toString());
        assertEquals(62, perNode.needed());
        assertEquals(40, perNode.atMost());
        assertTrue(
                perNode.message()
                        .startsWith("requirement 'w' p10 of throughput >= 5 MB/s: needs at least 62 intervals at 99.69%"
                                + " confidence (each of 16 nodes, jointly 95%) to be bounded at all"),
                perNode.message());
        assertTrue(perNode.message().contains("ask for p25"), perNode.message());
        // A straggler ratio takes both ends of every node's interval; for a p10 the lower one binds.
        Finding straggler =
                only(Feasibility.check(requirement("0.95", "4s", body.formatted("straggler", ">= 0.8")), 1));
        assertEquals(Status.TOO_FEW_SAMPLES, straggler.status(), straggler.toString());
        assertEquals(62, straggler.needed());
        assertTrue(straggler.message().contains("needs at least 62 intervals a node at 99.69%"), straggler.message());
        // Twice the budget is enough for every node.
        Finding longer = only(Feasibility.check(requirement("0.95", "8s", body.formatted("per-node", ">= 5 MB/s")), 1));
        assertEquals(Status.FEASIBLE, longer.status(), longer.toString());
    }

    @Test
    void shouldLeaveCountsChosenAtRunTimeUnknown() throws SpecException {
        // Closed loop with a duration, an interval the probe picks, and a JMH plan: nothing in the spec bounds them.
        for (String body : List.of("""
                  - id: r
                    probe: fs.read
                    workload: {blockSize: 4KiB, fileSize: 1MiB, threads: 1, duration: 1s}
                    expect:
                      latency: {p99.99: "<= 5 ms"}
                """, """
                  - id: r
                    probe: fs.write
                    expect:
                      throughput: {p10: ">= 5 MB/s"}
                """, """
                  - id: r
                    probe: compute.flops
                    expect:
                      flops: {p10: ">= 5 GFLOP/s"}
                """, """
                  - id: r
                    probe: compute.jitter
                    workload: {threads: all}
                    expect:
                      hiccup: {p99.99: "<= 5 ms"}
                """)) {
            Finding f = only(Feasibility.check(requirement("0.95", "1s", body), ROUNDS));
            assertEquals(Status.UNKNOWN, f.status(), body);
            assertEquals(-1, f.atMost());
            assertFalse(f.warns());
        }
    }

    @Test
    void shouldWarnThatAnUpperBoundOnTheMaximumCanNeverPass() throws SpecException {
        List<Finding> fs = Feasibility.check(requirement("0.95", "60s", """
                  - id: q
                    probe: compute.jitter
                    expect:
                      hiccup: {max: "<= 10 ms", p100: "< 20 ms", mean: "<= 1 ms"}
                """), ROUNDS);
        assertEquals(2, fs.size());
        assertEquals(Status.ONE_SIDED, fs.get(0).status());
        assertEquals(
                "requirement 'q' max of hiccup <= 10 ms: no sample bounds a maximum from above, so this can FAIL but"
                        + " never PASS; fix: ask for p99.9 instead",
                fs.get(0).message());
        assertEquals(Status.ONE_SIDED, fs.get(1).status());

        Finding min = only(Feasibility.check(requirement("0.95", "60s", """
                  - id: s
                    probe: net.stream
                    expect:
                      throughput: {min: ">= 1 MB/s"}
                """), ROUNDS));
        assertTrue(
                min.message().contains("no sample bounds a minimum from below")
                        && min.message().endsWith("p0.1 instead"),
                min.message());
        // The other sides can pass: a maximum seen above X shows the true one is too.
        assertEquals(List.of(), Feasibility.check(requirement("0.95", "60s", """
                  - id: s
                    probe: net.stream
                    expect:
                      throughput: {max: ">= 1 MB/s", min: "<= 1 GB/s"}
                """), ROUNDS));
    }

    @Test
    void shouldFindTheFirstRoundsRateTooSlowForTheBudget() throws SpecException {
        Requirement r = requirement("0.95", "4s", """
                  - id: w
                    probe: fs.write
                    workload: {blockSize: 1MiB, fileSize: 8MiB, duration: 1s, interval: 10ms}
                    expect:
                      latency: {p99.99: "<= 1 s", p50: "<= 1 s"}
                      throughput: {p10: ">= 1 MB/s"}
                """);
        List<Measurement> first = List.of(latency("w", ProbeType.FS_WRITE, histogram(1000, 1_000_000L)));
        // 1,000 operations in 1 s: 4,000 over the budget of 4 s, short of 36,887; the median is fine,
        // and the throughput's count is known from the spec, so it is not judged again.
        List<Finding> fs = Feasibility.checkObserved(r, first, Duration.ofSeconds(1), ROUNDS);
        assertEquals(2, fs.size(), fs.toString());
        Finding tail = fs.get(0);
        assertEquals(Status.TOO_FEW_SAMPLES, tail.status());
        assertEquals(4000, tail.atMost());
        assertEquals(
                "requirement 'w' p99.99 of latency <= 1 s: needs at least 36,887 operations at 95% confidence to be"
                        + " bounded at all (more when values cluster in time or probing takes several rounds); the first round"
                        + " measured 1,000 operations in 1 s; at that rate the budget of 4 s gives at most about 4,000; fix:"
                        + " raise budget to about 37 s, or ask for p99.9",
                tail.message());
        assertEquals(Status.FEASIBLE, fs.get(1).status());

        // A round its workload ended early: four of them at most, however much budget is left.
        Finding shortRound = Feasibility.checkObserved(r, first, Duration.ofMillis(100), ROUNDS)
                .get(0);
        assertEquals(4000, shortRound.atMost());
        assertTrue(
                shortRound
                        .message()
                        .contains("; the first round measured 1,000 operations in 100 ms, ended by its"
                                + " workload; 4 such rounds within the budget of 4 s give at most about 4,000; fix: make each round about"
                                + " 10 times longer (raise its duration, file size or count), or ask for p99.9"),
                shortRound.message());
        // The probe says what ended the round: its duration, so both the rounds and the budget must grow...
        Finding byDuration = Feasibility.checkObserved(
                        r, List.of(stoppedBy(first.get(0), "duration")), Duration.ofSeconds(1), ROUNDS)
                .get(0);
        assertTrue(
                byDuration
                        .message()
                        .contains(
                                "; the first round measured 1,000 operations in 1 s, ended by its"
                                        + " duration; 4 such rounds within the budget of 4 s give at most about 4,000; fix: make each round about"
                                        + " 10 times longer (raise its duration) and raise budget to about 37 s, or ask for p99.9"),
                byDuration.message());
        // ...or its share of the budget, however short: later rounds get longer shares.
        List<Finding> byBudget = Feasibility.checkObserved(
                r, List.of(stoppedBy(first.get(0), "budget")), Duration.ofMillis(100), ROUNDS);
        assertTrue(byBudget.stream().noneMatch(Finding::warns), byBudget.toString());

        // A probe that runs once: what it measured is all there is.
        Finding once =
                Feasibility.checkObserved(r, first, Duration.ofSeconds(4), 1).get(0);
        assertEquals(1000, once.atMost());
        assertTrue(
                once.message()
                        .contains("; the run measured 1,000 operations in 4 s (the probe runs once); fix: raise"
                                + " budget or duration (the probe plans its samples from them), or ask for p99"),
                once.message());

        // Plenty, or failed: no warning.
        List<Measurement> many = List.of(latency("w", ProbeType.FS_WRITE, histogram(100_000, 1_000_000L)));
        assertTrue(Feasibility.checkObserved(r, many, Duration.ofSeconds(1), ROUNDS).stream()
                .noneMatch(Finding::warns));
        List<Measurement> failed = List.of(first.get(0).withError("disk on fire"));
        assertEquals(List.of(), Feasibility.checkObserved(r, failed, Duration.ofSeconds(1), ROUNDS));
    }

    private static Measurement stoppedBy(Measurement m, String by) {
        return new Measurement(
                m.id(),
                m.probe(),
                m.metric(),
                m.unit(),
                m.workload(),
                m.samples(),
                m.summary(),
                m.histogram(),
                m.intervals(),
                m.blocks(),
                Map.of("stoppedBy", by),
                m.error());
    }

    @Test
    void shouldNotWarnAboutAFeasibleRequirement() throws SpecException {
        // The bundled default spec's sequential write: 1 s of 10 ms intervals, up to four rounds in 4 s.
        List<Finding> fs = Feasibility.check(requirement("0.95", "4s", """
                  - id: fs-sequential-write
                    probe: fs.write
                    workload: {pattern: sequential, blockSize: 1MiB, fileSize: 64MiB, duration: 1s, interval: 10ms}
                    expect:
                      throughput: {p10: ">= 20 MB/s"}
                      latency: {p50: "<= 1 s", mean: "<= 1 s"}
                """), ROUNDS);
        assertEquals(2, fs.size());
        assertEquals(Status.FEASIBLE, fs.get(0).status());
        assertEquals(400, fs.get(0).atMost());
        assertEquals(Status.UNKNOWN, fs.get(1).status());
        assertTrue(fs.stream().noneMatch(Finding::warns));
    }

    @Test
    void shouldWarnWhenTheDurationHoldsTooFewWindowsForTheStatedShare() throws SpecException {
        Requirement r = requirement("0.95", "40min", """
                  - id: volume
                    probe: fs.read
                    workload: {pattern: random, blockSize: 16KiB, duration: 30min, interval: 1s}
                    expect:
                      iops: {p10: {threshold: ">= 3000 IOPS", window: 1min, windowShare: 99%}}
                """);
        Finding f = only(Feasibility.check(r, ROUNDS));

        assertEquals(Status.TOO_FEW_SAMPLES, f.status());
        assertEquals(368, f.needed());
        assertEquals(30, f.atMost());
        // 30 windows all meeting it show 0.025^(1/30) = 88.4%.
        assertEquals(
                "requirement 'volume' iops p10 >= 3 kops/s per 1 min window in 99% of windows: needs at least 368"
                        + " windows of 1 min (368 min), every one meeting the threshold, at 95% confidence; its duration of 30 min"
                        + " holds 30; fix: raise duration and budget to 368 min, or shorten the window, or ask for a"
                        + " windowShare of at most 88.4%",
                f.message());
        Requirement enough = requirement("0.95", "40min", """
                  - id: volume
                    probe: fs.read
                    workload: {pattern: random, blockSize: 16KiB, duration: 30min, interval: 1s}
                    expect:
                      iops: {p10: {threshold: ">= 3000 IOPS", window: 30s, windowShare: 90%}}
                """);
        assertEquals(Status.FEASIBLE, only(Feasibility.check(enough, ROUNDS)).status());
    }
}
