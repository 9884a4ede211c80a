package io.iocert.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The spec v1 JSON Schema (draft 2020-12), shipped as the resource
 * {@code io/iocert/spec/iocert-spec-v1.schema.json}. It lists every probe with its metrics and
 * workload keys, the statistic names and, per dimension, the units a threshold may use; editors
 * can use it for completion and checking. {@link SpecLoader} validates every spec against it
 * after its own checks.
 */
public final class SpecSchema {
    /** Name of the resource, relative to this class. */
    static final String RESOURCE = "iocert-spec-v1.schema.json";

    private static final String TEXT = load();

    private SpecSchema() {}

    /** The schema document, as printed by {@code iocert spec schema}. */
    public static String text() {
        return TEXT;
    }

    private static String load() {
        try (InputStream in = SpecSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the iocert-spec-schema jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + RESOURCE, e);
        }
    }
}
