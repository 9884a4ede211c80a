package io.iocert.probes;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An {@code iocert serve} peer: host, port, the shared token file (required for non-loopback
 * peers) and whether it is the in-process loopback server {@code run} starts by itself.
 */
public record PeerAddress(String host, int port, Optional<Path> tokenFile, boolean embeddedLoopback) {
}
