package io.iocert.probes.net;

import io.iocert.probes.NanoClock;
import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.measure.Histograms;
import io.iocert.probes.measure.Pacing;
import io.iocert.results.BlockRecorder;
import io.iocert.results.BlockSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Summary;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * {@code net.pingpong}: the round-trip time of a message to the peer and back, over one TCP
 * connection with TCP_NODELAY, one message outstanding. The peer returns a message once all of
 * it has arrived (as sockperf's ping-pong does), so the RTT of a large message includes
 * moving it both ways in full. Every echo is compared with what was sent.
 *
 * <p><b>Metric.</b> {@code rtt} in ns, per message, a full round trip; nothing here is a
 * one-way figure (sockperf prints half the RTT; halve ours to compare). With {@code sizes},
 * one measurement per size, in the order given, each with {@code messageSize} in its context;
 * the budget is shared evenly among them.
 *
 * <p><b>Loop.</b> Closed by default: the next message leaves when the previous returns. With
 * {@code rate}, open: message i is planned at {@code start + i/rate} and its RTT runs from
 * that planned time, so a stall counts against every message it delayed (coordinated omission
 * corrected) rather than as one slow message. When the RTT exceeds the planned gap, messages
 * leave late and their RTT shows it; {@code achievedRate} in the context (messages per second
 * that made the round trip) then falls short of {@code targetRate}. The run still ends on
 * time: messages planned within the measured time but not yet sent when it is over are
 * counted ({@code unsentPlanned}) and recorded at the time they had waited so far, a lower
 * bound on their RTT, so falling behind cannot make the tail look better.
 *
 * <p><b>What spoils it.</b> The probe's own CPU: a descheduled client (steal time, other
 * load) adds its delay to the RTT; JIT compilation in the first moments (hence the default
 * warmup of a tenth of the time, at most 1 s). Against the in-process loopback peer
 * ({@code peer=loopback}) client and server share the CPUs and no network is crossed.
 */
public final class NetPingPongProbe implements Probe {
    private final ClientTimeouts timeouts;

    public NetPingPongProbe() {
        this(ClientTimeouts.DEFAULTS);
    }

