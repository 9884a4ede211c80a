package io.iocert.cli;

import static io.iocert.cli.Commands.opt;

import io.iocert.certifier.compare.CompareFormat;
import io.iocert.certifier.compare.CompareVerdict;
import io.iocert.certifier.compare.Comparer;
import io.iocert.certifier.compare.Comparison;
import io.iocert.certifier.compare.WorkloadMismatchException;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.spec.Dimension;
import io.iocert.spec.Quantity;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * {@code iocert compare REFERENCE CANDIDATE}: quantile-by-quantile differences between two
 * results with joint intervals and the k-sample Anderson-Darling test; with {@code --tolerance},
 * a verdict per measurement. Exit 0 when every compared measurement is equivalent or better (or
 * no tolerance was given), 1 when any is worse, 3 when any is inconclusive and none worse, 2 for
 * bad input, including results run with different workloads.
 */
final class CompareCommand implements Command {
    static final int WORSE = 1;
    static final int INCONCLUSIVE = 3;

    @Override
    public String name() {
        return "compare";
    }

    @Override
    public String synopsis() {
        return "REFERENCE CANDIDATE [--tolerance PCT] [--confidence P] [--format F] [--out FILE]";
    }

    @Override
    public String summary() {
        return "compare two results quantile by quantile: equivalent, better, worse";
    }

    @Override
    public String exitCodes() {
        return "Exit codes: 0 equivalent or better (or no --tolerance), 1 worse, 2 usage or bad input, 3 inconclusive.";
    }

    @Override
    public Options options() {
        return new Options()
                .addOption(opt(
                        "tolerance",
                        "PCT",
                        "relative tolerance for a verdict per measurement, such as 10%;"
                                + " without it only differences are reported"))
                .addOption(
                        opt("confidence", "P", "joint confidence of each measurement's ratio intervals (default 0.95)"))
                .addOption(opt("format", "F", "output format: text, json (default text)"))
                .addOption(
                        opt("out", "FILE", "write the comparison here instead of standard output (never overwritten)"));
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) throws Exception {
        List<String> args = line.getArgList();
        if (args.size() != 2) {
            throw new UsageException(
                    "compare needs exactly two result files, REFERENCE and CANDIDATE; got " + args.size(),
                    "see 'iocert compare --help'");
        }
        String f = line.getOptionValue("format", "text");
        CompareFormat format = CompareFormat.ofId(f)
                .orElseThrow(() -> new UsageException(
                        "--format '" + f + "' is not a comparison format; expected one of text, json"));
        double confidence = line.hasOption("confidence") ? Inputs.confidence(line.getOptionValue("confidence")) : 0.95;
        OptionalDouble tolerance = line.hasOption("tolerance")
                ? OptionalDouble.of(fraction("--tolerance", line.getOptionValue("tolerance")))
                : OptionalDouble.empty();
        Path outFile = line.hasOption("out") ? Path.of(line.getOptionValue("out")) : null;
        if (outFile != null && Files.exists(outFile)) {
            throw new UsageException("--out " + outFile + " already exists; iocert does not overwrite files"
                    + " (choose another path or remove it)");
        }
        Result reference = read(args.get(0));
        Result candidate = read(args.get(1));
        Comparison c;
        try {
            c = Comparer.compare(reference, args.get(0), candidate, args.get(1), confidence, tolerance);
        } catch (WorkloadMismatchException e) {
            throw new UsageException(
                    "cannot compare " + args.get(1) + " with " + args.get(0) + ": " + e.getMessage(),
                    "run both with the same spec; fix keys a probe would otherwise choose itself (such as interval)");
        }
        if (c.compared().isEmpty() && c.notCompared().isEmpty()) {
            throw new UsageException(args.get(0) + " and " + args.get(1) + " have no measurement in common"
                    + " (measurements are matched by requirement id, probe and metric)");
        }
        StringWriter w = new StringWriter();
        format.write(c, w);
        if (outFile != null) {
            try {
                Outputs.write(outFile, w.toString());
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new UsageException("--out " + outFile + " already exists; iocert does not overwrite files");
            }
        } else {
            out.print(w);
            out.flush();
        }
        return c.overall()
                .map(v -> v == CompareVerdict.WORSE ? WORSE : v == CompareVerdict.INCONCLUSIVE ? INCONCLUSIVE : Main.OK)
                .orElse(Main.OK);
    }

    private static Result read(String file) throws UsageException, io.iocert.results.ResultFormatException {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            throw new UsageException(file + ": " + (Files.exists(p) ? "is not a file" : "no such file"));
        }
        return ResultCodec.read(p);
    }

    /**
     * A relative amount: "10%" or a plain fraction such as 0.1, from 0 up to but not including 1.
     * A bare 10 is refused rather than guessed at.
     */
    static double fraction(String flag, String text) throws UsageException {
        double v;
        try {
            v = Quantity.parse(text, Dimension.RATIO).value();
        } catch (Quantity.UnitException e) {
            throw new UsageException(flag + " '" + text + "' is not a percentage; expected a percentage such as 10%"
                    + " or a fraction such as 0.1");
        }
        if (!(v >= 0 && v < 1)) {
            throw new UsageException(flag + " '" + text + "' is out of range; expected from 0% up to (not including)"
                    + " 100%, such as 10% or 0.1");
        }
        return v;
    }
}
