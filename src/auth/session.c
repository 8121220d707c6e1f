/*
 * session.c: login sessions and CSRF (SECURITY.md §3). The cookie carries 32 CSPRNG bytes;
 * the database holds only their BLAKE2b-256. The CSRF token is a hash of the session token
 * under a fixed label, so it changes whenever the session does and is never stored.
 */
#include "auth/auth.h"

#include <stdio.h>
#include <string.h>

#include "auth/secret.h"
#include "config.h"
#include "core/limits.h"
#include "core/xmalloc.h"

static const char SQL_SESSION_GET[] =
	"SELECT id, user_id, created_at, last_seen_at FROM login_sessions WHERE token_hash = ?";
static const char SQL_SESSION_INSERT[] =
	"INSERT INTO login_sessions (id, token_hash, user_id, created_at, last_seen_at, ip)"
	" VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_SESSION_DELETE[] = "DELETE FROM login_sessions WHERE token_hash = ?";
static const char SQL_SESSION_DELETE_USER[] = "DELETE FROM login_sessions WHERE user_id = ?";
static const char SQL_SESSION_TOUCH[] = "UPDATE login_sessions SET last_seen_at = ? WHERE id = ?";

bool
auth_token_is_wellformed(const char *t, size_t len)
{
	return len == AUTH_TOKEN_LEN && auth_token_is_base64url(t, len);
}

bool
auth_token_is_base64url(const char *t, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		char ch = t[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '-' || ch == '_'))
			return false;
	}
	return true;
}

void
session_csrf(const char *token, char out[AUTH_CSRF_LEN + 1])
{
	char buf[16 + AUTH_TOKEN_LEN + 1];
	int n = snprintf(buf, sizeof(buf), "roster-csrf:%s", token);

	secret_hash_hex(buf, n > 0 ? (size_t)n : 0, out);
	secret_wipe(buf, sizeof(buf));
}

enum err
session_authenticate(struct ctx *c, const char *token)
{
	char hash[SECRET_HASH_HEX + 1];
	struct rows rows;
	enum err err;

	secret_hash_hex(token, strlen(token), hash);
	const struct val args[] = { V_TEXT(hash) };
	err = store_query(c->store, c->arena, SQL_SESSION_GET, args, 1, &rows);
	if (err)
		return err;
	if (rows.n == 0)
		return ERR_UNAUTHENTICATED;
	int64_t created = rows_int(&rows, 0, 2), seen = rows_int(&rows, 0, 3);
	/* SEC S03 M01: 30 minutes idle, 12 hours absolute, judged by the server's clock. */
	if (c->now - seen >= LIMIT_SESSION_IDLE_MS || c->now - created >= LIMIT_SESSION_ABSOLUTE_MS ||
	    c->now < created - LIMIT_SESSION_IDLE_MS)
		return ERR_UNAUTHENTICATED;
	err = actor_load(c, rows_text(&rows, 0, 1));
	if (err)
		return err;
	c->actor.mode = AUTHM_SESSION;
	snprintf(c->actor.session_id, sizeof(c->actor.session_id), "%s", rows_text(&rows, 0, 0));
	c->actor.session_created_at = created;
	c->actor.session_last_seen_at = seen;
	session_csrf(token, c->actor.csrf);
	return ERR_OK;
}

enum err
session_create(struct ctx *c, char token[AUTH_TOKEN_LEN + 1], char csrf[AUTH_CSRF_LEN + 1])
{
	char hash[SECRET_HASH_HEX + 1], id[ID_LEN + 1];
	enum err err;

	secret_token(32, token, AUTH_TOKEN_LEN + 1);
	secret_hash_hex(token, AUTH_TOKEN_LEN, hash);
	id_new(c->now, id);
	const struct val args[] = { V_TEXT(id),	    V_TEXT(hash),   V_TEXT(c->actor.user_id),
				    V_INT(c->now), V_INT(c->now), V_TEXT(c->ip) };
	err = store_exec(c->store, SQL_SESSION_INSERT, args, nitems(args), NULL);
	if (err)
		return err;
	session_csrf(token, csrf);
	snprintf(c->actor.session_id, sizeof(c->actor.session_id), "%s", id);
	snprintf(c->actor.csrf, sizeof(c->actor.csrf), "%s", csrf);
	c->actor.mode = AUTHM_SESSION;
	c->actor.session_created_at = c->now;
	c->actor.session_last_seen_at = c->now;
	return ERR_OK;
}

enum err
session_revoke_token(struct ctx *c, const char *token)
{
	char hash[SECRET_HASH_HEX + 1];

	secret_hash_hex(token, strlen(token), hash);
	const struct val args[] = { V_TEXT(hash) };
	return store_exec(c->store, SQL_SESSION_DELETE, args, 1, NULL);
}

enum err
session_revoke_user(struct ctx *c, const char *user_id, int64_t *n)
{
	const struct val args[] = { V_TEXT(user_id) };
	return store_exec(c->store, SQL_SESSION_DELETE_USER, args, 1, n);
}

enum err
session_touch(struct ctx *c)
{
	const struct val args[] = { V_INT(c->now), V_TEXT(c->actor.session_id) };
	return store_exec(c->store, SQL_SESSION_TOUCH, args, 2, NULL);
}

bool
csrf_check(const struct ctx *c, const char *sec_fetch_site, const char *origin,
	   const char *header_token, const char *request_origin)
{
	const char *want = cfg.public_origin[0] ? cfg.public_origin : request_origin;

	if (sec_fetch_site != NULL && strcmp(sec_fetch_site, "same-origin") != 0)
		return false;
	if (origin != NULL && strcmp(origin, want) != 0)
		return false;
	if (header_token == NULL)
		return false;
	return secret_equal(header_token, strlen(header_token), c->actor.csrf, strlen(c->actor.csrf));
}
