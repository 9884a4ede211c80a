package io.iocert.probes.net;

import static io.iocert.probes.net.NetTesting.FAST;
import static io.iocert.probes.net.NetTesting.bytes;
import static io.iocert.probes.net.NetTesting.context;
import static io.iocert.probes.net.NetTesting.ms;
import static io.iocert.probes.net.NetTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.ProbeException;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server against clients that are wrong, hostile or dead, and against many at once. After
 * each, the server must be up, hold no leftover sessions, and serve a legitimate client
 * correctly (every echo is checked byte for byte by the probe).
 */
class PeerServerTest {
    private static final String SECRET = "correct horse battery staple 42";

    @TempDir
    Path dir;

    @Test
    void shouldAuthenticateWithTheTokenAndRefuseClientsWithoutIt() throws Exception {
        Path good = Files.writeString(dir.resolve("token"), SECRET + "\n");
        Path bad = Files.writeString(dir.resolve("wrong"), "not the right token at all");
        try (NetTesting.Server s = new NetTesting.Server(Optional.of(Token.load(good)), ServerLimits.DEFAULTS)) {
            Peer none =
                    Peer.resolve(context(s.address(), Optional.empty()).peer().orElseThrow());
            Peer wrong =
                    Peer.resolve(context(s.address(), Optional.of(bad)).peer().orElseThrow());
            try (Watchdog w = new Watchdog("test", 20)) {
                PeerException e1 = assertThrows(PeerException.class, () -> PeerConnection.open(none, w, FAST));
                assertTrue(
                        e1.getMessage().contains("requires a token: pass the shared token with --token-file"),
                        e1.getMessage());
                PeerException e2 = assertThrows(PeerException.class, () -> PeerConnection.open(wrong, w, FAST));
                assertTrue(e2.getMessage().contains("could not prove it holds this client's token"), e2.getMessage());
            }
            // A client that answers the challenge without knowing the token is refused by the server.
            try (Socket c = connect(s)) {
                byte[] nonce = new byte[Messages.NONCE_BYTES];
                c.getOutputStream().write(bytesOf(new Messages.Hello(Messages.VERSION, nonce).frame()));
                readFrame(c.getInputStream());
                c.getOutputStream().write(bytesOf(new Messages.Auth(new byte[Messages.MAC_BYTES]).frame()));
                String refusal = new String(readFrame(c.getInputStream()), StandardCharsets.UTF_8);
                assertTrue(refusal.contains("authentication failed: the client's token does not match"), refusal);
            }
            assertLegitimateClientWorks(s, Optional.of(good));
            awaitIdle(s);
            assertTrue(
                    s.logSnapshot().stream().anyMatch(l -> l.contains("refused, authentication failed")),
                    s.logSnapshot().toString());
        }
    }

