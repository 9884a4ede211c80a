package io.iocert.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iocert.probes.ProbeException;
import io.iocert.results.Coordinated;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.results.ResultFormatException;
import io.iocert.spec.Coordination;
import io.iocert.spec.Expectation;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * Drives the participants that joined a coordinated run through the spec's coordinated
 * requirements, group by group ({@link #groups}), and merges what they send. For each group:
 * the assignment to every participant, a barrier (each reports ready to measure, or fails, or
 * sends the result of a probe that failed while preparing), one start instant a little after
 * the last is ready, then their results, merged requirement by requirement ({@link
 * Coordinated#merge}). A participant that fails is named in the merged measurements' errors,
 * and the others' measurements are kept.
 *
 * <p>Knows the participants only as {@link Member}s and the time only as {@code epochNs}, so it
 * runs without a network or a real clock in tests.
 */
final class Conductor {
    /** Context keys of a coordinated interconnect aggregate: its partner pattern, what ran at the same instant. */
    static final String PATTERN = "pattern";

    static final String CONCURRENT_WITH = "concurrentWith";

    private final Spec spec;
    private final String specText;
    private final CoordinatedRun.Listener listener;
    private final LongSupplier epochNs;

    /**
     * @param spec     the spec as run (overrides applied); its coordinated requirements are run
     * @param specText the spec as the participants receive it (canonical JSON)
     * @param epochNs  the coordinator's clock, nanoseconds since the epoch (start instants)
     */
    Conductor(Spec spec, String specText, CoordinatedRun.Listener listener, LongSupplier epochNs) {
        this.spec = spec;
        this.specText = specText;
        this.listener = listener;
        this.epochNs = epochNs;
    }

    /** The merged measurements of every coordinated requirement, and each participant's own. */
    record Measured(List<Measurement> merged, Map<String, List<Measurement>> perNode) {}

    /**
     * Runs every group of the spec's coordinated requirements on {@code joined}, then ends each
     * participant's session.
     *
     * @param missing who never joined, as the merged measurements' errors name them
     * @param runId   names each group's shared directory ({@code <runId>-r<k>})
     */
    Measured conduct(List<Member> joined, List<String> missing, String runId) throws InterruptedException {
        List<Requirement> coordinated = coordinated(spec);
        List<List<Requirement>> groups = groups(coordinated);
        List<Measurement> merged = new ArrayList<>();
        Map<String, List<Measurement>> perNode = new LinkedHashMap<>();
        for (int k = 0; k < groups.size(); k++) {
            merged.addAll(runGroup(groups.get(k), runId + "-r" + k, joined, missing, perNode));
        }
        for (Member p : joined) {
            p.finish("ok, " + coordinated.size() + " requirements");
        }
        return new Measured(merged, perNode);
    }

    /** The requirements of {@code spec} that are run on many nodes at once, in spec order. */
    static List<Requirement> coordinated(Spec spec) {
        return spec.requirements().stream()
                .filter(r -> r.coordinated().isPresent())
                .toList();
    }

    /**
     * The coordinated requirements in the order they run: each alone, except those joined by
     * {@code concurrentWith}, which run as one group from one start (in spec order, the group
     * where its first member is).
     */
    static List<List<Requirement>> groups(List<Requirement> coordinated) {
        Map<String, String> root = new LinkedHashMap<>();
        coordinated.forEach(r -> root.put(r.id(), r.id()));
        for (Requirement r : coordinated) {
            Optional<String> with = r.coordinated().flatMap(Coordination::concurrentWith);
            if (with.isPresent() && root.containsKey(with.get())) {
                String a = find(root, r.id());
                String b = find(root, with.get());
                if (!a.equals(b)) {
                    root.put(a, b);
                }
            }
        }
        Map<String, List<Requirement>> byRoot = new LinkedHashMap<>();
        for (Requirement r : coordinated) {
            byRoot.computeIfAbsent(find(root, r.id()), k -> new ArrayList<>()).add(r);
        }
        return List.copyOf(byRoot.values());
    }

    private static String find(Map<String, String> root, String id) {
        String r = id;
        while (!root.get(r).equals(r)) {
            r = root.get(r);
        }
        return r;
    }

    /**
     * Runs one group of requirements ({@link #groups}) on every participant still alive, from
     * one start, and merges what they send, requirement by requirement.
     */
    private List<Measurement> runGroup(
            List<Requirement> group,
            String sharedId,
            List<Member> joined,
            List<String> missing,
            Map<String, List<Measurement>> perNode)
            throws InterruptedException {
        Duration longest =
                group.stream().map(Requirement::budget).max(Duration::compareTo).orElseThrow();
        Duration armLimit = longest.plus(Defaults.RESULT_GRACE);
        Duration resultLimit = longest.plus(Defaults.RESULT_GRACE);
        String ids =
                String.join(" and ", group.stream().map(x -> "'" + x.id() + "'").toList());
        // Partners are numbered among the participants still in the run, in the coordinator's order.
        List<Member> alive = joined.stream().filter(p -> p.failure().isEmpty()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, joined.size()));
        Map<String, byte[]> documents = new LinkedHashMap<>();
        Map<String, String> failures = new LinkedHashMap<>();
        try {
            List<Future<Optional<byte[]>>> armed = new ArrayList<>();
            for (int i = 0; i < joined.size(); i++) {
                Member p = joined.get(i);
                byte[] assignment = assignment(specText, group, i, joined.size(), sharedId, partners(group, p, alive));
                armed.add(pool.submit(() -> {
                    p.assign(assignment);
                    return p.awaitArmed(armLimit);
                }));
            }
            List<Member> ready = new ArrayList<>();
            long widest = 0;
            for (int i = 0; i < joined.size(); i++) {
                Member p = joined.get(i);
                try {
                    Optional<byte[]> early = armed.get(i).get();
                    if (early.isPresent()) {
                        documents.put(p.name(), early.get()); // failed while preparing: its result says why
                    } else {
                        ready.add(p);
                        widest = Math.max(widest, p.clockUncertaintyNs());
                    }
                } catch (ExecutionException e) {
                    failures.put(p.name(), message(e.getCause()));
                }
            }
            long startNs = epochNs.getAsLong() + Defaults.START_LEAD.toNanos() + 2 * widest;
            listener.log(ids + ": " + ready.size() + " participants ready; start at "
                    + Instant.ofEpochSecond(0, startNs).truncatedTo(ChronoUnit.MILLIS));
            List<Future<byte[]>> results = new ArrayList<>();
            for (Member p : ready) {
                results.add(pool.submit(() -> {
                    p.go(startNs);
                    return p.awaitResult(resultLimit);
                }));
            }
            for (int i = 0; i < ready.size(); i++) {
                try {
                    documents.put(ready.get(i).name(), results.get(i).get());
                } catch (ExecutionException e) {
                    failures.put(ready.get(i).name(), message(e.getCause()));
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<Measurement> out = new ArrayList<>();
        for (Requirement r : group) {
            out.addAll(merge(r, joined, documents, failures, missing, perNode));
        }
        return out;
    }

    /** The merged measurements of {@code r} from what the participants sent. */
    private List<Measurement> merge(
            Requirement r,
            List<Member> joined,
            Map<String, byte[]> documents,
            Map<String, String> failures,
            List<String> missing,
            Map<String, List<Measurement>> perNode) {
        List<Coordinated.NodeRun> runs = new ArrayList<>();
        for (Member p : joined) {
            List<Measurement> ms = List.of();
            String failure = failures.get(p.name());
            if (documents.containsKey(p.name())) {
                try {
                    Result res = ResultCodec.fromJson(documents.get(p.name()), "participant " + p.name() + "'s result");
                    if (!res.specSha256().equals(spec.sha256())) {
                        failure = "participant " + p.name() + " ran another spec (sha256 " + res.specSha256() + ")";
                    } else {
                        ms = res.measurements().stream()
                                .filter(m -> m.id().equals(r.id()))
                                .toList();
                    }
                } catch (ResultFormatException e) {
                    failure = "participant " + p.name() + " sent a result that does not read: " + e.getMessage();
                }
            } else if (failure == null) {
                failure = "participant " + p.name() + " failed earlier in the run";
            }
            perNode.computeIfAbsent(p.name(), k -> new ArrayList<>()).addAll(ms);
            if (failure != null) {
                listener.log("'" + r.id() + "': " + failure);
            }
            runs.add(new Coordinated.NodeRun(p.name(), p.clockOffsetNs(), p.clockUncertaintyNs(), ms, failure));
        }
        Map<String, String> metrics = new LinkedHashMap<>();
        for (Expectation e : r.expectations()) {
            metrics.put(e.metric().id(), e.metric().dimension().canonicalUnit());
        }
        List<Measurement> merged = Coordinated.merge(r.id(), r.probe().id(), metrics, runs, missing);
        if (!Coordination.PAIRED.contains(r.probe())) {
            return merged;
        }
        // The aggregate says who measured against whom.
        List<Measurement> out = new ArrayList<>();
        for (Measurement m : merged) {
            if (Coordinated.AGGREGATE.equals(m.context().get(Coordinated.SCOPE))) {
                Map<String, String> ctx = new LinkedHashMap<>(m.context());
                ctx.put(PATTERN, r.coordinated().orElseThrow().pattern().id());
                r.coordinated().orElseThrow().concurrentWith().ifPresent(w -> ctx.put(CONCURRENT_WITH, w));
                m = m.withContext(ctx);
            }
            out.add(m);
        }
        return out;
    }

    /**
     * The partners of participant {@code p} for each requirement of {@code group}: by the
     * requirement's pattern, among the participants still in the run ({@code alive}, in the
     * coordinator's order); none for fs probes, or for a participant no longer in the run.
     */
    static List<List<PartnerInfo>> partners(List<Requirement> group, Member p, List<Member> alive) {
        List<List<PartnerInfo>> out = new ArrayList<>();
        int index = alive.indexOf(p);
        for (Requirement r : group) {
            List<PartnerInfo> mine = new ArrayList<>();
            if (index >= 0 && Coordination.PAIRED.contains(r.probe())) {
                for (int k : r.coordinated().orElseThrow().pattern().partners(index, alive.size())) {
                    Member q = alive.get(k);
                    mine.add(new PartnerInfo(q.name(), q.peerAddress().orElse(null)));
                }
            }
            out.add(mine);
        }
        return out;
    }

    /** A partner as the assignment names it: its name and {@code host:port}, null when it serves none. */
    record PartnerInfo(String name, String address) {}

    /**
     * The assignment of a group of requirements run from one start: the spec as the coordinator
     * has it, {@code requirement} the first of the group with its overrides, the participant's
     * place ({@code participant} {index, count} and {@code sharedId}), and {@code requirements}
     * every one with its overrides and {@code partners} ({@code [{"name", "host", "port"}]}, for
     * net probes; protocol 4).
     */
    static byte[] assignment(
            String specText,
            List<Requirement> group,
            int index,
            int count,
            String sharedId,
            List<List<PartnerInfo>> partners) {
        Requirement r = group.get(0);
        ObjectNode n = new ObjectMapper().createObjectNode();
        n.put("format", CoordinatedRun.ASSIGNMENT_FORMAT);
        n.put("spec", specText);
        n.put("requirement", r.id());
        n.put("budgetNs", r.budget().toNanos());
        n.put("confidence", r.confidence());
        ObjectNode p = n.putObject("participant");
        p.put("index", index);
        p.put("count", count);
        n.put("sharedId", sharedId);
        ArrayNode all = n.putArray("requirements");
        for (int i = 0; i < group.size(); i++) {
            Requirement x = group.get(i);
            ObjectNode g = all.addObject();
            g.put("id", x.id());
            g.put("budgetNs", x.budget().toNanos());
            g.put("confidence", x.confidence());
            ArrayNode ps = g.putArray("partners");
            for (PartnerInfo q : partners.get(i)) {
                if (q.address() == null) {
                    continue; // it serves no partners; this node's probe says it was assigned none
                }
                int colon = q.address().lastIndexOf(':');
                String host = q.address().substring(0, colon);
                if (host.startsWith("[")) {
                    host = host.substring(1, host.length() - 1);
                }
                ps.addObject()
                        .put("name", q.name())
                        .put("host", host)
                        .put("port", Integer.parseInt(q.address().substring(colon + 1)));
            }
        }
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String message(Throwable t) {
        return t instanceof ProbeException ? t.getMessage() : String.valueOf(t);
    }
}
