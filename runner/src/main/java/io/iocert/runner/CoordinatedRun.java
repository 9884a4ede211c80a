package io.iocert.runner;

import io.iocert.probes.EpochClock;
import io.iocert.probes.NodeIdentityCollector;
import io.iocert.probes.net.Coordinator;
import io.iocert.probes.net.PeerServer;
import io.iocert.probes.net.ServerLimits;
import io.iocert.probes.net.Token;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ToolVersion;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The coordinator's side of a coordinated run ({@code iocert coordinate}): listens like {@code
 * iocert serve} (same token proof, limits and interconnect service), waits for the participants
 * ({@code iocert join} on each node), and runs every coordinated requirement of the spec on all
 * of them at once ({@link Conductor}: the assignment to each, a barrier, one start instant sent on
 * each node's own clock, then their results), merged into one result on the coordinator's node
 * and a result of each node's own measurements. A participant that never joins, fails or sends
 * nothing usable is named in the errors of the merged measurements; the others' are kept.
 *
 * <p>It never prints: what it has to say goes to its {@link Listener} one line at a time, and
 * writing, judging and rendering the outcome are the caller's.
 */
public final class CoordinatedRun implements AutoCloseable {
    /** Format of the assignment a participant receives. */
    public static final String ASSIGNMENT_FORMAT = "iocert-assignment/1";

    /** How long to wait for the participants when the caller does not say. */
    public static final Duration DEFAULT_JOIN_TIMEOUT = Defaults.JOIN_TIMEOUT;

    /**
     * What one coordinated run follows.
     *
     * @param spec        the spec as run (overrides applied); its coordinated requirements are run
     * @param specText    the spec as the participants receive it (canonical JSON)
     * @param names       the participants' names, in the order they are numbered; empty: any
     *                    {@code count} participants, in the order they joined
     * @param count       how many participants to wait for
     * @param joinTimeout how long to wait for them; the run then goes ahead with those present
     * @param bind        where to listen
     * @param token       the token participants must prove they hold; empty: none
     * @param runId       names the run once the participants have joined (each group's shared
     *                    directory is {@code <run-id>-r<k>})
     */
    public record Config(
            Spec spec,
            String specText,
            List<String> names,
            int count,
            Duration joinTimeout,
            InetSocketAddress bind,
            Optional<Token> token,
            Supplier<String> runId) {
        public Config {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(specText, "specText");
            names = List.copyOf(names);
            Objects.requireNonNull(joinTimeout, "joinTimeout");
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(runId, "runId");
        }
    }

    /** Hears the coordinator's log: where it listens, who joined, each start, each participant's failure. */
    @FunctionalInterface
    public interface Listener {
        /** One line, without a prefix or time. */
        void log(String line);
    }

    /**
     * What the run measured.
     *
     * @param merged the merged measurements of every coordinated requirement, named after the
     *               coordinator's node
     * @param nodes  each participant's own measurements as it sent them (no alignment), by name
     * @param judged the spec with only its coordinated requirements, to judge {@code merged} by
     */
    public record Outcome(Result merged, Map<String, Result> nodes, Spec judged) {}

    private final Config config;
    private final Listener listener;
    private final Coordinator coordinator;
    private final Instant started;
    private boolean closed;

    private CoordinatedRun(Config config, Listener listener, Coordinator coordinator, Instant started) {
        this.config = config;
        this.listener = listener;
        this.coordinator = coordinator;
        this.started = started;
    }

    /**
     * Listens on {@code config.bind()}, with room for every participant beside the usual limits.
     *
     * @throws java.net.BindException when the address cannot be listened on
     */
    public static CoordinatedRun start(Config config, Listener listener) throws IOException {
        ServerLimits d = ServerLimits.DEFAULTS;
        ServerLimits limits = new ServerLimits(
                Math.max(d.maxSessions(), config.count() + 8),
                d.maxMessageBytes(),
                d.handshakeTimeout(),
                d.idleTimeout(),
                d.maxTestDuration(),
                Math.max(d.maxHandshakes(), config.count() + 8));
        Coordinator coordinator =
                Coordinator.start(config.bind(), config.token(), limits, listener::log, Defaults.MAX_RESULT_BYTES);
        return new CoordinatedRun(config, listener, coordinator, Instant.now());
    }

    /** The requirements of {@code spec} that are run on many nodes at once, in spec order. */
    public static List<Requirement> coordinated(Spec spec) {
        return Conductor.coordinated(spec);
    }

    /**
     * Waits for the participants, runs the coordinated requirements on those that joined, ends
     * their sessions and stops listening.
     */
    public Outcome run() throws InterruptedException {
        Spec spec = config.spec();
        List<String> names = config.names();
        int count = config.count();
        Conductor.Measured measured;
        try {
            InetSocketAddress a = coordinator.address();
            listener.log("coordinating on " + a.getAddress().getHostAddress() + ":" + a.getPort() + " (peer protocol "
                    + PeerServer.protocolVersion() + ", token "
                    + (config.token().isPresent() ? "required" : "not required")
                    + "); waiting up to " + config.joinTimeout().toSeconds() + " s for " + count + " participants"
                    + (names.isEmpty() ? "" : " (" + String.join(", ", names) + ")"));
            List<Coordinator.Participant> joined = coordinator.awaitJoined(names, count, config.joinTimeout());
            List<String> missing = new ArrayList<>();
            if (names.isEmpty()) {
                if (joined.size() < count) {
                    missing.add((count - joined.size()) + " of the " + count
                            + " participants (unnamed; --participants names" + " them)");
                }
            } else {
                for (String n : names) {
                    if (joined.stream().noneMatch(p -> p.name().equals(n))) {
                        missing.add(n);
                    }
                }
            }
            listener.log(joined.size() + " of " + count + " participants joined"
                    + (missing.isEmpty()
                            ? ""
                            : "; never joined within " + config.joinTimeout().toSeconds() + " s: "
                                    + String.join(", ", missing)));
            String runId = config.runId().get();
            measured = new Conductor(spec, config.specText(), listener, EpochClock::nowNs)
                    .conduct(joined.stream().map(Member::of).toList(), missing, runId);
        } finally {
            close();
        }
        Result result = new Result(
                Result.FORMAT,
                ToolVersion.get(),
                NodeIdentityCollector.collect(Path.of("").toAbsolutePath()),
                spec.name(),
                spec.sha256(),
                started,
                Instant.now(),
                measured.merged());
        Map<String, Result> nodes = new LinkedHashMap<>();
        for (Map.Entry<String, List<Measurement>> e : measured.perNode().entrySet()) {
            nodes.put(
                    e.getKey(),
                    new Result(
                            Result.FORMAT,
                            ToolVersion.get(),
                            result.node(),
                            spec.name(),
                            spec.sha256(),
                            started,
                            Instant.now(),
                            e.getValue()));
        }
        Spec judged = new Spec(
                spec.version(),
                spec.name(),
                spec.description(),
                spec.confidence(),
                spec.budget(),
                spec.filesystemPath(),
                Conductor.coordinated(spec),
                spec.sha256());
        return new Outcome(result, nodes, judged);
    }

    /**
     * What participant {@code index} of {@code count} needs to run {@code r} alone: the spec as
     * the coordinator has it, the requirement, overrides, and its place: {@code participant}
     * {index, count} and {@code sharedId}, the name of the directory the nodes share in a shared
     * layout (the same for all of them, new for each requirement). A participant of a release
     * before shared layouts ignores the place, and cannot load a spec that needs it.
     */
    public static byte[] assignment(String specText, Requirement r, int index, int count, String sharedId) {
        return Conductor.assignment(specText, List.of(r), index, count, sharedId, List.of(List.of()));
    }

    /** Stops listening and ends the session of every participant still in one. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            coordinator.close();
        }
    }
}
