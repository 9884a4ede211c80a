package io.iocert.results.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.results.Measurement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The fixtures under src/test/resources/imports (see the README there) and helpers to read them. */
final class Fixtures {
    static final Instant MODIFIED = Instant.parse("2026-11-24T00:40:00Z");

    private Fixtures() {}

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/imports/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture's JSON document read independently of the importer (text before the first '{' dropped). */
    static JsonNode json(String name) {
        String text = new String(bytes(name), StandardCharsets.UTF_8);
        try {
            return new ObjectMapper()
                    .readTree(text.substring(
                            text.indexOf("\n{") >= 0 && !text.startsWith("{") ? text.indexOf("\n{") + 1 : 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Imported load(ImportFormat format, String name) throws Exception {
        return Importer.parse(format, bytes(name), name, MODIFIED, ImportOptions.defaults());
    }

    static Imported load(ImportFormat format, String name, ImportOptions options) throws Exception {
        return Importer.parse(format, bytes(name), name, MODIFIED, options);
    }

    static ImportOptions map(Map<String, String> map) {
        return new ImportOptions(Optional.empty(), map, Optional.empty());
    }

    static Measurement one(Imported imported, String id, String metric) {
        List<Measurement> ms = imported.result().measurements().stream()
                .filter(m -> m.id().equals(id) && m.metric().equals(metric))
                .toList();
        if (ms.size() != 1) {
            throw new AssertionError("expected one " + id + "/" + metric + ", found " + ms.size() + " in "
                    + imported.result().measurements().stream()
                            .map(m -> m.id() + "/" + m.metric())
                            .toList());
        }
        return ms.get(0);
    }
}
