-- Issue 23. A user's sessions end on every server when their password, their account's
-- activity or their role changes: each session carries the epoch it was started in, and a
-- request whose session's epoch is not the user's current one is logged out.
ALTER TABLE users ADD COLUMN session_epoch bigint NOT NULL DEFAULT 0;

CREATE FUNCTION users_end_sessions() RETURNS trigger AS $$
BEGIN
    IF NEW.password_hash IS DISTINCT FROM OLD.password_hash OR NEW.active IS DISTINCT FROM OLD.active OR NEW.role IS DISTINCT FROM OLD.role THEN
        NEW.session_epoch := OLD.session_epoch + 1;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER users_end_sessions BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_end_sessions();

-- Attempts refused while a login counter is blocked are counted here, not written one audit
-- entry each; the maintenance task writes one summary entry per counter and period.
ALTER TABLE login_throttle ADD COLUMN refused bigint NOT NULL DEFAULT 0;
ALTER TABLE login_throttle ADD COLUMN refused_since bigint NOT NULL DEFAULT 0;
