package io.iocert.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SpecSchemaTest {
    private static final Path RESOURCE = Path.of("src/main/resources/io/iocert/spec", SpecSchema.RESOURCE);

    @Test
    void shouldMatchSchemaGeneratedFromProbeTable() throws IOException {
        String generated = SchemaGenerator.text();
        if (Boolean.getBoolean("iocert.schema.write")) {
            Files.writeString(RESOURCE, generated, StandardCharsets.UTF_8);
        }
        assertEquals(
                generated,
                SpecSchema.text(),
                "the schema resource is out of date with ProbeType; regenerate it (see SchemaGenerator)");
    }

    @Test
    void shouldDeclareDraft202012AndRejectUnknownTopLevelKeys() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(SpecSchema.text());
        assertEquals(
                "https://json-schema.org/draft/2020-12/schema",
                schema.get("$schema").asText());
        assertEquals(false, schema.get("additionalProperties").asBoolean());
        assertEquals("v1", schema.at("/properties/iocert/const").asText());
    }

    @Test
    void shouldListEveryProbeWithItsMetricsAndWorkloadKeys() throws IOException {
        JsonNode schema = new ObjectMapper().readTree(SpecSchema.text());
        for (ProbeType p : ProbeType.values()) {
            JsonNode expect = schema.at("/$defs/expect-" + p.id() + "/properties");
            assertEquals(p.metrics().size(), expect.size(), p.id());
            p.metrics().forEach(m -> assertTrue(expect.has(m.id()), p.id() + " " + m.id()));
            JsonNode workload = schema.at("/$defs/workload-" + p.id() + "/properties");
            assertEquals(p.workloadKeys().size(), workload.size(), p.id());
            p.workloadKeys().forEach(k -> assertTrue(workload.has(k.name()), p.id() + " " + k.name()));
        }
    }

    @Test
    void shouldRejectUnitThatDoesNotFitMetricInSchemaItself() throws SpecException {
        SpecTree tree = TreeReader.read("""
                iocert: v1
                name: s
                requirements:
                  - {id: r, probe: fs.read, expect: {latency: {p99: ">= 5 GB/s"}}}
                """, "s.yaml");
        List<SpecException> errors = SchemaCheck.errors(tree);
        assertEquals(1, errors.size());
        assertEquals(
                "s.yaml:4:53: requirements[0](r).expect.latency.p99: the spec v1 schema says: "
                        + "does not match the pattern for this field; expected a comparator (<=, <, >=, >) and "
                        + "a duration (ns, us, ms, s, min), such as \"<= 2 ms\"",
                errors.get(0).getMessage());
    }

    @Test
    void shouldNameUnknownKeyAndAllowedKeysInSchemaFinding() throws SpecException {
        SpecTree tree = TreeReader.read("""
                iocert: v1
                name: s
                requirements:
                  - {id: r, probe: net.connect, workload: {count: 3, size: 1KiB}, expect: {latency: {p99: "<= 1 ms"}}}
                """, "s.yaml");
        assertEquals(
                "s.yaml:4:54: requirements[0](r).workload.size: the spec v1 schema says: unknown key 'size'; "
                        + "expected one of count, duration",
                SchemaCheck.firstError(tree).orElseThrow().getMessage());
    }

    @Test
    void shouldAcceptEveryExampleInSchema() throws Exception {
        try (Stream<Path> files = Files.list(ExampleSpecsTest.EXAMPLES)) {
            for (Path f : files.toList()) {
                SpecTree tree =
                        TreeReader.read(Files.readString(f), f.getFileName().toString());
                assertEquals(List.of(), SchemaCheck.errors(tree), f.toString());
            }
        }
    }
}
