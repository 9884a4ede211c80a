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

    /** Runs the command and returns its exit code; failures are thrown for {@link Main} to map. */
    int run(CommandLine line, PrintStream out, PrintStream err) throws Exception;
}
