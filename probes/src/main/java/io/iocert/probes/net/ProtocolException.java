package io.iocert.probes.net;

/** Bytes from the other side that do not follow the iocert peer protocol. */
final class ProtocolException extends Exception {
    private static final long serialVersionUID = 1L;

    ProtocolException(String message) {
        super(message);
    }
}
