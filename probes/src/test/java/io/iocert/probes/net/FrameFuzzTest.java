package io.iocert.probes.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The frame decoder and message parsers against hostile input: property-based, from a fixed
 * seed (so a failure reproduces), for a bounded time. The property: any bytes either decode
 * to a frame and message or fail with {@link ProtocolException}; nothing else escapes, and no
 * frame claims more than the control-frame limit.
 */
class FrameFuzzTest {
    private static final long SEED = 0x10CE27L;
    private static final long TIME_BOUND_NS = 2_000_000_000L;

    @Test
    void shouldRoundTripEveryMessage() throws Exception {
        byte[] nonce = new byte[Messages.NONCE_BYTES];
        nonce[3] = 7;
        for (Frame f : valid(new SplittableRandom(SEED))) {
            Frame back = Frame.decode(f.encode());
            assertEquals(f, back);
            Messages.parse(back);
        }
        byte[] proof = new byte[Messages.MAC_BYTES];
        proof[31] = 9;
        Messages.Challenge c =
                Messages.Challenge.parse(new Messages.Challenge(Messages.VERSION, true, nonce, proof).frame());
        assertTrue(c.tokenRequired());
        assertEquals(7, c.nonce()[3]);
        assertEquals(9, c.proof()[31]);
        assertEquals(
                7,
                Messages.Hello.parse(new Messages.Hello(Messages.VERSION, nonce).frame())
                        .nonce()[3]);
        assertEquals(
                new Messages.Request(Messages.Kind.STREAM_FROM_SERVER, 4096, 123L),
                Messages.Request.parse(new Messages.Request(Messages.Kind.STREAM_FROM_SERVER, 4096, 123L).frame()));
    }

    @Test
    void shouldRefuseAnAbsurdLengthBeforeAllocating() {
        ByteBuffer b = ByteBuffer.allocate(5).putInt(0x7fffffff).put((byte) 1).flip();
        ProtocolException e = assertThrows(ProtocolException.class, () -> Frame.decode(b));
        assertTrue(e.getMessage().contains("frame length 2147483647 is outside"), e.getMessage());
        ByteBuffer negative = ByteBuffer.allocate(5).putInt(-1).put((byte) 1).flip();
        assertThrows(ProtocolException.class, () -> Frame.decode(negative));
        ByteBuffer zero = ByteBuffer.allocate(5).putInt(0).put((byte) 1).flip();
        assertThrows(ProtocolException.class, () -> Frame.decode(zero));
    }

