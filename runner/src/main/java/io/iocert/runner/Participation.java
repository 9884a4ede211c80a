package io.iocert.runner;

import io.iocert.probes.PeerAddress;
import io.iocert.probes.ProbeException;
import io.iocert.probes.StartBarrier;
import io.iocert.probes.net.JoinClient;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.spec.Requirement;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * A participant's side of a coordinated run ({@code iocert join}): joins the coordinator
 * ({@link CoordinatedRun} on another node), reads each assignment it sends, runs the assigned
 * requirements through {@link ProbeRunner} (one round, every node probing for the same time),
 * waiting prepared at the start barrier until the coordinator's start instant, and sends the
 * result back, until the coordinator says the run is over. An assignment this node cannot run is
 * refused with the reason, so the coordinator's ERROR names this node and why.
 *
 * <p>It never prints: what it has to say goes to its {@link Listener}, and which exit code an
 * outcome gets is the caller's.
 */
public final class Participation {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CONNECT_RETRY = Duration.ofMillis(500);

    /**
     * What one participation follows.
     *
     * @param name      this participant's name, as the coordinator lists it
     * @param maxWait   the longest wait for the coordinator between messages
     * @param overrides the flags, over the coordinator's spec in each assignment
     * @param runId     names each assignment's run on this node
     */
    public record Config(String name, Duration maxWait, RunConfig.Overrides overrides, Supplier<String> runId) {
        public Config {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(maxWait, "maxWait");
            Objects.requireNonNull(overrides, "overrides");
            Objects.requireNonNull(runId, "runId");
        }
    }

    /** What the caller checks and hears of a participation. */
    public interface Listener {
        /**
         * The fs-path {@code config} chose, checked as the caller checks any run's; a checked
         * exception refuses the assignment (the coordinator is told its message) and ends the
         * participation with it.
         */
        Path fsPath(RunConfig config) throws Exception;

        /** The progress of the {@code index}-th requirement of an assignment (0 the first). */
        RunListener progress(int index);

        /** The requirements of an assignment are about to be prepared in {@code fsPath}. */
        void running(List<Requirement> requirements, Path fsPath);

        /** An assignment's result, about to be sent to the coordinator. */
        void ran(Result result);
    }

    /** The coordinator as a participant talks to it: {@link JoinClient} in a run. */
    interface Link {
        Optional<byte[]> nextAssignment(Duration wait) throws ProbeException;

        StartBarrier start(Duration wait);

        void sendResult(byte[] document) throws ProbeException;

        void giveUp(String why);
    }

    private Participation() {}

    /**
     * Joins, retrying while nothing listens yet (participants started by srun are often up
     * before the coordinator), for at most {@code wait}; any other failure ends at once, a
     * listener address that cannot be bound with a {@link java.net.BindException} as its cause.
     *
     * @param partners where to serve the partners of the interconnect probes; null: nowhere
     */
    public static JoinClient connect(
            PeerAddress coordinator, String name, Duration wait, JoinClient.PartnerListener partners)
            throws ProbeException, InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return JoinClient.join(coordinator, name, CONNECT_TIMEOUT, Optional.ofNullable(partners));
            } catch (ProbeException e) {
                boolean notYet = !(e.getCause() instanceof java.net.BindException)
                        && e.getMessage() != null
                        && e.getMessage().contains("Connection refused");
                if (!notYet || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                Thread.sleep(CONNECT_RETRY.toMillis());
            }
        }
    }

    /**
     * Runs every assignment {@code client}'s coordinator sends until it ends the run.
     *
     * @param token the run's token, which the partners' listeners require
     * @return how many assignments were run
     * @throws ProbeException the coordinator was lost, or sent what this node cannot run (it was
     *     told why)
     */
    public static int run(
            JoinClient client, Optional<io.iocert.probes.net.Token> token, Config config, Listener listener)
            throws Exception {
        return run(
                new Link() {
                    @Override
                    public Optional<byte[]> nextAssignment(Duration wait) throws ProbeException {
                        return client.nextAssignment(wait);
                    }

                    @Override
                    public StartBarrier start(Duration wait) {
                        return () -> client.armedThenAwaitStart(wait);
                    }

                    @Override
                    public void sendResult(byte[] document) throws ProbeException {
                        client.sendResult(document);
                    }

                    @Override
                    public void giveUp(String why) {
                        client.giveUp(why);
                    }
                },
                token,
                config,
                listener);
    }

    static int run(Link link, Optional<io.iocert.probes.net.Token> token, Config config, Listener listener)
            throws Exception {
        int requirements = 0;
        Optional<byte[]> next;
        while ((next = link.nextAssignment(config.maxWait())).isPresent()) {
            Assignment a;
            RunConfig run;
            Path fsPath;
            try {
                a = Assignment.parse(next.get(), token);
                // One round: every node of a coordinated run probes for the same time.
                run = RunConfig.of(a.spec(), config.overrides(), RunConfig.Plan.ONE_ROUND);
                fsPath = listener.fsPath(run);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                // Tell the coordinator why, so its ERROR names this node and the reason.
                link.giveUp(config.name() + " cannot run the assignment: " + e.getMessage());
                throw e;
            }
            listener.running(
                    a.requirements().stream().map(Assignment.Part::requirement).toList(), fsPath);
            Result result =
                    runAll(a, run, link.start(config.maxWait()), config.runId().get(), listener);
            listener.ran(result);
            link.sendResult(ResultCodec.toJson(result));
            requirements++;
        }
        return requirements;
    }

    /**
     * Runs the requirements of one assignment, each in its own thread with its own runner when
     * there are several (run at one instant, {@code concurrentWith}), all of them waiting at one
     * barrier, so the coordinator hears ready once and starts them together; one result holds
     * every measurement.
     */
    private static Result runAll(Assignment a, RunConfig config, StartBarrier start, String runId, Listener listener)
            throws Exception {
        if (a.requirements().size() == 1) {
            Assignment.Part p = a.requirements().get(0);
            return new ProbeRunner(config, runId, listener.progress(0))
                    .runCoordinated(p.requirement(), start, a.placement(), p.partners());
        }
        GroupBarrier barrier = new GroupBarrier(a.requirements().size(), start);
        ExecutorService pool = Executors.newFixedThreadPool(a.requirements().size());
        try {
            List<Future<Result>> futures = new ArrayList<>();
            for (int i = 0; i < a.requirements().size(); i++) {
                Assignment.Part p = a.requirements().get(i);
                ProbeRunner runner = new ProbeRunner(config, runId + "-" + i, listener.progress(i));
                futures.add(pool.submit(() -> {
                    try {
                        return runner.runCoordinated(p.requirement(), barrier.member(), a.placement(), p.partners());
                    } finally {
                        barrier.leave();
                    }
                }));
            }
            List<Measurement> all = new ArrayList<>();
            Result first = null;
            for (Future<Result> f : futures) {
                Result r;
                try {
                    r = f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception x ? x : new IllegalStateException(e.getCause());
                }
                first = first == null ? r : first;
                all.addAll(r.measurements());
            }
            return new Result(
                    first.format(),
                    first.toolVersion(),
                    first.node(),
                    first.specName(),
                    first.specSha256(),
                    first.startedAt(),
                    Instant.now(),
                    all);
        } finally {
            pool.shutdownNow();
        }
    }
}
