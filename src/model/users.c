/*
 * users.c: account rows for login, password changes, the CLI, bootstrap and the users API;
 * see users.h. Reads of another account are by id; changes to one pass H10/H11 first.
 */
#include "model/users.h"

#include <string.h>

#include "auth/auth.h"
#include "auth/perm.h"
#include "auth/secret.h"
#include "core/utf8.h"
#include "model/apikeys.h"
#include "model/audit.h"
#include "model/roles.h"
#include "model/snapshot.h"

static const char SQL_FIND_LOGIN[] =
	"SELECT id, password_hash, status FROM users WHERE username_key = ?";
static const char SQL_RECORD_LOGIN[] =
	"UPDATE users SET last_login_at = ?, password_hash = ?"
	" WHERE id = ? AND password_hash = ? AND status = 'active'";
static const char SQL_SET_PASSWORD[] =
	"UPDATE users SET password_hash = ?, password_change_required = ?, updated_at = ?"
	" WHERE id = ?";
static const char SQL_CREATE[] =
	"INSERT INTO users (id, username, username_key, password_hash, role_id, status,"
	" password_change_required, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?)";
static const char SQL_ID_BY_NAME[] =
	"SELECT id FROM users WHERE username_key = ? AND status = 'active'";
static const char SQL_ALL_COMMUNITIES[] =
	"SELECT id, name, is_default FROM communities ORDER BY is_default DESC, name_key, id";
static const char SQL_MY_COMMUNITIES[] =
	"SELECT c.id, c.name, c.is_default FROM communities c WHERE"
	" EXISTS (SELECT 1 FROM community_allowed_roles r WHERE r.community_id = c.id"
	" AND r.role_id = ?) OR EXISTS (SELECT 1 FROM community_allowed_users u"
	" WHERE u.community_id = c.id AND u.user_id = ?) ORDER BY c.is_default DESC, c.name_key, c.id";
static const char SQL_OWNER_ROLE[] = "SELECT id FROM roles WHERE is_system = 1";
static const char SQL_OWNER_USERS[] =
	"SELECT COUNT(*) FROM users u JOIN roles r ON r.id = u.role_id"
	" WHERE r.is_system = 1 AND u.status = 'active'";
static const char SQL_ROLE_INSERT[] =
	"INSERT INTO roles (id, name, name_key, level, color, position, enforce_whitelist,"
	" is_system, created_at, updated_at) VALUES (?, 'Owner', 'owner', 100, NULL, 0, 0, 1, ?, ?)";
static const char SQL_ROLE_PERM_INSERT[] =
	"INSERT INTO role_permissions (role_id, perm) VALUES (?, 'administrator')";
static const char SQL_DEFAULT_COMMUNITY[] = "SELECT id FROM communities WHERE is_default = 1";
static const char SQL_COMMUNITY_INSERT[] =
	"INSERT INTO communities (id, name, name_key, icon_url, is_default, created_at, updated_at)"
	" VALUES (?, 'Main', 'main', NULL, 1, ?, ?)";
static const char SQL_META_GET[] = "SELECT value FROM meta WHERE key = ?";
static const char SQL_META_PUT[] = "INSERT INTO meta (key, value) VALUES (?, ?)";

char *
username_key(struct arena *a, const char *username)
{
	char *k = arena_strdup(a, username);

	for (char *p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return k;
}

bool
username_is_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 3 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-'))
			return false;
	}
	return true;
}

enum err
user_find_login(struct ctx *c, const char *ukey, struct user_login *out)
{
	const struct val args[] = { V_TEXT(ukey) };
	struct rows rows;
	enum err err;

	err = store_query(c->store, c->arena, SQL_FIND_LOGIN, args, 1, &rows);
	if (err)
		return err;
	if (rows.n == 0)
		return ERR_USER_NOT_FOUND;
	out->id = rows_text(&rows, 0, 0);
	out->password_hash = rows_text(&rows, 0, 1);
	out->active = strcmp(rows_text(&rows, 0, 2), "active") == 0;
	return ERR_OK;
}

