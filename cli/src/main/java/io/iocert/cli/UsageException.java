package io.iocert.cli;

/** A command line that cannot be run as given (exit code 2). */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String hint;

    UsageException(String message) {
        this(message, null);
    }

    UsageException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    String hint() {
        return hint;
    }
}
