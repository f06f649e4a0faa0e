package io.homefleet.controller.store;

import static io.homefleet.controller.store.Columns.optLong;

import io.homefleet.controller.store.Records.PlayRecapRow;
import io.homefleet.controller.store.Records.Run;
import io.homefleet.controller.store.Records.RunTask;
import io.homefleet.controller.store.Records.Task;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs and their tasks: ad-hoc runs with one task per host, playbook runs with a task per host
 * and play (a host's part), their task results and play recaps, and results that arrive late.
 */
public final class RunStore {
  private final Database db;

  RunStore(Database db) {
    this.db = db;
  }

  /** Stores a run and its tasks together. */
  public void insertRun(Run run, List<Task> tasks) {
    db.inTransaction("insert run " + run.id(), () -> {
      db.update("insert run",
          "INSERT INTO runs(id, kind, target, module, args, state, requested_by, created_at, become_user, async_s, poll_s)"
              + " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
          run.id(), run.kind(), run.target(), run.module(), run.args(), run.state(), run.requestedBy(), run.createdAt(),
          run.becomeUser(), run.asyncSeconds(), run.pollSeconds());
      for (Task t : tasks) {
        db.update("insert task", "INSERT INTO tasks(id, run_id, host, state, msg, timeout_s, check_mode, expires_at) "
            + "VALUES (?,?,?,?,?,?,?,?)", t.id(), t.runId(), t.host(), t.state(), t.msg(), t.timeoutSeconds(),
            t.checkMode() ? 1 : 0, t.expiresAt().orElse(null));
      }
      return null;
    });
  }

  /** Moves an open task forward (queued, sent, running); never backwards and never out of a final state. */
  public void markTask(String taskId, String state, Long startedAt) {
    db.update("update task", "UPDATE tasks SET state = ?, started_at = COALESCE(?, started_at) WHERE id = ? "
        + "AND finished_at IS NULL AND (state = 'queued' OR (state = 'sent' AND ? = 'running'))",
        state, startedAt, taskId, state);
  }

  /** Records a task's final result; returns false when it already had one (a duplicate report). */
  public boolean finishTask(String taskId, String state, Integer rc, String stdout, String stderr,
      String msg, Long startedAt, long finishedAt) {
    return db.update("finish task",
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
  public boolean recordLateResult(String taskId, String state, Integer rc, String stdout, String stderr,
      String msg, Long startedAt, long finishedAt) {
    return db.inTransaction("record late result", () -> {
      int n = db.update("record late result",
          "UPDATE tasks SET state = ?, rc = ?, stdout = ?, stderr = ?, msg = ?, started_at = COALESCE(?, started_at), "
              + "finished_at = ? WHERE id = ? AND (finished_at IS NULL OR state IN ('unreachable', 'timed_out'))",
          state, rc, stdout, stderr, msg, startedAt, finishedAt, taskId);
      if (n == 1) {
        db.update("refresh run state",
            "UPDATE runs SET state = CASE WHEN EXISTS (SELECT 1 FROM tasks t WHERE t.run_id = runs.id AND t.state NOT IN "
                + "('ok', 'changed', 'skipped')) THEN 'failed' ELSE 'succeeded' END "
                + "WHERE id = (SELECT run_id FROM tasks WHERE id = ?) AND finished_at IS NOT NULL", taskId);
      }
      return n == 1 || !db.query("find task", "SELECT id FROM tasks WHERE id = ?", rs -> rs.getString(1), taskId).isEmpty();
    });
  }

  public void finishRun(String runId, String state, long finishedAt) {
    db.update("finish run", "UPDATE runs SET state = ?, finished_at = ? WHERE id = ?", state, finishedAt, runId);
  }

  /**
   * After a controller restart, playbook runs that were in flight cannot go on (their batches and
   * facts lived in the old process): their open tasks become {@code unreachable} with a message
   * saying why, and the runs {@code failed}. Ad-hoc runs are not touched: their open tasks are
   * delivered again ({@link #openAdhocTasks}).
   */
  public int closeInterruptedRuns(long now) {
    return db.inTransaction("close interrupted runs", () -> {
      int n = db.update("close tasks",
          "UPDATE tasks SET state = 'unreachable', msg = 'the controller stopped before the result arrived', "
              + "finished_at = ? WHERE finished_at IS NULL AND run_id IN (SELECT id FROM runs WHERE kind <> 'adhoc')",
          now);
      db.update("close runs",
          "UPDATE runs SET state = 'failed', finished_at = ? WHERE finished_at IS NULL AND kind <> 'adhoc'", now);
      return n;
    });
  }

  /** The open tasks of unfinished ad-hoc runs, oldest first: work to deliver again after a restart. */
  public List<Task> openAdhocTasks() {
    return db.query("list open tasks", "SELECT t.* FROM tasks t JOIN runs r ON r.id = t.run_id "
        + "WHERE r.kind = 'adhoc' AND r.finished_at IS NULL AND t.finished_at IS NULL ORDER BY t.rowid", RunStore::task);
  }

  /** Unfinished ad-hoc runs. */
  public List<Run> openAdhocRuns() {
    return db.query("list open runs", "SELECT * FROM runs WHERE kind = 'adhoc' AND finished_at IS NULL ORDER BY created_at",
        RunStore::run);
  }

  /** The newest {@code limit} runs, newest first. */
  public List<Run> recent(int limit) {
    return db.query("list runs", "SELECT * FROM runs ORDER BY created_at DESC, id DESC LIMIT ?", RunStore::run, limit);
  }

  /** How many runs the store holds in each state. */
  public Map<String, Long> countsByState() {
    Map<String, Long> m = new java.util.TreeMap<>();
    db.query("count runs", "SELECT state, COUNT(*) FROM runs GROUP BY state",
        rs -> m.put(rs.getString(1), rs.getLong(2)));
    return m;
  }

  public Optional<Run> run(String id) {
    return db.queryOne("read run", "SELECT * FROM runs WHERE id = ?", RunStore::run, id);
  }

  public List<Task> tasks(String runId) {
    return db.query("list tasks", "SELECT * FROM tasks WHERE run_id = ? ORDER BY host", RunStore::task, runId);
  }

  // ------------------------------------------------------------ playbook runs

  public void insertRunTask(RunTask t) {
    db.update("insert run task", "INSERT INTO run_tasks(run_id, seq, play_index, host, task_path, task_name, location, "
        + "handler, status, ignored, result, diffs, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
        t.runId(), t.seq(), t.playIndex(), t.host(), t.taskPath(), t.taskName(), t.location(), t.handler() ? 1 : 0,
        t.status(), t.ignored() ? 1 : 0, t.result(), t.diffs(), t.finishedAt());
  }

  public void insertPlayRecap(PlayRecapRow r) {
    db.update("insert play recap", "INSERT OR REPLACE INTO play_recaps(run_id, play_index, host, ok, changed, unreachable, "
        + "failed, skipped, rescued, ignored, end_state, msg) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        r.runId(), r.playIndex(), r.host(), r.ok(), r.changed(), r.unreachable(), r.failed(), r.skipped(),
        r.rescued(), r.ignored(), r.end(), r.msg());
  }

  /** A host's part in one play of a playbook run, as a finished row of {@code tasks} (what {@code runs} counts). */
  public void insertRunHostTask(String id, String runId, String host, String state, String msg,
      long finishedAt) {
    db.update("insert play host",
        "INSERT OR REPLACE INTO tasks(id, run_id, host, state, msg, finished_at) VALUES (?,?,?,?,?,?)",
        id, runId, host, state, msg, finishedAt);
  }

  /**
   * A host's part in one play of a playbook run, open (queued) until it ends: so that it is listed
   * while it waits, closed by {@link #closeInterruptedRuns} after a restart, and known when its recap
   * arrives late. {@code expiresAt}: the end of its queue time, null for none.
   */
  public void openRunHostTask(String id, String runId, String host, Long expiresAt) {
    db.update("open play host", "INSERT OR IGNORE INTO tasks(id, run_id, host, state, expires_at) VALUES (?,?,?,'queued',?)",
        id, runId, host, expiresAt);
  }

  /** The playbook run a host part {@code taskId} of {@code host} belongs to; empty when there is no such part. */
  public Optional<String> playRunOfTask(String taskId, String host) {
    return db.queryOne("find play host", "SELECT t.run_id FROM tasks t JOIN runs r ON r.id = t.run_id "
        + "WHERE t.id = ? AND t.host = ? AND r.kind = 'play'", rs -> rs.getString(1), taskId, host);
  }

  /**
   * Records the end of a host's part that its agent reported late (after a controller restart or
   * a disconnect), replacing what the controller guessed ({@code unreachable}) or closing it if
   * still open; returns false when the part already had a real end (a repeated recap). The run's
   * own state stays: the plays after this one did not run for the host.
   */
  public boolean recordLatePlayHost(String taskId, String state, String msg, long finishedAt) {
    return db.update("record late play host", "UPDATE tasks SET state = ?, msg = ?, finished_at = ? WHERE id = ? "
        + "AND (finished_at IS NULL OR state = 'unreachable')", state, msg, finishedAt, taskId) == 1;
  }

  /** A playbook run's task results, in the order they arrived. */
  public List<RunTask> runTasks(String runId) {
    return db.query("list run tasks", "SELECT * FROM run_tasks WHERE run_id = ? ORDER BY seq", rs -> new RunTask(
        rs.getString("run_id"), rs.getInt("seq"), rs.getInt("play_index"), rs.getString("host"),
        rs.getString("task_path"), rs.getString("task_name"), rs.getString("location"), rs.getInt("handler") != 0,
        rs.getString("status"), rs.getInt("ignored") != 0, rs.getString("result"), rs.getString("diffs"),
        rs.getLong("finished_at")), runId);
  }

  /** A playbook run's recaps, by play then host. */
  public List<PlayRecapRow> playRecaps(String runId) {
    return db.query("list play recaps", "SELECT * FROM play_recaps WHERE run_id = ? ORDER BY play_index, host",
        rs -> new PlayRecapRow(rs.getString("run_id"), rs.getInt("play_index"), rs.getString("host"), rs.getInt("ok"),
            rs.getInt("changed"), rs.getInt("unreachable"), rs.getInt("failed"), rs.getInt("skipped"),
            rs.getInt("rescued"), rs.getInt("ignored"), rs.getString("end_state"), rs.getString("msg")), runId);
  }

  private static Run run(ResultSet rs) throws SQLException {
    return new Run(rs.getString("id"), rs.getString("kind"), rs.getString("target"), rs.getString("module"),
        rs.getString("args"), rs.getString("state"), rs.getString("requested_by"), rs.getLong("created_at"),
        optLong(rs, "finished_at"), rs.getString("become_user"), rs.getInt("async_s"), rs.getInt("poll_s"));
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
}
