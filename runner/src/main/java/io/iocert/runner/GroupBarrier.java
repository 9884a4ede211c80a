package io.iocert.runner;

import io.iocert.probes.ProbeException;
import io.iocert.probes.StartBarrier;

/**
 * The start barrier of requirements a participant runs at the same instant ({@code
 * concurrentWith}): each probe waits here once prepared, and when every one has arrived or
 * ended without arriving (it failed while preparing), the last tells the coordinator once
 * ({@code outer}: ready, then the start) and releases them all together. When {@code outer}
 * fails, every waiting probe gets its exception.
 */
final class GroupBarrier {
    private final StartBarrier outer;
    private final int parties;
    private int arrived;
    private int left;
    private boolean released;
    private ProbeException failure;
    private boolean passing;

    GroupBarrier(int parties, StartBarrier outer) {
        this.parties = parties;
        this.outer = outer;
    }

    /** The barrier for one of the probes. */
    StartBarrier member() {
        return this::arrive;
    }

    private void arrive() throws ProbeException, InterruptedException {
        boolean last;
        synchronized (this) {
            arrived++;
            last = arrived + left == parties;
        }
        if (last) {
            pass();
        }
        await();
    }

    /** A probe that ended without reaching the barrier; the last to end passes it for the others. */
    void leave() throws InterruptedException {
        boolean last;
        synchronized (this) {
            left++;
            last = arrived > 0 && arrived + left == parties;
        }
        if (last) {
            try {
                pass();
            } catch (ProbeException e) {
                // recorded for the probes that wait; this one has ended already
            }
        }
    }

    /** Whether no probe reached the barrier (all failed while preparing): the coordinator was told nothing. */
    synchronized boolean noneArrived() {
        return arrived == 0;
    }

    private void pass() throws ProbeException, InterruptedException {
        synchronized (this) {
            if (passing) {
                return;
            }
            passing = true;
        }
        try {
            outer.await();
        } catch (ProbeException e) {
            synchronized (this) {
                failure = e;
            }
            throw e;
        } finally {
            synchronized (this) {
                released = true;
                notifyAll();
            }
        }
    }

    private synchronized void await() throws ProbeException, InterruptedException {
        while (!released) {
            wait();
        }
        if (failure != null) {
            throw new ProbeException(failure.getMessage(), failure);
        }
    }
}
