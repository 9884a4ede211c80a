package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.certifier.derive.SpecDeriver;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.results.ResultFormatException;
import io.iocert.spec.Statistic;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert spec derive --from RESULT}: a spec from a reference node's result, written
 * atomically to {@code --out} (never over an existing file) or to standard output. Skipped
 * measurements are named on standard error.
 */
final class SpecDerive {
    static final double DEFAULT_SLACK = 0.2;

    private SpecDerive() {}

    static Options options() {
        return new Options()
                .addOption(opt("from", "RESULT", "derive: the reference node's result file (required)"))
                .addOption(opt(
                        "slack",
                        "PCT",
                        "derive: how much worse than the reference a node may be, such as 20%" + " (default 20%)"))
                .addOption(opt(
                        "statistics",
                        "LIST",
                        "derive: statistics for every metric, such as p50,p99 (default"
                                + " p50,p99 for per-operation metrics, p10,p50 for per-interval metrics)"))
                .addOption(opt("name", "NAME", "derive: the spec's name (default derived-from-<hostname>)"))
                .addOption(opt(
                        "out", "FILE", "derive: write the spec here instead of standard output (never overwritten)"));
    }

    static int run(CommandLine line, List<String> extra, PrintStream out, PrintStream err)
            throws UsageException, ResultFormatException, IOException {
        if (!extra.isEmpty()) {
            throw new UsageException(
                    "'spec derive' takes no arguments besides its options; got '" + extra.get(0) + "'",
                    "usage: iocert spec derive --from RESULT [--slack PCT] [--statistics LIST] [--name NAME] [--out FILE]");
        }
        if (!line.hasOption("from")) {
            throw new UsageException("'spec derive' needs --from RESULT", "see 'iocert spec --help'");
        }
        double slack = line.hasOption("slack")
                ? CompareCommand.fraction("--slack", line.getOptionValue("slack"))
                : DEFAULT_SLACK;
        Optional<List<Statistic>> statistics = line.hasOption("statistics")
                ? Optional.of(statistics(line.getOptionValue("statistics")))
                : Optional.empty();
        Path outFile = line.hasOption("out") ? Path.of(line.getOptionValue("out")) : null;
        if (outFile != null && Files.exists(outFile)) {
            throw new UsageException("--out " + outFile + " already exists; iocert does not overwrite files"
                    + " (choose another path or remove it)");
        }
        String from = line.getOptionValue("from");
        Path fromFile = Path.of(from);
        if (!Files.isRegularFile(fromFile)) {
            throw new UsageException(
                    "--from " + from + ": " + (Files.exists(fromFile) ? "is not a file" : "no such file"));
        }
        Result result = ResultCodec.read(fromFile);
        String name = line.hasOption("name")
                ? line.getOptionValue("name")
                : "derived-from-" + result.node().hostname();
        if (name.isBlank()) {
            throw new UsageException("--name must not be empty");
        }
        SpecDeriver.Derived d;
        try {
            d = SpecDeriver.derive(result, from, name, slack, statistics);
        } catch (SpecDeriver.NothingToDeriveException e) {
            throw new UsageException(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UsageException("--statistics: " + e.getMessage());
        }
        for (String note : d.notes()) {
            err.println("iocert: note: " + note);
        }
        if (outFile != null) {
            try {
                Outputs.write(outFile, d.yaml());
            } catch (FileAlreadyExistsException e) {
                throw new UsageException("--out " + outFile + " already exists; iocert does not overwrite files");
            }
            err.println("iocert: wrote " + outFile);
        } else {
            out.print(d.yaml());
            out.flush();
        }
        return Main.OK;
    }

    /** "p50,p99" as statistics, each checked. */
    static List<Statistic> statistics(String text) throws UsageException {
        List<Statistic> list = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String name = part.strip();
            Statistic s = Statistic.parse(name)
                    .orElseThrow(() -> new UsageException("--statistics '" + text + "': '" + name
                            + "' is not a statistic; expected a comma-separated list of " + Statistic.EXPECTED));
            list.add(s);
        }
        return list;
    }
}
