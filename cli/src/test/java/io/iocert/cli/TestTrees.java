package io.iocert.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removing what a test made on disk, for the tests that work outside JUnit's temporary directories. */
final class TestTrees {
    private TestTrees() {}

    /**
     * Deletes {@code dir} and everything under it, deepest first; nothing when it is null or
     * absent. Links are removed, never followed, so a test's tree cannot take anything outside it.
     */
    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
