package io.iocert.probes;

import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import java.util.List;

/**
 * A probe measures what one kind of requirement needs. Implementations are found with
 * {@link java.util.ServiceLoader} (see {@link Probes}).
 *
 * <p>A probe returns one measurement per metric it offers (all with the requirement's id).
 * A failure part-way returns what was measured with {@link Measurement#error()} set rather
 * than throwing; {@link ProbeException} is for failures before anything was measured, and
 * {@link UnusableInputException} for inputs the user must fix (a missing path).
 */
public interface Probe {

    ProbeType type();

    List<Measurement> run(Requirement requirement, ProbeContext context)
            throws ProbeException, UnusableInputException, InterruptedException;

    /**
     * Whether adaptive probing may run this probe in several shorter rounds and combine them.
     * A probe with a large fixed cost per run (forking a JVM) says no and gets one run with
     * the whole budget.
     */
    default boolean runsInRounds() {
        return true;
    }
}
