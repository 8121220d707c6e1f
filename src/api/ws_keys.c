/*
 * ws_keys.c: …/ranking-keys and …/loader-keys (platform.md §6.3). A secret leaves only in the
 * answer to create and rotate, under `secret`, and is wiped from the stack after it was
 * written; listings and objects never carry the secret or its hash.
 */
#include <string.h>

#include "api/api.h"
#include "api/ws_int.h"
#include "auth/perm.h"
#include "auth/secret.h"
#include "core/id.h"
#include "model/gamekeys.h"

static void
write_key(struct jw *w, enum gamekey_kind k, const struct wskey *o)
{
	jw_obj(w);
	jw_kstr(w, "id", o->id);
	jw_kstr(w, "name", o->name);
	jw_kstr(w, "prefix", o->prefix);
	if (k == GAMEKEY_RANKING) {
		jw_kbool(w, "rankingEnabled", o->ranking_enabled);
		jw_kbool(w, "enableShouting", o->enable_shouting);
		jw_kbool(w, "enableJoinRequestManagement", o->enable_join_requests);
		jw_kbool(w, "enableExile", o->enable_exile);
		jw_key(w, "allowedRanks");
		jw_arr(w);
		for (const char *p = o->allowed_ranks; p && *p;) {
			size_t l = strcspn(p, " ");
			jw_strn(w, p, l);
			p += l;
			p += strspn(p, " ");
		}
		jw_arr_end(w);
	}
	jw_ktime(w, "createdAt", o->created_at);
	jw_ktime(w, "lastUsedAt", o->last_used_at);
	jw_ktime(w, "revokedAt", o->revoked_at);
	jw_obj_end(w);
}

static const char *
one_key(enum gamekey_kind k)
{
	return k == GAMEKEY_RANKING ? "rankingKey" : "loaderKey";
}

static enum gamekey_kind
route_kind(const struct req *r)
{
	return strstr(r->route->path, "/ranking-keys") ? GAMEKEY_RANKING : GAMEKEY_LOADER;
}

