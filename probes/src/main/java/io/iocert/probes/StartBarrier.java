package io.iocert.probes;

/**
 * Where a probe that supports coordinated runs waits, once it has prepared (files written,
 * threads started) and just before it starts measuring, until every participant of the run
 * is ready and the common start instant has come. Outside a coordinated run it returns at once.
 */
@FunctionalInterface
public interface StartBarrier {
    StartBarrier NONE = () -> {};

    /**
     * Blocks until the coordinated start.
     *
     * @throws ProbeException when the coordinator is gone or does not start the run in time
     */
    void await() throws ProbeException, InterruptedException;
}
