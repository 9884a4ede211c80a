package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.certifier.cert.Keys;
import io.iocert.results.AtomicFiles;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code iocert keygen --out PREFIX}: an Ed25519 key pair, PREFIX.key (owner-only) and PREFIX.pub. */
final class KeygenCommand implements Command {

    @Override
    public String name() {
        return "keygen";
    }

    @Override
    public String synopsis() {
        return "--out PREFIX";
    }

    @Override
    public String summary() {
        return "make an Ed25519 key pair for signing certificates: PREFIX.key and PREFIX.pub";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 keys written, 2 usage error or a key file already exists.";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(opt("out", "PREFIX", "write PREFIX.key (private, mode 600) and PREFIX.pub (required)"));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        ProbeCommand.rejectArguments(line, name());
        if (!line.hasOption("out")) {
            throw new UsageException("keygen needs --out PREFIX", "see 'iocert keygen --help'");
        }
        String prefix = line.getOptionValue("out");
        Path priv = Path.of(prefix + ".key");
        Path pub = Path.of(prefix + ".pub");
        for (Path p : new Path[] {priv, pub}) {
            if (Files.exists(p)) {
                throw new UsageException(p + " already exists; iocert does not overwrite files (keys least of all)");
            }
        }
        KeyPair pair = Keys.generate();
        AtomicFiles.write(priv, Keys.privatePem(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII), false);
        try {
            Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            err.println("iocert: note: cannot restrict the permissions of " + priv + " on this filesystem; protect it");
        }
        AtomicFiles.write(pub, Keys.publicPem(pair.getPublic()).getBytes(StandardCharsets.US_ASCII), false);
        err.println("iocert: wrote " + priv + " (private: keep it secret) and " + pub + " (public, key id "
                + Keys.id(pair.getPublic()) + ")");
        return 0;
    }
}
