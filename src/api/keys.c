/*
 * keys.c: /api/keys (platform.md §4), session mode only. A new key is linked to the caller;
 * other users' keys are visible with manage_api_keys to actors who outrank their owner.
 */
#include <string.h>

#include "api/api.h"
#include "auth/perm.h"
#include "core/cidr.h"
#include "core/limits.h"
#include "core/rfc3339.h"
#include "model/apikeys.h"
#include "model/audit.h"

static void
write_key(struct jw *w, const struct rows *k, size_t i, int64_t now)
{
	const char *scopes = rows_text(k, i, AK_SCOPES), *allow = rows_text(k, i, AK_ALLOWLIST);

	jw_obj(w);
	jw_kstr(w, "id", rows_text(k, i, AK_ID));
	jw_kstr(w, "name", rows_text(k, i, AK_NAME));
	jw_kstr(w, "prefix", rows_text(k, i, AK_PREFIX));
	jw_kstr(w, "lastFour", rows_text(k, i, AK_LAST_FOUR));
	jw_key(w, "scopes");
	jw_arr(w);
	for (const char *p = scopes; p && *p;) {
		size_t l = strcspn(p, " ");
		jw_strn(w, p, l);
		p += l;
		p += strspn(p, " ");
	}
	jw_arr_end(w);
	jw_key(w, "user");
	write_user_ref(w, rows_text(k, i, AK_USER_ID), rows_text(k, i, AK_USERNAME));
	jw_key(w, "createdBy");
	write_user_ref(w, rows_text(k, i, AK_CREATED_BY), rows_text(k, i, AK_CREATED_BY_NAME));
	jw_ktime(w, "createdAt", rows_int(k, i, AK_CREATED_AT));
	jw_ktime(w, "expiresAt", rows_int(k, i, AK_EXPIRES_AT));
	jw_key(w, "ipAllowlist");
	jw_arr(w);
	for (const char *p = allow; p && *p;) {
		size_t l = strcspn(p, " ");
		jw_strn(w, p, l);
		p += l;
		p += strspn(p, " ");
	}
	jw_arr_end(w);
	jw_ktime(w, "lastUsedAt", rows_int(k, i, AK_LAST_USED_AT));
	jw_kstr(w, "lastUsedIp", rows_text(k, i, AK_LAST_USED_IP));
	jw_ktime(w, "revokedAt", rows_int(k, i, AK_REVOKED_AT));
	jw_key(w, "revokedBy");
	write_user_ref(w, rows_text(k, i, AK_REVOKED_BY), rows_text(k, i, AK_REVOKED_BY_NAME));
	jw_kstr(w, "status", apikey_status(k, i, now));
	jw_obj_end(w);
}

/* Own key, or manage_api_keys over a user the actor outranks (H11); else not found. */
static enum err
key_visible(struct ctx *c, const struct rows *k)
{
	const struct actor *a = &c->actor;

	if (strcmp(rows_text(k, 0, AK_USER_ID), a->user_id) == 0)
		return ERR_OK;
	if (!(a->perms & PERM_BIT(PERM_MANAGE_API_KEYS)) || rows_int(k, 0, AK_USER_LEVEL) >= a->level)
		return ERR_KEY_NOT_FOUND;
	return ERR_OK;
}

static enum err
keys_list(struct req *r)
{
	struct ctx *c = &r->ctx;
	const char *user_id = req_query(r, "userId");
	int64_t page, size, total;
	struct rows k;
	enum err err;
	int level;

	req_paging(r, &page, &size);
	if (user_id == NULL)
		user_id = c->actor.user_id;
	if (strcmp(user_id, c->actor.user_id) != 0) {
		if (!(c->actor.perms & PERM_BIT(PERM_MANAGE_API_KEYS)))
			return fail_set(&c->fail, c->arena, ERR_FORBIDDEN, "permission",
					"manage_api_keys", (const char *)NULL);
		err = user_level(c, user_id, &level);
		if (err)
			return err;
		if (level >= c->actor.level)
			return ERR_HIERARCHY;
	}
	err = apikey_list(c, user_id, req_query(r, "status"), page, size, &k, &total);
	if (err)
		return err;
	jw_key(&r->w, "keys");
	jw_arr(&r->w);
	for (size_t i = 0; i < k.n; i++)
		write_key(&r->w, &k, i, c->now);
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

/* ipAllowlist entries canonicalised and joined by spaces (SEC T14). */
static enum err
keys_allowlist(struct req *r, char **out)
{
	size_t n;
	const char **ips = json_str_list(r->json, "ipAllowlist", r->arena, &n);
	struct buf b;
	char canon[64];
	struct cidr cidr;

	buf_init(&b, 64 * LIMIT_KEY_IPS);
	for (size_t i = 0; i < n; i++) {
		if (!cidr_parse(ips[i], &cidr) || !cidr_format(&cidr, canon, sizeof(canon))) {
			buf_release(&b);
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "ipAllowlist",
					"must hold IPv4 or IPv6 addresses or CIDRs");
		}
		if (i)
			buf_putc(&b, ' ');
		buf_puts(&b, canon);
	}
	*out = arena_strndup(r->arena, b.p ? b.p : "", b.len);
	buf_release(&b);
	return ERR_OK;
}

