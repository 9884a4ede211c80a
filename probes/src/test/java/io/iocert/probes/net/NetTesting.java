package io.iocert.probes.net;

import io.iocert.probes.NanoClock;
import io.iocert.probes.PeerAddress;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProgressListener;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Workload;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builders and a loopback server for net tests. */
final class NetTesting {
    /** Short waits so a failing peer fails a test in seconds, yet generous for a loaded 2-core machine. */
    static final ClientTimeouts FAST =
            new ClientTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(2));

    private NetTesting() {}

    static Requirement requirement(ProbeType probe, Object... keyValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Requirement("req-net", probe, new Workload(values), List.of(), 0.95, Duration.ofSeconds(30));
    }

    static Quantity ms(long n) {
        return Quantity.nanos(n * 1_000_000L);
    }

    static Quantity bytes(long n) {
        return Quantity.bytes(n);
    }

    static ProbeContext context(InetSocketAddress server, Optional<Path> tokenFile) {
        Optional<Token> token;
        try {
            token = tokenFile.isPresent() ? Optional.of(Token.load(tokenFile.get())) : Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new ProbeContext(
                Path.of("."),
                "test-run",
                Duration.ofSeconds(30),
                Optional.of(new PeerAddress(server.getHostString(), server.getPort(), token, false)),
                NanoClock.SYSTEM,
                ProgressListener.NONE);
    }

    static ProbeContext context(PeerServer server) {
        return context(server.address(), Optional.empty());
    }

    /** A loopback server on a free port, collecting its log lines. */
    static final class Server implements AutoCloseable {
        final PeerServer server;
        final List<String> log = Collections.synchronizedList(new ArrayList<>());

        Server(Optional<Token> token, ServerLimits limits) throws IOException {
            this(token, limits, Messages.VERSION);
        }

        Server(Optional<Token> token, ServerLimits limits, int version) throws IOException {
            server = PeerServer.start(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), token, limits, log::add, version);
        }

        static Server plain() throws IOException {
            return new Server(Optional.empty(), ServerLimits.DEFAULTS);
        }

        InetSocketAddress address() {
            return server.address();
        }

        List<String> logSnapshot() {
            synchronized (log) {
                return new ArrayList<>(log);
            }
        }

        @Override
        public void close() {
            server.close();
        }
    }

    static ServerLimits limits(int sessions, int maxMessage, long handshakeMs, long idleMs, long maxTestMs) {
        return new ServerLimits(
                sessions,
                maxMessage,
                Duration.ofMillis(handshakeMs),
                Duration.ofMillis(idleMs),
                Duration.ofMillis(maxTestMs));
    }
}
