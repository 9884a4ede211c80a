package io.iocert.probes.net;

import io.iocert.probes.NanoClock;
import io.iocert.probes.Probe;
import io.iocert.probes.ProbeContext;
import io.iocert.probes.ProbeException;
import io.iocert.probes.measure.Crew;
import io.iocert.probes.measure.IntervalTracker;
import io.iocert.results.Coordinated;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Summary;
import io.iocert.spec.Metric;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
import io.iocert.spec.Workload;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code net.stream}: TCP throughput to and/or from the peer over {@code streams} parallel
 * connections, one thread each, in blocking writes or reads of {@code bufferSize}.
 *
 * <p><b>Metric.</b> {@code throughput} in B/s per interval. The first measurement is the
 * aggregate over all streams (what a spec judges); one measurement per stream follows, with
 * {@code scope=stream}, {@code stream} (its number) and {@code streamDirection} in its context.
 * {@code direction: send} moves data to the peer, {@code receive} from it, {@code both} runs
 * {@code streams} connections each way at once (the aggregate then counts both directions).
 *
 * <p><b>How bytes are counted.</b> Receiving: bytes as they arrive, each read spread over the
 * time since the previous one. Sending: bytes as the kernel accepts them; in steady state that
 * is the rate the path drains the socket buffer. At the end the peer reports what it received,
 * and a difference from what was sent is an error. Interval length: {@code interval}, else
 * chosen after the run as the fs probes do (1 s when there are ten of them, else shorter).
 *
 * <p><b>What spoils it.</b> Against the in-process loopback peer ({@code peer=loopback})
 * sender and receiver share this node's CPUs and memory bandwidth: that measures the host,
 * not a network. Too small a {@code bufferSize} measures system-call overhead. TCP start-up
 * (slow start, buffer auto-tuning) is in the warmup, a tenth of the time by default.
 */
public final class NetStreamProbe implements Probe {
    private static final String SEND = "send";
    private static final String RECEIVE = "receive";
    /** How much longer a peer streams to us than we measure, so the last interval is full. */
    private static final long TAIL_NS = 200_000_000L;

    private final ClientTimeouts timeouts;

    public NetStreamProbe() {
        this(ClientTimeouts.DEFAULTS);
    }

    NetStreamProbe(ClientTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    @Override
    public ProbeType type() {
        return ProbeType.NET_STREAM;
    }

    @Override
    public List<Measurement> run(Requirement requirement, ProbeContext context)
            throws ProbeException, InterruptedException {
        ProbeType type = type();
        Workload w = requirement.workload();
        NetWorkload.checkKeys(type, w);
        int streams =
                (int) NetWorkload.count(type, w, "streams", type.defaultNumber("streams"), NetWorkload.MAX_STREAMS);
        String direction = NetWorkload.text(type, w, "direction", type.defaultWord("direction"));
        int bufferSize = NetWorkload.size(type, w, "bufferSize", type.defaultNumber("bufferSize"));
        OptionalLong interval = NetWorkload.duration(type, w, ProbeType.INTERVAL);
        OptionalLong duration = NetWorkload.duration(type, w, "duration");
        OptionalLong warmup = NetWorkload.duration(type, w, "warmup");
        boolean paired = Partners.paired(type, context);
        List<Peer> peers = paired ? Partners.resolve(context) : List.of(NetSupport.peer(type, context));
        long budgetNs = NetSupport.budgetNs(context.budget());
        long available = budgetNs - NetSupport.reserveNs(budgetNs) - TAIL_NS;
        NetWorkload.Timing timing = NetWorkload.plan(type, duration, warmup, available);

        List<Boolean> sends = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            if (!direction.equals(RECEIVE)) {
                sends.add(true);
            }
            if (!direction.equals(SEND)) {
                sends.add(false);
            }
        }
        Map<String, Object> asRun = new LinkedHashMap<>();
        asRun.put("streams", (long) streams);
        asRun.put("direction", direction);
        asRun.put("bufferSize", (long) bufferSize);
        asRun.put("duration", timing.durationNs());
        asRun.put("warmup", timing.warmupNs());

        try (Watchdog watchdog = new Watchdog("iocert-net.stream-watchdog", 50)) {
            if (paired) {
                // Every partner reached before the start; the measured connections open after it, in the warm-up.
                Partners.check(peers, watchdog, timeouts);
                context.startBarrier().await();
            }
            List<Stream> all = new ArrayList<>();
            int total = sends.size() * peers.size();
            try {
                for (int k = 0; k < peers.size(); k++) {
                    Peer peer = peers.get(k);
                    for (boolean send : sends) {
                        PeerConnection c = PeerConnection.open(peer, watchdog, timeouts);
                        all.add(new Stream(all.size(), send, c, peer, k));
                        long peerNs = send ? timing.totalNs() : timing.totalNs() + TAIL_NS;
                        c.request(
                                new Messages.Request(
                                        send ? Messages.Kind.STREAM_TO_SERVER : Messages.Kind.STREAM_FROM_SERVER,
                                        bufferSize,
                                        peerNs),
                                peerNs + 2 * timeouts.idle().toNanos());
                    }
                }
            } catch (PeerException e) {
                all.forEach(s -> s.connection.close());
                throw new ProbeException(
                        "could not set up stream " + all.size() + " of " + total + ": " + e.getMessage(), e);
            }
            return new Execution(requirement, context, peers, paired, timing, interval, bufferSize, all, asRun).run();
        }
    }

