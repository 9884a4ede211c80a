package io.iocert.cli;

import io.iocert.cli.oci.ImageException;
import io.iocert.cli.oci.ImageRef;
import io.iocert.cli.oci.SpecImages;
import io.iocert.runner.RunConfig;
import io.iocert.spec.Dimension;
import io.iocert.spec.ProbeType;
import io.iocert.spec.Quantity;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecException;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.apache.commons.cli.CommandLine;

/** Reading and checking what the user gave on the command line. */
final class Inputs {
    static final String BUNDLED_SPEC = "examples/specs/default.yaml";
    /** Appended to every --spec option's description. */
    static final String SPEC_IMAGE_HINT = "; or an image carrying the spec: oci:DIR[:TAG], oci-archive:FILE[:TAG],"
            + " docker-archive:FILE (see 'iocert spec embed')";

    private static final String BUNDLED_RESOURCE = "specs/default.yaml";

    private Inputs() {}

    /**
     * The configuration of a run by {@code plan}: the spec named by --spec (or the bundled
     * default) over the defaults, and the flags ({@link #overrides}) over both.
     */
    static RunConfig runConfig(CommandLine line, PrintStream err, RunConfig.Plan plan)
            throws SpecException, ImageException, UsageException {
        Spec spec = spec(line, err);
        return RunConfig.of(spec, overrides(line), plan);
    }

    /** The spec named by --spec, or the bundled default, as written. */
    private static Spec spec(CommandLine line, PrintStream err) throws SpecException, ImageException {
        if (line.hasOption("spec")) {
            return spec(line.getOptionValue("spec"), err);
        }
        return SpecLoader.parse(bundledSpecText(), BUNDLED_SPEC + " (bundled)");
    }

    /**
     * The top layer of a run's configuration: --fs-path, --confidence, --budget and --max-bytes,
     * each where the command has it and the user gave it. Values are checked here, so a bad one
     * is a usage error naming its flag.
     */
    static RunConfig.Overrides overrides(CommandLine line) throws UsageException {
        OptionalDouble confidence = line.hasOption("confidence")
                ? OptionalDouble.of(confidence(line.getOptionValue("confidence")))
                : OptionalDouble.empty();
        Optional<Duration> budget = line.hasOption("budget")
                ? Optional.of(duration("--budget", line.getOptionValue("budget")))
                : Optional.empty();
        OptionalLong maxBytes = maxBytes(line);
        Optional<Path> fsPath =
                line.hasOption("fs-path") ? Optional.of(Path.of(line.getOptionValue("fs-path"))) : Optional.empty();
        return new RunConfig.Overrides(fsPath, confidence, budget, maxBytes);
    }

    /**
     * The filesystem probes' directory, as {@code config} resolved it (--fs-path, else the
     * spec's filesystem.path, else the current directory); checked now, and named after where it
     * came from, when the spec has filesystem requirements.
     */
    static Path fsPath(RunConfig config) throws UsageException {
        String from = switch (config.fsPathFrom()) {
            case OVERRIDES -> "--fs-path";
            case SPEC -> "the spec's filesystem.path";
            case DEFAULTS -> "the current directory";
        };
        boolean needsFs =
                config.spec().requirements().stream().anyMatch(r -> r.probe().family() == ProbeType.Family.FS);
        return needsFs ? directory(from, config.fsPath()) : config.fsPath();
    }

    /**
     * A --spec value: a spec file, or an image carrying a spec ({@code oci:DIR[:TAG]},
     * {@code oci-archive:FILE[:TAG]}, {@code docker-archive:FILE}), checked against its recorded
     * sha256. A value that exists as a file is a file, even when it looks like an image reference.
     */
    static Spec spec(String value, PrintStream err) throws SpecException, ImageException {
        if (ImageRef.looksLikeImage(value) && !Files.exists(Path.of(value))) {
            SpecImages.ImageSpec s = SpecImages.extract(ImageRef.parse(value));
            s.note().ifPresent(n -> err.println("iocert: note: " + n));
            return s.spec();
        }
        return SpecLoader.load(Path.of(value));
    }

    static String bundledSpecText() {
        try (InputStream in = Inputs.class.getResourceAsStream(BUNDLED_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled spec " + BUNDLED_SPEC + " is missing from this build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static double confidence(String text) throws UsageException {
        try {
            double p = Double.parseDouble(text);
            if (p > 0 && p < 1) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through to the message
        }
        throw new UsageException("--confidence '" + text + "' is not a probability; expected a number between 0 and 1"
                + " (exclusive), such as 0.95");
    }

    static Duration duration(String flag, String text) throws UsageException {
        try {
            Quantity q = Quantity.parse(text, Dimension.DURATION);
            if (q.value() > 0 && q.longValue() >= 1) {
                return Duration.ofNanos(q.longValue());
            }
            // 0.1ns is positive but rounds to no time at all, which every user of a duration rejects later.
            throw new UsageException(
                    flag + " '" + text + "' must be at least 1 ns" + (q.value() > 0 ? " (it rounds to 0 ns)" : ""));
        } catch (Quantity.UnitException e) {
            throw new UsageException(flag + " '" + text + "': " + e.getMessage());
        }
    }

    /** --max-bytes as bytes, if given. */
    private static OptionalLong maxBytes(CommandLine line) throws UsageException {
        if (!line.hasOption("max-bytes")) {
            return OptionalLong.empty();
        }
        String text = line.getOptionValue("max-bytes");
        try {
            Quantity q = Quantity.parse(text, Dimension.DATA_SIZE);
            if (q.value() >= 1) {
                return OptionalLong.of(q.longValue());
            }
            throw new UsageException("--max-bytes '" + text + "' must be at least 1 B");
        } catch (Quantity.UnitException e) {
            throw new UsageException("--max-bytes '" + text + "': " + e.getMessage());
        }
    }

    /** A directory the user named, checked before any work starts. */
    static Path directory(String flag, Path dir) throws UsageException {
        if (!Files.exists(dir)) {
            throw new UsageException(flag + " " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new UsageException(flag + " " + dir + " is not a directory");
        }
        if (!Files.isWritable(dir)) {
            throw new UsageException(flag + " " + dir + " is not writable by this user");
        }
        return dir;
    }
}
