package io.iocert.probes.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Starts worker threads and holds them until their passes are ready, so a measurement's clock
 * starts when every worker can issue its first operation at once. Without it, the time to start
 * threads would show up as empty intervals at the start of the throughput series.
 */
final class StartGate {
    private final ExecutorService pool;
    private final AtomicReferenceArray<FilePass> slots;
    private final CountDownLatch go = new CountDownLatch(1);
    private final List<Future<FilePass.Outcome>> futures = new ArrayList<>();

    private StartGate(int workers, ThreadFactory threads) {
        this.pool = Executors.newFixedThreadPool(workers, threads);
        this.slots = new AtomicReferenceArray<>(workers);
    }

    /** Starts {@code workers} threads and returns once every one of them waits at the gate. */
    static StartGate open(int workers, ThreadFactory threads) throws InterruptedException {
        StartGate gate = new StartGate(workers, threads);
        CountDownLatch ready = new CountDownLatch(workers);
        for (int i = 0; i < workers; i++) {
            int slot = i;
            gate.futures.add(gate.pool.submit(() -> {
                ready.countDown();
                gate.go.await();
                FilePass pass = gate.slots.get(slot);
                return pass == null ? null : pass.call();
            }));
        }
        try {
            ready.await();
        } catch (InterruptedException e) {
            gate.go.countDown();
            gate.pool.shutdownNow();
            throw e;
        }
        return gate;
    }

    /** Hands each waiting worker its pass and lets them all go. */
    List<Future<FilePass.Outcome>> release(List<FilePass> passes) {
        for (int i = 0; i < passes.size(); i++) {
            slots.set(i, passes.get(i));
        }
        go.countDown();
        return futures;
    }

    ExecutorService pool() {
        return pool;
    }
}
