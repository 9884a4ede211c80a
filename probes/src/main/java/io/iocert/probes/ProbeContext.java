package io.iocert.probes;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a probe may use: the directory it may write under, the time budget, the peer for
 * interconnect probes, a clock, and where to report progress.
 *
 * @param fsPath    the directory the filesystem probes work in (they create their own
 *                  {@code .iocert-<run-id>/} directory below it and touch nothing else)
 * @param runId     identifies this run; names the probe's private directory
 * @param budget    the most time the probe may spend on one requirement
 * @param peer      the interconnect peer, if any
 * @param clock     the time source, injectable for tests
 * @param progress  receives progress updates; {@link ProgressListener#NONE} to ignore them
 * @param maxBytes  the most bytes a probe may place on the filesystem at once (its workspace);
 *                  a workload that needs more is refused. Empty: only free space limits it
 * @param startBarrier where a probe waits, prepared, for the start of a coordinated run
 *                  ({@link StartBarrier#NONE} outside one)
 * @param placement this participant's place when the nodes of a coordinated run share a file or
 *                  a directory; empty otherwise
 * @param partners  the nodes a coordinated interconnect probe measures against, all at once, in
 *                  place of {@code peer}; empty otherwise
 */
public record ProbeContext(
        Path fsPath,
        String runId,
        Duration budget,
        Optional<PeerAddress> peer,
        NanoClock clock,
        ProgressListener progress,
        OptionalLong maxBytes,
        StartBarrier startBarrier,
        Optional<Placement> placement,
        List<Partner> partners) {
    public ProbeContext {
        partners = List.copyOf(partners);
        Objects.requireNonNull(fsPath, "fsPath");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(maxBytes, "maxBytes");
        Objects.requireNonNull(startBarrier, "startBarrier");
        Objects.requireNonNull(placement, "placement");
    }

    /** A context of a coordinated run without partners (or outside one). */
    public ProbeContext(
            Path fsPath,
            String runId,
            Duration budget,
            Optional<PeerAddress> peer,
            NanoClock clock,
            ProgressListener progress,
            OptionalLong maxBytes,
            StartBarrier startBarrier,
            Optional<Placement> placement) {
        this(fsPath, runId, budget, peer, clock, progress, maxBytes, startBarrier, placement, List.of());
    }

    /** A context of a coordinated run where every node has its own files (or outside one). */
    public ProbeContext(
            Path fsPath,
            String runId,
            Duration budget,
            Optional<PeerAddress> peer,
            NanoClock clock,
            ProgressListener progress,
            OptionalLong maxBytes,
            StartBarrier startBarrier) {
        this(fsPath, runId, budget, peer, clock, progress, maxBytes, startBarrier, Optional.empty());
    }

    /** A context outside a coordinated run. */
    public ProbeContext(
            Path fsPath,
            String runId,
            Duration budget,
            Optional<PeerAddress> peer,
            NanoClock clock,
            ProgressListener progress,
            OptionalLong maxBytes) {
        this(fsPath, runId, budget, peer, clock, progress, maxBytes, StartBarrier.NONE);
    }

    /** A context without a byte cap. */
    public ProbeContext(
            Path fsPath,
            String runId,
            Duration budget,
            Optional<PeerAddress> peer,
            NanoClock clock,
            ProgressListener progress) {
        this(fsPath, runId, budget, peer, clock, progress, OptionalLong.empty());
    }
}
