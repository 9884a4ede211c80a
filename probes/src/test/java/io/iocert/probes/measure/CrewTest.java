package io.iocert.probes.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.ProbeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CrewTest {
    private static final long MS = 1_000_000L;

    /** A member recording which thread prepared and which measured, and whether the gate was open. */
    private static final class Recording implements Crew.Member<String> {
        final int index;
        final AtomicBoolean opened;
        final ConcurrentHashMap<String, String> threads;

        Recording(int index, AtomicBoolean opened, ConcurrentHashMap<String, String> threads) {
            this.index = index;
            this.opened = opened;
            this.threads = threads;
        }

        @Override
        public void prepare() {
            threads.put("prepare-" + index, Thread.currentThread().getName());
        }

        @Override
        public String measure() {
            threads.put("measure-" + index, Thread.currentThread().getName());
            assertTrue(opened.get(), "member " + index + " measured before the gate opened");
            return "part " + index;
        }
    }

    @Test
    void shouldPrepareEachMemberOnItsOwnThreadAndMeasureOnlyOnceReleased() throws Exception {
        AtomicBoolean opened = new AtomicBoolean();
        ConcurrentHashMap<String, String> threads = new ConcurrentHashMap<>();
        List<Crew.Member<String>> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(new Recording(i, opened, threads));
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<String> parts;
        try (Crew<String> crew = Crew.start("fs.test", members, stop)) {
            assertTrue(crew.awaitPrepared(10_000 * MS));
            assertEquals(3, threads.size(), "all prepared, none measured yet: " + threads);
            opened.set(true);
            crew.release();
            AtomicInteger polls = new AtomicInteger();
            parts = crew.awaitAll(MS, polls::incrementAndGet);
        }
        assertEquals(List.of("part 0", "part 1", "part 2"), parts, "in member order");
        for (int i = 0; i < 3; i++) {
            assertEquals(threads.get("prepare-" + i), threads.get("measure-" + i), "one thread per member");
            assertTrue(threads.get("prepare-" + i).startsWith("iocert-fs.test-"), threads.toString());
        }
        assertEquals(3, threads.values().stream().distinct().count(), "three threads: " + threads);
        assertTrue(stop.get(), "closing raises the stop flag");
    }

    @Test
    void shouldStopTheOthersAndNameTheProbeWhenAMemberFailsPreparing() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch sawStop = new CountDownLatch(1);
        Crew.Member<String> failing = new Crew.Member<>() {
            @Override
            public void prepare() throws Exception {
                throw new java.io.IOException("disk full");
            }

            @Override
            public String measure() {
                return "never";
            }
        };
        Crew.Member<String> patient = () -> {
            if (stop.get()) {
                sawStop.countDown();
            }
            return "stopped early";
        };
        try (Crew<String> crew = Crew.start("fs.test", List.of(failing, patient), stop)) {
            crew.awaitPrepared();
            assertTrue(crew.stopped());
            crew.release();
            ProbeException e = assertThrows(ProbeException.class, () -> crew.awaitAll(MS, () -> {}));
            assertEquals("fs.test worker failed: disk full", e.getMessage());
        }
        assertTrue(sawStop.await(10, TimeUnit.SECONDS), "the other member saw the stop flag");
    }

    @Test
    void shouldPassAProbeExceptionOnAsItWasAndLetThePollEndTheRound() throws Exception {
        ProbeException own = new ProbeException("the peer went away");
        try (Crew<String> crew = Crew.start(
                "net.test",
                List.<Crew.Member<String>>of(() -> {
                    throw own;
                }),
                new AtomicBoolean())) {
            crew.release();
            assertSame(own, assertThrows(ProbeException.class, () -> crew.awaitAll(MS, () -> {})));
        }
        CountDownLatch never = new CountDownLatch(1);
        try (Crew<String> crew = Crew.start(
                "net.test",
                List.<Crew.Member<String>>of(() -> {
                    never.await();
                    return "x";
                }),
                new AtomicBoolean(),
                10 * MS,
                10_000 * MS)) {
            crew.release();
            ProbeException e = assertThrows(
                    ProbeException.class,
                    () -> crew.awaitAll(MS, () -> {
                        throw new ProbeException("overdue");
                    }));
            assertEquals("overdue", e.getMessage());
        }
    }

    @Test
    void shouldNotMeasureWhenClosedBeforeRelease() throws Exception {
        AtomicBoolean measured = new AtomicBoolean();
        Crew<String> crew = Crew.start(
                "fs.test",
                List.<Crew.Member<String>>of(() -> {
                    measured.set(true);
                    return "x";
                }),
                new AtomicBoolean());
        crew.awaitPrepared();
        crew.close();
        assertFalse(measured.get(), "the round ended before it began");
    }

    @Test
    void shouldInterruptMembersThatIgnoreTheStopFlagAfterTheGrace() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        Crew<String> crew = Crew.start(
                "compute.test",
                List.<Crew.Member<String>>of(() -> {
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                        throw e;
                    }
                    return "slept";
                }),
                new AtomicBoolean(),
                50 * MS,
                10_000 * MS);
        crew.release();
        long t0 = System.nanoTime();
        crew.close();
        assertTrue(interrupted.await(0, TimeUnit.SECONDS), "interrupted within the close");
        assertTrue(System.nanoTime() - t0 >= 50 * MS, "not before the grace");
    }

    @Test
    void shouldReportMembersStillRunningAfterTheLimit() throws Exception {
        AtomicBoolean done = new AtomicBoolean();
        Crew<String> crew = Crew.start(
                "fs.test",
                List.<Crew.Member<String>>of(() -> {
                    // Ignores interruption, as a thread stuck in an uninterruptible call would.
                    while (!done.get()) {
                        Thread.onSpinWait();
                    }
                    return "late";
                }),
                new AtomicBoolean(),
                10 * MS,
                10 * MS);
        crew.release();
        try {
            ProbeException e = assertThrows(ProbeException.class, crew::close);
            assertEquals("fs.test workers did not stop within 20 ms of being told to", e.getMessage());
        } finally {
            done.set(true);
        }
    }
}
