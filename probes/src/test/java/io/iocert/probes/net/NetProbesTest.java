package io.iocert.probes.net;

import static io.iocert.probes.net.NetTesting.FAST;
import static io.iocert.probes.net.NetTesting.bytes;
import static io.iocert.probes.net.NetTesting.context;
import static io.iocert.probes.net.NetTesting.ms;
import static io.iocert.probes.net.NetTesting.requirement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.ProbeException;
import io.iocert.results.Measurement;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The three net probes against a real loopback server: what they report, and how they refuse bad workloads. */
class NetProbesTest {
    private static NetTesting.Server server;

    @BeforeAll
    static void start() throws Exception {
        server = NetTesting.Server.plain();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void shouldMeasureOneRttPerMessageInAClosedLoop() throws Exception {
        List<Measurement> ms = new NetPingPongProbe(FAST)
                .run(
                        requirement(
                                ProbeType.NET_PINGPONG,
                                "messageSize",
                                bytes(64),
                                "duration",
                                ms(300),
                                "warmup",
                                ms(50)),
                        context(server.server));

        assertEquals(1, ms.size());
        Measurement m = ms.get(0);
        assertNull(m.error());
        assertEquals("rtt", m.metric());
        assertEquals("ns", m.unit());
        assertTrue(m.samples() > 50, "a 300-ms closed loop on loopback makes many round trips, got " + m.samples());
        assertEquals(m.samples(), m.histogram().getTotalCount());
        assertEquals(m.samples(), m.blocks().totalCount(), "every round trip sits in a time block");
        assertTrue(m.summary().p50() > 0 && m.summary().p50() <= m.summary().p99());
        assertEquals("closed", m.context().get("loop"));
        assertEquals("duration", m.context().get("stoppedBy"));
        assertEquals(64L, m.workload().get("messageSize"));
    }

    @Test
    void shouldGiveOneMeasurementPerSizeOfASweep() throws Exception {
        List<Measurement> ms = new NetPingPongProbe(FAST)
                .run(
                        requirement(
                                ProbeType.NET_PINGPONG,
                                "sizes",
                                List.of(bytes(1), bytes(8192), bytes(100_000)),
                                "duration",
                                ms(150),
                                "warmup",
                                ms(0)),
                        context(server.server));

        assertEquals(
                List.of("1", "8192", "100000"),
                ms.stream().map(m -> m.context().get("messageSize")).toList());
        for (Measurement m : ms) {
            assertNull(m.error(), m.error());
            assertTrue(m.samples() > 0);
        }
    }

    @Test
    void shouldPlanOpenLoopMessagesAtTheRateAndTimeThemFromThePlan() throws Exception {
        // 200 ops/s for 500 ms: about 100 planned messages, each far faster than its 5-ms slot.
        List<Measurement> ms = new NetPingPongProbe(FAST)
                .run(
                        requirement(
                                ProbeType.NET_PINGPONG,
                                "messageSize",
                                bytes(64),
                                "rate",
                                new Quantity(200, io.iocert.spec.Dimension.OP_RATE),
                                "duration",
                                ms(500),
                                "warmup",
                                ms(0)),
                        context(server.server));

        Measurement m = ms.get(0);
        assertNull(m.error());
        assertEquals("open", m.context().get("loop"));
        assertTrue(
                m.samples() >= 95 && m.samples() <= 101,
                "expected about 100 messages at 200/s in 0.5 s, got " + m.samples());
        // Messages the loop could not send in time (a busy machine: the CI-like run above had 12 of
        // 100) count in samples at the time they waited, not in the achieved rate.
        long unsent = Long.parseLong(m.context().getOrDefault("unsentPlanned", "0"));
        assertEquals((m.samples() - unsent) * 2, Double.parseDouble(m.context().get("achievedRate")), 0.01);
        assertTrue(unsent < m.samples() / 2, "most messages made the round trip in time: " + m.context());
    }

    @Test
    void shouldReportAggregateAndPerStreamThroughputForBothDirections() throws Exception {
        List<Measurement> ms = new NetStreamProbe(FAST)
                .run(
                        requirement(
                                ProbeType.NET_STREAM,
                                "streams",
                                2L,
                                "direction",
                                "both",
                                "bufferSize",
                                bytes(65536),
                                "duration",
                                ms(600),
                                "warmup",
                                ms(100),
                                "interval",
                                ms(100)),
                        context(server.server));

        assertEquals(5, ms.size(), "aggregate plus 2 send and 2 receive streams");
        Measurement total = ms.get(0);
        assertNull(total.error(), total.error());
        assertEquals("aggregate", total.context().get("scope"));
        assertEquals("B/s", total.unit());
        assertEquals(6, total.intervals().values().size(), "600 ms in 100-ms intervals");
        assertTrue(Long.parseLong(total.context().get("bytesSent")) > 0);
        assertTrue(Long.parseLong(total.context().get("bytesReceived")) > 0);
        double sumOfMeans =
                ms.subList(1, 5).stream().mapToDouble(m -> m.summary().mean()).sum();
        assertEquals(
                total.summary().mean(),
                sumOfMeans,
                total.summary().mean() * 1e-9,
                "the aggregate is the sum of the streams, interval by interval");
        assertEquals(
                List.of("send", "receive", "send", "receive"),
                ms.subList(1, 5).stream()
                        .map(m -> m.context().get("streamDirection"))
                        .toList());
    }

    @Test
    void shouldTimeConnectAndHandshakeCountTimes() throws Exception {
        List<Measurement> ms =
                new NetConnectProbe(FAST).run(requirement(ProbeType.NET_CONNECT, "count", 20L), context(server.server));

        Measurement m = ms.get(0);
        assertNull(m.error());
        assertEquals("latency", m.metric());
        assertEquals(20, m.samples());
        assertEquals("count", m.context().get("stoppedBy"));
    }

    @Test
    void shouldRefuseWorkloadsItCannotHonourWithTheReason() {
        ProbeException both = assertThrows(
                ProbeException.class,
                () -> new NetPingPongProbe(FAST)
                        .run(
                                requirement(
                                        ProbeType.NET_PINGPONG, "messageSize", bytes(64), "sizes", List.of(bytes(64))),
                                context(server.server)));
        assertTrue(both.getMessage().contains("messageSize or sizes, not both"), both.getMessage());

        ProbeException unknown = assertThrows(
                ProbeException.class,
                () -> new NetStreamProbe(FAST)
                        .run(requirement(ProbeType.NET_STREAM, "blockSize", bytes(64)), context(server.server)));
        assertTrue(unknown.getMessage().contains("'blockSize' is not known to net.stream"), unknown.getMessage());

        ProbeException tooBig = assertThrows(
                ProbeException.class,
                () -> new NetPingPongProbe(FAST)
                        .run(
                                requirement(ProbeType.NET_PINGPONG, "messageSize", bytes(2 << 20), "duration", ms(100)),
                                context(server.server)));
        assertTrue(tooBig.getMessage().contains("at most 1 MiB (its message size limit)"), tooBig.getMessage());
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(
            value = ProbeType.class,
            names = {"NET_PINGPONG", "NET_STREAM", "NET_CONNECT"})
    void shouldBeFoundThroughTheServiceLoader(ProbeType type) {
        io.iocert.probes.Probe p =
                io.iocert.probes.Probes.forType(type).orElseThrow(() -> new AssertionError(type + " missing"));
        assertEquals(type, p.type());
        assertEquals("io.iocert.probes.net", p.getClass().getPackageName());
    }

    @Test
    void shouldNeedAPeer() {
        ProbeException e = assertThrows(
                ProbeException.class,
                () -> new NetConnectProbe(FAST)
                        .run(
                                requirement(ProbeType.NET_CONNECT),
                                new io.iocert.probes.ProbeContext(
                                        java.nio.file.Path.of("."),
                                        "r",
                                        java.time.Duration.ofSeconds(5),
                                        java.util.Optional.empty(),
                                        io.iocert.probes.NanoClock.SYSTEM,
                                        io.iocert.probes.ProgressListener.NONE)));
        assertTrue(e.getMessage().contains("needs a peer"), e.getMessage());
    }
}
