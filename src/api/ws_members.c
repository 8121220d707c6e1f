/*
 * ws_members.c: …/ranks and …/members of platform.md §6.2, local records only. The Roblox
 * routes of §6.2 (ranks/sync, member rank change, exile, shout) come with the Open Cloud
 * adapter (later work); they will store through the same model/members.c functions.
 */
#include <string.h>

#include "api/api.h"
#include "api/ws_int.h"
#include "auth/perm.h"
#include "core/id.h"
#include "model/members.h"

static const char ROBLOX_REASON[] = "must be a Roblox id";

static void
write_rank(struct jw *w, const struct workspace *ws, const struct ws_rank *k)
{
	jw_obj(w);
	jw_kstr(w, "robloxRoleId", k->roblox_role_id);
	jw_kint(w, "rank", k->rank);
	jw_kstr(w, "name", k->name);
	jw_kint(w, "memberCount", k->member_count);
	jw_kbool(w, "isStaff", workspace_rank_is_staff(ws, k->rank));
	jw_obj_end(w);
}

static void
write_member(struct jw *w, const struct workspace *ws, const struct ws_member *m)
{
	jw_obj(w);
	jw_kstr(w, "robloxUserId", m->roblox_user_id);
	jw_kstr(w, "username", m->username);
	jw_kstr(w, "displayName", m->display_name);
	jw_kstr(w, "robloxRoleId", m->roblox_role_id);
	jw_kint(w, "rank", m->rank);
	jw_kbool(w, "isStaff", workspace_rank_is_staff(ws, m->rank));
	jw_kbool(w, "inGame", m->in_game);
	jw_kstr(w, "timezone", m->timezone);
	jw_ktime(w, "syncedAt", m->synced_at);
	jw_ktime(w, "updatedAt", m->updated_at);
	jw_obj_end(w);
}

/* The workspace, then path parameter 1 as a Roblox id named `name`. */
static enum err
resolve_with_id(struct req *r, struct workspace *ws, const char *name, const char **id)
{
	enum err err = ws_resolve(r, ws);

	*id = req_param(r, 1);
	if (!err && !roblox_id_is_valid(*id))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, name, ROBLOX_REASON);
	return err;
}

