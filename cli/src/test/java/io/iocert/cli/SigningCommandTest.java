package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, run --sign and verify, as a user runs them. */
class SigningCommandTest {
    @TempDir
    Path tmp;

    private Path spec(String name, String threshold) throws Exception {
        return Files.writeString(tmp.resolve(name), """
                iocert: v1
                name: signed
                budget: 3s
                requirements:
                  - id: creates
                    probe: fs.metadata
                    workload: {operation: create, files: 200}
                    expect:
                      latency: {p50: "%s"}
                """.formatted(threshold));
    }

    @Test
    void shouldSignARunAndVerifyItAndRejectTamperingAnotherKeyAndAnotherSpec() throws Exception {
        CliRunner keygen = CliRunner.run("keygen", "--out", tmp.resolve("ops").toString());
        assertEquals(0, keygen.code(), keygen.err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("ops.key"))));
        assertEquals(
                2,
                CliRunner.run("keygen", "--out", tmp.resolve("ops").toString()).code(),
                "never overwrites keys");

        Path spec = spec("spec.yaml", "<= 10 s");
        Path out = tmp.resolve("out");
        Files.createDirectories(tmp.resolve("fs"));
        CliRunner run = CliRunner.run(
                "run",
                "--spec",
                spec.toString(),
                "--fs-path",
                tmp.resolve("fs").toString(),
                "--out",
                out.toString(),
                "--sign",
                tmp.resolve("ops.key").toString(),
                "--valid-for",
                "7d");
        assertEquals(0, run.code(), run.out() + run.err());
        Path cert = out.resolve("certificate.json");
        assertTrue(Files.isRegularFile(cert), run.err());

        CliRunner ok = CliRunner.run(
                "verify", cert.toString(), "--key", tmp.resolve("ops.pub").toString(), "--spec", spec.toString());
        assertEquals(0, ok.code(), ok.err());
        assertTrue(
                ok.out().contains(": VALID: node ") && ok.out().contains(" is ELIGIBLE for spec 'signed'"), ok.out());

        byte[] bytes = Files.readAllBytes(cert);
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        Path tampered = Files.writeString(tmp.resolve("tampered.json"), text.replace("\"PASS\"", "\"FAIL\""));
        CliRunner bad = CliRunner.run(
                "verify", tampered.toString(), "--key", tmp.resolve("ops.pub").toString());
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("INVALID: bad signature"), bad.err());

        assertEquals(
                0,
                CliRunner.run("keygen", "--out", tmp.resolve("other").toString())
                        .code());
        CliRunner wrongKey = CliRunner.run(
                "verify", cert.toString(), "--key", tmp.resolve("other.pub").toString());
        assertEquals(1, wrongKey.code());
        assertTrue(wrongKey.err().contains("INVALID: signed with key "), wrongKey.err());

        CliRunner otherSpec = CliRunner.run(
                "verify",
                cert.toString(),
                "--key",
                tmp.resolve("ops.pub").toString(),
                "--spec",
                spec("other.yaml", "<= 9 s").toString());
        assertEquals(1, otherSpec.code());
        assertTrue(otherSpec.err().contains("INVALID: issued for spec 'signed'"), otherSpec.err());

        CliRunner missing = CliRunner.run(
                "verify",
                tmp.resolve("nope.json").toString(),
                "--key",
                tmp.resolve("ops.pub").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("INVALID: unreadable"), missing.err());
    }

    @Test
    void shouldRefuseBadSigningInputBeforeProbing() throws Exception {
        Path spec = spec("spec.yaml", "<= 10 s");
        CliRunner noKey = CliRunner.run(
                "run",
                "--spec",
                spec.toString(),
                "--sign",
                tmp.resolve("none.key").toString());
        assertEquals(2, noKey.code());
        assertTrue(noKey.err().contains("--sign: cannot read " + tmp.resolve("none.key")), noKey.err());

        assertEquals(
                0, CliRunner.run("keygen", "--out", tmp.resolve("k").toString()).code());
        CliRunner validity = CliRunner.run(
                "run", "--spec", spec.toString(), "--sign", tmp.resolve("k.key").toString(), "--valid-for", "1 year");
        assertEquals(2, validity.code());
        assertTrue(validity.err().contains("--valid-for '1 year' is not a validity"), validity.err());

        CliRunner noSign = CliRunner.run("verify", tmp.resolve("c.json").toString());
        assertEquals(2, noSign.code());
        assertTrue(noSign.err().contains("verify needs --key PUB"), noSign.err());
    }
}
