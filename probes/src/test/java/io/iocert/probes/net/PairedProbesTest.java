package io.iocert.probes.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.NanoClock;
import io.iocert.probes.Partner;
import io.iocert.probes.PeerAddress;
import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.ProgressListener;
import io.iocert.probes.StartBarrier;
import io.iocert.results.Coordinated;
import io.iocert.results.Measurement;
import io.iocert.spec.Coordination;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Requirement;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * net.pingpong and net.stream between partners, as participants of a coordinated run run them:
 * every node a client of its partners' listeners (real loopback servers with a token), all from
 * one start. The coordinator and the processes are left out: CoordinateCommandTest runs them.
 */
class PairedProbesTest {
    private static final Token TOKEN = Token.of("a-token-of-at-least-sixteen-bytes");
    private final List<PeerServer> listeners = new ArrayList<>();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        listeners.forEach(PeerServer::close);
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldStreamToEveryPartnerAtOnceAndAddThePairsUpToTheNode() throws Exception {
        int n = 3;
        Requirement r = NetTesting.requirement(
                ProbeType.NET_STREAM,
                "duration",
                NetTesting.ms(1000),
                "warmup",
                NetTesting.ms(200),
                "interval",
                NetTesting.ms(100),
                "bufferSize",
                NetTesting.bytes(64 << 10));
        List<List<Measurement>> nodes =
                runAll(new NetStreamProbe(NetTesting.FAST), r, n, Coordination.Pattern.ALL_TO_ALL);
        for (int i = 0; i < n; i++) {
            List<Measurement> ms = nodes.get(i);
            assertEquals(1 + (n - 1), ms.size(), "the node, then one per partner: " + ms);
            Measurement node = ms.get(0);
            assertNull(node.error(), node.error());
            assertEquals(
                    "aggregate", node.context().get("scope"), "the node's streams added (the coordinator relabels it)");
            assertEquals(
                    partnerNames(i, n, Coordination.Pattern.ALL_TO_ALL),
                    node.context().get(Partners.PARTNERS));
            assertNotNull(node.context().get(Coordinated.ORIGIN), "where the series starts, for alignment");
            double[] sum = new double[node.intervals().values().size()];
            for (Measurement pair : ms.subList(1, ms.size())) {
                assertEquals(Partners.PAIR, pair.context().get("scope"));
                assertEquals(
                        node.context().get(Coordinated.ORIGIN), pair.context().get(Coordinated.ORIGIN));
                assertEquals(node.intervals().intervalNs(), pair.intervals().intervalNs());
                assertTrue(
                        pair.context().get("peer").startsWith(pair.context().get(Partners.PARTNER) + " (127.0.0.1:"),
                        pair.context().toString());
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += pair.intervals().values().get(k);
                }
                assertTrue(pair.summary().mean() > 0, "every pair moved data: " + pair.summary());
            }
            for (int k = 0; k < sum.length; k++) {
                assertEquals(node.intervals().values().get(k), sum[k], 1e-6 * sum[k] + 1e-9, "interval " + k);
            }
            assertEquals(10, sum.length, "1 s in 100-ms intervals");
        }
    }

    @Test
    void shouldPingTheRingPartnerAndAddThePairHistogramsForTheNode() throws Exception {
        int n = 3;
        Requirement r = NetTesting.requirement(
                ProbeType.NET_PINGPONG,
                "duration",
                NetTesting.ms(500),
                "warmup",
                NetTesting.ms(100),
                "messageSize",
                NetTesting.bytes(64));
        List<List<Measurement>> nodes = runAll(new NetPingPongProbe(NetTesting.FAST), r, n, Coordination.Pattern.RING);
        for (int i = 0; i < n; i++) {
            List<Measurement> ms = nodes.get(i);
            assertEquals(2, ms.size(), ms.toString());
            Measurement node = ms.get(0);
            Measurement pair = ms.get(1);
            assertNull(node.error(), node.error());
            assertEquals("p" + ((i + 1) % n), pair.context().get(Partners.PARTNER), "the ring's next node");
            assertTrue(node.samples() > 100, "round trips: " + node.samples());
            assertEquals(pair.histogram().getTotalCount(), node.histogram().getTotalCount());
            assertNotNull(node.blocks(), "blocks of the node, for the clustering-robust intervals");
        }
    }

    @Test
    void shouldFailBeforeTheStartNamingAPartnerThatCannotBeReached() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        boolean[] started = new boolean[1];
        StartBarrier barrier = () -> started[0] = true;
        ProbeContext ctx = context(
                List.of(new Partner("n9", new PeerAddress("127.0.0.1", closedPort, Optional.of(TOKEN), false))),
                barrier);
        Requirement r = NetTesting.requirement(ProbeType.NET_STREAM, "duration", NetTesting.ms(500));
        ProbeException e = assertThrows(ProbeException.class, () -> new NetStreamProbe(NetTesting.FAST).run(r, ctx));
        assertTrue(
                e.getMessage()
                        .startsWith("partner n9 (127.0.0.1:" + closedPort + ") cannot be reached: could not connect"),
                e.getMessage());
        assertTrue(!started[0], "it never reached the start");
        ProbeException none = assertThrows(
                ProbeException.class,
                () -> new NetPingPongProbe(NetTesting.FAST)
                        .run(NetTesting.requirement(ProbeType.NET_PINGPONG), context(List.of(), barrier)));
        assertTrue(none.getMessage().contains("the coordinator assigned this node none"), none.getMessage());
    }

    /** Runs {@code probe} on n nodes at once, each with its partner listener and its partners by {@code pattern}. */
    private List<List<Measurement>> runAll(Probe probe, Requirement r, int n, Coordination.Pattern pattern)
            throws Exception {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PeerServer s = PeerServer.start(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                    Optional.of(TOKEN),
                    JoinClient.PARTNER_LIMITS,
                    line -> {});
            listeners.add(s);
            addresses.add(s.address());
        }
        CyclicBarrier start = new CyclicBarrier(n);
        List<Future<List<Measurement>>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Partner> partners = new ArrayList<>();
            for (int k : pattern.partners(i, n)) {
                InetSocketAddress a = addresses.get(k);
                partners.add(
                        new Partner("p" + k, new PeerAddress("127.0.0.1", a.getPort(), Optional.of(TOKEN), false)));
            }
            ProbeContext ctx = context(partners, () -> {
                try {
                    start.await(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new ProbeException("the test's barrier broke: " + e, e);
                }
            });
            futures.add(pool.submit(() -> probe.run(r, ctx)));
        }
        List<List<Measurement>> out = new ArrayList<>();
        for (Future<List<Measurement>> f : futures) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    private static String partnerNames(int i, int n, Coordination.Pattern pattern) {
        return String.join(
                ",", pattern.partners(i, n).stream().map(k -> "p" + k).toList());
    }

    private static ProbeContext context(List<Partner> partners, StartBarrier barrier) {
        return new ProbeContext(
                Path.of("."),
                "paired",
                Duration.ofSeconds(30),
                Optional.empty(),
                NanoClock.SYSTEM,
                ProgressListener.NONE,
                OptionalLong.empty(),
                barrier,
                Optional.empty(),
                partners);
    }
}
