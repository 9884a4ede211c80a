package io.iocert.probes.compute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.NanoClock;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the JMH-driven probes for real, briefly (a forked JVM each): the shape of what comes
 * back, never how fast this machine is.
 */
class JmhProbesTest {
    private static final Duration BUDGET = Duration.ofSeconds(4);

    @Test
    void shouldReportEveryMeasuredIterationOfTheTriadAsAThroughputInterval() throws Exception {
        long start = System.nanoTime();
        List<Measurement> ms = new MemoryBandwidthProbe()
                .run(
                        ComputeTesting.requirement(
                                ProbeType.COMPUTE_MEMORY_BANDWIDTH,
                                BUDGET,
                                "kernel",
                                "triad",
                                "arraySize",
                                Quantity.bytes(16 << 20)),
                        ComputeTesting.context(BUDGET, NanoClock.SYSTEM));
        long elapsedNs = System.nanoTime() - start;
        assertEquals(1, ms.size());
        Measurement m = ms.get(0);
        assertNull(m.error());
        assertEquals("throughput", m.metric());
        assertEquals("B/s", m.unit());
        List<Double> values = m.intervals().values();
        assertTrue(values.size() >= JmhPlan.MIN_ITERATIONS, values.toString());
        assertEquals(values.size(), m.samples());
        assertTrue(values.stream().allMatch(v -> v > 0), values.toString());
        assertEquals(m.workload().get("duration"), m.intervals().intervalNs() * values.size());
        assertEquals(16L << 20, m.workload().get("arraySize"));
        assertEquals("triad", m.workload().get("kernel"));
        assertEquals("stream", m.context().get("byteCounting"));
        assertEquals("workload", m.context().get("arraySizeSource"));
        System.out.printf("triad 16 MiB: %s, probe took %d ms%n", values, elapsedNs / 1_000_000);
    }

    @Test
    void shouldReportEveryMeasuredIterationOfTheFmaLoopAsAFlopsInterval() throws Exception {
        long start = System.nanoTime();
        List<Measurement> ms = new FlopsProbe()
                .run(
                        ComputeTesting.requirement(ProbeType.COMPUTE_FLOPS, BUDGET, "threads", "all"),
                        ComputeTesting.context(BUDGET, NanoClock.SYSTEM));
        long elapsedNs = System.nanoTime() - start;
        Measurement m = ms.get(0);
        assertNull(m.error());
        assertEquals("flops", m.metric());
        assertEquals("FLOP/s", m.unit());
        assertEquals(
                (long) Runtime.getRuntime().availableProcessors(), m.workload().get("threads"));
        List<Double> values = m.intervals().values();
        assertTrue(values.size() >= JmhPlan.MIN_ITERATIONS, values.toString());
        assertTrue(values.stream().allMatch(v -> v > 0), values.toString());
        System.out.printf("fma all threads: %s, probe took %d ms%n", values, elapsedNs / 1_000_000);
    }
}
