package io.iocert.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {

    private static final String YAML = """
            # a comment that does not change the hash
            iocert: v1
            name: ocean-checkpoint
            description: Ocean model writing checkpoints
            confidence: 0.9
            budget: 30s
            filesystem: {path: /scratch}
            requirements:
              - id: checkpoint-write
                probe: fs.write
                workload: {pattern: sequential, blockSize: 1MiB, fileSize: 1GiB, threads: 1, direct: true, fsync: 8}
                expect:
                  throughput: {p10: ">= 400 MB/s"}
              - id: restart-read
                probe: fs.read
                confidence: 0.99
                budget: 2min
                workload: {pattern: random, blockSize: 4KiB, threads: all, direct: auto, rate: 5 kIOPS, readPercent: 70}
                expect:
                  latency: {p50: "<= 300 us", p99: "<= 2 ms"}
                  iops: {mean: ">= 5000 IOPS", cv: 0.1}
              - id: halo
                probe: net.pingpong
                workload: {sizes: [64B, 8KiB], warmup: 0s}
                expect:
                  rtt: {p99.9: "<= 1 ms", cv: "<= 5%"}
            """;

    private static final String JSON = """
            {"requirements": [
               {"probe": "fs.write", "id": "checkpoint-write",
                "expect": {"throughput": {"p10": ">= 400 MB/s"}},
                "workload": {"fsync": 8, "direct": true, "threads": 1, "fileSize": "1GiB", "blockSize": "1MiB",
                             "pattern": "sequential"}},
               {"id": "restart-read", "probe": "fs.read", "confidence": 0.990, "budget": "2min",
                "workload": {"pattern": "random", "blockSize": "4KiB", "threads": "all", "direct": "auto",
                             "rate": "5 kIOPS", "readPercent": 70},
                "expect": {"latency": {"p50": "<= 300 us", "p99": "<= 2 ms"},
                           "iops": {"mean": ">= 5000 IOPS", "cv": 1e-1}}},
               {"id": "halo", "probe": "net.pingpong", "workload": {"sizes": ["64B", "8KiB"], "warmup": "0s"},
                "expect": {"rtt": {"p99.9": "<= 1 ms", "cv": "<= 5%"}}}],
             "filesystem": {"path": "/scratch"}, "budget": "30s", "confidence": 0.90,
             "description": "Ocean model writing checkpoints", "name": "ocean-checkpoint", "iocert": "v1"}
            """;

    @Test
    void shouldLoadTopLevelFields() throws SpecException {
        Spec spec = SpecLoader.parse(YAML, "ocean.yaml");
        assertEquals("v1", spec.version());
        assertEquals("ocean-checkpoint", spec.name());
        assertEquals("Ocean model writing checkpoints", spec.description());
        assertEquals(0.9, spec.confidence());
        assertEquals(Duration.ofSeconds(30), spec.budget());
        assertEquals(Path.of("/scratch"), spec.filesystemPath().orElseThrow());
        assertEquals(
                List.of("checkpoint-write", "restart-read", "halo"),
                spec.requirements().stream().map(Requirement::id).toList());
    }

    @Test
    void shouldTypeWorkloadValuesByTheirKey() throws SpecException {
        Spec spec = SpecLoader.parse(YAML, "ocean.yaml");
        Workload write = spec.requirement("checkpoint-write").orElseThrow().workload();
        assertEquals(Quantity.bytes(1048576), write.quantity("blockSize").orElseThrow());
        assertEquals(
                Quantity.bytes(1024.0 * 1024 * 1024), write.quantity("fileSize").orElseThrow());
        assertEquals(1L, write.count("threads", 0));
        assertEquals("true", write.text("direct", ""), "a YAML boolean is accepted for a tristate");
        assertEquals(8L, write.count("fsync", 0));
        assertEquals("sequential", write.text("pattern", ""));

        Workload read = spec.requirement("restart-read").orElseThrow().workload();
        assertEquals("all", read.text("threads", ""));
        assertEquals("auto", read.text("direct", ""));
        assertEquals(
                new Quantity(5000, Dimension.OP_RATE), read.quantity("rate").orElseThrow());
        assertEquals(70L, read.count("readPercent", 0));
        assertTrue(!read.has("fileSize"), "absent keys stay absent: the probe's default applies");

        Workload halo = spec.requirement("halo").orElseThrow().workload();
        assertEquals(List.of(Quantity.bytes(64), Quantity.bytes(8192)), halo.quantities("sizes"));
        assertEquals(Quantity.nanos(0), halo.quantity("warmup").orElseThrow());
    }

    @Test
    void shouldParseThresholdsInCanonicalUnits() throws SpecException {
        Requirement read =
                SpecLoader.parse(YAML, "ocean.yaml").requirement("restart-read").orElseThrow();
        List<Expectation> e = read.expectations();
        assertEquals(4, e.size());
        assertEquals(
                new Expectation(
                        Metric.LATENCY,
                        Statistic.percentile(50),
                        new Threshold(Comparator.LE, Quantity.nanos(300_000))),
                e.get(0));
        assertEquals(
                new Expectation(
                        Metric.LATENCY, Statistic.percentile(99), new Threshold(Comparator.LE, Quantity.nanos(2e6))),
                e.get(1));
        assertEquals(
                new Expectation(
                        Metric.IOPS,
                        Statistic.of(Statistic.Kind.MEAN),
                        new Threshold(Comparator.GE, new Quantity(5000, Dimension.OP_RATE))),
                e.get(2));
        assertEquals(
                new Expectation(
                        Metric.IOPS,
                        Statistic.of(Statistic.Kind.CV),
                        new Threshold(Comparator.LE, new Quantity(0.1, Dimension.RATIO))),
                e.get(3),
                "a bare cv is an upper bound");

        Requirement halo =
                SpecLoader.parse(YAML, "ocean.yaml").requirement("halo").orElseThrow();
        assertEquals(Statistic.percentile(99.9), halo.expectations().get(0).statistic());
        assertEquals(0.05, halo.expectations().get(1).threshold().quantity().value(), 1e-12);
        Requirement write = SpecLoader.parse(YAML, "ocean.yaml")
                .requirement("checkpoint-write")
                .orElseThrow();
        assertEquals(
                Quantity.bytesPerSecond(400e6),
                write.expectations().get(0).threshold().quantity());
    }

    @Test
    void shouldReadSustainedAndRefuseAnythingButABoolean() throws SpecException {
        String spec = "iocert: v1\nname: burst\nrequirements:\n  - id: w\n    probe: fs.write\n    sustained: %s\n"
                + "    expect: {throughput: {p10: \">= 40 MB/s\"}}\n";
        assertTrue(SpecLoader.parse(String.format(spec, "true"), "b.yaml")
                .requirement("w")
                .orElseThrow()
                .sustained());
        assertFalse(SpecLoader.parse(String.format(spec, "false"), "b.yaml")
                .requirement("w")
                .orElseThrow()
                .sustained());
        assertFalse(
                SpecLoader.parse(YAML, "ocean.yaml")
                        .requirement("checkpoint-write")
                        .orElseThrow()
                        .sustained(),
                "not sustained unless asked");
        SpecException e =
                assertThrows(SpecException.class, () -> SpecLoader.parse(String.format(spec, "yes please"), "b.yaml"));
        assertTrue(e.getMessage().startsWith("b.yaml:6:16: requirements[0](w).sustained"), e.getMessage());
        assertTrue(
                e.getMessage()
                        .contains("expected true (judge interval statistics on the run's final regime only) or false"),
                e.getMessage());
    }

    @Test
    void shouldReadCoordinatedRequirementsAndRefuseWhatThisBuildCannotRun() throws SpecException {
        String spec = "iocert: v1\nname: together\nrequirements:\n  - id: w\n    probe: %s\n    coordinated: %s\n"
                + "    expect: {throughput: {p10: \"%s\"}}\n";
        Requirement aggregate = SpecLoader.parse(
                        String.format(spec, "fs.write", "{nodes: 16, scope: aggregate}", ">= 10 GB/s"), "c.yaml")
                .requirement("w")
                .orElseThrow();
        assertEquals(
                new Coordination(16, Coordination.Layout.FILE_PER_PROCESS, Coordination.Scope.AGGREGATE),
                aggregate.coordinated().orElseThrow());
        assertEquals(
                10e9, aggregate.expectations().get(0).threshold().quantity().value());
        Requirement perNode = SpecLoader.parse(String.format(spec, "fs.read", "{}", ">= 500 MB/s"), "c.yaml")
                .requirement("w")
                .orElseThrow();
        assertEquals(
                Coordination.Scope.PER_NODE, perNode.coordinated().orElseThrow().scope(), "per-node by default");
        assertEquals(0, perNode.coordinated().orElseThrow().nodes(), "whoever the coordinator runs");
        assertTrue(SpecLoader.parse(YAML, "ocean.yaml")
                .requirement("checkpoint-write")
                .orElseThrow()
                .coordinated()
                .isEmpty());
        // A straggler's thresholds are ratios; a rate there is refused, as a ratio elsewhere.
        Requirement straggler = SpecLoader.parse(
                        String.format(spec, "fs.write", "{scope: straggler}", ">= 0.8"), "c.yaml")
                .requirement("w")
                .orElseThrow();
        assertEquals(
                Dimension.RATIO,
                straggler.expectations().get(0).threshold().quantity().dimension());
        assertEquals(0.8, straggler.expectations().get(0).threshold().quantity().value());
        assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(String.format(spec, "fs.write", "{scope: straggler}", ">= 10 MB/s"), "c.yaml"));
        assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(String.format(spec, "fs.write", "{scope: aggregate}", ">= 0.8"), "c.yaml"));

        SpecException scope = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(String.format(spec, "fs.write", "{scope: everyone}", ">= 1 MB/s"), "c.yaml"));
        assertTrue(scope.getMessage().startsWith("c.yaml:6:"), scope.getMessage());
        assertTrue(scope.getMessage().contains("requirements[0](w).coordinated.scope"), scope.getMessage());
        assertTrue(scope.getMessage().contains("aggregate, per-node, straggler"), scope.getMessage());
        SpecException net = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.format(spec, "compute.flops", "{nodes: 2}", ">= 1 MB/s")
                                .replace("throughput", "flops"),
                        "c.yaml"));
        assertTrue(
                net.getMessage().contains("probe compute.flops cannot run coordinated in this build"),
                net.getMessage());
        SpecException zero = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(String.format(spec, "fs.write", "{nodes: 0}", ">= 1 MB/s"), "c.yaml"));
        assertTrue(zero.getMessage().contains("coordinated.nodes"), zero.getMessage());
    }

    @Test
    void shouldReadPartnerPatternsOfCoordinatedNetProbesAndLocateWhatDoesNotFit() throws SpecException {
        String spec = "iocert: v1\nname: fabric\nrequirements:\n"
                + "  - id: bulk\n    probe: net.stream\n    coordinated: %s\n    expect: {throughput: {p10: \">= 1 MB/s\"}}\n"
                + "  - id: halo\n    probe: net.pingpong\n    coordinated: %s\n    workload: %s\n"
                + "    expect: {rtt: {p99: \"<= 1 ms\"}}\n";
        Spec ok = SpecLoader.parse(
                String.format(
                        spec,
                        "{nodes: 4, scope: aggregate, pattern: all-to-all}",
                        "{nodes: 4, concurrentWith: bulk}",
                        "{messageSize: 8KiB}"),
                "f.yaml");
        Coordination bulk = ok.requirement("bulk").orElseThrow().coordinated().orElseThrow();
        assertEquals(Coordination.Pattern.ALL_TO_ALL, bulk.pattern());
        assertEquals(Optional.empty(), bulk.concurrentWith());
        Coordination halo = ok.requirement("halo").orElseThrow().coordinated().orElseThrow();
        assertEquals(Coordination.Pattern.RING, halo.pattern(), "ring by default");
        assertEquals(Optional.of("bulk"), halo.concurrentWith());
        assertEquals(List.of(1), Coordination.Pattern.RING.partners(0, 4));
        assertEquals(List.of(0), Coordination.Pattern.RING.partners(3, 4));
        assertEquals(List.of(3, 0, 1), Coordination.Pattern.ALL_TO_ALL.partners(2, 4));
        assertEquals(List.of(), Coordination.Pattern.ALL_TO_ALL.partners(0, 1), "a node alone has no partner");

        SpecException unknown = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(String.format(spec, "{pattern: star}", "{}", "{}"), "f.yaml"));
        assertTrue(unknown.getMessage().startsWith("f.yaml:6:"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("requirements[0](bulk).coordinated.pattern"), unknown.getMessage());
        assertTrue(unknown.getMessage().contains("ring, all-to-all"), unknown.getMessage());
        SpecException layout = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(String.format(spec, "{layout: shared-file}", "{}", "{}"), "f.yaml"));
        assertTrue(layout.getMessage().contains("requirements[0](bulk).coordinated.layout"), layout.getMessage());
        assertTrue(
                layout.getMessage().contains("unknown key 'layout' in coordinated of net.stream"), layout.getMessage());
        SpecException self = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(String.format(spec, "{}", "{concurrentWith: halo}", "{}"), "f.yaml"));
        assertTrue(self.getMessage().contains("requirements[1](halo).coordinated.concurrentWith"), self.getMessage());
        assertTrue(self.getMessage().contains("names the requirement itself"), self.getMessage());
        SpecException missing = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(String.format(spec, "{}", "{concurrentWith: bulkk}", "{}"), "f.yaml"));
        assertTrue(
                missing.getMessage().contains("names 'bulkk', which is no requirement of this spec"),
                missing.getMessage());
        assertTrue(
                missing.getMessage().contains("expected the id of another coordinated requirement: bulk"),
                missing.getMessage());
        SpecException nodes = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.format(spec, "{nodes: 4}", "{nodes: 8, concurrentWith: bulk}", "{}"), "f.yaml"));
        assertTrue(nodes.getMessage().contains("which is for 4 nodes, this requirement for 8"), nodes.getMessage());
        SpecException sweep = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(String.format(spec, "{}", "{}", "{sizes: [64B, 8KiB]}"), "f.yaml"));
        assertTrue(sweep.getMessage().contains("requirements[1](halo).workload.sizes"), sweep.getMessage());
        SpecException patternOnFs = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        "iocert: v1\nname: x\nrequirements:\n  - id: w\n    probe: fs.write\n    coordinated: {pattern: ring}\n"
                                + "    expect: {throughput: {p10: \">= 1 MB/s\"}}\n",
                        "f.yaml"));
        assertTrue(
                patternOnFs.getMessage().contains("unknown key 'pattern' in coordinated of fs.write"),
                patternOnFs.getMessage());
    }

    @Test
    void shouldAcceptEachSharedLayoutOnItsOwnProbesAndLocateTheOthers() throws SpecException {
        String spec = "iocert: v1\nname: together\nrequirements:\n  - id: w\n    probe: %s\n    coordinated: %s\n"
                + "    workload: %s\n    expect: {%s}\n";
        String rate = "throughput: {p10: \">= 1 MB/s\"}";
        String ops = "ops: {mean: \">= 100 ops/s\"}";
        Requirement nToOne = SpecLoader.parse(
                        String.format(
                                spec,
                                "fs.write",
                                "{nodes: 4, scope: aggregate, layout: shared-file}",
                                "{fileSize: 1GiB, threads: 2}",
                                rate),
                        "c.yaml")
                .requirement("w")
                .orElseThrow();
        assertEquals(
                Coordination.Layout.SHARED_FILE,
                nToOne.coordinated().orElseThrow().layout());
        assertTrue(nToOne.coordinated().orElseThrow().layout().shared());
        assertEquals(
                Coordination.Layout.SHARED_FILE,
                SpecLoader.parse(
                                String.format(spec, "fs.read", "{layout: shared-file}", "{fileSize: 1GiB}", rate),
                                "c.yaml")
                        .requirement("w")
                        .orElseThrow()
                        .coordinated()
                        .orElseThrow()
                        .layout());
        Requirement mdtest = SpecLoader.parse(
                        String.format(
                                spec,
                                "fs.metadata",
                                "{scope: aggregate, layout: shared-dir}",
                                "{operation: create, files: 1000}",
                                ops),
                        "c.yaml")
                .requirement("w")
                .orElseThrow();
        assertEquals(
                new Coordination(0, Coordination.Layout.SHARED_DIR, Coordination.Scope.AGGREGATE),
                mdtest.coordinated().orElseThrow());
        assertEquals(
                Coordination.Layout.FILE_PER_PROCESS,
                SpecLoader.parse(String.format(spec, "fs.metadata", "{}", "{operation: stat}", ops), "c.yaml")
                        .requirement("w")
                        .orElseThrow()
                        .coordinated()
                        .orElseThrow()
                        .layout(),
                "fs.metadata file-per-process: each node its own directory (mdtest -u)");

        SpecException dirOnWrite = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.format(spec, "fs.write", "{layout: shared-dir}", "{fileSize: 1GiB}", rate), "c.yaml"));
        assertTrue(dirOnWrite.getMessage().startsWith("c.yaml:6:"), dirOnWrite.getMessage());
        assertTrue(dirOnWrite.getMessage().contains("requirements[0](w).coordinated.layout"), dirOnWrite.getMessage());
        assertTrue(
                dirOnWrite
                        .getMessage()
                        .contains("layout shared-dir does not apply to fs.write (it is for fs.metadata)"),
                dirOnWrite.getMessage());
        assertTrue(
                dirOnWrite.getMessage().contains("file-per-process, shared-file for fs.write"),
                dirOnWrite.getMessage());
        SpecException fileOnMetadata = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.format(spec, "fs.metadata", "{layout: shared-file}", "{files: 10}", ops), "c.yaml"));
        assertTrue(fileOnMetadata.getMessage().contains("coordinated.layout"), fileOnMetadata.getMessage());
        assertTrue(
                fileOnMetadata.getMessage().contains("file-per-process, shared-dir for fs.metadata"),
                fileOnMetadata.getMessage());
        SpecException unknown = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.format(spec, "fs.write", "{layout: n-1}", "{fileSize: 1GiB}", rate), "c.yaml"));
        assertTrue(unknown.getMessage().contains("unknown layout 'n-1'"), unknown.getMessage());
        SpecException allThreads = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.format(
                                spec, "fs.write", "{layout: shared-file}", "{fileSize: 1GiB, threads: all}", rate),
                        "c.yaml"));
        assertTrue(allThreads.getMessage().startsWith("c.yaml:7:"), allThreads.getMessage());
        assertTrue(allThreads.getMessage().contains("requirements[0](w).workload.threads"), allThreads.getMessage());
        assertTrue(allThreads.getMessage().contains("a whole number of threads"), allThreads.getMessage());
        SpecException tree = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.format(spec, "fs.metadata", "{layout: shared-dir}", "{files: 10, layout: tree}", ops),
                        "c.yaml"));
        assertTrue(tree.getMessage().contains("requirements[0](w).workload.layout"), tree.getMessage());
        assertTrue(tree.getMessage().contains("flat, or coordinated layout file-per-process"), tree.getMessage());
        SpecException fsync = assertThrows(
                SpecException.class,
                () -> SpecLoader.parse(
                        String.format(spec, "fs.fsync", "{}", "{blockSize: 4KiB}", "latency: {p99: \"<= 1 ms\"}"),
                        "c.yaml"));
        assertTrue(
                fsync.getMessage().contains("probe fs.fsync cannot run coordinated in this build"), fsync.getMessage());
        assertTrue(fsync.getMessage().contains("fs.write, fs.read, fs.metadata"), fsync.getMessage());
    }

    @Test
    void shouldInheritConfidenceAndBudgetUnlessRequirementOverrides() throws SpecException {
        Spec spec = SpecLoader.parse(YAML, "ocean.yaml");
        Requirement write = spec.requirement("checkpoint-write").orElseThrow();
        assertEquals(0.9, write.confidence());
        assertEquals(Duration.ofSeconds(30), write.budget());
        Requirement read = spec.requirement("restart-read").orElseThrow();
        assertEquals(0.99, read.confidence());
        assertEquals(Duration.ofMinutes(2), read.budget());
    }

    @Test
    void shouldApplyDefaultsWhenSpecOmitsConfidenceAndBudget() throws SpecException {
        Spec spec = SpecLoader.parse("""
                iocert: v1
                name: minimal
                requirements:
                  - {id: quiet, probe: compute.jitter, expect: {hiccup: {p99.9: "<= 1 ms"}}}
                """, "minimal.yaml");
        assertEquals(Spec.DEFAULT_CONFIDENCE, spec.confidence());
        assertEquals(Spec.DEFAULT_BUDGET, spec.budget());
        assertTrue(spec.filesystemPath().isEmpty());
        assertEquals("", spec.description());
        Requirement quiet = spec.requirements().get(0);
        assertEquals(Spec.DEFAULT_CONFIDENCE, quiet.confidence());
        assertEquals(Spec.DEFAULT_BUDGET, quiet.budget());
        assertEquals(Workload.EMPTY, quiet.workload());
    }

    @Test
    void shouldLoadSameSpecFromYamlAndJsonWithSameHash() throws SpecException {
        Spec yaml = SpecLoader.parse(YAML, "ocean.yaml");
        Spec json = SpecLoader.parse(JSON, "ocean.json");
        assertEquals(yaml.sha256(), json.sha256());
        assertEquals(yaml, json);
        assertTrue(yaml.sha256().matches("[0-9a-f]{64}"));
    }

    @Test
    void shouldChangeHashWhenSpecChanges() throws SpecException {
        Spec a = SpecLoader.parse(YAML, "ocean.yaml");
        Spec b = SpecLoader.parse(YAML.replace("<= 2 ms", "<= 3 ms"), "ocean.yaml");
        assertNotEquals(a.sha256(), b.sha256());
    }

    @Test
    void shouldHashCanonicalJsonWithSortedKeysAndNormalisedNumbers() throws Exception {
        JsonNode node = TreeReader.read("""
                z: [true, null, "é\\n", 1.50, 4.0, 1e3, 0.000001]
                a: {y: 2, b: 1}
                """, "x.yaml").root();
        String canonical = new String(CanonicalJson.bytes(node), StandardCharsets.UTF_8);
        assertEquals("{\"a\":{\"b\":1,\"y\":2},\"z\":[true,null,\"é\\n\",1.5,4,1000,0.000001]}", canonical);
        JsonNode parsed = new ObjectMapper().readTree(canonical);
        assertEquals(
                CanonicalJson.sha256(node),
                CanonicalJson.sha256(
                        TreeReader.read(parsed.toString(), "x.json").root()));
    }

    @Test
    void shouldMatchHashOfFileAndTextAndIgnoreByteOrderMarkAndCrlf(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ocean.yaml");
        Files.write(file, ("\uFEFF" + YAML.replace("\n", "\r\n")).getBytes(StandardCharsets.UTF_8));
        assertEquals(
                SpecLoader.parse(YAML, "ocean.yaml").sha256(),
                SpecLoader.load(file).sha256());
    }

    @Test
    void shouldGiveCanonicalJsonThatHashesToTheSpecHashAndLoadsAsTheSameSpec(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ocean.yaml");
        Files.writeString(file, YAML);
        byte[] canonical = SpecLoader.canonicalJson(file);
        Spec spec = SpecLoader.load(file);
        assertEquals(
                spec.sha256(),
                java.util.HexFormat.of()
                        .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                .digest(canonical)));
        Spec again = SpecLoader.parse(new String(canonical, StandardCharsets.UTF_8), "image");
        // The same spec by its hash; map keys (workload, expect) come back sorted, lists keep their order.
        assertEquals(spec.sha256(), again.sha256());
        assertEquals(
                spec.requirements().stream().map(Requirement::id).toList(),
                again.requirements().stream().map(Requirement::id).toList());
        assertEquals(spec.name(), again.name());
    }

    @Test
    void shouldRefuseCanonicalJsonOfAnInvalidSpec(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, YAML.replace("<= 2 ms", ">= 5 GB/s"));
        assertThrows(SpecException.class, () -> SpecLoader.canonicalJson(file));
    }

    @Test
    void shouldReadJsonWithJsonParserWhenTextStartsWithBrace() {
        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse("{\"iocert\": \"v1\",}", "spec"));
        assertEquals(
                "spec:1:17: JSON syntax error: unexpected character '}'; expected double-quote to start field name",
                e.getMessage());
    }

    @Test
    void shouldReadYamlFlowMappingAsYamlWhenNamedYaml() throws SpecException {
        Spec spec = SpecLoader.parse(
                "{iocert: v1, name: flow, requirements: [{id: c, probe: net.connect, "
                        + "expect: {latency: {p99: <= 5 ms}}}]}",
                "flow.yaml");
        assertEquals("flow", spec.name());
    }

    @Test
    void shouldAcceptEveryProbeWithEveryMetricStatisticAndWorkloadKey() throws SpecException {
        StringBuilder yaml = new StringBuilder("iocert: v1\nname: everything\nrequirements:\n");
        Map<WorkloadKey.Type, String> values = Map.of(
                WorkloadKey.Type.SIZE,
                "4KiB",
                WorkloadKey.Type.SIZE_LIST,
                "[64B, 1KiB]",
                WorkloadKey.Type.DURATION,
                "1s",
                WorkloadKey.Type.OP_RATE,
                "100 ops/s",
                WorkloadKey.Type.COUNT,
                "2",
                WorkloadKey.Type.THREADS,
                "all",
                WorkloadKey.Type.PERCENT,
                "50",
                WorkloadKey.Type.TRISTATE,
                "auto",
                WorkloadKey.Type.FSYNC_POLICY,
                "4",
                WorkloadKey.Type.BOOLEAN,
                "true");
        int expectations = 0;
        for (ProbeType p : ProbeType.values()) {
            yaml.append("  - id: ")
                    .append(p.id())
                    .append("\n    probe: ")
                    .append(p.id())
                    .append("\n    workload:\n");
            for (WorkloadKey k : p.workloadKeys()) {
                String v = k.type() == WorkloadKey.Type.ENUM
                        ? k.allowed().get(k.allowed().size() - 1)
                        : values.get(k.type());
                yaml.append("      ").append(k.name()).append(": ").append(v).append('\n');
            }
            yaml.append("    expect:\n");
            for (Metric m : p.metrics()) {
                String t = SpecBinder.example(m.dimension(), true);
                yaml.append("      ")
                        .append(m.id())
                        .append(": {min: \"")
                        .append(t)
                        .append("\", max: \"")
                        .append(t)
                        .append("\", mean: \"")
                        .append(t)
                        .append("\", median: \"")
                        .append(t)
                        .append("\", stddev: \"")
                        .append(t)
                        .append("\", cv: \"<= 0.5\", p50: \"")
                        .append(t)
                        .append("\", p99.99: \"")
                        .append(t)
                        .append("\", p100: \"")
                        .append(t)
                        .append("\"}\n");
                expectations += 9;
            }
        }
        Spec spec = SpecLoader.parse(yaml.toString(), "everything.yaml");
        assertEquals(ProbeType.values().length, spec.requirements().size());
        assertEquals(
                expectations,
                spec.requirements().stream()
                        .mapToInt(r -> r.expectations().size())
                        .sum());
        for (Requirement r : spec.requirements()) {
            assertEquals(r.probe().workloadKeys().size(), r.workload().values().size(), r.id());
        }
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(
            delimiter = '|',
            value = {
                "net.stream|interval: 1ns|interval: '1ns' is below the minimum of 1 ms for interval; expected a duration (ns, us, ms, s, min), at least 1 ms",
                "net.pingpong|messageSize: 2GiB|messageSize: '2GiB' is above the maximum of 1 GiB for messageSize; expected a size (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB), at most 1 GiB",
                "net.pingpong|sizes: [64B, 2GiB]|sizes[1]: '2GiB' is above the maximum of 1 GiB for sizes; expected a list of sizes, such as [64B, 8KiB, 1MiB], each at most 1 GiB",
                "net.stream|streams: 100000|streams: 100000 is above the maximum of 4096; expected a whole number of at least 1, at most 4096",
                "fs.read|threads: 100000|threads: 100000 is above the maximum of 4096; expected a whole number from 1 to 4096, or all",
                "fs.write|blockSize: 2GiB|blockSize: '2GiB' is above the maximum of 1 GiB for blockSize; expected a size (B, KB, KiB, MB, MiB, GB, GiB, TB, TiB), at most 1 GiB"
            })
    void shouldRefuseWorkloadsThatCouldOnlyFailWhileProbing(String probe, String workload, String message) {
        String text = "iocert: v1\nname: s\nrequirements:\n  - id: r\n    probe: " + probe + "\n    workload: {"
                + workload + "}\n    expect: {"
                + ProbeType.ofId(probe).orElseThrow().metrics().get(0).id()
                + ": {p50: " + (probe.startsWith("net.stream") ? "\">= 1 MB/s\"" : "\"<= 1 ms\"") + "}}\n";

        SpecException e = assertThrows(SpecException.class, () -> SpecLoader.parse(text, "s.yaml"));

        assertTrue(e.getMessage().endsWith("requirements[0](r).workload." + message), e.getMessage());
    }

    @Test
    void shouldBindAThresholdPerWindowOfTime() throws SpecException {
        Spec spec = SpecLoader.parse("""
                iocert: v1
                name: volume
                requirements:
                  - id: iops
                    probe: fs.read
                    expect:
                      iops:
                        mean: ">= 3500 IOPS"
                        p10: {threshold: ">= 3000 IOPS", window: 1min, windowShare: 99.9%}
                      throughput: {median: {windowShare: 0.9, window: 10s, threshold: ">= 100 MB/s"}}
                """, "volume.yaml");
        List<Expectation> e = spec.requirements().get(0).expectations();
        assertEquals(3, e.size());
        assertTrue(e.get(0).windows().isEmpty());
        assertEquals("mean", e.get(0).label());
        Windows w = e.get(1).windows().orElseThrow();
        assertEquals(60_000_000_000L, w.lengthNs());
        assertEquals(0.999, w.share(), 1e-12);
        assertEquals(">= 3 kops/s", e.get(1).threshold().toString());
        assertEquals("p10 >= 3 kops/s per 1 min window", e.get(1).label());
        assertEquals("99.9%", w.sharePercent());
        assertEquals(new Windows(10_000_000_000L, 0.9), e.get(2).windows().orElseThrow());
    }
}
