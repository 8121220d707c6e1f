-- 0003_removed_accounts: one deletion record per soft delete (staff-admin.md §7), so an
-- account deleted, restored and deleted again keeps two records, each with its own id, and the
-- erased state has a tombstone time and actor on the user row. The removal columns 0001 put on
-- users are moved into records and dropped, so the lifecycle has one place.

CREATE TABLE account_deletions (
	id                   TEXT PRIMARY KEY,
	user_id              TEXT NOT NULL REFERENCES users (id),
	status               TEXT NOT NULL CHECK (status IN ('soft_deleted', 'restored', 'erased')),
	-- The role retained during the restore window: H11 judges restore and erase by it, and a
	-- restore gives it back. Deleting the role clears it, as it clears users.role_id.
	role_id              TEXT REFERENCES roles (id) ON DELETE SET NULL,
	reason               TEXT,
	deleted_at           INTEGER NOT NULL,
	deleted_by           TEXT,
	retention_expires_at INTEGER NOT NULL,
	restored_at          INTEGER,
	restored_by          TEXT,
	restore_reason       TEXT,
	erased_at            INTEGER,
	erased_by            TEXT
);
-- At most one open record per account: restore and erase race on it (§7.4).
CREATE UNIQUE INDEX account_deletions_open ON account_deletions (user_id)
	WHERE status = 'soft_deleted';
CREATE INDEX account_deletions_user ON account_deletions (user_id, deleted_at);
CREATE INDEX account_deletions_list ON account_deletions (deleted_at, id);
CREATE INDEX account_deletions_expiry ON account_deletions (status, retention_expires_at);

-- Erasure finds the audit entries a Roblox account acted in (ReAdmin writes) by this column.
CREATE INDEX audit_log_actor_roblox ON audit_log (actor_roblox_user_id);

-- Accounts removed before this migration get their record; the id has the usual shape
-- (4 bytes of Unix seconds, 8 random bytes, lowercase hex).
INSERT INTO account_deletions (id, user_id, status, role_id, reason, deleted_at, deleted_by,
	retention_expires_at, restored_at, restored_by)
SELECT printf('%08x', deleted_at / 1000) || lower(hex(randomblob(8))), id,
	CASE status WHEN 'active' THEN 'restored' ELSE status END,
	role_id, delete_reason, deleted_at, deleted_by,
	COALESCE(retention_expires_at, deleted_at + 2592000000), restored_at, restored_by
FROM users WHERE deleted_at IS NOT NULL;

ALTER TABLE users ADD COLUMN erased_at INTEGER;
ALTER TABLE users ADD COLUMN erased_by TEXT;
ALTER TABLE users DROP COLUMN deleted_at;
ALTER TABLE users DROP COLUMN deleted_by;
ALTER TABLE users DROP COLUMN delete_reason;
ALTER TABLE users DROP COLUMN retention_expires_at;
ALTER TABLE users DROP COLUMN restored_at;
ALTER TABLE users DROP COLUMN restored_by;
