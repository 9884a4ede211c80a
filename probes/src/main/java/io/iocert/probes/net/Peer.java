package io.iocert.probes.net;

import io.iocert.probes.PeerAddress;
import io.iocert.probes.ProbeException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * A peer resolved for probing: its socket address, the token and how results
 * name it: {@code loopback} for the in-process server, else {@code host:port}; a partner of a
 * coordinated run is named {@code partner n02 (host:port)} in messages.
 */
record Peer(InetSocketAddress address, Optional<Token> token, String label, boolean embedded, boolean partner) {

    Peer(InetSocketAddress address, Optional<Token> token, String label, boolean embedded) {
        this(address, token, label, embedded, false);
    }

    static Peer resolve(PeerAddress p) throws ProbeException {
        InetAddress ip;
        try {
            ip = InetAddress.getByName(p.host());
        } catch (UnknownHostException e) {
            throw new ProbeException("peer host '" + p.host() + "' cannot be resolved: " + PeerServer.describe(e), e);
        }
        Optional<Token> token = p.token();
        String host = p.host().contains(":") ? "[" + p.host() + "]" : p.host();
        String label = p.embeddedLoopback() ? "loopback" : host + ":" + p.port();
        return new Peer(new InetSocketAddress(ip, p.port()), token, label, p.embeddedLoopback());
    }

    /** How messages name the peer: "the in-process loopback peer", "peer node7:7878" or "partner n02 (10.1.0.2:40211)". */
    String describe() {
        return embedded ? "the in-process loopback peer" : (partner ? "partner " : "peer ") + label;
    }
}
