package io.iocert.certifier.report;

/** A report document that cannot be read, with a message naming the file and the field. */
public final class ReportFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    ReportFormatException(String message) {
        super(message);
    }
}
