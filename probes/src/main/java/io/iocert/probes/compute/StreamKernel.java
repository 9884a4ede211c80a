package io.iocert.probes.compute;

import java.util.Locale;

/**
 * The STREAM kernels and the bytes STREAM counts per element: each array element read or
 * written once, 8 bytes a double. The write-allocate read of the destination that most caches
 * do on a store miss is not counted (STREAM's convention), so the traffic on the memory bus is
 * up to a third (copy, scale) or a quarter (add, triad) higher than the figure reported.
 */
enum StreamKernel {
    /** c = a. */
    COPY(16),
    /** b = q * c. */
    SCALE(16),
    /** c = a + b. */
    ADD(24),
    /** a = b + q * c. */
    TRIAD(24);

    private final int bytesPerElement;

    StreamKernel(int bytesPerElement) {
        this.bytesPerElement = bytesPerElement;
    }

    int bytesPerElement() {
        return bytesPerElement;
    }

    /** The spec word and the {@link StreamBenchmark} method: "triad". */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
