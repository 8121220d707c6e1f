/*
 * communities.c: communities, their allow-lists and the default flag; see communities.h.
 * Every operation reads the target and the roles it names inside the caller's transaction,
 * then checks in the order of staff-admin.md §1.6: referenced ids (400 unknown_ids), the
 * allow-list lock rule and the default rule (403), self-lockout (400), state conflicts (409).
 * Nothing is written before the last check passes, and each change writes one audit entry
 * (workspace id = the community id) in the same transaction.
 */
#include "model/communities.h"

#include <string.h>
#include <strings.h>

#include "auth/perm.h"
#include "core/utf8.h"
#include "model/audit.h"
#include "model/roles.h"
#include "model/snapshot.h"

#define COMMUNITY_COLS                                                                         \
	"c.id, c.name, c.icon_url, c.is_default, c.roblox_group_id, c.created_at, c.updated_at"

/* §5.2 in one statement: the first argument is 1 for an administrator. */
static const char SQL_COMMUNITY_VISIBLE[] =
	"SELECT " COMMUNITY_COLS " FROM communities c WHERE ? = 1"
	" OR EXISTS (SELECT 1 FROM community_allowed_roles r WHERE r.community_id = c.id"
	" AND r.role_id = ?) OR EXISTS (SELECT 1 FROM community_allowed_users u"
	" WHERE u.community_id = c.id AND u.user_id = ?)"
	" ORDER BY c.is_default DESC, c.name_key, c.id";
static const char SQL_COMMUNITY_GET[] =
	"SELECT " COMMUNITY_COLS " FROM communities c WHERE c.id = ?";
static const char SQL_COMMUNITY_DEFAULT[] =
	"SELECT " COMMUNITY_COLS " FROM communities c WHERE c.is_default = 1 ORDER BY c.id";
static const char SQL_ALLOWED_ROLES[] =
	"SELECT a.role_id, r.level FROM community_allowed_roles a JOIN roles r ON r.id = a.role_id"
	" WHERE a.community_id = ? ORDER BY r.position, r.id";
/* H11: a soft-deleted account keeps its role, and so its level, for the lock rule. */
static const char SQL_ALLOWED_USERS[] =
	"SELECT a.user_id, COALESCE(r.level, 0) FROM community_allowed_users a"
	" JOIN users u ON u.id = a.user_id LEFT JOIN roles r ON r.id = u.role_id"
	" WHERE a.community_id = ? ORDER BY a.user_id";
static const char SQL_USER_LEVEL[] =
	"SELECT u.status, COALESCE(r.level, 0) FROM users u LEFT JOIN roles r ON r.id = u.role_id"
	" WHERE u.id = ?";
static const char SQL_NAME_OWNER[] = "SELECT id FROM communities WHERE name_key = ?";
static const char SQL_COMMUNITY_INSERT[] =
	"INSERT INTO communities (id, name, name_key, icon_url, is_default, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_COMMUNITY_UPDATE[] =
	"UPDATE communities SET name = ?, name_key = ?, icon_url = ?, is_default = ?,"
	" updated_at = ? WHERE id = ?";
static const char SQL_DEFAULT_CLEAR[] =
	"UPDATE communities SET is_default = 0, updated_at = ? WHERE is_default = 1 AND id <> ?";
static const char SQL_COMMUNITY_DELETE[] = "DELETE FROM communities WHERE id = ?";
static const char SQL_ROLE_ALLOW[] =
	"INSERT INTO community_allowed_roles (community_id, role_id) VALUES (?, ?)";
static const char SQL_ROLE_DISALLOW[] =
	"DELETE FROM community_allowed_roles WHERE community_id = ? AND role_id = ?";
static const char SQL_USER_ALLOW[] =
	"INSERT INTO community_allowed_users (community_id, user_id) VALUES (?, ?)";
static const char SQL_USER_DISALLOW[] =
	"DELETE FROM community_allowed_users WHERE community_id = ? AND user_id = ?";
static const char SQL_ROLES_CLEAR[] = "DELETE FROM community_allowed_roles WHERE community_id = ?";
static const char SQL_USERS_CLEAR[] = "DELETE FROM community_allowed_users WHERE community_id = ?";
/*
 * A11: the workspace's game keys (platform.md §6.3). Further workspace tables that hold a
 * credential a game server uses add their count here; everything else the workspace owns
 * references communities (id) ON DELETE CASCADE and leaves with the row.
 */
static const char SQL_KEYS_LIVE[] =
	"SELECT (SELECT COUNT(*) FROM loader_keys WHERE workspace_id = ? AND revoked_at IS NULL),"
	" (SELECT COUNT(*) FROM ranking_keys WHERE workspace_id = ? AND revoked_at IS NULL)";
