/*
 * auth.c: /api/auth (platform.md §3): login, logout, me, csrf and the own-password change.
 * Login and password change hash outside any transaction (route rows say `outbound`) and
 * write everything in one short write transaction afterwards.
 */
#include <string.h>

#include "api/api.h"
#include "auth/auth.h"
#include "auth/perm.h"
#include "auth/secret.h"
#include "config.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/metrics.h"
#include "http/cookie.h"

#define DEVICE_ID_LEN 22 /* base64url of 16 bytes */
#include "model/alts.h"
#include "model/audit.h"
#include "model/users.h"

/* The Me object (platform.md §3) of the authenticated actor. */
void
write_me(struct req *r, struct jw *w)
{
	const struct actor *a = &r->ctx.actor;
	struct rows comm;

	jw_obj(w);
	jw_kstr(w, "id", a->user_id);
	jw_kstr(w, "username", a->username);
	jw_kstr(w, "email", a->email);
	jw_kstr(w, "robloxUserId", a->roblox_user_id);
	jw_key(w, "role");
	write_role_ref(w, a->role_id, a->role_name, a->level, a->role_color);
	jw_kint(w, "level", a->level);
	jw_key(w, "permissions");
	jw_arr(w);
	for (int p = 0; p < PERM_COUNT; p++)
		if (a->perms & PERM_BIT(p))
			jw_str(w, perm_catalogue[p].key);
	jw_arr_end(w);
	jw_kbool(w, "passwordChangeRequired", a->pw_change_required);
	jw_key(w, "communities");
	jw_arr(w);
	if (user_communities(&r->ctx, &comm) == ERR_OK) {
		for (size_t i = 0; i < comm.n; i++) {
			jw_obj(w);
			jw_kstr(w, "id", rows_text(&comm, i, 0));
			jw_kstr(w, "name", rows_text(&comm, i, 1));
			jw_kbool(w, "isDefault", rows_int(&comm, i, 2) != 0);
			jw_obj_end(w);
		}
	}
	jw_arr_end(w);
	jw_ktime(w, "createdAt", a->created_at);
	jw_ktime(w, "lastLoginAt", a->last_login_at);
	jw_obj_end(w);
}

/* The login answer, also returned by a password change. */
static void
write_login(struct req *r, const char *token, const char *csrf)
{
	struct jw *w = &r->w;

	cookie_set_session(r, token);
	jw_key(w, "user");
	write_me(r, w);
	jw_kstr(w, "csrfToken", csrf);
	jw_key(w, "session");
	jw_obj(w);
	jw_ktime(w, "expiresAt", r->ctx.now + LIMIT_SESSION_ABSOLUTE_MS);
	jw_kint(w, "idleTimeoutSeconds", LIMIT_SESSION_IDLE_MS / 1000);
	jw_obj_end(w);
}

/* SEC S12: login from another site is refused; a browser says so in these headers. */
static bool
login_same_site(struct req *r)
{
	const char *sfs = req_header(r, "Sec-Fetch-Site");
	const char *origin = req_header(r, "Origin");
	const char *host = req_header(r, "Host");

	if (sfs != NULL && strcmp(sfs, "same-origin") != 0 && strcmp(sfs, "none") != 0)
		return false;
	if (origin == NULL)
		return true;
	if (cfg.public_origin[0])
		return strcmp(origin, cfg.public_origin) == 0;
	return strncmp(origin, "http://", 7) == 0 && host != NULL && strcmp(origin + 7, host) == 0;
}

/* The presented session cookie, if any, well-formed. */
static const char *
presented_token(struct req *r)
{
	const char *hdr = req_header(r, "Cookie"), *tok;
	size_t len;

	if (hdr == NULL || cookie_find(hdr, "roster_session", &tok, &len) != 1 ||
	    !auth_token_is_wellformed(tok, len))
		return NULL;
	return arena_strndup(r->arena, tok, len);
}

