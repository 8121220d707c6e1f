-- 0001_base: platform users, staff roles, login sessions, API keys, login throttles, audit
-- log, communities and job leases. Times are epoch milliseconds (UTC); booleans 0/1; ids
-- are 24-hex text made in C. Case-insensitive uniqueness uses stored *_key columns.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);

CREATE TABLE roles (
	id                TEXT PRIMARY KEY,
	name              TEXT NOT NULL,
	name_key          TEXT NOT NULL UNIQUE,
	level             INTEGER NOT NULL CHECK (level BETWEEN 1 AND 100),
	color             TEXT,
	position          INTEGER NOT NULL,
	enforce_whitelist INTEGER NOT NULL DEFAULT 0,
	is_system         INTEGER NOT NULL DEFAULT 0,
	created_at        INTEGER NOT NULL,
	updated_at        INTEGER NOT NULL
);

CREATE TABLE role_permissions (
	role_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	perm    TEXT NOT NULL,
	PRIMARY KEY (role_id, perm)
);

CREATE TABLE role_assignable (
	role_id       TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	assignable_id TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	PRIMARY KEY (role_id, assignable_id)
);

CREATE TABLE users (
	id                       TEXT PRIMARY KEY,
	username                 TEXT,
	username_key             TEXT UNIQUE,
	email                    TEXT,
	roblox_user_id           TEXT UNIQUE,
	password_hash            TEXT,
	role_id                  TEXT REFERENCES roles (id) ON DELETE SET NULL,
	status                   TEXT NOT NULL DEFAULT 'active'
		CHECK (status IN ('active', 'soft_deleted', 'erased')),
	password_change_required INTEGER NOT NULL DEFAULT 0,
	created_at               INTEGER NOT NULL,
	updated_at               INTEGER NOT NULL,
	last_login_at            INTEGER,
	deleted_at               INTEGER,
	deleted_by               TEXT,
	delete_reason            TEXT,
	retention_expires_at     INTEGER,
	restored_at              INTEGER,
	restored_by              TEXT
);
CREATE INDEX users_role ON users (role_id);
CREATE INDEX users_status ON users (status, created_at);

CREATE TABLE login_sessions (
	id           TEXT PRIMARY KEY,
	token_hash   TEXT NOT NULL UNIQUE,
	user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at   INTEGER NOT NULL,
	last_seen_at INTEGER NOT NULL,
	ip           TEXT
);
CREATE INDEX login_sessions_user ON login_sessions (user_id);
CREATE INDEX login_sessions_seen ON login_sessions (last_seen_at);

CREATE TABLE api_keys (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL,
	secret_hash  TEXT NOT NULL UNIQUE,
	prefix       TEXT NOT NULL,
	last_four    TEXT NOT NULL,
	scopes       TEXT NOT NULL,
	user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_by   TEXT,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER,
	ip_allowlist TEXT NOT NULL DEFAULT '',
	last_used_at INTEGER,
	last_used_ip TEXT,
	revoked_at   INTEGER,
	revoked_by   TEXT
);
CREATE INDEX api_keys_user ON api_keys (user_id, created_at);

-- One row per login attempt, per subject: kind 'user' (lowercased username) or 'ip'.
CREATE TABLE login_attempts (
	id      TEXT PRIMARY KEY,
	kind    TEXT NOT NULL,
	subject TEXT NOT NULL,
	at      INTEGER NOT NULL,
	failed  INTEGER NOT NULL
);
CREATE INDEX login_attempts_subject ON login_attempts (kind, subject, at);
CREATE INDEX login_attempts_at ON login_attempts (at);

CREATE TABLE audit_log (
	id                   TEXT PRIMARY KEY,
	at                   INTEGER NOT NULL,
	actor_type           TEXT NOT NULL,
	actor_user_id        TEXT,
	actor_username       TEXT,
	api_key_id           TEXT,
	game_key_id          TEXT,
	actor_roblox_user_id TEXT,
	ip                   TEXT,
	action               TEXT NOT NULL,
	target_type          TEXT,
	target_id            TEXT,
	workspace_id         TEXT,
	before_json          TEXT,
	after_json           TEXT,
	request_id           TEXT
);
CREATE INDEX audit_log_at ON audit_log (at, id);
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, at);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id, at);
CREATE INDEX audit_log_action ON audit_log (action, at);

CREATE TABLE communities (
	id              TEXT PRIMARY KEY,
	name            TEXT NOT NULL,
	name_key        TEXT NOT NULL UNIQUE,
	icon_url        TEXT,
	is_default      INTEGER NOT NULL DEFAULT 0,
	roblox_group_id TEXT UNIQUE,
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
);

CREATE TABLE community_allowed_roles (
	community_id TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	role_id      TEXT NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	PRIMARY KEY (community_id, role_id)
);

CREATE TABLE community_allowed_users (
	community_id TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (community_id, user_id)
);

-- Background jobs: a lease row per job so one node runs it at a time.
CREATE TABLE job_leases (
	job        TEXT PRIMARY KEY,
	holder     TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);
