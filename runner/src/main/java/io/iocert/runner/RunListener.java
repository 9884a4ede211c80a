package io.iocert.runner;

import io.iocert.probes.ProgressListener;

/**
 * What a run tells whoever watches it. The runner never prints: the command line implements
 * this (a live progress line, warnings on standard error), tests record it.
 */
public interface RunListener extends ProgressListener {
    /** Hears nothing. */
    RunListener NONE = new RunListener() {
        @Override
        public void start(String requirementId, String probe) {}

        @Override
        public void clear() {}

        @Override
        public void warn(String message) {}

        @Override
        public void update(String requirementId, double fractionDone, String status) {}
    };

    /** Probing of {@code requirementId} with {@code probe} (its id) begins. */
    void start(String requirementId, String probe);

    /** Anything shown about progress is to be taken away (before a warning, or at the end). */
    void clear();

    /** A statistic the budget cannot settle ({@link RunConfig.Plan#ADAPTIVE} only); one line, no prefix. */
    void warn(String message);
}
