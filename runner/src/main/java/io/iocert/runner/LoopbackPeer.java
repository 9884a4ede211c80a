package io.iocert.runner;

import io.iocert.probes.PeerAddress;
import io.iocert.probes.net.PeerServer;
import io.iocert.probes.net.ServerLimits;
import io.iocert.probes.net.Token;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Spec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The peer a run's interconnect probes measure against when none is given: an in-process
 * server on loopback that lives as long as this object. Results name it {@code peer=loopback}
 * ({@link PeerAddress#embeddedLoopback()}); it measures this host, not a network. It has a
 * random token of this run, which only this process knows.
 */
public final class LoopbackPeer implements AutoCloseable {
    private final PeerServer server;
    private final PeerAddress address;

    private LoopbackPeer(PeerServer server, PeerAddress address) {
        this.server = server;
        this.address = address;
    }

    /** Starts one when {@code spec} has interconnect requirements; empty when it has none. */
    public static Optional<LoopbackPeer> startFor(Spec spec) throws IOException {
        boolean needsPeer = spec.requirements().stream().anyMatch(r -> r.probe().family() == ProbeType.Family.NET);
        if (!needsPeer) {
            return Optional.empty();
        }
        // A token of this run only: other local users can reach a loopback port, and must not be
        // able to join the run's peer, fill its slots, or pass for it.
        Token token = Token.random();
        PeerServer server = PeerServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.of(token),
                ServerLimits.DEFAULTS,
                s -> {});
        InetSocketAddress a = server.address();
        return Optional.of(new LoopbackPeer(
                server, new PeerAddress(a.getAddress().getHostAddress(), a.getPort(), Optional.of(token), true)));
    }

    /** Where the probes find it, with its token. */
    public PeerAddress address() {
        return address;
    }

    @Override
    public void close() {
        server.close();
    }
}