/* The workspace, then path parameter 1 as a key id of the route's kind. */
static enum err
resolve_key_id(struct req *r, struct workspace *ws, const char **id)
{
	enum gamekey_kind k = route_kind(r);
	enum err err = ws_resolve(r, ws);

	*id = req_param(r, 1);
	if (err)
		return err;
	if (k == GAMEKEY_RANKING && !uuid_is_valid(*id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "keyId", "must be a lowercase UUID");
	if (k == GAMEKEY_LOADER && !id_is_valid(*id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "keyId",
				"must be a 24-character lowercase hex id");
	return ERR_OK;
}

/* Flags and allowedRanks as given; each allowed rank must be a Roblox role id. */
static enum err
input_key(struct req *r, struct wskey_input *in)
{
	const struct json *j = r->json;

	in->name_set = json_has(j, "name");
	in->name = json_str(j, "name");
	in->ranking_set = json_has(j, "rankingEnabled");
	in->ranking_enabled = json_bool(j, "rankingEnabled", false);
	in->shouting_set = json_has(j, "enableShouting");
	in->enable_shouting = json_bool(j, "enableShouting", false);
	in->join_set = json_has(j, "enableJoinRequestManagement");
	in->enable_join_requests = json_bool(j, "enableJoinRequestManagement", false);
	in->exile_set = json_has(j, "enableExile");
	in->enable_exile = json_bool(j, "enableExile", false);
	in->ranks_set = json_has(j, "allowedRanks");
	in->allowed_ranks = json_str_list(j, "allowedRanks", r->arena, &in->n_allowed_ranks);
	for (size_t i = 0; i < in->n_allowed_ranks; i++)
		if (!roblox_id_is_valid(in->allowed_ranks[i]))
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "allowedRanks",
					"must hold Roblox role ids");
	return ERR_OK;
}

static enum err
answer(struct req *r, enum gamekey_kind k, const struct wskey *o, char *secret)
{
	jw_key(&r->w, one_key(k));
	write_key(&r->w, k, o);
	if (secret != NULL) {
		jw_kstr(&r->w, "secret", secret);
		secret_wipe(secret, GAMEKEY_SECRET_MAX);
	}
	return ERR_OK;
}

static enum err
keys_list(struct req *r)
{
	enum gamekey_kind k = route_kind(r);
	struct workspace ws;
	struct wskey *v;
	int64_t page, size, total;
	size_t n;
	enum err err = ws_resolve(r, &ws);

	req_paging(r, &page, &size);
	if (!err)
		err = wskey_list(&r->ctx, k, ws.cm.id, page, size, &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, k == GAMEKEY_RANKING ? "rankingKeys" : "loaderKeys");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_key(&r->w, k, &v[i]);
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

static enum err
keys_create(struct req *r)
{
	enum gamekey_kind k = route_kind(r);
	struct wskey_input in = { 0 };
	char secret[GAMEKEY_SECRET_MAX];
	struct workspace ws;
	struct wskey o;
	enum err err = ws_resolve(r, &ws);

	if (!err)
		err = input_key(r, &in);
	if (!err)
		err = wskey_create(&r->ctx, k, ws.cm.id, &in, &o, secret);
	return err ? err : answer(r, k, &o, secret);
}

static enum err
keys_update(struct req *r)
{
	struct wskey_input in = { 0 };
	struct workspace ws;
	struct wskey o;
	const char *id;
	enum err err = resolve_key_id(r, &ws, &id);

	if (!err)
		err = input_key(r, &in);
	if (!err)
		err = wskey_update(&r->ctx, ws.cm.id, id, &in, &o);
	return err ? err : answer(r, GAMEKEY_RANKING, &o, NULL);
}

static enum err
keys_rotate(struct req *r)
{
	enum gamekey_kind k = route_kind(r);
	char secret[GAMEKEY_SECRET_MAX];
	struct workspace ws;
	struct wskey o;
	const char *id;
	enum err err = resolve_key_id(r, &ws, &id);

	if (!err)
		err = wskey_rotate(&r->ctx, k, ws.cm.id, id, &o, secret);
	return err ? err : answer(r, k, &o, secret);
}

static enum err
keys_revoke(struct req *r)
{
	enum gamekey_kind k = route_kind(r);
	struct workspace ws;
	struct wskey o;
	const char *id;
	enum err err = resolve_key_id(r, &ws, &id);

	if (!err)
		err = wskey_revoke(&r->ctx, k, ws.cm.id, id, &o);
	return err ? err : answer(r, k, &o, NULL);
}

#define RANKING_FLAG_FIELDS                                                                     \
	{ "rankingEnabled", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },                                   \
	{ "enableShouting", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },                                   \
	{ "enableJoinRequestManagement", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },                      \
	{ "enableExile", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },                                      \
	{ "allowedRanks", FT_STR_ARRAY, 0, TEXT_NAME, 0, WSKEY_ALLOWED_RANKS_MAX, 19 }

static const struct field ranking_create_fields[] = {
	{ "name", FT_STRING, F_REQUIRED, TEXT_NAME, 1, WSKEY_NAME_MAX, 0 },
	RANKING_FLAG_FIELDS,
	{ 0 },
};

static const struct field ranking_update_fields[] = {
	{ "name", FT_STRING, 0, TEXT_NAME, 1, WSKEY_NAME_MAX, 0 },
	RANKING_FLAG_FIELDS,
	{ 0 },
};

static const struct field loader_create_fields[] = {
	{ "name", FT_STRING, F_REQUIRED, TEXT_NAME, 1, WSKEY_NAME_MAX, 0 },
	{ 0 },
};

static const struct field no_fields[] = { { 0 } };

static const struct qfield list_query[] = { QF_PAGE, QF_PAGE_SIZE, { 0 } };

/* §6 intro: reads need view_workspace (+ workspaces:read); the lists never carry a secret. */
#define KEYS_READ                                                                              \
	.surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_WORKSPACES_READ,   \
	.perm = PERM_VIEW_WORKSPACE, .query = list_query
#define KEYS_WRITE                                                                             \
	.surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_WORKSPACES_WRITE,  \
	.perm = PERM_MANAGE_WORKSPACE_KEYS, .writes = true

static const struct route ws_keys_routes[] = {
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/ranking-keys", .fn = keys_list,
	  KEYS_READ, .summary = "Ranking keys of the workspace" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/ranking-keys", .fn = keys_create,
	  KEYS_WRITE, .body = ranking_create_fields,
	  .summary = "Create a ranking key; the secret is returned once" },
	{ .method = M_PATCH, .path = "/api/workspaces/{wsId}/ranking-keys/{keyId}",
	  .fn = keys_update, KEYS_WRITE, .body = ranking_update_fields,
	  .summary = "Change a ranking key's flags or allowed ranks" },
	{ .method = M_DELETE, .path = "/api/workspaces/{wsId}/ranking-keys/{keyId}",
	  .fn = keys_revoke, KEYS_WRITE, .body = no_fields, .summary = "Revoke a ranking key" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/ranking-keys/{keyId}/rotate",
	  .fn = keys_rotate, KEYS_WRITE, .body = no_fields,
	  .summary = "New secret for a ranking key; the old one stops at once" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/loader-keys", .fn = keys_list,
	  KEYS_READ, .summary = "Loader keys of the workspace" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/loader-keys", .fn = keys_create,
	  KEYS_WRITE, .body = loader_create_fields,
	  .summary = "Create a loader key; the secret is returned once" },
	{ .method = M_DELETE, .path = "/api/workspaces/{wsId}/loader-keys/{keyId}",
	  .fn = keys_revoke, KEYS_WRITE, .body = no_fields, .summary = "Revoke a loader key" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/loader-keys/{keyId}/rotate",
	  .fn = keys_rotate, KEYS_WRITE, .body = no_fields,
	  .summary = "New secret for a loader key; the old one stops at once" },
};

ROUTE_TABLE(api_ws_keys_routes, ws_keys_routes);
