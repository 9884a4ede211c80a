package io.iocert.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.iocert.certifier.Certifier;
import io.iocert.certifier.Report;
import io.iocert.certifier.RequirementVerdict;
import io.iocert.certifier.cert.Certificates;
import io.iocert.certifier.report.ReportFormat;
import io.iocert.results.IntervalSeries;
import io.iocert.results.Measurement;
import io.iocert.results.Result;
import io.iocert.results.ResultCodec;
import io.iocert.results.ResultFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;
import org.HdrHistogram.Histogram;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;

/**
 * The results store: results, their certifications and certificates, over time, in one
 * SQLite file or a PostgreSQL database (same schema, {@link Schema}).
 *
 * <p>Each {@link #record} is one transaction: the result (once, however often it is recorded:
 * its id is the SHA-256 of the document), its measurements with their distributions whole, and
 * the certification with one row per judged statistic. With SQLite the write lock is taken when
 * the transaction begins, so a second writer waits up to {@link #BUSY_WAIT_MS} and then fails
 * with a message saying so; readers are not blocked for longer than a write takes.
 */
public final class ResultStore implements AutoCloseable {
    /** How long a writer waits for another to finish before giving up. */
    public static final int BUSY_WAIT_MS = 30_000;
    /** Stores up to this size get SQLite's full integrity check when opened. */
    static final long FULL_CHECK_BYTES = 64L << 20;

    /** Jackson, loaded only by a command that writes (a reader has no use for its 500 classes). */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private final StoreLocation location;
    private final DataSource writes;
    /** Reads run on this connection in auto-commit mode. */
    private final Connection connection;
    /** Writes run on this one, opened on the first write, one transaction per record. */
    private Connection writer;

    private ResultStore(StoreLocation location, DataSource writes, Connection connection) {
        this.location = location;
        this.writes = writes;
        this.connection = connection;
    }

    /**
     * Opens the store, bringing its schema up to date. With {@code create} a missing SQLite file
     * is created; without, a missing file is an error (readers never leave an empty store behind),
     * and a store already at this iocert's schema is opened after one query of its schema history
     * ({@link Schema#isCurrent}), without Flyway.
     */
    public static ResultStore open(StoreLocation location, boolean create) throws StoreException {
        return open(location, create, BUSY_WAIT_MS);
    }

