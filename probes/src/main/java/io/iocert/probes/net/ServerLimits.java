package io.iocert.probes.net;

import java.time.Duration;

/**
 * What one {@code iocert serve} allows. Defaults live here; {@code iocert serve} flags override them.
 *
 * @param maxSessions      authenticated sessions at once; a client that authenticates beyond it
 *                         is refused with a "busy" message
 * @param maxMessageBytes  largest ping-pong message or stream write a client may ask for; also
 *                         the most buffer memory one session holds, so the server's buffer
 *                         memory is at most {@code maxSessions * maxMessageBytes}
 * @param handshakeTimeout the most a client may take from connecting to authenticated
 * @param idleTimeout      the longest a session may go without data moving
 * @param maxTestDuration  the longest test a client may ask for
 * @param maxHandshakes    connections not yet authenticated at once, a pool of their own; when
 *                         it is full, a new connection evicts the oldest pending handshake of the
 *                         source (IPv4 address or IPv6 /64) holding the most, so idle
 *                         connections from one source cannot keep clients of others out
 */
public record ServerLimits(
        int maxSessions,
        int maxMessageBytes,
        Duration handshakeTimeout,
        Duration idleTimeout,
        Duration maxTestDuration,
        int maxHandshakes) {
    public static final int DEFAULT_MAX_SESSIONS = 64;
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_TEST_DURATION = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_HANDSHAKES = 32;
    /** Limits the flags may not exceed: a buffer must fit a Java array, sessions a thread pool. */
    public static final int MAX_SESSIONS_LIMIT = 4096;

    public static final int MAX_MESSAGE_LIMIT = 1 << 30;

    public static final ServerLimits DEFAULTS = new ServerLimits(
            DEFAULT_MAX_SESSIONS,
            DEFAULT_MAX_MESSAGE_BYTES,
            DEFAULT_HANDSHAKE_TIMEOUT,
            DEFAULT_IDLE_TIMEOUT,
            DEFAULT_MAX_TEST_DURATION,
            DEFAULT_MAX_HANDSHAKES);

    public ServerLimits {
        if (maxSessions < 1 || maxSessions > MAX_SESSIONS_LIMIT) {
            throw new IllegalArgumentException(
                    "max sessions must be between 1 and " + MAX_SESSIONS_LIMIT + ", got " + maxSessions);
        }
        if (maxMessageBytes < 1 || maxMessageBytes > MAX_MESSAGE_LIMIT) {
            throw new IllegalArgumentException(
                    "max message size must be between 1 B and 1 GiB, got " + maxMessageBytes + " B");
        }
        if (maxHandshakes < 1 || maxHandshakes > MAX_SESSIONS_LIMIT) {
            throw new IllegalArgumentException(
                    "max handshakes must be between 1 and " + MAX_SESSIONS_LIMIT + ", got " + maxHandshakes);
        }
        for (Duration d : new Duration[] {handshakeTimeout, idleTimeout, maxTestDuration}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts and durations must be positive, got " + d);
            }
        }
    }

    /** As the canonical constructor, with the default handshake pool. */
    public ServerLimits(
            int maxSessions,
            int maxMessageBytes,
            Duration handshakeTimeout,
            Duration idleTimeout,
            Duration maxTestDuration) {
        this(maxSessions, maxMessageBytes, handshakeTimeout, idleTimeout, maxTestDuration, DEFAULT_MAX_HANDSHAKES);
    }

    /** The most buffer memory the sessions may hold at once: sessions x message limit. */
    public long bufferBytes() {
        return (long) maxSessions * maxMessageBytes;
    }

    /**
     * What this JVM lets the session buffers (direct memory) take: -XX:MaxDirectMemorySize when
     * set, else the heap limit (-Xmx), which is then also the direct memory limit.
     */
    public static long bufferMemoryLimit() {
        try {
            com.sun.management.HotSpotDiagnosticMXBean hotspot =
                    java.lang.management.ManagementFactory.getPlatformMXBean(
                            com.sun.management.HotSpotDiagnosticMXBean.class);
            long set = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
            if (set > 0) {
                return set;
            }
        } catch (RuntimeException | LinkageError e) {
            // not HotSpot: the heap limit is the documented default
        }
        return Runtime.getRuntime().maxMemory();
    }

    long handshakeNs() {
        return capped(handshakeTimeout);
    }

    long idleNs() {
        return capped(idleTimeout);
    }

    long maxTestNs() {
        return capped(maxTestDuration);
    }

    private static long capped(Duration d) {
        return d.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : d.toNanos();
    }
}
