package io.iocert.probes.compute;

import io.iocert.probes.ProbeException;
import io.iocert.spec.Quantity;
import java.util.OptionalLong;

/**
 * How a JMH-driven probe spends its budget: one fork, {@code warmupIterations} then
 * {@code measurementIterations} iterations of {@code iterationNs} each.
 *
 * <p>The whole probe must fit the requirement's budget, so the plan first sets aside the
 * fork's start-up ({@link #FORK_RESERVE_NS}: a JVM from the fat jar, JMH's handshake, JIT of
 * the harness, the result sent back) and the benchmark's own set-up (allocating and filling
 * arrays). Without a {@code duration} the rest goes one fifth to warm-up and four fifths to
 * measurement; with one, warm-up is a fifth of it on top. Iterations last a fiftieth of the
 * measurement, between 20 ms and 1 s, so a short run still gives a distribution of about
 * fifty samples (enough for the certifier to bound a median or a p10 when the iterations
 * drift a little) and a long run one sample per second.
 */
record JmhPlan(int warmupIterations, int measurementIterations, long iterationNs) {
    static final long FORK_RESERVE_NS = 1_500_000_000L;
    static final long MIN_ITERATION_NS = 20_000_000L;
    static final long MAX_ITERATION_NS = 1_000_000_000L;
    static final int TARGET_ITERATIONS = 50;
    /** Fewer measured iterations than this is no distribution: the plan is refused. */
    static final int MIN_ITERATIONS = 5;

    long measuredNs() {
        return measurementIterations * iterationNs;
    }

    long warmupNs() {
        return warmupIterations * iterationNs;
    }

    /**
     * @param probeId    for messages
     * @param budgetNs   the requirement's budget
     * @param setupNs    the benchmark's estimated set-up time in the fork
     * @param durationNs the measured time the workload asks for, if any
     */
    static JmhPlan fit(String probeId, long budgetNs, long setupNs, OptionalLong durationNs) throws ProbeException {
        long reserve = FORK_RESERVE_NS + setupNs;
        long available = budgetNs - reserve;
        long measure;
        long warmup;
        if (durationNs.isPresent()) {
            measure = durationNs.getAsLong();
            warmup = measure / 5;
            if (measure + warmup > available) {
                throw new ProbeException(
                        probeId + ": duration " + Quantity.nanos(measure).format() + " plus warm-up "
                                + Quantity.nanos(warmup).format() + " plus about "
                                + Quantity.nanos(reserve).format()
                                + " to start the JMH fork and set up does not fit the budget of "
                                + Quantity.nanos(budgetNs).format()
                                + "; raise the budget or shorten the duration");
            }
        } else {
            measure = Math.max(0, available) / 5 * 4;
            warmup = Math.max(0, available) / 5;
        }
        long iteration = Math.max(MIN_ITERATION_NS, Math.min(MAX_ITERATION_NS, measure / TARGET_ITERATIONS));
        iteration = iteration / 1_000_000L * 1_000_000L;
        long iterations = measure / iteration;
        if (iterations < MIN_ITERATIONS) {
            throw new ProbeException(probeId + " needs at least " + MIN_ITERATIONS + " measured iterations of "
                    + Quantity.nanos(iteration).format() + " after about "
                    + Quantity.nanos(reserve).format()
                    + " to start the JMH fork and set up; the budget of "
                    + Quantity.nanos(budgetNs).format()
                    + (durationNs.isPresent()
                            ? " and the duration " + Quantity.nanos(measure).format()
                            : "")
                    + " leave room for " + iterations + "; raise them");
        }
        int warmupIterations = (int) Math.max(1, Math.min(Integer.MAX_VALUE, warmup / iteration));
        return new JmhPlan(warmupIterations, (int) Math.min(Integer.MAX_VALUE, iterations), iteration);
    }
}
