package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.certifier.cert.Keys;
import io.iocert.certifier.export.Certification;
import io.iocert.certifier.export.ExportException;
import io.iocert.certifier.export.ExportFormat;
import io.iocert.certifier.export.ExportNode;
import io.iocert.certifier.export.ExportOptions;
import io.iocert.certifier.export.ExportReader;
import io.iocert.results.AtomicFiles;
import io.iocert.spec.Spec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert export --to slurm|nfd|prometheus INPUT... [--out FILE]}: certification results
 * for schedulers and monitoring (docs/exports.md). Exit 0 when exported; 1 when a certificate
 * fails verification against {@code --key} (nothing is written); 2 for usage errors and bad
 * input. An expired certificate is exported, as not eligible, with a warning.
 */
final class ExportCommand implements Command {

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String synopsis() {
        return "--to slurm|nfd|prometheus REPORT_OR_CERT... [--key PUB | --no-verify] [--out FILE [--overwrite]]"
                + " | --to slurm --withdraw NODE[,NODE...] --spec FILE";
    }

    @Override
    public String summary() {
        return "export reports and certificates as Slurm node features, NFD labels or Prometheus metrics";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 exported, 1 a certificate failed verification (nothing written), 2 usage or bad input.";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(opt(
                        "to",
                        "FORMAT",
                        "slurm (scontrol script), nfd (features.d file) or prometheus"
                                + " (textfile-collector file) (required)"))
                .addOption(opt("out", "FILE", "write here, atomically, instead of standard output"))
                .addOption(opt(
                        "overwrite",
                        null,
                        "let --out replace an existing FILE (for files refreshed"
                                + " periodically; readers see the old or the new file, never a part)"))
                .addOption(opt(
                        "key",
                        "PUB",
                        "verify certificates with this public key first; an invalid one stops"
                                + " the export (exit 1)"))
                .addOption(opt(
                        "no-verify",
                        null,
                        "export certificates without checking their signature (marked"
                                + " unverified); without --key or this, a certificate is refused"))
                .addOption(opt(
                        "node-name",
                        "NAME",
                        "the node's name in the output (default: the report's host name"
                                + " up to the first dot); inputs of a single host only"))
                .addOption(opt(
                        "host",
                        "HOST",
                        "export only this host's certifications (e.g. one node of a fleet" + " report)"))
                .addOption(
                        opt(
                                "features-mode",
                                "MODE",
                                "slurm: merge (default: keep the node's own features and"
                                        + " other specs', replace only the exported specs') or replace (set iocert's features alone)"))
                .addOption(
                        opt(
                                "withdraw",
                                "NODES",
                                "slurm: instead of exporting, take the --spec's features off these"
                                        + " nodes (comma-separated), for nodes with no current result; their other features stay"))
                .addOption(opt(
                        "spec",
                        "FILE",
                        "with --withdraw: the spec whose features are taken off" + Inputs.SPEC_IMAGE_HINT))
                .addOption(opt(
                        "expires-in",
                        "TIME",
                        "nfd: labels from reports expire after TIME (30d, 12h, 90min),"
                                + " or 'never'; required for reports, caps certificates' validity"));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        if (!line.hasOption("to")) {
            throw new UsageException(
                    "export needs --to FORMAT; one of " + ExportFormat.ids(), "see 'iocert export --help'");
        }
        String to = line.getOptionValue("to");
        ExportFormat format = ExportFormat.ofId(to)
                .orElseThrow(() -> new UsageException(
                        "--to '" + to + "' is not an export format; expected one of " + ExportFormat.ids()));
        List<String> inputs = line.getArgList();
        if (line.hasOption("withdraw") || line.hasOption("spec")) {
            return withdraw(line, format, inputs, out, err);
        }
        if (inputs.isEmpty()) {
            throw new UsageException(
                    "export needs at least one report.json, fleet report or certificate.json",
                    "see 'iocert export --help'");
        }
        if (line.hasOption("overwrite") && !line.hasOption("out")) {
            throw new UsageException("--overwrite is for --out FILE");
        }
        if (line.hasOption("key") && line.hasOption("no-verify")) {
            throw new UsageException("--key and --no-verify contradict each other: give one");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ExportOptions options = options(line, format, now);
        Optional<PublicKey> key =
                line.hasOption("key") ? Optional.of(publicKey(Path.of(line.getOptionValue("key")))) : Optional.empty();
        ExportReader reader = new ExportReader(key, line.hasOption("no-verify"), now);
        List<Certification> all = new ArrayList<>();
        try {
            for (String input : inputs) {
                all.addAll(reader.read(read(Path.of(input)), input));
            }
            List<ExportNode> nodes = ExportNode.group(
                    all,
                    Optional.ofNullable(line.getOptionValue("node-name")),
                    Optional.ofNullable(line.getOptionValue("host")));
            String text = format.export(nodes, options);
            warn(nodes, err);
            emit(line, text, format.id() + ", " + nodes.size() + (nodes.size() == 1 ? " node" : " nodes"), out, err);
            return Main.OK;
        } catch (ExportException e) {
            if (e.invalidCertificate()) {
                throw new InvalidCertificateException(e.getMessage(), "iocert: nothing exported");
            }
            throw new UsageException(e.getMessage());
        }
    }

    /** The export on standard output, or in --out written atomically (replacing a file only with --overwrite). */
    private static void emit(CommandLine line, String text, String what, PrintStream out, PrintStream err)
            throws IOException, UsageException {
        if (!line.hasOption("out")) {
            out.print(text);
            out.flush();
            return;
        }
        Path target = Path.of(line.getOptionValue("out"));
        try {
            AtomicFiles.write(target, text.getBytes(StandardCharsets.UTF_8), line.hasOption("overwrite"));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new UsageException("--out " + e.getFile() + " already exists; iocert does not overwrite files unless"
                    + " asked: add --overwrite to replace it");
        }
        err.println("iocert: wrote " + target + " (" + what + ")");
    }

    /** {@code --withdraw NODES --spec FILE}: a Slurm script taking the spec's features off those nodes. */
    private static int withdraw(
            CommandLine line, ExportFormat format, List<String> inputs, PrintStream out, PrintStream err)
            throws Exception {
        if (format != ExportFormat.SLURM) {
            throw new UsageException("--withdraw is for --to slurm (for nfd, remove the node's features.d file;"
                    + " Prometheus series go with the textfile)");
        }
        if (!line.hasOption("withdraw") || !line.hasOption("spec")) {
            throw new UsageException(
                    "--withdraw NODES and --spec FILE go together: the spec names the features to" + " take off");
        }
        if (!inputs.isEmpty()) {
            throw new UsageException("--withdraw takes no reports or certificates; got " + inputs.get(0));
        }
        if (line.hasOption("features-mode")
                && !line.getOptionValue("features-mode").equalsIgnoreCase("merge")) {
            throw new UsageException("--withdraw always merges: it takes only the spec's features off");
        }
        List<String> nodes = new ArrayList<>();
        for (String n : line.getOptionValue("withdraw").split(",")) {
            if (!n.isBlank()) {
                nodes.add(n.strip());
            }
        }
        if (nodes.isEmpty()) {
            throw new UsageException("--withdraw needs at least one node name");
        }
        Spec spec = Inputs.spec(line.getOptionValue("spec"), err);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String text;
        try {
            text = ExportFormat.slurmWithdrawal(nodes, spec.name(), "no current result", ExportOptions.defaults(now));
        } catch (ExportException e) {
            throw new UsageException(e.getMessage());
        }
        emit(
                line,
                text,
                "slurm withdrawal of spec '" + spec.name() + "' on " + nodes.size()
                        + (nodes.size() == 1 ? " node" : " nodes"),
                out,
                err);
        return Main.OK;
    }

    private static ExportOptions options(CommandLine line, ExportFormat format, Instant now) throws UsageException {
        if (line.hasOption("features-mode") && format != ExportFormat.SLURM) {
            throw new UsageException("--features-mode is for --to slurm");
        }
        if (line.hasOption("expires-in") && format != ExportFormat.NFD) {
            throw new UsageException("--expires-in is for --to nfd (certificates carry their own validity)");
        }
        ExportOptions.FeaturesMode mode = ExportOptions.FeaturesMode.MERGE;
        if (line.hasOption("features-mode")) {
            String m = line.getOptionValue("features-mode");
            mode = switch (m.toLowerCase(Locale.ROOT)) {
                case "merge" -> ExportOptions.FeaturesMode.MERGE;
                case "replace" -> ExportOptions.FeaturesMode.REPLACE;
                default ->
                    throw new UsageException("--features-mode '" + m + "' is not a mode; expected merge (keep the"
                            + " node's own features) or replace (iocert's alone)");
            };
        }
        Optional<Duration> expiresIn = Optional.empty();
        boolean never = false;
        if (line.hasOption("expires-in")) {
            String e = line.getOptionValue("expires-in");
            if (e.equals("never")) {
                never = true;
            } else {
                try {
                    expiresIn = Optional.of(Signing.validity(e));
                } catch (UsageException x) {
                    throw new UsageException("--expires-in '" + e + "' is not a duration; expected days, hours or"
                            + " minutes such as 7d, 12h or 90min, or 'never'");
                }
            }
        }
        return new ExportOptions(now, mode, expiresIn, never);
    }

    private static void warn(List<ExportNode> nodes, PrintStream err) {
        for (ExportNode n : nodes) {
            for (Certification c : n.certifications()) {
                if (c.expired()) {
                    err.println(Main.shown("iocert: warning: " + c.source() + ": the certificate expired at "
                            + c.validUntil().orElseThrow() + "; node " + n.name() + " is exported as not eligible for"
                            + " spec '" + c.specName() + "' (certify it again)"));
                }
                if (c.kind() == Certification.Kind.CERTIFICATE && !c.verified()) {
                    err.println(Main.shown("iocert: warning: " + c.source() + ": exported without checking its"
                            + " signature (--no-verify)"));
                }
            }
        }
    }

    private static PublicKey publicKey(Path keyFile) throws UsageException {
        try {
            return Keys.readPublic(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile.toString());
        } catch (IOException e) {
            throw new UsageException("--key: " + readFailure(keyFile, e));
        } catch (Keys.KeyException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static byte[] read(Path input) throws UsageException {
        if (Files.isDirectory(input)) {
            throw new UsageException(input + " is a directory; give the report.json or certificate.json in it");
        }
        try {
            return Files.readAllBytes(input);
        } catch (IOException e) {
            throw new UsageException(readFailure(input, e));
        }
    }

    /** "FILE: no such file or directory", or "cannot read FILE: why". */
    private static String readFailure(Path file, IOException e) {
        String why = Main.describe(e);
        return why.startsWith(file.toString()) ? why : "cannot read " + file + ": " + why;
    }
}
