package io.iocert.results.imports;

/** {@code --id} or {@code --map} does not fit the input: an unknown key, an ambiguous or clashing id. */
public final class IdMappingException extends Exception {
    private static final long serialVersionUID = 1L;

    public IdMappingException(String message) {
        super(message);
    }
}
