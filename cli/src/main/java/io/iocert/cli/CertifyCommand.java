package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Evidence;
import io.iocert.certifier.NodeVerdict;
import io.iocert.certifier.Report;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.results.ResultFormatException;
import io.iocert.spec.Spec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert certify}: judge result documents against a spec. One result gives a node
 * report; several give a fleet report. A directory argument contributes every
 * {@code result.json} and {@code *.result.json} below it.
 */
final class CertifyCommand implements Command {

    @Override
    public String name() {
        return "certify";
    }

    @Override
    public String synopsis() {
        return "--spec FILE RESULT_OR_DIR... [--format F] [--out FILE] [--report-dir DIR]";
    }

    @Override
    public String summary() {
        return "judge result documents against a spec: ELIGIBLE, NOT_ELIGIBLE, INCONCLUSIVE";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(opt("spec", "FILE", "the job I/O spec (required)" + Inputs.SPEC_IMAGE_HINT))
                .addOption(opt("format", "F", "report format: " + ReportFormat.ids() + " (default text)"))
                .addOption(opt("out", "FILE", "write the report here instead of standard output (never overwritten)"))
                .addOption(opt("report-dir", "DIR", "also write report.<ext> in every format into DIR"))
                .addOption(opt(
                        "sign",
                        "KEY",
                        "also write " + Signing.CERTIFICATE_FILE + " (into --report-dir, else the"
                                + " current directory) signed with this private key; one result only"))
                .addOption(opt("valid-for", "TIME", "how long the certificate is valid: 30d (default), 12h, 90min"))
                .addOption(opt(
                        "store",
                        "STORE",
                        "record each result and its verdicts in this store; with"
                                + " --instance-type, read the instances from it. " + Stores.HELP))
                .addOption(
                        opt(
                                "instance-type",
                                "TYPE",
                                "certify an instance type, not one node: from the newest stored"
                                        + " result of each node of TYPE, whether --share of its instances meet the spec (docs/history.md)"))
                .addOption(opt(
                        "share",
                        "P",
                        "with --instance-type: the share of instances that must meet the spec" + " (default 0.9)"))
                .addOption(opt(
                        "confidence",
                        "P",
                        "with --instance-type: confidence of the share statement (default the" + " spec's)"));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        if (!line.hasOption("spec")) {
            throw new UsageException("certify needs --spec FILE", "see 'iocert certify --help'");
        }
        if (line.hasOption("instance-type")) {
            return InstanceTypeCertify.run(line, out, err);
        }
        if (line.getArgList().isEmpty()) {
            throw new UsageException(
                    "certify needs at least one result file or directory", "see 'iocert certify --help'");
        }
        ReportFormat format = Outputs.format(line);
        Spec spec = Inputs.spec(line.getOptionValue("spec"), err);
        List<Path> files = resultFiles(line.getArgList());
        Optional<Signing> signing = Signing.of(line);
        Optional<io.iocert.store.StoreLocation> store = Stores.checkedForRecording(line);
        if (signing.isPresent() && files.size() != 1) {
            throw new UsageException(
                    "--sign certifies one node: give one result file, not " + files.size(), "sign node by node");
        }
        // The distributions behind the verdicts are drawn only by the HTML report, and only for one node.
        boolean evidence = files.size() == 1 && (format == ReportFormat.HTML || line.hasOption("report-dir"));
        List<Report> reports = certifyAll(spec, files, evidence, err);
        if (line.hasOption("out")) {
            Outputs.write(Path.of(line.getOptionValue("out")), Outputs.render(format, reports));
        } else {
            Outputs.print(format, reports, out);
        }
        if (line.hasOption("report-dir")) {
            Path dir = Path.of(line.getOptionValue("report-dir"));
            Files.createDirectories(dir);
            for (ReportFormat f : ReportFormat.values()) {
                Outputs.write(dir.resolve("report." + f.extension()), Outputs.render(f, reports));
            }
        }
        Path certificate = null;
        if (signing.isPresent()) {
            Path dir = line.hasOption("report-dir") ? Path.of(line.getOptionValue("report-dir")) : Path.of("");
            certificate = signing.get().issue(reports.get(0), files, dir);
            err.println("iocert: signed " + certificate);
        }
        Stores.recordFiles(store, files, reports, certificate, err);
        return NodeVerdict.ofNodes(reports.stream().map(Report::verdict).toList())
                .exitCode();
    }

    /** One judged file: its report and the note to print, if any. */
    private record Judged(Report report, String note) {}

    /**
     * Reads and certifies every file, in parallel (reading dominates: decoding histograms), and
     * returns the reports in file order. Only one result is held per worker at a time, so a
     * fleet of any size fits in a small heap. The first unreadable file, in file order, is the
     * one reported. With {@code evidence} each report also carries the distributions behind its
     * verdicts (for the HTML report; meant for one file).
     */
    static List<Report> certifyAll(Spec spec, List<Path> files, boolean evidence, PrintStream err)
            throws ResultFormatException, IOException, InterruptedException {
        int workers = Math.max(1, Math.min(files.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "iocert-certify");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Judged>> futures = new ArrayList<>(files.size());
            for (Path f : files) {
                futures.add(pool.submit(() -> judge(spec, f, evidence)));
            }
            List<Report> reports = new ArrayList<>(files.size());
            for (Future<Judged> future : futures) {
                Judged j;
                try {
                    j = future.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof ResultFormatException rfe) {
                        throw rfe;
                    }
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(cause);
                }
                if (j.note() != null) {
                    err.println(j.note());
                }
                reports.add(j.report());
            }
            return reports;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Judged judge(Spec spec, Path f, boolean withEvidence) throws ResultFormatException, IOException {
        Result r = ResultCodec.read(f);
        String note = null;
        if (r.specSha256() != null && !r.specSha256().equals(spec.sha256())) {
            note = "iocert: note: " + f + " was measured for spec '" + r.specName() + "', not this one;"
                    + " requirements are matched by id";
        }
        Report report = Certifier.certify(spec, r);
        // One node's report draws its distributions; a fleet's would hold every node's histograms.
        return new Judged(withEvidence ? report.withEvidence(Evidence.of(report, r)) : report, note);
    }

    static List<Path> resultFiles(List<String> args) throws UsageException, IOException {
        List<Path> files = new ArrayList<>();
        for (String a : args) {
            Path p = Path.of(a);
            if (!Files.exists(p)) {
                throw new UsageException(a + ": no such file or directory");
            }
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.walk(p)) {
                    List<Path> found = s.filter(Files::isRegularFile)
                            .filter(CertifyCommand::isResultName)
                            .sorted()
                            .toList();
                    if (found.isEmpty()) {
                        throw new UsageException(a + " holds no result.json or *.result.json files");
                    }
                    files.addAll(found);
                }
            } else {
                files.add(p);
            }
        }
        return files;
    }

    private static boolean isResultName(Path p) {
        String n = p.getFileName().toString();
        return n.equals(RunCommand.RESULT_FILE) || n.endsWith(".result.json");
    }
}
