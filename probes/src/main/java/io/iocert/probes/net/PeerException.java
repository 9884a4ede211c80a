package io.iocert.probes.net;

/** The peer could not be reached, refused, or failed during a test; the message says which and why. */
final class PeerException extends Exception {
    private static final long serialVersionUID = 1L;

    PeerException(String message) {
        super(message);
    }

    PeerException(String message, Throwable cause) {
        super(message, cause);
    }
}
