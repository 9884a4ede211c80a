package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.certifier.cert.Certificates;
import io.iocert.certifier.cert.Keys;
import io.iocert.spec.Spec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert verify CERT --key PUB [--spec SPEC]}: exit 0 when the certificate is valid
 * (signed by that key, unchanged, not expired, and for that spec when one is given), 1 with the
 * reason when it is not (an unreadable certificate included), 2 for usage errors (no key).
 */
final class VerifyCommand implements Command {

    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String synopsis() {
        return "CERT --key PUB [--spec FILE]";
    }

    @Override
    public String summary() {
        return "check a signed certificate: exit 0 when valid, 1 with the reason when not";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 valid, 1 not valid (the reason is printed), 2 usage error.";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(opt("key", "PUB", "the signer's public key, PREFIX.pub from 'iocert keygen' (required)"))
                .addOption(opt(
                        "spec",
                        "FILE",
                        "also require that the certificate was issued for this spec" + Inputs.SPEC_IMAGE_HINT));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        List<String> args = line.getArgList();
        if (args.size() != 1) {
            throw new UsageException(
                    "verify needs exactly one certificate file; got " + args.size(), "see 'iocert verify --help'");
        }
        if (!line.hasOption("key")) {
            throw new UsageException("verify needs --key PUB, the signer's public key", "see 'iocert verify --help'");
        }
        Path keyFile = Path.of(line.getOptionValue("key"));
        PublicKey key;
        try {
            key = Keys.readPublic(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile.toString());
        } catch (IOException e) {
            throw new UsageException(
                    "--key: cannot read " + keyFile + " (" + e.getClass().getSimpleName() + ")");
        } catch (Keys.KeyException e) {
            throw new UsageException(e.getMessage());
        }
        Optional<String> specSha = Optional.empty();
        if (line.hasOption("spec")) {
            Spec spec = Inputs.spec(line.getOptionValue("spec"), err);
            specSha = Optional.of(spec.sha256());
        }
        Path certFile = Path.of(args.get(0));
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(certFile);
        } catch (IOException e) {
            throw new InvalidCertificateException(
                    certFile + ": INVALID: unreadable (" + e.getClass().getSimpleName() + ")");
        }
        Certificates.Verification v = Certificates.verify(bytes, key, specSha, Instant.now());
        if (!v.valid()) {
            throw new InvalidCertificateException(certFile + ": INVALID: " + v.reason());
        }
        var p = v.payload().orElseThrow();
        out.println(Main.shown(certFile + ": VALID: node "
                + p.at("/node/hostname").asText() + " is " + p.path("verdict").asText()
                + " for spec '" + p.at("/spec/name").asText() + "' (sha256 "
                + p.at("/spec/sha256")
                        .asText()
                        .substring(0, Math.min(12, p.at("/spec/sha256").asText().length())) + "), issued "
                + p.path("issuedAt").asText()
                + ", valid until " + p.path("validUntil").asText() + ", key "
                + p.path("keyId").asText()));
        return Main.OK;
    }
}
