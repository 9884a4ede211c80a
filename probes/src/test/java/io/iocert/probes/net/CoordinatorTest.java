package io.iocert.probes.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.EpochClock;
import io.iocert.probes.PeerAddress;
import io.iocert.probes.ProbeException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The coordinated-run conversation over real loopback sockets: joins, clocks, barrier, results, failures. */
class CoordinatorTest {
    private static final Token TOKEN = Token.of("a-token-of-at-least-sixteen-bytes");
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private Coordinator coordinator;

    @AfterEach
    void tearDown() throws Exception {
        if (coordinator != null) {
            coordinator.close();
        }
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    private Coordinator start(long maxResultBytes) throws Exception {
        coordinator = Coordinator.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.of(TOKEN),
                ServerLimits.DEFAULTS,
                log::add,
                maxResultBytes);
        return coordinator;
    }

    private PeerAddress address(Optional<Token> token) {
        InetSocketAddress a = coordinator.address();
        return new PeerAddress(a.getAddress().getHostAddress(), a.getPort(), token, false);
    }

    /** A participant that echoes its assignment back as its result, after starting when told. */
    private Future<Long> participant(String name, Optional<Token> token) {
        return pool.submit(() -> {
            try (JoinClient c = JoinClient.join(address(token), name, Duration.ofSeconds(5))) {
                long started = 0;
                Optional<byte[]> a;
                while ((a = c.nextAssignment(Duration.ofSeconds(20))).isPresent()) {
                    started = c.armedThenAwaitStart(Duration.ofSeconds(20));
                    long late = EpochClock.nowNs() - started;
                    byte[] reply =
                            (name + ":" + new String(a.get(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                    // Never before the start; the bound on lateness is loose, as a machine busy with
                    // other builds woke a participant more than 50 ms late (the start's precision is
                    // what the clock-offset assertions check).
                    assertTrue(late >= 0 && late < 1_000_000_000L, "woke " + late + " ns after the start");
                    c.sendResult(reply);
                }
                return started;
            }
        });
    }

    @Test
    void shouldRunParticipantsFromOneStartAndCarryDocumentsLargerThanAFrame() throws Exception {
        start(1 << 20);
        Future<Long> a = participant("a", Optional.of(TOKEN));
        Future<Long> b = participant("b", Optional.of(TOKEN));
        List<Coordinator.Participant> ps = coordinator.awaitJoined(List.of("a", "b"), 2, Duration.ofSeconds(20));
        assertEquals(
                List.of("a", "b"),
                ps.stream().map(Coordinator.Participant::name).toList());
        // Three frames' worth of assignment: the blob is split and joined again.
        byte[] assignment = "x".repeat(3 * Frame.MAX_BYTES).getBytes(StandardCharsets.UTF_8);
        for (Coordinator.Participant p : ps) {
            // One process, one clock: the offset is within its bound (plus a little for scheduling).
            assertTrue(
                    Math.abs(p.clockOffsetNs()) <= p.clockUncertaintyNs() + 1_000_000L,
                    p.clockOffsetNs() + " +- " + p.clockUncertaintyNs());
            p.assign(assignment);
            assertEquals(Optional.empty(), p.awaitArmed(Duration.ofSeconds(10)));
        }
        long start = EpochClock.nowNs() + 200_000_000L;
        for (Coordinator.Participant p : ps) {
            p.go(start);
        }
        for (Coordinator.Participant p : ps) {
            byte[] result = p.awaitResult(Duration.ofSeconds(10));
            assertArrayEquals(
                    (p.name() + ":" + new String(assignment, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8),
                    result);
            p.finish("ok");
        }
        long startedA = a.get(10, TimeUnit.SECONDS);
        long startedB = b.get(10, TimeUnit.SECONDS);
        assertEquals(
                startedA - ps.get(0).clockOffsetNs(),
                startedB - ps.get(1).clockOffsetNs(),
                1.0,
                "both started at the one instant, on the coordinator's clock");
    }

    @Test
    void shouldTellTheCoordinatorWhereAParticipantServesItsPartnersWithTheRunsToken() throws Exception {
        start(1 << 20);
        java.util.concurrent.CompletableFuture<InetSocketAddress> served =
                new java.util.concurrent.CompletableFuture<>();
        Future<?> a = pool.submit(() -> {
            try (JoinClient c = JoinClient.join(
                    address(Optional.of(TOKEN)),
                    "a",
                    Duration.ofSeconds(5),
                    Optional.of(new JoinClient.PartnerListener(Optional.empty(), 0, line -> {})))) {
                served.complete(c.partnerAddress().orElseThrow());
                assertTrue(c.nextAssignment(Duration.ofSeconds(20)).isEmpty(), "no assignment, then goodbye");
            }
            return null;
        });
        Future<?> b = pool.submit(() -> {
            try (JoinClient c = JoinClient.join(address(Optional.of(TOKEN)), "b", Duration.ofSeconds(5))) {
                assertTrue(c.partnerAddress().isEmpty());
                assertTrue(c.nextAssignment(Duration.ofSeconds(20)).isEmpty());
            }
            return null;
        });
        List<Coordinator.Participant> ps = coordinator.awaitJoined(List.of("a", "b"), 2, Duration.ofSeconds(20));
        assertEquals(2, ps.size(), "joined; the coordinator's log: " + log);
        InetSocketAddress listener = served.get(10, TimeUnit.SECONDS);
        assertEquals(
                Optional.of("127.0.0.1:" + listener.getPort()),
                ps.get(0).peerAddress(),
                "the address it reaches the coordinator from, and the listener's port");
        assertEquals(Optional.empty(), ps.get(1).peerAddress(), "b serves no partners");
        // A partner with the token is served; one without is refused, as by any iocert serve.
        try (Watchdog w = new Watchdog("test", 50)) {
            PeerConnection.open(new Peer(listener, Optional.of(TOKEN), "a", false), w, NetTesting.FAST)
                    .close();
            PeerException e = assertThrows(
                    PeerException.class,
                    () -> PeerConnection.open(new Peer(listener, Optional.empty(), "a", false), w, NetTesting.FAST));
            assertTrue(e.getMessage().contains("requires a token"), e.getMessage());
        }
        ps.forEach(p -> p.finish("ok"));
        a.get(20, TimeUnit.SECONDS);
        b.get(20, TimeUnit.SECONDS);
    }

    @Test
    void shouldRefuseParticipantsWithoutTheTokenOrUnderATakenName() throws Exception {
        start(1 << 20);
        ProbeException noToken = assertThrows(
                ProbeException.class, () -> JoinClient.join(address(Optional.empty()), "a", Duration.ofSeconds(5)));
        assertTrue(noToken.getMessage().contains("requires a token"), noToken.getMessage());
        ProbeException wrong = assertThrows(
                ProbeException.class,
                () -> JoinClient.join(
                        address(Optional.of(Token.of("another-token-of-sixteen-bytes"))), "a", Duration.ofSeconds(5)));
        assertTrue(wrong.getMessage().contains("could not prove it holds this client's token"), wrong.getMessage());

        Future<Long> first = participant("a", Optional.of(TOKEN));
        while (!coordinator.joinedNames().contains("a")) {
            Thread.sleep(10);
        }
        try (JoinClient twin = JoinClient.join(address(Optional.of(TOKEN)), "a", Duration.ofSeconds(5))) {
            ProbeException e = assertThrows(ProbeException.class, () -> twin.nextAssignment(Duration.ofSeconds(10)));
            assertTrue(e.getMessage().contains("another participant has joined under the name 'a'"), e.getMessage());
        }
        coordinator.awaitJoined(List.of("a"), 1, Duration.ofSeconds(5)).forEach(p -> p.finish("ok"));
        first.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldNameAParticipantThatDiesAndRefuseAResultAboveTheLimit() throws Exception {
        start(100);
        Future<?> quitter = pool.submit(() -> {
            try (JoinClient c = JoinClient.join(address(Optional.of(TOKEN)), "quitter", Duration.ofSeconds(5))) {
                c.nextAssignment(Duration.ofSeconds(20));
                c.armedThenAwaitStart(Duration.ofSeconds(20));
            } // closes without a result
            return null;
        });
        Future<?> verbose = pool.submit(() -> {
            try (JoinClient c = JoinClient.join(address(Optional.of(TOKEN)), "verbose", Duration.ofSeconds(5))) {
                c.nextAssignment(Duration.ofSeconds(20));
                c.armedThenAwaitStart(Duration.ofSeconds(20));
                c.sendResult(new byte[101]);
            } catch (ProbeException e) {
                // the coordinator hangs up on it
            }
            return null;
        });
        List<Coordinator.Participant> ps =
                coordinator.awaitJoined(List.of("quitter", "verbose"), 2, Duration.ofSeconds(20));
        for (Coordinator.Participant p : ps) {
            p.assign(new byte[] {1});
            p.awaitArmed(Duration.ofSeconds(10));
            p.go(EpochClock.nowNs());
        }
        ProbeException died = assertThrows(ProbeException.class, () -> ps.get(0).awaitResult(Duration.ofSeconds(10)));
        assertTrue(died.getMessage().startsWith("participant quitter (127.0.0.1:"), died.getMessage());
        assertTrue(died.getMessage().contains("did not send its result"), died.getMessage());
        ProbeException big = assertThrows(ProbeException.class, () -> ps.get(1).awaitResult(Duration.ofSeconds(10)));
        assertTrue(big.getMessage().contains("RESULT announces 101 bytes; the most accepted is 100"), big.getMessage());
        assertEquals(Optional.of(died.getMessage()), ps.get(0).failure());
        quitter.get(10, TimeUnit.SECONDS);
        verbose.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldRefuseAJoinAtAPlainServe() throws Exception {
        try (NetTesting.Server s = new NetTesting.Server(Optional.of(TOKEN), ServerLimits.DEFAULTS)) {
            InetSocketAddress a = s.address();
            try (JoinClient c = JoinClient.join(
                    new PeerAddress(a.getAddress().getHostAddress(), a.getPort(), Optional.of(TOKEN), false),
                    "a",
                    Duration.ofSeconds(5))) {
                ProbeException e = assertThrows(ProbeException.class, () -> c.nextAssignment(Duration.ofSeconds(10)));
                assertTrue(e.getMessage().contains("this iocert serve coordinates no run"), e.getMessage());
            }
        }
    }
}
