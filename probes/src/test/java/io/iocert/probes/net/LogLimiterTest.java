package io.iocert.probes.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(1000 * SECOND);
    private final List<String> out = new ArrayList<>();
    private final LogLimiter limiter = new LogLimiter(out::add, 3, 60 * SECOND, now::get);

    @Test
    void shouldPassABurstPerKindThenCountTheRest() {
        for (int i = 0; i < 1000; i++) {
            limiter.accept("closed: handshake timeout " + i + " ms", "session " + i + ": timeout");
            now.addAndGet(SECOND / 100);
        }
        limiter.accept("refused, authentication failed", "session x: auth failed");
        assertEquals(
                List.of("session 0: timeout", "session 1: timeout", "session 2: timeout", "session x: auth failed"),
                out,
                "digits do not make a new kind; another kind has its own burst");
        now.addAndGet(60 * SECOND);
        limiter.flush(false);
        assertEquals(5, out.size(), out.toString());
        assertEquals("997 more like this in the last 70 s, not logged one by one: session 999: timeout", out.get(4));
    }

    @Test
    void shouldStartAFreshBurstInTheNextWindowAfterTheSummary() {
        for (int i = 0; i < 5; i++) {
            limiter.accept("busy", "busy " + i);
        }
        now.addAndGet(61 * SECOND);
        limiter.accept("busy", "busy again");
        assertEquals(
                List.of(
                        "busy 0",
                        "busy 1",
                        "busy 2",
                        "2 more like this in the last 61 s, not logged one by one: busy 4",
                        "busy again"),
                out);
    }

    @Test
    void shouldSumUpEverythingAtCloseAndBoundTheKinds() {
        for (int k = 0; k < LogLimiter.MAX_KINDS + 10; k++) {
            for (int i = 0; i < 4; i++) {
                limiter.accept("kind " + (char) ('A' + k % 26) + (char) ('a' + k / 26), "line " + k + "/" + i);
            }
        }
        // 64 kinds with 3 lines each, plus the shared rest: 3 more lines and its count.
        assertEquals(LogLimiter.MAX_KINDS * 3 + 3, out.size());
        limiter.flush(true);
        assertTrue(out.get(out.size() - 1).startsWith("37 more like this"), out.get(out.size() - 1));
    }
}
