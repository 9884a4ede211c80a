package io.iocert.probes.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Closeable;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakeGateTest {
    private static InetAddress addr(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {10, 0, 0, (byte) last});
    }

    /** A connection that knows whether the gate asked for it to be closed. */
    private static final class Conn implements Closeable {
        final String name;

        Conn(String name) {
            this.name = name;
        }

        @Override
        public void close() {}

        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void shouldAdmitUpToTheLimitWithoutEvicting() throws Exception {
        HandshakeGate gate = new HandshakeGate(3);
        List<Closeable> evicted = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            gate.admit(new Conn("c" + i), addr(1), evicted);
        }
        assertEquals(List.of(), evicted);
        assertEquals(3, gate.pending());
    }

    @Test
    void shouldEvictTheOldestOfTheAddressWithTheMostWhenFull() throws Exception {
        HandshakeGate gate = new HandshakeGate(4);
        List<Closeable> evicted = new ArrayList<>();
        Conn legit = new Conn("legit");
        HandshakeGate.Ticket legitTicket = gate.admit(legit, addr(2), evicted);
        Conn flood0 = new Conn("flood0");
        HandshakeGate.Ticket first = gate.admit(flood0, addr(9), evicted);
        gate.admit(new Conn("flood1"), addr(9), evicted);
        gate.admit(new Conn("flood2"), addr(9), evicted);
        // Full: every further flood connection evicts the flood's own oldest, never the legit one.
        for (int i = 3; i < 100; i++) {
            gate.admit(new Conn("flood" + i), addr(9), evicted);
        }
        assertEquals(97, evicted.size());
        assertEquals(flood0, evicted.get(0));
        assertTrue(first.evicted());
        assertFalse(legitTicket.evicted(), "a client from another address is never evicted by a one-address flood");
        assertEquals(List.of(addr(2), addr(9), addr(9), addr(9)), gate.addresses());
    }

    @Test
    void shouldEvictTheOldestOverallOnATie() throws Exception {
        HandshakeGate gate = new HandshakeGate(2);
        List<Closeable> evicted = new ArrayList<>();
        Conn a = new Conn("a");
        gate.admit(a, addr(1), evicted);
        gate.admit(new Conn("b"), addr(2), evicted);
        gate.admit(new Conn("c"), addr(3), evicted);
        assertEquals(List.<Closeable>of(a), evicted);
    }

    @Test
    void shouldFreeTheSeatOfAConnectionThatLeavesOnce() throws Exception {
        HandshakeGate gate = new HandshakeGate(2);
        List<Closeable> evicted = new ArrayList<>();
        HandshakeGate.Ticket t = gate.admit(new Conn("a"), addr(1), evicted);
        gate.admit(new Conn("b"), addr(1), evicted);
        gate.leave(t);
        gate.leave(t);
        assertEquals(1, gate.pending());
        gate.admit(new Conn("c"), addr(1), evicted);
        assertEquals(List.of(), evicted, "the seat left was free");
        assertEquals(2, gate.pending());
    }

    @Test
    void shouldCountAnIpv6SlashSixtyFourAsOneSource() throws Exception {
        HandshakeGate gate = new HandshakeGate(3);
        List<Closeable> evicted = new ArrayList<>();
        Conn legit = new Conn("legit");
        gate.admit(legit, InetAddress.getByName("2001:db8:1::1"), evicted);
        // One host, a new address of its /64 for every connection.
        for (int i = 1; i < 50; i++) {
            gate.admit(new Conn("flood" + i), InetAddress.getByName("2001:db8:2::" + Integer.toHexString(i)), evicted);
        }
        assertEquals(47, evicted.size());
        assertFalse(evicted.contains(legit), "the flood's addresses all count as its one /64");
        assertEquals(
                InetAddress.getByName("2001:db8:2::"), HandshakeGate.source(InetAddress.getByName("2001:db8:2::abcd")));
        assertEquals(addr(7), HandshakeGate.source(addr(7)));
    }
}