/*
 * The long-lived device id (staff-admin.md §6.1): 16 random bytes, base64url, set by the
 * login answer when absent or malformed. It never authenticates anything; alt clustering
 * records it at sign-in. Returns the id the browser will hold.
 */
static const char *
device_cookie_ensure(struct req *r)
{
	const char *hdr = req_header(r, "Cookie"), *v;
	size_t len;
	char id[32];

	if (hdr != NULL && cookie_find(hdr, "roster_device", &v, &len) == 1 &&
	    len == DEVICE_ID_LEN && auth_token_is_base64url(v, len))
		return arena_strndup(r->arena, v, len);
	secret_token(16, id, sizeof(id));
	cookie_set_device(r, id);
	return arena_strdup(r->arena, id);
}

static enum err
login_refuse(struct req *r, const char *ukey)
{
	struct ctx *c = &r->ctx;
	enum err err;

	err = req_tx_begin(r, true);
	if (!err)
		err = throttle_record(c, ukey, r->ip, true);
	if (!err)
		err = req_tx_commit(r);
	if (err)
		return err;
	metrics_login(LOGIN_FAILURE);
	log_kv(LOG_WARN, "auth.login_failed", "login failed",
	       (const char *const[]){ "requestId", r->request_id, "ip", r->ip, NULL });
	return ERR_INVALID_CREDENTIALS;
}

static enum err
auth_login(struct req *r)
{
	struct ctx *c = &r->ctx;
	const char *username = json_str(r->json, "username");
	const char *pw = json_str(r->json, "password");
	const char *ukey = username_key(r->arena, username);
	struct user_login u = { 0 };
	char new_hash[SECRET_PW_MAX], token[AUTH_TOKEN_LEN + 1], csrf[AUTH_CSRF_LEN + 1];
	int retry = 0, limiter = 0;
	bool ok = false, upgrade = false, still;
	enum err err, found;

	if (!login_same_site(r))
		return ERR_CSRF;
	err = req_tx_begin(r, false);
	if (err)
		return err;
	err = throttle_check(c, ukey, r->ip, &retry, &limiter);
	found = err ? err : user_find_login(c, ukey, &u);
	req_tx_rollback(r);
	if (err == ERR_RATE_LIMITED) {
		metrics_login(LOGIN_RATE_LIMITED);
		metrics_rate_limited((enum metric_limiter)limiter);
		c->fail.err = ERR_RATE_LIMITED;
		c->fail.retry_after = retry;
		return err;
	}
	if (err || (found != ERR_OK && found != ERR_USER_NOT_FOUND))
		return err ? err : found;
	/* SEC S11: bounded hashing; the password is checked only with a free slot. */
	if (!pwslots_acquire()) {
		c->fail.err = ERR_BUSY;
		c->fail.retry_after = 1;
		return ERR_BUSY;
	}
	if (found == ERR_OK && u.active && u.password_hash != NULL) {
		ok = secret_pw_verify(u.password_hash, pw, strlen(pw));
		if (ok && secret_pw_needs_rehash(u.password_hash))
			upgrade = secret_pw_hash(pw, strlen(pw), new_hash) == ERR_OK;
	} else {
		pw_dummy_verify(pw, strlen(pw)); /* SEC S09: equal timing */
	}
	pwslots_release();
	if (!ok)
		return login_refuse(r, ukey);

	err = req_tx_begin(r, true);
	if (!err)
		err = user_record_login(c, u.id, u.password_hash, upgrade ? new_hash : NULL, &still);
	if (!err && !still) {
		req_tx_rollback(r); /* reset or removed while we hashed */
		return login_refuse(r, ukey);
	}
	const char *old = presented_token(r);
	if (!err && old != NULL)
		err = session_revoke_token(c, old); /* SEC S05: no session fixation */
	if (!err)
		err = throttle_record(c, ukey, r->ip, false);
	if (!err)
		err = throttle_clear_user(c, ukey);
	if (!err)
		err = actor_load(c, u.id);
	if (!err)
		err = session_create(c, token, csrf);
	if (!err)
		err = signals_record(c, u.id, r->ip, device_cookie_ensure(r));
	if (!err)
		err = audit_write(c, "auth.login", "user", u.id, NULL, NULL, NULL);
	if (err)
		return err;
	write_login(r, token, csrf);
	secret_wipe(token, sizeof(token));
	metrics_login(LOGIN_SUCCESS);
	return ERR_OK;
}

