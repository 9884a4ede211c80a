package io.iocert.results;

/** A result document that cannot be read: wrong format or version, damaged, unreadable. */
public final class ResultFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public ResultFormatException(String message) {
        super(message);
    }

    public ResultFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
