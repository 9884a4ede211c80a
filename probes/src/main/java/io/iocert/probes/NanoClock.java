package io.iocert.probes;

/** A monotonic nanosecond clock, injected so timing logic can be tested deterministically. */
@FunctionalInterface
public interface NanoClock {
    NanoClock SYSTEM = System::nanoTime;

    long nanoTime();
}
