/*
 * ws_members.c: …/ranks, …/members and …/shout of platform.md §6.2. Local records are plain
 * write routes. The Roblox routes (ranks/sync, member rank change, exile, shout) are
 * `outbound`: they read in one short transaction, call Roblox with none open, then re-check
 * the credential, the actor's permission and the workspace and store everything, audit
 * included, in one write transaction (STYLE.md §1). §6.2's Roblox answers; nothing is stored
 * on a failure.
 */
#include <string.h>

#include "api/api.h"
#include "api/ws_int.h"
#include "auth/auth.h"
#include "auth/perm.h"
#include "core/id.h"
#include "model/audit.h"
#include "model/members.h"
#include "model/users.h"
#include "roblox/roblox.h"

#define SHOUT_MAX 255 /* §6.2: code points */

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
	write_paging(&r->w, page, size, total);
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

/* --- Roblox routes -------------------------------------------------------------------------- */

/* POST …/ranks/sync: the group's name and roles from Open Cloud replace the local ranks. */
static enum err
ranks_sync(struct req *r)
{
	struct rbx_step k;
	struct roblox_role *roles;
	struct ws_rank *v;
	const char *name;
	size_t n;
	enum roblox_result res;
	enum err err = rbx_load(r, &k, false, NULL);

	if (err)
		return err;
	if (!roblox_is_linked(&k.rb))
		return ERR_ROBLOX_NOT_LINKED;
	res = roblox_group_name(&k.rb, &name);
	if (!res)
		res = roblox_role_list(&k.rb, &roles, &n);
	if (res)
		return rbx_fail(r, &k, res);
	v = arena_alloc(r->arena, (n + 1) * sizeof(*v));
	for (size_t i = 0; i < n; i++)
		v[i] = (struct ws_rank){ .roblox_role_id = roles[i].id, .rank = roles[i].rank,
					 .name = roles[i].name,
					 .member_count = roles[i].member_count };
	err = rbx_recheck(r, &k, PERM_MANAGE_WORKSPACE);
	if (!err)
		err = rank_sync(&r->ctx, k.ws.cm.id, name, v, n);
	if (!err)
		err = rank_list(&r->ctx, k.ws.cm.id, &v, &n);
	if (err)
		return err;
	jw_key(&r->w, "ranks");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_rank(&r->w, &k.ws, &v[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

/*
 * The rank change's target: exactly one of robloxRoleId and rank, naming a local rank;
 * ranks 0 and 255 are never assigned (§6.2), refused before any Roblox call.
 */
static enum err
rank_target(struct req *r, const struct rbx_step *k, const struct ws_rank **target)
{
	const char *role_id = json_str(r->json, "robloxRoleId");
	bool by_rank = json_has(r->json, "rank");
	int64_t rank = json_int(r->json, "rank", -1);

	*target = NULL;
	if (role_id == NULL && !by_rank)
		return fail_set(&r->ctx.fail, r->arena, ERR_MISSING_FIELD, "field", "rank",
				(const char *)NULL);
	if (role_id != NULL && by_rank)
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "rank",
				"give exactly one of robloxRoleId and rank");
	if (role_id != NULL && !roblox_id_is_valid(role_id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "robloxRoleId", ROBLOX_REASON);
	for (size_t i = 0; i < k->n && *target == NULL; i++)
		if (role_id ? strcmp(k->ranks[i].roblox_role_id, role_id) == 0
			    : k->ranks[i].rank == rank)
			*target = &k->ranks[i];
	if (*target == NULL)
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, role_id ? "robloxRoleId" : "rank",
				"matches no rank");
	if ((*target)->rank == RANK_MIN || (*target)->rank == RANK_MAX)
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, role_id ? "robloxRoleId" : "rank",
				"rank 0 and 255 cannot be assigned");
	return ERR_OK;
}

static bool
same_text(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/*
 * The member record after the change; the Roblox profile fills a record never seen before.
 * A local record that already read the new role is left as it is by member_put, so a role
 * change made on Roblox (`changed`) is audited here (every Roblox write is audited).
 */
static enum err
rank_store_member(struct req *r, const struct rbx_step *k, const struct roblox_user *u,
		  const char *role_id, bool changed, struct ws_member *out)
{
	struct ctx *c = &r->ctx;
	struct member_input in = { 0 };
	struct ws_member cur;
	enum err err = member_get(c, k->ws.cm.id, u->id, &cur);
	bool unchanged;

	if (err && err != ERR_RESOURCE_NOT_FOUND)
		return err;
	c->fail = (struct fail){ 0 };
	in.roblox_user_id = u->id;
	in.username = u->name ? u->name : err ? u->id : cur.username;
	in.display_name = u->display_name ? u->display_name : err ? NULL : cur.display_name;
	in.roblox_role_id = role_id;
	unchanged = !err && strcmp(cur.username, in.username) == 0 &&
		    same_text(cur.display_name, in.display_name) &&
		    same_text(cur.roblox_role_id, role_id);
	err = member_put(c, k->ws.cm.id, &in, out);
	if (!err && changed && unchanged)
		err = audit_write(c, "workspace.member.update", "member", u->id, k->ws.cm.id, NULL,
				  json_kv(r->arena, "robloxRoleId", role_id, (const char *)NULL));
	return err;
}

/* PUT …/members/{robloxUserId}/rank: changed on Roblox, then stored. */
static enum err
members_rank(struct req *r)
{
	const struct ws_rank *target;
	struct roblox_membership m;
	struct roblox_user u;
	struct ws_member out;
	struct rbx_step k;
	const char *uid = req_param(r, 1);
	enum roblox_result res;
	bool changed;
	enum err err = rbx_load(r, &k, false, NULL);

	if (!err && !roblox_id_is_valid(uid))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "robloxUserId", ROBLOX_REASON);
	if (!err)
		err = rank_target(r, &k, &target);
	if (!err && !roblox_is_linked(&k.rb))
		err = ERR_ROBLOX_NOT_LINKED;
	if (err)
		return err;
	res = roblox_user_get(&k.rb, uid, &u);
	if (!res)
		res = roblox_membership_find(&k.rb, uid, &m);
	if (res)
		return rbx_fail(r, &k, res);
	if (m.path == NULL)
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "robloxUserId", "is not in the group");
	changed = strcmp(m.role_id, target->roblox_role_id) != 0;
	if (changed) {
		res = roblox_membership_set_role(&k.rb, m.path, target->roblox_role_id);
		if (res)
			return rbx_fail(r, &k, res);
	}
	err = rbx_recheck(r, &k, PERM_MANAGE_MEMBERS);
	if (!err)
		err = rank_store_member(r, &k, &u, target->roblox_role_id, changed, &out);
	if (err)
		return err;
	jw_key(&r->w, "member");
	write_member(&r->w, &k.ws, &out);
	return ERR_OK;
}

