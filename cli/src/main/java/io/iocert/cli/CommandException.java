package io.iocert.cli;

/**
 * A command that ends by failing, as {@link Main} reports it: {@code iocert: MESSAGE}, an
 * optional hint on the next line, and the exit code of its kind (docs/design.md). Commands throw
 * these and never print an error or choose an exit code for a failure themselves.
 *
 * <p>Sealed, so that the kinds of failure, and with them the exit codes a failing command can
 * end with, are these and no others. The libraries' own checked exceptions
 * ({@code SpecException}, {@code ResultFormatException}, {@code UnusableInputException},
 * {@code ImageException}; {@code IOException} and {@code InterruptedException}) live in other
 * modules and packages, where a sealed class cannot reach; {@link Main} maps those beside these,
 * in one place.
 */
abstract sealed class CommandException extends Exception
        permits UsageException, InvalidCertificateException, RunFailedException {
    private static final long serialVersionUID = 1L;
    private final String hint;

    CommandException(String message, String hint, Throwable cause) {
        super(message, cause);
        this.hint = hint;
    }

    /** The line printed after the message, as it is (no "iocert: " before it), or null. */
    final String hint() {
        return hint;
    }

    /** The exit code of this kind of failure. */
    abstract int exitCode();
}
