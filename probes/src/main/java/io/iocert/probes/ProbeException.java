package io.iocert.probes;

/** A probe could not measure at all (the requirement gets verdict ERROR with this message). */
public class ProbeException extends Exception {
    private static final long serialVersionUID = 1L;

    public ProbeException(String message) {
        super(message);
    }

    public ProbeException(String message, Throwable cause) {
        super(message, cause);
    }
}
