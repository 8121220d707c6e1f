-- 0011_bans: game bans of a workspace (readmin-compat.md §2 Ban, §3.5, §4.10; platform.md §6.7).
-- Keyed by workspace id first, so every statement names its workspace and another workspace's
-- ban reads like none. Lifting is a soft delete: the row stays with lifted_at and lifted_by.

CREATE TABLE game_bans (
	workspace_id    TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	id              TEXT NOT NULL,
	roblox_user_id  TEXT NOT NULL,
	reason          TEXT NOT NULL,
	-- The disciplinarian's Roblox user id (ReAdmin `bannedByUserId`); NULL when a dashboard
	-- user without a linked Roblox account banned.
	banned_by       TEXT,
	-- 1 until lifted or expired by the job; expiry never sets it back to 1 (§5 row 8).
	active          INTEGER NOT NULL DEFAULT 1,
	-- NULL: permanent. A ban with expires_at <= now no longer blocks, even while active = 1.
	expires_at      INTEGER,
	-- JSON array of evidence URLs (platform.md §6.7), '[]' when none.
	evidence        TEXT NOT NULL DEFAULT '[]',
	created_at      INTEGER NOT NULL,
	-- Roster user id, or 'loaderKey:<id>' for bans made through /games/bans.
	created_by      TEXT,
	updated_at      INTEGER NOT NULL,
	lifted_at       INTEGER,
	lifted_by       TEXT,
	-- BLAKE2b-256 of the ReAdmin request body, for the 60-second replay rule; NULL otherwise.
	body_hash       TEXT,
	PRIMARY KEY (workspace_id, id)
);
-- At most one stored-active ban per user (§4.10); expired rows are switched off before a new
-- ban is inserted, so the index never refuses a ban that ban_active would not report.
CREATE UNIQUE INDEX game_bans_one_active ON game_bans (workspace_id, roblox_user_id)
	WHERE active = 1;
CREATE INDEX game_bans_user ON game_bans (workspace_id, roblox_user_id, created_at);
CREATE INDEX game_bans_created ON game_bans (workspace_id, created_at, id);
CREATE INDEX game_bans_expiry ON game_bans (expires_at) WHERE active = 1;
CREATE INDEX game_bans_replay ON game_bans (workspace_id, body_hash, created_at);
