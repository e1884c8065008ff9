package org.understudy.events;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.understudy.model.ActorFace;
import org.understudy.model.EventEntry;
import org.understudy.model.EventKind;
import org.understudy.model.EventQuery;

/**
 * The only class that speaks SQL: the event log in an embedded Apache Derby database. The SQL is plain (no Derby
 * procedures or types) so another embedded store can replace this class alone.
 *
 * <p>Durability: every {@link #insert} is one transaction committed with Derby's default durability (the log is
 * synced at commit), so a returned id survives SIGKILL of the process. Time is stored as epoch milliseconds so the
 * rows do not depend on the JVM's time zone.
 *
 * <p>{@code derby.log}: Derby writes its diagnostic log where {@code derby.stream.error.file} says, read once when the
 * engine boots in this JVM. {@link #open} sets it to {@code <stateDir>/derby.log}, and {@code derby.system.home} to the
 * state directory, before its first JDBC call unless the launcher already set them (first opener wins: a node has one
 * state directory), so the file never lands in the working directory.
 *
 * <p>Not thread-safe: one connection; the caller serialises.
 */
final class DerbyEventStore implements EventStore {
    private static final Logger LOG = LogManager.getLogger(DerbyEventStore.class);

    static final String ERROR_FILE_PROPERTY = "derby.stream.error.file";
    static final String SYSTEM_HOME_PROPERTY = "derby.system.home";
    private static final String SQLSTATE_ANOTHER_JVM = "XSDB6";
    private static final String SQLSTATE_DB_SHUTDOWN = "08006";

    private static final int MESSAGE_MAX = RowLimits.MESSAGE_MAX;
    private static final int DETAILS_MAX = RowLimits.DETAILS_MAX;
    private static final int SHORT_MAX = RowLimits.SHORT_MAX;

    private static final String CREATE_TABLE = "CREATE TABLE events ("
            + "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            + "time_ms BIGINT NOT NULL, "
            + "kind VARCHAR(32) NOT NULL, "
            + "primary_name VARCHAR(256), "
            + "resource VARCHAR(256), "
            + "actor VARCHAR(256), "
            + "face VARCHAR(16), "
            + "outcome VARCHAR(256), "
            + "message VARCHAR(2000) NOT NULL, "
            + "details VARCHAR(32000))";
    private static final String[] CREATE_INDEXES = {
        "CREATE INDEX events_time ON events (time_ms)",
        "CREATE INDEX events_primary ON events (primary_name, id)",
        "CREATE INDEX events_kind ON events (kind, id)",
    };
    private static final String INSERT = "INSERT INTO events "
            + "(time_ms, kind, primary_name, resource, actor, face, outcome, message, details) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String COLUMNS =
            "id, time_ms, kind, primary_name, resource, actor, face, outcome, message, details";

    private final Path dir;
    private final String url;
    private final Connection conn;
    private final PreparedStatement insert;

    private DerbyEventStore(Path dir, String url, Connection conn) throws SQLException {
        this.dir = dir;
        this.url = url;
        this.conn = conn;
        this.insert = conn.prepareStatement(INSERT, Statement.RETURN_GENERATED_KEYS);
    }

    /**
     * Opens (creating if absent) the database in {@code dbDir}, with {@code derby.log} next to it.
     *
     * @throws EventLogException naming the directory when another process holds it or it cannot be opened
     */
    static DerbyEventStore open(Path dbDir) {
        Path dir = dbDir.toAbsolutePath().normalize();
        String path = dir.toString();
        if (path.contains(";") || path.contains("\"")) {
            throw new EventLogException("event log directory " + path + " contains ';' or '\"', which the Derby"
                    + " JDBC URL cannot carry; choose another state directory");
        }
        try {
            Files.createDirectories(dir.getParent());
        } catch (IOException e) {
            throw new EventLogException("cannot create the state directory " + dir.getParent() + ": " + e, e);
        }
        directDerbyLog(dir.getParent());
        String url = "jdbc:derby:" + path;
        Connection conn = null;
        try {
            conn = DriverManager.getConnection(url + ";create=true");
            conn.setAutoCommit(true);
            createSchemaIfAbsent(conn);
            LOG.info("event log: opened Derby database {} ({}={})", dir, ERROR_FILE_PROPERTY,
                    System.getProperty(ERROR_FILE_PROPERTY));
            return new DerbyEventStore(dir, url, conn);
        } catch (SQLException e) {
            closeQuietly(conn);
            throw openFailure(dir, e);
        }
    }

