package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iocert.probes.Placement;
import io.iocert.probes.ProbeException;
import io.iocert.spec.Coordination;
import io.iocert.spec.Requirement;
import io.iocert.spec.SpecLoader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The assignment a coordinator sends each participant (protocol 4, format iocert-assignment/1):
 * the participant's place, added for the shared layouts, and what an assignment without one means.
 */
class AssignmentTest {
    private static final String SPEC = String.join(
            "\n",
            "iocert: v1",
            "name: n1",
            "requirements:",
            "  - id: w",
            "    probe: fs.write",
            "    coordinated: {nodes: 3, scope: aggregate, layout: shared-file}",
            "    workload: {fileSize: 64MiB, duration: 5s}",
            "    expect: {throughput: {median: \">= 1 MB/s\"}}",
            "");

    private static String canonical() throws Exception {
        return new String(SpecLoader.canonicalJson(SPEC, "n1.yaml"), StandardCharsets.UTF_8);
    }

    @Test
    void shouldCarryTheParticipantsPlaceToIt() throws Exception {
        String spec = canonical();
        Requirement r = SpecLoader.parse(SPEC, "n1.yaml").requirement("w").orElseThrow();
        JoinCommand.Assignment a =
                JoinCommand.Assignment.parse(CoordinateCommand.assignment(spec, r, 1, 3, "20261203T0105Z-ab12-r0"));
        assertEquals(Optional.of(new Placement(1, 3, "20261203T0105Z-ab12-r0")), a.placement());
        assertEquals(
                Coordination.Layout.SHARED_FILE,
                a.requirement().coordinated().orElseThrow().layout());
    }

    @Test
    void shouldReadAnAssignmentWithoutAPlaceAsOneOfAnEarlierCoordinator() throws Exception {
        String spec = canonical();
        Requirement r = SpecLoader.parse(SPEC, "n1.yaml").requirement("w").orElseThrow();
        ObjectNode n = (ObjectNode) new ObjectMapper().readTree(CoordinateCommand.assignment(spec, r, 0, 3, "x-r0"));
        n.remove("participant");
        n.remove("sharedId");
        assertEquals(
                Optional.empty(),
                JoinCommand.Assignment.parse(n.toString().getBytes(StandardCharsets.UTF_8))
                        .placement(),
                "no place: the probe refuses a shared layout, saying to run one release everywhere");
    }

    @Test
    void shouldRefuseAPlaceOutsideTheRun() throws Exception {
        String spec = canonical();
        Requirement r = SpecLoader.parse(SPEC, "n1.yaml").requirement("w").orElseThrow();
        ProbeException outside = assertThrows(
                ProbeException.class,
                () -> JoinCommand.Assignment.parse(CoordinateCommand.assignment(spec, r, 3, 3, "x-r0")));
        assertTrue(outside.getMessage().contains("participant index 3 is not between 0 and 2"), outside.getMessage());
        ProbeException path = assertThrows(
                ProbeException.class,
                () -> JoinCommand.Assignment.parse(CoordinateCommand.assignment(spec, r, 0, 3, "../escape")));
        assertTrue(path.getMessage().contains("'../escape' must be 1 to 120 letters"), path.getMessage());
        ObjectNode n = (ObjectNode) new ObjectMapper().readTree(CoordinateCommand.assignment(spec, r, 0, 3, "x-r0"));
        ((ObjectNode) n.get("participant")).put("index", "first");
        ProbeException odd = assertThrows(
                ProbeException.class,
                () -> JoinCommand.Assignment.parse(n.toString().getBytes(StandardCharsets.UTF_8)));
        assertTrue(odd.getMessage().contains("expected {\"index\": I, \"count\": N}"), odd.getMessage());
    }
}