enum err
user_record_login(struct ctx *c, const char *user_id, const char *old_hash, const char *new_hash,
		  bool *still_valid)
{
	const struct val args[] = { V_INT(c->now), V_TEXT(new_hash ? new_hash : old_hash),
				    V_TEXT(user_id), V_TEXT(old_hash) };
	int64_t n = 0;
	enum err err = store_exec(c->store, SQL_RECORD_LOGIN, args, 4, &n);

	*still_valid = n == 1;
	return err;
}

enum err
user_set_password(struct ctx *c, const char *user_id, const char *hash, bool change_required)
{
	const struct val args[] = { V_TEXT(hash), V_INT(change_required), V_INT(c->now),
				    V_TEXT(user_id) };
	return store_exec(c->store, SQL_SET_PASSWORD, args, 4, NULL);
}

enum err
user_create(struct ctx *c, const char *username, const char *hash, const char *role_id,
	    bool change_required, char id_out[ID_LEN + 1])
{
	enum err err;

	id_new(c->now, id_out);
	const struct val args[] = { V_TEXT(id_out),	  V_TEXT(username),
				    V_TEXT(username_key(c->arena, username)), V_TEXT(hash),
				    V_TEXT(role_id),	  V_INT(change_required),
				    V_INT(c->now),	  V_INT(c->now) };
	err = store_exec(c->store, SQL_CREATE, args, nitems(args), NULL);
	return err == ERR_CONFLICT ? ERR_USERNAME_TAKEN : err;
}

enum err
user_get_id_by_username(struct ctx *c, const char *username, const char **id)
{
	const struct val args[] = { V_TEXT(username_key(c->arena, username)) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_ID_BY_NAME, args, 1, &rows);

	if (err)
		return err;
	if (rows.n == 0)
		return ERR_USER_NOT_FOUND;
	*id = rows_text(&rows, 0, 0);
	return ERR_OK;
}

enum err
user_communities(struct ctx *c, struct rows *out)
{
	const struct actor *a = &c->actor;

	/* staff-admin.md §5.2: administrators moderate every community. */
	if (a->perms & PERM_BIT(PERM_ADMINISTRATOR))
		return store_query(c->store, c->arena, SQL_ALL_COMMUNITIES, NULL, 0, out);
	const struct val args[] = { V_TEXT(a->role_id ? a->role_id : ""), V_TEXT(a->user_id) };
	return store_query(c->store, c->arena, SQL_MY_COMMUNITIES, args, 2, out);
}

void
password_generate(char out[21])
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

	for (int i = 0; i < 20; i++)
		out[i] = alphabet[secret_uniform(sizeof(alphabet) - 1)];
	out[20] = '\0';
}

enum err
owner_role_id(struct ctx *c, const char **id)
{
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_OWNER_ROLE, NULL, 0, &rows);

	if (err)
		return err;
	if (rows.n == 0)
		return ERR_ROLE_NOT_FOUND;
	*id = rows_text(&rows, 0, 0);
	return ERR_OK;
}

enum err
owner_exists(struct ctx *c, bool *exists)
{
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_OWNER_USERS, NULL, 0, &rows);

	if (err)
		return err;
	*exists = rows_int(&rows, 0, 0) > 0;
	return ERR_OK;
}

static enum err
meta_ensure_random(struct ctx *c, const char *key)
{
	const struct val args[] = { V_TEXT(key) };
	char value[64];
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_META_GET, args, 1, &rows);

	if (err || rows.n > 0)
		return err;
	secret_token(32, value, sizeof(value));
	const struct val put[] = { V_TEXT(key), V_TEXT(value) };
	err = store_exec(c->store, SQL_META_PUT, put, 2, NULL);
	secret_wipe(value, sizeof(value));
	return err;
}

