package io.homefleet.controller.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one SQLite connection (WAL mode) under the record stores, its numbered schema migrations
 * ({@code V<n>__*.sql} on the class path), the statements and the transactions. Every call holds
 * this object's lock, so the record stores share one lock as they share the connection; a
 * record-store method of several statements runs them in {@link #inTransaction} or
 * {@link #serialized}, which hold it throughout.
 */
final class Database implements AutoCloseable {
  /** Migrations in order; append, never edit a released one. */
  private static final List<String> MIGRATIONS = List.of("V1__initial.sql", "V2__play_runs.sql", "V3__state.sql",
      "V4__delivery.sql", "V5__adhoc_become_async.sql");

  private final Connection db;
  private final Path file;

  private final Map<String, PreparedStatement> statements = new HashMap<>();

  private Database(Connection db, Path file) {
    this.db = db;
    this.file = file;
  }

  /** Opens (creating if needed) the database {@code file} and applies pending migrations. */
  static Database open(Path file) {
    try {
      Files.createDirectories(file.getParent());
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA journal_mode=WAL");
          s.execute("PRAGMA synchronous=NORMAL");
          s.execute("PRAGMA foreign_keys=ON");
          s.execute("PRAGMA busy_timeout=5000");
        }
        Database database = new Database(c, file);
        database.migrate();
        return database;
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
    } catch (SQLException | IOException e) {
      throw new StoreException("cannot open the store at " + file + ": " + e.getMessage(), e);
    }
  }

  Path file() {
    return file;
  }

  /** The schema version now in force. */
  synchronized int schemaVersion() {
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA user_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    } catch (SQLException e) {
      throw fail("read schema version", e);
    }
  }

  private synchronized void migrate() throws SQLException {
    int current = schemaVersion();
    for (int v = current + 1; v <= MIGRATIONS.size(); v++) {
      String sql = resource(MIGRATIONS.get(v - 1));
      db.setAutoCommit(false);
      try (Statement s = db.createStatement()) {
        for (String stmt : sql.split(";\\s*\\n")) {
          String trimmed = stripComments(stmt).trim();
          if (!trimmed.isEmpty()) {
            s.execute(trimmed);
          }
        }
        s.execute("PRAGMA user_version=" + v);
        db.commit();
      } catch (SQLException e) {
        db.rollback();
        throw new SQLException("migration " + MIGRATIONS.get(v - 1) + " failed: " + e.getMessage(), e);
      } finally {
        db.setAutoCommit(true);
      }
    }
  }

  private static String stripComments(String sql) {
    StringBuilder sb = new StringBuilder();
    for (String line : sql.split("\n")) {
      if (!line.trim().startsWith("--")) {
        sb.append(line).append('\n');
      }
    }
    return sb.toString();
  }

  private static String resource(String name) {
    try (InputStream in = Database.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new StoreException("migration " + name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException("cannot read migration " + name, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      for (PreparedStatement ps : statements.values()) {
        ps.close();
      }
      statements.clear();
      db.close();
    } catch (SQLException e) {
      throw fail("close", e);
    }
  }

  /** Maps the current row of a result set. */
  @FunctionalInterface
  interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** Work of several statements, run under the lock. */
  @FunctionalInterface
  interface Work<T> {
    T run();
  }

  /** Runs {@code work} as one transaction: all of it is committed, or none. */
  synchronized <T> T inTransaction(String what, Work<T> work) {
    try {
      db.setAutoCommit(false);
    } catch (SQLException e) {
      throw fail(what, e);
    }
    try {
      T result = work.run();
      db.commit();
      return result;
    } catch (SQLException e) {
      quietly(db::rollback);
      throw fail(what, e);
    } catch (RuntimeException e) {
      quietly(db::rollback);
      throw e;
    } finally {
      // After a failed commit SQLite may already have rolled back; restoring auto-commit must not
      // replace the real error (a full disk) with "no transaction is active".
      quietly(() -> db.setAutoCommit(true));
    }
  }

  /** Runs {@code work}, statements that need no transaction, with no other call in between. */
  synchronized <T> T serialized(Work<T> work) {
    return work.run();
  }

  @FunctionalInterface
  private interface SqlAction {
    void run() throws SQLException;
  }

  private static void quietly(SqlAction a) {
    try {
      a.run();
    } catch (SQLException ignored) {
      // secondary failure while handling the first
    }
  }

  /** Runs one statement that changes rows; returns how many it changed. */
  synchronized int update(String what, String sql, Object... args) {
    try {
      return prepare(sql, args).executeUpdate();
    } catch (SQLException e) {
      evict(sql);
      throw fail(what, e);
    }
  }

  /**
   * Drops a cached statement after a failure: the driver can leave it unusable ("statement is
   * not executing") after an error such as a full disk, and it must work again once space returns.
   */
  private void evict(String sql) {
    PreparedStatement ps = statements.remove(sql);
    if (ps != null) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // it is being thrown away
      }
    }
  }

  /** Runs one query; returns its rows, mapped. */
  synchronized <T> List<T> query(String what, String sql, Row<T> row, Object... args) {
    try (ResultSet rs = prepare(sql, args).executeQuery()) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(row.map(rs));
      }
      return out;
    } catch (SQLException e) {
      evict(sql);
      throw fail(what, e);
    }
  }

  /** Runs one query; returns its first row, mapped. */
  <T> Optional<T> queryOne(String what, String sql, Row<T> row, Object... args) {
    List<T> all = query(what, sql, row, args);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /**
   * The statement for {@code sql}, prepared once per connection and reused: SQLite compiles a
   * statement in about as long as it takes to run a small one, and a fan-out to a thousand hosts
   * writes each of a handful of statements a thousand times. Callers hold the lock.
   */
  private PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = db.prepareStatement(sql);
      statements.put(sql, ps);
    } else {
      ps.clearParameters();
    }
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        ps.setNull(i + 1, Types.NULL);
      } else if (a instanceof byte[] b) {
        ps.setBytes(i + 1, b);
      } else {
        ps.setObject(i + 1, a);
      }
    }
    return ps;
  }

  private StoreException fail(String what, SQLException e) {
    return new StoreException("store: cannot " + what + " in " + file + ": " + e.getMessage(), e);
  }
}