    NetPingPongProbe(ClientTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    @Override
    public ProbeType type() {
        return ProbeType.NET_PINGPONG;
    }

    @Override
    public List<Measurement> run(Requirement requirement, ProbeContext context)
            throws ProbeException, InterruptedException {
        ProbeType type = type();
        NetWorkload.checkKeys(type, requirement.workload());
        List<Integer> sizes = NetWorkload.messageSizes(type, requirement.workload());
        OptionalDouble rate = NetWorkload.rate(type, requirement.workload());
        OptionalLong duration = NetWorkload.duration(type, requirement.workload(), "duration");
        OptionalLong warmup = NetWorkload.duration(type, requirement.workload(), "warmup");
        if (Partners.paired(type, context)) {
            return paired(requirement, context, sizes, rate, duration, warmup);
        }
        Peer peer = NetSupport.peer(type, context);
        NanoClock clock = context.clock();
        long budgetNs = NetSupport.budgetNs(context.budget());
        long deadlineNs = clock.nanoTime() + budgetNs - NetSupport.reserveNs(budgetNs);
        List<Measurement> out = new ArrayList<>();
        try (Watchdog watchdog = new Watchdog("iocert-net.pingpong-watchdog", 50)) {
            String earlier = null;
            for (int i = 0; i < sizes.size(); i++) {
                int size = sizes.get(i);
                Map<String, Object> asRun = new LinkedHashMap<>();
                asRun.put(ProbeType.MESSAGE_SIZE, (long) size);
                rate.ifPresent(r -> asRun.put("rate", r));
                if (earlier != null) {
                    out.add(failed(requirement, asRun, "not measured: " + earlier));
                    continue;
                }
                long available = (deadlineNs - clock.nanoTime()) / (sizes.size() - i);
                NetWorkload.Timing timing = NetWorkload.plan(type, duration, warmup, available);
                asRun.put("duration", timing.durationNs());
                asRun.put("warmup", timing.warmupNs());
                Measurement m =
                        new Run(requirement, context, peer, watchdog, size, rate, timing, asRun, i == 0).measure();
                if (m.error() != null) {
                    earlier = "messageSize " + Quantity.bytes(size).format() + " failed before it: " + m.error();
                }
                out.add(m);
            }
        }
        return out;
    }

    /**
     * A coordinated run between partners: every partner reached once, then the coordinated start,
     * then one connection and one loop per partner, all at once, from one origin. The first
     * measurement is this node's (the partners' histograms added, scope {@code node}), then one
     * per partner ({@code scope=pair}, {@code partner}).
     */
    private List<Measurement> paired(
            Requirement requirement,
            ProbeContext context,
            List<Integer> sizes,
            OptionalDouble rate,
            OptionalLong duration,
            OptionalLong warmup)
            throws ProbeException, InterruptedException {
        if (sizes.size() != 1) {
            throw new ProbeException("a coordinated net.pingpong runs one message size (every pair from one start), and"
                    + " the workload has " + sizes.size() + "; give messageSize, one requirement per size");
        }
        int size = sizes.get(0);
        List<Peer> peers = Partners.resolve(context);
        long budgetNs = NetSupport.budgetNs(context.budget());
        NetWorkload.Timing timing =
                NetWorkload.plan(type(), duration, warmup, budgetNs - NetSupport.reserveNs(budgetNs));
        Map<String, Object> asRun = new LinkedHashMap<>();
        asRun.put(ProbeType.MESSAGE_SIZE, (long) size);
        rate.ifPresent(r -> asRun.put("rate", r));
        asRun.put("duration", timing.durationNs());
        asRun.put("warmup", timing.warmupNs());
        try (Watchdog watchdog = new Watchdog("iocert-net.pingpong-watchdog", 50)) {
            Partners.check(peers, watchdog, timeouts);
            context.startBarrier().await();
            long beginNs = context.clock().nanoTime();
            long originEpochNs = io.iocert.probes.EpochClock.ofNanoTime(System.nanoTime()
                    + (beginNs + timing.warmupNs() - context.clock().nanoTime()));
            List<Run> runs = new ArrayList<>();
            for (Peer peer : peers) {
                Run run = new Run(requirement, context, peer, watchdog, size, rate, timing, asRun, false);
                run.beginAtNs = beginNs;
                runs.add(run);
            }
            List<Measurement> pairs = NetSupport.inParallel("iocert-net.pingpong-", runs, Run::measure);
            Histogram all = Histograms.latency();
            BlockRecorder blocks = new BlockRecorder(beginNs + timing.warmupNs());
            List<String> errors = new ArrayList<>();
            List<Measurement> out = new ArrayList<>();
            for (int i = 0; i < pairs.size(); i++) {
                Measurement m = pairs.get(i);
                if (m.histogram() != null) {
                    all.add(m.histogram());
                }
                if (runs.get(i).blocks != null) {
                    blocks.merge(runs.get(i).blocks);
                }
                if (m.error() != null) {
                    errors.add(m.error()); // it names the partner
                }
                Map<String, String> ctx = new LinkedHashMap<>(m.context());
                ctx.put(ProbeType.SCOPE, Partners.PAIR);
                ctx.put(Partners.PARTNER, Partners.name(context, i));
                ctx.put(io.iocert.results.Coordinated.ORIGIN, Long.toString(originEpochNs));
                out.add(m.withContext(ctx));
            }
            Map<String, String> ctx = new LinkedHashMap<>();
            ctx.put(
                    Partners.PARTNERS,
                    String.join(
                            ",",
                            context.partners().stream()
                                    .map(io.iocert.probes.Partner::name)
                                    .toList()));
            ctx.put(NetSupport.PROTOCOL, Integer.toString(Messages.VERSION));
            ctx.put(ProbeType.MESSAGE_SIZE, Long.toString(size));
            ctx.put("loop", rate.isPresent() ? "open" : "closed");
            ctx.put(NetSupport.STOPPED_BY, !errors.isEmpty() ? "error" : timing.cutByBudget() ? "budget" : "duration");
            ctx.put(io.iocert.results.Coordinated.ORIGIN, Long.toString(originEpochNs));
            String error = errors.isEmpty() ? null : String.join("; ", errors);
            out.add(
                    0,
                    new Measurement(
                            requirement.id(),
                            type().id(),
                            Metric.RTT.id(),
                            Metric.RTT.dimension().canonicalUnit(),
                            asRun,
                            all.getTotalCount(),
                            all.getTotalCount() == 0 ? null : Summary.of(all),
                            all,
                            null,
                            blocks.series(),
                            ctx,
                            error));
            return out;
        }
    }

    private static Measurement failed(Requirement r, Map<String, Object> asRun, String error) {
        return Measurement.failed(
                r.id(),
                ProbeType.NET_PINGPONG.id(),
                Metric.RTT.id(),
                Metric.RTT.dimension().canonicalUnit(),
                asRun,
                error);
    }

    /** Steps in which never-sent planned messages are recorded (see {@code recordUnsent}). */
    private static final int UNSENT_STEPS = 1000;

    /** One message size. */
    private final class Run {
        private final Requirement requirement;
        private final ProbeContext context;
        private final Peer peer;
        private final Watchdog watchdog;
        private final int size;
        private final OptionalDouble rate;
        private final NetWorkload.Timing timing;
        private final Map<String, Object> asRun;
        private final boolean first;
        private long unsent;
        private BlockRecorder blocks;
        /** When set (a coordinated run), the loop starts its plan here rather than when it is called. */
        private long beginAtNs = Long.MIN_VALUE;

        Run(
                Requirement requirement,
                ProbeContext context,
                Peer peer,
                Watchdog watchdog,
                int size,
                OptionalDouble rate,
                NetWorkload.Timing timing,
                Map<String, Object> asRun,
                boolean first) {
            this.requirement = requirement;
            this.context = context;
            this.peer = peer;
            this.watchdog = watchdog;
            this.size = size;
            this.rate = rate;
            this.timing = timing;
            this.asRun = asRun;
            this.first = first;
        }

        Measurement measure() throws ProbeException, InterruptedException {
            Map<String, String> ctx = NetSupport.context(peer);
            ctx.put(ProbeType.MESSAGE_SIZE, Long.toString(size));
            ctx.put("loop", rate.isPresent() ? "open" : "closed");
            rate.ifPresent(r -> ctx.put("targetRate", Double.toString(r)));
            PeerConnection c;
            try {
                c = PeerConnection.open(peer, watchdog, timeouts);
                c.request(
                        new Messages.Request(Messages.Kind.PINGPONG, size, timing.totalNs()),
                        timing.totalNs() + timeouts.idle().toNanos());
            } catch (PeerException e) {
                if (first) {
                    throw new ProbeException(e.getMessage(), e);
                }
                ctx.put(NetSupport.STOPPED_BY, "error");
                return new Measurement(
                        requirement.id(),
                        type().id(),
                        Metric.RTT.id(),
                        unit(),
                        asRun,
                        0,
                        null,
                        null,
                        null,
                        ctx,
                        e.getMessage());
            }
            Histogram rtt = Histograms.latency();
            String error = null;
            String stoppedBy = timing.cutByBudget() ? "budget" : "duration";
            try (c) {
                error = loop(c, rtt);
            }
            BlockSeries series = blocks == null ? null : blocks.series();
            if (error != null) {
                stoppedBy = "error";
            }
            ctx.put(NetSupport.STOPPED_BY, stoppedBy);
            // The rate achieved shows when an open loop fell behind its plan (each message then
            // waited for the one before, and its RTT includes that wait).
            ctx.put(
                    "achievedRate",
                    String.format(
                            java.util.Locale.ROOT, "%.1f", (rtt.getTotalCount() - unsent) * 1e9 / timing.durationNs()));
            if (unsent > 0) {
                ctx.put("unsentPlanned", Long.toString(unsent));
            }
            if (error == null && rtt.getTotalCount() == 0) {
                error = "no message returned within the measured time of "
                        + Quantity.nanos(timing.durationNs()).format();
            }
            return new Measurement(
                    requirement.id(),
                    type().id(),
                    Metric.RTT.id(),
                    unit(),
                    asRun,
                    rtt.getTotalCount(),
                    Summary.of(rtt),
                    rtt,
                    null,
                    series,
                    ctx,
                    error);
        }

        /** Sends and receives until the measured time is over; returns the error that stopped it early, or null. */
        private String loop(PeerConnection c, Histogram rtt) throws InterruptedException {
            NanoClock clock = context.clock();
            SplittableRandom random = new SplittableRandom();
            ByteBuffer out = NetSupport.randomBuffer(size, random);
            ByteBuffer in = ByteBuffer.allocateDirect(size);
            long gapNs = rate.isPresent() ? Math.max(1, Math.round(1e9 / rate.getAsDouble())) : 0;
            long beginNs = beginAtNs != Long.MIN_VALUE ? beginAtNs : clock.nanoTime();
            long originNs = beginNs + timing.warmupNs();
            long endNs = originNs + timing.durationNs();
            blocks = new BlockRecorder(originNs);
            long nextProgressNs = beginNs + NetSupport.PROGRESS_PERIOD_NS;
            long plannedNs = beginNs;
            long sequence = 0;
            Histogram warmup = Histograms.latency();
            try {
                while (true) {
                    if (gapNs > 0) {
                        if (plannedNs - endNs >= 0) {
                            return null;
                        }
                        long nowNs = clock.nanoTime();
                        if (nowNs - endNs >= 0) {
                            // Behind the plan when the time is up: the messages planned but never
                            // sent would have waited at least until now.
                            unsent = recordUnsent(
                                    rtt, blocks, plannedNs, gapNs, Math.max(plannedNs, originNs), endNs, nowNs);
                            return null;
                        }
                        Pacing.parkUntil(clock, plannedNs);
                    } else {
                        plannedNs = clock.nanoTime();
                        if (plannedNs - endNs >= 0) {
                            return null;
                        }
                    }
                    long doneNs = roundTrip(c, out, in, sequence);
                    // Warm-up round trips go to a histogram that is thrown away: the same code
                    // runs before and after the origin, so the JIT compiles it during warm-up.
                    (plannedNs - originNs >= 0 ? rtt : warmup).recordValue(Math.max(0, doneNs - plannedNs));
                    if (plannedNs - originNs >= 0) {
                        blocks.record(doneNs - plannedNs, doneNs);
                    }
                    if (in.mismatch(out) != -1) {
                        return peer.describe() + " returned message " + sequence + " altered (first difference at byte "
                                + in.mismatch(out) + ")";
                    }
                    sequence++;
                    plannedNs += gapNs;
                    if (doneNs - nextProgressNs >= 0) {
                        nextProgressNs = doneNs + NetSupport.PROGRESS_PERIOD_NS;
                        report(doneNs, beginNs, rtt);
                    }
                }
            } catch (IOException e) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted during net.pingpong");
                }
                return "stopped after " + rtt.getTotalCount() + " measured round trips: "
                        + c.failure(peer.describe() + " failed", e).getMessage();
            }
        }

