package io.homefleet.controller.store;

import static io.homefleet.controller.store.Columns.optLong;

import io.homefleet.controller.store.StateRecords.Convergence;
import io.homefleet.controller.store.StateRecords.HistoryEntry;
import io.homefleet.controller.store.StateRecords.ScheduleRun;
import io.homefleet.controller.store.StateRecords.Version;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The desired state's records: content-addressed versions with their files, the history of which
 * version was in force, each host's convergences to it, and what the schedules last did.
 */
public final class StateStore {
  private final Database db;

  StateStore(Database db) {
    this.db = db;
  }

  /**
   * Stores {@code version} with its files unless a version with that address exists, and makes it
   * current with a history entry, in one transaction. Returns the entry's sequence number.
   */
  public long insertVersion(Version v, String action, long at) {
    return db.inTransaction("store state version " + v.version(), () -> {
      if (db.query("find state version", "SELECT version FROM state_versions WHERE version = ?", rs -> rs.getString(1),
          v.version()).isEmpty()) {
        db.update("insert state version", "INSERT INTO state_versions(version, created_at, created_by, source) "
            + "VALUES (?,?,?,?)", v.version(), v.createdAt(), v.createdBy(), v.source());
        for (Map.Entry<String, byte[]> f : v.files().entrySet()) {
          db.update("insert state file", "INSERT INTO state_files(version, path, content) VALUES (?,?,?)", v.version(),
              f.getKey(), f.getValue());
        }
      }
      db.update("insert state history", "INSERT INTO state_history(version, action, at, by, source) VALUES (?,?,?,?,?)",
          v.version(), action, at, v.createdBy(), v.source());
      return db.query("read history seq", "SELECT last_insert_rowid()", rs -> rs.getLong(1)).get(0);
    });
  }

  /** The newest history entry: the version in force. */
  public Optional<HistoryEntry> current() {
    return db.queryOne("read current state", "SELECT * FROM state_history ORDER BY seq DESC LIMIT 1",
        StateStore::historyEntry);
  }

  public List<HistoryEntry> history(int limit) {
    return db.query("list state history", "SELECT * FROM state_history ORDER BY seq DESC LIMIT ?",
        StateStore::historyEntry, limit);
  }

  /** The versions whose address starts with {@code prefix} (a full address or an abbreviation). */
  public List<String> versionsLike(String prefix) {
    return db.query("find state versions", "SELECT version FROM state_versions WHERE substr(version, 1, ?) = ? "
        + "ORDER BY version LIMIT 10", rs -> rs.getString(1), prefix.length(), prefix);
  }

  /** A version, with its files' contents when {@code withFiles} (else each file's content is empty). */
  public Optional<Version> version(String version, boolean withFiles) {
    // Both reads under the lock, as one call: the version's row and its files, with no write between.
    return db.serialized(() -> {
      Optional<Object[]> row = db.queryOne("read state version", "SELECT created_at, created_by, source "
          + "FROM state_versions WHERE version = ?", rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)},
          version);
      if (row.isEmpty()) {
        return Optional.<Version>empty();
      }
      Map<String, byte[]> files = new TreeMap<>();
      for (Object[] f : db.query("read state files", "SELECT path, " + (withFiles ? "content" : "X''")
          + " FROM state_files WHERE version = ? ORDER BY path", rs -> new Object[] {rs.getString(1), rs.getBytes(2)},
          version)) {
        files.put((String) f[0], f[1] == null ? new byte[0] : (byte[]) f[1]);
      }
      Object[] r = row.get();
      return Optional.of(new Version(version, (Long) r[0], (String) r[1], (String) r[2], files));
    });
  }

  public void insertConvergence(Convergence c) {
    db.update("insert convergence", "INSERT INTO convergence(run_id, host, version, mode, trigger, status, changed, msg, "
        + "started_at, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?)", c.runId(), c.host(), c.version(), c.mode(),
        c.trigger(), c.status(), c.changed(), c.msg(), c.startedAt(), c.finishedAt().orElse(null));
  }

  public void finishConvergence(String runId, String status, int changed, String msg, long finishedAt) {
    db.update("finish convergence", "UPDATE convergence SET status = ?, changed = ?, msg = ?, finished_at = ? "
        + "WHERE run_id = ?", status, changed, msg, finishedAt, runId);
  }

  /** A host's convergences, newest first. */
  public List<Convergence> convergences(String host, int limit) {
    return db.query("list convergences", "SELECT * FROM convergence WHERE host = ? ORDER BY started_at DESC, rowid DESC "
        + "LIMIT ?", StateStore::convergence, host, limit);
  }

  /** Convergences the controller stopped in the middle of (no finish recorded) become failed. */
  public int closeInterruptedConvergences(long now) {
    return db.update("close convergences", "UPDATE convergence SET status = 'failed', msg = 'the controller stopped "
        + "during the convergence', finished_at = ? WHERE finished_at IS NULL", now);
  }

  /** Remembers a schedule from the time it first appears in a current version; no-op afterwards. */
  public void seeSchedule(String name, long now) {
    db.update("see schedule", "INSERT OR IGNORE INTO schedule_runs(name, first_seen_at) VALUES (?,?)", name, now);
  }

  public void recordScheduleRun(String name, long at, String runId, String state) {
    db.update("record schedule run", "UPDATE schedule_runs SET last_at = ?, last_run_id = ?, last_state = ? "
        + "WHERE name = ?", at, runId, state, name);
  }

  public void recordScheduleState(String runId, String state) {
    db.update("record schedule state", "UPDATE schedule_runs SET last_state = ? WHERE last_run_id = ?", state, runId);
  }

  public Optional<ScheduleRun> scheduleRun(String name) {
    return db.queryOne("read schedule", "SELECT * FROM schedule_runs WHERE name = ?", rs -> new ScheduleRun(
        rs.getString("name"), rs.getLong("first_seen_at"), optLong(rs, "last_at"),
        Optional.ofNullable(rs.getString("last_run_id")), Optional.ofNullable(rs.getString("last_state"))), name);
  }

  private static HistoryEntry historyEntry(ResultSet rs) throws SQLException {
    return new HistoryEntry(rs.getLong("seq"), rs.getString("version"), rs.getString("action"),
        rs.getLong("at"), rs.getString("by"), rs.getString("source"));
  }

  private static Convergence convergence(ResultSet rs) throws SQLException {
    return new Convergence(rs.getString("run_id"), rs.getString("host"), rs.getString("version"),
        rs.getString("mode"), rs.getString("trigger"), rs.getString("status"), rs.getInt("changed"),
        rs.getString("msg"), rs.getLong("started_at"), optLong(rs, "finished_at"));
  }
}