static enum err
keys_create(struct req *r)
{
	struct ctx *c = &r->ctx;
	struct apikey_input in = { 0 };
	const char *exp = json_str(r->json, "expiresAt");
	char secret[64], id[ID_LEN + 1];
	const char **scopes;
	size_t n;
	struct rows k;
	enum err err;

	in.user_id = c->actor.user_id;
	in.name = json_str(r->json, "name");
	scopes = json_str_list(r->json, "scopes", r->arena, &n);
	for (size_t i = 0; i < n; i++) {
		unsigned s = scope_lookup(scopes[i]);
		if (s == 0)
			return ctx_fail(c, ERR_INVALID_FIELD, "scopes", "unknown scope");
		in.scopes |= s;
	}
	if (exp != NULL) {
		if (!rfc3339_parse(exp, &in.expires_at))
			return ctx_fail(c, ERR_INVALID_FIELD, "expiresAt", "must be an RFC 3339 time");
		if (in.expires_at <= c->now + 60 * 1000 ||
		    in.expires_at > c->now + LIMIT_KEY_MAX_DAYS * 86400000LL)
			return ctx_fail(c, ERR_INVALID_FIELD, "expiresAt",
					"must be between one minute and 730 days from now");
	}
	char *allow = NULL;
	err = keys_allowlist(r, &allow);
	in.allowlist = allow;
	if (!err)
		err = apikey_create(c, &in, secret, id);
	if (!err)
		err = apikey_get(c, id, &k);
	if (err)
		return err;
	err = audit_write(c, "key.create", "apiKey", id, NULL, NULL,
			  json_kv(r->arena, "name", in.name, "userId", in.user_id,
				  (const char *)NULL));
	if (err)
		return err;
	jw_key(&r->w, "key");
	write_key(&r->w, &k, 0, c->now);
	jw_kstr(&r->w, "secret", secret);
	return ERR_OK;
}

static enum err
keys_rate_limit(struct req *r)
{
	return apikey_rate_check(&r->ctx, r->ctx.actor.user_id);
}

static enum err
keys_get(struct req *r)
{
	struct ctx *c = &r->ctx;
	struct rows k;
	enum err err;

	if (!id_is_valid(req_param(r, 0)))
		return ctx_fail(c, ERR_INVALID_FIELD, "keyId", "must be a 24-character lowercase hex id");
	err = apikey_get(c, req_param(r, 0), &k);
	if (!err)
		err = key_visible(c, &k);
	if (err)
		return err;
	jw_key(&r->w, "key");
	write_key(&r->w, &k, 0, c->now);
	return ERR_OK;
}

static enum err
keys_revoke(struct req *r)
{
	struct ctx *c = &r->ctx;
	const char *id = req_param(r, 0);
	struct rows k;
	bool changed;
	enum err err;

	if (!id_is_valid(id))
		return ctx_fail(c, ERR_INVALID_FIELD, "keyId", "must be a 24-character lowercase hex id");
	err = apikey_get(c, id, &k);
	if (!err)
		err = key_visible(c, &k);
	if (!err)
		err = apikey_revoke(c, id, &changed);
	if (!err && changed)
		err = audit_write(c, "key.revoke", "apiKey", id, NULL, "{\"status\":\"active\"}",
				  "{\"status\":\"revoked\"}");
	if (!err)
		err = apikey_get(c, id, &k);
	if (err)
		return err;
	jw_key(&r->w, "key");
	write_key(&r->w, &k, 0, c->now);
	return ERR_OK;
}

static const char *const key_status_values[] = { "active", "expired", "revoked", NULL };
static const struct qfield keys_list_query[] = {
	QF_PAGE, QF_PAGE_SIZE, { "userId", Q_ID, 0, 0, false, NULL },
	{ "status", Q_ENUM, 0, 0, false, key_status_values }, { 0 },
};

static const struct field keys_create_fields[] = {
	{ "name", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 100, 0 },
	{ "scopes", FT_STR_ARRAY, F_REQUIRED, TEXT_NAME, 1, LIMIT_KEY_SCOPES, 32 },
	{ "expiresAt", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 64, 0 },
	{ "ipAllowlist", FT_STR_ARRAY, 0, TEXT_NAME, 0, LIMIT_KEY_IPS, 64 },
	{ 0 },
};

static const struct field no_fields[] = { { 0 } };

static const struct route keys_routes[] = {
	{ .method = M_GET, .path = "/api/keys", .fn = keys_list, .surface = SURF_API,
	  .auth = AUTH_COOKIE, .perm = PERM_NONE, .query = keys_list_query,
	  .summary = "List API keys (own, or another user's with manage_api_keys)" },
	{ .method = M_POST, .path = "/api/keys", .fn = keys_create, .surface = SURF_API,
	  .auth = AUTH_COOKIE, .perm = PERM_CREATE_API_KEYS, .body = keys_create_fields,
	  .writes = true, .limit = keys_rate_limit, .summary = "Create an API key; the secret is returned once" },
	{ .method = M_GET, .path = "/api/keys/{keyId}", .fn = keys_get, .surface = SURF_API,
	  .auth = AUTH_COOKIE, .perm = PERM_NONE, .summary = "One API key" },
	{ .method = M_DELETE, .path = "/api/keys/{keyId}", .fn = keys_revoke, .surface = SURF_API,
	  .auth = AUTH_COOKIE, .perm = PERM_NONE, .body = no_fields, .writes = true,
	  .summary = "Revoke an API key" },
};

ROUTE_TABLE(api_keys_routes, keys_routes);
