-- V3: desired state (docs/state.md): content-addressed versions of the state directory, the
-- history of which version was current, each host's convergence, and the schedules' last runs.
CREATE TABLE state_versions (
  version          TEXT PRIMARY KEY,
  created_at       INTEGER NOT NULL,
  created_by       TEXT NOT NULL,
  source           TEXT NOT NULL DEFAULT ''
);

CREATE TABLE state_files (
  version          TEXT NOT NULL REFERENCES state_versions(version),
  path             TEXT NOT NULL,
  content          BLOB NOT NULL,
  PRIMARY KEY (version, path)
);

CREATE TABLE state_history (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  version          TEXT NOT NULL REFERENCES state_versions(version),
  action           TEXT NOT NULL,
  at               INTEGER NOT NULL,
  by               TEXT NOT NULL,
  source           TEXT NOT NULL DEFAULT ''
);

CREATE TABLE convergence (
  run_id           TEXT PRIMARY KEY REFERENCES runs(id),
  host             TEXT NOT NULL,
  version          TEXT NOT NULL,
  mode             TEXT NOT NULL,
  trigger          TEXT NOT NULL,
  status           TEXT NOT NULL,
  changed          INTEGER NOT NULL DEFAULT 0,
  msg              TEXT NOT NULL DEFAULT '',
  started_at       INTEGER NOT NULL,
  finished_at      INTEGER
);
CREATE INDEX convergence_host ON convergence(host, started_at);

CREATE TABLE schedule_runs (
  name             TEXT PRIMARY KEY,
  first_seen_at    INTEGER NOT NULL,
  last_at          INTEGER,
  last_run_id      TEXT,
  last_state       TEXT
);
