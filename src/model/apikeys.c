/*
 * apikeys.c: key rows; see apikeys.h. Every statement names the key by id; listing is
 * scoped to one user unless the CLI asks for all.
 */
#include "model/apikeys.h"

#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "auth/perm.h"
#include "auth/secret.h"
#include "core/limits.h"
#include "core/metrics.h"

#define AK_SELECT                                                                          \
	"SELECT k.id, k.name, k.prefix, k.last_four, k.scopes, k.user_id, u.username,"     \
	" k.created_by, cb.username, k.created_at, k.expires_at, k.ip_allowlist,"          \
	" k.last_used_at, k.last_used_ip, k.revoked_at, k.revoked_by, rb.username,"        \
	" COALESCE(r.level, 0) FROM api_keys k JOIN users u ON u.id = k.user_id"            \
	" LEFT JOIN roles r ON r.id = u.role_id LEFT JOIN users cb ON cb.id = k.created_by" \
	" LEFT JOIN users rb ON rb.id = k.revoked_by"

/* Status filter: ? binds the status name or NULL, and now twice. */
#define AK_WHERE                                                                        \
	" WHERE (? IS NULL OR k.user_id = ?) AND (? IS NULL"                             \
	" OR (? = 'revoked' AND k.revoked_at IS NOT NULL)"                               \
	" OR (? = 'expired' AND k.revoked_at IS NULL AND k.expires_at IS NOT NULL"       \
	" AND k.expires_at <= ?)"                                                        \
	" OR (? = 'active' AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)))"

static const char SQL_LIST[] = AK_SELECT AK_WHERE " ORDER BY k.created_at DESC, k.id DESC LIMIT ? OFFSET ?";
static const char SQL_COUNT[] = "SELECT COUNT(*) FROM api_keys k" AK_WHERE;
static const char SQL_GET[] = AK_SELECT " WHERE k.id = ?";
static const char SQL_UNREVOKED[] =
	"SELECT COUNT(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL";
static const char SQL_RECENT[] =
	"SELECT COUNT(*), MIN(created_at) FROM api_keys"
	" WHERE user_id = ? AND created_at > ? AND created_by IS NOT NULL";
static const char SQL_INSERT[] =
	"INSERT INTO api_keys (id, name, secret_hash, prefix, last_four, scopes, user_id,"
	" created_by, created_at, expires_at, ip_allowlist) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_REVOKE[] =
	"UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL";
static const char SQL_REVOKE_USER[] =
	"UPDATE api_keys SET revoked_at = ?, revoked_by = ? WHERE user_id = ? AND revoked_at IS NULL";
static const char SQL_LEVEL[] =
	"SELECT COALESCE(r.level, 0) FROM users u LEFT JOIN roles r ON r.id = u.role_id"
	" WHERE u.id = ? AND u.status = 'active'";

static char *
scopes_text(struct arena *a, unsigned scopes)
{
	char buf[256] = "";
	size_t len = 0;

	for (int i = 0; i < SCOPE_COUNT; i++) {
		if (!(scopes & (1u << i)))
			continue;
		int n = snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "", scope_names[i]);
		if (n < 0 || (size_t)n >= sizeof(buf) - len)
			break;
		len += (size_t)n;
	}
	return arena_strdup(a, buf);
}

enum err
apikey_create(struct ctx *c, const struct apikey_input *in, char secret_out[64],
	      char id_out[ID_LEN + 1])
{
	char token[AUTH_TOKEN_LEN + 1], hash[SECRET_HASH_HEX + 1], prefix[13], last4[5];
	struct rows rows;
	enum err err;
	const struct val uargs[] = { V_TEXT(in->user_id) };

	err = store_query(c->store, c->arena, SQL_UNREVOKED, uargs, 1, &rows);
	if (err)
		return err;
	if (rows_int(&rows, 0, 0) >= LIMIT_KEYS_PER_USER)
		return fail_set(&c->fail, c->arena, ERR_LIMIT_REACHED, "limit", "50", (const char *)NULL);
	secret_token(32, token, sizeof(token));
	int n = snprintf(secret_out, 64, "%s%s", APIKEY_PREFIX, token);
	if (n != APIKEY_LEN)
		return ERR_INTERNAL;
	secret_hash_hex(secret_out, APIKEY_LEN, hash);
	memcpy(prefix, secret_out, 12);
	prefix[12] = '\0';
	memcpy(last4, secret_out + APIKEY_LEN - 4, 5);
	id_new(c->now, id_out);
	const struct val args[] = {
		V_TEXT(id_out), V_TEXT(in->name), V_TEXT(hash), V_TEXT(prefix), V_TEXT(last4),
		V_TEXT(scopes_text(c->arena, in->scopes)), V_TEXT(in->user_id),
		V_TEXT(in->by_cli ? NULL : c->actor.user_id), V_INT(c->now),
		in->expires_at ? V_INT(in->expires_at) : V_NULL, V_TEXT(in->allowlist),
	};
	err = store_exec(c->store, SQL_INSERT, args, nitems(args), NULL);
	secret_wipe(token, sizeof(token));
	return err;
}

