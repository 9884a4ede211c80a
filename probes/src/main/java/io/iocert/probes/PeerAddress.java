package io.iocert.probes;

import io.iocert.probes.net.Token;
import java.util.Optional;

/**
 * An {@code iocert serve} peer: host, port, the shared token (required for non-loopback
 * peers, read from --token-file; a random one for the in-process loopback server) and whether
 * it is the in-process loopback server {@code run} starts by itself.
 */
public record PeerAddress(String host, int port, Optional<Token> token, boolean embeddedLoopback) {}
