package io.iocert.runner;

import io.iocert.probes.ProbeException;
import io.iocert.probes.net.Coordinator;
import java.time.Duration;
import java.util.Optional;

/**
 * One participant of a coordinated run as the conductor drives it: what {@link
 * Coordinator.Participant} does over its session, behind an interface so that the driving and
 * merging can be tested with participants that answer from memory. Its calls fail once it has
 * failed.
 */
interface Member {
    String name();

    /** The participant's clock minus the coordinator's, measured at join. */
    long clockOffsetNs();

    /** The bound on the error of {@link #clockOffsetNs()}. */
    long clockUncertaintyNs();

    /** Where it serves its partners in net probes, {@code host:port}; empty when it runs no listener. */
    Optional<String> peerAddress();

    /** Why it failed, or empty while it has not. */
    Optional<String> failure();

    void assign(byte[] assignment) throws ProbeException;

    /** Empty once it is prepared; its result document when it finished without reaching the start. */
    Optional<byte[]> awaitArmed(Duration limit) throws ProbeException;

    /** Tells it to start at {@code startEpochNs} on the coordinator's clock. */
    void go(long startEpochNs) throws ProbeException;

    byte[] awaitResult(Duration limit) throws ProbeException;

    /** Ends the conversation with {@code outcome}. */
    void finish(String outcome);

    /** A participant that joined the coordinator, as a member. */
    static Member of(Coordinator.Participant p) {
        return new Member() {
            @Override
            public String name() {
                return p.name();
            }

            @Override
            public long clockOffsetNs() {
                return p.clockOffsetNs();
            }

            @Override
            public long clockUncertaintyNs() {
                return p.clockUncertaintyNs();
            }

            @Override
            public Optional<String> peerAddress() {
                return p.peerAddress();
            }

            @Override
            public Optional<String> failure() {
                return p.failure();
            }

            @Override
            public void assign(byte[] assignment) throws ProbeException {
                p.assign(assignment);
            }

            @Override
            public Optional<byte[]> awaitArmed(Duration limit) throws ProbeException {
                return p.awaitArmed(limit);
            }

            @Override
            public void go(long startEpochNs) throws ProbeException {
                p.go(startEpochNs);
            }

            @Override
            public byte[] awaitResult(Duration limit) throws ProbeException {
                return p.awaitResult(limit);
            }

            @Override
            public void finish(String outcome) {
                p.finish(outcome);
            }
        };
    }
}
