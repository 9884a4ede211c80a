package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The kinds of command failure and the exit codes of docs/design.md they carry. */
class CommandExceptionTest {

    @Test
    void shouldCarryTheDocumentedExitCodeOfEachKind() {
        assertEquals(2, new UsageException("x").exitCode());
        assertEquals(1, new InvalidCertificateException("x").exitCode());
        assertEquals(4, new RunFailedException("x", null).exitCode());
    }

    @Test
    void shouldKnowEveryKindOfFailure() {
        Map<String, Boolean> kinds = new TreeMap<>();
        Arrays.stream(CommandException.class.getPermittedSubclasses()).forEach(c -> kinds.put(c.getSimpleName(), true));
        assertEquals(
                "[InvalidCertificateException, RunFailedException, UsageException]",
                kinds.keySet().toString(),
                "a new kind of failure needs its exit code in docs/design.md and a line above");
    }

    @Test
    void shouldPrintTheMessageAndHintAndReturnTheExitCodeInMainAlone() {
        CliRunner r = CliRunner.run("verify", "/nonexistent/certificate.json", "--key", "/nonexistent/key.pub");
        assertEquals(2, r.code(), r.err());
        assertEquals("iocert: --key: cannot read /nonexistent/key.pub (NoSuchFileException)\n", r.err());
    }
}
