package io.iocert.cli;

import io.iocert.cli.oci.ImageException;
import io.iocert.cli.oci.ImageRef;
import io.iocert.cli.oci.SpecImages;
import io.iocert.spec.Dimension;
import io.iocert.spec.Quantity;
import io.iocert.spec.Requirement;
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
import java.util.List;
import org.apache.commons.cli.CommandLine;

/** Reading and checking what the user gave on the command line. */
final class Inputs {
    static final String BUNDLED_SPEC = "examples/specs/default.yaml";
    /** Appended to every --spec option's description. */
    static final String SPEC_IMAGE_HINT = "; or an image carrying the spec: oci:DIR[:TAG], oci-archive:FILE[:TAG],"
            + " docker-archive:FILE (see 'iocert spec embed')";

    private static final String BUNDLED_RESOURCE = "specs/default.yaml";

    private Inputs() {}

    /** The spec named by --spec, or the bundled default; --confidence and --budget applied. */
    static Spec spec(CommandLine line, PrintStream err) throws SpecException, UsageException, ImageException {
        Spec spec;
        if (line.hasOption("spec")) {
            spec = spec(line.getOptionValue("spec"), err);
        } else {
            spec = SpecLoader.parse(bundledSpecText(), BUNDLED_SPEC + " (bundled)");
        }
        Double confidence = line.hasOption("confidence") ? confidence(line.getOptionValue("confidence")) : null;
        Duration budget = line.hasOption("budget") ? duration("--budget", line.getOptionValue("budget")) : null;
        if (confidence == null && budget == null) {
            return spec;
        }
        List<Requirement> rs = spec.requirements().stream()
                .map(r ->
                        r.with(confidence != null ? confidence : r.confidence(), budget != null ? budget : r.budget()))
                .toList();
        return new Spec(
                spec.version(),
                spec.name(),
                spec.description(),
                confidence != null ? confidence : spec.confidence(),
                budget != null ? budget : spec.budget(),
                spec.filesystemPath(),
                rs,
                spec.sha256());
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
    static java.util.OptionalLong maxBytes(CommandLine line) throws UsageException {
        if (!line.hasOption("max-bytes")) {
            return java.util.OptionalLong.empty();
        }
        String text = line.getOptionValue("max-bytes");
        try {
            Quantity q = Quantity.parse(text, Dimension.DATA_SIZE);
            if (q.value() >= 1) {
                return java.util.OptionalLong.of(q.longValue());
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
