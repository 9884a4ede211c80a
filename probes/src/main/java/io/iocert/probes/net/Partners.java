package io.iocert.probes.net;

import io.iocert.probes.Partner;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.spec.ProbeType;
import java.util.ArrayList;
import java.util.List;

/**
 * The partners of a coordinated interconnect probe ({@link ProbeContext#partners()}): each a
 * peer listener of another participant, reached with the run's token. Before the coordinated
 * start every partner is reached once (connect and the mutual token proof), so a partner that
 * cannot be reached fails this node's requirement before anyone measures, naming it; the
 * measured connections are opened right after the start, within the warm-up.
 */
final class Partners {
    /** Context key of a node's measurement: its partners' names, comma-separated. */
    static final String PARTNERS = "partners";
    /** Context key of a pair's measurement: the partner's name. */
    static final String PARTNER = io.iocert.results.Coordinated.PARTNER;
    /** Context value of {@code scope} for one pair's measurement (this node against one partner). */
    static final String PAIR = io.iocert.results.Coordinated.PAIR;

    private Partners() {}

    /** Whether the probe runs between partners (a coordinated run assigned some), and checks it was given some if coordinated. */
    static boolean paired(ProbeType probe, ProbeContext context) throws ProbeException {
        if (!context.partners().isEmpty()) {
            return true;
        }
        if (context.startBarrier() != io.iocert.probes.StartBarrier.NONE) {
            throw new ProbeException("a coordinated " + probe.id() + " measures against partners, and the coordinator"
                    + " assigned this node none (a run of one participant, or a coordinator of an earlier release)");
        }
        return false;
    }

    /** The partners as peers, each labelled with its name and address. */
    static List<Peer> resolve(ProbeContext context) throws ProbeException {
        List<Peer> out = new ArrayList<>();
        for (Partner p : context.partners()) {
            Peer addr;
            try {
                addr = Peer.resolve(p.address());
            } catch (ProbeException e) {
                throw new ProbeException("partner " + p.name() + ": " + e.getMessage(), e);
            }
            out.add(new Peer(addr.address(), addr.token(), p.name() + " (" + addr.label() + ")", false, true));
        }
        return out;
    }

    /** The name of partner {@code i} ({@link ProbeContext#partners()}). */
    static String name(ProbeContext context, int i) {
        return context.partners().get(i).name();
    }

    /** Connects to every partner and proves the token, then closes: unreachable ones fail here, named. */
    static void check(List<Peer> peers, Watchdog watchdog, ClientTimeouts timeouts) throws ProbeException {
        List<String> failed = new ArrayList<>();
        for (Peer p : peers) {
            try {
                PeerConnection.open(p, watchdog, timeouts).close();
            } catch (PeerException e) {
                failed.add(p.describe() + " cannot be reached: " + e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            throw new ProbeException(String.join("; ", failed));
        }
    }
}