    static ResultStore open(StoreLocation location, boolean create, int busyWaitMs) throws StoreException {
        DataSource source;
        DataSource schemaSource;
        if (location.isSqlite()) {
            java.nio.file.Path file = location.sqliteFile().get();
            if (!Files.exists(file)) {
                if (!create) {
                    throw new StoreException(
                            StoreException.Kind.BAD_INPUT,
                            location.display()
                                    + ": no such store (record into it first with --store on run, certify or import)");
                }
                java.nio.file.Path parent = file.getParent();
                if (parent != null && !Files.isDirectory(parent)) {
                    throw new StoreException(
                            StoreException.Kind.BAD_INPUT,
                            location.display() + ": cannot create the store, " + parent + " is not a directory");
                }
            } else if (Files.isDirectory(file)) {
                throw new StoreException(
                        StoreException.Kind.BAD_INPUT,
                        location.display() + " is a directory; expected a store file (or a jdbc:postgresql:// URL)");
            }
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(busyWaitMs);
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            config.enforceForeignKeys(true);
            SQLiteDataSource ds = new SQLiteDataSource(config);
            ds.setUrl(location.jdbcUrl());
            source = ds;
            // Flyway's checks only read an up-to-date store: they must not queue behind a writer.
            SQLiteConfig deferred = new SQLiteConfig();
            deferred.setBusyTimeout(busyWaitMs);
            SQLiteDataSource schemaDs = new SQLiteDataSource(deferred);
            schemaDs.setUrl(location.jdbcUrl());
            schemaSource = schemaDs;
            checkSqliteFile(ds, location);
        } else {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setURL(location.jdbcUrl());
            ds.setConnectTimeout(10);
            source = ds;
            schemaSource = ds;
        }
        if (!create) {
            Connection reader = null;
            try {
                reader = schemaSource.getConnection();
                if (Schema.isCurrent(reader)) {
                    return new ResultStore(location, source, reader);
                }
            } catch (SQLException e) {
                // Flyway's path below meets the same failure and says what it is.
            }
            closeQuietly(reader);
        }
        Schema.migrate(schemaSource, location.isSqlite(), location);
        try {
            return new ResultStore(location, source, schemaSource.getConnection());
        } catch (SQLException e) {
            throw failure(location, "open", e);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // Only a connection that was not usable; the schema check opens its own.
            }
        }
    }

    /**
     * A file that is not a SQLite database (or a damaged one) is refused before Flyway touches it.
     * SQLite's integrity check reads every page, so it runs at open only for stores up to
     * {@link #FULL_CHECK_BYTES}; in larger ones a damaged page is reported when a query meets it.
     */
    private static void checkSqliteFile(SQLiteDataSource ds, StoreLocation location) throws StoreException {
        java.nio.file.Path file = location.sqliteFile().get();
        if (!Files.exists(file)) {
            return;
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new StoreException(
                    StoreException.Kind.BAD_INPUT, location.display() + ": cannot read (" + e + ")", e);
        }
        String check = size <= FULL_CHECK_BYTES ? "PRAGMA quick_check" : "PRAGMA schema_version";
        try (Connection c = ds.getConnection();
                var s = c.createStatement();
                ResultSet rs = s.executeQuery(check)) {
            if (size > FULL_CHECK_BYTES) {
                return;
            }
            String first = rs.next() ? rs.getString(1) : "ok";
            if (!"ok".equals(first)) {
                throw new StoreException(
                        StoreException.Kind.BAD_INPUT,
                        location.display() + " is damaged (SQLite" + " integrity check: " + first
                                + "); restore it from a copy. The store was not changed.");
            }
        } catch (SQLException e) {
            throw failure(location, "read", e);
        }
    }

    /** An SQL failure in words, as bad input (the store) or unavailable (busy, unreachable). */
    static StoreException failure(StoreLocation location, String doing, SQLException e) {
        if (e instanceof org.sqlite.SQLiteException se) {
            SQLiteErrorCode code = se.getResultCode();
            if (code == SQLiteErrorCode.SQLITE_NOTADB) {
                return new StoreException(
                        StoreException.Kind.BAD_INPUT,
                        location.display()
                                + " is not an iocert store (not a SQLite database); iocert does not overwrite it",
                        e);
            }
            if (code == SQLiteErrorCode.SQLITE_CORRUPT || code.name().startsWith("SQLITE_CORRUPT")) {
                return new StoreException(
                        StoreException.Kind.BAD_INPUT,
                        location.display() + " is damaged (" + se.getMessage()
                                + "); restore it from a copy. The store was not changed.",
                        e);
            }
            if (code.name().startsWith("SQLITE_BUSY") || code.name().startsWith("SQLITE_LOCKED")) {
                return new StoreException(
                        StoreException.Kind.UNAVAILABLE,
                        location.display()
                                + " is busy: another iocert is writing to it (waited " + BUSY_WAIT_MS / 1000
                                + " s); nothing was recorded, try again",
                        e);
            }
            if (code.name().startsWith("SQLITE_READONLY")
                    || code.name().startsWith("SQLITE_CANTOPEN")
                    || code.name().startsWith("SQLITE_PERM")) {
                return new StoreException(
                        StoreException.Kind.BAD_INPUT,
                        location.display() + ": cannot " + doing + " the store (" + se.getMessage() + ")",
                        e);
            }
        }
        String state = e.getSQLState();
        if (state != null && state.startsWith("08")) {
            return new StoreException(
                    StoreException.Kind.UNAVAILABLE,
                    location.display() + ": cannot reach the database server (" + e.getMessage() + ")",
                    e);
        }
        if (state != null && (state.startsWith("28") || state.equals("3D000"))) {
            return new StoreException(StoreException.Kind.BAD_INPUT, location.display() + ": " + e.getMessage(), e);
        }
        return new StoreException(
                StoreException.Kind.UNAVAILABLE,
                location.display() + ": cannot " + doing + " the store (" + e.getMessage() + ")",
                e);
    }

    public StoreLocation location() {
        return location;
    }

    /** What one {@link #record} call stored. */
    public record Recorded(String resultId, boolean newResult, Optional<String> certificationId) {}

    /**
     * Records, in one transaction, {@code result} (whose document as written is {@code document})
     * and, when given, its certification {@code report} and signed {@code certificate}.
     * {@code source} says which command recorded it: run, certify or import.
     */
    public Recorded record(
            Result result, byte[] document, String source, Report report, byte[] certificate, Instant now)
            throws StoreException {
        String resultId = Certificates.sha256(document);
        try {
            if (writer == null) {
                writer = writes.getConnection();
            }
            Connection w = writer;
            try {
                // SQLite: BEGIN IMMEDIATE, so a second writer waits here (busy timeout), never half-way.
                w.setAutoCommit(false);
                Recorded done = record(w, resultId, result, document, source, report, certificate, now);
                w.commit();
                return done;
            } catch (SQLException | IOException | RuntimeException e) {
                try {
                    w.rollback();
                } catch (SQLException ignored) {
                    // The transaction is gone with the failure that is being reported.
                }
                throw e;
            } finally {
                // Back to auto-commit: the connection holds no transaction (and no lock) between
                // records. If even that fails, drop the connection; the next record opens a new one.
                try {
                    w.setAutoCommit(true);
                } catch (SQLException e) {
                    writer = null;
                    try {
                        w.close();
                    } catch (SQLException ignored) {
                        // Closing what is already broken; the original failure is being reported.
                    }
                }
            }
        } catch (SQLException e) {
            throw failure(location, "write to", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Recorded record(
            Connection connection,
            String resultId,
            Result result,
            byte[] document,
            String source,
            Report report,
            byte[] certificate,
            Instant now)
            throws SQLException, IOException {
        {
            // ON CONFLICT: a concurrent writer of the same document (PostgreSQL) waits for the
            // first and then finds it there; the result and its measurements are written once.
            boolean fresh = insertResult(connection, resultId, result, document, source, now);
            if (fresh) {
                insertMeasurements(connection, resultId, result);
            }
            Optional<String> certId = Optional.empty();
            if (report != null) {
                certId = Optional.of(insertCertification(connection, resultId, report, certificate, now));
            }
            return new Recorded(resultId, fresh, certId);
        }
    }

    private static boolean insertResult(
            Connection connection, String resultId, Result r, byte[] document, String source, Instant now)
            throws SQLException, IOException {
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO iocert_result (result_id, hostname,"
                + " instance_type, node_json, spec_name, spec_sha256, tool_version, started_at_ms, ended_at_ms,"
                + " recorded_at_ms, source, document_gz) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                + " ON CONFLICT (result_id) DO NOTHING")) {
            s.setString(1, resultId);
            s.setString(2, r.node().hostname());
            s.setString(3, InstanceTypes.of(r.node()).orElse(null));
            s.setString(4, Json.MAPPER.writeValueAsString(r.node().fields()));
            s.setString(5, r.specName());
            s.setString(6, r.specSha256());
            s.setString(7, r.toolVersion());
            s.setLong(8, r.startedAt().toEpochMilli());
            s.setLong(9, r.endedAt().toEpochMilli());
            s.setLong(10, now.toEpochMilli());
            s.setString(11, source);
            s.setBytes(12, gzip(document));
            return s.executeUpdate() == 1;
        }
    }

    private static void insertMeasurements(Connection connection, String resultId, Result r) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO iocert_measurement (result_id, seq,"
                + " requirement_id, probe, metric, unit, variant, samples, histogram, interval_ns, intervals, error)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int seq = 0;
            for (Measurement m : r.measurements()) {
                s.setString(1, resultId);
                s.setInt(2, seq++);
                s.setString(3, m.id());
                s.setString(4, m.probe());
                s.setString(5, m.metric());
                s.setString(6, m.unit());
                s.setString(7, variantOf(m, r.measurements()));
                s.setLong(8, m.samples());
                s.setBytes(9, m.histogram() == null ? null : Distributions.encode(m.histogram()));
                if (m.intervals() == null) {
                    s.setNull(10, Types.BIGINT);
                    s.setBytes(11, null);
                } else {
                    s.setLong(10, m.intervals().intervalNs());
                    s.setBytes(11, Distributions.encode(m.intervals().values()));
                }
                s.setString(12, m.error());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /**
     * The variant the certifier labels {@code m}'s verdicts with among the measurements of its
     * requirement and metric ("messageSize 8 KiB"), null when it is the only one; "part" when it is
     * not judged at all (a single stream of an aggregate).
     */
    static String variantOf(Measurement m, List<Measurement> all) {
        List<Measurement> judged = Certifier.judged(all, m.id(), m.metric());
        if (!judged.contains(m)) {
            return "part:" + Certifier.variant(m);
        }
        return judged.size() > 1 ? Certifier.variant(m) : null;
    }

    private static String insertCertification(
            Connection connection, String resultId, Report report, byte[] certificate, Instant now)
            throws SQLException, IOException {
        String certId = UUID.randomUUID().toString().replace("-", "");
        StringWriter json = new StringWriter();
        ReportFormat.JSON.writer().write(report.withEvidence(List.of()), json);
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO iocert_certification (cert_id, result_id,"
                + " spec_name, spec_sha256, verdict, certified_at_ms, report_json, certificate_json)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            s.setString(1, certId);
            s.setString(2, resultId);
            s.setString(3, report.specName());
            s.setString(4, report.specSha256());
            s.setString(5, report.verdict().name());
            s.setLong(6, now.toEpochMilli());
            s.setString(7, json.toString());
            s.setString(8, certificate == null ? null : new String(certificate, StandardCharsets.UTF_8));
            s.executeUpdate();
        }
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO iocert_verdict (cert_id, seq,"
                        + " requirement_id, variant, probe, metric, statistic, comparator, threshold, unit, measured, ci_low,"
                        + " ci_high, confidence, samples, verdict, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int seq = 0;
            for (RequirementVerdict v : report.requirements()) {
                s.setString(1, certId);
                s.setInt(2, seq++);
                s.setString(3, v.id());
                s.setString(4, v.variant());
                s.setString(5, v.probe());
                s.setString(6, v.metric());
                s.setString(7, v.statistic());
                s.setString(8, v.comparator());
                setDouble(s, 9, v.threshold());
                s.setString(10, v.unit());
                setDouble(s, 11, v.measured());
                setDouble(s, 12, v.ci() == null ? Double.NaN : v.ci().low());
                setDouble(s, 13, v.ci() == null ? Double.NaN : v.ci().high());
                setDouble(s, 14, v.ci() == null ? Double.NaN : v.ci().confidence());
                s.setLong(15, v.samples());
                s.setString(16, v.verdict().name());
                s.setString(17, v.reason());
                s.addBatch();
            }
            s.executeBatch();
        }
        return certId;
    }

    /** NaN and infinities are stored as NULL: PostgreSQL and SQLite disagree on them. */
    private static void setDouble(PreparedStatement s, int i, double v) throws SQLException {
        if (Double.isFinite(v)) {
            s.setDouble(i, v);
        } else {
            s.setNull(i, Types.DOUBLE);
        }
    }

    private static double getDouble(ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }

    /** Which node or nodes a query is about: one hostname, or every node of an instance type. */
    public record Selector(Optional<String> node, Optional<String> instanceType) {
        public static Selector node(String hostname) {
            return new Selector(Optional.of(hostname), Optional.empty());
        }

        public static Selector instanceType(String type) {
            return new Selector(Optional.empty(), Optional.of(type));
        }

        String where() {
            return node.isPresent() ? "r.hostname = ?" : "r.instance_type = ?";
        }

        String value() {
            return node.orElseGet(instanceType::get);
        }

        public String describe() {
            return node.map(n -> "node " + n).orElseGet(() -> "instance type " + instanceType.get());
        }
    }

    /** One certification in a node's or type's history. */
    public record HistoryEntry(
            String certificationId,
            String resultId,
            String hostname,
            String instanceType,
            String specName,
            String specSha256,
            Instant startedAt,
            Instant certifiedAt,
            String verdict,
            int pass,
            int fail,
            int inconclusive,
            int error,
            String source,
            boolean signed,
            String toolVersion) {}

    /** The certifications of the selected nodes against spec {@code specName}, oldest run first. */
    public List<HistoryEntry> history(Selector selector, String specName) throws StoreException {
        String sql = "SELECT c.cert_id, r.result_id, r.hostname, r.instance_type, c.spec_name, c.spec_sha256,"
                + " r.started_at_ms, c.certified_at_ms, c.verdict, r.source, c.certificate_json IS NOT NULL AS signed,"
                + " r.tool_version,"
                + " (SELECT COUNT(*) FROM iocert_verdict v WHERE v.cert_id = c.cert_id AND v.verdict = 'PASS') AS n_pass,"
                + " (SELECT COUNT(*) FROM iocert_verdict v WHERE v.cert_id = c.cert_id AND v.verdict = 'FAIL') AS n_fail,"
                + " (SELECT COUNT(*) FROM iocert_verdict v WHERE v.cert_id = c.cert_id AND v.verdict = 'INCONCLUSIVE') AS n_inc,"
                + " (SELECT COUNT(*) FROM iocert_verdict v WHERE v.cert_id = c.cert_id AND v.verdict = 'ERROR') AS n_err"
                + " FROM iocert_result r JOIN iocert_certification c ON c.result_id = r.result_id"
                + " WHERE " + selector.where() + " AND c.spec_name = ?"
                + " ORDER BY r.started_at_ms, c.certified_at_ms";
        List<HistoryEntry> out = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, selector.value());
            s.setString(2, specName);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new HistoryEntry(
                            rs.getString("cert_id"),
                            rs.getString("result_id"),
                            rs.getString("hostname"),
                            rs.getString("instance_type"),
                            rs.getString("spec_name"),
                            rs.getString("spec_sha256"),
                            Instant.ofEpochMilli(rs.getLong("started_at_ms")),
                            Instant.ofEpochMilli(rs.getLong("certified_at_ms")),
                            rs.getString("verdict"),
                            rs.getInt("n_pass"),
                            rs.getInt("n_fail"),
                            rs.getInt("n_inc"),
                            rs.getInt("n_err"),
                            rs.getString("source"),
                            rs.getBoolean("signed"),
                            rs.getString("tool_version")));
                }
            }
        } catch (SQLException e) {
            throw failure(location, "read", e);
        }
        return out;
    }

    /** One judged statistic of one stored certification, with when and where its result was measured. */
    public record StoredVerdict(
            String certificationId,
            String resultId,
            String hostname,
            Instant startedAt,
            String requirementId,
            String variant,
            String probe,
            String metric,
            String statistic,
            String comparator,
            double threshold,
            String unit,
            double measured,
            double ciLow,
            double ciHigh,
            String verdict) {
        /** What identifies the series this value belongs to: requirement, variant, metric, statistic. */
        public String seriesKey() {
            return requirementId + (variant == null ? "" : " (" + variant + ")") + " " + metric + " " + statistic;
        }
    }

    /**
     * Every judged statistic of the selected nodes' certifications against {@code specName}, in
     * the order the results were measured. A result certified more than once against the spec
     * contributes its latest certification only.
     */
    public List<StoredVerdict> verdicts(Selector selector, String specName) throws StoreException {
        String sql = "SELECT c.cert_id, r.result_id, r.hostname, r.started_at_ms, c.certified_at_ms, v.requirement_id,"
                + " v.variant, v.probe, v.metric, v.statistic, v.comparator, v.threshold, v.unit, v.measured, v.ci_low,"
                + " v.ci_high, v.verdict FROM iocert_result r"
                + " JOIN iocert_certification c ON c.result_id = r.result_id"
                + " JOIN iocert_verdict v ON v.cert_id = c.cert_id"
                + " WHERE " + selector.where() + " AND c.spec_name = ?"
                + " ORDER BY r.started_at_ms, r.result_id, c.certified_at_ms, v.seq";
        Map<String, String> latestCert = new LinkedHashMap<>();
        List<StoredVerdict> rows = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, selector.value());
            s.setString(2, specName);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    StoredVerdict v = new StoredVerdict(
                            rs.getString("cert_id"),
                            rs.getString("result_id"),
                            rs.getString("hostname"),
                            Instant.ofEpochMilli(rs.getLong("started_at_ms")),
                            rs.getString("requirement_id"),
                            rs.getString("variant"),
                            rs.getString("probe"),
                            rs.getString("metric"),
                            rs.getString("statistic"),
                            rs.getString("comparator"),
                            getDouble(rs, "threshold"),
                            rs.getString("unit"),
                            getDouble(rs, "measured"),
                            getDouble(rs, "ci_low"),
                            getDouble(rs, "ci_high"),
                            rs.getString("verdict"));
                    latestCert.put(v.resultId(), v.certificationId());
                    rows.add(v);
                }
            }
        } catch (SQLException e) {
            throw failure(location, "read", e);
        }
        return rows.stream()
                .filter(v -> v.certificationId().equals(latestCert.get(v.resultId())))
                .toList();
    }

    /**
     * The measurements of {@code requirementId}'s {@code metric} (the given variant; null for
     * none) in the given results, with their distributions, merged into one: histograms added,
     * interval values pooled. Empty when none of them holds a distribution.
     */
    public Optional<Measurement> merged(List<String> resultIds, String requirementId, String metric, String variant)
            throws StoreException {
        Histogram sum = null;
        List<Double> pooled = new ArrayList<>();
        long intervalNs = 0;
        String probe = null;
        String unit = null;
        long samples = 0;
        String sql = "SELECT probe, unit, samples, histogram, interval_ns, intervals FROM iocert_measurement"
                + " WHERE result_id = ? AND requirement_id = ? AND metric = ? AND "
                + (variant == null ? "variant IS NULL" : "variant = ?") + " AND error IS NULL";
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (String id : resultIds) {
                s.setString(1, id);
                s.setString(2, requirementId);
                s.setString(3, metric);
                if (variant != null) {
                    s.setString(4, variant);
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        probe = rs.getString("probe");
                        unit = rs.getString("unit");
                        samples += rs.getLong("samples");
                        byte[] h = rs.getBytes("histogram");
                        byte[] iv = rs.getBytes("intervals");
                        if (h != null) {
                            Histogram x = Distributions.decodeHistogram(h);
                            if (sum == null) {
                                sum = x;
                            } else {
                                sum.add(x);
                            }
                        } else if (iv != null) {
                            intervalNs = rs.getLong("interval_ns");
                            pooled.addAll(Distributions.decodeDoubles(iv));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw failure(location, "read", e);
        } catch (DataFormatException e) {
            throw new StoreException(
                    StoreException.Kind.BAD_INPUT,
                    location.display() + " holds a damaged histogram" + " for '" + requirementId + "' ("
                            + e.getMessage() + ")",
                    e);
        }
        if (probe == null || (sum == null && pooled.isEmpty())) {
            return Optional.empty();
        }
        IntervalSeries series = pooled.isEmpty() ? null : new IntervalSeries(intervalNs, pooled);
        return Optional.of(new Measurement(
                requirementId, probe, metric, unit, Map.of(), samples, null, sum, series, Map.of(), null));
    }

    /** One certification as the catalogue lists it. */
    public record Certification(
            String certificationId,
            String resultId,
            String hostname,
            String instanceType,
            String specName,
            String specSha256,
            Instant startedAt,
            Instant certifiedAt,
            String verdict,
            String source) {}

    /** Every certification, grouped by node and spec, each group oldest measurement first. */
    public List<Certification> certifications() throws StoreException {
        String sql = "SELECT c.cert_id, r.result_id, r.hostname, r.instance_type, c.spec_name, c.spec_sha256,"
                + " r.started_at_ms, c.certified_at_ms, c.verdict, r.source FROM iocert_certification c"
                + " JOIN iocert_result r ON r.result_id = c.result_id"
                + " ORDER BY r.hostname, c.spec_name, r.started_at_ms, c.certified_at_ms";
        List<Certification> out = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(sql);
                ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                out.add(new Certification(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        rs.getString(6),
                        Instant.ofEpochMilli(rs.getLong(7)),
                        Instant.ofEpochMilli(rs.getLong(8)),
                        rs.getString(9),
                        rs.getString(10)));
            }
        } catch (SQLException e) {
            throw failure(location, "read", e);
        }
        return out;
    }

    /** A certification's stored report: its JSON, certificate (or null) and judged statistics. */
    public record StoredReport(
            String certificationId, String reportJson, String certificateJson, List<StoredVerdict> verdicts) {}

    /** Receives stored reports one at a time. */
    public interface ReportVisitor {
        void visit(StoredReport report) throws java.io.IOException;
    }

    /**
     * Every stored report, in certification-id order, one at a time (two cursors merged by id, so a
     * store of any size is walked in constant memory).
     */
    public void forEachReport(ReportVisitor visitor) throws StoreException, java.io.IOException {
        String certs = "SELECT cert_id, report_json, certificate_json FROM iocert_certification ORDER BY cert_id";
        String rows =
                "SELECT v.cert_id, c.result_id, r.hostname, r.started_at_ms, v.requirement_id, v.variant, v.probe,"
                        + " v.metric, v.statistic, v.comparator, v.threshold, v.unit, v.measured, v.ci_low, v.ci_high, v.verdict"
                        + " FROM iocert_verdict v JOIN iocert_certification c ON c.cert_id = v.cert_id"
                        + " JOIN iocert_result r ON r.result_id = c.result_id ORDER BY v.cert_id, v.seq";
        try (PreparedStatement a = connection.prepareStatement(certs);
                PreparedStatement b = connection.prepareStatement(rows);
                ResultSet ca = a.executeQuery();
                ResultSet vb = b.executeQuery()) {
            boolean more = vb.next();
            while (ca.next()) {
                String id = ca.getString(1);
                List<StoredVerdict> list = new ArrayList<>();
                while (more && vb.getString(1).compareTo(id) < 0) {
                    more = vb.next();
                }
                while (more && vb.getString(1).equals(id)) {
                    list.add(new StoredVerdict(
                            id,
                            vb.getString(2),
                            vb.getString(3),
                            Instant.ofEpochMilli(vb.getLong(4)),
                            vb.getString(5),
                            vb.getString(6),
                            vb.getString(7),
                            vb.getString(8),
                            vb.getString(9),
                            vb.getString(10),
                            getDouble(vb, "threshold"),
                            vb.getString(12),
                            getDouble(vb, "measured"),
                            getDouble(vb, "ci_low"),
                            getDouble(vb, "ci_high"),
                            vb.getString(16)));
                    more = vb.next();
                }
                visitor.visit(new StoredReport(id, ca.getString(2), ca.getString(3), list));
            }
        } catch (SQLException e) {
            throw failure(location, "read", e);
        }
    }

    /** A stored result document with what the store knows of it. */
    public record StoredResult(String resultId, Instant startedAt, Result result) {}

    /**
     * The newest stored result of every node of instance type {@code type}, one per hostname,
     * oldest first; only results measured for spec {@code specName} when it is not null.
     */
    public List<StoredResult> latestPerNode(String type, String specName) throws StoreException {
        String sql = "SELECT r.result_id, r.hostname, r.started_at_ms, r.document_gz FROM iocert_result r"
                + " WHERE r.instance_type = ?" + (specName == null ? "" : " AND r.spec_name = ?")
                + " AND r.started_at_ms = (SELECT MAX(q.started_at_ms) FROM iocert_result q"
                + " WHERE q.hostname = r.hostname AND q.instance_type = r.instance_type"
                + (specName == null ? "" : " AND q.spec_name = r.spec_name") + ")"
                + " ORDER BY r.started_at_ms, r.hostname";
        List<StoredResult> out = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, type);
            if (specName != null) {
                s.setString(2, specName);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    if (!seen.add(rs.getString("hostname"))) {
                        continue;
                    }
                    String id = rs.getString("result_id");
                    out.add(new StoredResult(
                            id,
                            Instant.ofEpochMilli(rs.getLong("started_at_ms")),
                            document(id, rs.getBytes("document_gz"))));
                }
            }
        } catch (SQLException e) {
            throw failure(location, "read", e);
        }
        return out;
    }

    private Result document(String id, byte[] gz) throws StoreException {
        try {
            return ResultCodec.fromJson(gunzip(gz), location.display() + " result " + id.substring(0, 12));
        } catch (ResultFormatException | IOException e) {
            throw new StoreException(
                    StoreException.Kind.BAD_INPUT,
                    location.display() + " holds a damaged result " + id.substring(0, 12) + ": " + e.getMessage(),
                    e);
        }
    }

    /** The instance types in the store, with how many nodes each. */
    public Map<String, Integer> instanceTypes() throws StoreException {
        Map<String, Integer> out = new LinkedHashMap<>();
        try (var s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT instance_type,"
                        + " COUNT(DISTINCT hostname) FROM iocert_result WHERE instance_type IS NOT NULL GROUP BY instance_type"
                        + " ORDER BY instance_type")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getInt(2));
            }
        } catch (SQLException e) {
            throw failure(location, "read", e);
        }
        return out;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(data.length / 4 + 64);
        try (GZIPOutputStream z = new GZIPOutputStream(bytes)) {
            z.write(data);
        }
        return bytes.toByteArray();
    }

    static byte[] gunzip(byte[] data) throws IOException {
        try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return z.readAllBytes();
        }
    }

    /** For tests: the raw connection. */
    Connection connection() {
        return connection;
    }

    @Override
    public void close() throws StoreException {
        try {
            if (writer != null) {
                writer.close();
            }
            connection.close();
        } catch (SQLException e) {
            throw failure(location, "close", e);
        }
    }
}
