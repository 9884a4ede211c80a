package io.iocert.store;

/**
 * A store that cannot be used. {@link Kind#BAD_INPUT}: the store itself is wrong (not a store,
 * damaged, written by a newer iocert, missing when it should exist): the user must act.
 * {@link Kind#UNAVAILABLE}: the store is fine but cannot be reached or written now (another
 * writer holds it past the wait, the server is down).
 */
public final class StoreException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whose fault, as the command line maps it: bad input (exit 2) or a runtime failure (exit 4). */
    public enum Kind {
        BAD_INPUT,
        UNAVAILABLE
    }

    private final Kind kind;

    public StoreException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public StoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
