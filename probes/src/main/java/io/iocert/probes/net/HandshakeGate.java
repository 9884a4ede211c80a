package io.iocert.probes.net;

import java.io.Closeable;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The connections of a {@link PeerServer} that have not yet authenticated: a pool of their
 * own, apart from the sessions, so connections that never authenticate cannot take the slots
 * of clients that do.
 *
 * <p>The pool never refuses a newcomer. When it is full, the newcomer evicts the oldest
 * pending connection of the source that holds the most (an IPv4 address or an IPv6 /64) (the oldest of all on a tie):
 * a flood from one address evicts only itself while any other address has fewer pending,
 * and a client from the flooding address still gets in if it authenticates before the flood
 * has replaced the whole pool. Evicted connections are handed back to be closed.
 */
final class HandshakeGate {
    /** One admitted connection; {@link #evicted()} once the gate let a newer one in instead. */
    static final class Ticket {
        private final Closeable connection;
        private final InetAddress address;
        private volatile boolean evicted;

        private Ticket(Closeable connection, InetAddress address) {
            this.connection = connection;
            this.address = address;
        }

        boolean evicted() {
            return evicted;
        }
    }

    private final int max;
    /** Oldest first. */
    private final LinkedHashSet<Ticket> pending = new LinkedHashSet<>();

    private final Map<InetAddress, Integer> perAddress = new HashMap<>();

    HandshakeGate(int max) {
        this.max = max;
    }

    int max() {
        return max;
    }

    /**
     * Admits a new connection, evicting one when the pool is full.
     *
     * @param evictedOut receives the connections to close
     */
    synchronized Ticket admit(Closeable connection, InetAddress address, List<Closeable> evictedOut) {
        if (pending.size() >= max) {
            victim().ifPresent(v -> {
                remove(v);
                v.evicted = true;
                evictedOut.add(v.connection);
            });
        }
        Ticket t = new Ticket(connection, source(address));
        pending.add(t);
        perAddress.merge(t.address, 1, Integer::sum);
        return t;
    }

    /**
     * Whom a connection counts against: its IPv4 address, or the /64 prefix of its IPv6 address
     * (one host usually holds a whole /64, so single IPv6 addresses are free to it).
     */
    static InetAddress source(InetAddress address) {
        if (address instanceof Inet6Address && !address.isLoopbackAddress()) {
            byte[] prefix = Arrays.copyOf(address.getAddress(), 16);
            Arrays.fill(prefix, 8, 16, (byte) 0);
            try {
                return InetAddress.getByAddress(prefix);
            } catch (UnknownHostException e) {
                return address; // cannot happen for 16 bytes
            }
        }
        return address;
    }

    /** The connection finished its handshake (either way) or ended; safe to call more than once. */
    synchronized void leave(Ticket t) {
        if (pending.contains(t)) {
            remove(t);
        }
    }

    synchronized int pending() {
        return pending.size();
    }

    private Optional<Ticket> victim() {
        int most = 0;
        for (int n : perAddress.values()) {
            most = Math.max(most, n);
        }
        for (Iterator<Ticket> it = pending.iterator(); it.hasNext(); ) {
            Ticket t = it.next();
            if (perAddress.get(t.address) == most) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private void remove(Ticket t) {
        pending.remove(t);
        perAddress.computeIfPresent(t.address, (a, n) -> n == 1 ? null : n - 1);
    }

    /** The pending connections' addresses, oldest first (tests). */
    synchronized List<InetAddress> addresses() {
        List<InetAddress> out = new ArrayList<>();
        for (Ticket t : pending) {
            out.add(t.address);
        }
        return out;
    }
}
