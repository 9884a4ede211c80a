package io.iocert.probes.net;

import io.iocert.spec.Quantity;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One client of {@link PeerServer}, on one pool thread: handshake, authentication, one
 * request and its data phase, then one log line. Nothing here throws: every outcome ends in
 * the log line.
 */
final class Session {
    private static final SecureRandom NONCES = new SecureRandom();

    /**
     * One of the server's session slots, taken after authentication, with the data buffer it
     * keeps for the sessions that use it (at most the message limit).
     */
    static final class Slot {
        private ByteBuffer buffer;

        /** A direct buffer of exactly {@code size} bytes, reusing this slot's when it is large enough. */
        ByteBuffer buffer(int size) {
            if (buffer == null || buffer.capacity() < size) {
                buffer = null; // the old one may be collected before the new one is reserved
                buffer = ByteBuffer.allocateDirect(size);
            }
            buffer.clear().limit(size);
            return buffer.slice();
        }
    }

    private final long id;
    private final SocketChannel ch;
    private final String remote;
    private final Optional<Token> token;
    private final ServerLimits limits;
    private final Watchdog watchdog;
    private final int version;
    private final HandshakeGate.Ticket ticket;
    private final HandshakeGate gate;
    private final BlockingQueue<Slot> slots;
    private final Consumer<String> log;
    private final LogLimiter limitedLog;
    /** Takes participants of a coordinated run; null on a plain serve. */
    private final Coordinator joins;

    /** Whether the server is stopping: a session ended by its closing channel then says so. */
    private final BooleanSupplier serverStopping;

    private final long startNs = System.nanoTime();
    private String what = "handshake";
    private boolean authenticated;
    private long moved;

    Session(
            long id,
            SocketChannel ch,
            String remote,
            Optional<Token> token,
            ServerLimits limits,
            Watchdog watchdog,
            int version,
            HandshakeGate.Ticket ticket,
            HandshakeGate gate,
            BlockingQueue<Slot> slots,
            Consumer<String> log,
            LogLimiter limitedLog,
            Coordinator joins,
            BooleanSupplier serverStopping) {
        this.joins = joins;
        this.serverStopping = serverStopping;
        this.id = id;
        this.ch = ch;
        this.remote = remote;
        this.token = token;
        this.limits = limits;
        this.watchdog = watchdog;
        this.version = version;
        this.ticket = ticket;
        this.gate = gate;
        this.slots = slots;
        this.log = log;
        this.limitedLog = limitedLog;
    }

    void run() {
        String outcome;
        Slot[] slot = new Slot[1];
        try (Watchdog.Guard guard = watchdog.watch(ch)) {
            try {
                outcome = serve(guard, slot);
            } catch (ProtocolException e) {
                outcome = refuse("protocol error: " + e.getMessage());
            } catch (IOException e) {
                outcome = ticket.evicted()
                        ? "closed: evicted by a newer connection (the handshake pool of " + gate.max()
                                + " was full; the oldest of the source with the most goes first)"
                        : guard.reason() != null
                                ? "closed: " + guard.reason()
                                : serverStopping.getAsBoolean()
                                        ? "closed: the server is stopping"
                                        : "ended: " + PeerServer.describe(e);
            } catch (RuntimeException e) {
                outcome = "internal error: " + e;
            } catch (OutOfMemoryError e) {
                outcome = "internal error: out of memory (" + PeerServer.describe(e) + ")";
            }
        } finally {
            gate.leave(ticket);
            if (slot[0] != null) {
                slots.add(slot[0]);
            }
        }
        double seconds = (System.nanoTime() - startNs) / 1e9;
        String line = String.format(
                java.util.Locale.ROOT,
                "session %d %s: %s, %.3f s, %s moved: %s",
                id,
                remote,
                what,
                seconds,
                Quantity.bytes(moved).format(),
                outcome);
        if (authenticated && token.isPresent()) {
            log.accept(line); // a client holding the token: every line
        } else {
            limitedLog.accept(what + ": " + outcome, line); // anyone at all: a few lines per kind a minute
        }
    }