enum err
bootstrap_ensure(struct ctx *c)
{
	struct rows rows;
	char id[ID_LEN + 1];
	enum err err;

	err = store_query(c->store, c->arena, SQL_OWNER_ROLE, NULL, 0, &rows);
	if (err)
		return err;
	if (rows.n == 0) {
		id_new(c->now, id);
		const struct val args[] = { V_TEXT(id), V_INT(c->now), V_INT(c->now) };
		const struct val pargs[] = { V_TEXT(id) };
		err = store_exec(c->store, SQL_ROLE_INSERT, args, 3, NULL);
		if (!err)
			err = store_exec(c->store, SQL_ROLE_PERM_INSERT, pargs, 1, NULL);
		if (!err)
			err = audit_write(c, "role.create", "role", id, NULL, NULL,
					  "{\"name\":\"Owner\",\"level\":100}");
		if (err)
			return err;
	}
	err = store_query(c->store, c->arena, SQL_DEFAULT_COMMUNITY, NULL, 0, &rows);
	if (err)
		return err;
	if (rows.n == 0) {
		id_new(c->now, id);
		const struct val args[] = { V_TEXT(id), V_INT(c->now), V_INT(c->now) };
		err = store_exec(c->store, SQL_COMMUNITY_INSERT, args, 3, NULL);
		if (!err)
			err = audit_write(c, "community.create", "community", id, id, NULL,
					  "{\"name\":\"Main\",\"isDefault\":true}");
		if (err)
			return err;
	}
	/* The alt-signal key lives in the database so every node shares it. */
	return meta_ensure_random(c, "signal_key");
}

static const char SQL_PW_HASH[] =
	"SELECT password_hash FROM users WHERE id = ? AND status = 'active'";
static const char SQL_PW_CHANGE[] =
	"UPDATE users SET password_hash = ?, password_change_required = 0, updated_at = ?"
	" WHERE id = ? AND password_hash = ? AND status = 'active'";

enum err
user_password_hash(struct ctx *c, const char *user_id, const char **hash)
{
	const struct val args[] = { V_TEXT(user_id) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_PW_HASH, args, 1, &rows);

	if (err)
		return err;
	if (rows.n == 0 || rows_null(&rows, 0, 0))
		return ERR_UNAUTHENTICATED;
	*hash = rows_text(&rows, 0, 0);
	return ERR_OK;
}

enum err
user_change_password(struct ctx *c, const char *user_id, const char *old_hash,
		     const char *new_hash, bool *changed)
{
	const struct val args[] = { V_TEXT(new_hash), V_INT(c->now), V_TEXT(user_id),
				    V_TEXT(old_hash) };
	int64_t n = 0;
	enum err err = store_exec(c->store, SQL_PW_CHANGE, args, 4, &n);

	*changed = n == 1;
	return err;
}

/* --- users API (platform.md §5) --------------------------------------------------------------- */

#define USER_COLS                                                                              \
	"u.id, u.username, u.email, u.roblox_user_id, u.role_id, r.name, r.color,"             \
	" COALESCE(r.level, 0), u.status, u.password_change_required, u.created_at,"           \
	" u.last_login_at"
#define USER_FROM " FROM users u LEFT JOIN roles r ON r.id = u.role_id"
/*
 * One statement for every filter: an absent search binds NULL, and the role filter is off
 * when its count is 0. Unused IN slots bind NULL, which matches nothing.
 */
#define USER_FILTER                                                                            \
	" WHERE u.status = 'active' AND (? IS NULL OR u.username_key LIKE ? ESCAPE '\\'"        \
	" OR LOWER(u.email) LIKE ? ESCAPE '\\' OR u.id = ? OR u.roblox_user_id = ?)"            \
	" AND (? = 0 OR u.role_id IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"                            \
	" OR (? = 1 AND u.role_id IS NULL))"

static const char SQL_USER_COUNT[] = "SELECT COUNT(*) FROM users u" USER_FILTER;
static const char SQL_USER_PAGE[] = "SELECT " USER_COLS USER_FROM USER_FILTER
				    " ORDER BY u.username_key, u.id LIMIT ? OFFSET ?";
