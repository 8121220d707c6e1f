-- 0010_tracker: the activity tracker (readmin-compat.md §3.7, §3.8, §4.6, §4.7, §4.10):
-- running game servers, the players in them, play sessions with their timestamped events,
-- queued actions and per-workspace consent. Every table carries workspace_id, and every
-- statement names it; running_servers.id is globally unique because the running-server
-- gate must tell "unknown" from "another workspace's" (§1.4 `- mismatch`).

-- One Roblox server (jobId). ended_at NULL while live; kept after the end for history.
CREATE TABLE running_servers (
	id                      TEXT PRIMARY KEY, -- runningGameId, 24 hex
	workspace_id            TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	internal_id             TEXT NOT NULL,    -- 'RA-GAMES-' + 20 hex + '-' + UUID v4
	universe_id             TEXT NOT NULL,
	place_id                TEXT NOT NULL,
	job_id                  TEXT NOT NULL,
	private_server_id       TEXT NOT NULL DEFAULT '',
	private_server_owner_id TEXT NOT NULL DEFAULT '0',
	place_version           INTEGER NOT NULL DEFAULT 0,
	started_at              INTEGER NOT NULL,
	last_ping_at            INTEGER NOT NULL,
	ended_at                INTEGER,
	end_reason              TEXT,             -- endServer | stale
	created_by              TEXT              -- 'loaderKey:<id>'
);
-- createServer's replay rule (one live server per jobId) holds even for racing writers.
CREATE UNIQUE INDEX running_servers_job ON running_servers (workspace_id, job_id)
	WHERE ended_at IS NULL;
CREATE INDEX running_servers_live ON running_servers (workspace_id, ended_at, started_at);
-- The stale sweeper scans live servers by last ping across workspaces.
CREATE INDEX running_servers_ping ON running_servers (ended_at, last_ping_at);

-- A player now in a running server (deleted at leave). session_id NULL when untracked
-- (trackStaffOnly non-staff, consent denied): the row still lets a ban kick them.
CREATE TABLE running_players (
	id             TEXT PRIMARY KEY,          -- runningPlayerId, 24 hex
	workspace_id   TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	server_id      TEXT NOT NULL REFERENCES running_servers (id) ON DELETE CASCADE,
	roblox_user_id TEXT NOT NULL,
	user_key       TEXT NOT NULL,
	session_id     TEXT,
	username       TEXT,
	display_name   TEXT,
	platform       TEXT NOT NULL DEFAULT 'unknown',
	staff          INTEGER NOT NULL DEFAULT 0, -- isStaff at join
	joined_at      INTEGER NOT NULL,          -- receive time
	UNIQUE (server_id, roblox_user_id)
);
CREATE INDEX running_players_user ON running_players (workspace_id, roblox_user_id);
-- Every statement names its workspace first; leading with it keeps the planner (which has no
-- statistics) from scanning a workspace's players or sessions for one server's.
CREATE INDEX running_players_server ON running_players (workspace_id, server_id);

-- One user on one running server (§4.7). Times are the clamped bounds; minutes are kept as
-- integer ms per state and rounded only on output. distribution = current at start (§4.8).
CREATE TABLE play_sessions (
	id                TEXT PRIMARY KEY,       -- sessionId, 24 hex
	workspace_id      TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	server_id         TEXT NOT NULL REFERENCES running_servers (id) ON DELETE CASCADE,
	roblox_user_id    TEXT NOT NULL,
	user_key          TEXT NOT NULL,
	distribution      INTEGER NOT NULL,
	staff             INTEGER NOT NULL DEFAULT 0,
	join_received_at  INTEGER NOT NULL,
	started_at        INTEGER NOT NULL,
	last_event_at     INTEGER NOT NULL,       -- latest accepted event time (clamped)
	ended_at          INTEGER,
	ended_received_at INTEGER,                -- when the end was decided (syncRemoval window)
	removal_method    TEXT,                   -- normalPlayerLeave syncRemoval movedServer serverClose stale
	active            INTEGER NOT NULL DEFAULT 1,
	-- Time of the state event (active idle typing) that set `active`; 0 = the join's.
	state_at          INTEGER NOT NULL DEFAULT 0,
	active_ms         INTEGER NOT NULL DEFAULT 0,
	idle_ms           INTEGER NOT NULL DEFAULT 0,
	typing_ms         INTEGER NOT NULL DEFAULT 0,
	messages          INTEGER NOT NULL DEFAULT 0,
	-- 1 once the session's minutes went into minute_totals (recomputation subtracts first).
	credited          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX play_sessions_server ON play_sessions (workspace_id, server_id, ended_at, roblox_user_id);
CREATE INDEX play_sessions_user ON play_sessions (workspace_id, roblox_user_id, ended_at);

-- Timestamped events of a session; message text is never stored (§5 #22). dedup_key is the
-- client id ('i:<id>') or type and ms ('t:<type>:<ms>'), so a resent batch is stored once.
CREATE TABLE play_events (
	session_id  TEXT NOT NULL REFERENCES play_sessions (id) ON DELETE CASCADE,
	dedup_key   TEXT NOT NULL,
	workspace_id TEXT NOT NULL,
	type        TEXT NOT NULL,                -- join active idle typing message leave
	at          INTEGER NOT NULL,             -- event time, ms (clamped at accounting)
	received_at INTEGER NOT NULL,
	ord         INTEGER NOT NULL,             -- position in its batch: arrival order on ties
	PRIMARY KEY (session_id, dedup_key)
) WITHOUT ROWID; -- one b-tree, not a table and its key index: the hottest insert there is

-- Queued actions (§4.10). ord is the per-server creation order, unique so that two writers
-- cannot both take the same position (sendData hands them out in ord order).
CREATE TABLE queued_actions (
	id             TEXT PRIMARY KEY,
	workspace_id   TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	server_id      TEXT NOT NULL REFERENCES running_servers (id) ON DELETE CASCADE,
	ord            INTEGER NOT NULL,
	type           TEXT NOT NULL,             -- kick notify notifyAll shutdown slock unslock
	roblox_user_id TEXT,                      -- kick and notify only
	message        TEXT NOT NULL DEFAULT '',
	status         TEXT NOT NULL DEFAULT 'pending', -- pending delivered cancelled expired
	created_at     INTEGER NOT NULL,
	created_by     TEXT,                      -- Roster user id or 'loaderKey:<id>'
	delivered_at   INTEGER,
	UNIQUE (server_id, ord)
);
CREATE INDEX queued_actions_pending ON queued_actions (server_id, status, ord);
CREATE INDEX queued_actions_ws ON queued_actions (workspace_id, server_id, created_at);

-- A player's tracking consent for a workspace (§3.8 /activity/consent).
CREATE TABLE player_consent (
	workspace_id   TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	roblox_user_id TEXT NOT NULL,
	consent        TEXT NOT NULL,             -- granted | denied
	updated_at     INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, roblox_user_id)
);
