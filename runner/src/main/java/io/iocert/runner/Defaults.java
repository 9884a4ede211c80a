package io.iocert.runner;

import java.nio.file.Path;
import java.time.Duration;

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

    /** How long a coordinator waits for the participants to join. */
    static final Duration JOIN_TIMEOUT = Duration.ofMinutes(2);
    /** A coordinated start is this far after the last participant reported ready, plus twice the widest clock uncertainty. */
    static final Duration START_LEAD = Duration.ofMillis(500);
    /** How long a participant may take past the budget to prepare, and again to deliver its result. */
    static final Duration RESULT_GRACE = Duration.ofSeconds(60);
    /** The largest result document a participant may send its coordinator. */
    static final long MAX_RESULT_BYTES = 64L << 20;

    private Defaults() {}

    /** Where the filesystem probes work when nothing else says: the current directory, absolute, when asked. */
    static Path fsPath() {
        return Path.of("").toAbsolutePath();
    }
}
