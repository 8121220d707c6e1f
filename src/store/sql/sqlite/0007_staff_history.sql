-- 0007_staff_history: staff-history items of a workspace (readmin-compat.md §2 HistoryItem,
-- §3.2, §4.14; platform.md §6.4). Keyed by workspace id first, so every statement names its
-- workspace and another workspace's item reads like none.

CREATE TABLE staff_history (
	workspace_id      TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	id                TEXT NOT NULL,
	type              TEXT NOT NULL,
	roblox_user_id    TEXT NOT NULL,
	actor_roblox_id   TEXT NOT NULL,
	reason            TEXT NOT NULL,
	notify            INTEGER NOT NULL DEFAULT 0,
	-- The subject's role id when the item was made; '0' when unknown.
	rank_from         TEXT NOT NULL,
	-- NULL: no rank change (ReAdmin `rankTo: false`).
	rank_to           TEXT,
	pending_approval  INTEGER NOT NULL DEFAULT 0,
	approved_by       TEXT,
	visibility        TEXT NOT NULL DEFAULT 'public',
	distribution      INTEGER NOT NULL,
	expires_at        INTEGER,
	ended_at          INTEGER,
	ended_by          TEXT,
	end_reason        TEXT,
	created_at        INTEGER NOT NULL,
	-- Roster user id, or 'loaderKey:<id>' for items made through /staff/history.
	created_by        TEXT,
	-- BLAKE2b-256 of the ReAdmin request body, for the 60-second replay rule; NULL otherwise.
	body_hash         TEXT,
	PRIMARY KEY (workspace_id, id)
);
CREATE INDEX staff_history_created ON staff_history (workspace_id, created_at, id);
CREATE INDEX staff_history_user ON staff_history (workspace_id, roblox_user_id, created_at);
CREATE INDEX staff_history_replay ON staff_history (workspace_id, body_hash, created_at);
