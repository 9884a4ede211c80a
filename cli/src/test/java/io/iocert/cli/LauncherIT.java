package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./iocert} launcher's start-up aids (class-data archive, extracted SQLite library,
 * client compiler) change nothing a user sees: same output, same exit codes, nothing extra on
 * stderr, on the run that writes the archive and on the runs that use it.
 */
class LauncherIT {
    private static final Path LAUNCHER =
            Path.of("..", "iocert").toAbsolutePath().normalize();
    private static final Path CDS = Path.of("target", "cds");

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    private Run launch(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", LAUNCHER.toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("stdout");
        Path err = tmp.resolve("stderr");
        Process p = new ProcessBuilder(cmd)
                .directory(tmp.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the launcher did not finish");
        return new Run(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void shouldPrintTheSameWhetherWritingOrUsingTheClassArchive() throws Exception {
        Run first = launch("--version");
        Run second = launch("--version");
        for (Run r : List.of(first, second)) {
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("iocert "), r.out());
            assertEquals("", r.err());
        }
        assertEquals(first.out(), second.out());
        try (Stream<Path> s = Files.list(CDS)) {
            assertTrue(
                    s.anyMatch(p -> p.getFileName().toString().startsWith("version")
                            && p.getFileName().toString().endsWith(".jsa")),
                    "an archive for --version under " + CDS);
        }
    }

    @Test
    void shouldKeepBadInputAnExitTwoWithOneClearLine() throws Exception {
        Path missing = tmp.resolve("missing.db");
        for (int i = 0; i < 2; i++) {
            Run r = launch("history", "--store", missing.toString(), "--node", "node17", "--spec", "ocean-checkpoint");
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().contains("no such store"), r.err());
            assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
            assertFalse(Files.exists(missing), "reading never creates a store");
        }
    }
}
