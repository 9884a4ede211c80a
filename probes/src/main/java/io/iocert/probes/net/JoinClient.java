package io.iocert.probes.net;

import io.iocert.probes.EpochClock;
import io.iocert.probes.PeerAddress;
import io.iocert.probes.ProbeException;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A participant's side of a coordinated run ({@code iocert join}): connects to the coordinator
 * with the peer handshake (the same mutual token proof as every client), joins under a name,
 * answers clock probes, and then takes one assignment after another until the coordinator says
 * goodbye. Every wait is bounded by the watchdog; a coordinator that goes away ends the wait
 * with a {@link ProbeException} saying so.
 */
public final class JoinClient implements AutoCloseable {
    /** The largest assignment accepted: a spec, which is far smaller. */
    static final long MAX_ASSIGNMENT_BYTES = 1 << 20;
    /**
     * The partner listener's limits: room for every partner's connections in all-to-all runs of
     * many nodes (slots cost nothing until used), and tests as long as a coordinated budget.
     */
    static final ServerLimits PARTNER_LIMITS = new ServerLimits(
            1024,
            ServerLimits.DEFAULT_MAX_MESSAGE_BYTES,
            ServerLimits.DEFAULT_HANDSHAKE_TIMEOUT,
            ServerLimits.DEFAULT_IDLE_TIMEOUT,
            Duration.ofHours(1),
            256);

    private final Watchdog watchdog;
    private final PeerConnection connection;
    private final Peer peer;
    private PeerServer listener;
    private Messages.Listen listen = new Messages.Listen("", 0);

    private JoinClient(Watchdog watchdog, PeerConnection connection, Peer peer) {
        this.watchdog = watchdog;
        this.connection = connection;
        this.peer = peer;
    }

    /**
     * Where a participant serves its partners (net probes between nodes): an {@code iocert serve}
     * with the coordinator's token.
     *
     * @param bind where to listen; empty: the address this node reaches the coordinator from
     * @param port the port; 0 picks a free one
     * @param log  receives the listener's session lines
     */
    public record PartnerListener(Optional<InetAddress> bind, int port, Consumer<String> log) {}

    /** Connects, authenticates and joins as {@code name}, serving no partners. */
    public static JoinClient join(PeerAddress coordinator, String name, Duration connectTimeout) throws ProbeException {
        return join(coordinator, name, connectTimeout, Optional.empty());
    }

    /**
     * Connects, authenticates, starts the partner listener (when given) and joins as
     * {@code name}, telling the coordinator where the listener is.
     */
    public static JoinClient join(
            PeerAddress coordinator, String name, Duration connectTimeout, Optional<PartnerListener> partners)
            throws ProbeException {
        Peer peer = Peer.resolve(coordinator);
        Watchdog watchdog = new Watchdog("iocert-join-watchdog", 50);
        PeerConnection c;
        try {
            ClientTimeouts t = ClientTimeouts.DEFAULTS;
            c = PeerConnection.open(peer, watchdog, new ClientTimeouts(connectTimeout, t.handshake(), t.idle()));
        } catch (PeerException e) {
            watchdog.close();
            throw new ProbeException("could not join the coordinator: " + e.getMessage(), e);
        }
        JoinClient j = new JoinClient(watchdog, c, peer);
        try {
            if (partners.isPresent()) {
                j.listen(partners.get());
            }
            new Messages.Join(name).frame().write(c.channel());
            j.listen.frame().write(c.channel());
        } catch (ProbeException e) {
            j.close();
            throw e;
        } catch (IOException e) {
            j.close();
            throw new ProbeException("could not join " + j.describe() + ": " + PeerServer.describe(e), e);
        }
        return j;
    }

    /** Starts the partner listener where {@code l} says, or on the address the coordinator is reached from. */
    private void listen(PartnerListener l) throws ProbeException {
        InetAddress local;
        try {
            local = ((InetSocketAddress) connection.channel().getLocalAddress()).getAddress();
        } catch (IOException e) {
            throw new ProbeException(
                    "cannot tell this node's address towards " + describe() + ": " + PeerServer.describe(e), e);
        }
        InetAddress bind = l.bind().orElse(local);
        if (peer.token().isEmpty() && !bind.isLoopbackAddress()) {
            throw new ProbeException("a participant without a token serves its partners on loopback only, and "
                    + bind.getHostAddress() + " is not: pass the run's --token-file");
        }
        try {
            listener = PeerServer.start(new InetSocketAddress(bind, l.port()), peer.token(), PARTNER_LIMITS, l.log());
        } catch (IOException e) {
            throw new ProbeException(
                    "cannot serve partners on " + bind.getHostAddress() + ":" + l.port() + ": "
                            + PeerServer.describe(e),
                    e);
        }
        InetAddress shown = bind.isAnyLocalAddress() ? local : bind;
        listen = new Messages.Listen(shown.getHostAddress(), listener.address().getPort());
    }

