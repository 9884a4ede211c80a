package io.iocert.runner;

import io.iocert.probes.PeerAddress;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Everything one run of the probes follows, resolved once and then fixed: each setting is
 * taken from the highest of three layers that sets it, {@linkplain Layer#DEFAULTS the defaults}
 * below {@linkplain Layer#SPEC the spec} below {@linkplain Layer#OVERRIDES the overrides} (the
 * command line's flags). The confidence and budget of each requirement are already the spec's
 * own (its top-level values where a requirement sets none); an override replaces them in every
 * requirement and at the top of the spec, which is why {@link #spec()} is the spec as it will
 * be run rather than as it was read.
 *
 * @param spec       the spec with the overrides applied
 * @param fsPath     the directory the filesystem probes work in (not checked here: the caller
 *                   names the check's failure after {@code fsPathFrom})
 * @param fsPathFrom the layer {@code fsPath} came from
 * @param maxBytes   the most bytes a probe may place on the filesystem; empty: no cap
 * @param peer       the peer the interconnect probes measure against; empty: none
 * @param plan       how each requirement is probed
 */
public record RunConfig(
        Spec spec, Path fsPath, Layer fsPathFrom, OptionalLong maxBytes, Optional<PeerAddress> peer, Plan plan) {

    /** Where a setting came from, lowest first. */
    public enum Layer {
        DEFAULTS,
        SPEC,
        OVERRIDES
    }

    /** How each requirement is probed. */
    public enum Plan {
        /**
         * In up to four rounds, judged after each at that look's share of the error allowance,
         * until every statistic is conclusive or the budget is spent; statistics the budget
         * cannot settle are warned of before probing and after the first round ({@code run}).
         */
        ADAPTIVE,
        /** In one round with the whole budget, unjudged and without warnings ({@code probe}, {@code join}). */
        ONE_ROUND
    }

    /**
     * The top layer: what the command line sets, empty where it is silent.
     *
     * @param confidence replaces every requirement's confidence
     * @param budget     replaces every requirement's budget
     */
    public record Overrides(
            Optional<Path> fsPath, OptionalDouble confidence, Optional<Duration> budget, OptionalLong maxBytes) {
        /** Nothing overridden. */
        public static final Overrides NONE =
                new Overrides(Optional.empty(), OptionalDouble.empty(), Optional.empty(), OptionalLong.empty());

        public Overrides {
            Objects.requireNonNull(fsPath, "fsPath");
            Objects.requireNonNull(confidence, "confidence");
            Objects.requireNonNull(budget, "budget");
            Objects.requireNonNull(maxBytes, "maxBytes");
        }
    }

    public RunConfig {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(fsPath, "fsPath");
        Objects.requireNonNull(fsPathFrom, "fsPathFrom");
        Objects.requireNonNull(maxBytes, "maxBytes");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(plan, "plan");
    }

    /** The configuration of probing {@code spec} by {@code plan}: defaults, then the spec, then {@code overrides}. */
    public static RunConfig of(Spec spec, Overrides overrides, Plan plan) {
        Path fsPath = Defaults.fsPath();
        Layer fsPathFrom = Layer.DEFAULTS;
        if (overrides.fsPath().isPresent()) {
            fsPath = overrides.fsPath().get();
            fsPathFrom = Layer.OVERRIDES;
        } else if (spec.filesystemPath().isPresent()) {
            fsPath = spec.filesystemPath().get();
            fsPathFrom = Layer.SPEC;
        }
        return new RunConfig(
                overridden(spec, overrides), fsPath, fsPathFrom, overrides.maxBytes(), Optional.empty(), plan);
    }

    /** This configuration measuring the interconnect against {@code peer}, which only exists once the run starts. */
    public RunConfig withPeer(Optional<PeerAddress> peer) {
        return new RunConfig(spec, fsPath, fsPathFrom, maxBytes, peer, plan);
    }

    /** {@code spec} with the confidence and budget of {@code overrides} in every requirement and at its top. */
    private static Spec overridden(Spec spec, Overrides overrides) {
        if (overrides.confidence().isEmpty() && overrides.budget().isEmpty()) {
            return spec;
        }
        OptionalDouble confidence = overrides.confidence();
        Optional<Duration> budget = overrides.budget();
        List<Requirement> rs = spec.requirements().stream()
                .map(r -> r.with(confidence.orElse(r.confidence()), budget.orElse(r.budget())))
                .toList();
        return new Spec(
                spec.version(),
                spec.name(),
                spec.description(),
                confidence.orElse(spec.confidence()),
                budget.orElse(spec.budget()),
                spec.filesystemPath(),
                rs,
                spec.sha256());
    }
}