    /** Sends Derby's own log into the state directory unless someone already chose where it goes. */
    static void directDerbyLog(Path stateDir) {
        synchronized (System.class) {
            if (System.getProperty(ERROR_FILE_PROPERTY) == null) {
                if (System.getProperty(SYSTEM_HOME_PROPERTY) == null) {
                    // derby.properties, if an operator ever needs one, is looked up here too
                    System.setProperty(SYSTEM_HOME_PROPERTY, stateDir.toString());
                }
                System.setProperty(ERROR_FILE_PROPERTY, stateDir.resolve("derby.log").toString());
                // keep earlier boots' diagnostics instead of truncating them at every start
                System.setProperty("derby.infolog.append", "true");
            }
        }
    }

    private static EventLogException openFailure(Path dir, SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                if (SQLSTATE_ANOTHER_JVM.equals(s.getSQLState())) {
                    return new EventLogException("event log database " + dir + " is in use by another process"
                            + " (another Understudy node or CLI holds it); stop that process or use its admin API."
                            + " Derby said: " + s.getMessage(), e);
                }
                for (SQLException n = s.getNextException(); n != null; n = n.getNextException()) {
                    if (SQLSTATE_ANOTHER_JVM.equals(n.getSQLState())) {
                        return new EventLogException("event log database " + dir + " is in use by another process"
                                + " (another Understudy node or CLI holds it); stop that process or use its admin"
                                + " API. Derby said: " + n.getMessage(), e);
                    }
                }
            }
        }
        return new EventLogException("cannot open the event log database " + dir + " (SQLState " + e.getSQLState()
                + "): " + e.getMessage() + "; if it is damaged, move the directory aside and the node will start a"
                + " new log", e);
    }

    private static void createSchemaIfAbsent(Connection conn) throws SQLException {
        try (ResultSet rs = conn.getMetaData().getTables(null, null, "EVENTS", new String[] {"TABLE"})) {
            if (rs.next()) {
                return;
            }
        }
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            st.executeUpdate(CREATE_TABLE);
            for (String ddl : CREATE_INDEXES) {
                st.executeUpdate(ddl);
            }
            conn.commit();
        } catch (SQLException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(true);
        }
    }

    @Override
    public long[] insert(List<EventEntry> entries) {
        long[] ids = new long[entries.size()];
        try {
            conn.setAutoCommit(entries.size() == 1);
            for (int i = 0; i < ids.length; i++) {
                ids[i] = insertOne(entries.get(i));
            }
            if (entries.size() != 1) {
                conn.commit();
            }
            return ids;
        } catch (SQLException e) {
            rollbackQuietly();
            throw new EventLogException("cannot write to the event log database " + dir + ": " + e.getMessage(), e);
        }
    }

    private long insertOne(EventEntry e) throws SQLException {
        insert.setLong(1, e.time().toEpochMilli());
        insert.setString(2, e.kind().name());
        setText(3, e.primary(), SHORT_MAX);
        setText(4, e.resource(), SHORT_MAX);
        setText(5, e.actor(), SHORT_MAX);
        setText(6, e.face() == null ? null : e.face().name(), SHORT_MAX);
        setText(7, e.outcome(), SHORT_MAX);
        setText(8, e.message(), MESSAGE_MAX);
        setText(9, RowLimits.details(e), DETAILS_MAX);
        insert.executeUpdate();
        try (ResultSet keys = insert.getGeneratedKeys()) {
            if (!keys.next()) {
                throw new SQLException("no identity returned for an inserted event row");
            }
            return keys.getLong(1);
        }
    }

    private void setText(int index, String value, int max) throws SQLException {
        if (value == null) {
            insert.setNull(index, Types.VARCHAR);
        } else {
            insert.setString(index, RowLimits.cut(value, max));
        }
    }

    @Override
    public List<EventEntry> query(EventQuery q) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM events WHERE 1=1");
        List<Object> args = new ArrayList<>();
        if (q.since() != null) {
            sql.append(" AND time_ms >= ?");
            args.add(q.since().toEpochMilli());
        }
        if (q.primary() != null) {
            sql.append(" AND primary_name = ?");
            args.add(q.primary());
        }
        if (q.kind() != null) {
            sql.append(" AND kind = ?");
            args.add(q.kind().name());
        }
        if (q.actor() != null) {
            sql.append(" AND actor = ?");
            args.add(q.actor());
        }
        if (q.beforeId() > 0) {
            sql.append(" AND id < ?");
            args.add(q.beforeId());
        }
        sql.append(q.order() == EventQuery.Order.NEWEST_FIRST ? " ORDER BY id DESC" : " ORDER BY id ASC");
        sql.append(" FETCH FIRST ").append(q.limit()).append(" ROWS ONLY");
        try {
            conn.setAutoCommit(true);
            try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    ps.setObject(i + 1, args.get(i));
                }
                List<EventEntry> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(row(rs));
                    }
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new EventLogException("cannot read the event log database " + dir + ": " + e.getMessage(), e);
        }
    }

    private static EventEntry row(ResultSet rs) throws SQLException {
        String face = rs.getString(7);
        return new EventEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)), EventKind.valueOf(rs.getString(3)),
                rs.getString(4), rs.getString(5), rs.getString(6), face == null ? null : ActorFace.valueOf(face),
                rs.getString(8), rs.getString(9), rs.getString(10));
    }

    @Override
    public int deleteOlderThan(Instant cutoff) {
        return update("DELETE FROM events WHERE time_ms < ?", cutoff.toEpochMilli());
    }

    @Override
    public int keepNewest(long keep) {
        long boundary;
        try {
            conn.setAutoCommit(true);
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT id FROM events ORDER BY id DESC OFFSET ? ROWS FETCH NEXT 1 ROWS ONLY")) {
                ps.setLong(1, keep);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return 0;
                    }
                    boundary = rs.getLong(1);
                }
            }
        } catch (SQLException e) {
            throw new EventLogException("cannot read the event log database " + dir + ": " + e.getMessage(), e);
        }
        return update("DELETE FROM events WHERE id <= ?", boundary);
    }

    @Override
    public long count() {
        try {
            conn.setAutoCommit(true);
            try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM events")) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new EventLogException("cannot read the event log database " + dir + ": " + e.getMessage(), e);
        }
    }

    private int update(String sql, long arg) {
        try {
            conn.setAutoCommit(true);
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
                ps.setLong(1, arg);
                return ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new EventLogException("cannot write to the event log database " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Closes the connection and shuts this database down (not the whole Derby engine: other users may remain). */
    @Override
    public void close() {
        closeQuietly(insert);
        closeQuietly(conn);
        try {
            DriverManager.getConnection(url + ";shutdown=true").close();
            LOG.warn("event log: Derby did not confirm the shutdown of {}", dir);
        } catch (SQLException e) {
            if (SQLSTATE_DB_SHUTDOWN.equals(e.getSQLState())) {
                LOG.info("event log: Derby database {} shut down cleanly", dir);
            } else {
                LOG.warn("event log: shutting down Derby database {} failed: {} (SQLState {})", dir, e.getMessage(),
                        e.getSQLState());
            }
        }
    }

    private void rollbackQuietly() {
        try {
            if (!conn.getAutoCommit()) {
                conn.rollback();
            }
        } catch (SQLException e) {
            LOG.warn("event log: rollback on {} failed: {}", dir, e.getMessage());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.debug("event log: close failed: {}", e.toString());
        }
    }
}
