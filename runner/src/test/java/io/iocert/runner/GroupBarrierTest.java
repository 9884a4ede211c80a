package io.iocert.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.probes.ProbeException;
import io.iocert.probes.StartBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Requirements started together (concurrentWith): one ready and one start for all, whoever fails first. */
class GroupBarrierTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() throws Exception {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldTellTheCoordinatorOnceWhenEveryProbeHasArrived() throws Exception {
        AtomicInteger told = new AtomicInteger();
        GroupBarrier g = new GroupBarrier(3, told::incrementAndGet);
        Future<?> a = pool.submit(() -> arriveThenLeave(g));
        Future<?> b = pool.submit(() -> arriveThenLeave(g));
        Thread.sleep(200);
        assertEquals(0, told.get(), "not before the third has prepared");
        assertTrue(!a.isDone() && !b.isDone(), "the first two wait");
        arriveThenLeave(g);
        a.get(10, TimeUnit.SECONDS);
        b.get(10, TimeUnit.SECONDS);
        assertEquals(1, told.get(), "ready and the start once for the group");
    }

    @Test
    void shouldStartTheOthersWhenOneFailsWhilePreparing() throws Exception {
        AtomicInteger told = new AtomicInteger();
        GroupBarrier g = new GroupBarrier(2, told::incrementAndGet);
        Future<?> a = pool.submit(() -> arriveThenLeave(g));
        Thread.sleep(100);
        g.leave(); // the other probe failed before it reached the barrier
        a.get(10, TimeUnit.SECONDS);
        assertEquals(1, told.get());
        assertTrue(!g.noneArrived());

        GroupBarrier none = new GroupBarrier(2, told::incrementAndGet);
        none.leave();
        none.leave();
        assertTrue(none.noneArrived(), "all failed early: the coordinator gets their results instead of ready");
        assertEquals(1, told.get(), "and is told nothing else");
    }

    @Test
    void shouldGiveEveryWaitingProbeTheCoordinatorsFailure() throws Exception {
        StartBarrier lost = () -> {
            throw new ProbeException("lost the coordinator while waiting for the start");
        };
        GroupBarrier g = new GroupBarrier(2, lost);
        Future<?> a = pool.submit(() -> {
            g.member().await();
            return null;
        });
        Thread.sleep(100);
        ProbeException e = assertThrows(ProbeException.class, () -> g.member().await());
        assertEquals("lost the coordinator while waiting for the start", e.getMessage());
        java.util.concurrent.ExecutionException first =
                assertThrows(java.util.concurrent.ExecutionException.class, () -> a.get(10, TimeUnit.SECONDS));
        assertEquals(
                "lost the coordinator while waiting for the start",
                first.getCause().getMessage());
    }

    private static Void arriveThenLeave(GroupBarrier g) throws Exception {
        try {
            g.member().await();
        } finally {
            g.leave();
        }
        return null;
    }
}