    /** One connection and what it moved. */
    private static final class Stream {
        final int index;
        final boolean send;
        final PeerConnection connection;
        final Peer peer;
        /** Which partner (of a coordinated run; 0 otherwise). */
        final int partner;

        IntervalTracker tracker;
        long bytes;
        long lastNs;

        Stream(int index, boolean send, PeerConnection connection, Peer peer, int partner) {
            this.index = index;
            this.send = send;
            this.connection = connection;
            this.peer = peer;
            this.partner = partner;
        }

        String name() {
            return index + " (" + (send ? SEND : RECEIVE) + ")";
        }
    }

    private final class Execution {
        private final Requirement requirement;
        private final ProbeContext context;
        private final List<Peer> peers;
        private final boolean paired;
        private final NetWorkload.Timing timing;
        private final OptionalLong interval;
        private final int bufferSize;
        private final List<Stream> streams;
        private final Map<String, Object> asRun;
        private final NanoClock clock;
        private final AtomicReference<String> firstError = new AtomicReference<>();
        private final AtomicLong failedAtNs = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong moved = new AtomicLong();

        private long originEpochNs;

        Execution(
                Requirement requirement,
                ProbeContext context,
                List<Peer> peers,
                boolean paired,
                NetWorkload.Timing timing,
                OptionalLong interval,
                int bufferSize,
                List<Stream> streams,
                Map<String, Object> asRun) {
            this.requirement = requirement;
            this.context = context;
            this.peers = peers;
            this.paired = paired;
            this.timing = timing;
            this.interval = interval;
            this.bufferSize = bufferSize;
            this.streams = streams;
            this.asRun = asRun;
            this.clock = context.clock();
        }

        List<Measurement> run() throws InterruptedException, ProbeException {
            long[] origin = new long[1];
            List<Crew.Member<Void>> members = new ArrayList<>();
            SplittableRandom seeds = new SplittableRandom();
            for (Stream s : streams) {
                ByteBuffer buf = s.send
                        ? NetSupport.randomBuffer(bufferSize, seeds.split())
                        : ByteBuffer.allocateDirect(bufferSize);
                members.add(() -> {
                    work(s, buf, origin[0]);
                    return null;
                });
            }
            // The workers watch firstError, not the crew's flag: a failed stream stops the others.
            Crew<Void> crew = Crew.start("net.stream", members, new AtomicBoolean());
            try {
                crew.awaitPrepared();
                long beginNs = clock.nanoTime();
                origin[0] = beginNs + timing.warmupNs();
                originEpochNs =
                        io.iocert.probes.EpochClock.ofNanoTime(System.nanoTime() + (origin[0] - clock.nanoTime()));
                for (Stream s : streams) {
                    s.tracker = new IntervalTracker(origin[0], interval);
                    s.lastNs = beginNs;
                }
                crew.release();
                crew.awaitAll(NetSupport.PROGRESS_PERIOD_NS, () -> {
                    long now = clock.nanoTime();
                    double fraction = Math.min(1, (double) (now - beginNs) / Math.max(1, timing.totalNs()));
                    double rate = moved.get() * 1e9 / Math.max(1, now - beginNs);
                    context.progress()
                            .update(
                                    requirement.id(),
                                    fraction,
                                    Quantity.bytesPerSecond(rate).format() + " over " + streams.size() + " streams");
                });
            } finally {
                // Closing the connections first ends any worker still blocked on its socket.
                streams.forEach(s -> s.connection.close());
                crew.close();
            }
            return measurements(origin[0]);
        }

        /** Moves data on one stream until the measured time is over; a failure stops every stream. */
        private void work(Stream s, ByteBuffer buf, long originNs) {
            long endNs = originNs + timing.durationNs();
            PeerConnection c = s.connection;
            try {
                if (s.send) {
                    while (endNs - s.lastNs > 0 && firstError.get() == null) {
                        buf.clear();
                        int k = c.channel().write(buf);
                        record(s, k);
                    }
                    c.channel().shutdownOutput();
                    long received = c.done().bytes();
                    if (received != s.bytes) {
                        fail(
                                s,
                                s.peer.describe() + " received " + received + " bytes on stream " + s.name() + ", "
                                        + s.bytes + " were sent");
                    }
                } else {
                    Frame.writeFully(c.channel(), ByteBuffer.wrap(new byte[] {1}));
                    while (firstError.get() == null) {
                        buf.clear();
                        int k = c.channel().read(buf);
                        if (k < 0) {
                            break;
                        }
                        record(s, k);
                    }
                    if (firstError.get() == null && endNs - s.lastNs > 0) {
                        fail(
                                s,
                                s.peer.describe() + " ended stream " + s.name() + " early, "
                                        + Quantity.nanos(endNs - s.lastNs).format()
                                        + " before the measured time was over");
                    }
                }
            } catch (IOException e) {
                fail(s, c.failure("stream " + s.name() + " failed", e).getMessage());
            } catch (PeerException e) {
                fail(s, e.getMessage());
            }
        }

