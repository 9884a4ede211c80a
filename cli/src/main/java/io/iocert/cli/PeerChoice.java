package io.iocert.cli;

import io.iocert.probes.PeerAddress;
import io.iocert.probes.net.Token;
import io.iocert.runner.LoopbackPeer;
import io.iocert.spec.Spec;
import java.io.IOException;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;

/**
 * The peer the interconnect probes of {@code run} and {@code probe} use: {@code --peer
 * HOST:PORT} (with {@code --token-file}), or else the runner's in-process loopback peer
 * ({@link LoopbackPeer}), which lives as long as this object and is started only when the spec
 * has net requirements.
 */
final class PeerChoice implements AutoCloseable {
    private final Optional<PeerAddress> peer;
    private final LoopbackPeer embedded;

    private PeerChoice(Optional<PeerAddress> peer, LoopbackPeer embedded) {
        this.peer = peer;
        this.embedded = embedded;
    }

    static PeerChoice of(CommandLine line, Spec spec) throws UsageException, IOException {
        if (line.hasOption("peer")) {
            String text = line.getOptionValue("peer");
            Optional<Token> token = Optional.empty();
            if (line.hasOption("token-file")) {
                token = Optional.of(ServeCommand.token(line.getOptionValue("token-file")));
            }
            return new PeerChoice(Optional.of(address("--peer", text, token)), null);
        }
        if (line.hasOption("token-file")) {
            throw new UsageException(
                    "--token-file is for a remote peer: give --peer HOST:PORT too",
                    "without --peer, interconnect probes use an in-process loopback peer with a random token of its own");
        }
        Optional<LoopbackPeer> loopback = LoopbackPeer.startFor(spec);
        return new PeerChoice(loopback.map(LoopbackPeer::address), loopback.orElse(null));
    }

    /** A HOST:PORT given with {@code flag} (--peer, --coordinator), checked. */
    static PeerAddress address(String flag, String text, Optional<Token> token) throws UsageException {
        int colon = text.lastIndexOf(':');
        String host = colon < 0 ? text : text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new UsageException(
                    flag + " '" + text + "': write an IPv6 address in brackets, such as [fe80::1]:7878");
        }
        if (host.isBlank() || colon < 0) {
            throw new UsageException(
                    flag + " '" + text + "' is not HOST:PORT",
                    "expected the address 'iocert serve' listens" + " on, such as node7:" + ServeCommand.DEFAULT_PORT);
        }
        int port = ServeCommand.port("the port of " + flag + " " + text + ":", text.substring(colon + 1));
        if (port == 0) {
            throw new UsageException(flag + " '" + text + "': port 0 is not a port a server listens on");
        }
        return new PeerAddress(host, port, token, false);
    }

    Optional<PeerAddress> peer() {
        return peer;
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        }
    }
}
