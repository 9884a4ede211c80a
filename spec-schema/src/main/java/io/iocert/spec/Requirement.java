package io.iocert.spec;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One named requirement of a spec: a probe, the workload to run it with, and the
 * expectations its measurements must meet at the given confidence within the given budget.
 * {@code coordination}, when not null, makes it a requirement on many nodes at once
 * ({@link Coordination}).
 */
public record Requirement(
        String id,
        ProbeType probe,
        Workload workload,
        List<Expectation> expectations,
        double confidence,
        Duration budget,
        boolean sustained,
        Coordination coordination) {
    public Requirement {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(workload, "workload");
        Objects.requireNonNull(budget, "budget");
        expectations = List.copyOf(expectations);
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
        }
    }

    /** A requirement of one node. */
    public Requirement(
            String id,
            ProbeType probe,
            Workload workload,
            List<Expectation> expectations,
            double confidence,
            Duration budget,
            boolean sustained) {
        this(id, probe, workload, expectations, confidence, budget, sustained, null);
    }

    /** How the requirement is run across nodes; empty for a requirement of one node. */
    public Optional<Coordination> coordinated() {
        return Optional.ofNullable(coordination);
    }

    /** The same requirement with another confidence and budget. */
    public Requirement with(double confidence, Duration budget) {
        return new Requirement(id, probe, workload, expectations, confidence, budget, sustained, coordination);
    }

    /** The same requirement with another workload. */
    public Requirement with(Workload workload) {
        return new Requirement(id, probe, workload, expectations, confidence, budget, sustained, coordination);
    }

    /** A requirement judged on the whole run (not only its final regime). */
    public Requirement(
            String id,
            ProbeType probe,
            Workload workload,
            List<Expectation> expectations,
            double confidence,
            Duration budget) {
        this(id, probe, workload, expectations, confidence, budget, false);
    }
}
