-- 0002_alts: identity signals recorded at sign-in and the last alt-cluster rebuild
-- (staff-admin.md §6). Signal values are stored only as keyed BLAKE2b-256 hashes.

CREATE TABLE identity_signals (
	user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	type          TEXT NOT NULL CHECK (type IN ('ip', 'device')),
	hash          TEXT NOT NULL,
	first_seen_at INTEGER NOT NULL,
	last_seen_at  INTEGER NOT NULL,
	count         INTEGER NOT NULL,
	PRIMARY KEY (user_id, type, hash)
);
CREATE INDEX identity_signals_value ON identity_signals (type, hash, user_id);
CREATE INDEX identity_signals_seen ON identity_signals (last_seen_at);

CREATE TABLE alt_clusters (
	cluster_id  TEXT PRIMARY KEY,
	position    INTEGER NOT NULL,
	size        INTEGER NOT NULL,
	computed_at INTEGER NOT NULL
);
CREATE INDEX alt_clusters_position ON alt_clusters (position);

CREATE TABLE alt_cluster_members (
	cluster_id TEXT NOT NULL REFERENCES alt_clusters (cluster_id) ON DELETE CASCADE,
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (cluster_id, user_id)
);

CREATE TABLE alt_cluster_signals (
	cluster_id    TEXT NOT NULL REFERENCES alt_clusters (cluster_id) ON DELETE CASCADE,
	position      INTEGER NOT NULL,
	type          TEXT NOT NULL,
	ref           TEXT NOT NULL,
	accounts      INTEGER NOT NULL,
	first_seen_at INTEGER NOT NULL,
	last_seen_at  INTEGER NOT NULL,
	PRIMARY KEY (cluster_id, position)
);
