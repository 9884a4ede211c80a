package io.iocert.store;

import java.util.Map;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * The store's schema, kept by Flyway: versioned migrations under
 * {@code io/iocert/store/migration}, applied in order, recorded in {@value #HISTORY_TABLE}.
 * A store whose history holds a migration this iocert does not know (written by a newer one)
 * is refused before anything is written; so is a database that holds tables but no history
 * (not an iocert store).
 */
final class Schema {
    static final String HISTORY_TABLE = "iocert_schema_history";
    private static final String LOCATION = "classpath:io/iocert/store/migration";

    private Schema() {
    }

    /** Brings the store at {@code where} to the current schema, or explains why it will not. */
    static void migrate(DataSource source, boolean sqlite, StoreLocation location) throws StoreException {
        String where = location.display();
        Flyway flyway = Flyway.configure(Schema.class.getClassLoader())
                .dataSource(source)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .placeholders(Map.of("binary", sqlite ? "BLOB" : "BYTEA"))
                // A newer store must fail validation, not be passed over silently.
                .ignoreMigrationPatterns("")
                .validateOnMigrate(true)
                .load();
        try {
            // Validation runs first and fails, changing nothing, on a store with migrations this
            // iocert does not know; only then is the history read again to say which.
            flyway.migrate();
        } catch (FlywayException e) {
            diagnose(flyway, where);
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof java.sql.SQLException sql) {
                    StoreException mapped = ResultStore.failure(location, "read", sql);
                    if (mapped.kind() == StoreException.Kind.UNAVAILABLE || mapped.getMessage().contains("damaged")
                            || mapped.getMessage().contains("not an iocert store")) {
                        throw mapped;
                    }
                }
            }
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("without schema history table") || msg.contains("non-empty schema")) {
                throw new StoreException(StoreException.Kind.BAD_INPUT, where + " holds tables but is not an iocert"
                        + " store (no " + HISTORY_TABLE + " table); iocert does not write into it. Give a new file"
                        + " or an empty database.", e);
            }
            throw new StoreException(StoreException.Kind.BAD_INPUT, where + ": the store schema cannot be checked or"
                    + " brought up to date (" + firstLine(msg) + "). The store was not changed.", e);
        }
    }

    /** Throws the clear message for a store written by a newer iocert, or left half-migrated. */
    private static void diagnose(Flyway flyway, String where) throws StoreException {
        MigrationInfo[] applied;
        try {
            applied = flyway.info().applied();
        } catch (FlywayException unreadable) {
            return;
        }
        for (MigrationInfo m : applied) {
            MigrationState s = m.getState();
            if (s == MigrationState.FUTURE_SUCCESS || s == MigrationState.FUTURE_FAILED) {
                throw new StoreException(StoreException.Kind.BAD_INPUT, where + " has store schema version "
                        + m.getVersion() + " (" + m.getDescription() + "), newer than this iocert knows (" + latest(flyway)
                        + "); use the iocert that wrote it or a newer one. The store was not changed.");
            }
            if (s == MigrationState.FAILED) {
                throw new StoreException(StoreException.Kind.BAD_INPUT, where + ": migration " + m.getVersion()
                        + " of the store schema failed earlier and left it half-done; restore it from a copy."
                        + " The store was not changed.");
            }
        }
    }

    /** The highest schema version this iocert carries. */
    static String latest(Flyway flyway) {
        String v = "none";
        for (MigrationInfo m : flyway.info().all()) {
            if (m.getState() != MigrationState.FUTURE_SUCCESS && m.getState() != MigrationState.FUTURE_FAILED
                    && m.getVersion() != null) {
                v = m.getVersion().toString();
            }
        }
        return v;
    }

    static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl >= 0 ? s.substring(0, nl) : s).trim();
    }
}