static enum err
ranks_list(struct req *r)
{
	struct workspace ws;
	struct ws_rank *v;
	size_t n;
	enum err err = ws_resolve(r, &ws);

	if (!err)
		err = rank_list(&r->ctx, ws.cm.id, &v, &n);
	if (err)
		return err;
	jw_key(&r->w, "ranks");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_rank(&r->w, &ws, &v[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

static enum err
ranks_put(struct req *r)
{
	struct workspace ws;
	struct ws_rank k;
	const char *role_id;
	enum err err = resolve_with_id(r, &ws, "robloxRoleId", &role_id);

	if (!err)
		err = rank_put(&r->ctx, ws.cm.id, role_id, (int)json_int(r->json, "rank", 0),
			       json_str(r->json, "name"), &k);
	if (err)
		return err;
	jw_key(&r->w, "rank");
	write_rank(&r->w, &ws, &k);
	return ERR_OK;
}

static enum err
ranks_delete(struct req *r)
{
	struct workspace ws;
	struct ws_rank k;
	const char *role_id;
	enum err err = resolve_with_id(r, &ws, "robloxRoleId", &role_id);

	if (!err)
		err = rank_delete(&r->ctx, ws.cm.id, role_id, &k);
	if (err)
		return err;
	jw_key(&r->w, "rank");
	write_rank(&r->w, &ws, &k);
	return ERR_OK;
}

static enum err
members_list(struct req *r)
{
	struct member_filter f = { 0 };
	struct workspace ws;
	struct ws_member *v;
	int64_t page, size, total;
	size_t n;
	enum err err = ws_resolve(r, &ws);

	if (err)
		return err;
	req_paging(r, &page, &size);
	f.search = req_query(r, "search");
	f.role_id = req_query(r, "robloxRoleId");
	f.staff_only = req_query_has(r, "staffOnly") && strcmp(req_query(r, "staffOnly"), "true") == 0;
	if (f.role_id != NULL && !roblox_id_is_valid(f.role_id))
		return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_PARAMETER, "parameter",
				"robloxRoleId", "reason", ROBLOX_REASON, (const char *)NULL);
	err = member_list(&r->ctx, &ws, &f, page, size, &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "members");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_member(&r->w, &ws, &v[i]);
	jw_arr_end(&r->w);
	jw_kint(&r->w, "page", page);
	jw_kint(&r->w, "pageSize", size);
	jw_kint(&r->w, "total", total);
	return ERR_OK;
}

static enum err
members_get(struct req *r)
{
	struct workspace ws;
	struct ws_member m;
	const char *user_id;
	enum err err = resolve_with_id(r, &ws, "robloxUserId", &user_id);

	if (!err)
		err = member_get(&r->ctx, ws.cm.id, user_id, &m);
	if (err)
		return err;
	jw_key(&r->w, "member");
	write_member(&r->w, &ws, &m);
	return ERR_OK;
}

static enum err
members_put(struct req *r)
{
	struct member_input in = { 0 };
	struct workspace ws;
	struct ws_member m;
	enum err err = resolve_with_id(r, &ws, "robloxUserId", &in.roblox_user_id);

	if (err)
		return err;
	in.username = json_str(r->json, "username");
	in.display_name = json_str(r->json, "displayName");
	in.roblox_role_id = json_str(r->json, "robloxRoleId");
	if (in.roblox_role_id != NULL && !roblox_id_is_valid(in.roblox_role_id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "robloxRoleId", ROBLOX_REASON);
	err = member_put(&r->ctx, ws.cm.id, &in, &m);
	if (err)
		return err;
	jw_key(&r->w, "member");
	write_member(&r->w, &ws, &m);
	return ERR_OK;
}

static const struct field rank_put_fields[] = {
	{ "rank", FT_INT, F_REQUIRED, TEXT_NAME, RANK_MIN, RANK_MAX, 0 },
	{ "name", FT_STRING, F_REQUIRED, TEXT_NAME, 1, RANK_NAME_MAX, 0 },
	{ 0 },
};

/* PUT replaces the local record: username required, the others null when absent. */
static const struct field member_put_fields[] = {
	{ "username", FT_STRING, F_REQUIRED, TEXT_NAME, MEMBER_USERNAME_MIN, MEMBER_USERNAME_MAX,
	  0 },
	{ "displayName", FT_STRING, F_NULLABLE, TEXT_NAME, 1, MEMBER_DISPLAY_MAX, 0 },
	{ "robloxRoleId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 19, 0 },
	{ 0 },
};

static const struct field no_fields[] = { { 0 } };

static const struct qfield members_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "search", Q_TEXT, 1, 100, false, NULL },
	{ "robloxRoleId", Q_TEXT, 1, 19, false, NULL },
	{ "staffOnly", Q_BOOL, 0, 0, false, NULL },
	{ 0 },
};

#define WS_READ .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_WORKSPACES_READ
#define WS_WRITE                                                                               \
	.surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_WORKSPACES_WRITE,  \
	.writes = true

static const struct route ws_members_routes[] = {
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/ranks", .fn = ranks_list, WS_READ,
	  .perm = PERM_VIEW_WORKSPACE, .summary = "Ranks of the workspace by rank desc" },
	{ .method = M_PUT, .path = "/api/workspaces/{wsId}/ranks/{robloxRoleId}", .fn = ranks_put,
	  WS_WRITE, .perm = PERM_MANAGE_WORKSPACE, .body = rank_put_fields,
	  .summary = "Create or change a local rank" },
	{ .method = M_DELETE, .path = "/api/workspaces/{wsId}/ranks/{robloxRoleId}",
	  .fn = ranks_delete, WS_WRITE, .perm = PERM_MANAGE_WORKSPACE, .body = no_fields,
	  .summary = "Delete a rank no member holds" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/members", .fn = members_list, WS_READ,
	  .perm = PERM_VIEW_WORKSPACE, .query = members_query, .summary = "Members, paged" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/members/{robloxUserId}",
	  .fn = members_get, WS_READ, .perm = PERM_VIEW_WORKSPACE, .summary = "One member" },
	{ .method = M_PUT, .path = "/api/workspaces/{wsId}/members/{robloxUserId}",
	  .fn = members_put, WS_WRITE, .perm = PERM_MANAGE_MEMBERS, .body = member_put_fields,
	  .summary = "Create or replace a local member record" },
};

ROUTE_TABLE(api_ws_members_routes, ws_members_routes);
