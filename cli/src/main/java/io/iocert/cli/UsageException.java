package io.iocert.cli;

/** A command line that cannot be run as given, or bad input: spec, result, flags, unusable path (exit code 2). */
final class UsageException extends CommandException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        this(message, null);
    }

    UsageException(String message, String hint) {
        super(message, hint, null);
    }

    @Override
    int exitCode() {
        return Main.BAD_INPUT;
    }
}