    private String serve(Watchdog.Guard guard, Slot[] slot) throws IOException, ProtocolException {
        guard.phase("waiting for the handshake", limits.handshakeNs(), limits.handshakeNs());
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Frame first = Frame.read(ch);
        if (first == null) {
            return "closed before the handshake";
        }
        Messages.Hello hello = Messages.Hello.parse(first);
        if (hello.version() != version) {
            return refuse("protocol version mismatch: this iocert serve speaks protocol " + version
                    + ", the client speaks " + hello.version() + "; run the same iocert release on both sides");
        }
        byte[] nonce = new byte[Messages.NONCE_BYTES];
        NONCES.nextBytes(nonce);
        byte[] proof = token.isPresent() ? token.get().serverProof(hello.nonce(), nonce) : new byte[Messages.MAC_BYTES];
        new Messages.Challenge(version, token.isPresent(), nonce, proof).frame().write(ch);
        Messages.Auth auth = Messages.Auth.parse(expect(Frame.read(ch)));
        if (token.isPresent() && !token.get().verifyClient(nonce, hello.nonce(), auth.mac())) {
            return refuse(
                    auth.mac().length == 0
                            ? "authentication failed: this server requires a token (--token-file)"
                            : "authentication failed: the client's token does not match this server's");
        }
        gate.leave(ticket);
        authenticated = true;
        slot[0] = slots.poll();
        if (slot[0] == null) {
            return refuse("busy: " + limits.maxSessions() + " sessions already running (the server's session limit)");
        }
        new Messages.Ready(limits.maxMessageBytes(), limits.maxTestNs()).frame().write(ch);

        what = "authenticated";
        guard.phase("waiting for a request", limits.idleNs(), Watchdog.NONE);
        Frame next = Frame.read(ch);
        if (next == null) {
            what = "handshake only";
            return "ok";
        }
        if (next.type() == Frame.Type.JOIN) {
            Messages.Join join = Messages.Join.parse(next);
            what = "participant " + join.name();
            if (joins == null) {
                return refuse(
                        "this iocert serve coordinates no run: 'iocert join' needs the address of 'iocert coordinate'");
            }
            return joins.serve(join.name(), ch, remote, guard);
        }
        Messages.Request r = Messages.Request.parse(next);
        what = describe(r);
        if (r.sizeBytes() < 1 || r.sizeBytes() > limits.maxMessageBytes()) {
            return refuse(
                    "size " + Quantity.bytes(r.sizeBytes()).format() + " is outside what this server allows (1 B to "
                            + Quantity.bytes(limits.maxMessageBytes()).format() + ", its message size limit)");
        }
        if (r.durationNs() < 1 || r.durationNs() > limits.maxTestNs()) {
            return refuse("a test of " + Quantity.nanos(r.durationNs()).format()
                    + " is outside what this server allows (at most "
                    + Quantity.nanos(limits.maxTestNs()).format() + ", its test duration limit)");
        }
        ByteBuffer buf;
        try {
            buf = slot[0].buffer(r.sizeBytes());
        } catch (OutOfMemoryError e) {
            // Within the limits, yet the JVM has no room now (other memory in use, or a limit
            // above what serve checked at start): refuse this request, keep serving.
            return refuse("no memory for a buffer of "
                    + Quantity.bytes(r.sizeBytes()).format() + " now ("
                    + PeerServer.describe(e) + "); ask for smaller messages, or run serve with more memory or a lower"
                    + " --max-frame");
        }
        Messages.empty(Frame.Type.ACCEPT).write(ch);
        // The test may run as long as requested, plus the idle limit for the client to wind down.
        long allowedNs = Math.min(limits.maxTestNs(), r.durationNs()) + limits.idleNs();
        guard.phase(what, limits.idleNs(), allowedNs);
        return switch (r.kind()) {
            case PINGPONG -> echo(buf, guard);
            case STREAM_TO_SERVER -> sink(buf, guard);
            case STREAM_FROM_SERVER -> source(buf, guard, r.durationNs());
        };
    }

    /** Returns each message once all of it has arrived, until the client closes between messages. */
    private String echo(ByteBuffer buf, Watchdog.Guard guard) throws IOException {
        long messages = 0;
        while (true) {
            buf.clear();
            if (!Frame.readFully(ch, buf, true)) {
                return "ok, " + messages + " messages";
            }
            guard.progress();
            buf.flip();
            Frame.writeFully(ch, buf);
            moved += buf.limit();
            messages++;
        }
    }

    /** Counts and discards until the client closes its side, then reports the count. */
    private String sink(ByteBuffer buf, Watchdog.Guard guard) throws IOException {
        while (true) {
            buf.clear();
            int n = ch.read(buf);
            if (n < 0) {
                break;
            }
            moved += n;
            guard.progress();
        }
        new Messages.Done(moved).frame().write(ch);
        ch.shutdownOutput();
        return "ok";
    }

    /**
     * Waits for the client's start byte, writes for the requested time, then closes its side and
     * waits for the client to close. The start byte lets a client set up all its streams before
     * any of them runs.
     */
    private String source(ByteBuffer buf, Watchdog.Guard guard, long durationNs) throws IOException {
        SplittableRandom random = new SplittableRandom();
        while (buf.remaining() >= 8) {
            buf.putLong(random.nextLong());
        }
        ByteBuffer start = ByteBuffer.allocate(1);
        if (!Frame.readFully(ch, start, true)) {
            return "closed before the start signal";
        }
        long endNs = System.nanoTime() + durationNs;
        while (endNs - System.nanoTime() > 0) {
            buf.clear();
            moved += ch.write(buf);
            guard.progress();
        }
        ch.shutdownOutput();
        buf.clear();
        while (ch.read(buf) >= 0) {
            buf.clear();
        }
        return "ok";
    }

    private String refuse(String why) {
        try {
            new Messages.Refusal(why).frame().write(ch);
        } catch (IOException e) {
            // the client is gone; the log says why we refused
        }
        return "refused, " + why;
    }

    private static Frame expect(Frame f) throws EOFException {
        if (f == null) {
            throw new EOFException("the client closed the connection during the handshake");
        }
        return f;
    }

    private static String describe(Messages.Request r) {
        String size = Quantity.bytes(r.sizeBytes()).format();
        return switch (r.kind()) {
            case PINGPONG -> "ping-pong " + size;
            case STREAM_TO_SERVER -> "stream to server, writes of " + size;
            case STREAM_FROM_SERVER -> "stream from server, writes of " + size;
        };
    }
}
