package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.certifier.Certifier;
import io.iocert.certifier.Evidence;
import io.iocert.certifier.Feasibility;
import io.iocert.certifier.Report;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.probes.net.ServerLimits;
import io.iocert.probes.net.Token;
import io.iocert.results.AtomicFiles;
import io.iocert.results.CsvExport;
import io.iocert.results.HlogExport;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.runner.CoordinatedRun;
import io.iocert.runner.ProbeRunner;
import io.iocert.runner.RunConfig;
import io.iocert.spec.Coordination;
import io.iocert.spec.Requirement;
import io.iocert.spec.Spec;
import io.iocert.spec.SpecLoader;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert coordinate}: the coordinator of a coordinated run. Parses the options, checks
 * the spec's coordinated requirements against the participants it is given, hands the run to
 * {@link CoordinatedRun} (which listens like {@code iocert serve}, waits for the participants
 * ({@code iocert join} on each node), runs every coordinated requirement on all of them at once
 * and merges their results), then certifies the merged result and writes it, each node's own
 * result and the reports, as {@code run} does. The run's log goes to standard error.
 */
final class CoordinateCommand implements Command {
    /** Format of the assignment a participant receives. */
    static final String ASSIGNMENT_FORMAT = CoordinatedRun.ASSIGNMENT_FORMAT;

    @Override
    public String name() {
        return "coordinate";
    }

    @Override
    public String synopsis() {
        return "--spec FILE (--participants NAME,... | --nodes N) [--bind ADDR] [--port N] [--token-file FILE]"
                + " [--join-timeout D] [--out DIR] [--budget D] [--confidence P] [--format F] [--sign KEY [--valid-for T]]"
                + " [--store STORE]";
    }

