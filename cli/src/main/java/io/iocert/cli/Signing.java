package io.iocert.cli;

import io.iocert.certifier.Report;
import io.iocert.certifier.cert.Certificates;
import io.iocert.certifier.cert.Keys;
import io.iocert.results.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.cli.CommandLine;

/**
 * {@code --sign KEY [--valid-for 30d]} of run and certify: the key pair (the public key is read
 * from beside the private one, as keygen writes them) and the certificate it issues.
 */
final class Signing {
    static final String CERTIFICATE_FILE = "certificate.json";
    private static final Pattern VALIDITY = Pattern.compile("([1-9][0-9]{0,5})(d|h|min)");

    private final PrivateKey key;
    private final PublicKey publicKey;
    private final Duration validity;

    private Signing(PrivateKey key, PublicKey publicKey, Duration validity) {
        this.key = key;
        this.publicKey = publicKey;
        this.validity = validity;
    }

    /** The signing the flags ask for, checked before any probing; empty without --sign. */
    static Optional<Signing> of(CommandLine line) throws UsageException {
        if (!line.hasOption("sign")) {
            if (line.hasOption("valid-for")) {
                throw new UsageException("--valid-for is for a signed certificate: add --sign KEY");
            }
            return Optional.empty();
        }
        Path keyFile = Path.of(line.getOptionValue("sign"));
        Path pubFile = publicKeyFile(keyFile);
        try {
            PrivateKey priv = Keys.readPrivate(read(keyFile, "--sign"), keyFile.toString());
            PublicKey pub = Keys.readPublic(read(pubFile, "the public key for --sign"), pubFile.toString());
            Duration validity = validity(line.getOptionValue("valid-for", "30d"));
            Signing s = new Signing(priv, pub, validity);
            s.checkPair(keyFile, pubFile);
            return Optional.of(s);
        } catch (Keys.KeyException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Where keygen put the public key of {@code keyFile}: PREFIX.pub beside PREFIX.key. */
    static Path publicKeyFile(Path keyFile) {
        String name = keyFile.getFileName().toString();
        String base = name.endsWith(".key") ? name.substring(0, name.length() - 4) : name;
        return keyFile.resolveSibling(base + ".pub");
    }

    /** Issues the certificate for {@code report} from {@code resultFiles} into {@code dir}; never overwrites. */
    Path issue(Report report, List<Path> resultFiles, Path dir) throws IOException, UsageException {
        Path target = dir.resolve(CERTIFICATE_FILE);
        if (Files.exists(target)) {
            throw new UsageException(target + " already exists; iocert does not overwrite files");
        }
        List<Certificates.ResultDigest> digests = new ArrayList<>();
        for (Path f : resultFiles) {
            // Named as found from the certificate's directory (result.json, nodes/n01.result.json).
            String name = f.startsWith(dir)
                    ? dir.relativize(f).toString().replace(java.io.File.separatorChar, '/')
                    : f.getFileName().toString();
            digests.add(new Certificates.ResultDigest(name, Certificates.sha256(Files.readAllBytes(f))));
        }
        byte[] cert = Certificates.issue(report, digests, Instant.now(), validity, key, publicKey);
        AtomicFiles.write(target, cert, false);
        return target;
    }

    static Duration validity(String text) throws UsageException {
        Matcher m = VALIDITY.matcher(text);
        if (!m.matches()) {
            throw new UsageException("--valid-for '" + text + "' is not a validity; expected days, hours or minutes"
                    + " such as 30d, 12h or 90min");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "d" -> Duration.ofDays(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofMinutes(n);
        };
    }

    private void checkPair(Path keyFile, Path pubFile) throws UsageException {
        try {
            java.security.Signature s = java.security.Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(new byte[] {1});
            byte[] sig = s.sign();
            s.initVerify(publicKey);
            s.update(new byte[] {1});
            if (!s.verify(sig)) {
                throw new UsageException(pubFile + " is not the public key of " + keyFile
                        + "; keep the pair 'iocert keygen' wrote together");
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new UsageException("cannot use " + keyFile + " for signing: " + e.getMessage());
        }
    }

    private static String read(Path file, String what) throws UsageException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UsageException(
                    what + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")",
                    "make a key pair with 'iocert keygen --out PREFIX'");
        }
    }
}
