package io.iocert.certifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.Coordinated;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.spec.Coordination;
import io.iocert.spec.Dimension;
import io.iocert.spec.Expectation;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import io.iocert.spec.Statistic;
import io.iocert.spec.Threshold;
import io.iocert.spec.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CoordinatedVerdictsTest {
    private static final long S = 1_000_000_000L;

    private static Requirement requirement(Coordination.Scope scope, int nodes, String statistic, String threshold) {
        Statistic s = Statistic.parse(statistic).orElseThrow();
        Dimension d = scope == Coordination.Scope.STRAGGLER ? Dimension.RATIO : Metric.THROUGHPUT.dimension();
        return new Requirement(
                "w",
                ProbeType.FS_WRITE,
                Workload.EMPTY,
                List.of(new Expectation(Metric.THROUGHPUT, s, Threshold.parse(threshold, d))),
                0.95,
                Duration.ofSeconds(60),
                false,
                new Coordination(nodes, Coordination.Layout.FILE_PER_PROCESS, scope));
    }

    /** Node {@code name} writing about {@code mbps} MB/s in 200 intervals of 1 s, a little noisy. */
    private static Coordinated.NodeRun node(String name, double mbps, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            v.add(mbps * 1e6 * (1 + 0.02 * (r.nextDouble() - 0.5)));
        }
        Measurement m = new Measurement(
                "w",
                "fs.write",
                "throughput",
                "B/s",
                Map.of(),
                v.size(),
                null,
                null,
                new IntervalSeries(S, v),
                Map.of(Coordinated.ORIGIN, Long.toString(1000 * S)),
                null);
        return new Coordinated.NodeRun(name, 0, 1000, List.of(m), null);
    }

    private static List<Measurement> fleet() {
        return Coordinated.merge(
                "w",
                "fs.write",
                Map.of("throughput", "B/s"),
                List.of(node("n1", 500, 1), node("n2", 510, 2), node("n3", 300, 3), node("n4", 505, 4)),
                List.of());
    }

    @Test
    void shouldJudgeTheAggregateAsOneSeries() {
        RequirementVerdict pass = CoordinatedVerdicts.judge(
                        requirement(Coordination.Scope.AGGREGATE, 4, "p10", ">= 1.7 GB/s"), fleet())
                .get(0);
        assertEquals(Verdict.PASS, pass.verdict(), pass.reason());
        assertEquals("aggregate", pass.variant());
        assertTrue(pass.reason().startsWith("aggregate of 4 nodes: p10 = 1.8"), pass.reason());
        assertTrue(pass.reason().endsWith("; node shares n1=0.2755,n2=0.2810,n3=0.1653,n4=0.2782"), pass.reason());
        RequirementVerdict fail = CoordinatedVerdicts.judge(
                        requirement(Coordination.Scope.AGGREGATE, 4, "p10", ">= 2 GB/s"), fleet())
                .get(0);
        assertEquals(Verdict.FAIL, fail.verdict(), fail.reason());
    }

    @Test
    void shouldLetTheSlowestNodeDecideAndNameIt() {
        RequirementVerdict fail = CoordinatedVerdicts.judge(
                        requirement(Coordination.Scope.PER_NODE, 4, "p10", ">= 400 MB/s"), fleet())
                .get(0);
        assertEquals(Verdict.FAIL, fail.verdict(), fail.reason());
        assertTrue(fail.reason().startsWith("node n3: p10 = 29"), fail.reason());
        assertTrue(fail.reason().contains("each at 98.75% confidence, jointly 95%"), fail.reason());
        RequirementVerdict pass = CoordinatedVerdicts.judge(
                        requirement(Coordination.Scope.PER_NODE, 4, "p10", ">= 250 MB/s"), fleet())
                .get(0);
        assertEquals(Verdict.PASS, pass.verdict(), pass.reason());
        assertTrue(pass.reason().startsWith("every node passes; slowest node n3"), pass.reason());
    }

    @Test
    void shouldBoundTheStragglerRatio() {
        RequirementVerdict v = CoordinatedVerdicts.judge(
                        requirement(Coordination.Scope.STRAGGLER, 4, "median", ">= 0.8"), fleet())
                .get(0);
        assertEquals(Verdict.FAIL, v.verdict(), v.reason());
        assertEquals(300.0 / 505, v.measured(), 0.01, "slowest (n3) over the median node (lower middle of four, n4)");
        assertTrue(v.ci().low() <= v.measured() && v.measured() <= v.ci().high(), v.toString());
        assertTrue(v.ci().high() < 0.8, v.toString());
        assertEquals("", v.unit());
        assertTrue(v.reason().contains("slowest node n3"), v.reason());
        RequirementVerdict ok = CoordinatedVerdicts.judge(
                        requirement(Coordination.Scope.STRAGGLER, 4, "median", ">= 0.5"), fleet())
                .get(0);
        assertEquals(Verdict.PASS, ok.verdict(), ok.reason());
    }

    @Test
    void shouldRefuseOneNodesResultAndAMismatchedNodeCount() {
        Measurement single = fleet().get(1).withContext(Map.of());
        RequirementVerdict one = CoordinatedVerdicts.judge(
                        requirement(Coordination.Scope.AGGREGATE, 4, "p10", ">= 1 MB/s"), List.of(single))
                .get(0);
        assertEquals(Verdict.ERROR, one.verdict());
        assertTrue(one.reason().contains("is a coordinated requirement, and this result is one node's"), one.reason());
        RequirementVerdict count = CoordinatedVerdicts.judge(
                        requirement(Coordination.Scope.AGGREGATE, 16, "p10", ">= 1 MB/s"), fleet())
                .get(0);
        assertEquals(Verdict.ERROR, count.verdict());
        assertTrue(
                count.reason().contains("the spec asks for 16 nodes, the run was coordinated for 4"), count.reason());
    }
}
