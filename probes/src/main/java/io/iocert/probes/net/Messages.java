package io.iocert.probes.net;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The control messages of peer protocol version {@value #VERSION}, each with its encoding.
 *
 * <p>The conversation: the client sends {@link Hello} with its nonce; the server answers
 * {@link Challenge} with its own nonce and, when it has a token, its proof of the token over
 * the client's nonce (or {@link Refusal} when the versions differ); the client checks that
 * proof and answers {@link Auth}; the server answers {@link Ready} (or {@link Refusal} when
 * authentication fails) and the client may close there (net.connect) or send one
 * {@link Request}, which the server answers with {@link Frame.Type#ACCEPT} or {@link Refusal}.
 * Then raw data flows as the request said; a stream to the server ends with the server's
 * {@link Done}. {@link Token} describes the proofs.
 *
 * <p>{@link Hello} and {@link Challenge} start with a magic number and the version in the same
 * place in every version, so two releases that speak different versions can still tell each
 * other so, instead of misreading the rest. Version 1 had no client nonce and no server proof.
 *
 * <p><b>Coordinated runs</b> (version 3). After {@link Ready}, a participant ({@code iocert join})
 * sends {@link Join} with its name instead of a request; the coordinator then drives: a few
 * {@link Clock} round trips (the participant answers each with its own clock), then per
 * requirement an {@link Blob assignment} ({@code ASSIGN} with the length, then {@code PART}
 * frames), the participant's {@code ARMED} when it is ready to measure, the coordinator's
 * {@link Go} with the start instant on the participant's clock, and the participant's result
 * document as a {@link Blob} ({@code RESULT}, then {@code PART} frames); {@code BYE} ends the
 * run. Blobs travel in control frames, so no frame exceeds {@link Frame#MAX_BYTES}, and a blob
 * longer than the receiver's limit is refused before any of it is read.
 *
 * <p>The assignment's content is the cli's JSON document ({@code iocert-assignment/1}), not a
 * message of this protocol: the participant's place for the shared layouts (its number, the
 * count, the shared directory's id) was added to it as optional fields, which an earlier
 * participant of version 3 ignores, so the version stayed 3 (docs/security.md says why that is
 * safe).
 *
 * <p><b>Partners</b> (version 4). Right after {@link Join}, a participant sends {@link Listen}:
 * the address of the peer listener it runs for its partners (an {@link PeerServer} with the same
 * token and handshake as every other), which the coordinator passes to the participants that
 * measure against it (in the assignment's {@code partners}). A version-3 participant would send
 * none, so the version changed: the handshake refuses the mix with both versions named.
 */
final class Messages {
    /**
     * Protocol version: a change to any message below needs a new one. Version 4 added
     * {@link Listen}; version 3 the coordinated-run messages ({@link Join} and after); version 2
     * mutual authentication.
     */
    static final int VERSION = 4;
    /** "IOCT": marks the first frame of each side as iocert's. */
    static final int MAGIC = 0x494F4354;

    static final int NONCE_BYTES = 32;
    static final int MAC_BYTES = 32;

    private Messages() {}

    /** The client's first frame, with the nonce the server must prove the token over. */
    record Hello(int version, byte[] nonce) {
        Frame frame() {
            return new Frame(
                    Frame.Type.HELLO,
                    ByteBuffer.allocate(6 + nonce.length)
                            .putInt(MAGIC)
                            .putShort((short) version)
                            .put(nonce)
                            .array());
        }

        /** Reads magic and version first, so a different version is reported as such (its nonce empty). */
        static Hello parse(Frame f) throws ProtocolException {
            ByteBuffer b = payload(f, Frame.Type.HELLO);
            int version = magicAndVersion(b, "client");
            if (version != VERSION) {
                return new Hello(version, new byte[0]);
            }
            try {
                byte[] nonce = new byte[NONCE_BYTES];
                b.get(nonce);
                end(b, f);
                return new Hello(version, nonce);
            } catch (BufferUnderflowException e) {
                throw truncated(f);
            }
        }
    }

    /**
     * The server's answer to a hello of its version: a fresh nonce the client must prove the
     * token over, and the server's own proof over the client's nonce (zeros without a token).
     *
     * @param tokenRequired whether the server has a token, so checks the client's answer and
     *                      proves itself; a client holding a token refuses a server without one
     */
    record Challenge(int version, boolean tokenRequired, byte[] nonce, byte[] proof) {
        Frame frame() {
            return new Frame(
                    Frame.Type.CHALLENGE,
                    ByteBuffer.allocate(7 + NONCE_BYTES + MAC_BYTES)
                            .putInt(MAGIC)
                            .putShort((short) version)
                            .put((byte) (tokenRequired ? 1 : 0))
                            .put(nonce)
                            .put(proof)
                            .array());
        }

        /** Reads magic and version first, so a different version is reported as such. */
        static Challenge parse(Frame f) throws ProtocolException {
            ByteBuffer b = payload(f, Frame.Type.CHALLENGE);
            int version = magicAndVersion(b, "server");
            if (version != VERSION) {
                return new Challenge(version, false, new byte[0], new byte[0]);
            }
            try {
                int flags = b.get() & 0xff;
                if (flags > 1) {
                    throw new ProtocolException("challenge flags " + flags + " are not known to protocol " + VERSION);
                }
                byte[] nonce = new byte[NONCE_BYTES];
                b.get(nonce);
                byte[] proof = new byte[MAC_BYTES];
                b.get(proof);
                end(b, f);
                return new Challenge(version, flags == 1, nonce, proof);
            } catch (BufferUnderflowException e) {
                throw truncated(f);
            }
        }
    }

    /** The client's proof of the token over the server's nonce; empty when it has no token. */
    record Auth(byte[] mac) {
        Frame frame() {
            return new Frame(Frame.Type.AUTH, mac.clone());
        }

        static Auth parse(Frame f) throws ProtocolException {
            ByteBuffer b = payload(f, Frame.Type.AUTH);
            if (b.remaining() != 0 && b.remaining() != MAC_BYTES) {
                throw new ProtocolException("AUTH carries " + b.remaining() + " bytes; expected 0 or " + MAC_BYTES);
            }
            byte[] mac = new byte[b.remaining()];
            b.get(mac);
            return new Auth(mac);
        }
    }

    /** Authentication passed; the server's limits, so the client can check a request first. */
    record Ready(int maxMessageBytes, long maxTestNs) {
        Frame frame() {
            return new Frame(
                    Frame.Type.READY,
                    ByteBuffer.allocate(12)
                            .putInt(maxMessageBytes)
                            .putLong(maxTestNs)
                            .array());
        }

        static Ready parse(Frame f) throws ProtocolException {
            ByteBuffer b = payload(f, Frame.Type.READY);
            try {
                Ready r = new Ready(b.getInt(), b.getLong());
                end(b, f);
                if (r.maxMessageBytes < 1 || r.maxTestNs < 1) {
                    throw new ProtocolException("READY announces non-positive limits " + r);
                }
                return r;
            } catch (BufferUnderflowException e) {
                throw truncated(f);
            }
        }
    }

    /** What the data phase carries. */
    enum Kind {
        /** The client sends messages of {@code sizeBytes}; the server returns each once it has all of it. */
        PINGPONG(1),
        /** The client streams to the server, which counts and discards, then reports {@link Done}. */
        STREAM_TO_SERVER(2),
        /**
         * After one start byte from the client, the server streams to it in writes of
         * {@code sizeBytes} for {@code durationNs}, then closes its side.
         */
        STREAM_FROM_SERVER(3);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) throws ProtocolException {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new ProtocolException("unknown request kind " + code);
        }
    }

    /**
     * The test the client wants.
     *
     * @param sizeBytes  message size (ping-pong) or write size (stream)
     * @param durationNs how long the client means to test; the server refuses more than its limit
     */
    record Request(Kind kind, int sizeBytes, long durationNs) {
        Frame frame() {
            return new Frame(
                    Frame.Type.REQUEST,
                    ByteBuffer.allocate(13)
                            .put((byte) kind.code)
                            .putInt(sizeBytes)
                            .putLong(durationNs)
                            .array());
        }

        static Request parse(Frame f) throws ProtocolException {
            ByteBuffer b = payload(f, Frame.Type.REQUEST);
            try {
                Request r = new Request(Kind.of(b.get() & 0xff), b.getInt(), b.getLong());
                end(b, f);
                return r;
            } catch (BufferUnderflowException e) {
                throw truncated(f);
            }
        }
    }

    /** A refusal with its reason; the sender closes the connection after it. */
    record Refusal(String message) {
        Frame frame() {
            byte[] text = message.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(text.length, Frame.MAX_PAYLOAD);
            byte[] cut = new byte[n];
            System.arraycopy(text, 0, cut, 0, n);
            return new Frame(Frame.Type.ERROR, cut);
        }

        static Refusal parse(Frame f) throws ProtocolException {
            ByteBuffer b = payload(f, Frame.Type.ERROR);
            byte[] text = new byte[b.remaining()];
            b.get(text);
            // Malformed UTF-8 becomes replacement characters; a message is never refused.
            return new Refusal(new String(text, StandardCharsets.UTF_8));
        }
    }

    /** The server's count of the bytes a stream to it delivered. */
    record Done(long bytes) {
        Frame frame() {
            return new Frame(
                    Frame.Type.DONE, ByteBuffer.allocate(8).putLong(bytes).array());
        }

        static Done parse(Frame f) throws ProtocolException {
            ByteBuffer b = payload(f, Frame.Type.DONE);
            try {
                Done d = new Done(b.getLong());
                end(b, f);
                if (d.bytes < 0) {
                    throw new ProtocolException("DONE reports a negative byte count " + d.bytes);
                }
                return d;
            } catch (BufferUnderflowException e) {
                throw truncated(f);
            }
        }
    }

    /** The most bytes of a participant's name. */
    static final int MAX_NAME_BYTES = 255;

    /** A participant's first frame after {@link Ready}: the name it runs under (its node name). */
    record Join(String name) {
        Frame frame() {
            return new Frame(Frame.Type.JOIN, name.getBytes(StandardCharsets.UTF_8));
        }

        static Join parse(Frame f) throws ProtocolException {
            ByteBuffer b = payload(f, Frame.Type.JOIN);
            if (b.remaining() < 1 || b.remaining() > MAX_NAME_BYTES) {
                throw new ProtocolException(
                        "JOIN names a participant in " + b.remaining() + " bytes; expected 1 to " + MAX_NAME_BYTES);
            }
            byte[] text = new byte[b.remaining()];
            b.get(text);
            String name = new String(text, StandardCharsets.UTF_8);
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._:-]*")) {
                throw new ProtocolException("JOIN names a participant '" + io.iocert.spec.Printable.escape(name)
                        + "'; expected letters, digits, '.', '_', ':' and '-', starting with a letter or digit");
            }
            return new Join(name);
        }
    }

    /**
     * A participant's second frame: where its peer listener serves its partners, as they should
     * connect to it (a host name or address of at most {@value #MAX_NAME_BYTES} bytes, and a
     * port); port 0 and an empty host when it runs none.
     */
    record Listen(String host, int port) {
        Frame frame() {
            byte[] text = host.getBytes(StandardCharsets.UTF_8);
            return new Frame(
                    Frame.Type.LISTEN,
                    ByteBuffer.allocate(2 + text.length)
                            .putShort((short) port)
                            .put(text)
                            .array());
        }

        boolean none() {
            return port == 0;
        }

        static Listen parse(Frame f) throws ProtocolException {
            ByteBuffer b = payload(f, Frame.Type.LISTEN);
            if (b.remaining() < 2 || b.remaining() > 2 + MAX_NAME_BYTES) {
                throw new ProtocolException(
                        "LISTEN carries " + b.remaining() + " bytes; expected 2 to " + (2 + MAX_NAME_BYTES));
            }
            int port = b.getShort() & 0xffff;
            byte[] text = new byte[b.remaining()];
            b.get(text);
            String host = new String(text, StandardCharsets.UTF_8);
            if (port == 0 ? !host.isEmpty() : !host.matches("[A-Za-z0-9][A-Za-z0-9._:%-]*")) {
                throw new ProtocolException(
                        "LISTEN names the host '" + io.iocert.spec.Printable.escape(host) + "' with port " + port
                                + "; expected a host name or address with a port from 1 to 65535, or port 0 and no host");
            }
            return new Listen(host, port);
        }
    }

    /**
     * One clock round trip: the coordinator sends its wall clock (ns since the epoch) with
     * {@code participantEpochNs} 0; the participant returns both, its own clock filled in.
     */
    record Clock(long coordinatorEpochNs, long participantEpochNs) {
        Frame frame() {
            return new Frame(
                    Frame.Type.CLOCK,
                    ByteBuffer.allocate(16)
                            .putLong(coordinatorEpochNs)
                            .putLong(participantEpochNs)
                            .array());
        }

        static Clock parse(Frame f) throws ProtocolException {
            ByteBuffer b = payload(f, Frame.Type.CLOCK);
            try {
                Clock c = new Clock(b.getLong(), b.getLong());
                end(b, f);
                return c;
            } catch (BufferUnderflowException e) {
                throw truncated(f);
            }
        }
    }

    /** The coordinated start: the instant to start measuring, on the participant's own clock. */
    record Go(long startEpochNs) {
        Frame frame() {
            return new Frame(
                    Frame.Type.GO, ByteBuffer.allocate(8).putLong(startEpochNs).array());
        }

        static Go parse(Frame f) throws ProtocolException {
            ByteBuffer b = payload(f, Frame.Type.GO);
            try {
                Go g = new Go(b.getLong());
                end(b, f);
                return g;
            } catch (BufferUnderflowException e) {
                throw truncated(f);
            }
        }
    }

    /**
     * A document longer than one frame (an assignment, a result): a header frame of
     * {@code type} with its length, then {@code PART} frames with the bytes in order.
     */
    static final class Blob {
        private Blob() {}

        static void write(java.nio.channels.WritableByteChannel ch, Frame.Type type, byte[] bytes)
                throws java.io.IOException {
            new Frame(type, ByteBuffer.allocate(8).putLong(bytes.length).array()).write(ch);
            for (int at = 0; at < bytes.length; at += Frame.MAX_PAYLOAD) {
                int n = Math.min(Frame.MAX_PAYLOAD, bytes.length - at);
                byte[] part = new byte[n];
                System.arraycopy(bytes, at, part, 0, n);
                new Frame(Frame.Type.PART, part).write(ch);
            }
        }

        /** The length a blob header announces, refused when above {@code maxBytes} (from {@code limitSource}). */
        static long length(Frame header, Frame.Type type, long maxBytes, String limitSource) throws ProtocolException {
            ByteBuffer b = payload(header, type);
            try {
                long n = b.getLong();
                end(b, header);
                if (n < 0 || n > maxBytes) {
                    throw new ProtocolException(type + " announces " + n + " bytes; the most accepted is " + maxBytes
                            + " (" + limitSource + ")");
                }
                return n;
            } catch (BufferUnderflowException e) {
                throw truncated(header);
            }
        }

        /** Reads the {@code PART} frames of a blob of {@code length} bytes. */
        static byte[] read(java.nio.channels.ReadableByteChannel ch, long length, Runnable progress)
                throws java.io.IOException, ProtocolException {
            byte[] out = new byte[(int) length];
            int at = 0;
            while (at < length) {
                Frame f = Frame.read(ch);
                if (f == null) {
                    throw new java.io.EOFException("the connection ended after " + at + " of " + length + " bytes");
                }
                ByteBuffer b = payload(f, Frame.Type.PART);
                if (b.remaining() > length - at) {
                    throw new ProtocolException("PART runs past the announced " + length + " bytes");
                }
                int n = b.remaining();
                b.get(out, at, n);
                at += n;
                progress.run();
            }
            return out;
        }
    }

    /** An empty frame of {@code type} (ACCEPT, ARMED, BYE). */
    static Frame empty(Frame.Type type) {
        return new Frame(type, new byte[0]);
    }

    /** Parses whichever message {@code f} holds: the fuzz test's single entry point. */
    static Object parse(Frame f) throws ProtocolException {
        return switch (f.type()) {
            case HELLO -> Hello.parse(f);
            case CHALLENGE -> Challenge.parse(f);
            case AUTH -> Auth.parse(f);
            case READY -> Ready.parse(f);
            case REQUEST -> Request.parse(f);
            case ACCEPT -> {
                payload(f, Frame.Type.ACCEPT);
                if (f.payload().length != 0) {
                    throw new ProtocolException("ACCEPT carries " + f.payload().length + " bytes; expected none");
                }
                yield f.type();
            }
            case ERROR -> Refusal.parse(f);
            case DONE -> Done.parse(f);
            case JOIN -> Join.parse(f);
            case LISTEN -> Listen.parse(f);
            case CLOCK -> Clock.parse(f);
            case GO -> Go.parse(f);
            case ASSIGN, RESULT -> Blob.length(f, f.type(), Integer.MAX_VALUE - 8, "the largest array");
            case PART -> f.type();
            case ARMED, BYE -> {
                if (f.payload().length != 0) {
                    throw new ProtocolException(f.type() + " carries " + f.payload().length + " bytes; expected none");
                }
                yield f.type();
            }
        };
    }

    private static ByteBuffer payload(Frame f, Frame.Type expected) throws ProtocolException {
        if (f.type() != expected) {
            throw new ProtocolException("expected " + expected + ", got " + f.type());
        }
        return ByteBuffer.wrap(f.payload());
    }

    private static int magicAndVersion(ByteBuffer b, String side) throws ProtocolException {
        if (b.remaining() < 6 || b.getInt() != MAGIC) {
            throw new ProtocolException(
                    "the " + side + " does not speak the iocert peer protocol (no iocert magic number)");
        }
        return b.getShort() & 0xffff;
    }

    private static void end(ByteBuffer b, Frame f) throws ProtocolException {
        if (b.hasRemaining()) {
            throw new ProtocolException(f.type() + " has " + b.remaining() + " unexpected trailing bytes");
        }
    }

    private static ProtocolException truncated(Frame f) {
        return new ProtocolException(f.type() + " is too short (" + f.payload().length + " bytes)");
    }
}
