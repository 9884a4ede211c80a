package io.iocert.spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A loaded, validated job I/O spec (v1). Immutable. {@code sha256} is the hex SHA-256 of the
 * spec's canonical JSON form (keys sorted, no insignificant white space), so the same spec in
 * YAML or JSON has the same hash.
 */
public record Spec(
        String version,
        String name,
        String description,
        double confidence,
        Duration budget,
        Optional<Path> filesystemPath,
        List<Requirement> requirements,
        String sha256) {

    public static final String VERSION = "v1";
    public static final double DEFAULT_CONFIDENCE = 0.95;
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(60);

    public Spec {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(filesystemPath, "filesystemPath");
        Objects.requireNonNull(sha256, "sha256");
        description = description == null ? "" : description;
        requirements = List.copyOf(requirements);
    }

    public Optional<Requirement> requirement(String id) {
        return requirements.stream().filter(r -> r.id().equals(id)).findFirst();
    }
}