/*
 * DELETE …/members/{robloxUserId}: the local record must exist (it is the answer). A user no
 * longer in the group is not exiled again; the record is removed either way.
 */
static enum err
members_exile(struct req *r)
{
	struct roblox_membership m;
	struct ws_member cur;
	struct rbx_step k;
	const char *uid = req_param(r, 1);
	enum roblox_result res;
	bool removed;
	enum err err = ERR_OK;

	if (!roblox_id_is_valid(uid))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "robloxUserId", ROBLOX_REASON);
	if (!err)
		err = rbx_load(r, &k, true, &cur);
	if (!err && !roblox_is_bot_linked(&k.rb))
		err = ERR_ROBLOX_NOT_LINKED;
	if (err)
		return err;
	res = roblox_membership_find(&k.rb, uid, &m);
	if (!res && m.path != NULL)
		res = roblox_exile(&k.rb, uid);
	if (res)
		return rbx_fail(r, &k, res);
	err = rbx_recheck(r, &k, PERM_MANAGE_MEMBERS);
	if (!err)
		err = member_remove(&r->ctx, k.ws.cm.id, uid, &removed);
	/* The record went while Roblox was called: the exile there is still audited. */
	if (!err && m.path != NULL && !removed)
		err = audit_write(&r->ctx, "workspace.member.delete", "member", uid, k.ws.cm.id,
				  NULL, NULL);
	if (err)
		return err;
	jw_key(&r->w, "member");
	write_member(&r->w, &k.ws, &cur);
	return ERR_OK;
}

