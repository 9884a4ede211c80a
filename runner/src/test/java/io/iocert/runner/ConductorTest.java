package io.iocert.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.probes.ProbeException;
import io.iocert.results.Coordinated;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.NodeIdentity;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.results.ToolVersion;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The coordinator's side of a coordinated run, driven with participants that answer from memory
 * (no network, no waiting) and a fixed clock: who gets which assignment and start, how what they
 * send is merged, and how a participant that fails, never joins or ran another spec is named
 * while the others' measurements are kept.
 */
class ConductorTest {
    private static final long S = 1_000_000_000L;
    /** The coordinator's clock, fixed. */
    private static final long NOW_NS = 1_764_720_000L * S;

    private static final String FS_SPEC = String.join(
            "\n",
            "iocert: v1",
            "name: checkpoint",
            "requirements:",
            "  - id: w",
            "    probe: fs.write",
            "    coordinated: {nodes: 3, scope: aggregate}",
            "    workload: {fileSize: 64MiB, duration: 5s}",
            "    expect: {throughput: {median: \">= 1 MB/s\"}}",
            "");

    private static final String NET_SPEC = String.join(
            "\n",
            "iocert: v1",
            "name: fabric",
            "requirements:",
            "  - id: bw",
            "    probe: net.stream",
            "    coordinated: {nodes: 3, scope: aggregate, pattern: ring}",
            "    workload: {direction: receive, duration: 5s}",
            "    expect: {throughput: {p10: \">= 1 MB/s\"}}",
            "  - id: local",
            "    probe: fs.write",
            "    coordinated: {nodes: 3, scope: aggregate}",
            "    workload: {fileSize: 64MiB, duration: 5s}",
            "    expect: {throughput: {median: \">= 1 MB/s\"}}",
            "  - id: halo",
            "    probe: net.pingpong",
            "    coordinated: {nodes: 3, scope: per-node, pattern: ring, concurrentWith: bw}",
            "    workload: {messageSize: 8KiB, duration: 5s}",
            "    expect: {rtt: {p99: \"<= 1 ms\"}}",
            "");

    @Test
    void shouldMergeWhatArrivedAndNameTheParticipantsLostOnTheWay() throws Exception {
        Spec spec = SpecLoader.parse(FS_SPEC, "checkpoint.yaml");
        FakeMember a = new FakeMember("a", 0, 2_000_000);
        FakeMember b = new FakeMember("b", 0, 5_000_000);
        FakeMember c = new FakeMember("c", 0, 1_000_000);
        a.result = document(spec, throughput("w", 100 * S, 10, 10, 10));
        b.result = document(spec, throughput("w", 100 * S, 30, 30, 30));
        c.resultFailure = new ProbeException("participant c (10.0.0.3:40000): it did not send its result: timed out");
        List<String> log = Collections.synchronizedList(new ArrayList<>());

        Conductor.Measured measured =
                new Conductor(spec, "{}", log::add, () -> NOW_NS).conduct(List.of(a, b, c), List.of("d"), "run1");

        Measurement aggregate = measured.merged().get(0);
        assertEquals(Coordinated.AGGREGATE, aggregate.context().get(Coordinated.SCOPE));
        assertEquals(List.of(40.0, 40.0, 40.0), aggregate.intervals().values(), "a's and b's, summed");
        assertEquals(
                "participant d never joined; participant c (10.0.0.3:40000): it did not send its result: timed out;"
                        + " the aggregate holds the other 2 of 4 nodes",
                aggregate.error());
        assertEquals(List.of("a", "b", "c"), List.copyOf(measured.perNode().keySet()));
        assertEquals(1, measured.perNode().get("a").size());
        assertEquals(List.of(), measured.perNode().get("c"), "nothing arrived from c");
        // Everyone who was ready starts at one instant: the lead after the barrier, plus twice the widest bound.
        long start = NOW_NS + Defaults.START_LEAD.toNanos() + 2 * 5_000_000;
        assertEquals(List.of(start), a.starts);
        assertEquals(List.of(start), b.starts);
        assertEquals(List.of(start), c.starts);
        assertTrue(
                log.contains("'w': participant c (10.0.0.3:40000): it did not send its result: timed out"),
                log.toString());
        assertTrue(log.get(0).startsWith("'w': 3 participants ready; start at "), log.toString());
        assertEquals(List.of("ok, 1 requirements"), a.outcomes);
    }

