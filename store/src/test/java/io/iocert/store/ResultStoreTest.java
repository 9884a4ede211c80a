package io.iocert.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultStoreTest {
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");

    @TempDir
    Path dir;

    private StoreLocation location() throws StoreException {
        return StoreLocation.parse(dir.resolve("history.db").toString());
    }

    @Test
    void shouldRecordResultCertificationAndVerdictsAndListThemAsHistory() throws Exception {
        try (ResultStore store = ResultStore.open(location(), true)) {
            for (int day = 0; day < 3; day++) {
                io.iocert.certifier.Report rep = StoreFixtures.record(
                        store,
                        StoreFixtures.result("node17", "m7i.large", T0.plusSeconds(86_400L * day), 800_000, 600e6, day),
                        "run");
                assertEquals(
                        io.iocert.certifier.NodeVerdict.ELIGIBLE,
                        rep.verdict(),
                        rep.requirements().toString());
            }
            StoreFixtures.record(store, StoreFixtures.result("node18", "m7i.large", T0, 800_000, 600e6, 9), "run");
            List<ResultStore.HistoryEntry> h = store.history(ResultStore.Selector.node("node17"), "ocean-checkpoint");
            assertEquals(3, h.size());
            assertEquals(T0, h.get(0).startedAt());
            assertEquals("ELIGIBLE", h.get(0).verdict());
            assertEquals(2, h.get(0).pass());
            assertEquals("m7i.large", h.get(0).instanceType());
            assertEquals(
                    4,
                    store.history(ResultStore.Selector.instanceType("m7i.large"), "ocean-checkpoint")
                            .size());
            assertTrue(store.history(ResultStore.Selector.node("node17"), "other-spec")
                    .isEmpty());
        }
    }

    @Test
    void shouldKeepOneResultRowWhenTheSameDocumentIsRecordedTwice() throws Exception {
        Result r = StoreFixtures.result("node17", null, T0, 800_000, 600e6, 1);
        byte[] doc = ResultCodec.toJson(r);
        try (ResultStore store = ResultStore.open(location(), true)) {
            ResultStore.Recorded first = store.record(r, doc, "import", null, null, T0);
            ResultStore.Recorded second = store.record(
                    r, doc, "certify", io.iocert.certifier.Certifier.certify(StoreFixtures.spec(), r), null, T0);
            assertTrue(first.newResult());
            assertFalse(second.newResult());
            assertEquals(first.resultId(), second.resultId());
            assertTrue(second.certificationId().isPresent());
            assertEquals(1, count(store.connection(), "iocert_result"));
            assertEquals(2, count(store.connection(), "iocert_measurement"));
        }
    }

    @Test
    void shouldMergeHistogramsNotAveragePercentiles() throws Exception {
        Result a = StoreFixtures.result("node17", null, T0, 500_000, 600e6, 1);
        Result b = StoreFixtures.result("node17", null, T0.plusSeconds(3600), 2_000_000, 600e6, 2);
        try (ResultStore store = ResultStore.open(location(), true)) {
            String ida = store.record(a, ResultCodec.toJson(a), "run", null, null, T0)
                    .resultId();
            String idb = store.record(b, ResultCodec.toJson(b), "run", null, null, T0)
                    .resultId();
            Measurement m = store.merged(List.of(ida, idb), "restart-read", "latency", null)
                    .orElseThrow();
            Histogram expected = a.measurements().get(0).histogram().copy();
            expected.add(b.measurements().get(0).histogram());
            assertEquals(expected, m.histogram());
            assertEquals(40_000, m.histogram().getTotalCount());
            Measurement tp = store.merged(List.of(ida, idb), "checkpoint-write", "throughput", null)
                    .orElseThrow();
            assertEquals(400, tp.intervals().values().size());
            assertEquals(
                    a.measurements().get(1).intervals().values().get(7),
                    tp.intervals().values().get(7));
        }
    }

    @Test
    void shouldReadBackTheWholeResultDocument() throws Exception {
        Result r = StoreFixtures.result("node17", "m7i.large", T0, 800_000, 600e6, 1);
        try (ResultStore store = ResultStore.open(location(), true)) {
            StoreFixtures.record(store, r, "run");
            List<ResultStore.StoredResult> latest = store.latestPerNode("m7i.large", null);
            assertEquals(1, latest.size());
            assertEquals(
                    r.measurements().get(0).histogram(),
                    latest.get(0).result().measurements().get(0).histogram());
            assertEquals(r.node(), latest.get(0).result().node());
        }
    }

    @Test
    void shouldRefuseAFileThatIsNotAStoreAndLeaveItAlone() throws Exception {
        Path notes = dir.resolve("notes.txt");
        String text = "these are my notes, not a database\n".repeat(200);
        Files.writeString(notes, text);
        StoreException e =
                assertThrows(StoreException.class, () -> ResultStore.open(StoreLocation.parse(notes.toString()), true));
        assertEquals(StoreException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("not an iocert store"), e.getMessage());
        assertEquals(text, Files.readString(notes, StandardCharsets.UTF_8));
    }

    @Test
    void shouldRefuseASqliteDatabaseOfSomethingElse() throws Exception {
        Path other = dir.resolve("other.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices (id INTEGER, amount REAL)");
            s.execute("INSERT INTO invoices VALUES (1, 9.5)");
        }
        StoreException e =
                assertThrows(StoreException.class, () -> ResultStore.open(StoreLocation.parse(other.toString()), true));
        assertTrue(e.getMessage().contains("not an iocert store"), e.getMessage());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other);
                Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")) {
            assertTrue(rs.next());
            assertEquals("invoices", rs.getString(1));
            assertFalse(rs.next(), "no table was added");
        }
    }

    @Test
    void shouldRefuseAStoreWithANewerSchemaWithoutChangingIt() throws Exception {
        try (ResultStore store = ResultStore.open(location(), true)) {
            StoreFixtures.record(store, StoreFixtures.result("node17", null, T0, 800_000, 600e6, 1), "run");
        }
        Path db = dir.resolve("history.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + Schema.HISTORY_TABLE + " (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, installed_on, execution_time, success) VALUES (3, '3', 'from the future',"
                    + " 'SQL', 'V3__from_the_future.sql', 0, 'test', CURRENT_TIMESTAMP, 1, 1)");
        }
        byte[] before = Files.readAllBytes(db);
        StoreException e = assertThrows(StoreException.class, () -> ResultStore.open(location(), true));
        assertEquals(StoreException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("newer than this iocert knows"), e.getMessage());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(db)), "the store was not changed");
    }

    @Test
    void shouldRefuseADamagedStore() throws Exception {
        try (ResultStore store = ResultStore.open(location(), true)) {
            for (int i = 0; i < 20; i++) {
                StoreFixtures.record(
                        store, StoreFixtures.result("node17", null, T0.plusSeconds(i), 800_000, 600e6, i), "run");
            }
        }
        Path db = dir.resolve("history.db");
        byte[] bytes = Files.readAllBytes(db);
        // Overwrite pages in the middle of the file (the header stays): a torn or bit-rotted store.
        for (int i = 8192; i < Math.min(bytes.length, 8192 + 16384); i++) {
            bytes[i] = (byte) 0xA5;
        }
        Files.write(db, bytes);
        StoreException e = assertThrows(StoreException.class, () -> {
            try (ResultStore store = ResultStore.open(location(), true)) {
                store.history(ResultStore.Selector.node("node17"), "ocean-checkpoint");
            }
        });
        assertEquals(StoreException.Kind.BAD_INPUT, e.kind());
        assertTrue(
                e.getMessage().contains("damaged") || e.getMessage().contains("not an iocert store"), e.getMessage());
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(db)), "the store was not changed");
    }

    @Test
    void shouldFailClearlyWhenAnotherWriterHoldsTheStorePastTheWait() throws Exception {
        ResultStore.open(location(), true).close();
        try (Connection first = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"))) {
            // The first writer is mid-transaction: it holds the write lock.
            first.setAutoCommit(false);
            try (Statement s = first.createStatement()) {
                s.executeUpdate("UPDATE iocert_result SET source = source");
            }
            try (ResultStore second = ResultStore.open(location(), true, 300)) {
                Result r = StoreFixtures.result("node17", null, T0, 800_000, 600e6, 1);
                StoreException e = assertThrows(
                        StoreException.class, () -> second.record(r, ResultCodec.toJson(r), "run", null, null, T0));
                assertEquals(StoreException.Kind.UNAVAILABLE, e.kind());
                assertTrue(e.getMessage().contains("another iocert is writing"), e.getMessage());
            }
            first.rollback();
        }
    }

    @Test
    void shouldWaitForAnotherWriterThatFinishes() throws Exception {
        Result r = StoreFixtures.result("node17", null, T0, 800_000, 600e6, 1);
        try (ResultStore second = ResultStore.open(location(), true);
                Connection first = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"))) {
            first.setAutoCommit(false);
            try (Statement s = first.createStatement()) {
                s.executeUpdate("UPDATE iocert_result SET source = source");
            }
            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(500);
                    first.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            release.start();
            ResultStore.Recorded rec = second.record(r, ResultCodec.toJson(r), "run", null, null, T0);
            release.join();
            assertTrue(rec.newResult());
        }
    }

    @Test
    void shouldNotCreateAStoreWhenOnlyReading() {
        StoreException e = assertThrows(StoreException.class, () -> ResultStore.open(location(), false));
        assertTrue(e.getMessage().contains("no such store"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("history.db")));
    }

    @Test
    void shouldNameUnsupportedJdbcUrls() {
        StoreException e = assertThrows(StoreException.class, () -> StoreLocation.parse("jdbc:mysql://db/iocert"));
        assertTrue(e.getMessage().contains("jdbc:postgresql://"), e.getMessage());
    }

    @Test
    void shouldTakeInstanceTypeFromCloudFieldElseDmiProduct() {
        assertEquals(
                Optional.of("m7i.large"),
                InstanceTypes.of(new io.iocert.results.NodeIdentity(
                        java.util.Map.of("cloudInstanceType", "m7i.large", "dmiProductName", "m7i.large"))));
        assertEquals(
                Optional.of("PowerEdge R650"),
                InstanceTypes.of(
                        new io.iocert.results.NodeIdentity(java.util.Map.of("dmiProductName", "PowerEdge R650"))));
        assertEquals(Optional.empty(), InstanceTypes.of(new io.iocert.results.NodeIdentity(java.util.Map.of())));
    }

    private static long count(Connection c, String table) throws Exception {
        try (Statement s = c.createStatement();
                var rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
