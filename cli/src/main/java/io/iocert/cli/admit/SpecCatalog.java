package io.iocert.cli.admit;

import io.iocert.spec.Spec;
import io.iocert.spec.SpecException;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The specs a pod may name in its {@value Admission#SPEC_ANNOTATION} annotation: every
 * {@code *.yaml}, {@code *.yml} and {@code *.json} file of a directory (hidden entries, such
 * as the {@code ..data} links of a mounted ConfigMap, are skipped), known by the spec's
 * {@code name}. Read and validated once, at start: a bad spec stops the webhook before it serves.
 */
final class SpecCatalog {
    private final Path dir;
    private final Map<String, Spec> byName;

    private SpecCatalog(Path dir, Map<String, Spec> byName) {
        this.dir = dir;
        this.byName = Collections.unmodifiableMap(byName);
    }

    static SpecCatalog empty() {
        return new SpecCatalog(null, new TreeMap<>());
    }

    /** The specs in {@code dir}; two files with one spec name are refused, naming both. */
    static SpecCatalog load(Path dir) throws AdmitSetupException, SpecException {
        if (!Files.isDirectory(dir)) {
            throw new AdmitSetupException(
                    "--specs " + dir + (Files.exists(dir) ? " is not a directory" : " does not exist")
                            + "; expected a directory of spec files (*.yaml, *.yml, *.json)");
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> p.getFileName().toString().matches(".*\\.(ya?ml|json)"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .forEach(files::add);
        } catch (IOException e) {
            throw new AdmitSetupException("--specs " + dir + " cannot be read: " + e.getMessage());
        }
        Map<String, Spec> byName = new TreeMap<>();
        Map<String, Path> from = new TreeMap<>();
        for (Path f : files) {
            Spec spec = SpecLoader.load(f);
            Path before = from.putIfAbsent(spec.name(), f);
            if (before != null) {
                throw new AdmitSetupException("--specs: " + before + " and " + f + " both define spec '" + spec.name()
                        + "'; a pod names a spec by its name, so each name must be defined once");
            }
            byName.put(spec.name(), spec);
        }
        return new SpecCatalog(dir, byName);
    }

    Optional<Spec> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** "a, b (from DIR)", for messages about a name that is not here. */
    String known() {
        if (dir == null) {
            return "no specs (the webhook was started without --specs DIR)";
        }
        return (byName.isEmpty() ? "none" : String.join(", ", byName.keySet())) + " (from " + dir + ")";
    }

    int size() {
        return byName.size();
    }
}
