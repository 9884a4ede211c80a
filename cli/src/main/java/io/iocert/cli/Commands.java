package io.iocert.cli;

import io.iocert.results.ToolVersion;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/** The command table and dispatch: {@code iocert COMMAND [options] [args]}. */
final class Commands {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.of(
                new RunCommand(),
                new ProbeCommand(),
                new CertifyCommand(),
                new SpecCommand(),
                new CompareCommand(),
                new ImportCommand(),
                new ExportCommand(),
                new ServeCommand(),
                new KeygenCommand(),
                new VerifyCommand(),
                new AdmitCommand(),
                new HistoryCommand(),
                new DriftCommand(),
                new PublishCommand(),
                new CoordinateCommand(),
                new JoinCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private Commands() {}

    /** The registered commands by name, in the order --help lists them. */
    static Map<String, Command> all() {
        return java.util.Collections.unmodifiableMap(COMMANDS);
    }

    static int dispatch(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            usage(err);
            return Main.BAD_INPUT;
        }
        String name = args[0];
        switch (name) {
            case "--version", "-V", "version" -> {
                out.println("iocert " + ToolVersion.get());
                return Main.OK;
            }
            case "--help", "-h", "help" -> {
                usage(out);
                return Main.OK;
            }
            default -> {}
        }
        Command c = COMMANDS.get(name);
        if (c == null) {
            throw new UsageException(
                    "unknown command '" + name + "'",
                    "commands: " + String.join(", ", COMMANDS.keySet()) + " (see 'iocert --help')");
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
            help(c, out);
            return Main.OK;
        }
        CommandLine line = parse(c.options(), rest);
        return c.run(line, out, err);
    }

    static CommandLine parse(Options options, String[] args) throws ParseException {
        // No abbreviations: "--valid" must not quietly mean --valid-for (scripts would change meaning
        // the day another option starts with the same letters).
        return DefaultParser.builder()
                .setStripLeadingAndTrailingQuotes(false)
                .setAllowPartialMatching(false)
                .build()
                .parse(options, args, false);
    }

    static void help(Command c, PrintStream out) {
        HelpFormatter f = new HelpFormatter();
        f.setWidth(100);
        f.setOptionComparator(null);
        PrintWriter w = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        f.printHelp(
                w,
                100,
                "iocert " + c.name() + " " + c.synopsis(),
                c.summary(),
                c.options(),
                2,
                2,
                "\n" + c.exitCodes() + "\n");
        w.flush();
    }

    private static void usage(PrintStream s) {
        s.println("usage: iocert COMMAND [options]   (iocert COMMAND --help for details)");
        s.println();
        s.println("Certifies that this node meets a job's I/O spec: filesystem, interconnect and compute.");
        s.println();
        for (Command c : COMMANDS.values()) {
            s.printf("  %-10s %s%n", c.name(), c.summary());
        }
        s.println();
        s.println("  --version  print the version");
        s.println();
        s.println("Exit codes: 0 success (ELIGIBLE), 1 NOT_ELIGIBLE, 2 usage or bad input, 3 INCONCLUSIVE, 4 error.\n");
    }

    static Option opt(String longName, String arg, String description) {
        Option.Builder b = Option.builder().longOpt(longName).desc(description);
        if (arg != null) {
            b.hasArg().argName(arg);
        }
        return b.build();
    }
}
