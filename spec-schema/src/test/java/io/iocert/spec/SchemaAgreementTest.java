package io.iocert.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hand-written checks and the published JSON Schema must agree on what is a valid spec:
 * every example spec and every malformed fixture that parses into a tree goes through both.
 * Fixtures rejected while parsing (syntax, encoding, duplicates, aliases, depth) never reach
 * either, so they are not part of this comparison.
 */
class SchemaAgreementTest {
    /** Rules JSON Schema cannot express: only the Java checks reject these. */
    private static final Set<String> JAVA_ONLY = Set.of("duplicate-requirement-ids.yaml");

    static Stream<Path> trees() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> examples = Files.list(ExampleSpecsTest.EXAMPLES);
                Stream<Path> malformed = Files.list(MalformedSpecTest.DIR)) {
            Stream.concat(examples, malformed).sorted().forEach(files::add);
        }
        return files.stream().filter(f -> tree(f) != null);
    }

    private static SpecTree tree(Path file) {
        try {
            String name = file.getFileName().toString();
            return TreeReader.read(SourceText.read(file, name), name);
        } catch (SpecException e) {
            return null;
        }
    }

    @ParameterizedTest
    @MethodSource("trees")
    void shouldAgreeWithSchemaOnAcceptAndReject(Path file) {
        SpecTree tree = tree(file);
        String name = file.getFileName().toString();
        String javaError = null;
        try {
            SpecBinder.bind(tree, "");
        } catch (SpecException e) {
            javaError = e.getMessage();
        }
        List<SpecException> schemaErrors = SchemaCheck.errors(tree);
        String schemaError = schemaErrors.isEmpty() ? null : schemaErrors.get(0).getMessage();
        if (JAVA_ONLY.contains(name)) {
            assertTrue(
                    javaError != null && schemaError == null, name + ": java " + javaError + ", schema " + schemaError);
        } else if ((javaError == null) != (schemaError == null)) {
            fail(name + ": the checks and the schema disagree; java: " + javaError + "; schema: " + schemaError);
        }
    }

    @Test
    void shouldCompareEnoughFixtures() throws IOException {
        long malformedTrees =
                trees().filter(f -> f.startsWith(MalformedSpecTest.DIR)).count();
        assertTrue(malformedTrees >= 50, "only " + malformedTrees + " malformed fixtures parse into a tree");
        assertFalse(trees().noneMatch(f -> f.startsWith(ExampleSpecsTest.EXAMPLES)));
        assertEquals(Set.of("duplicate-requirement-ids.yaml"), JAVA_ONLY);
    }
}
