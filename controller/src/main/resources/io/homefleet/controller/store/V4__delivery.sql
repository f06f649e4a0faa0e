-- V4: delivery. What a task needs to be sent again after a controller restart, how long it may
-- wait for its host, and the per-host queue's order.
ALTER TABLE tasks ADD COLUMN timeout_s INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN check_mode INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN expires_at INTEGER;
CREATE INDEX tasks_open ON tasks(host, finished_at);
