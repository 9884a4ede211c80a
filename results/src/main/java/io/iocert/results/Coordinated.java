package io.iocert.results;

import io.iocert.spec.ProbeType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * Merges the measurements the participants of a coordinated run took of one requirement into
 * one measurement per node and one aggregate per metric.
 *
 * <p><b>Aggregate.</b> Per-operation histograms are added (percentiles are never averaged).
 * Interval series are summed in time: each node's series is placed on the coordinator's clock
 * (its {@value #ORIGIN} minus its clock offset), the common span is from the latest start to the
 * earliest end, cut into intervals of the nodes' (equal) length from the latest start, and each
 * node contributes to an aggregate interval what it moved in it: its rates weighted by how much
 * of each of its intervals falls inside (rates are taken as constant within an interval). A
 * node's share is its part of the aggregate over the common span.
 *
 * <p><b>Per node.</b> Each node's own measurement, its interval series replaced by its
 * contributions over the common span ("while all of them ran"), with context {@value #SCOPE} =
 * {@value #NODE}, its name, clock offset and share.
 *
 * <p><b>Per pair.</b> The interconnect probes run between partners; each node sends its own
 * measurement (its pairs added) and one per partner ({@value #SCOPE} = {@value #PAIR}). Those
 * are kept after the nodes, named by node and partner, their series aligned as the nodes' are,
 * with their {@value #SHARE} of the aggregate (the pairs' shares add up to 1, as the nodes' do).
 *
 * <p>A node that failed or sent nothing makes the aggregate an error naming it, with what the
 * other nodes measured kept in it. What a node measured before its own error is kept too, after
 * the others and as it sent it (not aligned, no share), but not in the aggregate: its series
 * ends early and would cut the common span of every other node short.
 */
public final class Coordinated {
    /** Context key (shared with net.stream's parts): {@value #AGGREGATE} or {@value #NODE}. */
    public static final String SCOPE = ProbeType.SCOPE;

    public static final String AGGREGATE = "aggregate";
    public static final String NODE = "node";
    /** Scope of one pair's measurement in a coordinated interconnect run: a node against one partner. */
    public static final String PAIR = "pair";
    /** Context key of a pair measurement: the partner's name. */
    public static final String PARTNER = "partner";
    /** Scope of one stream of net.stream: a part of its aggregate. */
    public static final String STREAM = "stream";
    /** Context key of a node measurement: the participant's name. */
    public static final String NODE_NAME = "node";
    /** Context key written by coordinated fs probes: where the interval series starts, ns since the epoch, node clock. */
    public static final String ORIGIN = "intervalsOriginEpochNs";

    public static final String CLOCK_OFFSET = "clockOffsetNs";
    public static final String CLOCK_UNCERTAINTY = "clockUncertaintyNs";
    public static final String SHARE = "share";
    public static final String NODES = "nodes";
    public static final String SHARES = "shares";
    public static final String START_SPREAD = "startSpreadNs";
    public static final String COMMON_SPAN = "commonSpanNs";

    private Coordinated() {}

    /**
     * What one participant delivered for a requirement: its measurements (empty when it
     * delivered none) and, if it failed, why.
     */
    public record NodeRun(
            String name, long clockOffsetNs, long clockUncertaintyNs, List<Measurement> measurements, String failure) {
        public NodeRun {
            Objects.requireNonNull(name, "name");
            measurements = List.copyOf(measurements);
        }
    }

    /**
     * The merged measurements of requirement {@code id} ({@code probe}): per metric the
     * aggregate, then one per node.
     *
     * @param metrics the metrics the requirement judges, with their canonical units, so that a
     *                requirement no node measured still gets an error per metric
     * @param missing participants expected but never joined, by name
     */
    public static List<Measurement> merge(
            String id, String probe, Map<String, String> metrics, List<NodeRun> runs, List<String> missing) {
        List<String> metricIds = new ArrayList<>(metrics.keySet());
        for (NodeRun r : runs) {
            for (Measurement m : r.measurements()) {
                if (m.id().equals(id) && !metricIds.contains(m.metric())) {
                    metricIds.add(m.metric());
                }
            }
        }
        List<Measurement> out = new ArrayList<>();
        for (String metric : metricIds) {
            List<Measurement> nodes = new ArrayList<>();
            List<NodeRun> owners = new ArrayList<>();
            List<Measurement> pairs = new ArrayList<>();
            List<NodeRun> pairOwners = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (String name : missing) {
                problems.add("participant " + name + " never joined");
            }
            List<Measurement> failed = new ArrayList<>();
            for (NodeRun r : runs) {
                Measurement m = r.measurements().stream()
                        .filter(x -> x.id().equals(id) && x.metric().equals(metric))
                        .filter(x -> !isPart(x))
                        .findFirst()
                        .orElse(null);
                if (m == null) {
                    problems.add(
                            r.failure() != null
                                    ? r.failure()
                                    : "participant " + r.name() + " sent no " + metric + " measurement");
                    continue;
                }
                List<Measurement> mine = r.measurements().stream()
                        .filter(x -> x.id().equals(id)
                                && x.metric().equals(metric)
                                && PAIR.equals(x.context().get(SCOPE)))
                        .toList();
                if (m.error() != null) {
                    // What a node measured before its error is kept as it sent it, outside the aggregate:
                    // its series ends early, and would cut every other node's common span short.
                    problems.add("participant " + r.name() + ": " + m.error());
                    failed.add(labelled(m, r, NODE));
                    mine.forEach(x -> failed.add(labelled(x, r, PAIR)));
                    continue;
                }
                if (r.failure() != null) {
                    problems.add(r.failure());
                }
                nodes.add(m);
                owners.add(r);
                mine.forEach(x -> {
                    pairs.add(x);
                    pairOwners.add(r);
                });
            }
            String unit = metrics.getOrDefault(
                    metric, nodes.isEmpty() ? "" : nodes.get(0).unit());
            out.addAll(mergeMetric(
                    id, probe, metric, unit, nodes, owners, pairs, pairOwners, problems, runs.size() + missing.size()));
            out.addAll(failed);
        }
        return out;
    }

    /** {@code m} as a node's (or a pair's) measurement of participant {@code r}, unaligned. */
    private static Measurement labelled(Measurement m, NodeRun r, String scope) {
        Map<String, String> ctx = new LinkedHashMap<>(m.context());
        ctx.put(SCOPE, scope);
        ctx.put(NODE_NAME, r.name());
        ctx.put(CLOCK_OFFSET, Long.toString(r.clockOffsetNs()));
        ctx.put(CLOCK_UNCERTAINTY, Long.toString(r.clockUncertaintyNs()));
        return m.withContext(ctx);
    }

    /** Whether {@code m} is a part of a node's measurement (one pair, one stream) rather than the node's own. */
    public static boolean isPart(Measurement m) {
        String scope = m.context().get(SCOPE);
        return PAIR.equals(scope) || STREAM.equals(scope);
    }

    private static List<Measurement> mergeMetric(
            String id,
            String probe,
            String metric,
            String unit,
            List<Measurement> nodes,
            List<NodeRun> owners,
            List<Measurement> pairs,
            List<NodeRun> pairOwners,
            List<String> problems,
            int expected) {
        String error = problems.isEmpty()
                ? null
                : String.join("; ", problems)
                        + (nodes.isEmpty()
                                ? ""
                                : "; the aggregate holds the other " + nodes.size() + " of " + expected + " nodes");
        if (nodes.isEmpty()) {
            Measurement failed = Measurement.failed(id, probe, metric, unit, Map.of(), error);
            Map<String, String> ctx = new LinkedHashMap<>();
            ctx.put(SCOPE, AGGREGATE);
            ctx.put(NODES, Integer.toString(expected));
            return List.of(failed.withContext(ctx));
        }
        Histogram histogram = null;
        for (Measurement m : nodes) {
            if (m.histogram() != null) {
                if (histogram == null) {
                    histogram = new Histogram(3);
                }
                histogram.add(m.histogram());
            }
        }
        List<Measurement> series = new ArrayList<>(nodes);
        series.addAll(pairs);
        List<NodeRun> seriesOwners = new ArrayList<>(owners);
        seriesOwners.addAll(pairOwners);
        // The pairs share their node's origin and interval, so aligning them with the nodes moves no span.
        Aligned aligned =
                pairs.isEmpty() ? align(nodes, owners, nodes.size()) : align(series, seriesOwners, nodes.size());
        if (aligned == null && !pairs.isEmpty()) {
            aligned = align(nodes, owners, nodes.size());
        }
        Map<String, String> aggCtx = new LinkedHashMap<>();
        aggCtx.put(SCOPE, AGGREGATE);
        aggCtx.put(NODES, Integer.toString(expected));
        aggCtx.put(
                "participants",
                String.join(",", owners.stream().map(NodeRun::name).toList()));
        List<Measurement> perNode = new ArrayList<>();
        IntervalSeries aggSeries = null;
        if (aligned != null) {
            aggSeries = new IntervalSeries(aligned.intervalNs, aligned.sum);
            aggCtx.put(COMMON_SPAN, Long.toString(aligned.intervalNs * aligned.sum.size()));
            aggCtx.put(START_SPREAD, Long.toString(aligned.startSpreadNs));
            StringBuilder shares = new StringBuilder();
            double total = aligned.sum.stream().mapToDouble(Double::doubleValue).sum();
            for (int i = 0; i < nodes.size(); i++) {
                double mine = aligned.parts.get(i).stream()
                        .mapToDouble(Double::doubleValue)
                        .sum();
                double share = total > 0 ? mine / total : Double.NaN;
                shares.append(shares.length() == 0 ? "" : ",")
                        .append(owners.get(i).name())
                        .append('=')
                        .append(String.format(Locale.ROOT, "%.4f", share));
            }
            aggCtx.put(SHARES, shares.toString());
        }
        for (int i = 0; i < nodes.size(); i++) {
            Measurement m = nodes.get(i);
            NodeRun r = owners.get(i);
            Map<String, String> ctx = new LinkedHashMap<>(m.context());
            ctx.put(SCOPE, NODE);
            ctx.put(NODE_NAME, r.name());
            ctx.put(CLOCK_OFFSET, Long.toString(r.clockOffsetNs()));
            ctx.put(CLOCK_UNCERTAINTY, Long.toString(r.clockUncertaintyNs()));
            Measurement node = m.withContext(ctx);
            if (aligned != null) {
                List<Double> part = aligned.parts.get(i);
                double total =
                        aligned.sum.stream().mapToDouble(Double::doubleValue).sum();
                double mine = part.stream().mapToDouble(Double::doubleValue).sum();
                ctx.put(SHARE, String.format(Locale.ROOT, "%.4f", total > 0 ? mine / total : Double.NaN));
                node = new Measurement(
                        m.id(),
                        m.probe(),
                        m.metric(),
                        m.unit(),
                        m.workload(),
                        part.size(),
                        part.isEmpty() ? null : Summary.of(part),
                        m.histogram(),
                        new IntervalSeries(aligned.intervalNs, part),
                        m.blocks(),
                        ctx,
                        m.error(),
                        m.looks());
            }
            perNode.add(node);
        }
        for (int j = 0; j < pairs.size(); j++) {
            Measurement m = pairs.get(j);
            Map<String, String> ctx = new LinkedHashMap<>(m.context());
            ctx.put(SCOPE, PAIR);
            ctx.put(NODE_NAME, pairOwners.get(j).name());
            ctx.put(CLOCK_OFFSET, Long.toString(pairOwners.get(j).clockOffsetNs()));
            Measurement pair = m.withContext(ctx);
            int at = nodes.size() + j;
            if (aligned != null && at < aligned.parts.size()) {
                List<Double> part = aligned.parts.get(at);
                double total =
                        aligned.sum.stream().mapToDouble(Double::doubleValue).sum();
                double mine = part.stream().mapToDouble(Double::doubleValue).sum();
                ctx.put(SHARE, String.format(Locale.ROOT, "%.4f", total > 0 ? mine / total : Double.NaN));
                pair = new Measurement(
                        m.id(),
                        m.probe(),
                        m.metric(),
                        m.unit(),
                        m.workload(),
                        part.size(),
                        part.isEmpty() ? null : Summary.of(part),
                        m.histogram(),
                        new IntervalSeries(aligned.intervalNs, part),
                        m.blocks(),
                        ctx,
                        m.error(),
                        m.looks());
            }
            perNode.add(pair);
        }
        Measurement first = nodes.get(0);
        Summary summary = histogram != null
                ? Summary.of(histogram)
                : aggSeries != null && !aggSeries.values().isEmpty() ? Summary.of(aggSeries.values()) : null;
        long samples = histogram != null
                ? histogram.getTotalCount()
                : aggSeries != null ? aggSeries.values().size() : 0;
        if (aligned == null && histogram == null) {
            error = (error == null ? "" : error + "; ") + metric + " series of the nodes cannot be aligned in time ("
                    + (first.intervals() == null
                            ? "no interval series"
                            : "interval lengths differ or a node did not record" + " when its series started")
                    + ")";
        }
        Measurement aggregate = new Measurement(
                id, probe, metric, unit, first.workload(), samples, summary, histogram, aggSeries, null, aggCtx, error);
        List<Measurement> out = new ArrayList<>();
        out.add(aggregate);
        out.addAll(perNode);
        return out;
    }

    /** The nodes' series on the common span: the sum and each node's part. */
    private record Aligned(long intervalNs, List<Double> sum, List<List<Double>> parts, long startSpreadNs) {}

    /**
     * Null when some node has no series, no recorded origin, or another interval length. The
     * first {@code summed} of {@code nodes} make up the sum; the rest (pairs) only get their parts.
     */
    static Aligned align(List<Measurement> nodes, List<NodeRun> owners, int summed) {
        long len = -1;
        long[] start = new long[nodes.size()];
        long latestStart = Long.MIN_VALUE;
        long earliestStart = Long.MAX_VALUE;
        long earliestEnd = Long.MAX_VALUE;
        for (int i = 0; i < nodes.size(); i++) {
            Measurement m = nodes.get(i);
            String origin = m.context().get(ORIGIN);
            if (m.intervals() == null
                    || origin == null
                    || (len >= 0 && m.intervals().intervalNs() != len)) {
                return null;
            }
            len = m.intervals().intervalNs();
            try {
                start[i] = Long.parseLong(origin) - owners.get(i).clockOffsetNs();
            } catch (NumberFormatException e) {
                return null;
            }
            latestStart = Math.max(latestStart, start[i]);
            earliestStart = Math.min(earliestStart, start[i]);
            earliestEnd = Math.min(
                    earliestEnd, start[i] + len * m.intervals().values().size());
        }
        int count = earliestEnd > latestStart ? (int) ((earliestEnd - latestStart) / len) : 0;
        List<Double> sum = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            sum.add(0.0);
        }
        List<List<Double>> parts = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            List<Double> values = nodes.get(i).intervals().values();
            List<Double> part = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                long from = latestStart + k * len;
                long to = from + len;
                double moved = 0;
                // The node's intervals overlapping [from, to): at most two when the lengths are equal.
                int j0 = (int) Math.max(0, Math.floorDiv(from - start[i], len));
                for (int j = j0; j < values.size(); j++) {
                    long a = start[i] + j * len;
                    long b = a + len;
                    if (a >= to) {
                        break;
                    }
                    long overlap = Math.min(b, to) - Math.max(a, from);
                    if (overlap > 0) {
                        moved += values.get(j) * overlap;
                    }
                }
                double rate = moved / len;
                part.add(rate);
                if (i < summed) {
                    sum.set(k, sum.get(k) + rate);
                }
            }
            parts.add(part);
        }
        return new Aligned(len, sum, parts, latestStart - earliestStart);
    }
}
