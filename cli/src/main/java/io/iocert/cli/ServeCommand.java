package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.probes.net.PeerServer;
import io.iocert.probes.net.ServerLimits;
import io.iocert.probes.net.Token;
import io.iocert.spec.Dimension;
import io.iocert.spec.Quantity;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert serve}: the peer for interconnect probes on another node. Runs until stopped
 * (Ctrl-C, SIGTERM), printing one line when it listens and one per session.
 */
final class ServeCommand implements Command {
    static final String DEFAULT_BIND = "127.0.0.1";
    static final int DEFAULT_PORT = 7878;

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String synopsis() {
        return "[--bind ADDR] [--port N] [--token-file FILE] [--max-sessions N] [--max-handshakes N] [--max-frame SIZE]"
                + " [--handshake-timeout D] [--idle-timeout D] [--max-test-duration D]";
    }

    @Override
    public String summary() {
        return "serve as the peer for interconnect probes ('iocert run --peer HOST:PORT' on another node)";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 stopped cleanly, 2 usage or bad input, 4 error.";
    }

    @Override
    public Options options() {
        ServerLimits d = ServerLimits.DEFAULTS;
        return new Options()
                .addOption(opt(
                        "bind",
                        "ADDR",
                        "address to listen on (default " + DEFAULT_BIND + "); any non-loopback address"
                                + " needs --token-file"))
                .addOption(opt(
                        "port", "N", "TCP port (default " + DEFAULT_PORT + "; 0 picks a free one, printed at start)"))
                .addOption(opt(
                        "token-file",
                        "FILE",
                        "shared token (at least " + Token.MIN_BYTES + " bytes) clients must prove"
                                + " they hold; it never crosses the network"))
                .addOption(opt(
                        "max-sessions",
                        "N",
                        "authenticated clients served at once; more are refused as busy (default " + d.maxSessions()
                                + ")"))
                .addOption(opt(
                        "max-handshakes",
                        "N",
                        "connections not yet authenticated at once, apart from the sessions;"
                                + " when full, a new one evicts the oldest of the source (address or IPv6 /64) with the most"
                                + " (default "
                                + d.maxHandshakes() + ")"))
                .addOption(opt(
                        "max-frame",
                        "SIZE",
                        "largest ping-pong message or stream write a client may use, and so the"
                                + " most buffer memory per session (default "
                                + Quantity.bytes(d.maxMessageBytes()).format() + ")"))
                .addOption(opt(
                        "handshake-timeout",
                        "DURATION",
                        "most time from connect to authenticated (default "
                                + Quantity.nanos(d.handshakeTimeout().toNanos()).format() + ")"))
                .addOption(opt(
                        "idle-timeout",
                        "DURATION",
                        "longest a session may go without data moving (default "
                                + Quantity.nanos(d.idleTimeout().toNanos()).format() + ")"))
                .addOption(opt(
                        "max-test-duration",
                        "DURATION",
                        "longest test a client may ask for (default "
                                + Quantity.nanos(d.maxTestDuration().toNanos()).format() + ")"));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        if (!line.getArgList().isEmpty()) {
            throw new UsageException(
                    "'serve' takes no arguments, got '" + line.getArgList().get(0) + "'", "see 'iocert serve --help'");
        }
        String bindText = line.getOptionValue("bind", DEFAULT_BIND);
        InetAddress bind;
        try {
            bind = InetAddress.getByName(bindText);
        } catch (UnknownHostException e) {
            throw new UsageException(
                    "--bind '" + bindText + "' is not an address of this node",
                    "expected an IP address such as " + DEFAULT_BIND + " or a host name that resolves to one");
        }
        int port = port("--port", line.getOptionValue("port", Integer.toString(DEFAULT_PORT)));
        Optional<Token> token =
                line.hasOption("token-file") ? Optional.of(token(line.getOptionValue("token-file"))) : Optional.empty();
        if (!bind.isLoopbackAddress() && token.isEmpty()) {
            throw new UsageException(
                    "--bind " + bindText + " is not a loopback address, and serving other nodes needs a shared"
                            + " token: pass --token-file FILE",
                    "make one with: head -c 32 /dev/urandom | base64 > FILE" + " (and copy it to the probing node)");
        }
        ServerLimits limits = limits(line);
        checkMemory(limits, ServerLimits.bufferMemoryLimit());
        PeerServer server;
        try {
            server = PeerServer.start(new InetSocketAddress(bind, port), token, limits, s -> log(out, s));
        } catch (BindException e) {
            throw new UsageException(
                    "cannot listen on " + bindText + ":" + port + ": " + e.getMessage(),
                    "is another iocert serve running there? choose another --port");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "iocert-serve-shutdown"));
        InetSocketAddress a = server.address();
        log(
                out,
                "listening on " + a.getAddress().getHostAddress() + ":" + a.getPort() + " (peer protocol "
                        + PeerServer.protocolVersion() + ", token "
                        + (token.isPresent() ? "required" : "not required, loopback only") + "; limits: "
                        + limits.maxSessions() + " sessions, " + limits.maxHandshakes() + " handshakes, frames up to "
                        + Quantity.bytes(limits.maxMessageBytes()).format()
                        + ", handshake "
                        + Quantity.nanos(limits.handshakeTimeout().toNanos()).format() + ", idle "
                        + Quantity.nanos(limits.idleTimeout().toNanos()).format() + ", tests up to "
                        + Quantity.nanos(limits.maxTestDuration().toNanos()).format() + ")");
        server.awaitClosed();
        return Main.OK;
    }

    private static void log(PrintStream out, String line) {
        out.println("iocert serve " + Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
        out.flush();
    }

    static int port(String flag, String text) throws UsageException {
        try {
            int p = Integer.parseInt(text.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new UsageException(flag + " '" + text + "' is not a TCP port; expected a whole number from 0 to 65535");
    }

    /** Reads and checks a token file, for serve and for the probing side alike. */
    static Token token(String file) throws UsageException {
        Path p = Path.of(file);
        try {
            return Token.load(p);
        } catch (IOException e) {
            throw new UsageException("--token-file " + p + " cannot be read: " + Main.describe(e));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--token-file: " + e.getMessage());
        }
    }

    /**
     * Refuses limits whose session buffers (sessions x max frame) could not all be allocated
     * in this JVM, so a busy server does not run out of memory mid-session.
     */
    static void checkMemory(ServerLimits limits, long availableBytes) throws UsageException {
        if (limits.bufferBytes() > availableBytes) {
            throw new UsageException(
                    "--max-sessions " + limits.maxSessions() + " x --max-frame "
                            + Quantity.bytes(limits.maxMessageBytes()).format() + " = "
                            + Quantity.bytes(limits.bufferBytes()).format()
                            + " of session buffers, more than this JVM may allocate for them ("
                            + Quantity.bytes(availableBytes).format()
                            + ", its -XX:MaxDirectMemorySize, else its heap limit -Xmx)",
                    "lower --max-sessions or --max-frame, or give the JVM more, such as IOCERT_JAVA_OPTS=-Xmx"
                            + (limits.bufferBytes() / (1L << 30) + 2) + "g");
        }
    }

    private static ServerLimits limits(CommandLine line) throws UsageException {
        ServerLimits d = ServerLimits.DEFAULTS;
        int sessions = d.maxSessions();
        if (line.hasOption("max-sessions")) {
            String t = line.getOptionValue("max-sessions");
            try {
                sessions = Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                sessions = -1;
            }
            if (sessions < 1 || sessions > ServerLimits.MAX_SESSIONS_LIMIT) {
                throw new UsageException("--max-sessions '" + t + "' must be a whole number from 1 to "
                        + ServerLimits.MAX_SESSIONS_LIMIT);
            }
        }
        int handshakes = d.maxHandshakes();
        if (line.hasOption("max-handshakes")) {
            String t = line.getOptionValue("max-handshakes");
            try {
                handshakes = Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                handshakes = -1;
            }
            if (handshakes < 1 || handshakes > ServerLimits.MAX_SESSIONS_LIMIT) {
                throw new UsageException("--max-handshakes '" + t + "' must be a whole number from 1 to "
                        + ServerLimits.MAX_SESSIONS_LIMIT);
            }
        }
        int frame = d.maxMessageBytes();
        if (line.hasOption("max-frame")) {
            String t = line.getOptionValue("max-frame");
            try {
                Quantity q = Quantity.parse(t, Dimension.DATA_SIZE);
                if (q.value() < 1 || q.value() > ServerLimits.MAX_MESSAGE_LIMIT) {
                    throw new UsageException("--max-frame '" + t + "' must be from 1 B to 1 GiB");
                }
                frame = (int) q.longValue();
            } catch (Quantity.UnitException e) {
                throw new UsageException("--max-frame '" + t + "': " + e.getMessage());
            }
        }
        Duration handshake = line.hasOption("handshake-timeout")
                ? Inputs.duration("--handshake-timeout", line.getOptionValue("handshake-timeout"))
                : d.handshakeTimeout();
        Duration idle = line.hasOption("idle-timeout")
                ? Inputs.duration("--idle-timeout", line.getOptionValue("idle-timeout"))
                : d.idleTimeout();
        Duration test = line.hasOption("max-test-duration")
                ? Inputs.duration("--max-test-duration", line.getOptionValue("max-test-duration"))
                : d.maxTestDuration();
        return new ServerLimits(sessions, frame, handshake, idle, test, handshakes);
    }
}
