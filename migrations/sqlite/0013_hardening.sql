-- Issue 23. A user's sessions end on every server when their password, their account's
-- activity or their role changes: each session carries the epoch it was started in, and a
-- request whose session's epoch is not the user's current one is logged out.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER users_end_sessions AFTER UPDATE OF password_hash, active, role ON users
WHEN OLD.password_hash IS NOT NEW.password_hash OR OLD.active IS NOT NEW.active OR OLD.role IS NOT NEW.role
BEGIN
    UPDATE users SET session_epoch = session_epoch + 1 WHERE id = NEW.id;
END;

-- Attempts refused while a login counter is blocked are counted here, not written one audit
-- entry each; the maintenance task writes one summary entry per counter and period.
ALTER TABLE login_throttle ADD COLUMN refused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE login_throttle ADD COLUMN refused_since INTEGER NOT NULL DEFAULT 0;
