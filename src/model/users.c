/*
 * users.c: account rows for login, password changes, the CLI and bootstrap; see users.h.
 */
#include "model/users.h"

#include <string.h>

#include "auth/perm.h"
#include "auth/secret.h"
#include "model/audit.h"

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
