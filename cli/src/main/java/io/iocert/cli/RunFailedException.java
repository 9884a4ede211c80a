package io.iocert.cli;

/** A probe or runtime error that ended a command before it had a verdict or result (exit code 4). */
final class RunFailedException extends CommandException {
    private static final long serialVersionUID = 1L;

    RunFailedException(String message, Throwable cause) {
        super(message, null, cause);
    }

    @Override
    int exitCode() {
        return Main.ERROR;
    }
}