enum err
apikey_rate_check(struct ctx *c, const char *user_id)
{
	const struct val args[] = { V_TEXT(user_id), V_INT(c->now - 3600 * 1000LL) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_RECENT, args, 2, &rows);

	if (err)
		return err;
	if (rows_int(&rows, 0, 0) < LIMIT_KEY_CREATES_PER_HOUR)
		return ERR_OK;
	int64_t left = rows_int(&rows, 0, 1) + 3600 * 1000LL - c->now;
	metrics_rate_limited(LIM_KEY_CREATE);
	c->fail.err = ERR_RATE_LIMITED;
	c->fail.details = NULL;
	c->fail.retry_after = (int)((left + 999) / 1000);
	return ERR_RATE_LIMITED;
}

enum err
apikey_list(struct ctx *c, const char *user_id, const char *status, int64_t page,
	    int64_t page_size, struct rows *out, int64_t *total)
{
	struct rows cnt;
	enum err err;
	const struct val args[] = {
		V_TEXT(user_id), V_TEXT(user_id), V_TEXT(status), V_TEXT(status), V_TEXT(status),
		V_INT(c->now),	 V_TEXT(status),  V_INT(c->now),  V_INT(page_size),
		V_INT((page - 1) * page_size),
	};

	err = store_query(c->store, c->arena, SQL_COUNT, args, 8, &cnt);
	if (err)
		return err;
	*total = rows_int(&cnt, 0, 0);
	return store_query(c->store, c->arena, SQL_LIST, args, nitems(args), out);
}

enum err
apikey_get(struct ctx *c, const char *id, struct rows *out)
{
	const struct val args[] = { V_TEXT(id) };
	enum err err = store_query(c->store, c->arena, SQL_GET, args, 1, out);

	if (err)
		return err;
	return out->n == 0 ? ERR_KEY_NOT_FOUND : ERR_OK;
}

enum err
apikey_revoke(struct ctx *c, const char *id, bool *changed)
{
	const struct val args[] = { V_INT(c->now),
				    V_TEXT(c->actor.user_id[0] ? c->actor.user_id : NULL), V_TEXT(id) };
	int64_t n = 0;
	enum err err = store_exec(c->store, SQL_REVOKE, args, 3, &n);

	*changed = n > 0;
	return err;
}

enum err
apikey_revoke_user(struct ctx *c, const char *user_id)
{
	const struct val args[] = { V_INT(c->now),
				    V_TEXT(c->actor.user_id[0] ? c->actor.user_id : NULL),
				    V_TEXT(user_id) };
	return store_exec(c->store, SQL_REVOKE_USER, args, 3, NULL);
}

enum err
user_level(struct ctx *c, const char *user_id, int *level)
{
	const struct val args[] = { V_TEXT(user_id) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_LEVEL, args, 1, &rows);

	if (err)
		return err;
	if (rows.n == 0)
		return ERR_USER_NOT_FOUND;
	*level = (int)rows_int(&rows, 0, 0);
	return ERR_OK;
}

const char *
apikey_status(const struct rows *r, size_t i, int64_t now)
{
	if (!rows_null(r, i, AK_REVOKED_AT))
		return "revoked";
	if (!rows_null(r, i, AK_EXPIRES_AT) && rows_int(r, i, AK_EXPIRES_AT) <= now)
		return "expired";
	return "active";
}