static enum err
auth_logout(struct req *r)
{
	struct ctx *c = &r->ctx;
	const char *tok = presented_token(r);
	enum err err;

	if (req_header(r, "Authorization") || req_header(r, "x-api-key") ||
	    req_header(r, "x-api-token"))
		return ERR_SESSION_REQUIRED;
	if (tok != NULL && session_authenticate(c, tok) == ERR_OK) {
		const char *host = req_header(r, "Host");
		if (!csrf_check(c, req_header(r, "Sec-Fetch-Site"), req_header(r, "Origin"),
				req_header(r, "x-csrf-token"),
				arena_printf(r->arena, "http://%s", host ? host : ""))) {
			metrics_csrf_failure();
			return ERR_CSRF;
		}
		err = session_revoke_token(c, tok);
		if (!err)
			err = audit_write(c, "auth.logout", "user", c->actor.user_id, NULL, NULL, NULL);
		if (err)
			return err;
	}
	cookie_set_session(r, NULL);
	jw_kbool(&r->w, "loggedOut", true);
	return ERR_OK;
}

static enum err
auth_me(struct req *r)
{
	const struct actor *a = &r->ctx.actor;
	struct jw *w = &r->w;

	jw_key(w, "user");
	write_me(r, w);
	jw_key(w, "auth");
	jw_obj(w);
	if (a->mode == AUTHM_KEY) {
		jw_kstr(w, "type", "apiKey");
		jw_kstr(w, "keyId", a->key_id);
		jw_key(w, "scopes");
		jw_arr(w);
		for (int i = 0; i < SCOPE_COUNT; i++)
			if (a->scopes & (1u << i))
				jw_str(w, scope_names[i]);
		jw_arr_end(w);
		jw_ktime(w, "expiresAt", a->key_expires_at);
	} else {
		jw_kstr(w, "type", "session");
		jw_ktime(w, "expiresAt", a->session_created_at + LIMIT_SESSION_ABSOLUTE_MS);
		jw_ktime(w, "idleExpiresAt", r->ctx.now + LIMIT_SESSION_IDLE_MS);
	}
	jw_obj_end(w);
	if (a->mode == AUTHM_SESSION)
		jw_kstr(w, "csrfToken", a->csrf);
	return ERR_OK;
}

static enum err
auth_csrf(struct req *r)
{
	jw_kstr(&r->w, "csrfToken", r->ctx.actor.csrf);
	return ERR_OK;
}

