package io.iocert.probes.net;

import io.iocert.probes.EpochClock;
import io.iocert.probes.PeerAddress;
import io.iocert.probes.ProbeException;
import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

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
    private final Watchdog watchdog;
    private final PeerConnection connection;
    private final Peer peer;

    private JoinClient(Watchdog watchdog, PeerConnection connection, Peer peer) {
        this.watchdog = watchdog;
        this.connection = connection;
        this.peer = peer;
    }

    /** Connects, authenticates and joins as {@code name}. */
    public static JoinClient join(PeerAddress coordinator, String name, Duration connectTimeout) throws ProbeException {
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
            new Messages.Join(name).frame().write(c.channel());
        } catch (IOException e) {
            j.close();
            throw new ProbeException("could not join " + j.describe() + ": " + PeerServer.describe(e), e);
        }
        return j;
    }

    /**
     * The next assignment, answering clock probes meanwhile; empty when the coordinator ends
     * the run. Waits at most {@code wait} between frames.
     */
    public Optional<byte[]> nextAssignment(Duration wait) throws ProbeException {
        connection.guard().phase("waiting for " + describe() + " to assign a requirement", wait.toNanos(), Watchdog.NONE);
        try {
            while (true) {
                Frame f = next("waiting for an assignment");
                switch (f.type()) {
                    case CLOCK -> {
                        Messages.Clock c = Messages.Clock.parse(f);
                        new Messages.Clock(c.coordinatorEpochNs(), EpochClock.nowNs()).frame().write(connection.channel());
                        connection.guard().progress();
                    }
                    case BYE -> {
                        return Optional.empty();
                    }
                    case ASSIGN -> {
                        long n = Messages.Blob.length(f, Frame.Type.ASSIGN, MAX_ASSIGNMENT_BYTES, "the largest assignment");
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
    }
}
