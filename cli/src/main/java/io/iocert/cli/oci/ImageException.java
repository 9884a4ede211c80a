package io.iocert.cli.oci;

/**
 * An image that cannot be used as asked (exit code 2): a missing or malformed layout or
 * archive, an unknown tag, no spec inside, a spec whose sha256 does not match the one recorded.
 * The message names the image reference or file and says what was expected.
 */
public final class ImageException extends Exception {
    private static final long serialVersionUID = 1L;

    ImageException(String message) {
        super(message);
    }

    ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
