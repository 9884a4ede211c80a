package io.iocert.probes.net;

import io.iocert.probes.NanoClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The peer for interconnect probes: {@code iocert serve}, and the in-process loopback server
 * {@code iocert run} starts when no {@code --peer} is given.
 *
 * <p><b>Safety.</b> One acceptor thread. A new connection first joins the handshake pool
 * ({@link HandshakeGate}, {@link ServerLimits#maxHandshakes()} at once): it never waits for a
 * session slot, and when the pool is full it evicts the oldest pending handshake of the
 * source (IPv4 address or IPv6 /64) with the most, so connections that never authenticate
 * cannot lock out clients that do. Only an authenticated client takes one of {@link ServerLimits#maxSessions()} session
 * slots; beyond them it is told "busy" and closed, never queued. Every read and write is under
 * a {@link Watchdog} deadline: the handshake must finish within the handshake timeout, data
 * must keep moving within the idle timeout, and a test ends by its requested length (at most
 * the test-duration limit). Control frames are at most {@link Frame#MAX_BYTES}; data buffers,
 * allocated only after authentication and owned by the session slots, at most the message
 * limit each, so buffer memory is at most {@link ServerLimits#bufferBytes()} whatever clients
 * send.
 *
 * <p><b>Log.</b> One line per session to the given sink: who, what, how long, how it ended.
 * Lines of sessions that did not authenticate with a token go through a {@link LogLimiter}:
 * a flood of bad connections costs a few lines a minute and a count.
 */
public final class PeerServer implements AutoCloseable {
    /** Lines of one kind passed on per window; the rest are counted. */
    static final int LOG_BURST = 20;

    static final long LOG_WINDOW_NS = TimeUnit.MINUTES.toNanos(1);

    private final ServerLimits limits;
    private final ServerSocketChannel listener;
    private final Optional<Token> token;
    private final Consumer<String> log;
    private final LogLimiter limitedLog;
    private final ExecutorService pool;
    private final ScheduledExecutorService logFlusher;
    private final Semaphore threads;
    private final HandshakeGate gate;
    private final BlockingQueue<Session.Slot> slots;
    private final Watchdog watchdog;
    private final Thread acceptor;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong sessionIds = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final int protocolVersion;
    private volatile Coordinator joins;
    private volatile boolean closing;

    private PeerServer(
            ServerSocketChannel listener,
            Optional<Token> token,
            ServerLimits limits,
            Consumer<String> log,
            int protocolVersion) {
        this.listener = listener;
        this.token = token;
        this.limits = limits;
        this.log = log;
        this.limitedLog = new LogLimiter(log, LOG_BURST, LOG_WINDOW_NS, NanoClock.SYSTEM);
        this.protocolVersion = protocolVersion;
        this.gate = new HandshakeGate(limits.maxHandshakes());
        this.slots = new ArrayBlockingQueue<>(limits.maxSessions());
        for (int i = 0; i < limits.maxSessions(); i++) {
            slots.add(new Session.Slot());
        }
        // Threads for every session slot and every pending handshake; evicted handshakes
        // give theirs back as soon as their closed connection wakes them.
        this.threads = new Semaphore(limits.maxSessions() + limits.maxHandshakes());
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "iocert-serve-session-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.logFlusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "iocert-serve-log");
            t.setDaemon(true);
            return t;
        });
        logFlusher.scheduleWithFixedDelay(() -> limitedLog.flush(false), 10, 10, TimeUnit.SECONDS);
        this.watchdog = new Watchdog("iocert-serve-watchdog", 50);
        this.acceptor = new Thread(this::acceptLoop, "iocert-serve-acceptor");
        acceptor.setDaemon(true);
    }

    /**
     * Binds and starts serving.
     *
     * @param bind  address and port (port 0: any free port, see {@link #address()})
     * @param token the shared token; empty: clients are not authenticated (loopback only,
     *              which the caller enforces)
     * @param log   receives one line per session
     */
    public static PeerServer start(
            InetSocketAddress bind, Optional<Token> token, ServerLimits limits, Consumer<String> log)
            throws IOException {
        return start(bind, token, limits, log, Messages.VERSION);
    }

    /** As {@link #start(InetSocketAddress, Optional, ServerLimits, Consumer)}, speaking another version (tests). */
    static PeerServer start(
            InetSocketAddress bind,
            Optional<Token> token,
            ServerLimits limits,
            Consumer<String> log,
            int protocolVersion)
            throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(bind, Math.max(1024, (limits.maxSessions() + limits.maxHandshakes()) * 2));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        PeerServer s = new PeerServer(ch, token, limits, log, protocolVersion);
        s.acceptor.start();
        return s;
    }

    /** Hands participants that join ({@code iocert join}) to {@code c}; without, they are refused. */
    void acceptJoins(Coordinator c) {
        this.joins = c;
    }

    /** The peer protocol version this build speaks. */
    public static int protocolVersion() {
        return Messages.VERSION;
    }

    /** The bound address, with the actual port. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) listener.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the server socket is closed", e);
        }
    }

    public ServerLimits limits() {
        return limits;
    }

    public boolean tokenRequired() {
        return token.isPresent();
    }

    /** Connections being served now, authenticated or not. */
    int activeSessions() {
        return active.get();
    }

    /** Connections in their handshake now (tests). */
    int pendingHandshakes() {
        return gate.pending();
    }

    /** Blocks until {@link #close()} has run. */
    public void awaitClosed() throws InterruptedException {
        stopped.await();
    }

    /** Stops accepting, ends every session and waits (briefly) for their threads. */
    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException e) {
            // nothing more to do
        }
        for (SocketChannel c : open) {
            closeQuietly(c);
        }
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.close();
        logFlusher.shutdownNow();
        limitedLog.flush(true);
        stopped.countDown();
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel c;
            try {
                c = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // Out of file descriptors or a connection reset before accept: keep serving.
                if (closing) {
                    return;
                }
                limitedLog.accept("accept failed", "accept failed: " + describe(e) + "; still serving");
                sleepQuietly(50);
                continue;
            }
            long id = sessionIds.incrementAndGet();
            String remote = remote(c);
            List<java.io.Closeable> evicted = new ArrayList<>();
            HandshakeGate.Ticket ticket = gate.admit(c, remoteAddress(c), evicted);
            evicted.forEach(PeerServer::closeQuietly);
            if (!acquireThread()) {
                gate.leave(ticket);
                refuseBusy(c, id, remote);
                continue;
            }
            open.add(c);
            active.incrementAndGet();
            Runnable done = () -> {
                gate.leave(ticket);
                open.remove(c);
                closeQuietly(c);
                active.decrementAndGet();
                threads.release();
            };
            try {
                pool.execute(() -> {
                    try {
                        new Session(
                                        id,
                                        c,
                                        remote,
                                        token,
                                        limits,
                                        watchdog,
                                        protocolVersion,
                                        ticket,
                                        gate,
                                        slots,
                                        log,
                                        limitedLog,
                                        joins,
                                        () -> closing)
                                .run();
                    } finally {
                        done.run();
                    }
                });
            } catch (RuntimeException e) {
                // The pool is shutting down.
                done.run();
            }
        }
    }

    /** A thread for a new connection; waits briefly, as an evicted handshake is giving one back. */
    private boolean acquireThread() {
        try {
            return threads.tryAcquire(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Tells a client there is no thread for it, without blocking the acceptor, and closes. */
    private void refuseBusy(SocketChannel c, long id, String remote) {
        String why = "busy: " + limits.maxSessions() + " sessions and " + limits.maxHandshakes()
                + " handshakes already running (the server's session and handshake limits)";
        try {
            c.configureBlocking(false);
            ByteBuffer b = new Messages.Refusal(why).frame().encode();
            c.write(b);
        } catch (IOException e) {
            // the client is gone already
        } finally {
            closeQuietly(c);
        }
        limitedLog.accept("refused busy", String.format(Locale.ROOT, "session %d %s: refused, %s", id, remote, why));
    }

    private static InetAddress remoteAddress(SocketChannel c) {
        try {
            InetSocketAddress a = (InetSocketAddress) c.getRemoteAddress();
            return a == null ? InetAddress.getLoopbackAddress() : a.getAddress();
        } catch (IOException e) {
            return InetAddress.getLoopbackAddress();
        }
    }

    static String remote(SocketChannel c) {
        try {
            InetSocketAddress a = (InetSocketAddress) c.getRemoteAddress();
            return a == null ? "?" : a.getAddress().getHostAddress() + ":" + a.getPort();
        } catch (IOException e) {
            return "?";
        }
    }

    static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing is best effort
        }
    }

    static String describe(Throwable e) {
        return io.iocert.probes.measure.Crew.describe(e);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
