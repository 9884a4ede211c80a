package io.iocert.certifier.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.iocert.certifier.GoldenFiles;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every export format (Slurm node features, NFD labels, Prometheus exposition) of one fleet, a
 * node that fails a requirement and one that is eligible, against golden files under every
 * default locale of {@link GoldenFiles#LOCALES}: a scheduler parses these, so a decimal comma or
 * Arabic-Indic digits in them would break the site silently. After a deliberate change, rewrite
 * with {@code -Diocert.golden.update=true} and review the diff.
 */
class ExportFormatsGoldenTest {

    static Stream<Arguments> goldens() {
        return Stream.of(ExportFormat.values())
                .flatMap(f -> GoldenFiles.LOCALES.stream().map(tag -> Arguments.of(f, tag)));
    }

    @ParameterizedTest(name = "{0} under {1}")
    @MethodSource("goldens")
    void shouldMatchTheGoldenFileUnderEveryLocale(ExportFormat format, String tag) throws Exception {
        String actual = GoldenFiles.underLocale(tag, () -> {
            List<ExportNode> nodes = ExportFixtures.nodes(
                    ExportFixtures.fleet(
                            ExportFixtures.mixed("cn001.hpc.example"),
                            ExportFixtures.eligible("cn002.hpc.example", "ocean-checkpoint")),
                    "fleet.json");
            if (format == ExportFormat.NFD) {
                // NFD writes one node's feature file (the command picks it with --host): the one
                // that fails a requirement.
                nodes = nodes.subList(0, 1);
            }
            return format.export(
                    nodes,
                    new ExportOptions(
                            ExportFixtures.NOW,
                            ExportOptions.FeaturesMode.REPLACE,
                            // NFD labels must expire, and a report has no validity of its own.
                            Optional.of(java.time.Duration.ofDays(7)),
                            false));
        });
        String name = format.name().toLowerCase(java.util.Locale.ROOT) + ".txt";
        assertEquals(
                GoldenFiles.expected(ExportFormatsGoldenTest.class, name, actual), actual, format + " under " + tag);
    }
}