    @Override
    public String summary() {
        return "run a spec's coordinated requirements on many nodes at once ('iocert join' on each), merge, certify";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(
                        opt("spec", "FILE", "the job I/O spec (a file); its requirements with 'coordinated:' are run"))
                .addOption(opt(
                        "participants",
                        "NAMES",
                        "the participants' names, comma-separated (as each gives to"
                                + " 'iocert join --name'); one that never joins is named in the error"))
                .addOption(opt("nodes", "N", "how many participants to wait for, when their names are not known"))
                .addOption(opt(
                        "bind",
                        "ADDR",
                        "address to listen on (default " + ServeCommand.DEFAULT_BIND + "); any"
                                + " non-loopback address needs --token-file"))
                .addOption(opt(
                        "port",
                        "N",
                        "TCP port (default " + ServeCommand.DEFAULT_PORT + "; 0 picks a free one, printed)"))
                .addOption(opt(
                        "token-file",
                        "FILE",
                        "the token the participants must prove they hold (they prove it, and"
                                + " this coordinator proves it to them)"))
                .addOption(opt(
                        "join-timeout",
                        "DURATION",
                        "how long to wait for the participants to join (default "
                                + CoordinatedRun.DEFAULT_JOIN_TIMEOUT.toSeconds()
                                + "s); the run then goes ahead with those present"))
                .addOption(opt(
                        "out",
                        "DIR",
                        "output directory (default ./iocert-out/<UTC timestamp>/): merged " + RunCommand.RESULT_FILE
                                + ", nodes/<name>.result.json, the reports"))
                .addOption(opt("budget", "DURATION", "most time to spend on each requirement, overriding the spec"))
                .addOption(opt("confidence", "P", "confidence for every requirement, overriding the spec (0 < P < 1)"))
                .addOption(opt(
                        "format", "F", "report format on standard output: " + ReportFormat.ids() + " (default text)"))
                .addOption(opt(
                        "sign",
                        "KEY",
                        "also write " + Signing.CERTIFICATE_FILE + ", signed with this private key"
                                + " (PREFIX.key from 'iocert keygen'; PREFIX.pub must be beside it); it binds the merged "
                                + RunCommand.RESULT_FILE + " and every nodes/<name>.result.json"))
                .addOption(opt("valid-for", "TIME", "how long the certificate is valid: 30d (default), 12h, 90min"))
                .addOption(Stores.recordOption());
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        ProbeCommand.rejectArguments(line, name());
        if (!line.hasOption("spec")) {
            throw new UsageException("coordinate needs --spec FILE", "see 'iocert coordinate --help'");
        }
        // Checked before anyone is made to wait: a key that does not read, a store that cannot be written.
        Optional<Signing> signing = Signing.of(line);
        Optional<io.iocert.store.StoreLocation> store = Stores.checkedForRecording(line);
        Path specFile = Path.of(line.getOptionValue("spec"));
        // --confidence and --budget over the spec's own; the coordinator probes nothing itself, and
        // each participant runs its requirement in one round.
        Spec spec = Inputs.runConfig(line, err, RunConfig.Plan.ONE_ROUND).spec();
        String specText = new String(SpecLoader.canonicalJson(specFile), StandardCharsets.UTF_8);
        List<Requirement> coordinated = CoordinatedRun.coordinated(spec);
        if (coordinated.isEmpty()) {
            throw new UsageException(
                    specFile + " has no coordinated requirement (one with 'coordinated: {nodes: N, scope:" + " ...}')",
                    "requirements of one node are run with 'iocert run' on each node");
        }
        for (Requirement r : spec.requirements()) {
            if (r.coordinated().isEmpty()) {
                err.println("iocert: note: '" + r.id()
                        + "' is not coordinated and is left out; 'iocert run' probes it on each node");
            }
        }
        List<String> names = participants(line);
        int count = names.isEmpty() ? nodes(line) : names.size();
        for (Requirement r : coordinated) {
            int wanted = r.coordinated().get().nodes();
            if (wanted > 0 && wanted != count) {
                throw new UsageException(
                        "requirement '" + r.id() + "' is for " + wanted + " nodes (coordinated.nodes in "
                                + specFile + "), and this run has " + count + " participants ("
                                + (names.isEmpty() ? "--nodes" : "--participants") + ")");
            }
        }
        for (Requirement r : coordinated) {
            if (Coordination.PAIRED.contains(r.probe()) && count < 2) {
                throw new UsageException("requirement '" + r.id() + "' ("
                        + r.probe().id() + ") runs between partners, and"
                        + " this run has " + count + " participant (" + (names.isEmpty() ? "--nodes" : "--participants")
                        + "): give it at least 2");
            }
        }
        // What no run of this length can bound is said before any node probes, as 'run' and 'spec
        // validate' say it, counted for the participants this run has when the spec names none.
        for (Requirement r : coordinated) {
            ProbeRunner.feasibility(withNodes(r, count)).stream()
                    .filter(Feasibility.Finding::warns)
                    .forEach(w -> err.println(Main.shown("iocert: warning: " + w.message())));
        }
        ReportFormat format = Outputs.format(line);
        Duration joinTimeout = line.hasOption("join-timeout")
                ? Inputs.duration("--join-timeout", line.getOptionValue("join-timeout"))
                : CoordinatedRun.DEFAULT_JOIN_TIMEOUT;
        InetSocketAddress bind = bind(line);
        Optional<Token> token = line.hasOption("token-file")
                ? Optional.of(ServeCommand.token(line.getOptionValue("token-file")))
                : Optional.empty();
        if (!bind.getAddress().isLoopbackAddress() && token.isEmpty()) {
            throw new UsageException(
                    "--bind " + bind.getAddress().getHostAddress() + " is not a loopback address, and"
                            + " participants on other nodes need a shared token: pass --token-file FILE",
                    "make one with: head -c 32 /dev/urandom | base64 > FILE (and give it to every participant)");
        }
        Path dir = Outputs.runDirectory(line);
        CoordinatedRun.Config config =
                new CoordinatedRun.Config(spec, specText, names, count, joinTimeout, bind, token, ProbeCommand::runId);

        CoordinatedRun run;
        try {
            run = CoordinatedRun.start(config, s -> log(err, s));
        } catch (BindException e) {
            throw new UsageException("cannot listen on " + bind + ": " + e.getMessage(), "choose another --port");
        }
        CoordinatedRun.Outcome outcome;
        try (run) {
            outcome = run.run();
        }
        Result result = outcome.merged();
        Path nodesDir = Files.createDirectories(dir.resolve("nodes"));
        List<Path> resultFiles = new ArrayList<>();
        resultFiles.add(dir.resolve(RunCommand.RESULT_FILE));
        for (Map.Entry<String, Result> e : outcome.nodes().entrySet()) {
            // Each node's own measurements as it sent them (no alignment), for inspection and re-merging.
            Path file = nodesDir.resolve(e.getKey() + ".result.json");
            AtomicFiles.write(file, ResultCodec.toJson(e.getValue()), false);
            resultFiles.add(file);
        }
        byte[] document = ResultCodec.toJson(result);
        AtomicFiles.write(dir.resolve(RunCommand.RESULT_FILE), document, false);
        AtomicFiles.write(dir.resolve("result.csv"), CsvExport.toCsv(result), false);
        AtomicFiles.write(dir.resolve("result.hlog"), HlogExport.toHlog(result), false);
        Report verdicts = Certifier.certify(outcome.judged(), result);
        Report report = verdicts.withEvidence(Evidence.of(verdicts, result));
        List<Report> one = List.of(report);
        for (ReportFormat f : ReportFormat.values()) {
            Outputs.write(dir.resolve(RunCommand.reportFile(f)), Outputs.render(f, one));
        }
        byte[] certificate = null;
        if (signing.isPresent()) {
            Path cert = signing.get().issue(report, resultFiles, dir);
            err.println("iocert: signed " + cert);
            certificate = Files.readAllBytes(cert);
        }
        // The merged result is recorded as the coordinator's (its node identity), as it is judged.
        Stores.record(store, result, document, "coordinate", verdicts, certificate, err);
        out.print(Outputs.render(format, one));
        out.flush();
        err.println("iocert: wrote " + dir.resolve(RunCommand.RESULT_FILE) + ", the nodes' results in " + nodesDir
                + " and the reports in " + dir);
        return report.verdict().exitCode();
    }