static const char SQL_USER_GET[] = "SELECT " USER_COLS USER_FROM " WHERE u.id = ?";
static const char SQL_USERNAME_OWNER[] = "SELECT id FROM users WHERE username_key = ?";
static const char SQL_ROBLOX_OWNER[] = "SELECT id FROM users WHERE roblox_user_id = ?";
static const char SQL_USER_ADD[] =
	"INSERT INTO users (id, username, username_key, email, roblox_user_id, password_hash,"
	" role_id, status, password_change_required, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, 'active', 1, ?, ?)";
static const char SQL_USER_PROFILE[] =
	"UPDATE users SET username = ?, username_key = ?, email = ?, roblox_user_id = ?,"
	" updated_at = ? WHERE id = ? AND status = 'active'";
static const char SQL_USER_ROLE[] =
	"UPDATE users SET role_id = ?, updated_at = ? WHERE id = ? AND status = 'active'";
static const char SQL_KEYS_UNREVOKED[] =
	"SELECT COUNT(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL";
static const char SQL_SESSION_LIVE[] = "SELECT 1 FROM login_sessions WHERE id = ?";
static const char SQL_KEY_LIVE[] =
	"SELECT 1 FROM api_keys WHERE id = ? AND revoked_at IS NULL"
	" AND (expires_at IS NULL OR expires_at > ?)";

