package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Evidence;
import io.iocert.certifier.Report;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.results.AtomicFiles;
import io.iocert.results.CsvExport;
import io.iocert.results.HlogExport;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.runner.ProbeRunner;
import io.iocert.runner.RunConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code iocert run}: probe what the spec asks, certify, write results and reports. */
final class RunCommand implements Command {
    static final String RESULT_FILE = "result.json";
    static final String REPORT_FILE = "report.json";

    /** The report in {@code format} inside a run's directory: report.txt, report.md, report.xml (JUnit), ... */
    static String reportFile(ReportFormat format) {
        return "report." + format.extension();
    }

    private static String reportFiles() {
        StringBuilder sb = new StringBuilder();
        for (ReportFormat f : ReportFormat.values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(reportFile(f));
        }
        return sb.toString();
    }

    @Override
    public String name() {
        return "run";
    }

    @Override
    public String synopsis() {
        return "[--spec FILE] [--fs-path DIR] [--peer HOST:PORT [--token-file FILE]] [--out DIR] [--budget DURATION]"
                + " [--max-bytes SIZE] [--confidence P] [--format F]";
    }

    @Override
    public String summary() {
        return "probe this node and certify it against a spec (default: the bundled " + Inputs.BUNDLED_SPEC + ")";
    }

    @Override
    public Options options() {
        return ProbeCommand.probeOptions()
                .addOption(opt(
                        "out",
                        "DIR",
                        "output directory (default ./iocert-out/<UTC timestamp>/); gets "
                                + RESULT_FILE + " (+ .csv summaries, .hlog histograms) and the report in every format: "
                                + reportFiles()))
                .addOption(opt("confidence", "P", "confidence for every requirement, overriding the spec (0 < P < 1)"))
                .addOption(opt(
                        "format", "F", "report format on standard output: " + ReportFormat.ids() + " (default text)"))
                .addOption(opt(
                        "sign",
                        "KEY",
                        "also write " + Signing.CERTIFICATE_FILE + ", signed with this private key"
                                + " (PREFIX.key from 'iocert keygen'; PREFIX.pub must be beside it)"))
                .addOption(opt("valid-for", "TIME", "how long the certificate is valid: 30d (default), 12h, 90min"))
                .addOption(Stores.recordOption());
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        ProbeCommand.rejectArguments(line, name());
        Optional<Signing> signing = Signing.of(line);
        // Adaptive: statistics the budget cannot settle are warned of before probing and after a first round;
        // verdicts unchanged.
        RunConfig config = Inputs.runConfig(line, err, RunConfig.Plan.ADAPTIVE);
        ReportFormat format = Outputs.format(line);
        Inputs.fsPath(config);
        Path dir = Outputs.runDirectory(line);
        Optional<io.iocert.store.StoreLocation> store = Stores.checkedForRecording(line);

        Result result;
        try (PeerChoice peer = PeerChoice.of(line, config.spec())) {
            result = new ProbeRunner(
                            config.withPeer(peer.peer()), ProbeCommand.runId(), TerminalProgress.forConsole(err))
                    .run();
        }
        byte[] document = ResultCodec.toJson(result);
        AtomicFiles.write(dir.resolve(RESULT_FILE), document, false);
        AtomicFiles.write(dir.resolve("result.csv"), CsvExport.toCsv(result), false);
        AtomicFiles.write(dir.resolve("result.hlog"), HlogExport.toHlog(result), false);

        Report verdicts = Certifier.certify(config.spec(), result);
        Report report = verdicts.withEvidence(Evidence.of(verdicts, result));
        List<Report> one = List.of(report);
        for (ReportFormat f : ReportFormat.values()) {
            Outputs.write(dir.resolve(reportFile(f)), Outputs.render(f, one));
        }
        byte[] certificate = null;
        if (signing.isPresent()) {
            Path cert = signing.get().issue(report, List.of(dir.resolve(RESULT_FILE)), dir);
            err.println("iocert: signed " + cert);
            certificate = java.nio.file.Files.readAllBytes(cert);
        }
        Stores.record(store, result, document, "run", verdicts, certificate, err);
        out.print(Outputs.render(format, one));
        out.flush();
        err.println("iocert: wrote " + dir.resolve(RESULT_FILE) + " and the reports (" + reportFiles() + ") in " + dir);
        return report.verdict().exitCode();
    }
}
