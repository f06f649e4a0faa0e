-- V5: an ad-hoc run's --become-user and -B/-P, so that a run delivered again after a controller
-- restart runs as the user and the async job it was started with.
ALTER TABLE runs ADD COLUMN become_user TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN async_s INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN poll_s INTEGER NOT NULL DEFAULT 0;
