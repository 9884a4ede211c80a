package io.iocert.probes.net;

import java.time.Duration;

/**
 * How long a probe waits for its peer. Every wait of the net probes is bounded by one of these
 * (or by the requirement's budget, whichever comes first), so a dead or unreachable peer turns
 * into an error, never a hang.
 *
 * @param connect   TCP connect
 * @param handshake from connected to authenticated
 * @param idle      the longest a test waits for data to move before giving up on the peer
 */
record ClientTimeouts(Duration connect, Duration handshake, Duration idle) {
    static final ClientTimeouts DEFAULTS =
            new ClientTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(10));
}