    @Test
    void shouldNotStartAParticipantThatFailedWhilePreparingAndKeepItsReason() throws Exception {
        Spec spec = SpecLoader.parse(FS_SPEC, "checkpoint.yaml");
        FakeMember a = new FakeMember("a", 0, 0);
        FakeMember b = new FakeMember("b", 0, 0);
        FakeMember c = new FakeMember("c", 0, 0);
        a.result = document(spec, throughput("w", 100 * S, 10, 10, 10));
        b.armedFailure = new ProbeException("participant b (10.0.0.2:40000): it gave up: no space left on device");
        Spec other = SpecLoader.parse(FS_SPEC.replace("64MiB", "32MiB"), "other.yaml");
        c.result = document(other, throughput("w", 100 * S, 10, 10, 10));

        Conductor.Measured measured =
                new Conductor(spec, "{}", line -> {}, () -> NOW_NS).conduct(List.of(a, b, c), List.of(), "run1");

        assertEquals(List.of(), b.starts, "b never reported ready");
        assertEquals(List.of(NOW_NS + Defaults.START_LEAD.toNanos()), a.starts);
        Measurement aggregate = measured.merged().get(0);
        assertEquals(List.of(10.0, 10.0, 10.0), aggregate.intervals().values(), "a's alone");
        assertEquals(
                "participant b (10.0.0.2:40000): it gave up: no space left on device; participant c ran another"
                        + " spec (sha256 " + other.sha256() + "); the aggregate holds the other 1 of 3 nodes",
                aggregate.error());
    }

    @Test
    void shouldStartConcurrentRequirementsTogetherAndPairOnlyTheParticipantsStillInTheRun() throws Exception {
        Spec spec = SpecLoader.parse(NET_SPEC, "fabric.yaml");
        FakeMember a = new FakeMember("a", 0, 0);
        FakeMember gone = new FakeMember("gone", 0, 0);
        gone.failed = "participant gone (10.0.0.9:40000): it closed the connection";
        FakeMember b = new FakeMember("b", 0, 0);
        a.peer = Optional.of("10.0.0.1:7000");
        b.peer = Optional.of("[fe80::2]:7000");
        for (FakeMember m : List.of(a, gone, b)) {
            m.result = document(spec);
        }

        new Conductor(spec, "{}", line -> {}, () -> NOW_NS).conduct(List.of(a, gone, b), List.of(), "run1");

        // 'halo' runs with 'bw', from one start; 'local' after them.
        assertEquals(2, a.assignments.size());
        JsonNode first = a.assignments.get(0);
        assertEquals("run1-r0", first.path("sharedId").asText());
        assertEquals(List.of("bw", "halo"), ids(first));
        assertEquals("run1-r1", a.assignments.get(1).path("sharedId").asText());
        assertEquals(List.of("local"), ids(a.assignments.get(1)));
        assertEquals(2, a.starts.size());
        // A ring of the two alive, in the coordinator's order: a's partner is b, b's is a.
        JsonNode partner = first.path("requirements").get(0).path("partners").get(0);
        assertEquals("b", partner.path("name").asText());
        assertEquals("fe80::2", partner.path("host").asText());
        assertEquals(7000, partner.path("port").asInt());
        assertEquals(
                "a",
                b.assignments
                        .get(0)
                        .path("requirements")
                        .get(1)
                        .path("partners")
                        .get(0)
                        .path("name")
                        .asText());
        assertEquals(List.of(), gone.assignments, "a participant that failed is sent nothing more");
        assertEquals(List.of(), gone.starts);
        assertEquals(0, first.path("participant").path("index").asInt());
        assertEquals(3, first.path("participant").path("count").asInt(), "numbered among all who joined");
    }

    @Test
    void shouldGroupRequirementsJoinedByConcurrentWithWhereTheFirstOfThemIs() throws Exception {
        Spec spec = SpecLoader.parse(NET_SPEC, "fabric.yaml");

        List<List<Requirement>> groups = Conductor.groups(Conductor.coordinated(spec));

        assertEquals(
                List.of(List.of("bw", "halo"), List.of("local")),
                groups.stream()
                        .map(g -> g.stream().map(Requirement::id).toList())
                        .toList());
    }

