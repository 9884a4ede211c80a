package io.iocert.cli;

import io.iocert.probes.HostLoad;
import io.iocert.probes.NanoClock;
import io.iocert.probes.NodeIdentityCollector;
import io.iocert.probes.PeerAddress;
import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.Probes;
import io.iocert.probes.UnusableInputException;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ToolVersion;
import io.iocert.spec.Expectation;
import io.iocert.spec.Metric;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Probes every requirement of a spec in order and collects one {@link Result}. A requirement
 * whose probe is missing from this build, or whose probe fails, gets measurements carrying the
 * reason as their error, so the certifier reports ERROR for it and the rest still run.
 * Every measurement carries the machine's load while its probe ran ({@link HostLoad}: steal
 * and busy shares, load average) in its context, and the result the identity of the node and
 * of the storage under the fs-path.
 */
final class ProbeRunner {
    private final Path fsPath;
    private final String runId;
    private final Optional<PeerAddress> peer;
    private final TerminalProgress progress;
    private final OptionalLong maxBytes;

    ProbeRunner(Path fsPath, String runId, Optional<PeerAddress> peer, TerminalProgress progress, OptionalLong maxBytes) {
        this.maxBytes = maxBytes;
        this.fsPath = fsPath;
        this.runId = runId;
        this.peer = peer;
        this.progress = progress;
    }

    Result run(Spec spec) throws UnusableInputException, InterruptedException {
        Instant start = Instant.now();
        List<Measurement> all = new ArrayList<>();
        for (Requirement r : spec.requirements()) {
            all.addAll(probe(r));
        }
        progress.clear();
        return new Result(Result.FORMAT, ToolVersion.get(), NodeIdentityCollector.collect(fsPath), spec.name(), spec.sha256(),
                start, Instant.now(), all);
    }

    private List<Measurement> probe(Requirement r) throws UnusableInputException, InterruptedException {
        Optional<Probe> probe = Probes.forType(r.probe());
        if (probe.isEmpty()) {
            return failed(r, "probe not available: " + r.probe().id() + " is not part of this build yet");
        }
        progress.start(r.id(), r.probe().id());
        ProbeContext ctx = new ProbeContext(fsPath, runId, r.budget(), peer, NanoClock.SYSTEM, progress, maxBytes);
        HostLoad load = HostLoad.system();
        HostLoad.Snapshot before = load.sample();
        List<Measurement> measured;
        try {
            measured = probe.get().run(r, ctx);
        } catch (ProbeException e) {
            measured = failed(r, e.getMessage());
        } finally {
            progress.clear();
        }
        return HostLoad.withContext(measured, HostLoad.context(before, load.sample()));
    }

    /** One failed measurement per metric the requirement asks about. */
    private static List<Measurement> failed(Requirement r, String reason) {
        Set<Metric> metrics = new LinkedHashSet<>();
        for (Expectation e : r.expectations()) {
            metrics.add(e.metric());
        }
        List<Measurement> out = new ArrayList<>();
        for (Metric m : metrics) {
            out.add(Measurement.failed(r.id(), r.probe().id(), m.id(), m.dimension().canonicalUnit(), Map.of(), reason));
        }
        return out;
    }
}
