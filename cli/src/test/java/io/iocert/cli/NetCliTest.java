package io.iocert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.probes.net.PeerServer;
import io.iocert.probes.net.ServerLimits;
import io.iocert.probes.net.Token;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** serve's flag checks, and run/probe with the in-process loopback peer or a --peer. */
class NetCliTest {
    private static final String NET_SPEC = """
            iocert: v1
            name: net-cli-test
            budget: 3s
            requirements:
              - id: rtt
                probe: net.pingpong
                workload: {sizes: [64B, 8KiB], duration: 200ms, warmup: 50ms}
                expect:
                  rtt: {p50: "<= 10 s"}
              - id: bulk
                probe: net.stream
                workload: {streams: 2, duration: 300ms, warmup: 0s, interval: 50ms}
                expect:
                  throughput: {p50: ">= 1 B/s"}
              - id: wire-up
                probe: net.connect
                workload: {count: 10}
                expect:
                  latency: {p50: "<= 10 s"}
            """;

    @TempDir
    Path tmp;

    @Test
    void shouldRefuseANonLoopbackBindWithoutAToken() {
        CliRunner r = CliRunner.run("serve", "--bind", "0.0.0.0", "--port", "0");
        assertEquals(2, r.code(), r.err());
        assertTrue(
                r.err()
                        .contains(
                                "--bind 0.0.0.0 is not a loopback address, and serving other nodes needs a shared token"),
                r.err());
        assertTrue(r.noStackTrace(), r.err());
    }