    @Test
    void shouldRefuseATokenTooShortToBeSecret() throws Exception {
        Path shortToken = Files.writeString(dir.resolve("short"), "hunter2");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Token.load(shortToken));
        assertTrue(e.getMessage().contains("holds 7 bytes; a token needs at least 16"), e.getMessage());
    }

    @Test
    void shouldNeverSendTheTokenOverTheWire() throws Exception {
        // A server that knows the token records everything the client sends while authenticating.
        Path good = Files.writeString(dir.resolve("token"), SECRET);
        Token token = Token.of(SECRET);
        byte[] serverNonce = new byte[Messages.NONCE_BYTES];
        serverNonce[0] = 42;
        try (FakePeer fake = new FakePeer(in -> {
            byte[] hello = readFrame(in.in());
            byte[] clientNonce = java.util.Arrays.copyOfRange(hello, 5 + 6, hello.length);
            in.out()
                    .write(bytesOf(new Messages.Challenge(
                                    Messages.VERSION, true, serverNonce, token.serverProof(clientNonce, serverNonce))
                            .frame()));
            byte[] auth = readFrame(in.in());
            return List.of(hello, auth, clientNonce);
        })) {
            try (Watchdog w = new Watchdog("test", 20)) {
                assertThrows(PeerException.class, () -> PeerConnection.open(fake.peer(Optional.of(good)), w, FAST));
            }
            List<byte[]> seen = fake.result();
            byte[] hello = seen.get(0);
            byte[] auth = seen.get(1);
            assertEquals(
                    5 + 6 + Messages.NONCE_BYTES, hello.length, "the hello carries magic, version and a nonce only");
            assertEquals(5 + Messages.MAC_BYTES, auth.length, "the client answers with an HMAC only");
            for (byte[] sent : List.of(hello, auth)) {
                assertTrue(
                        !new String(sent, StandardCharsets.ISO_8859_1).contains(SECRET.substring(0, 8)),
                        "the token leaked onto the wire");
            }
            assertEquals(
                    ByteBuffer.wrap(token.clientProof(serverNonce, seen.get(2))),
                    ByteBuffer.wrap(auth, 5, Messages.MAC_BYTES));
        }
    }

    @Test
    void shouldRefuseAPeerThatSaysNoTokenIsNeededWhenTheClientHoldsOne() throws Exception {
        // The fake peer of issue 16: "no token required", then it would serve made-up numbers.
        Path good = Files.writeString(dir.resolve("token"), SECRET);
        try (FakePeer fake = new FakePeer(FakePeer::tokenlessPeerThatRecordsTheRest)) {
            try (Watchdog w = new Watchdog("test", 20)) {
                Peer peer = fake.peer(Optional.of(good));
                PeerException e = assertThrows(PeerException.class, () -> PeerConnection.open(peer, w, FAST));
                assertTrue(
                        e.getMessage()
                                .contains("says it needs no token, but this client holds one (--token-file): refusing a"
                                        + " peer that does not prove it knows the token"),
                        e.getMessage());
            }
            assertEquals(List.of(), fake.result(), "the client sent nothing after the challenge");
        }
        // The probe fails with that reason (the requirement's verdict is ERROR), measuring nothing from such a peer.
        try (FakePeer fake = new FakePeer(FakePeer::tokenlessPeerThatRecordsTheRest)) {
            ProbeException e = assertThrows(
                    ProbeException.class,
                    () -> new NetPingPongProbe(FAST)
                            .run(
                                    requirement(
                                            ProbeType.NET_PINGPONG,
                                            "messageSize",
                                            bytes(64),
                                            "duration",
                                            ms(300),
                                            "warmup",
                                            ms(0)),
                                    context(fake.address(), Optional.of(good))));
            assertTrue(e.getMessage().contains("says it needs no token"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseAPeerThatCannotProveItHoldsTheToken() throws Exception {
        Path good = Files.writeString(dir.resolve("token"), SECRET);
        Token other = Token.of("a different token of enough length");
        try (FakePeer fake = new FakePeer(io -> {
            byte[] hello = readFrame(io.in());
            byte[] clientNonce = java.util.Arrays.copyOfRange(hello, 5 + 6, hello.length);
            byte[] nonce = new byte[Messages.NONCE_BYTES];
            io.out()
                    .write(bytesOf(
                            new Messages.Challenge(Messages.VERSION, true, nonce, other.serverProof(clientNonce, nonce))
                                    .frame()));
            return FakePeer.rest(io.in());
        })) {
            try (Watchdog w = new Watchdog("test", 20)) {
                Peer peer = fake.peer(Optional.of(good));
                PeerException e = assertThrows(PeerException.class, () -> PeerConnection.open(peer, w, FAST));
                assertTrue(e.getMessage().contains("could not prove it holds this client's token"), e.getMessage());
            }
            assertEquals(List.of(), fake.result(), "the client sent nothing after the challenge");
        }
        // The real server with another token is refused the same way, from the client's side first.
        Path wrong = Files.writeString(dir.resolve("wrong"), "a different token of enough length");
        try (NetTesting.Server s = new NetTesting.Server(Optional.of(Token.load(wrong)), ServerLimits.DEFAULTS)) {
            Peer peer =
                    Peer.resolve(context(s.address(), Optional.of(good)).peer().orElseThrow());
            try (Watchdog w = new Watchdog("test", 20)) {
                PeerException e = assertThrows(PeerException.class, () -> PeerConnection.open(peer, w, FAST));
                assertTrue(e.getMessage().contains("could not prove it holds this client's token"), e.getMessage());
            }
        }
    }

    @Test
    void shouldExplainAVersionMismatchOnBothSides() throws Exception {
        // A server of the previous release (protocol 1) refuses this client with both versions named...
        try (NetTesting.Server s = new NetTesting.Server(Optional.empty(), ServerLimits.DEFAULTS, 1)) {
            Peer peer = Peer.resolve(context(s.server).peer().orElseThrow());
            try (Watchdog w = new Watchdog("test", 20)) {
                PeerException e = assertThrows(PeerException.class, () -> PeerConnection.open(peer, w, FAST));
                assertTrue(
                        e.getMessage()
                                .contains("protocol version mismatch: this iocert serve speaks protocol 1, the client "
                                        + "speaks " + Messages.VERSION + "; run the same iocert release on both sides"),
                        e.getMessage());
            }
            awaitIdle(s);
            assertTrue(
                    s.logSnapshot().stream().anyMatch(l -> l.contains("refused, protocol version mismatch")),
                    s.logSnapshot().toString());
        }
        // ...and this server tells clients of earlier releases the same, from their hellos: version 1
        // (no nonce) and version 2 (before coordinated runs), which this release no longer speaks.
        for (int old : new int[] {1, 2}) {
            try (NetTesting.Server s = NetTesting.Server.plain();
                    Socket c = connect(s)) {
                ByteBuffer hello = ByteBuffer.allocate(6 + (old == 1 ? 0 : Messages.NONCE_BYTES))
                        .putInt(Messages.MAGIC)
                        .putShort((short) old);
                c.getOutputStream().write(bytesOf(new Frame(Frame.Type.HELLO, hello.array())));
                String refusal = new String(readFrame(c.getInputStream()), StandardCharsets.UTF_8);
                assertTrue(
                        refusal.contains(
                                "this iocert serve speaks protocol " + Messages.VERSION + ", the client speaks " + old),
                        refusal);
            }
        }
    }

    @Test
    void shouldDropGarbageAndAbsurdFrameLengthsAndStayUp() throws Exception {
        try (NetTesting.Server s = NetTesting.Server.plain()) {
            SplittableRandom random = new SplittableRandom(42);
            for (int i = 0; i < 30; i++) {
                byte[] junk = new byte[1 + random.nextInt(2000)];
                random.nextBytes(junk);
                try (Socket c = connect(s)) {
                    c.getOutputStream().write(junk);
                    assertClosedByServer(c);
                } catch (IOException reset) {
                    // the server may reset while we still write: also a refusal
                }
            }
            try (Socket c = connect(s)) {
                c.getOutputStream()
                        .write(ByteBuffer.allocate(5)
                                .putInt(0x7ffffff0)
                                .put((byte) 1)
                                .array());
                byte[] refusal = readFrame(c.getInputStream());
                assertTrue(
                        new String(refusal, StandardCharsets.UTF_8).contains("frame length 2147483632 is outside"),
                        new String(refusal, StandardCharsets.UTF_8));
                assertClosedByServer(c);
            }
            awaitIdle(s);
            assertTrue(
                    s.logSnapshot().stream()
                                    .filter(l -> l.contains("protocol error"))
                                    .count()
                            >= 20,
                    s.logSnapshot().toString());
            assertLegitimateClientWorks(s, Optional.empty());
        }
    }

    @Test
    void shouldRefuseRequestsBeyondItsLimitsNamingTheLimit() throws Exception {
        try (NetTesting.Server s =
                new NetTesting.Server(Optional.empty(), NetTesting.limits(8, 4096, 2000, 2000, 1000))) {
            Peer peer = Peer.resolve(context(s.server).peer().orElseThrow());
            try (Watchdog w = new Watchdog("test", 20)) {
                // The client checks the limits the server announced...
                try (PeerConnection c = PeerConnection.open(peer, w, FAST)) {
                    PeerException e = assertThrows(
                            PeerException.class,
                            () -> c.request(
                                    new Messages.Request(Messages.Kind.PINGPONG, 8192, 500_000_000L), Watchdog.NONE));
                    assertTrue(e.getMessage().contains("at most 4 KiB (its message size limit)"), e.getMessage());
                }
                // ...and the server enforces them for clients that do not.
                for (Messages.Request r : List.of(
                        new Messages.Request(Messages.Kind.PINGPONG, 8192, 500_000_000L),
                        new Messages.Request(Messages.Kind.STREAM_TO_SERVER, 1024, 2_000_000_000L),
                        new Messages.Request(Messages.Kind.STREAM_FROM_SERVER, 0, 500_000_000L))) {
                    try (PeerConnection c = PeerConnection.open(peer, w, FAST)) {
                        r.frame().write(c.channel());
                        Frame reply = Frame.read(c.channel());
                        assertEquals(Frame.Type.ERROR, reply.type(), r.toString());
                        String why = Messages.Refusal.parse(reply).message();
                        assertTrue(
                                why.contains("its message size limit") || why.contains("its test duration limit"), why);
                    }
                }
            }
            awaitIdle(s);
            assertEquals(
                    3,
                    s.logSnapshot().stream()
                            .filter(l -> l.contains("refused, "))
                            .count(),
                    s.logSnapshot().toString());
        }
    }

    @Test
    void shouldCloseASilentClientAfterTheHandshakeTimeout() throws Exception {
        try (NetTesting.Server s =
                new NetTesting.Server(Optional.empty(), NetTesting.limits(8, 1 << 20, 300, 2000, 60_000))) {
            try (Socket silent = connect(s)) {
                long t0 = System.nanoTime();
                assertClosedByServer(silent);
                long waitedMs = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(waitedMs >= 250, "closed after " + waitedMs + " ms, before the 300-ms handshake timeout");
            }
            awaitIdle(s);
            assertTrue(
                    s.logSnapshot().stream().anyMatch(l -> l.contains("while waiting for the handshake")),
                    s.logSnapshot().toString());
            assertLegitimateClientWorks(s, Optional.empty());
        }
    }

    @Test
    void shouldLogASessionItStopsAsClosedByTheStop() throws Exception {
        // A client still waiting in its handshake when the server stops: its line says why the
        // session ended, not which exception the closed channel threw.
        List<String> log;
        try (NetTesting.Server s =
                        new NetTesting.Server(Optional.empty(), NetTesting.limits(8, 1 << 20, 30_000, 30_000, 60_000));
                Socket waiting = connect(s)) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (s.server.activeSessions() == 0 && System.nanoTime() - end < 0) {
                Thread.sleep(10);
            }
            assertEquals(1, s.server.activeSessions(), "the session never started: " + s.logSnapshot());
            s.server.close(); // the block closes it again at its end, which does nothing
            assertClosedByServer(waiting);
            log = s.logSnapshot();
        }
        assertTrue(
                log.stream()
                        .anyMatch(l -> l.startsWith("session 1 ") && l.endsWith(": closed: the server is stopping")),
                log.toString());
        assertFalse(log.stream().anyMatch(l -> l.contains("Exception")), log.toString());
    }

    @Test
    void shouldRefuseAuthenticatedClientsBeyondTheSessionLimitAndRecover() throws Exception {
        // 4 session slots held by authenticated clients: a fifth authenticates and is told "busy"
        // at once; when one leaves, a client is served again.
        try (NetTesting.Server s =
                new NetTesting.Server(Optional.empty(), NetTesting.limits(4, 1 << 20, 1000, 5000, 60_000))) {
            Peer peer = Peer.resolve(context(s.server).peer().orElseThrow());
            try (Watchdog w = new Watchdog("test", 20)) {
                List<PeerConnection> held = new ArrayList<>();
                try {
                    for (int i = 0; i < 4; i++) {
                        held.add(PeerConnection.open(peer, w, FAST));
                    }
                    PeerException e = assertThrows(PeerException.class, () -> PeerConnection.open(peer, w, FAST));
                    assertTrue(
                            e.getMessage().contains("busy: 4 sessions already running (the server's session limit)"),
                            e.getMessage());
                } finally {
                    held.forEach(PeerConnection::close);
                }
            }
            awaitIdle(s);
            assertLegitimateClientWorks(s, Optional.empty());
        }
    }

    @Test
    void shouldServeATokenHolderWhileAnotherAddressFloodsWithIdleConnections() throws Exception {
        // Issue 16: idle connections, reopened as they drop, used to take every session slot. Here
        // a flood from 127.0.0.2 keeps opening connections that never say a word, far more than
        // the 8 handshake seats, while a client with the token from 127.0.0.1 runs probes.
        Path good = Files.writeString(dir.resolve("token"), SECRET);
        java.net.InetAddress flooder = java.net.InetAddress.getByName("127.0.0.2");
        try (NetTesting.Server s = new NetTesting.Server(
                Optional.of(Token.load(good)),
                new ServerLimits(
                        4,
                        1 << 20,
                        java.time.Duration.ofSeconds(30),
                        java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofSeconds(60),
                        8))) {
            java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicLong opened = new java.util.concurrent.atomic.AtomicLong();
            Thread flood = new Thread(
                    () -> {
                        java.util.ArrayDeque<Socket> mine = new java.util.ArrayDeque<>();
                        while (flooding.get()) {
                            try {
                                Socket c = new Socket();
                                c.bind(new java.net.InetSocketAddress(flooder, 0));
                                c.connect(s.address(), 2000);
                                mine.add(c);
                                opened.incrementAndGet();
                                if (mine.size() > 200) {
                                    mine.poll().close();
                                }
                            } catch (IOException e) {
                                // refused or reset under load: try again
                            }
                        }
                        mine.forEach(PeerServerTest::closeQuietly);
                    },
                    "flood");
            flood.start();
            try {
                while (opened.get() < 100) {
                    Thread.sleep(5);
                }
                long before = opened.get();
                for (int i = 0; i < 5; i++) {
                    assertLegitimateClientWorks(s, Optional.of(good));
                }
                long during = opened.get() - before;
                assertTrue(
                        during > 8 * 5,
                        "the flood kept going while the client was served: " + during
                                + " connections opened meanwhile");
            } finally {
                flooding.set(false);
                flood.join();
            }
            assertTrue(opened.get() > 8 * 10, "the flood opened " + opened.get() + " connections");
            // The client's last session is logged by the server once it has closed, which can be
            // just after the client returns (a full build saw 9 of the 10 lines).
            awaitIdle(s);
            List<String> log = s.logSnapshot();
            assertEquals(
                    10, log.stream().filter(l -> l.contains(": ok")).count(), "every probe session logged: " + log);
            long evictions = log.stream()
                    .filter(l -> l.contains("closed: evicted by a newer connection"))
                    .count();
            assertTrue(
                    evictions >= 1 && evictions <= PeerServer.LOG_BURST,
                    "evictions are logged, a few a minute: " + evictions);
            // At the latest when the server stops, the rest are counted in one line.
            s.server.close();
            assertTrue(
                    s.logSnapshot().stream()
                            .anyMatch(l -> l.matches("\\d+ more like this in the last \\d+ s, not logged one"
                                    + " by one: .*closed: evicted by a newer connection.*")),
                    s.logSnapshot().toString());
        }
    }

    @Test
    void shouldServeManyClientsAtOnce() throws Exception {
        try (NetTesting.Server s = NetTesting.Server.plain()) {
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Callable<List<Measurement>>> clients = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    clients.add(() -> new NetPingPongProbe(FAST)
                            .run(
                                    requirement(
                                            ProbeType.NET_PINGPONG,
                                            "messageSize",
                                            bytes(1024),
                                            "duration",
                                            ms(400),
                                            "warmup",
                                            ms(0)),
                                    context(s.server)));
                }
                for (Future<List<Measurement>> f : pool.invokeAll(clients, 60, TimeUnit.SECONDS)) {
                    Measurement m = f.get().get(0);
                    assertNull(m.error(), m.error());
                    assertTrue(m.samples() > 0);
                }
            } finally {
                pool.shutdownNow();
            }
            awaitIdle(s);
            assertEquals(
                    16,
                    s.logSnapshot().stream()
                            .filter(l -> l.contains("ping-pong 1 KiB") && l.contains(": ok"))
                            .count(),
                    s.logSnapshot().toString());
        }
    }

    @Test
    void shouldSurviveClientsKilledMidTest() throws Exception {
        try (NetTesting.Server s = NetTesting.Server.plain()) {
            Peer peer = Peer.resolve(context(s.server).peer().orElseThrow());
            try (Watchdog w = new Watchdog("test", 20)) {
                // Half a ping-pong message, then a reset.
                PeerConnection a = PeerConnection.open(peer, w, FAST);
                a.request(new Messages.Request(Messages.Kind.PINGPONG, 100_000, 5_000_000_000L), Watchdog.NONE);
                a.channel().write(ByteBuffer.allocate(50_000));
                a.channel().socket().setSoLinger(true, 0);
                a.close();
                // A stream from the server, abandoned while the server writes.
                PeerConnection b = PeerConnection.open(peer, w, FAST);
                b.request(new Messages.Request(Messages.Kind.STREAM_FROM_SERVER, 65536, 5_000_000_000L), Watchdog.NONE);
                b.channel().write(ByteBuffer.wrap(new byte[] {1}));
                b.channel().read(ByteBuffer.allocate(65536));
                b.channel().socket().setSoLinger(true, 0);
                b.close();
                // A stream to the server, cut off mid-way.
                PeerConnection c = PeerConnection.open(peer, w, FAST);
                c.request(new Messages.Request(Messages.Kind.STREAM_TO_SERVER, 65536, 5_000_000_000L), Watchdog.NONE);
                c.channel().write(ByteBuffer.allocate(65536));
                c.channel().socket().setSoLinger(true, 0);
                c.close();
            }
            awaitIdle(s);
            assertEquals(0, s.server.activeSessions());
            assertLegitimateClientWorks(s, Optional.empty());
        }
    }

    /** The two directions of a fake peer's one connection. */
    record Io(InputStream in, java.io.OutputStream out) {}

    /** A fake peer on loopback: accepts one connection and runs a script on it. */
    private static final class FakePeer implements AutoCloseable {
        interface Script {
            List<byte[]> run(Io io) throws Exception;
        }

        private final java.net.ServerSocket socket;
        private final ExecutorService ex = Executors.newSingleThreadExecutor();
        private final Future<List<byte[]>> result;

        FakePeer(Script script) throws IOException {
            socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            result = ex.submit(() -> {
                try (Socket c = socket.accept()) {
                    c.setSoTimeout(5000);
                    return script.run(new Io(c.getInputStream(), c.getOutputStream()));
                }
            });
        }

        /** Says no token is needed, then records every frame the client still sends. */
        static List<byte[]> tokenlessPeerThatRecordsTheRest(Io io) throws IOException {
            readFrame(io.in());
            io.out()
                    .write(bytesOf(new Messages.Challenge(
                                    Messages.VERSION,
                                    false,
                                    new byte[Messages.NONCE_BYTES],
                                    new byte[Messages.MAC_BYTES])
                            .frame()));
            return rest(io.in());
        }

        /** The frames the client sends until it closes. */
        static List<byte[]> rest(InputStream in) throws IOException {
            List<byte[]> frames = new ArrayList<>();
            for (byte[] f = readFrameOrNull(in); f != null; f = readFrameOrNull(in)) {
                frames.add(f);
            }
            return frames;
        }

        java.net.InetSocketAddress address() {
            return new java.net.InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
        }

        Peer peer(Optional<Path> token) throws Exception {
            return Peer.resolve(context(address(), token).peer().orElseThrow());
        }

        List<byte[]> result() throws Exception {
            return result.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            ex.shutdownNow();
            socket.close();
        }
    }

    /** A short ping-pong and stream; the probe checks every echo and the byte count the server reports. */
    private static void assertLegitimateClientWorks(NetTesting.Server s, Optional<Path> token) throws Exception {
        Measurement rtt = new NetPingPongProbe(FAST)
                .run(
                        requirement(
                                ProbeType.NET_PINGPONG,
                                "messageSize",
                                bytes(8192),
                                "duration",
                                ms(200),
                                "warmup",
                                ms(0)),
                        context(s.address(), token))
                .get(0);
        assertNull(rtt.error(), rtt.error());
        assertTrue(rtt.samples() > 0);
        Measurement stream = new NetStreamProbe(FAST)
                .run(
                        requirement(ProbeType.NET_STREAM, "duration", ms(200), "warmup", ms(0)),
                        context(s.address(), token))
                .get(0);
        assertNull(stream.error(), stream.error());
        assertTrue(stream.summary().mean() > 0);
    }

    /** Waits (bounded) until no session runs, so the log is complete and nothing leaked. */
    private static void awaitIdle(NetTesting.Server s) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (s.server.activeSessions() > 0 && System.nanoTime() - end < 0) {
            Thread.sleep(10);
        }
        assertEquals(0, s.server.activeSessions(), "sessions still running: " + s.logSnapshot());
    }

    private static Socket connect(NetTesting.Server s) throws IOException {
        Socket c = new Socket(s.address().getAddress(), s.address().getPort());
        c.setSoTimeout(10_000);
        return c;
    }

    /** The server closes: reading ends (EOF or reset) within the socket timeout, after any refusal frame. */
    private static void assertClosedByServer(Socket c) throws IOException {
        InputStream in = c.getInputStream();
        try {
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // drain the refusal
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server left the connection open", e);
        } catch (IOException reset) {
            // reset by the server: closed as well
        }
    }

    private static byte[] readFrame(InputStream in) throws IOException {
        byte[] f = readFrameOrNull(in);
        if (f == null) {
            throw new IOException("no frame");
        }
        return f;
    }

    /** One frame's bytes (header included), or null at end of stream. */
    private static byte[] readFrameOrNull(InputStream in) throws IOException {
        byte[] header = in.readNBytes(5);
        if (header.length < 5) {
            return null;
        }
        int length = ByteBuffer.wrap(header).getInt();
        byte[] rest = in.readNBytes(length - 1);
        ByteBuffer all = ByteBuffer.allocate(5 + rest.length).put(header).put(rest);
        return all.array();
    }

    private static void closeQuietly(Socket c) {
        try {
            c.close();
        } catch (IOException e) {
            // best effort
        }
    }

    private static byte[] bytesOf(Frame f) {
        ByteBuffer b = f.encode();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