static const char SQL_KEYS_ALL[] =
	"SELECT (SELECT COUNT(*) FROM loader_keys WHERE workspace_id = ?),"
	" (SELECT COUNT(*) FROM ranking_keys WHERE workspace_id = ?)";
/*
 * A12: rank 0 = an exact id, Roblox id or username; 1 = a username prefix; 2 = any other
 * username substring. Usernames are matched through the lowercased username_key. Each rank is
 * its own ordered branch limited to limit + 1 rows; the outer query keeps each account's best
 * rank. The exact matches are three branches so that each uses its own unique index (an OR of
 * them would read every active account); prefixes are a range of users_active_name, and
 * usernames are ASCII [A-Za-z0-9_.-], so every key with the prefix sorts below prefix || '~'.
 * instr() matches the term literally, so %, _ and \ need no escaping. Only the rank 2 branch
 * differs by term length (below).
 */
#define USER_SEARCH_HEAD                                                                       \
	"SELECT m.id, u.username, u.roblox_user_id, u.role_id, r.name, r.color,"                \
	" COALESCE(r.level, 0), u.status, MIN(m.rk) AS rk"                                      \
	" FROM (SELECT id, 0 AS rk FROM users WHERE id = ? AND status = 'active'"               \
	"       UNION ALL SELECT id, 0 FROM users WHERE roblox_user_id = ? AND status = 'active'" \
	"       UNION ALL SELECT id, 0 FROM users WHERE username_key = ? AND status = 'active'"   \
	"       UNION ALL SELECT * FROM (SELECT id, 1 FROM users WHERE status = 'active'"         \
	"       AND username_key >= ? AND username_key < ? ORDER BY username_key, id LIMIT ?)"
#define USER_SEARCH_TAIL                                                                       \
	" JOIN users u ON u.id = m.id LEFT JOIN roles r ON r.id = u.role_id"                      \
	" GROUP BY m.id, u.username, u.roblox_user_id, u.role_id, r.name, r.color, r.level,"      \
	" u.status, u.username_key ORDER BY rk, u.username_key, m.id LIMIT ?"
/*
 * 1-2 characters: the walk of users_active_name in order, as before 0018. Short terms are
 * common in usernames, so the walk meets its limit early (posting lists of every 1- and
 * 2-character piece would double the index for that). A term absent from the usernames
 * walked the whole index: a term found at position 2 or later ends some stored piece (see
 * 0018), so when none ends with it the walk gets LIMIT 0 (a condition in WHERE would be
 * tested on every row). substr(tri, 2, length(term)) is the end of a 3-character piece for a
 * 2-character term and its 2nd character for a 1-character one; substr(tri, 3) its 3rd.
 */
static const char SQL_USER_SEARCH_SHORT[] =
	USER_SEARCH_HEAD
	"       UNION ALL SELECT * FROM (SELECT id, 2 FROM users WHERE status = 'active'"
	"       AND instr(username_key, ?) > 1 ORDER BY username_key, id"
	"       LIMIT CASE WHEN EXISTS (SELECT 1 FROM user_trigram_counts WHERE n > 0"
	"       AND (substr(tri, 2, length(?)) = ? OR substr(tri, 3) = ?)) THEN ? ELSE 0 END)) m"
	USER_SEARCH_TAIL;
/*
 * 3 characters or more (0018_user_trigrams): any username containing the term holds each of
 * its trigrams, so the posting list of the rarest one (fewest accounts in
 * user_trigram_counts; one no account holds ends the search) has every match. The list is
 * kept in (username_key, user_id) order, the answer's, so the walk checks the real match on
 * the posting row itself, the status on the account, and stops at the limit. The term's
 * trigrams are cut by SQLite as the triggers cut the stored keys, so both agree on
 * non-ASCII text.
 */
static const char SQL_USER_SEARCH_TRIGRAM[] =
	USER_SEARCH_HEAD
	"       UNION ALL SELECT * FROM (SELECT t.user_id, 2 FROM user_trigrams t"
	"       JOIN users s ON s.id = t.user_id"
	"       WHERE t.tri = (SELECT substr(?, p.i, 3) FROM user_trigram_pos p"
	"       LEFT JOIN user_trigram_counts n ON n.tri = substr(?, p.i, 3)"
	"       WHERE p.i <= length(?) - 2 ORDER BY COALESCE(n.n, 0), p.i LIMIT 1)"
	"       AND instr(t.username_key, ?) > 1 AND s.status = 'active'"
	"       ORDER BY t.username_key, t.user_id LIMIT ?)) m"
	USER_SEARCH_TAIL;

/* Ids collected for an error's details.ids. */
struct idset {
	const char **v;
	size_t n;
};

static void
idset_init(struct arena *a, struct idset *s, size_t cap)
{
	s->v = arena_alloc(a, (cap + 1) * sizeof(char *));
	s->n = 0;
}

