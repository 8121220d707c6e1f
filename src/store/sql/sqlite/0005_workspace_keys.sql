-- 0005_workspace_keys: the ReAdmin-compatible credentials of a workspace (readmin-compat.md
-- §1.4, §4.3; platform.md §6.3). Secrets keep ReAdmin's formats and are stored only as
-- BLAKE2b-256; `prefix` is what the dashboard shows.

CREATE TABLE ranking_keys (
	id                   TEXT PRIMARY KEY,
	workspace_id         TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	name                 TEXT NOT NULL,
	secret_hash          TEXT NOT NULL UNIQUE,
	prefix               TEXT NOT NULL,
	ranking_enabled      INTEGER NOT NULL DEFAULT 0,
	enable_shouting      INTEGER NOT NULL DEFAULT 0,
	enable_join_requests INTEGER NOT NULL DEFAULT 0,
	enable_exile         INTEGER NOT NULL DEFAULT 0,
	allowed_ranks        TEXT NOT NULL DEFAULT '',
	created_at           INTEGER NOT NULL,
	created_by           TEXT,
	last_used_at         INTEGER,
	revoked_at           INTEGER
);
CREATE INDEX ranking_keys_workspace ON ranking_keys (workspace_id, created_at);

CREATE TABLE loader_keys (
	id           TEXT PRIMARY KEY,
	workspace_id TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	name         TEXT NOT NULL,
	secret_hash  TEXT NOT NULL UNIQUE,
	prefix       TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	created_by   TEXT,
	last_used_at INTEGER,
	revoked_at   INTEGER
);
CREATE INDEX loader_keys_workspace ON loader_keys (workspace_id, created_at);