/* PUT …/shout: posted with the bot cookie; only the audit entry is stored. */
static enum err
shout_put(struct req *r)
{
	const char *msg = json_str(r->json, "message");
	struct rbx_step k;
	enum roblox_result res;
	enum err err = rbx_load(r, &k, true, NULL);

	if (!err && !roblox_is_bot_linked(&k.rb))
		err = ERR_ROBLOX_NOT_LINKED;
	if (err)
		return err;
	res = roblox_shout(&k.rb, msg);
	if (res)
		return rbx_fail(r, &k, res);
	err = rbx_recheck(r, &k, PERM_MANAGE_MEMBERS);
	if (!err)
		err = audit_write(&r->ctx, "workspace.shout.post", "group", k.ws.cm.roblox_group_id,
				  k.ws.cm.id, NULL,
				  json_kv(r->arena, "message", msg, (const char *)NULL));
	if (err)
		return err;
	jw_key(&r->w, "shout");
	jw_obj(&r->w);
	jw_kstr(&r->w, "message", msg);
	jw_ktime(&r->w, "postedAt", r->ctx.now);
	jw_obj_end(&r->w);
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

/* Exactly one of the two; rank_target checks the pair. */
static const struct field member_rank_fields[] = {
	{ "robloxRoleId", FT_STRING, 0, TEXT_NAME, 1, 19, 0 },
	{ "rank", FT_INT, 0, TEXT_NAME, RANK_MIN, RANK_MAX, 0 },
	{ 0 },
};

static const struct field shout_fields[] = {
	{ "message", FT_STRING, F_REQUIRED, TEXT_FREE, 0, SHOUT_MAX, 0 },
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


static const struct route ws_members_routes[] = {
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/ranks", .fn = ranks_list, WS_ROUTE_READ,
	  .perm = PERM_VIEW_WORKSPACE, .summary = "Ranks of the workspace by rank desc" },
	{ .method = M_PUT, .path = "/api/workspaces/{wsId}/ranks/{robloxRoleId}", .fn = ranks_put,
	  WS_ROUTE_WRITE, .perm = PERM_MANAGE_WORKSPACE, .body = rank_put_fields,
	  .summary = "Create or change a local rank" },
	{ .method = M_DELETE, .path = "/api/workspaces/{wsId}/ranks/{robloxRoleId}",
	  .fn = ranks_delete, WS_ROUTE_WRITE, .perm = PERM_MANAGE_WORKSPACE, .body = no_fields,
	  .summary = "Delete a rank no member holds" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/members", .fn = members_list, WS_ROUTE_READ,
	  .perm = PERM_VIEW_WORKSPACE, .query = members_query, .summary = "Members, paged" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/members/{robloxUserId}",
	  .fn = members_get, WS_ROUTE_READ, .perm = PERM_VIEW_WORKSPACE, .summary = "One member" },
	{ .method = M_PUT, .path = "/api/workspaces/{wsId}/members/{robloxUserId}",
	  .fn = members_put, WS_ROUTE_WRITE, .perm = PERM_MANAGE_MEMBERS, .body = member_put_fields,
	  .summary = "Create or replace a local member record" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/ranks/sync", .fn = ranks_sync,
	  WS_ROUTE_WRITE, .outbound = true, .perm = PERM_MANAGE_WORKSPACE, .body = no_fields,
	  .summary = "Replace the ranks from the Roblox group's roles" },
	{ .method = M_PUT, .path = "/api/workspaces/{wsId}/members/{robloxUserId}/rank",
	  .fn = members_rank, WS_ROUTE_WRITE, .outbound = true, .perm = PERM_MANAGE_MEMBERS,
	  .body = member_rank_fields, .summary = "Change a member's rank on Roblox" },
	{ .method = M_DELETE, .path = "/api/workspaces/{wsId}/members/{robloxUserId}",
	  .fn = members_exile, WS_ROUTE_WRITE, .outbound = true, .perm = PERM_MANAGE_MEMBERS,
	  .body = no_fields, .summary = "Exile a member from the Roblox group" },
	{ .method = M_PUT, .path = "/api/workspaces/{wsId}/shout", .fn = shout_put, WS_ROUTE_WRITE,
	  .outbound = true, .perm = PERM_MANAGE_MEMBERS, .body = shout_fields,
	  .summary = "Post or clear the Roblox group shout" },
};

ROUTE_TABLE(api_ws_members_routes, ws_members_routes);
