package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.cli.oci.ImageException;
import io.iocert.cli.oci.ImageRef;
import io.iocert.cli.oci.SpecImages;
import io.iocert.results.AtomicFiles;
import io.iocert.spec.SpecException;
import io.iocert.spec.SpecLoader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;

/**
 * {@code iocert spec embed --spec FILE --image REF [--out REF]} and
 * {@code iocert spec extract --image REF [--out FILE]}: the spec inside an OCI image
 * (docs/spec-travels.md).
 */
final class SpecInImage {
    private SpecInImage() {}

    static List<Option> options() {
        return List.of(
                opt("spec", "FILE", "embed: the spec to put into the image (a file, or an image carrying one)"),
                opt(
                        "image",
                        "REF",
                        "embed, extract: the image: oci:DIR[:TAG], oci-archive:FILE[:TAG] or (extract only)"
                                + " docker-archive:FILE[:NAME:TAG]; without TAG the one tagged 'latest' or the only image"));
    }

    static int embed(CommandLine line, List<String> extra, PrintStream out, PrintStream err)
            throws UsageException, SpecException, ImageException, IOException {
        noArguments("embed", extra, "--spec FILE --image REF [--out REF]");
        if (!line.hasOption("spec") || !line.hasOption("image")) {
            throw new UsageException("'spec embed' needs --spec FILE and --image REF", "see 'iocert spec --help'");
        }
        String specValue = line.getOptionValue("spec");
        byte[] canonical;
        if (ImageRef.looksLikeImage(specValue) && !Files.exists(Path.of(specValue))) {
            canonical = SpecImages.extract(ImageRef.parse(specValue)).canonicalJson();
        } else {
            canonical = SpecLoader.canonicalJson(Path.of(specValue));
        }
        ImageRef image = image(line.getOptionValue("image"), "--image");
        Optional<ImageRef> target =
                line.hasOption("out") ? Optional.of(image(line.getOptionValue("out"), "--out")) : Optional.empty();
        SpecImages.Embedded e = SpecImages.embed(canonical, image, target, Instant.now());
        String spec = "spec '" + e.specName() + "' (sha256 " + e.specSha256() + ")";
        if (e.alreadyAttached()) {
            err.println("iocert: note: this " + spec + " is already attached to the image (referrer "
                    + e.referrerDigest() + "); not attached twice");
        }
        out.println((target.isPresent() ? "wrote " + e.target() + ": " : "") + "the image " + e.imageDigest()
                + (e.alreadyAttached() ? " has " : " now has ") + spec + " attached as referrer " + e.referrerDigest()
                + " (the image itself is unchanged)");
        return Main.OK;
    }

    static int extract(CommandLine line, List<String> extra, PrintStream out, PrintStream err)
            throws UsageException, SpecException, ImageException, IOException {
        noArguments("extract", extra, "--image REF [--out FILE]");
        if (!line.hasOption("image")) {
            throw new UsageException("'spec extract' needs --image REF", "see 'iocert spec --help'");
        }
        SpecImages.ImageSpec s = SpecImages.extract(image(line.getOptionValue("image"), "--image"));
        s.note().ifPresent(n -> err.println("iocert: note: " + n));
        if (line.hasOption("out")) {
            Path file = Path.of(line.getOptionValue("out"));
            try {
                AtomicFiles.write(file, s.canonicalJson(), false);
            } catch (FileAlreadyExistsException e) {
                throw new UsageException("--out " + file + " already exists; iocert does not overwrite files"
                        + " (choose another path or remove it)");
            }
            err.println("iocert: wrote " + file + ": spec '" + s.spec().name() + "' (sha256 "
                    + s.spec().sha256() + ") from " + s.origin());
        } else {
            out.write(s.canonicalJson());
            out.flush();
        }
        return Main.OK;
    }

    private static ImageRef image(String value, String flag) throws UsageException {
        try {
            return ImageRef.parse(value);
        } catch (ImageException e) {
            throw new UsageException(flag + ": " + e.getMessage());
        }
    }

    private static void noArguments(String sub, List<String> extra, String usage) throws UsageException {
        if (!extra.isEmpty()) {
            throw new UsageException(
                    "'spec " + sub + "' takes no arguments besides its options; got '" + extra.get(0) + "'",
                    "usage: iocert spec " + sub + " " + usage);
        }
    }
}
