-- 0009_ignored_players: the platform-wide set of Roblox user ids never to be processed
-- (readmin-compat.md §4.5). Filled when an account linked to the id is erased and by operators
-- (`roster admin ignore-player`); no workspace column: the set is the platform's.
CREATE TABLE ignored_players (
	roblox_user_id TEXT PRIMARY KEY,
	reason         TEXT NOT NULL, -- erasure | operator
	created_at     INTEGER NOT NULL
);