static enum err
auth_password(struct req *r)
{
	struct ctx *c = &r->ctx;
	const char *cur = json_str(r->json, "currentPassword");
	const char *nw = json_str(r->json, "newPassword");
	const char *old_hash;
	char new_hash[SECRET_PW_MAX], token[AUTH_TOKEN_LEN + 1], csrf[AUTH_CSRF_LEN + 1];
	char user_id[ID_LEN + 1];
	bool ok, changed;
	enum err err;

	if (strcmp(cur, nw) == 0)
		return ctx_fail(c, ERR_INVALID_FIELD, "newPassword", "must differ from the current password");
	if (strcmp(nw, c->actor.username) == 0)
		return ctx_fail(c, ERR_INVALID_FIELD, "newPassword", "must differ from the username");
	int retry = 0, limiter = 0;
	err = req_tx_begin(r, false);
	/* Wrong current passwords count as login failures, so the same throttle guards them. */
	if (!err)
		err = throttle_check(c, username_key(r->arena, c->actor.username), r->ip, &retry,
				     &limiter);
	if (!err)
		err = user_password_hash(c, c->actor.user_id, &old_hash);
	req_tx_rollback(r);
	if (err == ERR_RATE_LIMITED) {
		metrics_rate_limited((enum metric_limiter)limiter);
		c->fail.err = ERR_RATE_LIMITED;
		c->fail.retry_after = retry;
	}
	if (err)
		return err;
	if (!pwslots_acquire()) {
		c->fail.err = ERR_BUSY;
		c->fail.retry_after = 1;
		return ERR_BUSY;
	}
	ok = secret_pw_verify(old_hash, cur, strlen(cur));
	err = ok ? secret_pw_hash(nw, strlen(nw), new_hash) : ERR_OK;
	pwslots_release();
	if (err)
		return err;
	if (!ok) {
		/* A wrong current password counts as a login failure (platform.md §3). */
		err = req_tx_begin(r, true);
		if (!err)
			err = throttle_record(c, username_key(r->arena, c->actor.username), r->ip, true);
		if (!err)
			err = req_tx_commit(r);
		return err ? err : ERR_CURRENT_PASSWORD_INCORRECT;
	}
	err = req_tx_begin(r, true);
	if (!err)
		err = user_change_password(c, c->actor.user_id, old_hash, new_hash, &changed);
	if (!err && !changed)
		err = ERR_UNAUTHENTICATED;
	memcpy(user_id, c->actor.user_id, sizeof(user_id));
	if (!err)
		err = session_revoke_user(c, user_id, NULL);
	if (!err)
		err = actor_load(c, user_id);
	if (!err)
		err = session_create(c, token, csrf);
	if (!err)
		err = audit_write(c, "user.password_change", "user", user_id, NULL, NULL, NULL);
	if (err)
		return err;
	write_login(r, token, csrf);
	secret_wipe(token, sizeof(token));
	return ERR_OK;
}

static const struct field login_fields[] = {
	{ "username", FT_STRING, F_REQUIRED | F_NOCHECK, TEXT_PASSWORD, 1, 64, 0 },
	{ "password", FT_STRING, F_REQUIRED | F_NOCHECK, TEXT_PASSWORD, 1, 256, 0 },
	{ 0 },
};

static const struct field password_fields[] = {
	{ "currentPassword", FT_STRING, F_REQUIRED | F_NOCHECK, TEXT_PASSWORD, 1, 256, 0 },
	{ "newPassword", FT_STRING, F_REQUIRED | F_NOCHECK, TEXT_PASSWORD, LIMIT_PASSWORD_MIN,
	  LIMIT_PASSWORD_MAX, 0 },
	{ 0 },
};

static const struct field no_fields[] = { { 0 } };

static const struct route auth_routes[] = {
	{ .method = M_POST, .path = "/api/auth/login", .fn = auth_login, .surface = SURF_API,
	  .auth = AUTH_NONE, .perm = PERM_NONE, .body = login_fields, .writes = true,
	  .outbound = true, .pw_change_ok = true, .summary = "Sign in; sets the session cookie" },
	{ .method = M_POST, .path = "/api/auth/logout", .fn = auth_logout, .surface = SURF_API,
	  .auth = AUTH_NONE, .perm = PERM_NONE, .body = no_fields, .writes = true,
	  .pw_change_ok = true, .summary = "Sign out; clears the session cookie" },
	{ .method = M_GET, .path = "/api/auth/me", .fn = auth_me, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .perm = PERM_NONE, .pw_change_ok = true,
	  .summary = "The signed-in user and how they authenticated" },
	{ .method = M_GET, .path = "/api/auth/csrf", .fn = auth_csrf, .surface = SURF_API,
	  .auth = AUTH_COOKIE, .perm = PERM_NONE, .pw_change_ok = true,
	  .summary = "The session's CSRF token" },
	{ .method = M_POST, .path = "/api/auth/password", .fn = auth_password, .surface = SURF_API,
	  .auth = AUTH_COOKIE, .perm = PERM_NONE, .body = password_fields, .writes = true,
	  .outbound = true, .pw_change_ok = true, .summary = "Change your own password" },
};

ROUTE_TABLE(api_auth_routes, auth_routes);