/* White_Space code points; controls are refused earlier by the text rules. */
static bool
email_space(int32_t cp)
{
	return cp <= 0x20 || cp == 0x7F || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

bool
email_is_valid(const char *s)
{
	size_t len = strlen(s), i = 0, n;
	int ats = 0;

	if (len == 0 || !utf8_valid(s, len) || utf8_count(s, len) > USER_EMAIL_MAX)
		return false;
	while (i < len) {
		int32_t cp = utf8_decode(s + i, len - i, &n);
		if (cp < 0 || email_space(cp))
			return false;
		ats += cp == '@';
		i += n;
	}
	return ats == 1;
}

const char *
user_like_pattern(struct arena *a, const char *search)
{
	size_t len = strlen(search);
	char *out = arena_alloc(a, 2 * len + 3), *p = out;

	*p++ = '%';
	for (size_t i = 0; i < len; i++) {
		char ch = search[i];
		if (ch == '%' || ch == '_' || ch == '\\')
			*p++ = '\\';
		*p++ = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

static void
user_from_row(const struct rows *rs, size_t i, struct user *u)
{
	u->id = rows_text(rs, i, 0);
	u->username = rows_text(rs, i, 1);
	u->email = rows_text(rs, i, 2);
	u->roblox_user_id = rows_text(rs, i, 3);
	u->role_id = rows_text(rs, i, 4);
	u->role_name = rows_text(rs, i, 5);
	u->role_color = rows_text(rs, i, 6);
	u->level = u->role_id ? (int)rows_int(rs, i, 7) : 0;
	u->status = rows_text(rs, i, 8);
	u->pw_change_required = rows_int(rs, i, 9) != 0;
	u->created_at = rows_int(rs, i, 10);
	u->last_login_at = rows_int(rs, i, 11);
}

enum err
user_list(struct ctx *c, const struct user_filter *f, struct user **out, size_t *n,
	  int64_t *total)
{
	const char *like = f->search ? user_like_pattern(c->arena, f->search) : NULL;
	struct val args[22];
	struct rows cnt, rows;
	size_t k = 0;
	enum err err;

	args[k++] = V_TEXT(f->search);
	args[k++] = V_TEXT(like);
	args[k++] = V_TEXT(like);
	args[k++] = V_TEXT(f->search);
	args[k++] = V_TEXT(f->search);
	args[k++] = V_INT((int64_t)f->n_role_ids + (f->no_role ? 1 : 0));
	for (size_t i = 0; i < USER_ROLE_FILTER_MAX; i++)
		args[k++] = i < f->n_role_ids ? V_TEXT(f->role_ids[i]) : V_NULL;
	args[k++] = V_INT(f->no_role ? 1 : 0);
	args[k++] = V_INT(f->page_size);
	args[k++] = V_INT((f->page - 1) * f->page_size);
	err = store_query(c->store, c->arena, SQL_USER_COUNT, args, k - 2, &cnt);
	if (!err)
		err = store_query(c->store, c->arena, SQL_USER_PAGE, args, k, &rows);
	if (err)
		return err;
	*total = rows_int(&cnt, 0, 0);
	*n = rows.n;
	*out = arena_alloc(c->arena, (rows.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rows.n; i++)
		user_from_row(&rows, i, &(*out)[i]);
	return ERR_OK;
}

/* Any status; ERR_USER_NOT_FOUND when unknown. */
static enum err
user_fetch(struct ctx *c, const char *id, struct user *out)
{
	const struct val args[] = { V_TEXT(id) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_USER_GET, args, 1, &rows);

	if (err)
		return err;
	if (rows.n == 0)
		return ERR_USER_NOT_FOUND;
	user_from_row(&rows, 0, out);
	return ERR_OK;
}

enum err
user_get(struct ctx *c, const char *id, struct user *out)
{
	enum err err = user_fetch(c, id, out);

	if (!err && strcmp(out->status, "active") != 0)
		return ERR_USER_NOT_FOUND; /* removed accounts are listed only by A15 */
	return err;
}

/* An active target the actor outranks (H11). */
static enum err
user_target(struct ctx *c, const char *id, struct user *t)
{
	struct role_actor a;
	enum err err = user_get(c, id, t);

	if (!err)
		err = role_actor_load(c, &a);
	if (!err)
		err = hier_user(&a, t->level);
	return err;
}

/* 409s: another account holds the username (any status keeps it) or the Roblox id. */
static enum err
user_unique(struct ctx *c, const char *username, const char *roblox_id, const char *self_id)
{
	struct rows rows;
	enum err err;

	if (username != NULL) {
		const struct val args[] = { V_TEXT(username_key(c->arena, username)) };
		err = store_query(c->store, c->arena, SQL_USERNAME_OWNER, args, 1, &rows);
		if (err)
			return err;
		if (rows.n > 0 && (self_id == NULL || strcmp(rows_text(&rows, 0, 0), self_id) != 0))
			return ERR_USERNAME_TAKEN;
	}
	if (roblox_id != NULL) {
		const struct val args[] = { V_TEXT(roblox_id) };
		err = store_query(c->store, c->arena, SQL_ROBLOX_OWNER, args, 1, &rows);
		if (err)
			return err;
		if (rows.n > 0 && (self_id == NULL || strcmp(rows_text(&rows, 0, 0), self_id) != 0))
			return ERR_ROBLOX_ID_TAKEN;
	}
	return ERR_OK;
}

/* H10 for a role change of target (level target_level) from cur_id to next_id. */
static enum err
user_role_check(struct ctx *c, const char *target_id, int target_level, const char *cur_id,
		const char *next_id)
{
	struct role_set s;
	struct role_actor a;
	const struct role *next = NULL;
	enum err err = role_list(c, &s);

	if (err)
		return err;
	if (next_id != NULL && (next = role_find(&s, next_id)) == NULL)
		return ERR_ROLE_NOT_FOUND;
	err = role_actor_load(c, &a);
	if (err)
		return err;
	return hier_user_role(&a, target_id, target_level, cur_id ? role_find(&s, cur_id) : NULL,
			      next);
}

static enum err
user_audit(struct ctx *c, const char *action, const char *id, struct snap *b, struct snap *a)
{
	const char *before = b ? snap_end(b) : NULL, *after = a ? snap_end(a) : NULL;

	if ((b && before == NULL) || (a && after == NULL))
		return ERR_INTERNAL;
	return audit_write(c, action, "user", id, NULL, before, after);
}

enum err
user_add(struct ctx *c, const struct user_input *in, const char *hash, struct user *out)
{
	char id[ID_LEN + 1];
	struct snap a;
	enum err err = ERR_OK;

	if (in->role_id != NULL)
		err = user_role_check(c, "", 0, NULL, in->role_id);
	if (!err)
		err = user_unique(c, in->username, in->roblox_user_id, NULL);
	if (err)
		return err;
	id_new(c->now, id);
	const struct val args[] = {
		V_TEXT(id),
		V_TEXT(in->username),
		V_TEXT(username_key(c->arena, in->username)),
		V_TEXT(in->email),
		V_TEXT(in->roblox_user_id),
		V_TEXT(hash),
		V_TEXT(in->role_id),
		V_INT(c->now),
		V_INT(c->now),
	};
	err = store_exec(c->store, SQL_USER_ADD, args, nitems(args), NULL);
	if (err == ERR_CONFLICT)
		return ERR_USERNAME_TAKEN;
	if (!err)
		err = user_get(c, id, out);
	if (err)
		return err;
	snap_begin(&a, c->arena);
	snap_str(&a, "username", in->username);
	snap_str(&a, "email", in->email);
	snap_str(&a, "robloxUserId", in->roblox_user_id);
	snap_str(&a, "roleId", in->role_id);
	snap_bool(&a, "passwordChangeRequired", true);
	return user_audit(c, "user.create", id, NULL, &a);
}

static bool
user_str_same(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/* Records each changed profile field; true when anything changes. */
static bool
user_update_diff(const struct user *t, const struct user_input *in, struct snap *b,
		 struct snap *a)
{
	bool changed = false;

	if (in->username_set && !user_str_same(in->username, t->username)) {
		snap_str(b, "username", t->username);
		snap_str(a, "username", in->username);
		changed = true;
	}
	if (in->email_set && !user_str_same(in->email, t->email)) {
		snap_str(b, "email", t->email);
		snap_str(a, "email", in->email);
		changed = true;
	}
	if (in->roblox_set && !user_str_same(in->roblox_user_id, t->roblox_user_id)) {
		snap_str(b, "robloxUserId", t->roblox_user_id);
		snap_str(a, "robloxUserId", in->roblox_user_id);
		changed = true;
	}
	return changed;
}

enum err
user_update(struct ctx *c, const char *id, const struct user_input *in, struct user *out)
{
	struct user t;
	struct snap b, a;
	enum err err;

	err = user_target(c, id, &t);
	if (!err)
		err = user_unique(c, in->username_set ? in->username : NULL,
				  in->roblox_set ? in->roblox_user_id : NULL, id);
	if (err)
		return err;
	snap_begin(&b, c->arena);
	snap_begin(&a, c->arena);
	if (!user_update_diff(&t, in, &b, &a)) {
		*out = t;
		return ERR_OK;
	}
	const char *name = in->username_set ? in->username : t.username;
	const struct val args[] = {
		V_TEXT(name),
		V_TEXT(username_key(c->arena, name)),
		V_TEXT(in->email_set ? in->email : t.email),
		V_TEXT(in->roblox_set ? in->roblox_user_id : t.roblox_user_id),
		V_INT(c->now),
		V_TEXT(id),
	};
	err = store_exec(c->store, SQL_USER_PROFILE, args, nitems(args), NULL);
	if (err == ERR_CONFLICT)
		return ERR_USERNAME_TAKEN;
	if (!err)
		err = user_get(c, id, out);
	if (!err)
		err = user_audit(c, "user.update", id, &b, &a);
	return err;
}

enum err
user_assign_role(struct ctx *c, const char *id, const char *role_id, struct user *out)
{
	struct user t;
	struct snap b, a;
	enum err err;

	err = user_get(c, id, &t);
	if (!err)
		err = user_role_check(c, id, t.level, t.role_id, role_id);
	if (err)
		return err;
	if (user_str_same(t.role_id, role_id)) {
		*out = t;
		return ERR_OK;
	}
	const struct val args[] = { V_TEXT(role_id), V_INT(c->now), V_TEXT(id) };
	err = store_exec(c->store, SQL_USER_ROLE, args, nitems(args), NULL);
	if (!err)
		err = user_get(c, id, out);
	if (err)
		return err;
	snap_begin(&b, c->arena);
	snap_str(&b, "roleId", t.role_id);
	snap_int(&b, "level", t.level);
	snap_begin(&a, c->arena);
	snap_str(&a, "roleId", out->role_id);
	snap_int(&a, "level", out->level);
	return user_audit(c, "user.role", id, &b, &a);
}

enum err
user_revoke_sessions(struct ctx *c, const char *id, int64_t *n)
{
	struct user t;
	struct snap a;
	enum err err;

	*n = 0;
	err = user_target(c, id, &t);
	if (!err)
		err = session_revoke_user(c, id, n);
	if (err || *n == 0)
		return err; /* nothing ended: nothing to audit (§1.9) */
	snap_begin(&a, c->arena);
	snap_int(&a, "sessions", *n);
	return user_audit(c, "user.sessions_revoke", id, NULL, &a);
}

enum err
user_revoke_credentials(struct ctx *c, const char *id, int64_t *sessions, int64_t *keys)
{
	const struct val args[] = { V_TEXT(id) };
	struct rows rows;
	enum err err;

	*sessions = 0;
	*keys = 0;
	err = store_query(c->store, c->arena, SQL_KEYS_UNREVOKED, args, 1, &rows);
	if (!err)
		err = session_revoke_user(c, id, sessions);
	if (!err)
		err = apikey_revoke_user(c, id);
	if (!err)
		*keys = rows_int(&rows, 0, 0);
	return err;
}

enum err
user_credential_check(struct ctx *c)
{
	const struct actor *a = &c->actor;
	struct rows rows;
	enum err err;

	if (a->mode == AUTHM_SESSION) {
		const struct val args[] = { V_TEXT(a->session_id) };
		err = store_query(c->store, c->arena, SQL_SESSION_LIVE, args, 1, &rows);
	} else if (a->mode == AUTHM_KEY) {
		const struct val args[] = { V_TEXT(a->key_id), V_INT(c->now) };
		err = store_query(c->store, c->arena, SQL_KEY_LIVE, args, 2, &rows);
	} else {
		return ERR_OK; /* CLI and jobs hold no credential */
	}
	if (err)
		return err;
	return rows.n == 1 ? ERR_OK : ERR_UNAUTHENTICATED;
}

/* §8 and A14: the password must not equal the username, ASCII case-insensitively. */
static bool
password_is_username(const char *password, const char *username)
{
	size_t n = strlen(username);

	if (strlen(password) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = password[i], b = username[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

enum err
user_reset_check(struct ctx *c, const char *id, const char *password, struct user *out)
{
	/* Steps 11-12 of §1.6 first, so a caller who may not act on the target learns nothing
	 * about its username from the field rule. */
	enum err err = user_target(c, id, out);

	if (err)
		return err;
	if (password_is_username(password, out->username))
		return ctx_fail(c, ERR_INVALID_FIELD, "newPassword",
				"must differ from the username");
	return ERR_OK;
}

enum err
user_reset_password(struct ctx *c, const char *id, const char *password, const char *hash,
		    struct user *out, int64_t *sessions, int64_t *keys)
{
	struct user t;
	struct snap a;
	enum err err;

	*sessions = 0;
	*keys = 0;
	err = user_reset_check(c, id, password, &t);
	/* SEC R04: the new hash makes a sign-in that verified the old one fail at its write. */
	if (!err)
		err = user_set_password(c, id, hash, true);
	if (!err)
		err = user_revoke_credentials(c, id, sessions, keys);
	if (!err)
		err = throttle_clear_user(c, username_key(c->arena, t.username));
	if (!err)
		err = user_get(c, id, out);
	if (err)
		return err;
	snap_begin(&a, c->arena);
	snap_bool(&a, "passwordChangeRequired", true);
	snap_int(&a, "sessionsRevoked", *sessions);
	snap_int(&a, "apiKeysRevoked", *keys);
	return user_audit(c, "user.password_set", id, NULL, &a);
}
