package io.iocert.probes.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The peer for interconnect probes: {@code iocert serve}, and the in-process loopback server
 * {@code iocert run} starts when no {@code --peer} is given.
 *
 * <p><b>Safety.</b> One acceptor thread and a fixed pool of {@link ServerLimits#maxSessions()}
 * session threads; a connection beyond that is told "busy" and closed at once, never queued.
 * Every read and write of a session is under a {@link Watchdog} deadline: the handshake must
 * finish within the handshake timeout, data must keep moving within the idle timeout, and a
 * test ends by its requested length (at most the test-duration limit). Control frames are at
 * most {@link Frame#MAX_BYTES}; data buffers, allocated only after authentication, at most
 * the message limit, so memory is bounded by the limits whatever clients send.
 *
 * <p><b>Log.</b> One line per session to the given sink: who, what, how long, how it ended.
 */
public final class PeerServer implements AutoCloseable {
    private final ServerSocketChannel listener;
    private final Optional<Token> token;
    private final ServerLimits limits;
    private final Consumer<String> log;
    private final ExecutorService pool;
    private final Semaphore slots;
    private final Watchdog watchdog;
    private final Thread acceptor;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong sessionIds = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final int protocolVersion;
    private volatile boolean closing;

    private PeerServer(ServerSocketChannel listener, Optional<Token> token, ServerLimits limits, Consumer<String> log,
                       int protocolVersion) {
        this.listener = listener;
        this.token = token;
        this.limits = limits;
        this.log = log;
        this.protocolVersion = protocolVersion;
        this.slots = new Semaphore(limits.maxSessions());
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(limits.maxSessions(), r -> {
            Thread t = new Thread(r, "iocert-serve-session-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
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
    public static PeerServer start(InetSocketAddress bind, Optional<Token> token, ServerLimits limits, Consumer<String> log)
            throws IOException {
        return start(bind, token, limits, log, Messages.VERSION);
    }

    /** As {@link #start(InetSocketAddress, Optional, ServerLimits, Consumer)}, speaking another version (tests). */
    static PeerServer start(InetSocketAddress bind, Optional<Token> token, ServerLimits limits, Consumer<String> log,
                            int protocolVersion) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(bind, Math.max(1024, limits.maxSessions() * 2));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        PeerServer s = new PeerServer(ch, token, limits, log, protocolVersion);
        s.acceptor.start();
        return s;
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

    /** Sessions running now. */
    int activeSessions() {
        return active.get();
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
                log.accept("accept failed: " + describe(e) + "; still serving");
                sleepQuietly(50);
                continue;
            }
            long id = sessionIds.incrementAndGet();
            String remote = remote(c);
            if (!slots.tryAcquire()) {
                refuseBusy(c, id, remote);
                continue;
            }
            open.add(c);
            active.incrementAndGet();
            try {
                pool.execute(() -> {
                    try {
                        new Session(id, c, remote, token, limits, watchdog, log, protocolVersion).run();
                    } finally {
                        open.remove(c);
                        closeQuietly(c);
                        active.decrementAndGet();
                        slots.release();
                    }
                });
            } catch (RuntimeException e) {
                // The pool is shutting down.
                open.remove(c);
                closeQuietly(c);
                active.decrementAndGet();
                slots.release();
            }
        }
    }

    /** Tells a client over the session limit so, without blocking the acceptor, and closes. */
    private void refuseBusy(SocketChannel c, long id, String remote) {
        String why = "busy: " + limits.maxSessions() + " sessions already running (the server's session limit)";
        try {
            c.configureBlocking(false);
            ByteBuffer b = new Messages.Refusal(why).frame().encode();
            c.write(b);
        } catch (IOException e) {
            // the client is gone already
        } finally {
            closeQuietly(c);
        }
        log.accept(String.format("session %d %s: refused, %s", id, remote, why));
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
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
