package io.iocert.probes.net;

import io.iocert.spec.Quantity;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;

/**
 * The client side of one connection to a peer: connect and handshake (all under deadlines),
 * then one request; afterwards the caller moves data on {@link #channel()} and reports progress
 * to {@link #guard()}.
 */
final class PeerConnection implements AutoCloseable {
    private static final SecureRandom NONCES = new SecureRandom();
    private final SocketChannel ch;
    private final Watchdog.Guard guard;
    private final Peer peer;
    private final ClientTimeouts timeouts;
    private Messages.Ready ready;

    private PeerConnection(SocketChannel ch, Watchdog.Guard guard, Peer peer, ClientTimeouts timeouts) {
        this.ch = ch;
        this.guard = guard;
        this.peer = peer;
        this.timeouts = timeouts;
    }

    /** Connects and authenticates; on failure the connection is closed and the reason is in the exception. */
    static PeerConnection open(Peer peer, Watchdog watchdog, ClientTimeouts timeouts) throws PeerException {
        return open(peer, watchdog, timeouts, Messages.VERSION);
    }

    static PeerConnection open(Peer peer, Watchdog watchdog, ClientTimeouts timeouts, int version)
            throws PeerException {
        SocketChannel ch;
        try {
            ch = SocketChannel.open();
        } catch (IOException e) {
            throw new PeerException("could not open a socket: " + PeerServer.describe(e), e);
        }
        PeerConnection c = new PeerConnection(ch, watchdog.watch(ch), peer, timeouts);
        try {
            c.handshake(version);
            return c;
        } catch (PeerException e) {
            c.close();
            throw e;
        }
    }

    private void handshake(int version) throws PeerException {
        long connectNs = timeouts.connect().toNanos();
        guard.phase("connecting to " + peer.describe(), connectNs, connectNs);
        try {
            ch.socket().connect(peer.address(), (int)
                    Math.max(1, timeouts.connect().toMillis()));
        } catch (IOException e) {
            throw failure("could not connect to " + peer.describe() + " at " + peer.address(), e);
        }
        long handshakeNs = timeouts.handshake().toNanos();
        guard.phase("in the handshake with " + peer.describe(), handshakeNs, handshakeNs);
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            byte[] nonce = new byte[Messages.NONCE_BYTES];
            NONCES.nextBytes(nonce);
            new Messages.Hello(version, nonce).frame().write(ch);
            Messages.Challenge challenge = Messages.Challenge.parse(reply("the handshake"));
            if (challenge.version() != version) {
                throw new PeerException(peer.describe() + " speaks peer protocol " + challenge.version()
                        + ", this iocert speaks " + version + "; run the same iocert release on both sides");
            }
            byte[] mac = new byte[0];
            if (peer.token().isPresent()) {
                // Holding a token, accept only a peer that proves it holds the same one: a peer
                // that cannot (or says none is needed) could be anyone, and its numbers would
                // certify this node.
                if (!challenge.tokenRequired()) {
                    throw new PeerException(peer.describe() + " says it needs no token, but this client holds one"
                            + " (--token-file): refusing a peer that does not prove it knows the token; is "
                            + peer.address()
                            + " the iocert serve you meant, started with the same --token-file?");
                }
                if (!peer.token().get().verifyServer(nonce, challenge.nonce(), challenge.proof())) {
                    throw new PeerException(
                            peer.describe() + " could not prove it holds this client's token: its proof does"
                                    + " not match --token-file (a different token, or not the iocert serve you meant)");
                }
                mac = peer.token().get().clientProof(challenge.nonce(), nonce);
            } else if (challenge.tokenRequired()) {
                throw new PeerException(peer.describe() + " requires a token: pass the shared token with --token-file");
            }
            new Messages.Auth(mac).frame().write(ch);
            ready = Messages.Ready.parse(reply("authentication"));
        } catch (IOException e) {
            throw failure("the handshake with " + peer.describe() + " failed", e);
        } catch (ProtocolException e) {
            throw new PeerException(peer.describe() + " answered the handshake with something unexpected: "
                    + e.getMessage() + " (is " + peer.address() + " an iocert serve?)");
        }
        guard.phase("connected to " + peer.describe(), timeouts.idle().toNanos(), Watchdog.NONE);
    }

    /**
     * Asks for a test and waits for the peer to accept; the data phase follows on {@link #channel()}.
     * The idle limit then applies to every wait, and {@code allowedNs} to the whole phase.
     */
    void request(Messages.Request r, long allowedNs) throws PeerException {
        if (r.sizeBytes() > ready.maxMessageBytes()) {
            throw new PeerException(peer.describe() + " allows messages and writes of at most "
                    + Quantity.bytes(ready.maxMessageBytes()).format()
                    + " (its message size limit), the workload asks for "
                    + Quantity.bytes(r.sizeBytes()).format());
        }
        if (r.durationNs() > ready.maxTestNs()) {
            throw new PeerException(peer.describe() + " allows tests of at most "
                    + Quantity.nanos(ready.maxTestNs()).format() + " (its test duration limit), the workload needs "
                    + Quantity.nanos(r.durationNs()).format());
        }
        try {
            r.frame().write(ch);
            Frame f = reply("the request");
            if (f.type() != Frame.Type.ACCEPT) {
                Messages.parse(f);
                throw new PeerException(peer.describe() + " answered the request with " + f.type());
            }
        } catch (IOException e) {
            throw failure(peer.describe() + " did not accept the request", e);
        } catch (ProtocolException e) {
            throw new PeerException(peer.describe() + " sent something unexpected: " + e.getMessage());
        }
        guard.phase("testing with " + peer.describe(), timeouts.idle().toNanos(), allowedNs);
    }

    /** Reads the server's DONE after a stream to it. */
    Messages.Done done() throws PeerException {
        try {
            return Messages.Done.parse(reply("the end of the stream"));
        } catch (IOException e) {
            throw failure(peer.describe() + " did not confirm the end of the stream", e);
        } catch (ProtocolException e) {
            throw new PeerException(peer.describe() + " sent something unexpected: " + e.getMessage());
        }
    }

    /** The next frame; a refusal becomes a {@link PeerException} with the server's reason. */
    private Frame reply(String during) throws IOException, ProtocolException, PeerException {
        Frame f = Frame.read(ch);
        if (f == null) {
            throw new EOFException(peer.describe() + " closed the connection during " + during);
        }
        if (f.type() == Frame.Type.ERROR) {
            throw new PeerException(
                    peer.describe() + " refused: " + Messages.Refusal.parse(f).message());
        }
        return f;
    }

    /** An I/O failure in words, naming the watchdog's reason when it closed the connection. */
    PeerException failure(String what, IOException e) {
        String why = guard.reason() != null ? guard.reason() : PeerServer.describe(e);
        return new PeerException(what + ": " + why, e);
    }

    SocketChannel channel() {
        return ch;
    }

    Watchdog.Guard guard() {
        return guard;
    }

    Messages.Ready ready() {
        return ready;
    }

    @Override
    public void close() {
        guard.close();
        PeerServer.closeQuietly(ch);
    }
}
