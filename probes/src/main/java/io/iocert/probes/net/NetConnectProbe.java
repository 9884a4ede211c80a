package io.iocert.probes.net;

import io.iocert.probes.NanoClock;
import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.measure.Histograms;
import io.iocert.results.BlockRecorder;
import io.iocert.results.Measurement;
import io.iocert.results.Summary;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Workload;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.HdrHistogram.Histogram;

/**
 * {@code net.connect}: the latency of opening a connection to the peer, from the start of
 * the TCP connect to the end of the iocert handshake (hello, challenge, signed answer,
 * ready), one connection at a time, {@code count} of them (100 by default), each closed
 * right after. That is two round trips for TCP and the handshake's two, plus the server's
 * accept and its HMAC check: the cost a job pays to wire up a connection, not a raw TCP SYN
 * time.
 *
 * <p>The run ends after {@code count} connections, after {@code duration}, or when the budget
 * is spent. What spoils it: a peer near its session limit refuses (an error, not a slow
 * connect); ephemeral-port exhaustion on this node after very many connections (TIME_WAIT).
 */
public final class NetConnectProbe implements Probe {
    private final ClientTimeouts timeouts;

    public NetConnectProbe() {
        this(ClientTimeouts.DEFAULTS);
    }

    NetConnectProbe(ClientTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    @Override
    public ProbeType type() {
        return ProbeType.NET_CONNECT;
    }

    @Override
    public List<Measurement> run(Requirement requirement, ProbeContext context)
            throws ProbeException, InterruptedException {
        ProbeType type = type();
        Workload w = requirement.workload();
        NetWorkload.checkKeys(type, w);
        long count = NetWorkload.count(type, w, "count", type.defaultNumber("count"), NetWorkload.MAX_CONNECTS);
        OptionalLong duration = NetWorkload.duration(type, w, "duration");
        Peer peer = NetSupport.peer(type, context);
        NanoClock clock = context.clock();
        long budgetNs = NetSupport.budgetNs(context.budget());
        long startNs = clock.nanoTime();
        long budgetEndNs = startNs + budgetNs - NetSupport.reserveNs(budgetNs);
        long durationEndNs = duration.isPresent() ? startNs + duration.getAsLong() : Long.MAX_VALUE;
        boolean durationFirst = duration.isPresent() && durationEndNs - budgetEndNs < 0;
        long endNs = durationFirst ? durationEndNs : budgetEndNs;

        Histogram latency = Histograms.latency();
        BlockRecorder blocks = new BlockRecorder(startNs);
        String error = null;
        String stoppedBy = "count";
        long nextProgressNs = startNs + NetSupport.PROGRESS_PERIOD_NS;
        try (Watchdog watchdog = new Watchdog("iocert-net.connect-watchdog", 50)) {
            for (long i = 0; i < count; i++) {
                long t0 = clock.nanoTime();
                if (t0 - endNs >= 0) {
                    stoppedBy = durationFirst ? "duration" : "budget";
                    break;
                }
                try {
                    PeerConnection.open(peer, watchdog, timeouts).close();
                } catch (PeerException e) {
                    if (i == 0) {
                        throw new ProbeException(e.getMessage(), e);
                    }
                    error = "stopped after " + i + " connections: " + e.getMessage();
                    stoppedBy = "error";
                    break;
                }
                long t1 = clock.nanoTime();
                latency.recordValue(Math.max(0, t1 - t0));
                blocks.record(t1 - t0, t1);
                if (t1 - nextProgressNs >= 0) {
                    nextProgressNs = t1 + NetSupport.PROGRESS_PERIOD_NS;
                    context.progress()
                            .update(
                                    requirement.id(),
                                    (double) (i + 1) / count,
                                    (i + 1) + " of " + count + " connections, p50 "
                                            + Quantity.nanos(latency.getValueAtPercentile(50))
                                                    .format());
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted during net.connect");
                }
            }
        }
        Map<String, Object> asRun = new LinkedHashMap<>();
        asRun.put("count", count);
        duration.ifPresent(d -> asRun.put("duration", d));
        Map<String, String> ctx = NetSupport.context(peer);
        ctx.put(NetSupport.STOPPED_BY, stoppedBy);
        ctx.put("authenticated", Boolean.toString(peer.token().isPresent()));
        return List.of(new Measurement(
                requirement.id(),
                type.id(),
                Metric.LATENCY.id(),
                Metric.LATENCY.dimension().canonicalUnit(),
                asRun,
                latency.getTotalCount(),
                Summary.of(latency),
                latency,
                null,
                blocks.series(),
                ctx,
                error));
    }
}
