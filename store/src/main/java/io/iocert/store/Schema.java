package io.iocert.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
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
 *
 * <p>A reader first asks {@link #isCurrent}: one query of the history, without starting Flyway
 * (which loads about 900 classes and costs most of a second). Only a store that is not exactly
 * at this iocert's schema goes through Flyway, which brings it up to date or explains why not.
 */
final class Schema {
    static final String HISTORY_TABLE = "iocert_schema_history";
    private static final String LOCATION = "classpath:io/iocert/store/migration";

    /**
     * The migrations this iocert carries, by version, with the checksum Flyway records for each
     * script ({@code SchemaTest} checks both against Flyway's own reading of the scripts).
     */
    static final Map<String, Integer> MIGRATIONS = Map.of(
            "1", -897068707,
            "2", -553100562);

    private Schema() {}

    /**
     * Whether the store's schema history holds exactly this iocert's migrations, each applied
     * successfully from the script this iocert carries (same checksum): what Flyway's validation
     * would accept with nothing to migrate. Any other answer, including an unreadable history,
     * is false, and the caller leaves the judgement (and its message) to {@link #migrate}.
     */
    static boolean isCurrent(Connection connection) {
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT version, checksum, success FROM " + HISTORY_TABLE)) {
            Map<String, Integer> applied = new HashMap<>();
            while (rs.next()) {
                String version = rs.getString(1);
                int checksum = rs.getInt(2);
                boolean noChecksum = rs.wasNull();
                if (version == null || noChecksum || !rs.getBoolean(3) || applied.put(version, checksum) != null) {
                    return false;
                }
            }
            return applied.equals(MIGRATIONS);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Brings the store at {@code where} to the current schema, or explains why it will not. */
    static void migrate(DataSource source, boolean sqlite, StoreLocation location) throws StoreException {
        String where = location.display();
        Flyway flyway = flyway(source, sqlite);
        try {
            // Validation runs first and fails, changing nothing, on a store with migrations this
            // iocert does not know; only then is the history read again to say which.
            flyway.migrate();
        } catch (FlywayException e) {
            diagnose(flyway, where);
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof java.sql.SQLException sql) {
                    StoreException mapped = ResultStore.failure(location, "read", sql);
                    if (mapped.kind() == StoreException.Kind.UNAVAILABLE
                            || mapped.getMessage().contains("damaged")
                            || mapped.getMessage().contains("not an iocert store")) {
                        throw mapped;
                    }
                }
            }
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("without schema history table") || msg.contains("non-empty schema")) {
                throw new StoreException(
                        StoreException.Kind.BAD_INPUT,
                        where + " holds tables but is not an iocert"
                                + " store (no " + HISTORY_TABLE
                                + " table); iocert does not write into it. Give a new file"
                                + " or an empty database.",
                        e);
            }
            throw new StoreException(
                    StoreException.Kind.BAD_INPUT,
                    where + ": the store schema cannot be checked or" + " brought up to date (" + firstLine(msg)
                            + "). The store was not changed.",
                    e);
        }
    }

    /** Flyway as the store uses it: our migrations, our history table, validation on migrate. */
    static Flyway flyway(DataSource source, boolean sqlite) {
        return Flyway.configure(Schema.class.getClassLoader())
                .dataSource(source)
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .placeholders(Map.of("binary", sqlite ? "BLOB" : "BYTEA"))
                // A newer store must fail validation, not be passed over silently.
                .ignoreMigrationPatterns("")
                .validateOnMigrate(true)
                .load();
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
                throw new StoreException(
                        StoreException.Kind.BAD_INPUT,
                        where + " has store schema version "
                                + m.getVersion() + " (" + m.getDescription() + "), newer than this iocert knows ("
                                + latest(flyway)
                                + "); use the iocert that wrote it or a newer one. The store was not changed.");
            }
            if (s == MigrationState.FAILED) {
                throw new StoreException(
                        StoreException.Kind.BAD_INPUT,
                        where + ": migration " + m.getVersion()
                                + " of the store schema failed earlier and left it half-done; restore it from a copy."
                                + " The store was not changed.");
            }
        }
    }

    /** The highest schema version this iocert carries. */
    static String latest(Flyway flyway) {
        String v = "none";
        for (MigrationInfo m : flyway.info().all()) {
            if (m.getState() != MigrationState.FUTURE_SUCCESS
                    && m.getState() != MigrationState.FUTURE_FAILED
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
