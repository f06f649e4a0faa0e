-- V1: hosts, tokens, issued certificates, revocations, runs and their per-host tasks.
CREATE TABLE hosts (
  name             TEXT PRIMARY KEY,
  role             TEXT NOT NULL,
  labels           TEXT NOT NULL DEFAULT '{}',
  facts            BLOB,
  agent_version    TEXT NOT NULL DEFAULT '',
  enrolled_at      INTEGER NOT NULL,
  last_seen        INTEGER,
  decommissioned_at INTEGER
);

CREATE TABLE tokens (
  hash             TEXT PRIMARY KEY,
  host             TEXT NOT NULL,
  role             TEXT NOT NULL,
  labels           TEXT NOT NULL DEFAULT '{}',
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  used_at          INTEGER,
  public_key_hash  TEXT,
  cert_serial      TEXT
);
CREATE INDEX tokens_host ON tokens(host);

CREATE TABLE certificates (
  serial           TEXT PRIMARY KEY,
  identity         TEXT NOT NULL,
  host             TEXT,
  public_key_hash  TEXT NOT NULL,
  not_before       INTEGER NOT NULL,
  not_after        INTEGER NOT NULL,
  pem              TEXT NOT NULL,
  issued_at        INTEGER NOT NULL
);
CREATE INDEX certificates_host ON certificates(host);

CREATE TABLE revocations (
  serial           TEXT PRIMARY KEY,
  identity         TEXT NOT NULL,
  revoked_at       INTEGER NOT NULL,
  reason           TEXT NOT NULL DEFAULT ''
);

CREATE TABLE runs (
  id               TEXT PRIMARY KEY,
  kind             TEXT NOT NULL,
  target           TEXT NOT NULL,
  module           TEXT NOT NULL,
  args             TEXT NOT NULL,
  state            TEXT NOT NULL,
  requested_by     TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  finished_at      INTEGER
);

CREATE TABLE tasks (
  id               TEXT PRIMARY KEY,
  run_id           TEXT NOT NULL REFERENCES runs(id),
  host             TEXT NOT NULL,
  state            TEXT NOT NULL,
  rc               INTEGER,
  stdout           TEXT,
  stderr           TEXT,
  msg              TEXT,
  started_at       INTEGER,
  finished_at      INTEGER
);
CREATE INDEX tasks_run ON tasks(run_id);
