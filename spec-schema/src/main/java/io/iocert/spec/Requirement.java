package io.iocert.spec;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One named requirement of a spec: a probe, the workload to run it with, and the
 * expectations its measurements must meet at the given confidence within the given budget.
 */
public record Requirement(String id, ProbeType probe, Workload workload, List<Expectation> expectations,
                          double confidence, Duration budget, boolean sustained) {
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

    /** A requirement judged on the whole run (not only its final regime). */
    public Requirement(String id, ProbeType probe, Workload workload, List<Expectation> expectations,
                       double confidence, Duration budget) {
        this(id, probe, workload, expectations, confidence, budget, false);
    }
}
