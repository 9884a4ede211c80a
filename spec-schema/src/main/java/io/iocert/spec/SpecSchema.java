package io.iocert.spec;

/** The spec v1 JSON Schema shipped as a resource. TO BE IMPLEMENTED (helper: spec-schema). */
public final class SpecSchema {
    private SpecSchema() {
    }

    /** The schema document, as printed by {@code iocert spec schema}. */
    public static String text() {
        throw new UnsupportedOperationException("not yet");
    }
}
