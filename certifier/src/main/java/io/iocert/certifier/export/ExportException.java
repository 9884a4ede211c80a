package io.iocert.certifier.export;

/**
 * An input that cannot be exported, with a message naming the file and field. Either bad input
 * (a usage error) or a certificate that failed verification ({@link #invalidCertificate()}).
 */
public final class ExportException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean invalidCertificate;

    ExportException(String message) {
        this(message, false);
    }

    private ExportException(String message, boolean invalidCertificate) {
        super(message);
        this.invalidCertificate = invalidCertificate;
    }

    static ExportException invalidCertificate(String message) {
        return new ExportException(message, true);
    }

    /** True when a certificate's signature, key or form did not verify (not a usage error). */
    public boolean invalidCertificate() {
        return invalidCertificate;
    }
}
