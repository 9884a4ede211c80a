package io.iocert.cli.admit;

/** A webhook that cannot start as configured (exit code 2): the message names the flag, the file and what was expected. */
public final class AdmitSetupException extends Exception {
    private static final long serialVersionUID = 1L;

    AdmitSetupException(String message) {
        super(message);
    }

    AdmitSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
