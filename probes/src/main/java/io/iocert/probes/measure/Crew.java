package io.iocert.probes.measure;

import io.iocert.probes.ProbeException;
import io.iocert.spec.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker threads of one probe round, with the one life cycle every multi-threaded probe
 * shares: each member prepares on its own thread (opens its files, calibrates its loop), waits at
 * the start gate until the probe releases them all at once (so the measured clock starts when
 * every worker can issue its first operation, and thread start-up never shows as an empty first
 * interval), measures, and returns its part. The probe meanwhile polls for progress.
 *
 * <p>Stopping follows one rule ({@link #close}): raise the shared stop flag and open the gate,
 * give the members {@link #GRACE_NS} to notice and return by themselves, then interrupt them and
 * wait up to {@link #LIMIT_NS} more; a member still running after that is reported as a
 * {@link ProbeException}. The grace comes first because interrupting a thread blocked in a
 * {@link java.nio.channels.FileChannel} operation closes the channel, which a write in progress
 * must not see while it could still finish.
 *
 * @param <T> what each member's measured part returns
 */
public final class Crew<T> implements AutoCloseable {
    /** How long members get to return by themselves once stopped, before they are interrupted. */
    static final long GRACE_NS = 5_000_000_000L;
    /** How long interrupted members get before the crew reports them stuck. */
    static final long LIMIT_NS = 60_000_000_000L;

    /** One worker of the crew. */
    public interface Member<T> {
        /** Work before the start gate, on the member's own thread: not measured. */
        default void prepare() throws Exception {}

        /** The measured part, once the crew is released. */
        T measure() throws Exception;
    }

    /** Called between waits while the crew works; may end the round by throwing. */
    @FunctionalInterface
    public interface Poll {
        void tick() throws ProbeException;
    }

    private final String probeId;
    private final AtomicBoolean stop;
    private final ExecutorService pool;
    private final CountDownLatch prepared;
    private final CountDownLatch go = new CountDownLatch(1);
    private final List<Future<T>> futures = new ArrayList<>();
    private volatile boolean released;
    private final long graceNs;
    private final long limitNs;

    private Crew(String probeId, int size, AtomicBoolean stop, long graceNs, long limitNs) {
        this.probeId = probeId;
        this.stop = stop;
        this.graceNs = graceNs;
        this.limitNs = limitNs;
        this.prepared = new CountDownLatch(size);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(size, r -> {
            Thread t = new Thread(r, "iocert-" + probeId + "-" + n.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Starts one thread per member; each prepares, then waits at the gate. A member that fails
     * preparing raises {@code stop} (so the others can give up early) and counts as prepared, so
     * {@link #awaitPrepared} never waits for it; its failure surfaces from {@link #awaitAll}.
     *
     * @param stop the flag the members watch; raised by the crew on any failure and on close
     */
    public static <T> Crew<T> start(String probeId, List<? extends Member<T>> members, AtomicBoolean stop) {
        return start(probeId, members, stop, GRACE_NS, LIMIT_NS);
    }

    /** As {@link #start(String, List, AtomicBoolean)}, with the stopping rule's two waits given (tests). */
    static <T> Crew<T> start(
            String probeId, List<? extends Member<T>> members, AtomicBoolean stop, long graceNs, long limitNs) {
        Crew<T> crew = new Crew<>(probeId, members.size(), stop, graceNs, limitNs);
        for (Member<T> m : members) {
            crew.futures.add(crew.pool.submit(() -> {
                try {
                    m.prepare();
                } catch (Exception | Error e) {
                    stop.set(true);
                    throw e;
                } finally {
                    crew.prepared.countDown();
                }
                crew.go.await();
                // Opened by close, not by release: the round ended before it began.
                return crew.released ? m.measure() : null;
            }));
        }
        return crew;
    }

    /** Waits until every member has prepared (or failed to); false when {@code timeoutNs} passed first. */
    public boolean awaitPrepared(long timeoutNs) throws InterruptedException {
        return prepared.await(timeoutNs, TimeUnit.NANOSECONDS);
    }

    /** Waits as long as it takes for every member to prepare (or fail to). */
    public void awaitPrepared() throws InterruptedException {
        prepared.await();
    }

    /** Whether a member failed, or the stop flag was raised otherwise. */
    public boolean stopped() {
        return stop.get();
    }

    /** Opens the gate: every prepared member starts its measured part now. */
    public void release() {
        released = true;
        go.countDown();
    }

    /**
     * Waits for every member's part, in member order, calling {@code poll} every
     * {@code periodNs} meanwhile. A failed member raises the stop flag and ends the wait: its
     * {@link ProbeException} or interruption as it was, anything else as a ProbeException naming
     * the probe.
     */
    public List<T> awaitAll(long periodNs, Poll poll) throws ProbeException, InterruptedException {
        List<T> parts = new ArrayList<>(futures.size());
        for (Future<T> f : futures) {
            while (true) {
                try {
                    parts.add(f.get(periodNs, TimeUnit.NANOSECONDS));
                    break;
                } catch (TimeoutException e) {
                    poll.tick();
                } catch (ExecutionException e) {
                    stop.set(true);
                    Throwable cause = e.getCause();
                    if (cause instanceof InterruptedException ie) {
                        throw ie;
                    }
                    if (cause instanceof ProbeException pe) {
                        throw pe;
                    }
                    throw new ProbeException(probeId + " worker failed: " + describe(cause), cause);
                }
            }
        }
        return parts;
    }

    /** Stops the crew by the rule in the class comment; throws if a member is still running after it. */
    @Override
    public void close() throws ProbeException {
        stop.set(true);
        go.countDown();
        pool.shutdown();
        boolean interrupted = false;
        boolean ended = false;
        try {
            ended = pool.awaitTermination(graceNs, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (!ended) {
            pool.shutdownNow();
            if (!interrupted) {
                try {
                    ended = pool.awaitTermination(limitNs, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            // The caller was told to stop: the members are interrupted, and it does not wait for them.
            Thread.currentThread().interrupt();
            return;
        }
        if (!ended) {
            throw new ProbeException(probeId + " workers did not stop within "
                    + Quantity.nanos(graceNs + limitNs).format() + " of being told to");
        }
    }

    /** A failure's message, or its class when it has none. */
    public static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }
}
