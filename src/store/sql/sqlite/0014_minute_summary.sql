-- 0014_minute_summary: one summary row per user and distribution (readmin-compat.md §4.8).
-- Adjustments are folded into the minute_totals row as they are made or deleted, so a summary,
-- the leaderboard and a position read one row per user instead of summing the adjustment
-- history on every read; the adjustment rows stay as the history shown to managers.

ALTER TABLE minute_totals ADD COLUMN adj_active_c INTEGER NOT NULL DEFAULT 0;
ALTER TABLE minute_totals ADD COLUMN adj_idle_c INTEGER NOT NULL DEFAULT 0;
ALTER TABLE minute_totals ADD COLUMN adj_typing_c INTEGER NOT NULL DEFAULT 0;
-- How many adjustment rows are folded in: a row with no play and none left is removed.
ALTER TABLE minute_totals ADD COLUMN adjustments INTEGER NOT NULL DEFAULT 0;

INSERT INTO minute_totals (workspace_id, distribution, roblox_user_id, created_at, updated_at)
	SELECT workspace_id, distribution, roblox_user_id, MIN(created_at), MAX(created_at)
	FROM minute_adjustments GROUP BY workspace_id, distribution, roblox_user_id
	ON CONFLICT (workspace_id, distribution, roblox_user_id) DO NOTHING;
UPDATE minute_totals SET
	adj_active_c = (SELECT COALESCE(SUM(centiminutes), 0) FROM minute_adjustments a
		WHERE a.workspace_id = minute_totals.workspace_id
		AND a.distribution = minute_totals.distribution
		AND a.roblox_user_id = minute_totals.roblox_user_id AND a.kind = 'active'),
	adj_idle_c = (SELECT COALESCE(SUM(centiminutes), 0) FROM minute_adjustments a
		WHERE a.workspace_id = minute_totals.workspace_id
		AND a.distribution = minute_totals.distribution
		AND a.roblox_user_id = minute_totals.roblox_user_id AND a.kind = 'idle'),
	adj_typing_c = (SELECT COALESCE(SUM(centiminutes), 0) FROM minute_adjustments a
		WHERE a.workspace_id = minute_totals.workspace_id
		AND a.distribution = minute_totals.distribution
		AND a.roblox_user_id = minute_totals.roblox_user_id AND a.kind = 'typing'),
	adjustments = (SELECT COUNT(*) FROM minute_adjustments a
		WHERE a.workspace_id = minute_totals.workspace_id
		AND a.distribution = minute_totals.distribution
		AND a.roblox_user_id = minute_totals.roblox_user_id);

-- The dashboard's total in hundredths: max(0, play ms + adjustments), rounded half away from
-- zero once. The leaderboard walks this index from the top and stops after a page of staff.
CREATE INDEX minute_totals_total ON minute_totals (workspace_id, distribution,
	(CASE WHEN active_ms + idle_ms + typing_ms + (adj_active_c + adj_idle_c + adj_typing_c) * 600 <= 0
	 THEN 0 ELSE (active_ms + idle_ms + typing_ms + (adj_active_c + adj_idle_c + adj_typing_c) * 600 + 300) / 600 END) DESC);
