package io.iocert.probes;

import java.util.Objects;

/**
 * A node a participant of a coordinated interconnect requirement measures against: its name in
 * the run and the address of the peer listener it runs ({@code iocert join} serves its partners
 * there, with the run's token).
 *
 * @param name    the partner's participant name
 * @param address where it serves, with the run's token
 */
public record Partner(String name, PeerAddress address) {
    public Partner {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(address, "address");
    }
}