/* Fails with details {"ids": [...]}. */
static enum err
fail_ids(struct ctx *c, enum err err, const struct idset *ids)
{
	struct snap s;

	snap_begin(&s, c->arena);
	snap_strs(&s, "ids", ids->v, ids->n);
	return fail_raw(&c->fail, err, snap_end(&s));
}

/* --- pure rules ------------------------------------------------------------------------------- */

static bool
is_hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/* RFC 3986 §2: unreserved, reserved and '%'; nothing else may appear in a URI. */
static bool
is_uri_char(char ch)
{
	if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
		return true;
	return ch != '\0' && strchr("-._~:/?#[]@!$&'()*+,;=%", ch) != NULL;
}

bool
community_icon_is_valid(const char *url, const char **reason)
{
	size_t len = strlen(url), skip, alen;
	const char *auth;

	if (len > COMMUNITY_ICON_MAX) {
		*reason = "is too long";
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		bool bad_pct = url[i] == '%' &&
			       (i + 2 >= len || !is_hex(url[i + 1]) || !is_hex(url[i + 2]));
		if (!is_uri_char(url[i]) || bad_pct) {
			*reason = "must not contain whitespace or characters URLs exclude";
			return false;
		}
	}
	/* Schemes are case-insensitive (RFC 3986 §3.1). */
	if (strncasecmp(url, "https://", 8) == 0) {
		skip = 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		skip = 7;
	} else {
		*reason = "must be an absolute http:// or https:// URL";
		return false;
	}
	auth = url + skip;
	alen = strcspn(auth, "/?#");
	/*
	 * The host follows any userinfo (up to the last '@', as browsers read it) and comes
	 * before any port; it must not be empty.
	 */
	for (size_t i = alen; i > 0; i--) {
		if (auth[i - 1] == '@') {
			alen -= i;
			auth += i;
			break;
		}
	}
	if (alen == 0 || auth[0] == ':') {
		*reason = "must name a host";
		return false;
	}
	return true;
}

