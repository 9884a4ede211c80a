package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code iocert serve} and {@code iocert probe --peer} as two processes from the jar, the way two nodes use them. */
class ServeIT {
    private static final Path JAR = Path.of("target", "iocert.jar");

    @TempDir
    Path tmp;

    @Test
    void shouldServeAProbeInAnotherProcessAndLogOneLinePerSession() throws Exception {
        Path token = Files.writeString(tmp.resolve("token"), "serve-it-token-0123456789");
        Path log = tmp.resolve("serve.log");
        Process serve = new ProcessBuilder(
                        java(),
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "serve",
                        "--port",
                        "0",
                        "--token-file",
                        token.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            int port = awaitPort(log);
            Path spec = Files.writeString(
                    tmp.resolve("spec.yaml"),
                    String.join(
                            "\n",
                            "iocert: v1",
                            "name: serve-it",
                            "budget: 10s",
                            "requirements:",
                            "  - id: rtt",
                            "    probe: net.pingpong",
                            "    workload: {messageSize: 8KiB, duration: 300ms}",
                            "    expect: {rtt: {p50: \"<= 10 s\"}}",
                            "  - id: wire-up",
                            "    probe: net.connect",
                            "    workload: {count: 5}",
                            "    expect: {latency: {p50: \"<= 10 s\"}}",
                            ""));
            Path out = tmp.resolve("result.json");
            Process probe = new ProcessBuilder(
                            java(),
                            "-jar",
                            JAR.toAbsolutePath().toString(),
                            "probe",
                            "--spec",
                            spec.toString(),
                            "--peer",
                            "127.0.0.1:" + port,
                            "--token-file",
                            token.toString(),
                            "--out",
                            out.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("probe.log").toFile())
                    .start();
            assertTrue(probe.waitFor(60, TimeUnit.SECONDS), "the probe did not finish");
            assertEquals(0, probe.exitValue(), Files.readString(tmp.resolve("probe.log")));
            for (JsonNode m : new ObjectMapper().readTree(out.toFile()).get("measurements")) {
                assertEquals("127.0.0.1:" + port, m.at("/context/peer").asText());
                assertTrue(m.get("samples").asLong() > 0, m.toString());
            }
        } finally {
            serve.destroy();
            assertTrue(serve.waitFor(30, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        }
        List<String> sessions = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
                .filter(l -> l.contains(" session "))
                .toList();
        assertEquals(6, sessions.size(), "one ping-pong and five connects: " + sessions);
        assertEquals(
                1,
                sessions.stream()
                        .filter(l -> l.contains("ping-pong 8 KiB") && l.endsWith("ok, " + messages(l) + " messages"))
                        .count(),
                String.join("\n", sessions));
        assertEquals(
                5,
                sessions.stream()
                        .filter(l -> l.contains("handshake only") && l.endsWith(": ok"))
                        .count(),
                String.join("\n", sessions));
    }

    private static String messages(String line) {
        Matcher m = Pattern.compile("ok, (\\d+) messages$").matcher(line);
        return m.find() ? m.group(1) : "?";
    }

    private static int awaitPort(Path log) throws Exception {
        Pattern listening = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) ");
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - end < 0) {
            Matcher m = listening.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("serve did not say where it listens: " + Files.readString(log));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