        /**
         * Records the planned messages from {@code firstNs} (every {@code gapNs}, before
         * {@code endNs}) that were never sent, each at the time it had waited by {@code nowNs}: a
         * lower bound on its RTT. In at most {@code UNSENT_STEPS} steps, each recorded at its
         * smallest wait, so the work stays bounded however far behind the loop fell.
         *
         * @return how many messages were recorded so
         */
        private static long recordUnsent(
                Histogram rtt, BlockRecorder blocks, long plannedNs, long gapNs, long firstNs, long endNs, long nowNs) {
            long skip = plannedNs - firstNs >= 0 ? 0 : (firstNs - plannedNs + gapNs - 1) / gapNs;
            long first = plannedNs + skip * gapNs;
            if (endNs - first <= 0) {
                return 0;
            }
            long count = (endNs - first + gapNs - 1) / gapNs;
            long perStep = Math.max(1, (count + UNSENT_STEPS - 1) / UNSENT_STEPS);
            for (long i = 0; i < count; i += perStep) {
                long n = Math.min(perStep, count - i);
                long lastPlannedNs = first + (i + n - 1) * gapNs;
                rtt.recordValueWithCount(Math.max(0, nowNs - lastPlannedNs), n);
                blocks.recordWithCount(nowNs - lastPlannedNs, n, nowNs);
            }
            return count;
        }

