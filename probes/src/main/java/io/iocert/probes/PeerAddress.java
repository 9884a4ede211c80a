package io.iocert.probes;

import io.iocert.probes.net.Token;
import java.util.Optional;

/**
 * An {@code iocert serve} peer: host, port, the shared token (required for non-loopback
 * peers, read from --token-file; a random one for the in-process loopback server) and whether
 * it is the in-process loopback server {@code run} starts by itself.
 *
 * <p>{@link Token} lives beside the peer protocol that uses its package-private proofs, and that
 * package is exported only to the modules that start or address peers (module-info); the
 * probes themselves only hand the token on, so the record may name it ("exports" lint).
 */
@SuppressWarnings("exports")
public record PeerAddress(String host, int port, Optional<Token> token, boolean embeddedLoopback) {}