    @Test
    void shouldSayWhoMeasuredAgainstWhomOnAnInterconnectAggregate() throws Exception {
        Spec spec = SpecLoader.parse(NET_SPEC, "fabric.yaml");
        FakeMember a = new FakeMember("a", 0, 0);
        FakeMember b = new FakeMember("b", 0, 0);
        a.result = document(spec);
        b.result = document(spec);

        Conductor.Measured measured =
                new Conductor(spec, "{}", line -> {}, () -> NOW_NS).conduct(List.of(a, b), List.of(), "run1");

        Measurement halo = measured.merged().stream()
                .filter(m -> m.id().equals("halo")
                        && Coordinated.AGGREGATE.equals(m.context().get(Coordinated.SCOPE)))
                .findFirst()
                .orElseThrow();
        assertEquals("ring", halo.context().get(Conductor.PATTERN));
        assertEquals("bw", halo.context().get(Conductor.CONCURRENT_WITH));
        Measurement local = measured.merged().stream()
                .filter(m -> m.id().equals("local"))
                .findFirst()
                .orElseThrow();
        assertNull(local.context().get(Conductor.PATTERN), "an fs requirement has no partners");
    }

    private static List<String> ids(JsonNode assignment) {
        List<String> out = new ArrayList<>();
        assignment.path("requirements").forEach(r -> out.add(r.path("id").asText()));
        return out;
    }

    private static Measurement throughput(String id, long originEpochNs, double... values) {
        return new Measurement(
                id,
                "fs.write",
                "throughput",
                "B/s",
                Map.of(),
                values.length,
                null,
                null,
                new IntervalSeries(S, java.util.Arrays.stream(values).boxed().toList()),
                Map.of(Coordinated.ORIGIN, Long.toString(originEpochNs)),
                null);
    }

    private static byte[] document(Spec spec, Measurement... measurements) {
        Instant t = Instant.ofEpochSecond(1_764_720_000L);
        return ResultCodec.toJson(new Result(
                Result.FORMAT,
                ToolVersion.get(),
                new NodeIdentity(Map.of()),
                spec.name(),
                spec.sha256(),
                t,
                t,
                List.of(measurements)));
    }

    /** A participant that answers at once: its result (or failure) set beforehand, what it was sent recorded. */
    private static final class FakeMember implements Member {
        private final String name;
        private final long offsetNs;
        private final long uncertaintyNs;
        final List<JsonNode> assignments = Collections.synchronizedList(new ArrayList<>());
        final List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        final List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
        volatile Optional<String> peer = Optional.empty();
        volatile String failed;
        volatile byte[] result;
        volatile ProbeException armedFailure;
        volatile ProbeException resultFailure;

        FakeMember(String name, long offsetNs, long uncertaintyNs) {
            this.name = name;
            this.offsetNs = offsetNs;
            this.uncertaintyNs = uncertaintyNs;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long clockOffsetNs() {
            return offsetNs;
        }

        @Override
        public long clockUncertaintyNs() {
            return uncertaintyNs;
        }

        @Override
        public Optional<String> peerAddress() {
            return peer;
        }

        @Override
        public Optional<String> failure() {
            return Optional.ofNullable(failed);
        }

        @Override
        public void assign(byte[] assignment) throws ProbeException {
            if (failed != null) {
                throw new ProbeException(failed); // as a session that has failed refuses every call
            }
            try {
                assignments.add(new ObjectMapper().readTree(assignment));
            } catch (IOException e) {
                throw new ProbeException("assignment does not read: " + e.getMessage());
            }
        }

        @Override
        public Optional<byte[]> awaitArmed(Duration limit) throws ProbeException {
            if (armedFailure != null) {
                throw armedFailure;
            }
            return Optional.empty();
        }

        @Override
        public void go(long startEpochNs) {
            starts.add(startEpochNs);
        }

        @Override
        public byte[] awaitResult(Duration limit) throws ProbeException {
            if (resultFailure != null) {
                throw resultFailure;
            }
            return result;
        }

        @Override
        public void finish(String outcome) {
            outcomes.add(outcome);
        }
    }
}
