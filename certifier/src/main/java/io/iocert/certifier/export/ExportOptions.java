package io.iocert.certifier.export;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How to export: the time of export ({@code now}), how Slurm features are applied, and, for NFD,
 * how long labels from reports (which carry no validity) live: {@code expiresIn}, or none when
 * {@code neverExpire}.
 */
public record ExportOptions(Instant now, FeaturesMode featuresMode, Optional<Duration> expiresIn, boolean neverExpire) {

    /** How {@code --to slurm} treats a node's existing features. */
    public enum FeaturesMode {
        /** Keep the node's own features and other specs'; replace only the exported specs' (a shell script). */
        MERGE,
        /** Set the node's features to iocert's alone (plain scontrol lines; removes the site's own). */
        REPLACE
    }

    public ExportOptions {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(featuresMode, "featuresMode");
        Objects.requireNonNull(expiresIn, "expiresIn");
    }

    public static ExportOptions defaults(Instant now) {
        return new ExportOptions(now, FeaturesMode.MERGE, Optional.empty(), false);
    }
}
