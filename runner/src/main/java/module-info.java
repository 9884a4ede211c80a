/**
 * Orchestration of one run: the adaptive loop that probes a spec's requirements in rounds and
 * judges after each ({@code ProbeRunner}), on an injected clock, from one layered configuration
 * ({@code RunConfig}); the coordinator's side of coordinated runs ({@code CoordinatedRun}) and the
 * participant's ({@code Participation}, reading the {@code Assignment} the coordinator writes); the
 * in-process loopback peer ({@code LoopbackPeer}). Below the command line, which only parses and
 * renders.
 */
module io.iocert.runner {
    // Its API takes and gives specs, results, probe addresses and verdicts.
    requires transitive io.iocert.probes;
    requires transitive io.iocert.certifier;
    // The assignment document a coordinator sends each participant, and reads.
    requires com.fasterxml.jackson.databind;

    exports io.iocert.runner to
            io.iocert.cli;
}