    /**
     * What participant {@code index} of {@code count} needs to run {@code r} alone
     * ({@link CoordinatedRun#assignment}).
     */
    static byte[] assignment(String specText, Requirement r, int index, int count, String sharedId) {
        return CoordinatedRun.assignment(specText, r, index, count, sharedId);
    }

    private static List<String> participants(CommandLine line) throws UsageException {
        if (!line.hasOption("participants")) {
            return List.of();
        }
        if (line.hasOption("nodes")) {
            throw new UsageException("give --participants or --nodes, not both (--participants already says how many)");
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (String n : line.getOptionValue("participants").split(",")) {
            String t = n.trim();
            if (!t.matches("[A-Za-z0-9][A-Za-z0-9._:-]{0,254}")) {
                throw new UsageException(
                        "--participants: '" + t + "' is not a participant name (letters, digits, '.', '_',"
                                + " ':' and '-', starting with a letter or digit)");
            }
            if (!names.add(t)) {
                throw new UsageException("--participants names '" + t + "' twice");
            }
        }
        return List.copyOf(names);
    }

    private static int nodes(CommandLine line) throws UsageException {
        if (!line.hasOption("nodes")) {
            throw new UsageException(
                    "coordinate needs --participants NAME,... or --nodes N", "see 'iocert coordinate --help'");
        }
        String t = line.getOptionValue("nodes");
        try {
            int n = Integer.parseInt(t.trim());
            if (n >= 1 && n <= ServerLimits.MAX_SESSIONS_LIMIT - 8) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new UsageException(
                "--nodes '" + t + "' must be a whole number from 1 to " + (ServerLimits.MAX_SESSIONS_LIMIT - 8));
    }

    private static InetSocketAddress bind(CommandLine line) throws UsageException {
        String text = line.getOptionValue("bind", ServeCommand.DEFAULT_BIND);
        try {
            return new InetSocketAddress(
                    InetAddress.getByName(text),
                    ServeCommand.port(
                            "--port", line.getOptionValue("port", Integer.toString(ServeCommand.DEFAULT_PORT))));
        } catch (UnknownHostException e) {
            throw new UsageException("--bind '" + text + "' is not an address of this node");
        }
    }

    private static void log(PrintStream s, String line) {
        s.println("iocert coordinate " + Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
        s.flush();
    }

    /** {@code r} with {@code count} nodes where its spec leaves the number open (as the verdicts count them). */
    private static Requirement withNodes(Requirement r, int count) {
        Coordination c = r.coordinated().orElseThrow();
        if (c.nodes() > 0) {
            return r;
        }
        return new Requirement(
                r.id(),
                r.probe(),
                r.workload(),
                r.expectations(),
                r.confidence(),
                r.budget(),
                r.sustained(),
                new Coordination(count, c.layout(), c.scope(), c.pattern(), c.concurrentWith()));
    }
}
