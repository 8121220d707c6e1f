-- 0008_minutes: distributions, per-user minute totals and manual adjustments of a workspace
-- (readmin-compat.md §2 Summary, §3.3 #11 #12, §4.8; platform.md §6.5). Keyed by workspace id
-- first, so every statement names its workspace and another workspace's row reads like none.

-- Numbered periods; the current one is communities.distribution_current. A workspace made
-- after this migration has no row for distribution 1 until it first rolls over: readers
-- treat a missing current row as started when the workspace was created.
CREATE TABLE distributions (
	workspace_id TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	number       INTEGER NOT NULL,
	started_at   INTEGER NOT NULL,
	ended_at     INTEGER,
	automated    INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (workspace_id, number)
);
INSERT INTO distributions (workspace_id, number, started_at, automated)
	SELECT id, distribution_current, created_at, 0 FROM communities;

-- Play time of one user in one distribution, summed in integer ms (§4.7: rounding only after
-- summing). Filled by the activity tracker at session end (later work).
CREATE TABLE minute_totals (
	workspace_id   TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	distribution   INTEGER NOT NULL,
	roblox_user_id TEXT NOT NULL,
	active_ms      INTEGER NOT NULL DEFAULT 0,
	idle_ms        INTEGER NOT NULL DEFAULT 0,
	typing_ms      INTEGER NOT NULL DEFAULT 0,
	messages       INTEGER NOT NULL DEFAULT 0,
	sessions       INTEGER NOT NULL DEFAULT 0,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	PRIMARY KEY (workspace_id, distribution, roblox_user_id)
);

-- Manual adjustments from the dashboard; minutes kept exactly as hundredths (2 decimals).
CREATE TABLE minute_adjustments (
	workspace_id   TEXT NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
	id             TEXT NOT NULL,
	distribution   INTEGER NOT NULL,
	roblox_user_id TEXT NOT NULL,
	kind           TEXT NOT NULL,
	centiminutes   INTEGER NOT NULL,
	reason         TEXT NOT NULL,
	created_at     INTEGER NOT NULL,
	-- Roster user id of the actor.
	created_by     TEXT,
	PRIMARY KEY (workspace_id, id)
);
CREATE INDEX minute_adjustments_user
	ON minute_adjustments (workspace_id, distribution, roblox_user_id, created_at);
