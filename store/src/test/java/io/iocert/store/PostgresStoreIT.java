package io.iocert.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store on a real PostgreSQL server this test starts privately: initdb into a temporary
 * directory, pg_ctl start on a free loopback port with its socket in that directory, stopped and
 * removed at the end (Debian's postgresql package; .ci/run installs it). As root the server
 * runs as the postgres user, since PostgreSQL refuses to run as root. Each test gets its own
 * database. Skipped, saying why, where the server cannot start.
 */
class PostgresStoreIT {
    private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Path dir;
    private static Path bin;
    private static int port;
    private static boolean asPostgresUser;
    private static String skipReason;
    private String url;

    @BeforeAll
    static void startServer() throws Exception {
        bin = findBin();
        if (bin == null) {
            skipReason = "PostgreSQL is not installed (no initdb/pg_ctl on PATH or under /usr/lib/postgresql);"
                    + " apt-get install postgresql";
            return;
        }
        asPostgresUser = "root".equals(System.getProperty("user.name"));
        if (asPostgresUser && run(List.of("id", "-u", "postgres"), 10) != 0) {
            skipReason = "running as root, and there is no postgres user to run the server as";
            return;
        }
        dir = Files.createTempDirectory("iocert-pg-it-");
        if (asPostgresUser) {
            UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
            GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
            Files.getFileAttributeView(dir, PosixFileAttributeView.class).setGroup(group);
        }
        Path data = dir.resolve("data");
        if (run(
                        cmd(
                                bin.resolve("initdb").toString(),
                                "-D",
                                data.toString(),
                                "-U",
                                "iocert",
                                "--auth=trust",
                                "-E",
                                "UTF8",
                                "--locale=C"),
                        120)
                != 0) {
            skipReason = "initdb failed (see " + dir.resolve("cmd.log") + ")";
            return;
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        if (run(
                        cmd(
                                bin.resolve("pg_ctl").toString(),
                                "-D",
                                data.toString(),
                                "-l",
                                dir.resolve("server.log").toString(),
                                "-w",
                                "-t",
                                "60",
                                "-o",
                                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                                "start"),
                        90)
                != 0) {
            skipReason = "pg_ctl start failed: " + tail(dir.resolve("server.log"));
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (dir == null) {
            return;
        }
        if (bin != null && Files.isDirectory(dir.resolve("data"))) {
            run(
                    cmd(
                            bin.resolve("pg_ctl").toString(),
                            "-D",
                            dir.resolve("data").toString(),
                            "-m",
                            "fast",
                            "-w",
                            "stop"),
                    60);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @BeforeEach
    void freshDatabase() throws Exception {
        assumeTrue(skipReason == null, skipReason);
        String name = "store" + DATABASES.incrementAndGet();
        try (Connection c =
                        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=iocert");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        url = "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=iocert";
    }

    @Test
    void shouldRecordAndReadBackTheSameAsSqlite() throws Exception {
        StoreLocation where = StoreLocation.parse(url);
        assertFalse(where.isSqlite());
        assertFalse(where.display().contains("user="), "the URL's query is not shown in messages");
        try (ResultStore store = ResultStore.open(where, true)) {
            List<String> ids = new ArrayList<>();
            for (int day = 0; day < 3; day++) {
                Result r =
                        StoreFixtures.result("node17", "m7i.large", T0.plusSeconds(86_400L * day), 800_000, 600e6, day);
                StoreFixtures.record(store, r, "run");
                ids.add(io.iocert.certifier.cert.Certificates.sha256(ResultCodec.toJson(r)));
            }
            List<ResultStore.HistoryEntry> h = store.history(ResultStore.Selector.node("node17"), "ocean-checkpoint");
            assertEquals(3, h.size());
            assertEquals("ELIGIBLE", h.get(2).verdict());
            assertEquals(2, h.get(2).pass());
            List<ResultStore.StoredVerdict> v =
                    store.verdicts(ResultStore.Selector.instanceType("m7i.large"), "ocean-checkpoint");
            assertEquals(6, v.size());
            Measurement merged =
                    store.merged(ids, "restart-read", "latency", null).orElseThrow();
            assertEquals(60_000, merged.histogram().getTotalCount());
            assertEquals(1, store.latestPerNode("m7i.large", "ocean-checkpoint").size());
        }
        // Reopening an up-to-date store changes nothing and keeps what was recorded; a reader
        // finds it current with one query (no Flyway), as with SQLite.
        try (ResultStore store = ResultStore.open(where, false)) {
            assertEquals(
                    3,
                    store.history(ResultStore.Selector.node("node17"), "ocean-checkpoint")
                            .size());
            assertTrue(Schema.isCurrent(store.connection()), "the reader's schema check on PostgreSQL");
        }
    }

    @Test
    void shouldWriteAResultOnceWhenTwoWritersRecordItAtOnce() throws Exception {
        StoreLocation where = StoreLocation.parse(url);
        ResultStore.open(where, true).close();
        Result r = StoreFixtures.result("node17", null, T0, 800_000, 600e6, 1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<ResultStore.Recorded>> f = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                f.add(pool.submit(() -> {
                    try (ResultStore s = ResultStore.open(where, true)) {
                        return s.record(
                                r,
                                ResultCodec.toJson(r),
                                "run",
                                io.iocert.certifier.Certifier.certify(StoreFixtures.spec(), r),
                                null,
                                T0);
                    }
                }));
            }
            int fresh = 0;
            for (Future<ResultStore.Recorded> x : f) {
                fresh += x.get(60, TimeUnit.SECONDS).newResult() ? 1 : 0;
            }
            assertEquals(1, fresh);
        } finally {
            pool.shutdownNow();
        }
        try (ResultStore store = ResultStore.open(where, false)) {
            assertEquals(
                    4,
                    store.history(ResultStore.Selector.node("node17"), "ocean-checkpoint")
                            .size());
            try (Statement s = store.connection().createStatement();
                    var rs = s.executeQuery("SELECT COUNT(*) FROM iocert_measurement")) {
                rs.next();
                assertEquals(2, rs.getLong(1));
            }
        }
    }

    @Test
    void shouldRefuseANewerSchemaAndADatabaseOfSomethingElse() throws Exception {
        StoreLocation where = StoreLocation.parse(url);
        ResultStore.open(where, true).close();
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + Schema.HISTORY_TABLE + " (installed_rank, version, description, type, script,"
                    + " checksum, installed_by, installed_on, execution_time, success) VALUES (3, '3', 'from the future',"
                    + " 'SQL', 'V3__from_the_future.sql', 0, 'test', now(), 1, true)");
        }
        StoreException e = assertThrows(StoreException.class, () -> ResultStore.open(where, true));
        assertEquals(StoreException.Kind.BAD_INPUT, e.kind());
        assertTrue(e.getMessage().contains("newer than this iocert knows"), e.getMessage());
        StoreException reading = assertThrows(StoreException.class, () -> ResultStore.open(where, false));
        assertEquals(e.getMessage(), reading.getMessage(), "a reader refuses it the same way");

        String other = url.replace("/store", "/other");
        try (Connection c =
                        DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=iocert");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + other.substring(other.lastIndexOf('/') + 1, other.indexOf('?')));
        }
        try (Connection c = DriverManager.getConnection(other);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE invoices (id INTEGER)");
        }
        StoreException notOurs =
                assertThrows(StoreException.class, () -> ResultStore.open(StoreLocation.parse(other), true));
        assertTrue(notOurs.getMessage().contains("not an iocert store"), notOurs.getMessage());
    }

    @Test
    void shouldSayWhenTheServerCannotBeReached() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        StoreException e = assertThrows(
                StoreException.class,
                () -> ResultStore.open(
                        StoreLocation.parse("jdbc:postgresql://127.0.0.1:" + closed + "/x?user=iocert"), true));
        assertEquals(StoreException.Kind.UNAVAILABLE, e.kind());
        assertTrue(e.getMessage().contains("cannot reach"), e.getMessage());
    }

    private static List<String> cmd(String... args) {
        List<String> c = new ArrayList<>();
        if (asPostgresUser) {
            c.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        c.addAll(List.of(args));
        return c;
    }

    private static int run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.redirectOutput(
                    ProcessBuilder.Redirect.appendTo(dir.resolve("cmd.log").toFile()));
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static Path findBin() throws IOException {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path initdb = Path.of(d, "initdb");
            if (!d.isEmpty() && Files.isExecutable(initdb) && Files.isExecutable(Path.of(d, "pg_ctl"))) {
                return initdb.toRealPath().getParent();
            }
        }
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                return versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.naturalOrder())
                        .orElse(null);
            }
        }
        return null;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
        } catch (IOException e) {
            return "no server log";
        }
    }
}
