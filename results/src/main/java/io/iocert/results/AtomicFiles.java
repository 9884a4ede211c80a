package io.iocert.results;

import java.io.IOException;
import java.nio.file.Path;

/** Atomic file writes (temp file, fsync, rename). TO BE IMPLEMENTED (helper: results). */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /**
     * Writes {@code content} to {@code target} atomically: a reader sees the old file or the
     * whole new one, never a part.
     *
     * @throws java.nio.file.FileAlreadyExistsException when target exists and !overwrite
     */
    public static void write(Path target, byte[] content, boolean overwrite) throws IOException {
        throw new UnsupportedOperationException("not yet");
    }
}
