package io.iocert.probes.net;

import io.iocert.probes.EpochClock;
import io.iocert.probes.ProbeException;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The coordinator of a coordinated run ({@code iocert coordinate}): an {@link PeerServer} (same
 * authentication, limits and interconnect service) that also takes participants
 * ({@code iocert join}). A participant's session thread measures its clock and registers it,
 * then waits while the coordinating thread drives the conversation through its
 * {@link Participant} handle (see {@link Messages} for the messages).
 *
 * <p><b>Clocks.</b> {@value #CLOCK_ROUNDS} round trips at join: the coordinator stamps t0 on
 * sending, the participant its own clock t1 on answering, the coordinator t2 on receipt. The
 * round trip with the shortest t2 - t0 gives the offset t1 - (t0 + t2) / 2 and its bound
 * (t2 - t0) / 2: the participant stamped somewhere between t0 and t2, so its clock differs from
 * the coordinator's by the offset give or take that bound, whatever the path's asymmetry.
 */
public final class Coordinator implements AutoCloseable {
    static final int CLOCK_ROUNDS = 8;
    private static final long CLOCK_ROUND_LIMIT_NS = 5_000_000_000L;

    private final PeerServer server;
    private final Consumer<String> log;
    private final long maxResultBytes;
    private final Map<String, Participant> joined = new LinkedHashMap<>();
    private boolean doorClosed;

    private Coordinator(PeerServer server, Consumer<String> log, long maxResultBytes) {
        this.server = server;
        this.log = log;
        this.maxResultBytes = maxResultBytes;
    }

    /**
     * Listens for participants (and serves interconnect probes, as {@code iocert serve}).
     *
     * @param maxResultBytes the largest result document a participant may send
     */
    public static Coordinator start(
            InetSocketAddress bind,
            Optional<Token> token,
            ServerLimits limits,
            Consumer<String> log,
            long maxResultBytes)
            throws IOException {
        PeerServer s = PeerServer.start(bind, token, limits, log);
        Coordinator c = new Coordinator(s, log, maxResultBytes);
        s.acceptJoins(c);
        return c;
    }

    public InetSocketAddress address() {
        return server.address();
    }

    /**
     * Waits until the named participants have all joined (or, with no names, {@code count} of
     * them), or {@code timeout} has passed; then lets no more in. Returns those that joined,
     * named ones in the order given.
     */
    public synchronized List<Participant> awaitJoined(List<String> names, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(names.isEmpty() ? joined.size() >= count : joined.keySet().containsAll(names))) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        doorClosed = true;
        List<Participant> out = new ArrayList<>();
        if (names.isEmpty()) {
            out.addAll(joined.values());
        } else {
            for (String n : names) {
                if (joined.containsKey(n)) {
                    out.add(joined.get(n));
                }
            }
            // A participant not named is sent away now.
            for (Participant p : joined.values()) {
                if (!names.contains(p.name)) {
                    p.finish("refused: not one of the participants the coordinator was given");
                }
            }
        }
        return out;
    }

    /** Who joined so far, by name. */
    public synchronized Set<String> joinedNames() {
        return Set.copyOf(joined.keySet());
    }

    @Override
    public void close() {
        List<Participant> all;
        synchronized (this) {
            doorClosed = true;
            all = new ArrayList<>(joined.values());
        }
        all.forEach(p -> p.finish("ended: the coordinator stopped"));
        server.close();
    }

    /** A participant's session, from its JOIN on: runs on the session thread until released. */
    String serve(String name, SocketChannel ch, String remote, Watchdog.Guard guard)
            throws IOException, ProtocolException {
        guard.phase(
                "reading where participant " + name + " serves its partners",
                CLOCK_ROUND_LIMIT_NS,
                CLOCK_ROUND_LIMIT_NS);
        Frame first = Frame.read(ch);
        if (first == null) {
            throw new EOFException("participant " + name + " closed the connection after joining");
        }
        Messages.Listen listen = Messages.Listen.parse(first);
        guard.phase(
                "measuring the clock of participant " + name,
                CLOCK_ROUND_LIMIT_NS,
                CLOCK_ROUNDS * CLOCK_ROUND_LIMIT_NS);
        long bestRtt = Long.MAX_VALUE;
        long offset = 0;
        for (int i = 0; i < CLOCK_ROUNDS; i++) {
            long t0 = EpochClock.nowNs();
            new Messages.Clock(t0, 0).frame().write(ch);
            Frame f = Frame.read(ch);
            long t2 = EpochClock.nowNs();
            if (f == null) {
                throw new EOFException("participant " + name + " closed the connection while its clock was measured");
            }
            Messages.Clock c = Messages.Clock.parse(f);
            if (c.coordinatorEpochNs() != t0) {
                throw new ProtocolException("participant " + name + " answered a clock probe it was not sent");
            }
            if (t2 - t0 < bestRtt) {
                bestRtt = t2 - t0;
                offset = c.participantEpochNs() - (t0 + t2) / 2;
            }
        }
        Participant p = new Participant(name, remote, ch, guard, offset, (bestRtt + 1) / 2, listen);
        synchronized (this) {
            String why = doorClosed
                    ? "the run has started without it (it joined after the coordinator stopped waiting)"
                    : joined.containsKey(name) ? "another participant has joined under the name '" + name + "'" : null;
            if (why != null) {
                new Messages.Refusal("coordinator refused participant " + name + ": " + why)
                        .frame()
                        .write(ch);
                return "refused, " + why;
            }
            joined.put(name, p);
            notifyAll();
        }
        log.accept(String.format(
                java.util.Locale.ROOT,
                "participant %s joined from %s (clock offset %+.3f ms +- %.3f ms)%s",
                name,
                remote,
                offset / 1e6,
                p.clockUncertaintyNs / 1e6,
                listen.none()
                        ? ", serving no partners"
                        : ", serving partners on " + p.peerAddress().orElseThrow()));
        guard.phase("waiting for the coordinator", Watchdog.NONE, Watchdog.NONE);
        try {
            p.released.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            // The server stops right after the coordinator releases everyone; that is no interruption.
            return p.released.getCount() == 0 ? p.outcome : "interrupted";
        }
        return p.outcome;
    }

    /** One participant as the coordinating thread sees it. Its calls fail once it has failed. */
    public final class Participant {
        private final String name;
        private final String remote;
        private final SocketChannel ch;
        private final Watchdog.Guard guard;
        private final long clockOffsetNs;
        private final long clockUncertaintyNs;
        private final Messages.Listen listen;
        private final CountDownLatch released = new CountDownLatch(1);
        private volatile String outcome = "ok";
        private volatile String failure;

        private Participant(
                String name,
                String remote,
                SocketChannel ch,
                Watchdog.Guard guard,
                long clockOffsetNs,
                long clockUncertaintyNs,
                Messages.Listen listen) {
            this.listen = listen;
            this.name = name;
            this.remote = remote;
            this.ch = ch;
            this.guard = guard;
            this.clockOffsetNs = clockOffsetNs;
            this.clockUncertaintyNs = clockUncertaintyNs;
        }

        public String name() {
            return name;
        }

        public String remote() {
            return remote;
        }

        /** The participant's clock minus the coordinator's, measured at join. */
        public long clockOffsetNs() {
            return clockOffsetNs;
        }

        /** The bound on the error of {@link #clockOffsetNs()}: half the shortest clock round trip. */
        public long clockUncertaintyNs() {
            return clockUncertaintyNs;
        }

        /**
         * Where this participant serves its partners in net probes, {@code host:port} (an IPv6
         * address in brackets); empty when it runs no listener.
         */
        public Optional<String> peerAddress() {
            if (listen.none()) {
                return Optional.empty();
            }
            return Optional.of(
                    (listen.host().contains(":") ? "[" + listen.host() + "]" : listen.host()) + ":" + listen.port());
        }

        /** Why this participant failed, or empty while it has not. */
        public Optional<String> failure() {
            return Optional.ofNullable(failure);
        }

        /** Sends the next assignment (the spec, which requirement, how to run it). */
        public synchronized void assign(byte[] assignment) throws ProbeException {
            check();
            guard.phase("sending participant " + name + " its assignment", 10_000_000_000L, 10_000_000_000L);
            try {
                Messages.Blob.write(ch, Frame.Type.ASSIGN, assignment);
            } catch (IOException e) {
                throw fail("could not send the assignment", e);
            }
        }

        /**
         * Waits for the participant to be prepared; empty when it is, its result document when it
         * finished without reaching the start (its probe failed while preparing).
         */
        public synchronized Optional<byte[]> awaitArmed(Duration limit) throws ProbeException {
            check();
            guard.phase("waiting for participant " + name + " to prepare", limit.toNanos(), limit.toNanos());
            try {
                Frame f = next();
                if (f.type() == Frame.Type.ARMED) {
                    Messages.parse(f);
                    return Optional.empty();
                }
                return Optional.of(result(f));
            } catch (IOException e) {
                throw fail("it did not report ready to measure", e);
            } catch (ProtocolException e) {
                throw fail("it sent something unexpected: " + e.getMessage());
            }
        }

        /** Tells the participant to start at {@code startEpochNs} on the coordinator's clock (its own: plus the offset). */
        public synchronized void go(long startEpochNs) throws ProbeException {
            check();
            try {
                new Messages.Go(startEpochNs + clockOffsetNs).frame().write(ch);
            } catch (IOException e) {
                throw fail("could not send the start", e);
            }
        }

        /** Waits for the participant's result document. */
        public synchronized byte[] awaitResult(Duration limit) throws ProbeException {
            check();
            guard.phase("waiting for participant " + name + "'s result", limit.toNanos(), limit.toNanos());
            try {
                return result(next());
            } catch (IOException e) {
                throw fail("it did not send its result", e);
            } catch (ProtocolException e) {
                throw fail("it sent something unexpected: " + e.getMessage());
            }
        }

        /** Ends the conversation (BYE unless it failed) and releases its session with {@code outcome}. */
        public void finish(String outcome) {
            if (released.getCount() == 0) {
                return;
            }
            if (failure == null) {
                try {
                    guard.phase("saying goodbye to participant " + name, 5_000_000_000L, 5_000_000_000L);
                    Messages.empty(Frame.Type.BYE).write(ch);
                } catch (IOException e) {
                    // it is gone already; the outcome says how the run went
                }
            }
            this.outcome = failure != null ? "failed: " + failure : outcome;
            released.countDown();
        }

        private Frame next() throws IOException, ProtocolException, ProbeException {
            Frame f = Frame.read(ch);
            if (f == null) {
                throw new EOFException("it closed the connection");
            }
            if (f.type() == Frame.Type.ERROR) {
                throw fail("it gave up: " + Messages.Refusal.parse(f).message());
            }
            return f;
        }

        private byte[] result(Frame header) throws IOException, ProtocolException {
            if (header.type() != Frame.Type.RESULT) {
                throw new ProtocolException("expected " + Frame.Type.RESULT + ", got " + header.type());
            }
            long n = Messages.Blob.length(
                    header, Frame.Type.RESULT, maxResultBytes, "the coordinator's result size limit");
            return Messages.Blob.read(ch, n, guard::progress);
        }

        private void check() throws ProbeException {
            if (failure != null) {
                throw new ProbeException(failure);
            }
        }

        private ProbeException fail(String what, IOException e) {
            String why = guard.reason() != null ? guard.reason() : PeerServer.describe(e);
            return fail(what + ": " + why);
        }

        private ProbeException fail(String what) {
            failure = "participant " + name + " (" + remote + "): " + what;
            PeerServer.closeQuietly(ch);
            return new ProbeException(failure);
        }
    }
}
