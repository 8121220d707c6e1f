-- 0006_workspaces: workspace settings on the community row (platform.md §6.1; a workspace IS a
-- community, same id) and the local rank and member records of a workspace (§6.2,
-- readmin-compat.md §4.2). Every workspace table is keyed by workspace id first, so each
-- statement names its workspace and another workspace's row reads like none.

ALTER TABLE communities ADD COLUMN min_sync_rank INTEGER NOT NULL DEFAULT 1;
ALTER TABLE communities ADD COLUMN brand_color TEXT NOT NULL DEFAULT 'blue';
ALTER TABLE communities ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE communities ADD COLUMN distribution_period TEXT NOT NULL DEFAULT 'manual';
ALTER TABLE communities ADD COLUMN distribution_weekday INTEGER NOT NULL DEFAULT 0;
ALTER TABLE communities ADD COLUMN distribution_time TEXT NOT NULL DEFAULT '00:00';
-- The number of the running distribution; advanced by the distribution job (later work).
ALTER TABLE communities ADD COLUMN distribution_current INTEGER NOT NULL DEFAULT 1;
ALTER TABLE communities ADD COLUMN track_staff_only INTEGER NOT NULL DEFAULT 0;
ALTER TABLE communities ADD COLUMN require_consent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE communities ADD COLUMN afk_timeout_seconds INTEGER NOT NULL DEFAULT 45;
ALTER TABLE communities ADD COLUMN module_orders INTEGER NOT NULL DEFAULT 0;
ALTER TABLE communities ADD COLUMN module_moderation INTEGER NOT NULL DEFAULT 1;
-- secretbox under the instance key, base64url; never read back to a client (SEC: write-only).
ALTER TABLE communities ADD COLUMN open_cloud_key_sealed TEXT;
ALTER TABLE communities ADD COLUMN bot_cookie_sealed TEXT;
-- Filled by rank sync (later work), read-only on the API.
ALTER TABLE communities ADD COLUMN roblox_group_name TEXT;
ALTER TABLE communities ADD COLUMN last_synced_at INTEGER;
-- The Roster user who created the workspace (W.owner.reAdminId); NULL for older rows.
ALTER TABLE communities ADD COLUMN created_by TEXT;

CREATE TABLE workspace_ranks (
	workspace_id   TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	roblox_role_id TEXT NOT NULL,
	rank           INTEGER NOT NULL,
	name           TEXT NOT NULL,
	member_count   INTEGER NOT NULL DEFAULT 0,
	synced_at      INTEGER,
	PRIMARY KEY (workspace_id, roblox_role_id)
);
CREATE INDEX workspace_ranks_rank ON workspace_ranks (workspace_id, rank);

CREATE TABLE workspace_members (
	workspace_id     TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	roblox_user_id   TEXT NOT NULL,
	username         TEXT NOT NULL,
	username_key     TEXT NOT NULL,
	display_name     TEXT,
	display_name_key TEXT,
	roblox_role_id   TEXT,
	rank             INTEGER NOT NULL DEFAULT 0,
	in_game          INTEGER NOT NULL DEFAULT 0,
	timezone         TEXT,
	synced_at        INTEGER,
	updated_at       INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, roblox_user_id)
);
CREATE INDEX workspace_members_role ON workspace_members (workspace_id, roblox_role_id);
CREATE INDEX workspace_members_rank ON workspace_members (workspace_id, rank);
