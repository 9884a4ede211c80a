package io.iocert.cli;

import io.iocert.cli.oci.ImageException;
import io.iocert.probes.UnusableInputException;
import io.iocert.results.ResultFormatException;
import io.iocert.spec.Printable;
import io.iocert.spec.SpecException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.cli.ParseException;

/**
 * The {@code iocert} command. The only place that prints errors and exits: every failure is
 * mapped to a message and an exit code here (docs/design.md: 0 ELIGIBLE/success, 1 NOT_ELIGIBLE
 * or an invalid certificate, 2 usage or bad input, 3 INCONCLUSIVE, 4 error). Commands throw a
 * {@link CommandException}, which carries its exit code, or a library's exception, mapped below.
 */
public final class Main {
    static final int OK = 0;
    /** NOT_ELIGIBLE for run and certify; an invalid certificate for verify and export. */
    static final int INVALID = 1;

    static final int BAD_INPUT = 2;
    static final int ERROR = 4;

    private Main() {}

    public static void main(String[] args) {
        PrintStream out =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err =
                new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true, StandardCharsets.UTF_8);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs a command line and returns its exit code; never exits, never throws. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            return Commands.dispatch(args, out, err);
        } catch (CommandException e) {
            err.println("iocert: " + shown(e.getMessage()));
            if (e.hint() != null) {
                err.println(shown(e.hint()));
            }
            return e.exitCode();
        } catch (ParseException e) {
            err.println("iocert: " + shown(e.getMessage()) + " (see 'iocert " + commandName(args) + " --help')");
            return BAD_INPUT;
        } catch (SpecException | ResultFormatException | UnusableInputException | ImageException e) {
            err.println("iocert: " + shown(e.getMessage()));
            return BAD_INPUT;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("iocert: interrupted");
            return ERROR;
        } catch (java.io.IOException e) {
            err.println("iocert: " + shown(describe(e)));
            return ERROR;
        } catch (Exception | Error e) {
            err.println(
                    "iocert: internal error: " + shown(e.toString()) + " (set IOCERT_DEBUG=1 to see the stack trace)");
            if (System.getenv("IOCERT_DEBUG") != null) {
                e.printStackTrace(err);
            }
            return ERROR;
        }
    }

    /**
     * A message as printed: names and values in it come from files and hosts, so unprintable
     * characters (ESC, BEL, CR...) are escaped by the shared rule ({@link Printable}).
     */
    static String shown(String message) {
        return Printable.escapeLines(message);
    }

    private static String commandName(String[] args) {
        return args.length > 0 ? args[0] : "";
    }

    /** An I/O failure in words: which file and what went wrong. */
    static String describe(java.io.IOException e) {
        if (e instanceof java.nio.file.FileAlreadyExistsException f) {
            return f.getFile() + " already exists; iocert does not overwrite files (choose another path or remove it)";
        }
        if (e instanceof java.nio.file.NoSuchFileException f) {
            return f.getFile() + ": no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException f) {
            return f.getFile() + ": permission denied";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
