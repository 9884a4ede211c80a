package io.iocert.probes.net;

import static io.iocert.probes.net.NetTesting.FAST;
import static io.iocert.probes.net.NetTesting.bytes;
import static io.iocert.probes.net.NetTesting.context;
import static io.iocert.probes.net.NetTesting.ms;
import static io.iocert.probes.net.NetTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.ProbeException;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A peer that dies or stops answering mid-probe: the requirement's measurement carries the
 * reason as its error, keeps what was measured, and the probe returns within its deadlines.
 */
class PeerFailureTest {

    @Test
    void shouldKeepWhatPingPongMeasuredWhenThePeerDies() throws Exception {
        NetTesting.Server s = NetTesting.Server.plain();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        try {
            killer.schedule(s::close, 600, TimeUnit.MILLISECONDS);
            long t0 = System.nanoTime();
            Measurement m = new NetPingPongProbe(FAST)
                    .run(
                            requirement(
                                    ProbeType.NET_PINGPONG,
                                    "messageSize",
                                    bytes(64),
                                    "duration",
                                    ms(20_000),
                                    "warmup",
                                    ms(0)),
                            context(s.address(), Optional.empty()))
                    .get(0);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;

            assertNotNull(m.error(), "the peer died: the measurement must say so");
            assertTrue(m.error().contains("the in-process") || m.error().contains("peer"), m.error());
            assertTrue(m.samples() > 0, "round trips before the peer died are kept");
            assertEquals("error", m.context().get("stoppedBy"));
            assertTrue(tookMs < 10_000, "the probe noticed the dead peer only after " + tookMs + " ms");
        } finally {
            killer.shutdownNow();
            s.close();
        }
    }

    @Test
    void shouldKeepStreamIntervalsMeasuredBeforeThePeerDied() throws Exception {
        NetTesting.Server s = NetTesting.Server.plain();
        ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
        try {
            killer.schedule(s::close, 800, TimeUnit.MILLISECONDS);
            List<Measurement> ms = new NetStreamProbe(FAST)
                    .run(
                            requirement(
                                    ProbeType.NET_STREAM,
                                    "streams",
                                    2L,
                                    "direction",
                                    "receive",
                                    "duration",
                                    ms(20_000),
                                    "warmup",
                                    ms(0),
                                    "interval",
                                    ms(100)),
                            context(s.address(), Optional.empty()));
            Measurement total = ms.get(0);
            assertNotNull(total.error());
            assertEquals("error", total.context().get("stoppedBy"));
            assertTrue(
                    total.intervals().values().size() >= 3,
                    "intervals before the failure are kept: " + total.intervals());
            assertTrue(total.intervals().values().size() <= 12, "no intervals after the failure: " + total.intervals());
        } finally {
            killer.shutdownNow();
            s.close();
        }
    }

    @Test
    void shouldGiveUpOnAPeerThatStopsAnsweringWithinTheIdleLimit() throws Exception {
        // A fake peer: a correct handshake, ten echoes, then silence with the connection open.
        try (ServerSocket fake = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> {
                try (Socket c = fake.accept()) {
                    InputStream in = c.getInputStream();
                    OutputStream out = c.getOutputStream();
                    readFrame(in);
                    out.write(wire(new Messages.Challenge(
                                    Messages.VERSION,
                                    false,
                                    new byte[Messages.NONCE_BYTES],
                                    new byte[Messages.MAC_BYTES])
                            .frame()));
                    readFrame(in);
                    out.write(wire(new Messages.Ready(1 << 20, 3_600_000_000_000L).frame()));
                    readFrame(in);
                    out.write(wire(Messages.empty(Frame.Type.ACCEPT)));
                    for (int i = 0; i < 10; i++) {
                        out.write(in.readNBytes(64));
                    }
                    Thread.sleep(30_000);
                } catch (Exception e) {
                    // the test closes us
                }
            });
            peer.setDaemon(true);
            peer.start();
            long t0 = System.nanoTime();
            Measurement m = new NetPingPongProbe(FAST)
                    .run(
                            requirement(
                                    ProbeType.NET_PINGPONG,
                                    "messageSize",
                                    bytes(64),
                                    "duration",
                                    ms(20_000),
                                    "warmup",
                                    ms(0)),
                            context(
                                    new InetSocketAddress(fake.getInetAddress(), fake.getLocalPort()),
                                    Optional.empty()))
                    .get(0);
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            peer.interrupt();

            assertEquals(10, m.samples(), "the ten answered round trips are kept");
            assertNotNull(m.error());
            assertTrue(m.error().contains("nothing moved for") && m.error().contains("idle limit 2000 ms"), m.error());
            assertTrue(tookMs < 8_000, "gave up after " + tookMs + " ms; the idle limit is 2 s");
        }
    }

    @Test
    void shouldFailClearlyWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> new NetConnectProbe(FAST)
                        .run(
                                requirement(ProbeType.NET_CONNECT, "count", 3L),
                                context(
                                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                                        Optional.empty())));
        assertTrue(e.getMessage().contains("could not connect to peer"), e.getMessage());
    }

    private static void readFrame(InputStream in) throws java.io.IOException {
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