    @Test
    void shouldRejectBadServeFlagsWithExit2() throws IOException {
        Path shortToken = Files.writeString(tmp.resolve("short"), "abc");
        String[][] cases = {
            {"--port", "70000"},
            {"--max-sessions", "0"},
            {"--max-frame", "2GiB"},
            {"--idle-timeout", "soon"},
            {"--token-file", tmp.resolve("missing").toString()},
            {"--token-file", shortToken.toString()},
            {"--bind", "no-such-host.invalid"}
        };
        String[] expected = {
            "--port '70000' is not a TCP port",
            "--max-sessions '0' must be a whole number",
            "--max-frame '2GiB' must be from 1 B to 1 GiB",
            "--idle-timeout 'soon'",
            "cannot be read",
            "holds 3 bytes; a token needs at least 16",
            "--bind 'no-such-host.invalid' is not an address"
        };
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("serve"));
            args.addAll(List.of(cases[i]));
            CliRunner r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(expected[i]), String.join(" ", args) + ": " + r.err());
            assertTrue(r.noStackTrace(), r.err());
        }
    }

    @Test
    void shouldRejectBadPeerFlagsWithExit2() throws IOException {
        Path spec = Files.writeString(tmp.resolve("spec.yaml"), NET_SPEC);
        Path token = Files.writeString(tmp.resolve("token"), "0123456789abcdef0123");
        String[][] cases = {
            {"--token-file", token.toString()},
            {"--peer", "node7"},
            {"--peer", "node7:http"},
            {"--peer", "fe80::1:7878"}
        };
        String[] expected = {
            "--token-file is for a remote peer",
            "--peer 'node7' is not HOST:PORT",
            "the port of --peer node7:http: 'http' is not a TCP port",
            "write an IPv6 address in brackets"
        };
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of(
                    "probe",
                    "--spec",
                    spec.toString(),
                    "--out",
                    tmp.resolve("r" + i + ".json").toString()));
            args.addAll(List.of(cases[i]));
            CliRunner r = CliRunner.run(args.toArray(String[]::new));
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains(expected[i]), r.err());
        }
    }

    @Test
    void shouldMeasureAgainstTheInProcessLoopbackPeerWithoutPeer() throws IOException {
        Path spec = Files.writeString(tmp.resolve("spec.yaml"), NET_SPEC);
        Path out = tmp.resolve("out");

        CliRunner r = CliRunner.run("run", "--spec", spec.toString(), "--out", out.toString());

        assertEquals(0, r.code(), r.out() + r.err());
        JsonNode result = new ObjectMapper().readTree(out.resolve("result.json").toFile());
        List<String> seen = new ArrayList<>();
        for (JsonNode m : result.get("measurements")) {
            assertEquals("loopback", m.at("/context/peer").asText(), m.toString());
            assertTrue(m.get("error") == null || m.get("error").isNull(), m.toString());
            seen.add(m.get("id").asText() + "/" + m.get("metric").asText());
        }
        assertEquals(
                List.of(
                        "rtt/rtt",
                        "rtt/rtt",
                        "bulk/throughput",
                        "bulk/throughput",
                        "bulk/throughput",
                        "wire-up/latency"),
                seen,
                "two sizes; aggregate plus two streams; one connect measurement");
    }

    @Test
    void shouldMeasureAgainstARemotePeerWithTheToken() throws IOException {
        Path token = Files.writeString(tmp.resolve("token"), "a shared secret of some length");
        Path spec = Files.writeString(tmp.resolve("spec.yaml"), NET_SPEC);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        try (PeerServer server = PeerServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Optional.of(Token.load(token)),
                ServerLimits.DEFAULTS,
                log::add)) {
            String peer = "127.0.0.1:" + server.address().getPort();
            Path out = tmp.resolve("result.json");

            CliRunner r = CliRunner.run(
                    "probe",
                    "--spec",
                    spec.toString(),
                    "--peer",
                    peer,
                    "--token-file",
                    token.toString(),
                    "--out",
                    out.toString());

            assertEquals(0, r.code(), r.err());
            JsonNode result = new ObjectMapper().readTree(out.toFile());
            for (JsonNode m : result.get("measurements")) {
                assertEquals(peer, m.at("/context/peer").asText(), m.toString());
            }
            CliRunner without = CliRunner.run(
                    "probe",
                    "--spec",
                    spec.toString(),
                    "--peer",
                    peer,
                    "--out",
                    tmp.resolve("refused.json").toString());
            assertEquals(4, without.code(), without.err());
            assertTrue(
                    without.err().contains("requires a token: pass the shared token with --token-file"), without.err());
        }
    }

    @Test
    void shouldGiveTheInProcessLoopbackPeerARandomTokenOfItsOwn() throws Exception {
        // Another local user can reach a loopback port: the run's own peer must not serve them.
        io.iocert.spec.Spec spec = io.iocert.spec.SpecLoader.parse(NET_SPEC, "net-spec");
        org.apache.commons.cli.CommandLine none =
                new org.apache.commons.cli.DefaultParser().parse(new org.apache.commons.cli.Options(), new String[0]);
        try (PeerChoice choice = PeerChoice.of(none, spec)) {
            io.iocert.probes.PeerAddress peer = choice.peer().orElseThrow();
            assertTrue(peer.embeddedLoopback());
            assertTrue(peer.token().isPresent(), "the probes get the run's token");
            try (java.net.Socket c = new java.net.Socket(InetAddress.getLoopbackAddress(), peer.port())) {
                c.setSoTimeout(5000);
                // A protocol-2 hello: length, type HELLO, magic "IOCT", version 2, a 32-byte nonce.
                c.getOutputStream()
                        .write(java.nio.ByteBuffer.allocate(5 + 6 + 32)
                                .putInt(1 + 6 + 32)
                                .put((byte) 1)
                                .putInt(0x494F4354)
                                .putShort((short) PeerServer.protocolVersion())
                                .array());
                byte[] challenge = c.getInputStream().readNBytes(5 + 7);
                assertEquals(2, challenge[4], "a CHALLENGE frame");
                assertEquals(1, challenge[5 + 6], "the in-process peer requires its token");
                // Answering without the token: refused.
                c.getOutputStream().write(new byte[] {0, 0, 0, 1, 3});
                c.getInputStream().readNBytes(32 + 32);
                byte[] header = c.getInputStream().readNBytes(5);
                assertEquals(7, header[4], "an ERROR frame");
                String why = new String(
                        c.getInputStream()
                                .readNBytes(java.nio.ByteBuffer.wrap(header).getInt() - 1),
                        java.nio.charset.StandardCharsets.UTF_8);
                assertTrue(why.contains("authentication failed: this server requires a token"), why);
            }
        }
    }

    @Test
    void shouldRefuseSessionBuffersThatCannotFitThisJvm() throws Exception {
        // 4096 sessions of 1 GiB each: 4 TiB, more than any test JVM may allocate.
        CliRunner r = CliRunner.run("serve", "--port", "0", "--max-sessions", "4096", "--max-frame", "1GiB");
        assertEquals(2, r.code(), r.err());
        assertTrue(
                r.err()
                        .contains(
                                "--max-sessions 4096 x --max-frame 1 GiB = 4 TiB of session buffers, more than this JVM"
                                        + " may allocate for them"),
                r.err());
        assertTrue(r.noStackTrace(), r.err());
        // The rule itself, against a stated limit: at the limit passes, a byte beyond fails.
        ServerLimits limits = new ServerLimits(
                64,
                1 << 20,
                java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(1),
                java.time.Duration.ofSeconds(1));
        ServeCommand.checkMemory(limits, 64L << 20);
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(
                UsageException.class, () -> ServeCommand.checkMemory(limits, (64L << 20) - 1));
        assertTrue(e.getMessage().contains("= 64 MiB of session buffers"), e.getMessage());
    }
}
