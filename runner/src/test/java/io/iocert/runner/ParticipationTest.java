package io.iocert.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iocert.probes.ProbeException;
import io.iocert.probes.StartBarrier;
import io.iocert.results.Result;
import io.iocert.spec.Requirement;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A participant's side of a coordinated run, driven by a coordinator that answers from memory (no
 * network, no waiting): an assignment this node cannot run is refused with the reason, so the
 * coordinator's ERROR names the node and why, and the participation ends there, before any probe
 * runs or anything is sent.
 */
class ParticipationTest {
    private static final String SPEC = String.join(
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

    private static final String OTHER_SPEC = SPEC.replace("name: checkpoint", "name: restart")
            .replace("id: w", "id: r")
            .replace("fs.write", "fs.read");

    private static final Participation.Config CONFIG =
            new Participation.Config("n1", Duration.ofSeconds(1), RunConfig.Overrides.NONE, () -> "run-1");

    @Test
    void shouldTellTheCoordinatorWhenItAssignsARequirementItsSpecDoesNotHave() throws Exception {
        Requirement elsewhere =
                SpecLoader.parse(OTHER_SPEC, "restart.yaml").requirement("r").orElseThrow();
        Coordinator c = new Coordinator(assignment(List.of(elsewhere)), assignment(List.of(requirement("w"))));
        Heard heard = new Heard(Path.of("/scratch"));

        ProbeException e =
                assertThrows(ProbeException.class, () -> Participation.run(c, Optional.empty(), CONFIG, heard));

        assertEquals("the coordinator assigned requirement 'r', which its spec does not have", e.getMessage());
        assertEquals(List.of("n1 cannot run the assignment: " + e.getMessage()), c.givenUp);
        assertEquals(1, c.assignments.size(), "the participation ends at the refusal; the next is never read");
        assertEquals(0, c.sent, "nothing is sent");
        assertEquals(List.of(), heard.running, "nothing is prepared");
    }

    @Test
    void shouldTellTheCoordinatorOfAnotherReleaseWhichFormatItExpected() throws Exception {
        ObjectNode n = (ObjectNode) new ObjectMapper().readTree(assignment(List.of(requirement("w"))));
        n.put("format", "iocert-assignment/2");
        Coordinator c = new Coordinator(n.toString().getBytes(StandardCharsets.UTF_8));

        ProbeException e = assertThrows(
                ProbeException.class,
                () -> Participation.run(c, Optional.empty(), CONFIG, new Heard(Path.of("/scratch"))));

        assertEquals(
                "n1 cannot run the assignment: the coordinator sent an assignment of format 'iocert-assignment/2',"
                        + " expected iocert-assignment/1; run the same iocert release on all nodes",
                c.givenUp.get(0));
        assertTrue(c.givenUp.get(0).endsWith(e.getMessage()));
    }

    @Test
    void shouldRefuseAnAssignmentWhoseFsPathTheCallerFindsUnusable() throws Exception {
        Coordinator c = new Coordinator(assignment(List.of(requirement("w"))));
        IOException unusable = new IOException("--fs-path /nonexistent does not exist");
        Heard heard = new Heard(null) {
            @Override
            public Path fsPath(RunConfig config) throws IOException {
                checked.add(config);
                throw unusable;
            }
        };

        IOException e = assertThrows(IOException.class, () -> Participation.run(c, Optional.empty(), CONFIG, heard));

        assertSame(unusable, e, "the caller's own exception, for the caller's own exit code");
        assertEquals(List.of("n1 cannot run the assignment: --fs-path /nonexistent does not exist"), c.givenUp);
        assertEquals(RunConfig.Plan.ONE_ROUND, heard.checked.get(0).plan(), "every node probes for the same time");
        assertEquals("checkpoint", heard.checked.get(0).spec().name(), "the coordinator's spec");
        assertEquals(0, c.sent);
        assertEquals(List.of(), heard.running);
    }

    private static Requirement requirement(String id) throws Exception {
        return SpecLoader.parse(SPEC, "checkpoint.yaml").requirement(id).orElseThrow();
    }

    private static byte[] assignment(List<Requirement> group) throws Exception {
        String specText = new String(SpecLoader.canonicalJson(SPEC, "checkpoint.yaml"), StandardCharsets.UTF_8);
        List<List<Conductor.PartnerInfo>> partners = new ArrayList<>();
        group.forEach(r -> partners.add(List.of()));
        return Conductor.assignment(specText, group, 0, 3, "x-r0", partners);
    }

    /** A coordinator that hands out the assignments it holds, then ends the run. */
    private static final class Coordinator implements Participation.Link {
        final Deque<byte[]> assignments = new ArrayDeque<>();
        final List<String> givenUp = new ArrayList<>();
        int sent;

        Coordinator(byte[]... assignments) {
            this.assignments.addAll(List.of(assignments));
        }

        @Override
        public Optional<byte[]> nextAssignment(Duration wait) {
            return Optional.ofNullable(assignments.poll());
        }

        @Override
        public StartBarrier start(Duration wait) {
            return StartBarrier.NONE;
        }

        @Override
        public void sendResult(byte[] document) {
            sent++;
        }

        @Override
        public void giveUp(String why) {
            givenUp.add(why);
        }
    }

    /** What the participation told its caller. */
    private static class Heard implements Participation.Listener {
        final Path fsPath;
        final List<RunConfig> checked = new ArrayList<>();
        final List<List<Requirement>> running = new ArrayList<>();

        Heard(Path fsPath) {
            this.fsPath = fsPath;
        }

        @Override
        public Path fsPath(RunConfig config) throws IOException {
            checked.add(config);
            return fsPath;
        }

        @Override
        public RunListener progress(int index) {
            return RunListener.NONE;
        }

        @Override
        public void running(List<Requirement> requirements, Path fsPath) {
            running.add(requirements);
        }

        @Override
        public void ran(Result result) {}
    }
}