        private void record(Stream s, int k) {
            long now = clock.nanoTime();
            s.tracker.add(s.lastNs, now, k);
            s.lastNs = now;
            s.bytes += k;
            moved.addAndGet(k);
            s.connection.guard().progress();
        }

        private void fail(Stream s, String why) {
            if (firstError.compareAndSet(null, why)) {
                failedAtNs.set(clock.nanoTime());
                // Unblock the other streams: their reads and writes end with an exception.
                for (Stream other : streams) {
                    if (other != s) {
                        other.connection.close();
                    }
                }
            }
        }

        private List<Measurement> measurements(long originNs) {
            String error = firstError.get();
            long spanNs = timing.durationNs();
            String stoppedBy = timing.cutByBudget() ? "budget" : "duration";
            if (error != null) {
                spanNs = Math.max(0, Math.min(spanNs, failedAtNs.get() - originNs));
                stoppedBy = "error";
            }
            IntervalTracker aggregate = new IntervalTracker(originNs, interval);
            for (Stream s : streams) {
                aggregate.merge(s.tracker);
            }
            IntervalTracker.Series total = aggregate.series(spanNs);
            asRun.put(ProbeType.INTERVAL, total.intervalNs());
            List<Measurement> out = new ArrayList<>();
            Map<String, String> ctx = paired ? new LinkedHashMap<>() : NetSupport.context(peers.get(0));
            if (paired) {
                ctx.put(
                        Partners.PARTNERS,
                        String.join(
                                ",",
                                context.partners().stream()
                                        .map(io.iocert.probes.Partner::name)
                                        .toList()));
                ctx.put(NetSupport.PROTOCOL, Integer.toString(Messages.VERSION));
            }
            ctx.put(NetSupport.STOPPED_BY, stoppedBy);
            ctx.put(ProbeType.SCOPE, Coordinated.AGGREGATE);
            long sent =
                    streams.stream().filter(s -> s.send).mapToLong(s -> s.bytes).sum();
            long received = streams.stream()
                    .filter(s -> !s.send)
                    .mapToLong(s -> s.bytes)
                    .sum();
            ctx.put("bytesSent", Long.toString(sent));
            ctx.put("bytesReceived", Long.toString(received));
            if (paired) {
                ctx.put(Coordinated.ORIGIN, Long.toString(originEpochNs));
            }
            out.add(measurement(total.throughput(), ctx, error));
            if (paired) {
                // One measurement per partner: its streams added, on the same intervals as the node's.
                for (int k = 0; k < peers.size(); k++) {
                    IntervalTracker pair = new IntervalTracker(originNs, interval);
                    long pairSent = 0;
                    long pairReceived = 0;
                    for (Stream s : streams) {
                        if (s.partner == k) {
                            pair.merge(s.tracker);
                            pairSent += s.send ? s.bytes : 0;
                            pairReceived += s.send ? 0 : s.bytes;
                        }
                    }
                    Map<String, String> c = NetSupport.context(peers.get(k));
                    c.put(NetSupport.STOPPED_BY, stoppedBy);
                    c.put(ProbeType.SCOPE, Partners.PAIR);
                    c.put(Partners.PARTNER, Partners.name(context, k));
                    c.put("bytesSent", Long.toString(pairSent));
                    c.put("bytesReceived", Long.toString(pairReceived));
                    c.put(Coordinated.ORIGIN, Long.toString(originEpochNs));
                    out.add(measurement(
                            new IntervalSeries(
                                    total.intervalNs(),
                                    pair.series(spanNs).throughput().values()),
                            c,
                            error));
                }
                return out;
            }
            for (Stream s : streams) {
                IntervalTracker.Series one = s.tracker.series(spanNs);
                Map<String, String> c = NetSupport.context(peers.get(0));
                c.put(NetSupport.STOPPED_BY, stoppedBy);
                c.put(ProbeType.SCOPE, Coordinated.STREAM);
                c.put(ProbeType.STREAM, Integer.toString(s.index));
                c.put("streamDirection", s.send ? SEND : RECEIVE);
                out.add(measurement(
                        new IntervalSeries(total.intervalNs(), one.throughput().values()), c, error));
            }
            return out;
        }

        private Measurement measurement(IntervalSeries series, Map<String, String> ctx, String error) {
            return new Measurement(
                    requirement.id(),
                    type().id(),
                    Metric.THROUGHPUT.id(),
                    Metric.THROUGHPUT.dimension().canonicalUnit(),
                    asRun,
                    series.values().size(),
                    Summary.of(series.values()),
                    null,
                    series,
                    ctx,
                    error);
        }
    }
}
