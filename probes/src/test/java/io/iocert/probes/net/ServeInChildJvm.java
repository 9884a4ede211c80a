package io.iocert.probes.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * A peer server in a JVM of its own, for tests that need JVM limits of their own
 * (-XX:MaxDirectMemorySize). Arguments: max sessions, max message bytes. Prints
 * "port N", then one line per session; stops when its standard input ends.
 */
public final class ServeInChildJvm {
    private ServeInChildJvm() {}

    public static void main(String[] args) throws Exception {
        ServerLimits limits = new ServerLimits(
                Integer.parseInt(args[0]),
                Integer.parseInt(args[1]),
                Duration.ofSeconds(5),
                Duration.ofSeconds(10),
                Duration.ofSeconds(60));
        try (PeerServer s = PeerServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Optional.empty(), limits, line -> {
                    System.out.println(line);
                    System.out.flush();
                })) {
            System.out.println("port " + s.address().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // until the test closes our input
            }
        }
    }
}
