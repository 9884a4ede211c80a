package io.iocert.store;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a store lives: a SQLite file (any value that is not a JDBC URL, or
 * {@code jdbc:sqlite:FILE}) or a PostgreSQL database ({@code jdbc:postgresql://HOST:PORT/DB?user=U}).
 * {@code display} is what messages name: the file, or the URL without its query (which may hold a password).
 */
public record StoreLocation(String jdbcUrl, Optional<Path> sqliteFile, String display) {

    /** The environment variable that names the store when no {@code --store} is given. */
    public static final String ENV = "IOCERT_STORE";

    public boolean isSqlite() {
        return sqliteFile.isPresent();
    }

    /** The location {@code text} names: a file path, or a jdbc:sqlite: or jdbc:postgresql: URL. */
    public static StoreLocation parse(String text) throws StoreException {
        if (text == null || text.isBlank()) {
            throw new StoreException(
                    StoreException.Kind.BAD_INPUT,
                    "the store is empty; expected a file path or a jdbc:postgresql:// URL");
        }
        if (text.startsWith("jdbc:sqlite:")) {
            String file = text.substring("jdbc:sqlite:".length());
            int q = file.indexOf('?');
            return sqlite(Path.of(q >= 0 ? file.substring(0, q) : file));
        }
        if (text.startsWith("jdbc:postgresql:")) {
            int q = text.indexOf('?');
            return new StoreLocation(text, Optional.empty(), q >= 0 ? text.substring(0, q) : text);
        }
        if (text.startsWith("jdbc:")) {
            throw new StoreException(
                    StoreException.Kind.BAD_INPUT,
                    "store '" + text.substring(0, Math.min(text.length(), 40))
                            + "...' is a JDBC URL iocert does not support; expected a file path (SQLite), jdbc:sqlite:FILE"
                            + " or jdbc:postgresql://HOST[:PORT]/DATABASE");
        }
        return sqlite(Path.of(text));
    }

    private static StoreLocation sqlite(Path file) throws StoreException {
        if (file.toString().isBlank() || file.toString().equals(":memory:")) {
            throw new StoreException(StoreException.Kind.BAD_INPUT, "a SQLite store needs a file path");
        }
        Path abs = file.toAbsolutePath().normalize();
        return new StoreLocation("jdbc:sqlite:" + abs, Optional.of(abs), abs.toString());
    }
}
