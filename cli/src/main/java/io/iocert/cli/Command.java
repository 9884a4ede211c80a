package io.iocert.cli;

import java.io.PrintStream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** One {@code iocert} sub-command. */
interface Command {
    String name();

    /** "[--spec FILE] ...", shown after "usage: iocert NAME". */
    String synopsis();

    /** One line for the command list. */
    String summary();

    Options options();

    /** The exit codes as this command uses them, for the end of its --help. */
    default String exitCodes() {
        return "Exit codes: 0 success (ELIGIBLE), 1 NOT_ELIGIBLE, 2 usage or bad input, 3 INCONCLUSIVE, 4 error.";
    }

    /** Runs the command and returns its exit code; failures are thrown for {@link Main} to map. */
    int run(CommandLine line, PrintStream out, PrintStream err) throws Exception;
}
