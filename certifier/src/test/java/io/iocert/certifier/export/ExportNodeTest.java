package io.iocert.certifier.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExportNodeTest {

    private static List<Certification> fleet() throws ExportException {
        return ExportFixtures.read(
                ExportFixtures.fleet(
                        ExportFixtures.mixed("cn001.hpc.example"),
                        ExportFixtures.eligible("cn002.hpc.example", "ocean-checkpoint"),
                        ExportFixtures.eligible("10.0.0.7", "ocean-checkpoint")),
                "fleet.json");
    }

    @Test
    void shouldGiveOneNodePerHostUnderItsShortName() throws Exception {
        List<ExportNode> nodes = ExportNode.group(fleet(), Optional.empty(), Optional.empty());

        assertEquals(
                List.of("cn001", "cn002", "10.0.0.7"),
                nodes.stream().map(ExportNode::name).toList());
        assertTrue(nodes.stream().allMatch(n -> n.certifications().size() == 1));
    }

    @Test
    void shouldKeepOnlyTheHostAskedForByFullOrShortName() throws Exception {
        assertEquals(
                "cn002",
                ExportNode.group(fleet(), Optional.empty(), Optional.of("cn002"))
                        .get(0)
                        .name());
        List<ExportNode> renamed = ExportNode.group(fleet(), Optional.of("node-b"), Optional.of("cn002.hpc.example"));
        assertEquals(1, renamed.size());
        assertEquals("node-b", renamed.get(0).name());

        ExportException none = assertThrows(
                ExportException.class, () -> ExportNode.group(fleet(), Optional.empty(), Optional.of("cn009")));
        assertEquals(
                "--host cn009 matches no node in the inputs (they hold: cn001.hpc.example, cn002.hpc.example,"
                        + " 10.0.0.7)",
                none.getMessage());
    }

    @Test
    void shouldRefuseANodeNameForSeveralHosts() {
        ExportException e = assertThrows(
                ExportException.class, () -> ExportNode.group(fleet(), Optional.of("x"), Optional.empty()));
        assertTrue(e.getMessage().startsWith("--node-name needs inputs of a single node; they hold 3"), e.getMessage());
    }

    @Test
    void shouldPutSeveralSpecsOfOneHostOnOneNodeButNotOneSpecTwice() throws Exception {
        List<Certification> cs = new ArrayList<>();
        cs.addAll(ExportFixtures.read(ExportFixtures.json(ExportFixtures.eligible("cn1.a", "one")), "one.json"));
        cs.addAll(ExportFixtures.read(ExportFixtures.json(ExportFixtures.eligible("cn1.b", "two")), "two.json"));
        List<ExportNode> nodes = ExportNode.group(cs, Optional.empty(), Optional.empty());
        assertEquals(1, nodes.size());
        assertEquals(
                List.of("one", "two"),
                nodes.get(0).certifications().stream()
                        .map(Certification::specName)
                        .toList());

        cs.addAll(ExportFixtures.read(ExportFixtures.json(ExportFixtures.eligible("cn1", "one")), "again.json"));
        ExportException e =
                assertThrows(ExportException.class, () -> ExportNode.group(cs, Optional.empty(), Optional.empty()));
        assertEquals(
                "node cn1 is certified for spec 'one' twice (one.json and again.json); give one certification per"
                        + " node and spec",
                e.getMessage());
    }
}
