package io.iocert.probes;

/** An input the user must fix before probing makes sense (exit code 2): a missing fs-path. */
public class UnusableInputException extends Exception {
    private static final long serialVersionUID = 1L;

    public UnusableInputException(String message) {
        super(message);
    }
}