static const struct community_entry *
entry_find(const struct community_entry *v, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

bool
community_may_moderate(const struct actor *a, const struct community *cm)
{
	if (a->perms & PERM_BIT(PERM_ADMINISTRATOR))
		return true;
	if (a->role_id != NULL && entry_find(cm->roles, cm->n_roles, a->role_id) != NULL)
		return true;
	return a->user_id[0] != '\0' && entry_find(cm->users, cm->n_users, a->user_id) != NULL;
}

/* Unicode White_Space. */
static bool
is_white_space(int32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool
community_search_term(struct arena *a, const char *q, const char **term)
{
	size_t len = strlen(q), i = 0, start = 0, end = 0, n, count;

	if (!utf8_valid(q, len))
		return false;
	/* [start, end) is the span from the first to past the last non-space code point. */
	while (i < len) {
		int32_t cp = utf8_decode(q + i, len - i, &n);
		if (!is_white_space(cp)) {
			if (end == 0)
				start = i;
			end = i + n;
		}
		i += n;
	}
	count = end > start ? utf8_count(q + start, end - start) : 0;
	if (count < COMMUNITY_SEARCH_MIN || count > COMMUNITY_SEARCH_MAX)
		return false;
	*term = arena_strndup(a, q + start, end - start);
	return true;
}

/* --- reads ------------------------------------------------------------------------------------ */

static void
community_from_row(const struct rows *rs, size_t i, struct community *cm)
{
	memset(cm, 0, sizeof(*cm));
	cm->id = rows_text(rs, i, 0);
	cm->name = rows_text(rs, i, 1);
	cm->icon_url = rows_text(rs, i, 2);
	cm->is_default = rows_int(rs, i, 3) != 0;
	cm->roblox_group_id = rows_text(rs, i, 4);
	cm->created_at = rows_int(rs, i, 5);
	cm->updated_at = rows_int(rs, i, 6);
}

static enum err
entries_load(struct ctx *c, const char *sql, const char *id, struct community_entry **out,
	     size_t *n)
{
	const struct val args[] = { V_TEXT(id) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, sql, args, 1, &rows);

	if (err)
		return err;
	*n = rows.n;
	*out = arena_alloc(c->arena, (rows.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rows.n; i++)
		(*out)[i] = (struct community_entry){ rows_text(&rows, i, 0),
						      (int)rows_int(&rows, i, 1) };
	return ERR_OK;
}

static enum err
community_lists_load(struct ctx *c, struct community *cm)
{
	enum err err = entries_load(c, SQL_ALLOWED_ROLES, cm->id, &cm->roles, &cm->n_roles);

	if (!err)
		err = entries_load(c, SQL_ALLOWED_USERS, cm->id, &cm->users, &cm->n_users);
	return err;
}

/* The first row of sql (bound to arg, or nothing) with its lists; *found false when none. */
static enum err
community_fetch(struct ctx *c, const char *sql, const char *arg, struct community *out,
		bool *found)
{
	const struct val args[] = { V_TEXT(arg) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, sql, args, arg ? 1 : 0, &rows);

	*found = false;
	if (err || rows.n == 0)
		return err;
	community_from_row(&rows, 0, out);
	*found = true;
	return community_lists_load(c, out);
}

enum err
community_list(struct ctx *c, struct community **out, size_t *n)
{
	const struct actor *a = &c->actor;
	const struct val args[] = { V_INT((a->perms & PERM_BIT(PERM_ADMINISTRATOR)) ? 1 : 0),
				    V_TEXT(a->role_id ? a->role_id : ""), V_TEXT(a->user_id) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_COMMUNITY_VISIBLE, args, 3, &rows);

	if (err)
		return err;
	*n = rows.n;
	*out = arena_alloc(c->arena, (rows.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rows.n && !err; i++) {
		community_from_row(&rows, i, &(*out)[i]);
		err = community_lists_load(c, &(*out)[i]);
	}
	return err;
}

enum err
community_get(struct ctx *c, const char *id, struct community *out)
{
	bool found;
	enum err err = community_fetch(c, SQL_COMMUNITY_GET, id, out, &found);

	if (err)
		return err;
	/* §5.2: a community the actor may not moderate answers exactly like an unknown id. */
	if (!found || !community_may_moderate(&c->actor, out))
		return ERR_COMMUNITY_NOT_FOUND;
	return ERR_OK;
}

enum err
community_keys_count(struct ctx *c, const char *id, struct community_keys *out)
{
	const struct val args[] = { V_TEXT(id), V_TEXT(id) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_KEYS_LIVE, args, 2, &rows);

	if (err)
		return err;
	out->loader = rows_int(&rows, 0, 0);
	out->ranking = rows_int(&rows, 0, 1);
	return ERR_OK;
}

enum err
community_user_search(struct ctx *c, const char *term, struct user **out, size_t *n)
{
	const char *key = username_key(c->arena, term);
	const char *upper = arena_printf(c->arena, "%s~", term);
	/* Code points, as SQLite's substr() and length() count them for the trigrams. */
	const char *sql = utf8_count(key, strlen(key)) >= 3 ? SQL_USER_SEARCH_TRIGRAM
							    : SQL_USER_SEARCH_SHORT;
	/* Both rank 2 branches take the key four times, then their limit. */
	const struct val args[] = {
		V_TEXT(term),
		V_TEXT(term),
		V_TEXT(key),
		V_TEXT(key),
		V_TEXT(username_key(c->arena, upper)),
		V_INT(COMMUNITY_SEARCH_LIMIT + 1),
		V_TEXT(key),
		V_TEXT(key),
		V_TEXT(key),
		V_TEXT(key),
		V_INT(COMMUNITY_SEARCH_LIMIT + 1),
		V_INT(COMMUNITY_SEARCH_LIMIT),
	};
	struct rows rows;
	enum err err = store_query(c->store, c->arena, sql, args, nitems(args), &rows);

	if (err)
		return err;
	*n = rows.n;
	*out = arena_alloc(c->arena, (rows.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rows.n; i++) {
		struct user *u = &(*out)[i];
		memset(u, 0, sizeof(*u));
		u->id = rows_text(&rows, i, 0);
		u->username = rows_text(&rows, i, 1);
		u->roblox_user_id = rows_text(&rows, i, 2);
		u->role_id = rows_text(&rows, i, 3);
		u->role_name = rows_text(&rows, i, 4);
		u->role_color = rows_text(&rows, i, 5);
		u->level = u->role_id ? (int)rows_int(&rows, i, 6) : 0;
		u->status = rows_text(&rows, i, 7);
	}
	return ERR_OK;
}

/* --- shared checks ---------------------------------------------------------------------------- */

/* ASCII-lowercased copy: the stored name_key (§1.5, X-6). */
static char *
community_name_key(struct arena *a, const char *name)
{
	char *k = arena_strdup(a, name);

	for (char *p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return k;
}

/* Step 11 for allowedRoleIds: each id names a role; out gets them with their levels. */
static void
resolve_roles(const struct role_set *s, const char *const *ids, size_t n,
	      struct community_entry *out, struct idset *unknown)
{
	for (size_t i = 0; i < n; i++) {
		const struct role *r = role_find(s, ids[i]);
		if (r == NULL)
			unknown->v[unknown->n++] = ids[i];
		else
			out[i] = (struct community_entry){ r->id, r->level };
	}
}

/*
 * Step 11 for allowedUserIds: a new entry must be an active account (§5.4); an entry already
 * on the stored list of cur is kept even while its account is soft-deleted, so a restore
 * brings its access back.
 */
static enum err
resolve_users(struct ctx *c, const struct community *cur, const char *const *ids, size_t n,
	      struct community_entry *out, struct idset *unknown)
{
	for (size_t i = 0; i < n; i++) {
		const struct community_entry *e = entry_find(cur->users, cur->n_users, ids[i]);
		const struct val args[] = { V_TEXT(ids[i]) };
		struct rows rows;
		enum err err;

		if (e != NULL) {
			out[i] = *e;
			continue;
		}
		err = store_query(c->store, c->arena, SQL_USER_LEVEL, args, 1, &rows);
		if (err)
			return err;
		if (rows.n == 0 || strcmp(rows_text(&rows, 0, 0), "active") != 0)
			unknown->v[unknown->n++] = ids[i];
		else
			out[i] = (struct community_entry){ ids[i], (int)rows_int(&rows, 0, 1) };
	}
	return ERR_OK;
}

/*
 * Builds next = cur with the lists the input replaces (cur is the stored community, or one
 * with empty lists on create); 400 unknown_ids names every unknown role and user id.
 */
static enum err
resolve_lists(struct ctx *c, const struct community *cur, const struct community_input *in,
	      struct community *next)
{
	struct role_set s;
	struct idset unknown;
	enum err err;

	*next = *cur;
	idset_init(c->arena, &unknown, in->n_role_ids + in->n_user_ids);
	if (in->roles_set) {
		err = role_list(c, &s);
		if (err)
			return err;
		next->n_roles = in->n_role_ids;
		next->roles = arena_alloc(c->arena, (in->n_role_ids + 1) * sizeof(*next->roles));
		resolve_roles(&s, in->role_ids, in->n_role_ids, next->roles, &unknown);
	}
	if (in->users_set) {
		next->n_users = in->n_user_ids;
		next->users = arena_alloc(c->arena, (in->n_user_ids + 1) * sizeof(*next->users));
		err = resolve_users(c, cur, in->user_ids, in->n_user_ids, next->users, &unknown);
		if (err)
			return err;
	}
	return unknown.n > 0 ? fail_ids(c, ERR_UNKNOWN_IDS, &unknown) : ERR_OK;
}

/* §5.3: an entry at or above the actor (H12). */
static bool
entry_locked(const struct actor *a, const struct community_entry *e)
{
	return !hier_outranks(a->level, e->level);
}

/* Locked entries of `from` that are missing from `to`, except `own` (NULL: no exception). */
static void
lock_diff(const struct actor *a, const struct community_entry *from, size_t n_from,
	  const struct community_entry *to, size_t n_to, const char *own, struct idset *bad)
{
	for (size_t i = 0; i < n_from; i++)
		if (entry_find(to, n_to, from[i].id) == NULL && entry_locked(a, &from[i]) &&
		    (own == NULL || strcmp(from[i].id, own) != 0))
			bad->v[bad->n++] = from[i].id;
}

/*
 * §5.3: no locked entry may be added or removed. The actor may add its own role id and its
 * own user id and remove its own user id, but not remove its own role id (peers share it).
 */
static enum err
lock_check(struct ctx *c, const struct community *cur, const struct community *next)
{
	const struct actor *a = &c->actor;
	const char *self = a->user_id[0] ? a->user_id : NULL;
	struct idset bad;

	idset_init(c->arena, &bad, cur->n_roles + next->n_roles + cur->n_users + next->n_users);
	lock_diff(a, next->roles, next->n_roles, cur->roles, cur->n_roles, a->role_id, &bad);
	lock_diff(a, cur->roles, cur->n_roles, next->roles, next->n_roles, NULL, &bad);
	lock_diff(a, next->users, next->n_users, cur->users, cur->n_users, self, &bad);
	lock_diff(a, cur->users, cur->n_users, next->users, next->n_users, self, &bad);
	return bad.n > 0 ? fail_ids(c, ERR_HIERARCHY, &bad) : ERR_OK;
}

/*
 * §5.1: making `target_id` the default moves the flag away from the current default, which
 * the actor must be able to moderate (403 forbidden). *prev gets the current default's id,
 * or NULL when target_id already is the default.
 */
static enum err
default_check(struct ctx *c, const char *target_id, const char **prev)
{
	struct community d;
	bool found;
	enum err err = community_fetch(c, SQL_COMMUNITY_DEFAULT, NULL, &d, &found);

	*prev = NULL;
	if (err || !found || strcmp(d.id, target_id) == 0)
		return err;
	if (!community_may_moderate(&c->actor, &d))
		return fail_raw(&c->fail, ERR_FORBIDDEN, NULL);
	*prev = d.id;
	return ERR_OK;
}

/*
 * Step 12 after the lists resolved: lock rule, default rule, then self-lockout (a request
 * breaking both the lock rule and self-lockout answers 403, §1.6).
 */
static enum err
rules_check(struct ctx *c, const struct community *cur, const struct community *next,
	    bool move_default, const char **prev_default)
{
	enum err err = lock_check(c, cur, next);

	*prev_default = NULL;
	if (!err && move_default)
		err = default_check(c, cur->id, prev_default);
	if (!err && !community_may_moderate(&c->actor, next))
		err = ERR_SELF_LOCKOUT;
	return err;
}

/* X-6: 409 name_taken when another community has the name, ASCII case-insensitively. */
static enum err
name_free(struct ctx *c, const char *name, const char *self_id)
{
	const struct val args[] = { V_TEXT(community_name_key(c->arena, name)) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_NAME_OWNER, args, 1, &rows);

	if (err)
		return err;
	if (rows.n > 0 && (self_id == NULL || strcmp(rows_text(&rows, 0, 0), self_id) != 0))
		return ERR_NAME_TAKEN;
	return ERR_OK;
}

/* --- writes ----------------------------------------------------------------------------------- */

/* Entries of `from` missing from `to` go through sql (insert or delete) with the community id. */
static enum err
entries_apply(struct ctx *c, const char *sql, const char *id, const struct community_entry *from,
	      size_t n_from, const struct community_entry *to, size_t n_to)
{
	enum err err = ERR_OK;

	for (size_t i = 0; i < n_from && !err; i++) {
		if (entry_find(to, n_to, from[i].id) != NULL)
			continue;
		const struct val args[] = { V_TEXT(id), V_TEXT(from[i].id) };
		err = store_exec(c->store, sql, args, 2, NULL);
	}
	return err;
}

/* Writes the allow-list changes from cur to next: removals first, then additions. */
static enum err
lists_write(struct ctx *c, const struct community *cur, const struct community *next)
{
	const char *id = next->id;
	enum err err;

	err = entries_apply(c, SQL_ROLE_DISALLOW, id, cur->roles, cur->n_roles, next->roles,
			    next->n_roles);
	if (!err)
		err = entries_apply(c, SQL_USER_DISALLOW, id, cur->users, cur->n_users, next->users,
				    next->n_users);
	if (!err)
		err = entries_apply(c, SQL_ROLE_ALLOW, id, next->roles, next->n_roles, cur->roles,
				    cur->n_roles);
	if (!err)
		err = entries_apply(c, SQL_USER_ALLOW, id, next->users, next->n_users, cur->users,
				    cur->n_users);
	return err;
}

/* §5.1: the flag leaves every other community in the same transaction. */
static enum err
default_move(struct ctx *c, const char *id)
{
	const struct val args[] = { V_INT(c->now), V_TEXT(id) };

	return store_exec(c->store, SQL_DEFAULT_CLEAR, args, 2, NULL);
}

static const char **
entry_ids(struct arena *a, const struct community_entry *v, size_t n)
{
	const char **ids = arena_alloc(a, (n + 1) * sizeof(char *));

	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].id;
	return ids;
}

/* Entries of `from` missing from `to`, as an array member k. */
static void
snap_missing(struct snap *s, const char *k, const struct community_entry *from, size_t n_from,
	     const struct community_entry *to, size_t n_to)
{
	snap_arr(s, k);
	for (size_t i = 0; i < n_from; i++)
		if (entry_find(to, n_to, from[i].id) == NULL)
			snap_item(s, from[i].id);
	snap_arr_end(s);
}

/* The stored fields of a community, as members of the current object. */
static void
snap_community(struct snap *s, struct arena *a, const struct community *cm)
{
	snap_str(s, "name", cm->name);
	snap_str(s, "iconUrl", cm->icon_url);
	snap_bool(s, "isDefault", cm->is_default);
	snap_strs(s, "allowedRoleIds", entry_ids(a, cm->roles, cm->n_roles), cm->n_roles);
	snap_strs(s, "allowedUserIds", entry_ids(a, cm->users, cm->n_users), cm->n_users);
	snap_str(s, "robloxGroupId", cm->roblox_group_id);
}

static enum err
audit_snap(struct ctx *c, const char *action, const char *id, struct snap *before,
	   struct snap *after)
{
	const char *b = before ? snap_end(before) : NULL, *a = after ? snap_end(after) : NULL;

	if ((before && b == NULL) || (after && a == NULL))
		return ERR_INTERNAL; /* past the snapshot cap: never store a cut snapshot */
	return audit_write(c, action, "community", id, id, b, a);
}

/* Re-reads the community after a write, so the answer shows what was committed. */
static enum err
community_reload(struct ctx *c, const char *id, struct community *out)
{
	bool found;
	enum err err = community_fetch(c, SQL_COMMUNITY_GET, id, out, &found);

	return err ? err : (found ? ERR_OK : ERR_INTERNAL);
}

/* --- A9 create -------------------------------------------------------------------------------- */

static enum err
community_insert(struct ctx *c, const struct community *next, const char *prev_default)
{
	const struct community none = { .id = next->id };
	const struct val args[] = {
		V_TEXT(next->id),
		V_TEXT(next->name),
		V_TEXT(community_name_key(c->arena, next->name)),
		V_TEXT(next->icon_url),
		V_INT(next->is_default),
		V_INT(c->now),
		V_INT(c->now),
	};
	enum err err = ERR_OK;

	if (prev_default != NULL)
		err = default_move(c, next->id);
	if (!err)
		err = store_exec(c->store, SQL_COMMUNITY_INSERT, args, nitems(args), NULL);
	if (err == ERR_CONFLICT)
		return ERR_NAME_TAKEN;
	if (!err)
		err = lists_write(c, &none, next);
	return err;
}

enum err
community_create(struct ctx *c, const struct community_input *in, struct community *out)
{
	return community_create_as(c, in, "community.create", out);
}

enum err
community_create_as(struct ctx *c, const struct community_input *in, const char *action,
		    struct community *out)
{
	char id[ID_LEN + 1];
	struct community empty = { 0 }, next;
	const char *prev_default;
	struct snap after;
	enum err err;

	id_new(c->now, id);
	empty.id = id;
	err = resolve_lists(c, &empty, in, &next);
	if (err)
		return err;
	next.name = in->name;
	next.icon_url = in->icon_url;
	next.is_default = in->default_set && in->is_default;
	err = rules_check(c, &empty, &next, next.is_default, &prev_default);
	if (!err)
		err = name_free(c, in->name, NULL);
	if (!err)
		err = community_insert(c, &next, prev_default);
	if (!err)
		err = community_reload(c, id, out);
	if (err)
		return err;
	if (action == NULL)
		return ERR_OK; /* the caller writes the one entry (workspaces, platform.md §6.1) */
	snap_begin(&after, c->arena);
	snap_community(&after, c->arena, out);
	if (prev_default != NULL)
		snap_str(&after, "previousDefaultId", prev_default);
	return audit_snap(c, action, id, NULL, &after);
}

/* --- A10 update ------------------------------------------------------------------------------- */

static bool
str_same(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/* The same entries in any order (lists never hold duplicates). */
static bool
entries_same(const struct community_entry *x, size_t nx, const struct community_entry *y,
	     size_t ny)
{
	if (nx != ny)
		return false;
	for (size_t i = 0; i < nx; i++)
		if (entry_find(y, ny, x[i].id) == NULL)
			return false;
	return true;
}

/* A changed allow-list: the whole list before and after, plus what was added and removed. */
static void
snap_list_change(struct snap *b, struct snap *a, struct arena *ar, const char *k,
		 const struct community_entry *from, size_t n_from,
		 const struct community_entry *to, size_t n_to)
{
	snap_strs(b, k, entry_ids(ar, from, n_from), n_from);
	snap_strs(a, k, entry_ids(ar, to, n_to), n_to);
	snap_missing(a, arena_printf(ar, "%sAdded", k), to, n_to, from, n_from);
	snap_missing(a, arena_printf(ar, "%sRemoved", k), from, n_from, to, n_to);
}

static bool
community_differs(const struct community *t, const struct community *n)
{
	return strcmp(t->name, n->name) != 0 || !str_same(t->icon_url, n->icon_url) ||
	       t->is_default != n->is_default ||
	       !entries_same(t->roles, t->n_roles, n->roles, n->n_roles) ||
	       !entries_same(t->users, t->n_users, n->users, n->n_users);
}

/* Records each field that differs between t (before) and n (after, as stored). */
static void
community_update_snap(struct arena *ar, const struct community *t, const struct community *n,
		      const char *prev_default, struct snap *b, struct snap *a)
{
	if (strcmp(t->name, n->name) != 0) {
		snap_str(b, "name", t->name);
		snap_str(a, "name", n->name);
	}
	if (!str_same(t->icon_url, n->icon_url)) {
		snap_str(b, "iconUrl", t->icon_url);
		snap_str(a, "iconUrl", n->icon_url);
	}
	if (t->is_default != n->is_default) {
		snap_bool(b, "isDefault", t->is_default);
		snap_bool(a, "isDefault", n->is_default);
		snap_str(a, "previousDefaultId", prev_default);
	}
	if (!entries_same(t->roles, t->n_roles, n->roles, n->n_roles))
		snap_list_change(b, a, ar, "allowedRoleIds", t->roles, t->n_roles, n->roles,
				 n->n_roles);
	if (!entries_same(t->users, t->n_users, n->users, n->n_users))
		snap_list_change(b, a, ar, "allowedUserIds", t->users, t->n_users, n->users,
				 n->n_users);
}

static enum err
community_update_apply(struct ctx *c, const struct community *t, const struct community *n,
		       const char *prev_default)
{
	const struct val args[] = {
		V_TEXT(n->name),
		V_TEXT(community_name_key(c->arena, n->name)),
		V_TEXT(n->icon_url),
		V_INT(n->is_default),
		V_INT(c->now),
		V_TEXT(n->id),
	};
	enum err err = ERR_OK;

	if (prev_default != NULL)
		err = default_move(c, n->id);
	if (!err)
		err = store_exec(c->store, SQL_COMMUNITY_UPDATE, args, nitems(args), NULL);
	if (err == ERR_CONFLICT)
		return ERR_NAME_TAKEN;
	if (!err)
		err = lists_write(c, t, n);
	return err;
}

enum err
community_update(struct ctx *c, const char *id, const struct community_input *in,
		 struct community *out)
{
	struct community t, next;
	const char *prev_default;
	struct snap b, a;
	enum err err;

	err = community_get(c, id, &t);
	if (!err)
		err = resolve_lists(c, &t, in, &next);
	if (err)
		return err;
	next.name = in->name;
	if (in->icon_set)
		next.icon_url = in->icon_url;
	if (in->default_set && in->is_default)
		next.is_default = true;
	err = rules_check(c, &t, &next, next.is_default && !t.is_default, &prev_default);
	/* §5.1: the flag only moves by making another community the default. */
	if (!err && in->default_set && !in->is_default && t.is_default)
		err = ERR_DEFAULT_REQUIRED;
	if (!err)
		err = name_free(c, in->name, t.id);
	if (err)
		return err;
	if (!community_differs(&t, &next)) {
		*out = t; /* a 200 that changes nothing writes nothing (§1.9) */
		return ERR_OK;
	}
	err = community_update_apply(c, &t, &next, prev_default);
	if (!err)
		err = community_reload(c, id, out);
	if (err)
		return err;
	/* The snapshot is taken from the stored result, so lists read in their stored order. */
	snap_begin(&b, c->arena);
	snap_begin(&a, c->arena);
	community_update_snap(c->arena, &t, out, prev_default, &b, &a);
	return audit_snap(c, "community.update", id, &b, &a);
}

/* --- A11 delete ------------------------------------------------------------------------------- */

static enum err
community_in_use(struct ctx *c, const char *id)
{
	struct community_keys k;
	struct snap s;
	enum err err = community_keys_count(c, id, &k);

	if (err || (k.loader == 0 && k.ranking == 0))
		return err;
	snap_begin(&s, c->arena);
	snap_int(&s, "loaderKeys", k.loader);
	snap_int(&s, "rankingKeys", k.ranking);
	return fail_raw(&c->fail, ERR_COMMUNITY_IN_USE, snap_end(&s));
}

/* Allow-list rows, then the row itself; *removed gets what went with it, for the audit entry. */
static enum err
community_delete_rows(struct ctx *c, const char *id, int64_t removed[4])
{
	const struct val id1[] = { V_TEXT(id) };
	const struct val id2[] = { V_TEXT(id), V_TEXT(id) };
	struct rows keys;
	enum err err;

	/* Only revoked keys are left here (A11); the cascade on workspace_id removes them. */
	err = store_query(c->store, c->arena, SQL_KEYS_ALL, id2, 2, &keys);
	if (!err)
		err = store_exec(c->store, SQL_ROLES_CLEAR, id1, 1, &removed[0]);
	if (!err)
		err = store_exec(c->store, SQL_USERS_CLEAR, id1, 1, &removed[1]);
	if (!err)
		err = store_exec(c->store, SQL_COMMUNITY_DELETE, id1, 1, NULL);
	if (!err) {
		removed[2] = rows_int(&keys, 0, 0);
		removed[3] = rows_int(&keys, 0, 1);
	}
	return err;
}

enum err
community_delete(struct ctx *c, const char *id, struct community *out)
{
	return community_delete_as(c, id, "community.delete", out);
}

enum err
community_delete_as(struct ctx *c, const char *id, const char *action, struct community *out)
{
	int64_t removed[4] = { 0 };
	struct snap b;
	enum err err;

	err = community_get(c, id, out);
	if (!err && out->is_default)
		err = ERR_DEFAULT_UNDELETABLE;
	if (!err)
		err = community_in_use(c, id);
	if (!err)
		err = community_delete_rows(c, id, removed);
	if (err)
		return err;
	snap_begin(&b, c->arena);
	snap_community(&b, c->arena, out);
	snap_obj(&b, "rowsRemoved");
	snap_int(&b, "allowedRoles", removed[0]);
	snap_int(&b, "allowedUsers", removed[1]);
	snap_int(&b, "loaderKeys", removed[2]);
	snap_int(&b, "rankingKeys", removed[3]);
	snap_obj_end(&b);
	return audit_snap(c, action, id, &b, NULL);
}
