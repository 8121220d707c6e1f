-- 0016_minutes_sessions: a user's credited play sessions of one distribution, newest first
-- (readmin-compat.md §2 Summary `sessions`, newest 100; platform.md §6.5 `gameSessions`,
-- latest 50). The summary readers look these up for each of at most 50 users on a page; with
-- this index each lookup reads its page of index entries in order and stops, instead of
-- reading every session the user ever had (play_sessions_user) and sorting them.
CREATE INDEX play_sessions_user_dist ON play_sessions (workspace_id, roblox_user_id,
	distribution, credited, started_at, id);
