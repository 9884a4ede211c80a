package io.iocert.spec;

import java.nio.file.Path;

/**
 * Loads spec v1 documents (YAML or JSON) into the immutable {@link Spec} model.
 * TO BE IMPLEMENTED (helper: spec-schema).
 */
public final class SpecLoader {
    private SpecLoader() {
    }

    /** Loads and validates a spec file; the exception message is FILE:LINE:COL: field: problem; expected X. */
    public static Spec load(Path file) throws SpecException {
        throw new UnsupportedOperationException("not yet");
    }

    /** Loads a spec from text; {@code sourceName} is used in messages in place of a file name. */
    public static Spec parse(String content, String sourceName) throws SpecException {
        throw new UnsupportedOperationException("not yet");
    }
}
