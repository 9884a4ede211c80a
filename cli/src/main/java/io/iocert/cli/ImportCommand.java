package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.results.AtomicFiles;
import io.iocert.results.Measurement;
import io.iocert.results.ResultCodec;
import io.iocert.results.imports.IdMappingException;
import io.iocert.results.imports.ImportFormat;
import io.iocert.results.imports.ImportOptions;
import io.iocert.results.imports.Imported;
import io.iocert.results.imports.Importer;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code iocert import fio|iperf3|osu FILE --out RESULT}: turn another tool's output into a
 * result document that {@code certify} judges like iocert's own (docs/importing.md). The
 * result is written atomically and never over an existing file.
 */
final class ImportCommand implements Command {

    @Override
    public String name() {
        return "import";
    }

    @Override
    public String synopsis() {
        return "fio|iperf3|osu FILE --out RESULT [--id REQ | --map KEY=REQ...] [--hostname NAME]";
    }

    @Override
    public String summary() {
        return "turn fio, iperf3 or OSU benchmark output into a result document that certify judges";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 imported, 2 usage or bad input.";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(opt("out", "RESULT", "where to write the result JSON (required; never overwritten)"))
                .addOption(opt(
                        "id",
                        "REQ",
                        "the spec requirement id for the measurements, when the input holds one"
                                + " measurement set (an iperf3 run, an OSU sweep, a fio job with one kind of I/O)"))
                .addOption(Option.builder()
                        .longOpt("map")
                        .hasArg()
                        .argName("KEY=REQ")
                        .desc("give the set KEY the"
                                + " requirement id REQ; repeatable. KEY is what this command lists: fio JOB.read, JOB.write,"
                                + " JOB.sync, or JOB for all of a job's sets; iperf3; osu_latency or osu_bw. Sets not named keep"
                                + " their default id (fio: the job name, or JOB.SECTION when the job has several)")
                        .build())
                .addOption(
                        opt(
                                "hostname",
                                "NAME",
                                "the node the tool ran on, recorded as the result's hostname (imported"
                                        + " files often do not say; without it the hostname is what the file says, or unknown)"))
                .addOption(Stores.recordOption());
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        List<String> args = line.getArgList();
        if (args.size() != 2) {
            throw new UsageException(
                    "import needs the tool and the file: import fio|iperf3|osu FILE --out RESULT; got " + args.size()
                            + " argument" + (args.size() == 1 ? "" : "s"),
                    "see 'iocert import --help'");
        }
        ImportFormat format = ImportFormat.ofId(args.get(0))
                .orElseThrow(() -> new UsageException(
                        "'" + args.get(0) + "' is not a tool iocert imports; expected fio, iperf3 or osu",
                        "see 'iocert import --help'"));
        if (!line.hasOption("out")) {
            throw new UsageException(
                    "import needs --out RESULT, the result file to write", "see 'iocert import --help'");
        }
        Path target = Path.of(line.getOptionValue("out"));
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new UsageException("--out " + target + " already exists; iocert does not overwrite results");
        }
        Path input = Path.of(args.get(1));
        Optional<io.iocert.store.StoreLocation> store = Stores.checkedForRecording(line);
        Imported imported;
        try {
            imported = Importer.read(format, input, options(line));
        } catch (IdMappingException e) {
            throw new UsageException(e.getMessage(), "see 'iocert import --help' and docs/importing.md");
        }
        byte[] document = ResultCodec.toJson(imported.result());
        try {
            AtomicFiles.write(target, document, false);
        } catch (FileAlreadyExistsException e) {
            throw new UsageException("--out " + target + " already exists; iocert does not overwrite results");
        }
        err.println("iocert: wrote " + target + " ("
                + imported.result().measurements().size() + " measurements from " + format.id() + " " + input
                + ", node " + imported.result().node().hostname() + ")");
        for (Imported.SetSummary s : imported.sets()) {
            err.println(Main.shown("  " + s.key() + " -> id " + s.id() + ": " + s.probe() + " " + s.metrics()
                    + approximate(imported, s)));
        }
        for (String note : imported.notes()) {
            err.println(Main.shown("  note: " + note));
        }
        Stores.record(store, imported.result(), document, "import", null, null, err);
        return Main.OK;
    }

    /** " (approximate: percentiles-only, whole-run-only)" for a set whose measurements say so, else "". */
    private static String approximate(Imported imported, Imported.SetSummary s) {
        Set<String> kinds = new LinkedHashSet<>();
        for (Measurement m : imported.result().measurements()) {
            String a = m.context().get(Importer.APPROXIMATE);
            if (m.id().equals(s.id()) && a != null) {
                int colon = a.indexOf(':');
                kinds.add(colon >= 0 ? a.substring(0, colon) : a);
            }
        }
        return kinds.isEmpty() ? "" : " (approximate: " + String.join(", ", kinds) + ")";
    }

    private static ImportOptions options(CommandLine line) throws UsageException {
        Map<String, String> map = new LinkedHashMap<>();
        String[] pairs = line.getOptionValues("map");
        for (String pair : pairs == null ? new String[0] : pairs) {
            int eq = pair.lastIndexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new UsageException(
                        "--map '" + pair + "' is not KEY=REQ; expected a set key, '=', and a requirement"
                                + " id, such as randread.read=restart-read");
            }
            String key = pair.substring(0, eq);
            if (map.put(key, pair.substring(eq + 1)) != null) {
                throw new UsageException("--map names '" + key + "' twice; give each set one id");
            }
        }
        Optional<String> hostname = Optional.ofNullable(line.getOptionValue("hostname"));
        if (hostname.isPresent() && hostname.get().isBlank()) {
            throw new UsageException("--hostname is empty; expected the node's name");
        }
        return new ImportOptions(Optional.ofNullable(line.getOptionValue("id")), map, hostname);
    }
}
