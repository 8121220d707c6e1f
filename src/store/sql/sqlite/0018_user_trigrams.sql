-- 0018_user_trigrams: a substring index for user search (staff-admin.md A12, issue 4).
-- The substring branch of the search walked the whole (status, username_key, id) index when a
-- term occurs late in username order or not at all. user_trigrams holds every 3-character
-- piece of each username_key, ordered within a piece by (username_key, user_id): the search
-- walks the list of the term's rarest piece in the answer's own order, checks the real
-- substring match on the row it reads, and stops at the limit (communities.c).
--
-- A key of exactly 2 characters has no 3-character piece and is stored whole, so that every
-- character at position 2 or later of every key is the 2nd or 3rd character of some piece:
-- the search for a 1-2 character term asks user_trigram_counts whether any piece ends with
-- the term before it walks the usernames (no piece: nothing can match).
--
-- Triggers keep both tables right for every write path (the API, the CLI, erasure, rows a
-- bench inserts with plain SQL). They depend only on username_key (and id), never on status:
-- the search filters status on the users row, so soft delete and restore write nothing here.
-- PostgreSQL needs its own trigger file (plpgsql functions); the tables and the search
-- statements are plain SQL.
--
-- The pieces of a key k are substr(k, i, 3) for i = 1 .. length(k) - 2 + (length(k) = 2):
-- length - 2 of them, one (the whole key) for 2 characters, none for shorter keys or NULL.

-- Positions 1..256 for the triggers, which may not use WITH. Usernames are 3-32 characters
-- (username_is_valid); 256 leaves room for rows written outside the API, and a trigger only
-- reads the positions its key has (a rowid range), so the spare rows cost nothing.
CREATE TABLE user_trigram_pos (
	i INTEGER PRIMARY KEY
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 256)
INSERT INTO user_trigram_pos (i) SELECT i FROM n;

-- No foreign key: the delete trigger removes a user's rows by their full key, and a foreign
-- key check would add a users lookup to each of the ~10 rows an insert writes.
CREATE TABLE user_trigrams (
	tri          TEXT NOT NULL,
	username_key TEXT NOT NULL,
	user_id      TEXT NOT NULL,
	PRIMARY KEY (tri, username_key, user_id)
) WITHOUT ROWID;

-- How many accounts hold each piece, so that the search picks the shortest list. A piece no
-- account holds any more keeps its row at n = 0 (the readers treat 0 and no row alike).
CREATE TABLE user_trigram_counts (
	tri TEXT PRIMARY KEY,
	n   INTEGER NOT NULL
) WITHOUT ROWID;

INSERT OR IGNORE INTO user_trigrams (tri, username_key, user_id)
	SELECT substr(u.username_key, p.i, 3), u.username_key, u.id
	FROM users u JOIN user_trigram_pos p
	ON p.i <= length(u.username_key) - 2 + (length(u.username_key) = 2)
	WHERE u.username_key IS NOT NULL;
INSERT INTO user_trigram_counts (tri, n) SELECT tri, COUNT(*) FROM user_trigrams GROUP BY tri;

CREATE TRIGGER users_trigrams_ins AFTER INSERT ON users
	WHEN NEW.username_key IS NOT NULL BEGIN
	INSERT INTO user_trigram_counts (tri, n)
		SELECT DISTINCT substr(NEW.username_key, i, 3), 1 FROM user_trigram_pos
		WHERE i <= length(NEW.username_key) - 2 + (length(NEW.username_key) = 2)
		ON CONFLICT (tri) DO UPDATE SET n = n + 1;
	INSERT OR IGNORE INTO user_trigrams (tri, username_key, user_id)
		SELECT substr(NEW.username_key, i, 3), NEW.username_key, NEW.id FROM user_trigram_pos
		WHERE i <= length(NEW.username_key) - 2 + (length(NEW.username_key) = 2);
END;

CREATE TRIGGER users_trigrams_del AFTER DELETE ON users
	WHEN OLD.username_key IS NOT NULL BEGIN
	UPDATE user_trigram_counts SET n = n - 1 WHERE tri IN (SELECT substr(OLD.username_key, i, 3)
		FROM user_trigram_pos
		WHERE i <= length(OLD.username_key) - 2 + (length(OLD.username_key) = 2));
	DELETE FROM user_trigrams WHERE username_key = OLD.username_key AND user_id = OLD.id
		AND tri IN (SELECT substr(OLD.username_key, i, 3) FROM user_trigram_pos
		WHERE i <= length(OLD.username_key) - 2 + (length(OLD.username_key) = 2));
END;

-- A rename (PUT /api/users/{id}) or an erasure (username_key becomes NULL): the old key's
-- rows go, the new key's come. A change of case only keeps the key, so nothing is written.
CREATE TRIGGER users_trigrams_upd AFTER UPDATE OF id, username_key ON users
	WHEN OLD.username_key IS NOT NEW.username_key OR OLD.id IS NOT NEW.id BEGIN
	UPDATE user_trigram_counts SET n = n - 1 WHERE tri IN (SELECT substr(OLD.username_key, i, 3)
		FROM user_trigram_pos
		WHERE i <= length(OLD.username_key) - 2 + (length(OLD.username_key) = 2));
	DELETE FROM user_trigrams WHERE username_key = OLD.username_key AND user_id = OLD.id
		AND tri IN (SELECT substr(OLD.username_key, i, 3) FROM user_trigram_pos
		WHERE i <= length(OLD.username_key) - 2 + (length(OLD.username_key) = 2));
	INSERT INTO user_trigram_counts (tri, n)
		SELECT DISTINCT substr(NEW.username_key, i, 3), 1 FROM user_trigram_pos
		WHERE i <= length(NEW.username_key) - 2 + (length(NEW.username_key) = 2)
		ON CONFLICT (tri) DO UPDATE SET n = n + 1;
	INSERT OR IGNORE INTO user_trigrams (tri, username_key, user_id)
		SELECT substr(NEW.username_key, i, 3), NEW.username_key, NEW.id FROM user_trigram_pos
		WHERE i <= length(NEW.username_key) - 2 + (length(NEW.username_key) = 2);
END;
