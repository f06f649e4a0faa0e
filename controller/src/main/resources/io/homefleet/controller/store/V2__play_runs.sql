-- V2: playbook runs: every task result of every host, and each host's recap per play.
CREATE TABLE run_tasks (
  run_id           TEXT NOT NULL REFERENCES runs(id),
  seq              INTEGER NOT NULL,
  play_index       INTEGER NOT NULL,
  host             TEXT NOT NULL,
  task_path        TEXT NOT NULL,
  task_name        TEXT NOT NULL,
  location         TEXT NOT NULL,
  handler          INTEGER NOT NULL,
  status           TEXT NOT NULL,
  ignored          INTEGER NOT NULL,
  result           TEXT NOT NULL,
  diffs            TEXT NOT NULL DEFAULT '[]',
  finished_at      INTEGER NOT NULL,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE play_recaps (
  run_id           TEXT NOT NULL REFERENCES runs(id),
  play_index       INTEGER NOT NULL,
  host             TEXT NOT NULL,
  ok               INTEGER NOT NULL,
  changed          INTEGER NOT NULL,
  unreachable      INTEGER NOT NULL,
  failed           INTEGER NOT NULL,
  skipped          INTEGER NOT NULL,
  rescued          INTEGER NOT NULL,
  ignored          INTEGER NOT NULL,
  end_state        TEXT NOT NULL,
  msg              TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, play_index, host)
);
