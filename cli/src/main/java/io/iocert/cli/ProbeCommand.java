package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.results.AtomicFiles;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.runner.ProbeRunner;
import io.iocert.runner.RunConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code iocert probe}: measure what the spec asks and write the result, without a verdict. */
final class ProbeCommand implements Command {

    @Override
    public String name() {
        return "probe";
    }

    @Override
    public String synopsis() {
        return "[--spec FILE] [--fs-path DIR] [--peer HOST:PORT [--token-file FILE]] [--budget DURATION] [--max-bytes SIZE]"
                + " --out FILE";
    }

    @Override
    public String summary() {
        return "measure what a spec asks for and write the result document, without certifying";
    }

    /** Options shared with {@code run}. */
    static Options probeOptions() {
        return new Options()
                .addOption(opt(
                        "spec",
                        "FILE",
                        "the job I/O spec, YAML or JSON (default: the bundled " + Inputs.BUNDLED_SPEC + ")"
                                + Inputs.SPEC_IMAGE_HINT))
                .addOption(
                        opt(
                                "fs-path",
                                "DIR",
                                "directory the filesystem probes work in (default: the spec's "
                                        + "filesystem.path, else the current directory); they write only inside their own .iocert-<run-id>/"))
                .addOption(opt(
                        "budget", "DURATION", "most time to spend on each requirement, overriding the spec (e.g. 30s)"))
                .addOption(opt(
                        "max-bytes",
                        "SIZE",
                        "most data a probe may place on the filesystem (e.g. 2GiB); a workload"
                                + " needing more is refused"))
                .addOption(opt(
                        "peer",
                        "HOST:PORT",
                        "the 'iocert serve' the interconnect probes measure against (default:"
                                + " an in-process server on loopback; those results say peer=loopback)"))
                .addOption(
                        opt("token-file", "FILE", "the token shared with the --peer (it never crosses the network)"));
    }

    @Override
    public Options options() {
        return probeOptions()
                .addOption(opt("out", "FILE", "where to write the result JSON (required; never overwritten)"));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        rejectArguments(line, name());
        if (!line.hasOption("out")) {
            throw new UsageException("probe needs --out FILE", "see 'iocert probe --help'");
        }
        Path target = Path.of(line.getOptionValue("out"));
        if (Files.exists(target)) {
            throw new UsageException("--out " + target + " already exists; iocert does not overwrite results");
        }
        RunConfig config = Inputs.runConfig(line, err, RunConfig.Plan.ONE_ROUND);
        Inputs.fsPath(config);
        Result result;
        try (PeerChoice peer = PeerChoice.of(line, config.spec())) {
            result = new ProbeRunner(config.withPeer(peer.peer()), runId(), TerminalProgress.forConsole(err)).run();
        }
        AtomicFiles.write(target, ResultCodec.toJson(result), false);
        long failed =
                result.measurements().stream().filter(m -> m.error() != null).count();
        err.println("iocert: wrote " + target + " (" + result.measurements().size() + " measurements, " + failed
                + " with errors)");
        for (Measurement m : result.measurements()) {
            if (m.error() != null) {
                err.println(Main.shown("  " + m.id() + " " + m.metric() + ": " + m.error()));
            }
        }
        return failed == 0 ? Main.OK : Main.ERROR;
    }

    static void rejectArguments(CommandLine line, String command) throws UsageException {
        if (!line.getArgList().isEmpty()) {
            throw new UsageException(
                    "'" + command + "' takes no arguments, got '"
                            + line.getArgList().get(0) + "'",
                    "see 'iocert " + command + " --help'");
        }
    }

    /** A run id: UTC timestamp plus random bits, so concurrent runs never share a directory. */
    static String runId() {
        byte[] b = new byte[4];
        new SecureRandom().nextBytes(b);
        return Outputs.stamp() + "-" + HexFormat.of().formatHex(b);
    }
}