    @Test
    void shouldTellADifferentVersionFromGarbage() throws Exception {
        Frame future = new Messages.Hello(9, new byte[0]).frame();
        assertEquals(9, Messages.Hello.parse(future).version());
        // What a release speaking protocol 1 sends first: magic and version, no nonce.
        Frame v1Hello = new Frame(
                Frame.Type.HELLO,
                ByteBuffer.allocate(6)
                        .putInt(Messages.MAGIC)
                        .putShort((short) 1)
                        .array());
        assertEquals(1, Messages.Hello.parse(v1Hello).version());
        Frame longerFuture = new Frame(
                Frame.Type.CHALLENGE,
                ByteBuffer.allocate(90)
                        .putInt(Messages.MAGIC)
                        .putShort((short) (Messages.VERSION + 1))
                        .array());
        assertEquals(
                Messages.VERSION + 1, Messages.Challenge.parse(longerFuture).version());
        ProtocolException e = assertThrows(
                ProtocolException.class,
                () -> Messages.Hello.parse(new Frame(
                        Frame.Type.HELLO, "GET / HTTP/1.1".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        assertTrue(e.getMessage().contains("does not speak the iocert peer protocol"), e.getMessage());
    }

    @Test
    void shouldOnlyEverThrowProtocolExceptionOnRandomAndMutatedInput() {
        SplittableRandom random = new SplittableRandom(SEED);
        List<Frame> seeds = valid(random);
        long end = System.nanoTime() + TIME_BOUND_NS;
        long cases = 0;
        long decoded = 0;
        while (System.nanoTime() - end < 0 || cases < 10_000) {
            byte[] input = random.nextInt(4) == 0
                    ? randomBytes(random)
                    : mutate(seeds.get(random.nextInt(seeds.size())), random);
            try {
                Frame f = Frame.decode(ByteBuffer.wrap(input));
                assertTrue(f.payload().length <= Frame.MAX_PAYLOAD);
                Messages.parse(f);
                decoded++;
            } catch (ProtocolException expected) {
                // refused: fine
            } catch (RuntimeException e) {
                fail("input " + java.util.HexFormat.of().formatHex(input) + " escaped as " + e, e);
            }
            cases++;
            if (cases >= 5_000_000) {
                break;
            }
        }
        assertTrue(
                decoded > 0 && decoded < cases, "the fuzzer should reach both outcomes: " + decoded + " of " + cases);
    }

    private static List<Frame> valid(SplittableRandom random) {
        byte[] nonce = new byte[Messages.NONCE_BYTES];
        byte[] mac = new byte[Messages.MAC_BYTES];
        random.nextBytes(nonce);
        random.nextBytes(mac);
        List<Frame> fs = new ArrayList<>();
        fs.add(new Messages.Hello(Messages.VERSION, nonce).frame());
        fs.add(new Messages.Challenge(Messages.VERSION, true, nonce, mac).frame());
        fs.add(new Messages.Challenge(Messages.VERSION, false, nonce, new byte[Messages.MAC_BYTES]).frame());
        fs.add(new Messages.Auth(mac).frame());
        fs.add(new Messages.Auth(new byte[0]).frame());
        fs.add(new Messages.Ready(1 << 20, 600_000_000_000L).frame());
        for (Messages.Kind k : Messages.Kind.values()) {
            fs.add(new Messages.Request(k, 65536, 1_000_000_000L).frame());
        }
        fs.add(Messages.empty(Frame.Type.ACCEPT));
        fs.add(new Messages.Refusal("busy: ünïcode and all").frame());
        fs.add(new Messages.Done(123456789L).frame());
        // Protocol 3: coordinated runs.
        fs.add(new Messages.Join("node-07.cluster").frame());
        fs.add(new Messages.Clock(1_700_000_000_000_000_000L, 1_700_000_000_000_123_456L).frame());
        fs.add(new Messages.Go(1_700_000_001_000_000_000L).frame());
        fs.add(new Frame(
                Frame.Type.ASSIGN, java.nio.ByteBuffer.allocate(8).putLong(5000).array()));
        fs.add(new Frame(
                Frame.Type.RESULT,
                java.nio.ByteBuffer.allocate(8).putLong(70_000).array()));
        fs.add(new Frame(Frame.Type.PART, nonce));
        fs.add(Messages.empty(Frame.Type.ARMED));
        fs.add(Messages.empty(Frame.Type.BYE));
        // Protocol 4: where a participant serves its partners.
        fs.add(new Messages.Listen("10.1.0.7", 40211).frame());
        fs.add(new Messages.Listen("fe80::1%eth0", 7878).frame());
        fs.add(new Messages.Listen("", 0).frame());
        return fs;
    }

    private static byte[] randomBytes(SplittableRandom random) {
        byte[] b = new byte[random.nextInt(64)];
        random.nextBytes(b);
        return b;
    }

    /** Bit flips, truncation, extension, or a rewritten length or type byte. */
    private static byte[] mutate(Frame f, SplittableRandom random) {
        ByteBuffer enc = f.encode();
        byte[] b = new byte[enc.remaining()];
        enc.get(b);
        switch (random.nextInt(5)) {
            case 0 -> {
                int flips = 1 + random.nextInt(4);
                for (int i = 0; i < flips; i++) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
            case 2 -> {
                byte[] longer = java.util.Arrays.copyOf(b, b.length + 1 + random.nextInt(16));
                ByteBuffer.wrap(longer).putInt(longer.length - 4);
                b = longer;
            }
            case 3 -> ByteBuffer.wrap(b).putInt(random.nextInt());
            default -> b[4] = (byte) random.nextInt(256);
        }
        return b;
    }
}