        /**
         * Sends message {@code sequence} and reads its echo; returns when the echo is in. A
         * method of its own, called once per message, so the JIT compiles it within the
         * warm-up (the loop around it runs in one call, and would wait for on-stack replacement).
         *
         * @return the clock when the echo was complete; {@code in} and {@code out} are then
         *         positioned for comparison
         */
        private long roundTrip(PeerConnection c, ByteBuffer out, ByteBuffer in, long sequence) throws IOException {
            if (size >= 8) {
                out.putLong(0, sequence);
            }
            out.clear();
            Frame.writeFully(c.channel(), out);
            in.clear();
            Frame.readFully(c.channel(), in, false);
            long doneNs = context.clock().nanoTime();
            c.guard().progress();
            in.flip();
            out.clear();
            return doneNs;
        }

        private void report(long nowNs, long beginNs, Histogram rtt) {
            double fraction = Math.min(1, (double) (nowNs - beginNs) / Math.max(1, timing.totalNs()));
            String status = Quantity.bytes(size).format() + " messages"
                    + (rtt.getTotalCount() > 0
                            ? ", p50 rtt "
                                    + Quantity.nanos(rtt.getValueAtPercentile(50))
                                            .format()
                            : ", warming up");
            context.progress().update(requirement.id(), fraction, status);
        }

        private String unit() {
            return Metric.RTT.dimension().canonicalUnit();
        }
    }
}
