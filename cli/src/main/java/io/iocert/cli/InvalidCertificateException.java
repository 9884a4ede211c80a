package io.iocert.cli;

/**
 * A certificate that does not verify: another key, a changed byte, expired, another spec, or
 * unreadable (exit code 1, as {@code verify} and {@code export --key} document it). The message
 * names the file and the reason.
 */
final class InvalidCertificateException extends CommandException {
    private static final long serialVersionUID = 1L;

    InvalidCertificateException(String message) {
        this(message, null);
    }

    InvalidCertificateException(String message, String hint) {
        super(message, hint, null);
    }

    @Override
    int exitCode() {
        return Main.INVALID;
    }
}
