package io.iocert.runner;

import java.nio.file.Path;

/**
 * The values a run takes when neither the spec nor the command line sets them, in one place.
 * The spec's own defaults (confidence, budget per requirement) are the spec loader's.
 */
final class Defaults {
    /** The most probe rounds adaptive probing runs for one requirement. */
    static final int MAX_ROUNDS = 4;
    /** A round shorter than this is not worth starting. */
    static final long MIN_ROUND_NS = 250_000_000L;
    /** Nor one shorter than this part of the requirement's budget (a twentieth). */
    static final int MIN_ROUND_PARTS = 20;

    private Defaults() {}

    /** Where the filesystem probes work when nothing else says: the current directory, absolute, when asked. */
    static Path fsPath() {
        return Path.of("").toAbsolutePath();
    }
}
