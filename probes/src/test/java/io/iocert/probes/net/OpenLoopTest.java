package io.iocert.probes.net;

import static io.iocert.probes.net.NetTesting.FAST;
import static io.iocert.probes.net.NetTesting.bytes;
import static io.iocert.probes.net.NetTesting.context;
import static io.iocert.probes.net.NetTesting.ms;
import static io.iocert.probes.net.NetTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.Measurement;
import io.iocert.spec.Dimension;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * Coordinated omission: a peer that stalls once for 500 ms. The closed loop sees one slow
 * round trip; the open loop at 100 messages/s must charge the stall to every message planned
 * during it (about 50), because a job sending at that rate would have waited for each. The
 * bounds leave room for a busy machine adding a few slow round trips of its own.
 */
class OpenLoopTest {
    private static final long STALL_MS = 500;
    private static final long SLOW_NS = 100_000_000L;

    @Test
    void shouldChargeAStallToEveryMessageItDelayedInTheOpenLoop() throws Exception {
        Histogram rtt = runAgainstStallingPeer(true);
        long slow = rtt.getTotalCount() - rtt.getCountBetweenValues(0, SLOW_NS);
        // Messages planned 10 ms apart during a 500-ms stall: those planned in its first 400 ms
        // wait at least 100 ms each, about 40; allow for scheduling noise either way.
        assertTrue(slow >= 30 && slow <= 55, "open loop: " + slow + " round trips over 100 ms, expected about 40");
    }

    @Test
    void shouldSeeTheSameStallAsOneSlowRoundTripInTheClosedLoop() throws Exception {
        Histogram rtt = runAgainstStallingPeer(false);
        long slow = rtt.getTotalCount() - rtt.getCountBetweenValues(0, SLOW_NS);
        assertTrue(
                slow >= 1 && slow <= 5,
                "closed loop: the stall delays only the message in flight (and a busy machine" + " a few more), got "
                        + slow + " round trips over 100 ms");
        assertTrue(rtt.getMaxValue() >= STALL_MS * 1_000_000L * 9 / 10, "max " + rtt.getMaxValue());
    }

    @Test
    void shouldEndOnTimeWhenThePeerCannotKeepUpAndCountWhatWasNeverSent() throws Exception {
        // 200 messages/s planned for 0.5 s, a peer that takes 20 ms per echo: about 25 make the
        // round trip, about 75 are still waiting for their turn when the time is up.
        long t0 = System.nanoTime();
        Measurement m = run(true, i -> 20, 200, 500);
        long tookMs = (System.nanoTime() - t0) / 1_000_000;

        assertNull(m.error(), m.error());
        assertTrue(tookMs < 1500, "the open loop must end when its time is up, took " + tookMs + " ms");
        long unsent = Long.parseLong(m.context().get("unsentPlanned"));
        assertTrue(unsent >= 50 && unsent <= 85, "unsent " + unsent + ", expected about 75");
        assertTrue(
                m.samples() >= 95 && m.samples() <= 101,
                "every planned message is in the histogram, got " + m.samples());
        double achieved = Double.parseDouble(m.context().get("achievedRate"));
        assertTrue(achieved >= 20 && achieved <= 60, "achieved " + achieved + " messages/s, expected about 50");
        assertTrue(
                m.histogram().getValueAtPercentile(90) >= 200_000_000L,
                "the late and never-sent messages waited hundreds of ms: p90 "
                        + m.histogram().getValueAtPercentile(90));
    }

    private static Histogram runAgainstStallingPeer(boolean openLoop) throws Exception {
        return run(openLoop, i -> i == 20 ? STALL_MS : 0, 100, 1500).histogram();
    }

    /** A fake peer: correct handshake, echoes 64-byte messages, waiting {@code delayMs.applyAsLong(i)} before echo i. */
    private static Measurement run(
            boolean openLoop, java.util.function.LongUnaryOperator delayMs, double rate, long durationMs)
            throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> {
                try (Socket c = fake.accept()) {
                    c.setTcpNoDelay(true);
                    InputStream in = c.getInputStream();
                    OutputStream out = c.getOutputStream();
                    skipFrame(in);
                    out.write(wire(new Messages.Challenge(
                                    Messages.VERSION,
                                    false,
                                    new byte[Messages.NONCE_BYTES],
                                    new byte[Messages.MAC_BYTES])
                            .frame()));
                    skipFrame(in);
                    out.write(wire(new Messages.Ready(1 << 20, 3_600_000_000_000L).frame()));
                    skipFrame(in);
                    out.write(wire(Messages.empty(Frame.Type.ACCEPT)));
                    for (int i = 0; ; i++) {
                        byte[] m = in.readNBytes(64);
                        if (m.length < 64) {
                            return;
                        }
                        long delay = delayMs.applyAsLong(i);
                        if (delay > 0) {
                            Thread.sleep(delay);
                        }
                        out.write(m);
                    }
                } catch (Exception e) {
                    // the probe closed the connection
                }
            });
            peer.setDaemon(true);
            peer.start();
            Object[] workload = openLoop
                    ? new Object[] {
                        "messageSize",
                        bytes(64),
                        "rate",
                        new Quantity(rate, Dimension.OP_RATE),
                        "duration",
                        ms(durationMs),
                        "warmup",
                        ms(0)
                    }
                    : new Object[] {"messageSize", bytes(64), "duration", ms(durationMs), "warmup", ms(0)};
            Measurement m = new NetPingPongProbe(FAST)
                    .run(
                            requirement(ProbeType.NET_PINGPONG, workload),
                            context(
                                    new InetSocketAddress(fake.getInetAddress(), fake.getLocalPort()),
                                    Optional.empty()))
                    .get(0);
            peer.join(5000);
            assertNull(m.error(), m.error());
            return m;
        }
    }

    private static void skipFrame(InputStream in) throws java.io.IOException {
        int length = ByteBuffer.wrap(in.readNBytes(4)).getInt();
        in.readNBytes(length);
    }

    private static byte[] wire(Frame f) {
        ByteBuffer b = f.encode();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
