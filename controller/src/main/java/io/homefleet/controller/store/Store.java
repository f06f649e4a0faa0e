package io.homefleet.controller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homefleet.controller.store.Records.Host;
import io.homefleet.controller.store.Records.IssuedCertificate;
import io.homefleet.controller.store.Records.PlayRecapRow;
import io.homefleet.controller.store.Records.Run;
import io.homefleet.controller.store.Records.RunTask;
import io.homefleet.controller.store.Records.Task;
import io.homefleet.controller.store.Records.Token;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The controller's state in one embedded SQLite file (WAL mode) with numbered schema migrations
 * ({@code V<n>__*.sql} on the class path). One connection, serialised access: SQLite has one
 * writer at a time anyway, and every call here is short.
 */
public final class Store implements AutoCloseable {
  public static final String FILE_NAME = "homefleet.db";
  /** Migrations in order; append, never edit a released one. */
  private static final List<String> MIGRATIONS = List.of("V1__initial.sql", "V2__play_runs.sql", "V3__state.sql",
      "V4__delivery.sql");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Connection db;
  private final Path file;

  private final Map<String, PreparedStatement> statements = new java.util.HashMap<>();

  private Store(Connection db, Path file) {
    this.db = db;
    this.file = file;
  }

  /** Opens (creating if needed) {@code dataDir/homefleet.db} and applies pending migrations. */
  public static Store open(Path dataDir) {
    Path file = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
      try {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA journal_mode=WAL");
          s.execute("PRAGMA synchronous=NORMAL");
          s.execute("PRAGMA foreign_keys=ON");
          s.execute("PRAGMA busy_timeout=5000");
        }
        Store store = new Store(c, file);
        store.migrate();
        return store;
      } catch (SQLException | RuntimeException e) {
        c.close();
        throw e;
      }
    } catch (SQLException | IOException e) {
      throw new StoreException("cannot open the store at " + file + ": " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** The schema version now in force. */
  public synchronized int schemaVersion() {
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
    try (InputStream in = Store.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new StoreException("migration " + name + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StoreException("cannot read migration " + name, e);
    }
  }

  // ------------------------------------------------------------------ tokens

  public synchronized void insertToken(Token t) {
    update("insert token", "INSERT INTO tokens(hash, host, role, labels, created_at, expires_at) VALUES (?,?,?,?,?,?)",
        t.hash(), t.host(), t.role(), json(t.labels()), t.createdAt(), t.expiresAt());
  }

  public synchronized Optional<Token> token(String hash) {
    return queryOne("read token", "SELECT * FROM tokens WHERE hash = ?", Store::token, hash);
  }

  /**
   * Enrollment, all or nothing: marks the token used by {@code publicKeyHash}, revokes the host's
   * earlier certificates, records the issued one and creates (or re-activates) the host. Returns
   * the serials revoked, or empty if another transaction consumed the token first.
   */
  public synchronized Optional<List<String>> consumeTokenAndEnroll(Token token, String publicKeyHash,
      IssuedCertificate cert, long now) {
    return inTransaction("enroll " + token.host(), () -> {
      int n = update("consume token",
          "UPDATE tokens SET used_at = ?, public_key_hash = ?, cert_serial = ? WHERE hash = ? AND used_at IS NULL",
          now, publicKeyHash, cert.serial(), token.hash());
      if (n != 1) {
        return Optional.<List<String>>empty();
      }
      // A new enrollment supersedes every earlier identity of the host (a rebuilt or cloned VM,
      // or a certificate renewed while the host was being revoked).
      List<String> superseded = query("list certificates",
          "SELECT serial FROM certificates WHERE host = ? AND serial NOT IN (SELECT serial FROM revocations)",
          rs -> rs.getString(1), token.host());
      for (String s : superseded) {
        update("revoke", "INSERT INTO revocations(serial, identity, revoked_at, reason) VALUES (?,?,?,?)",
            s, "agent://" + token.host(), now, "superseded by a new enrollment");
      }
      insertCertificate0(cert);
      update("upsert host",
          "INSERT INTO hosts(name, role, labels, enrolled_at) VALUES (?,?,?,?) "
              + "ON CONFLICT(name) DO UPDATE SET role = excluded.role, labels = excluded.labels, "
              + "enrolled_at = excluded.enrolled_at, decommissioned_at = NULL",
          token.host(), token.role(), json(token.labels()), now);
      return Optional.of(superseded);
    });
  }

  // ------------------------------------------------------------ certificates

  public synchronized void insertCertificate(IssuedCertificate c) {
    insertCertificate0(c);
  }

  private void insertCertificate0(IssuedCertificate c) {
    update("insert certificate",
        "INSERT INTO certificates(serial, identity, host, public_key_hash, not_before, not_after, pem, issued_at) "
            + "VALUES (?,?,?,?,?,?,?,?)",
        c.serial(), c.identity(), c.host().orElse(null), c.publicKeyHash(), c.notBefore(), c.notAfter(), c.pem(),
        c.issuedAt());
  }

  /**
   * Records a renewed certificate if, in the same transaction, {@code callerSerial} is still a
   * certificate of that host, not revoked, and the host is not decommissioned.
   */
  public synchronized boolean insertRenewal(IssuedCertificate c, String callerSerial) {
    return inTransaction("renew " + c.host().orElse("?"), () -> {
      boolean current = !query("check renewal",
          "SELECT c.serial FROM certificates c JOIN hosts h ON h.name = c.host WHERE c.serial = ? AND c.host = ? "
              + "AND h.decommissioned_at IS NULL AND c.serial NOT IN (SELECT serial FROM revocations)",
          rs -> rs.getString(1), callerSerial, c.host().orElse("")).isEmpty();
      if (current) {
        insertCertificate0(c);
      }
      return current;
    });
  }

  public synchronized Optional<IssuedCertificate> certificate(String serial) {
    return queryOne("read certificate", "SELECT * FROM certificates WHERE serial = ?", Store::certificate, serial);
  }

  /** The newest certificate issued to {@code host}, if any. */
  public synchronized Optional<IssuedCertificate> latestCertificate(String host) {
    return queryOne("read certificate",
        "SELECT * FROM certificates WHERE host = ? ORDER BY issued_at DESC, rowid DESC LIMIT 1", Store::certificate, host);
  }

  // ------------------------------------------------------------- revocations

  /**
   * Revokes every certificate of {@code host} and marks the host decommissioned, in one
   * transaction. Returns the serials revoked now.
   */
  public synchronized List<String> decommission(String host, String reason, long now) {
    return inTransaction("revoke " + host, () -> {
      List<String> serials = query("list certificates",
          "SELECT serial FROM certificates WHERE host = ? AND serial NOT IN (SELECT serial FROM revocations)",
          rs -> rs.getString(1), host);
      for (String s : serials) {
        update("revoke", "INSERT INTO revocations(serial, identity, revoked_at, reason) VALUES (?,?,?,?)",
            s, "agent://" + host, now, reason);
      }
      update("decommission", "UPDATE hosts SET decommissioned_at = ? WHERE name = ?", now, host);
      return serials;
    });
  }

  public synchronized void revokeSerial(String serial, String identity, String reason, long now) {
    update("revoke", "INSERT OR IGNORE INTO revocations(serial, identity, revoked_at, reason) VALUES (?,?,?,?)",
        serial, identity, now, reason);
  }

  public synchronized Set<String> revokedSerials() {
    return new HashSet<>(query("list revocations", "SELECT serial FROM revocations", rs -> rs.getString(1)));
  }

  // ------------------------------------------------------------------- hosts

  public synchronized Optional<Host> host(String name) {
    return queryOne("read host", "SELECT * FROM hosts WHERE name = ?", Store::host, name);
  }

  public synchronized List<Host> hosts() {
    return query("list hosts", "SELECT * FROM hosts ORDER BY name", Store::host);
  }

  /**
   * The hosts without their facts (empty): what choosing a run's targets needs, without reading
   * every host's facts at every run's start.
   */
  public synchronized List<Host> hostsWithoutFacts() {
    return query("list hosts", "SELECT name, role, labels, NULL AS facts, agent_version, enrolled_at, last_seen, "
        + "decommissioned_at FROM hosts ORDER BY name", Store::host);
  }

  /** Records what an agent said in its hello. */
  public synchronized void recordHello(String name, byte[] facts, String agentVersion, Map<String, String> labels, long now) {
    update("record hello", "UPDATE hosts SET facts = ?, agent_version = ?, labels = ?, last_seen = ? WHERE name = ?",
        facts, agentVersion, json(labels), now, name);
  }

  /** Moves the host's last-seen time forward to {@code now} (never back: batched writes may land late). */
  public synchronized void recordSeen(String name, long now) {
    update("record last seen", "UPDATE hosts SET last_seen = ? WHERE name = ? AND (last_seen IS NULL OR last_seen < ?)",
        now, name, now);
  }

  /**
   * Runs {@code body} — calls to this store's single-statement methods — as one transaction.
   * Not for methods that open transactions of their own.
   */
  public synchronized void atomically(Runnable body) {
    inTransaction("batch", () -> {
      body.run();
      return null;
    });
  }

  // -------------------------------------------------------------------- runs

  /** Stores a run and its tasks together. */
  public synchronized void insertRun(Run run, List<Task> tasks) {
    inTransaction("insert run " + run.id(), () -> {
      update("insert run",
          "INSERT INTO runs(id, kind, target, module, args, state, requested_by, created_at) VALUES (?,?,?,?,?,?,?,?)",
          run.id(), run.kind(), run.target(), run.module(), run.args(), run.state(), run.requestedBy(), run.createdAt());
      for (Task t : tasks) {
        update("insert task", "INSERT INTO tasks(id, run_id, host, state, msg, timeout_s, check_mode, expires_at) "
            + "VALUES (?,?,?,?,?,?,?,?)", t.id(), t.runId(), t.host(), t.state(), t.msg(), t.timeoutSeconds(),
            t.checkMode() ? 1 : 0, t.expiresAt().orElse(null));
      }
      return null;
    });
  }

  /** Moves an open task forward (queued, sent, running); never backwards and never out of a final state. */
  public synchronized void markTask(String taskId, String state, Long startedAt) {
    update("update task", "UPDATE tasks SET state = ?, started_at = COALESCE(?, started_at) WHERE id = ? "
        + "AND finished_at IS NULL AND (state = 'queued' OR (state = 'sent' AND ? = 'running'))",
        state, startedAt, taskId, state);
  }

  /** Records a task's final result; returns false when it already had one (a duplicate report). */
  public synchronized boolean finishTask(String taskId, String state, Integer rc, String stdout, String stderr,
      String msg, Long startedAt, long finishedAt) {
    return update("finish task",
        "UPDATE tasks SET state = ?, rc = ?, stdout = ?, stderr = ?, msg = ?, started_at = COALESCE(?, started_at), "
            + "finished_at = ? WHERE id = ? AND finished_at IS NULL",
        state, rc, stdout, stderr, msg, startedAt, finishedAt, taskId) == 1;
  }

  /**
   * Records the result an agent reported late, after the controller had closed the task on its
   * own (unreachable, timed out): what the host says it did beats what the controller guessed.
   * Returns true when the task exists (whether or not this report changed it), so the agent may
   * stop re-sending it.
   */
  public synchronized boolean recordLateResult(String taskId, String state, Integer rc, String stdout, String stderr,
      String msg, Long startedAt, long finishedAt) {
    return inTransaction("record late result", () -> {
      int n = update("record late result",
          "UPDATE tasks SET state = ?, rc = ?, stdout = ?, stderr = ?, msg = ?, started_at = COALESCE(?, started_at), "
              + "finished_at = ? WHERE id = ? AND (finished_at IS NULL OR state IN ('unreachable', 'timed_out'))",
          state, rc, stdout, stderr, msg, startedAt, finishedAt, taskId);
      if (n == 1) {
        update("refresh run state",
            "UPDATE runs SET state = CASE WHEN EXISTS (SELECT 1 FROM tasks t WHERE t.run_id = runs.id AND t.state NOT IN "
                + "('ok', 'changed', 'skipped')) THEN 'failed' ELSE 'succeeded' END "
                + "WHERE id = (SELECT run_id FROM tasks WHERE id = ?) AND finished_at IS NOT NULL", taskId);
      }
      return n == 1 || !query("find task", "SELECT id FROM tasks WHERE id = ?", rs -> rs.getString(1), taskId).isEmpty();
    });
  }

  public synchronized void finishRun(String runId, String state, long finishedAt) {
    update("finish run", "UPDATE runs SET state = ?, finished_at = ? WHERE id = ?", state, finishedAt, runId);
  }

  /**
   * After a controller restart, playbook runs that were in flight cannot go on (their batches and
   * facts lived in the old process): their open tasks become {@code unreachable} with a message
   * saying why, and the runs {@code failed}. Ad-hoc runs are not touched: their open tasks are
   * delivered again ({@link #openAdhocTasks}).
   */
  public synchronized int closeInterruptedRuns(long now) {
    return inTransaction("close interrupted runs", () -> {
      int n = update("close tasks",
          "UPDATE tasks SET state = 'unreachable', msg = 'the controller stopped before the result arrived', "
              + "finished_at = ? WHERE finished_at IS NULL AND run_id IN (SELECT id FROM runs WHERE kind <> 'adhoc')", now);
      update("close runs", "UPDATE runs SET state = 'failed', finished_at = ? WHERE finished_at IS NULL AND kind <> 'adhoc'",
          now);
      return n;
    });
  }

  /** The open tasks of unfinished ad-hoc runs, oldest first: work to deliver again after a restart. */
  public synchronized List<Task> openAdhocTasks() {
    return query("list open tasks", "SELECT t.* FROM tasks t JOIN runs r ON r.id = t.run_id "
        + "WHERE r.kind = 'adhoc' AND r.finished_at IS NULL AND t.finished_at IS NULL ORDER BY t.rowid", Store::task);
  }

  /** Unfinished ad-hoc runs. */
  public synchronized List<Run> openAdhocRuns() {
    return query("list open runs", "SELECT * FROM runs WHERE kind = 'adhoc' AND finished_at IS NULL ORDER BY created_at",
        Store::run);
  }

  public synchronized List<Run> runs(int limit) {
    return query("list runs", "SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?", Store::run, limit);
  }

  /** How many runs the store holds in each state. */
  public synchronized Map<String, Long> runCountsByState() {
    Map<String, Long> m = new java.util.TreeMap<>();
    query("count runs", "SELECT state, COUNT(*) FROM runs GROUP BY state",
        rs -> m.put(rs.getString(1), rs.getLong(2)));
    return m;
  }

  public synchronized Optional<Run> run(String id) {
    return queryOne("read run", "SELECT * FROM runs WHERE id = ?", Store::run, id);
  }

  public synchronized List<Task> tasks(String runId) {
    return query("list tasks", "SELECT * FROM tasks WHERE run_id = ? ORDER BY host", Store::task, runId);
  }

  // ------------------------------------------------------------ playbook runs

  public synchronized void insertRunTask(RunTask t) {
    update("insert run task", "INSERT INTO run_tasks(run_id, seq, play_index, host, task_path, task_name, location, "
        + "handler, status, ignored, result, diffs, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        t.runId(), t.seq(), t.playIndex(), t.host(), t.taskPath(), t.taskName(), t.location(), t.handler() ? 1 : 0,
        t.status(), t.ignored() ? 1 : 0, t.result(), t.diffs(), t.finishedAt());
  }

  public synchronized void insertPlayRecap(PlayRecapRow r) {
    update("insert play recap", "INSERT OR REPLACE INTO play_recaps(run_id, play_index, host, ok, changed, unreachable, "
        + "failed, skipped, rescued, ignored, end_state, msg) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        r.runId(), r.playIndex(), r.host(), r.ok(), r.changed(), r.unreachable(), r.failed(), r.skipped(),
        r.rescued(), r.ignored(), r.end(), r.msg());
  }

  /** A host's part in one play of a playbook run, as a finished row of {@code tasks} (what {@code runs} counts). */
  public synchronized void insertRunHostTask(String id, String runId, String host, String state, String msg,
      long finishedAt) {
    update("insert play host", "INSERT OR REPLACE INTO tasks(id, run_id, host, state, msg, finished_at) VALUES (?,?,?,?,?,?)",
        id, runId, host, state, msg, finishedAt);
  }

  /**
   * A host's part in one play of a playbook run, open (queued) until it ends: so that it is listed
   * while it waits, closed by {@link #closeInterruptedRuns} after a restart, and known when its recap
   * arrives late. {@code expiresAt}: the end of its queue time, null for none.
   */
  public synchronized void openRunHostTask(String id, String runId, String host, Long expiresAt) {
    update("open play host", "INSERT OR IGNORE INTO tasks(id, run_id, host, state, expires_at) VALUES (?,?,?,'queued',?)",
        id, runId, host, expiresAt);
  }

  /** The playbook run a host part {@code taskId} of {@code host} belongs to; empty when there is no such part. */
  public synchronized Optional<String> playRunOfTask(String taskId, String host) {
    return queryOne("find play host", "SELECT t.run_id FROM tasks t JOIN runs r ON r.id = t.run_id "
        + "WHERE t.id = ? AND t.host = ? AND r.kind = 'play'", rs -> rs.getString(1), taskId, host);
  }

  /**
   * Records the end of a host's part that its agent reported late (after a controller restart or
   * a disconnect), replacing what the controller guessed ({@code unreachable}) or closing it if
   * still open; returns false when the part already had a real end (a repeated recap). The run's
   * own state stays: the plays after this one did not run for the host.
   */
  public synchronized boolean recordLatePlayHost(String taskId, String state, String msg, long finishedAt) {
    return update("record late play host", "UPDATE tasks SET state = ?, msg = ?, finished_at = ? WHERE id = ? "
        + "AND (finished_at IS NULL OR state = 'unreachable')", state, msg, finishedAt, taskId) == 1;
  }

  /** A playbook run's task results, in the order they arrived. */
  public synchronized List<RunTask> runTasks(String runId) {
    return query("list run tasks", "SELECT * FROM run_tasks WHERE run_id = ? ORDER BY seq", rs -> new RunTask(
        rs.getString("run_id"), rs.getInt("seq"), rs.getInt("play_index"), rs.getString("host"),
        rs.getString("task_path"), rs.getString("task_name"), rs.getString("location"), rs.getInt("handler") != 0,
        rs.getString("status"), rs.getInt("ignored") != 0, rs.getString("result"), rs.getString("diffs"),
        rs.getLong("finished_at")), runId);
  }

  /** A playbook run's recaps, by play then host. */
  public synchronized List<PlayRecapRow> playRecaps(String runId) {
    return query("list play recaps", "SELECT * FROM play_recaps WHERE run_id = ? ORDER BY play_index, host",
        rs -> new PlayRecapRow(rs.getString("run_id"), rs.getInt("play_index"), rs.getString("host"), rs.getInt("ok"),
            rs.getInt("changed"), rs.getInt("unreachable"), rs.getInt("failed"), rs.getInt("skipped"),
            rs.getInt("rescued"), rs.getInt("ignored"), rs.getString("end_state"), rs.getString("msg")), runId);
  }

  // ----------------------------------------------------------- desired state

  /**
   * Stores {@code version} with its files unless a version with that address exists, and makes it
   * current with a history entry, in one transaction. Returns the entry's sequence number.
   */
  public synchronized long insertStateVersion(StateRecords.Version v, String action, long at) {
    return inTransaction("store state version " + v.version(), () -> {
      if (query("find state version", "SELECT version FROM state_versions WHERE version = ?", rs -> rs.getString(1),
          v.version()).isEmpty()) {
        update("insert state version", "INSERT INTO state_versions(version, created_at, created_by, source) "
            + "VALUES (?,?,?,?)", v.version(), v.createdAt(), v.createdBy(), v.source());
        for (Map.Entry<String, byte[]> f : v.files().entrySet()) {
          update("insert state file", "INSERT INTO state_files(version, path, content) VALUES (?,?,?)", v.version(),
              f.getKey(), f.getValue());
        }
      }
      update("insert state history", "INSERT INTO state_history(version, action, at, by, source) VALUES (?,?,?,?,?)",
          v.version(), action, at, v.createdBy(), v.source());
      return query("read history seq", "SELECT last_insert_rowid()", rs -> rs.getLong(1)).get(0);
    });
  }

  /** The newest history entry: the version in force. */
  public synchronized Optional<StateRecords.HistoryEntry> currentState() {
    return queryOne("read current state", "SELECT * FROM state_history ORDER BY seq DESC LIMIT 1", Store::historyEntry);
  }

  public synchronized List<StateRecords.HistoryEntry> stateHistory(int limit) {
    return query("list state history", "SELECT * FROM state_history ORDER BY seq DESC LIMIT ?", Store::historyEntry,
        limit);
  }

  /** The versions whose address starts with {@code prefix} (a full address or an abbreviation). */
  public synchronized List<String> stateVersionsLike(String prefix) {
    return query("find state versions", "SELECT version FROM state_versions WHERE substr(version, 1, ?) = ? "
        + "ORDER BY version LIMIT 10", rs -> rs.getString(1), prefix.length(), prefix);
  }

  /** A version, with its files' contents when {@code withFiles} (else each file's content is empty). */
  public synchronized Optional<StateRecords.Version> stateVersion(String version, boolean withFiles) {
    Optional<Object[]> row = queryOne("read state version", "SELECT created_at, created_by, source FROM state_versions "
        + "WHERE version = ?", rs -> new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)}, version);
    if (row.isEmpty()) {
      return Optional.empty();
    }
    Map<String, byte[]> files = new java.util.TreeMap<>();
    for (Object[] f : query("read state files", "SELECT path, " + (withFiles ? "content" : "X''")
        + " FROM state_files WHERE version = ? ORDER BY path", rs -> new Object[] {rs.getString(1), rs.getBytes(2)},
        version)) {
      files.put((String) f[0], f[1] == null ? new byte[0] : (byte[]) f[1]);
    }
    Object[] r = row.get();
    return Optional.of(new StateRecords.Version(version, (Long) r[0], (String) r[1], (String) r[2], files));
  }

  public synchronized void insertConvergence(StateRecords.Convergence c) {
    update("insert convergence", "INSERT INTO convergence(run_id, host, version, mode, trigger, status, changed, msg, "
        + "started_at, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?)", c.runId(), c.host(), c.version(), c.mode(),
        c.trigger(), c.status(), c.changed(), c.msg(), c.startedAt(), c.finishedAt().orElse(null));
  }

  public synchronized void finishConvergence(String runId, String status, int changed, String msg, long finishedAt) {
    update("finish convergence", "UPDATE convergence SET status = ?, changed = ?, msg = ?, finished_at = ? "
        + "WHERE run_id = ?", status, changed, msg, finishedAt, runId);
  }

  /** A host's convergences, newest first. */
  public synchronized List<StateRecords.Convergence> convergences(String host, int limit) {
    return query("list convergences", "SELECT * FROM convergence WHERE host = ? ORDER BY started_at DESC, rowid DESC "
        + "LIMIT ?", Store::convergence, host, limit);
  }

  /** Convergences the controller stopped in the middle of (no finish recorded) become failed. */
  public synchronized int closeInterruptedConvergences(long now) {
    return update("close convergences", "UPDATE convergence SET status = 'failed', msg = 'the controller stopped "
        + "during the convergence', finished_at = ? WHERE finished_at IS NULL", now);
  }

  /** Remembers a schedule from the time it first appears in a current version; no-op afterwards. */
  public synchronized void seeSchedule(String name, long now) {
    update("see schedule", "INSERT OR IGNORE INTO schedule_runs(name, first_seen_at) VALUES (?,?)", name, now);
  }

  public synchronized void recordScheduleRun(String name, long at, String runId, String state) {
    update("record schedule run", "UPDATE schedule_runs SET last_at = ?, last_run_id = ?, last_state = ? "
        + "WHERE name = ?", at, runId, state, name);
  }

  public synchronized void recordScheduleState(String runId, String state) {
    update("record schedule state", "UPDATE schedule_runs SET last_state = ? WHERE last_run_id = ?", state, runId);
  }

  public synchronized Optional<StateRecords.ScheduleRun> scheduleRun(String name) {
    return queryOne("read schedule", "SELECT * FROM schedule_runs WHERE name = ?", rs -> new StateRecords.ScheduleRun(
        rs.getString("name"), rs.getLong("first_seen_at"), optLong(rs, "last_at"),
        Optional.ofNullable(rs.getString("last_run_id")), Optional.ofNullable(rs.getString("last_state"))), name);
  }

  private static StateRecords.HistoryEntry historyEntry(ResultSet rs) throws SQLException {
    return new StateRecords.HistoryEntry(rs.getLong("seq"), rs.getString("version"), rs.getString("action"),
        rs.getLong("at"), rs.getString("by"), rs.getString("source"));
  }

  private static StateRecords.Convergence convergence(ResultSet rs) throws SQLException {
    return new StateRecords.Convergence(rs.getString("run_id"), rs.getString("host"), rs.getString("version"),
        rs.getString("mode"), rs.getString("trigger"), rs.getString("status"), rs.getInt("changed"),
        rs.getString("msg"), rs.getLong("started_at"), optLong(rs, "finished_at"));
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

  // ----------------------------------------------------------------- mapping

  private static Token token(ResultSet rs) throws SQLException {
    return new Token(rs.getString("hash"), rs.getString("host"), rs.getString("role"), labels(rs.getString("labels")),
        rs.getLong("created_at"), rs.getLong("expires_at"), optLong(rs, "used_at"),
        Optional.ofNullable(rs.getString("public_key_hash")), Optional.ofNullable(rs.getString("cert_serial")));
  }

  private static IssuedCertificate certificate(ResultSet rs) throws SQLException {
    return new IssuedCertificate(rs.getString("serial"), rs.getString("identity"), Optional.ofNullable(rs.getString("host")),
        rs.getString("public_key_hash"), rs.getLong("not_before"), rs.getLong("not_after"), rs.getString("pem"),
        rs.getLong("issued_at"));
  }

  private static Host host(ResultSet rs) throws SQLException {
    byte[] facts = rs.getBytes("facts");
    return new Host(rs.getString("name"), rs.getString("role"), labels(rs.getString("labels")),
        facts == null ? new byte[0] : facts, rs.getString("agent_version"), rs.getLong("enrolled_at"),
        optLong(rs, "last_seen"), optLong(rs, "decommissioned_at"));
  }

  private static Run run(ResultSet rs) throws SQLException {
    return new Run(rs.getString("id"), rs.getString("kind"), rs.getString("target"), rs.getString("module"),
        rs.getString("args"), rs.getString("state"), rs.getString("requested_by"), rs.getLong("created_at"),
        optLong(rs, "finished_at"));
  }

  private static Task task(ResultSet rs) throws SQLException {
    int rc = rs.getInt("rc");
    Optional<Integer> rcOpt = rs.wasNull() ? Optional.empty() : Optional.of(rc);
    return new Task(rs.getString("id"), rs.getString("run_id"), rs.getString("host"), rs.getString("state"), rcOpt,
        nz(rs.getString("stdout")), nz(rs.getString("stderr")), nz(rs.getString("msg")), optLong(rs, "started_at"),
        optLong(rs, "finished_at"), rs.getInt("timeout_s"), rs.getInt("check_mode") != 0, optLong(rs, "expires_at"));
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static Optional<Long> optLong(ResultSet rs, String col) throws SQLException {
    long v = rs.getLong(col);
    return rs.wasNull() ? Optional.empty() : Optional.of(v);
  }

  private static String json(Map<String, String> labels) {
    try {
      return JSON.writeValueAsString(labels);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> labels(String json) {
    try {
      return json == null ? Map.of() : JSON.readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (JsonProcessingException e) {
      throw new StoreException("corrupt labels column: " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------- jdbc

  @FunctionalInterface
  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  @FunctionalInterface
  private interface Work<T> {
    T run();
  }

  private <T> T inTransaction(String what, Work<T> work) {
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

  private int update(String what, String sql, Object... args) {
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

  private <T> List<T> query(String what, String sql, Row<T> row, Object... args) {
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

  private <T> Optional<T> queryOne(String what, String sql, Row<T> row, Object... args) {
    List<T> all = query(what, sql, row, args);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /**
   * The statement for {@code sql}, prepared once per connection and reused: SQLite compiles a
   * statement in about as long as it takes to run a small one, and a fan-out to a thousand hosts
   * writes each of a handful of statements a thousand times. Callers hold the store's lock.
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
