-- 0012_sessions: game sessions of a workspace (readmin-compat.md §2 RoleGroup, Template,
-- Session, §3.4, §4.11, §4.12; platform.md §6.6). Keyed by workspace id first, so every
-- statement names its workspace and another workspace's row reads like none.

-- A role group and its subroles. Ids are UUID v4 on every surface (platform.md §1).
CREATE TABLE session_role_groups (
	workspace_id TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	id           TEXT NOT NULL,
	name         TEXT NOT NULL,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, id)
);

CREATE TABLE session_subroles (
	workspace_id TEXT NOT NULL,
	group_id     TEXT NOT NULL,
	id           TEXT NOT NULL,
	ord          INTEGER NOT NULL,
	name         TEXT NOT NULL,
	max_users    INTEGER NOT NULL DEFAULT 0, -- 0 = unlimited
	min_rank     INTEGER NOT NULL DEFAULT 0, -- 0 = none
	claim_once   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (workspace_id, id),
	FOREIGN KEY (workspace_id, group_id) REFERENCES session_role_groups (workspace_id, id)
		ON DELETE CASCADE
);
CREATE INDEX session_subroles_group ON session_subroles (workspace_id, group_id, ord);

-- A template: local time in a named zone, never a UTC hour (§4.11). weekdays is a bit set,
-- bit 0 = Sunday; role_group_ids is the ids separated by single spaces, in the given order.
CREATE TABLE session_templates (
	workspace_id     TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	id               TEXT NOT NULL,
	name             TEXT NOT NULL,
	description      TEXT NOT NULL DEFAULT '',
	role_group_ids   TEXT NOT NULL DEFAULT '',
	timezone         TEXT NOT NULL,
	recurrence       TEXT NOT NULL,            -- none daily weekly
	weekdays         INTEGER NOT NULL DEFAULT 0,
	local_minute     INTEGER NOT NULL,         -- minutes after local midnight
	duration_minutes INTEGER NOT NULL,
	appears_before   INTEGER NOT NULL DEFAULT 0,
	place_id         TEXT,
	game_id          TEXT,
	created_at       INTEGER NOT NULL,
	updated_at       INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, id)
);

-- A materialised session: by the dashboard, as a one-off (template_id NULL), or by the first
-- create-server call on an occurrence key. The unique key makes concurrent materialisation
-- insert-or-read (§4.12). template_json is the ReAdmin Template frozen at materialisation, so
-- later template edits touch only unmaterialised occurrences (§4.11). A cancelled session
-- keeps its row, so its occurrence does not come back as a placeholder.
CREATE TABLE sessions (
	workspace_id     TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	id               TEXT NOT NULL,
	template_id      TEXT,
	name             TEXT NOT NULL,
	description      TEXT NOT NULL DEFAULT '',
	role_group_ids   TEXT NOT NULL DEFAULT '',
	starts_at        INTEGER NOT NULL,
	ends_at          INTEGER NOT NULL,
	appears_before   INTEGER NOT NULL DEFAULT 0,
	place_id         TEXT,
	game_id          TEXT,
	template_json    TEXT,
	created_at       INTEGER NOT NULL,
	created_by       TEXT,                     -- Roster user id or 'loaderKey:<id>'
	cancelled_at     INTEGER,
	cancelled_by     TEXT,
	PRIMARY KEY (workspace_id, id),
	UNIQUE (workspace_id, template_id, starts_at)
);
CREATE INDEX sessions_starts ON sessions (workspace_id, starts_at, id);

-- A server of a session (uuid), optionally linked to a running game server.
CREATE TABLE session_servers (
	workspace_id     TEXT NOT NULL,
	session_id       TEXT NOT NULL,
	id               TEXT NOT NULL,
	ord              INTEGER NOT NULL,
	nickname         TEXT,
	linked_server_id TEXT,
	linked_by        TEXT,
	created_at       INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, id),
	UNIQUE (workspace_id, session_id, ord),
	FOREIGN KEY (workspace_id, session_id) REFERENCES sessions (workspace_id, id)
		ON DELETE CASCADE
);

-- One claim per user per server (§3.4 #18); state none current completed passed failed.
CREATE TABLE session_claims (
	workspace_id   TEXT NOT NULL,
	session_id     TEXT NOT NULL,
	server_id      TEXT NOT NULL,
	roblox_user_id TEXT NOT NULL,
	role_group_id  TEXT NOT NULL,
	subrole_id     TEXT NOT NULL,
	state          TEXT NOT NULL DEFAULT 'none',
	claim_id       TEXT NOT NULL,
	claimed_at     INTEGER NOT NULL,
	claimed_by     TEXT NOT NULL,
	PRIMARY KEY (workspace_id, server_id, roblox_user_id),
	FOREIGN KEY (workspace_id, server_id) REFERENCES session_servers (workspace_id, id)
		ON DELETE CASCADE
);
CREATE INDEX session_claims_subrole ON session_claims (workspace_id, server_id, subrole_id);
CREATE INDEX session_claims_user ON session_claims (workspace_id, roblox_user_id, state);
CREATE INDEX session_claims_session ON session_claims (workspace_id, session_id);
