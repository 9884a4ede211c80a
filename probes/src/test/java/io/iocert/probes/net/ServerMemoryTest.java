package io.iocert.probes.net;

import static io.iocert.probes.net.NetTesting.FAST;
import static io.iocert.probes.net.NetTesting.bytes;
import static io.iocert.probes.net.NetTesting.context;
import static io.iocert.probes.net.NetTesting.ms;
import static io.iocert.probes.net.NetTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A session that cannot get its buffer (a real OutOfMemoryError, in a server JVM whose direct
 * memory is capped below what its limits allow) refuses that request with a reason and the
 * server keeps serving, with no stack trace anywhere.
 */
class ServerMemoryTest {
    @Test
    void shouldRefuseARequestItHasNoMemoryForAndKeepServing() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(
                        java.toString(),
                        "-XX:MaxDirectMemorySize=32m",
                        "-Xmx128m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        ServeInChildJvm.class.getName(),
                        "2",
                        Integer.toString(512 << 20))
                .redirectErrorStream(true)
                .start();
        List<String> output = new ArrayList<>();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String first = out.readLine();
            assertTrue(first != null && first.startsWith("port "), "the child said: " + first);
            int port = Integer.parseInt(first.substring(5).trim());
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
            Peer peer = Peer.resolve(context(address, Optional.empty()).peer().orElseThrow());

            try (Watchdog w = new Watchdog("test", 20);
                    PeerConnection c = PeerConnection.open(peer, w, FAST)) {
                PeerException e = assertThrows(
                        PeerException.class,
                        () -> c.request(
                                new Messages.Request(Messages.Kind.PINGPONG, 256 << 20, 1_000_000_000L),
                                Watchdog.NONE));
                assertTrue(e.getMessage().contains("refused: no memory for a buffer of 256 MiB now"), e.getMessage());
            }
            Measurement m = new NetPingPongProbe(FAST)
                    .run(
                            requirement(
                                    ProbeType.NET_PINGPONG,
                                    "messageSize",
                                    bytes(1024),
                                    "duration",
                                    ms(200),
                                    "warmup",
                                    ms(0)),
                            context(address, Optional.empty()))
                    .get(0);
            assertNull(m.error(), m.error());
            assertTrue(m.samples() > 0);

            // The probe has closed its connection, but the server may not have read the close
            // yet; stopping it then ends the session first ("ended: AsynchronousCloseException",
            // seen once in a full build). So wait for the server's line on the session, killing
            // the child if it never comes.
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(20_000);
                    child.destroyForcibly();
                } catch (InterruptedException e) {
                    // the line came
                }
            });
            stopper.setDaemon(true);
            stopper.start();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.add(line);
                if (line.contains("ping-pong 1 KiB")) {
                    break;
                }
            }
            stopper.interrupt();
            child.getOutputStream().close();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS), "the child server did not stop");
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.add(line);
            }
        } finally {
            child.destroyForcibly();
        }
        assertEquals(0, child.exitValue(), String.join("\n", output));
        assertTrue(
                output.stream().anyMatch(l -> l.contains("refused, no memory for a buffer of 256 MiB now")),
                String.join("\n", output));
        assertTrue(
                output.stream().anyMatch(l -> l.contains("ping-pong 1 KiB") && l.contains(": ok")),
                String.join("\n", output));
        assertFalse(
                output.stream()
                        .anyMatch(l -> l.contains("Exception in thread")
                                || l.contains("OutOfMemoryError")
                                || l.startsWith("\tat ")),
                String.join("\n", output));
    }
}