    /** Where this participant serves its partners ({@code host:port}), or empty. */
    public Optional<InetSocketAddress> partnerAddress() {
        return listen.none() ? Optional.empty() : Optional.of(new InetSocketAddress(listen.host(), listen.port()));
    }

    /**
     * The next assignment, answering clock probes meanwhile; empty when the coordinator ends
     * the run. Waits at most {@code wait} between frames.
     */
    public Optional<byte[]> nextAssignment(Duration wait) throws ProbeException {
        connection
                .guard()
                .phase("waiting for " + describe() + " to assign a requirement", wait.toNanos(), Watchdog.NONE);
        try {
            while (true) {
                Frame f = next("waiting for an assignment");
                switch (f.type()) {
                    case CLOCK -> {
                        Messages.Clock c = Messages.Clock.parse(f);
                        new Messages.Clock(c.coordinatorEpochNs(), EpochClock.nowNs())
                                .frame()
                                .write(connection.channel());
                        connection.guard().progress();
                    }
                    case BYE -> {
                        return Optional.empty();
                    }
                    case ASSIGN -> {
                        long n = Messages.Blob.length(
                                f, Frame.Type.ASSIGN, MAX_ASSIGNMENT_BYTES, "the largest assignment");
                        return Optional.of(Messages.Blob.read(connection.channel(), n, connection.guard()::progress));
                    }
                    default -> throw new ProtocolException("expected an assignment, got " + f.type());
                }
            }
        } catch (IOException e) {
            throw failure("waiting for an assignment", e);
        } catch (ProtocolException e) {
            throw new ProbeException(describe() + " sent something unexpected: " + e.getMessage(), e);
        }
    }

    /**
     * Reports this participant prepared and waits (at most {@code wait}) for the start, then
     * until the start instant on this node's clock.
     *
     * @return the start, in ns since the epoch on this node's clock
     */
    public long armedThenAwaitStart(Duration wait) throws ProbeException, InterruptedException {
        connection.guard().phase("waiting for " + describe() + " to start the run", wait.toNanos(), wait.toNanos());
        long start;
        try {
            Messages.empty(Frame.Type.ARMED).write(connection.channel());
            Frame f = next("waiting for the start");
            start = Messages.Go.parse(f).startEpochNs();
        } catch (IOException e) {
            throw failure("waiting for the start", e);
        } catch (ProtocolException e) {
            throw new ProbeException(describe() + " sent something unexpected: " + e.getMessage(), e);
        }
        connection.guard().phase("measuring for " + describe(), Watchdog.NONE, Watchdog.NONE);
        long left;
        while ((left = start - EpochClock.nowNs()) > 0) {
            if (left > 2_000_000L) {
                LockSupport.parkNanos(left - 1_000_000L);
            } else {
                Thread.onSpinWait();
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for the coordinated start");
            }
        }
        return start;
    }

    /** Sends this participant's result document. */
    public void sendResult(byte[] document) throws ProbeException {
        connection.guard().phase("sending the result to " + describe(), 30_000_000_000L, Watchdog.NONE);
        try {
            Messages.Blob.write(connection.channel(), Frame.Type.RESULT, document);
        } catch (IOException e) {
            throw failure("sending the result", e);
        }
    }

    /** Tells the coordinator this participant gives up, and why (best effort). */
    public void giveUp(String why) {
        try {
            new Messages.Refusal(why).frame().write(connection.channel());
        } catch (IOException e) {
            // the coordinator is gone; nothing to tell
        }
    }

    private Frame next(String during) throws IOException, ProtocolException, ProbeException {
        Frame f = Frame.read(connection.channel());
        if (f == null) {
            throw new EOFException("the coordinator closed the connection");
        }
        connection.guard().progress();
        if (f.type() == Frame.Type.ERROR) {
            throw new ProbeException(describe() + " refused this participant " + during + ": "
                    + Messages.Refusal.parse(f).message());
        }
        return f;
    }

    private ProbeException failure(String during, IOException e) {
        String why = connection.guard().reason() != null ? connection.guard().reason() : PeerServer.describe(e);
        return new ProbeException("lost " + describe() + " while " + during + ": " + why, e);
    }

    private String describe() {
        return "the coordinator " + peer.label();
    }

    @Override
    public void close() {
        connection.close();
        watchdog.close();
        if (listener != null) {
            listener.close();
        }
    }
}
