package io.iocert.probes.net;

import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.spec.ProbeType;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** What the three net probes share: finding the peer, the budget reserve, context entries. */
final class NetSupport {
    static final String PEER = "peer";
    static final String STOPPED_BY = "stoppedBy";
    static final String PROTOCOL = "peerProtocol";
    static final long PROGRESS_PERIOD_NS = 250_000_000L;
    private static final long MAX_SPAN_NS = Long.MAX_VALUE / 4;

    private NetSupport() {}

    static Peer peer(ProbeType probe, ProbeContext context) throws ProbeException {
        if (context.peer().isEmpty()) {
            throw new ProbeException(
                    probe.id() + " needs a peer: run 'iocert serve' on the other node and pass --peer HOST:PORT"
                            + " ('iocert run' without --peer uses an in-process loopback peer)");
        }
        return Peer.resolve(context.peer().get());
    }

    static long budgetNs(Duration budget) {
        if (budget.isNegative()) {
            return 0;
        }
        return budget.compareTo(Duration.ofNanos(MAX_SPAN_NS)) > 0 ? MAX_SPAN_NS : budget.toNanos();
    }

    /** Time kept back from the budget for connecting and closing: a tenth, at most 1 s. */
    static long reserveNs(long budgetNs) {
        return Math.min(1_000_000_000L, budgetNs / 10);
    }

    static Map<String, String> context(Peer peer) {
        Map<String, String> ctx = new LinkedHashMap<>();
        ctx.put(PEER, peer.label());
        ctx.put(PROTOCOL, Integer.toString(Messages.VERSION));
        return ctx;
    }

    /** One piece of work of {@link #inParallel}. */
    @FunctionalInterface
    interface Task<T, R> {
        R run(T item) throws ProbeException, InterruptedException;
    }

    /**
     * Runs {@code task} on every item at once, one thread each (the pairs of a coordinated run),
     * and returns the results in order. The first failure is thrown once all have ended.
     */
    static <T, R> List<R> inParallel(String threadName, List<T> items, Task<T, R> task)
            throws ProbeException, InterruptedException {
        List<R> out = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        Object[] results = new Object[items.size()];
        Throwable[] failures = new Throwable[items.size()];
        for (int i = 0; i < items.size(); i++) {
            int k = i;
            Thread t = new Thread(
                    () -> {
                        try {
                            results[k] = task.run(items.get(k));
                        } catch (Throwable e) {
                            failures[k] = e;
                        }
                    },
                    threadName + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            throw e;
        }
        for (int i = 0; i < items.size(); i++) {
            Throwable f = failures[i];
            if (f instanceof ProbeException pe) {
                throw pe;
            } else if (f instanceof InterruptedException ie) {
                throw ie;
            } else if (f instanceof RuntimeException re) {
                throw re;
            } else if (f instanceof Error err) {
                throw err;
            }
            @SuppressWarnings("unchecked")
            R r = (R) results[i];
            out.add(r);
        }
        return out;
    }

    /** A direct buffer of {@code size} random bytes (random, so nothing on the path can compress it). */
    static ByteBuffer randomBuffer(int size, SplittableRandom random) {
        ByteBuffer b = ByteBuffer.allocateDirect(size);
        while (b.remaining() >= 8) {
            b.putLong(random.nextLong());
        }
        while (b.hasRemaining()) {
            b.put((byte) random.nextInt());
        }
        b.flip();
        return b;
    }
}
