package io.iocert.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * A reader opens a store at the current schema after one query of its history, without Flyway;
 * every other store still goes through Flyway, which migrates an older one and refuses a newer,
 * failed or edited one, as before.
 */
class SchemaTest {
    private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

    @TempDir
    Path dir;

    private StoreLocation location() throws StoreException {
        return StoreLocation.parse(dir.resolve("s.db").toString());
    }

    private Connection raw() throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("s.db"));
    }

    private void fill() throws Exception {
        try (ResultStore store = ResultStore.open(location(), true)) {
            StoreFixtures.record(store, StoreFixtures.result("node17", null, T0, 800_000, 600e6, 1), "run");
        }
    }

    @Test
    void shouldKnowEveryMigrationAndChecksumFlywayFinds() throws Exception {
        fill();
        SQLiteDataSource ds = new SQLiteDataSource();
        ds.setUrl("jdbc:sqlite:" + dir.resolve("s.db"));
        Map<String, Integer> flyway = new HashMap<>();
        for (MigrationInfo m : Schema.flyway(ds, true).info().all()) {
            flyway.put(m.getVersion().toString(), m.getChecksum());
        }
        assertEquals(
                flyway,
                Schema.MIGRATIONS,
                "Schema.MIGRATIONS must list the migrations under"
                        + " io/iocert/store/migration with Flyway's checksums");
        try (Connection c = raw()) {
            assertTrue(Schema.isCurrent(c));
        }
    }

    @Test
    void shouldNotCallAStoreCurrentUnlessItsHistoryIsExactlyThisIocerts() throws Exception {
        fill();
        try (Connection c = raw();
                Statement s = c.createStatement()) {
            s.execute("UPDATE " + Schema.HISTORY_TABLE + " SET checksum = checksum + 1 WHERE version = '2'");
            assertFalse(Schema.isCurrent(c), "an edited script");
            s.execute(
                    "UPDATE " + Schema.HISTORY_TABLE + " SET checksum = checksum - 1, success = 0 WHERE version = '2'");
            assertFalse(Schema.isCurrent(c), "a failed migration");
            s.execute("UPDATE " + Schema.HISTORY_TABLE + " SET success = 1 WHERE version = '2'");
            assertTrue(Schema.isCurrent(c));
            s.execute("DELETE FROM " + Schema.HISTORY_TABLE + " WHERE version = '2'");
            assertFalse(Schema.isCurrent(c), "an older store");
            s.execute("DROP TABLE " + Schema.HISTORY_TABLE);
            assertFalse(Schema.isCurrent(c), "no history at all");
        }
    }

    @Test
    void shouldRefuseANewerStoreWhenReadingToo() throws Exception {
        fill();
        try (Connection c = raw();
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + Schema.HISTORY_TABLE + " (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, installed_on, execution_time, success) VALUES (3, '3', 'from the future',"
                    + " 'SQL', 'V3__from_the_future.sql', 0, 'test', CURRENT_TIMESTAMP, 1, 1)");
        }
        byte[] before = Files.readAllBytes(dir.resolve("s.db"));
        StoreException e = assertThrows(StoreException.class, () -> ResultStore.open(location(), false));
        assertEquals(StoreException.Kind.BAD_INPUT, e.kind());
        assertTrue(
                e.getMessage()
                        .contains("has store schema version 3 (from the future), newer than this iocert knows (2)"),
                e.getMessage());
        assertTrue(
                java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("s.db"))), "the store was not changed");
    }

    @Test
    void shouldRefuseAnEditedMigrationWhenReading() throws Exception {
        fill();
        try (Connection c = raw();
                Statement s = c.createStatement()) {
            s.execute("UPDATE " + Schema.HISTORY_TABLE + " SET checksum = 12345 WHERE version = '1'");
        }
        StoreException e = assertThrows(StoreException.class, () -> ResultStore.open(location(), false));
        assertEquals(StoreException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("cannot be checked or brought up to date"), e.getMessage());
    }

    @Test
    void shouldBringAnOlderStoreUpToDateWhenReadingAndThenReadIt() throws Exception {
        fill();
        try (Connection c = raw();
                Statement s = c.createStatement()) {
            // Back to schema version 1: its index and its history.
            s.execute("CREATE INDEX iocert_certification_by_spec ON iocert_certification (spec_name)");
            s.execute("DELETE FROM " + Schema.HISTORY_TABLE + " WHERE version = '2'");
        }
        try (ResultStore store = ResultStore.open(location(), false)) {
            assertEquals(
                    1,
                    store.history(ResultStore.Selector.node("node17"), "ocean-checkpoint")
                            .size());
        }
        try (Connection c = raw();
                Statement s = c.createStatement();
                var rs = s.executeQuery(
                        "SELECT COUNT(*) FROM sqlite_master WHERE name = 'iocert_certification_by_spec'")) {
            assertTrue(rs.next());
            assertEquals(0, rs.getInt(1), "migration 2 ran");
            assertTrue(Schema.isCurrent(c));
        }
    }
}
