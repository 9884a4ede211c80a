package io.iocert.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example spec loads, and the bundled default stays quick and portable. */
class ExampleSpecsTest {
    static final Path EXAMPLES = Path.of("..", "examples", "specs");

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            List<Path> specs = files.filter(
                            f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".json"))
                    .sorted()
                    .toList();
            assertFalse(specs.isEmpty(), "no example specs in " + EXAMPLES);
            return specs.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void shouldLoadExampleSpec(Path file) throws SpecException {
        Spec spec = SpecLoader.load(file);
        assertFalse(spec.requirements().isEmpty());
        assertEquals(64, spec.sha256().length());
    }

    @Test
    void shouldKeepDefaultSpecShortAndPortable() throws SpecException {
        Spec spec = SpecLoader.load(EXAMPLES.resolve("default.yaml"));
        assertTrue(spec.filesystemPath().isEmpty(), "the default spec must not name a directory");
        boolean fs = false;
        boolean net = false;
        boolean compute = false;
        Duration total = Duration.ZERO;
        for (Requirement r : spec.requirements()) {
            fs |= r.probe().id().startsWith("fs.");
            net |= r.probe().id().startsWith("net.");
            compute |= r.probe().id().startsWith("compute.");
            total = total.plus(r.budget());
            assertTrue(r.budget().compareTo(Duration.ofSeconds(10)) <= 0, r.id() + " budget " + r.budget());
            if (r.workload().has("direct")) {
                assertEquals("auto", r.workload().text("direct", ""), r.id() + " must work without O_DIRECT");
            }
            r.workload()
                    .quantity("fileSize")
                    .ifPresent(size -> assertTrue(size.value() <= 64 * 1024 * 1024, r.id() + " fileSize " + size));
        }
        assertTrue(fs && net && compute, "the default spec touches the filesystem, the network and the CPU");
        assertTrue(total.compareTo(Duration.ofMinutes(1)) <= 0, "total budget " + total);
    }
}
