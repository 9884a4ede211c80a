package io.iocert.probes.net;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * One control frame of the peer protocol: a 4-byte big-endian length, a type byte and a
 * payload. The length counts the type byte and the payload, so it is at least 1.
 *
 * <p>Control frames are small (at most {@link #MAX_BYTES} in all); a length above that is
 * refused before anything is allocated, so a hostile length field costs nothing. Data (ping
 * messages, stream bytes) does not travel in frames: after a request is accepted the
 * connection carries raw bytes whose size the request fixed.
 */
record Frame(Type type, byte[] payload) {
    static final int HEADER_BYTES = 5;
    static final int MAX_BYTES = 4096;
    static final int MAX_PAYLOAD = MAX_BYTES - HEADER_BYTES;

    /** The frame types; the wire carries {@link #code}. */
    enum Type {
        HELLO(1),
        CHALLENGE(2),
        AUTH(3),
        READY(4),
        REQUEST(5),
        ACCEPT(6),
        ERROR(7),
        DONE(8),
        // Protocol 3: coordinated runs (see Messages).
        JOIN(9),
        CLOCK(10),
        ASSIGN(11),
        PART(12),
        ARMED(13),
        GO(14),
        RESULT(15),
        BYE(16),
        // Protocol 4: a participant's own peer listener, for its partners in net probes.
        LISTEN(17);

        final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) throws ProtocolException {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new ProtocolException("unknown frame type " + code);
        }
    }

    Frame {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_PAYLOAD);
        }
    }

    /** The frame as it goes on the wire. */
    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + payload.length);
        b.putInt(1 + payload.length).put((byte) type.code).put(payload).flip();
        return b;
    }

    /** Checks a frame header: the length (type byte plus payload) and the type. */
    static Type checkHeader(int length, int typeCode) throws ProtocolException {
        if (length < 1 || length > MAX_BYTES - 4) {
            throw new ProtocolException("frame length " + Integer.toUnsignedString(length) + " is outside 1.."
                    + (MAX_BYTES - 4) + " (the largest control frame)");
        }
        return Type.of(typeCode);
    }

    /**
     * Decodes one frame from the start of {@code in}; for bytes already in memory (and the
     * fuzz test). Never reads past the frame, never allocates more than the frame limit.
     */
    static Frame decode(ByteBuffer in) throws ProtocolException {
        if (in.remaining() < HEADER_BYTES) {
            throw new ProtocolException("truncated frame header: " + in.remaining() + " bytes");
        }
        int length = in.getInt();
        Type type = checkHeader(length, in.get() & 0xff);
        if (in.remaining() < length - 1) {
            throw new ProtocolException(
                    "truncated frame: " + in.remaining() + " of " + (length - 1) + " payload bytes");
        }
        byte[] payload = new byte[length - 1];
        in.get(payload);
        return new Frame(type, payload);
    }

    /**
     * Reads one frame from a blocking channel.
     *
     * @return the frame, or null when the channel ended cleanly before its first byte
     * @throws EOFException when the channel ends inside a frame
     */
    static Frame read(ReadableByteChannel ch) throws IOException, ProtocolException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        if (!readFully(ch, header, true)) {
            return null;
        }
        header.flip();
        int length = header.getInt();
        Type type = checkHeader(length, header.get() & 0xff);
        ByteBuffer payload = ByteBuffer.allocate(length - 1);
        readFully(ch, payload, false);
        return new Frame(type, payload.array());
    }

    void write(WritableByteChannel ch) throws IOException {
        writeFully(ch, encode());
    }

    /**
     * Fills {@code b} from a blocking channel.
     *
     * @param eofAllowed whether the channel may end before the first byte (then false is returned)
     */
    static boolean readFully(ReadableByteChannel ch, ByteBuffer b, boolean eofAllowed) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                if (eofAllowed && b.position() == 0) {
                    return false;
                }
                throw new EOFException("the connection ended after " + b.position() + " of " + b.limit() + " bytes");
            }
        }
        return true;
    }

    static void writeFully(WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && f.type == type && Arrays.equals(f.payload, payload);
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return type + "[" + payload.length + " bytes]";
    }
}
