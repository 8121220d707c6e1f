/*
 * ws_staff.c: …/staff-history of platform.md §6.4. Reads need view_workspace; writes need
 * manage_staff_history. Creating a non-pending entry with `rankTo`, and approving a pending
 * one that has a `rankTo` (readmin-compat.md §4.14: approval applies rankTo), re-rank the
 * subject on Roblox first: those routes are `outbound`, read in one short transaction, call
 * Roblox with none open, then re-check the actor, its permission and the workspace and store
 * everything in one write transaction. §6.2's Roblox answers; nothing is stored on a failure.
 * `expiresInDays: null` means no expiry, like an absent field.
 */
#include <string.h>

#include "api/api.h"
#include "api/ws_int.h"
#include "auth/auth.h"
#include "auth/perm.h"
#include "core/id.h"
#include "model/audit.h"
#include "model/members.h"
#include "model/staff_history.h"
#include "model/users.h"
#include "roblox/roblox.h"

#define DAY_MS 86400000.0

static const char ROBLOX_REASON[] = "must be a Roblox id";
static const char ID_REASON[] = "must be a 24-character lowercase hex id";

static void
write_entry(struct jw *w, const struct staff_entry *e)
{
	jw_obj(w);
	jw_kstr(w, "id", e->id);
	jw_kstr(w, "type", e->type);
	jw_kstr(w, "robloxUserId", e->roblox_user_id);
	jw_kstr(w, "actorRobloxUserId", e->actor_roblox_id);
	jw_kstr(w, "reason", e->reason);
	jw_kstr(w, "rankFrom", e->rank_from);
	jw_kstr(w, "rankTo", e->rank_to);
	jw_kbool(w, "pendingApproval", e->pending);
	jw_kstr(w, "approvedBy", e->approved_by);
	jw_kbool(w, "notify", e->notify);
	jw_kstr(w, "visibility", e->visibility);
	jw_kint(w, "distribution", e->distribution);
	jw_ktime(w, "expiresAt", e->expires_at);
	jw_ktime(w, "endedAt", e->ended_at);
	jw_kstr(w, "endedBy", e->ended_by);
	jw_ktime(w, "createdAt", e->created_at);
	jw_kstr(w, "createdBy", e->created_by);
	jw_obj_end(w);
}

static enum err
answer(struct req *r, const struct staff_entry *e)
{
	jw_key(&r->w, "entry");
	write_entry(&r->w, e);
	return ERR_OK;
}

/* The workspace, then path parameter 1 as an entry id. */
static enum err
resolve_entry_id(struct req *r, struct workspace *ws, const char **id)
{
	enum err err = ws_resolve(r, ws);

	*id = req_param(r, 1);
	if (!err && !id_is_valid(*id))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "id", ID_REASON);
	return err;
}

static enum err
staff_list(struct req *r)
{
	struct staff_filter f = { 0 };
	struct staff_entry *v;
	struct workspace ws;
	int64_t page, size, total;
	size_t n;
	enum err err = ws_resolve(r, &ws);

	if (err)
		return err;
	req_paging(r, &page, &size);
	f.user_id = req_query(r, "robloxUserId");
	f.type = req_query(r, "type");
	f.state = req_query(r, "state");
	if (f.user_id != NULL && !roblox_id_is_valid(f.user_id))
		return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_PARAMETER, "parameter",
				"robloxUserId", "reason", ROBLOX_REASON, (const char *)NULL);
	if (f.type != NULL && !staff_type_is_valid(f.type))
		return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_PARAMETER, "parameter", "type",
				"reason", "is not a staff-history type", (const char *)NULL);
	if (f.state != NULL && strcmp(f.state, "pending") != 0 && strcmp(f.state, "active") != 0 &&
	    strcmp(f.state, "ended") != 0)
		return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_PARAMETER, "parameter", "state",
				"reason", "must be pending, active or ended", (const char *)NULL);
	err = staff_history_list(&r->ctx, ws.cm.id, &f, page, size, &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "entries");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_entry(&r->w, &v[i]);
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

/* --- Roblox re-rank shared by create and approve -------------------------------------------- */

struct rerank {
	struct rbx_step step;
	const char *rank_from; /* the subject's role id, "0" when unknown */
	struct roblox_user user;
	bool changed; /* the role was changed on Roblox */
};

/* The subject's current role on Roblox, then the change unless it is already held. */
static enum err
rerank_call(struct req *r, struct rerank *k, const char *user_id, const char *role_id)
{
	struct roblox_membership m;
	enum roblox_result res;

	if (!roblox_is_linked(&k->step.rb))
		return ERR_ROBLOX_NOT_LINKED;
	res = roblox_user_get(&k->step.rb, user_id, &k->user);
	if (!res)
		res = roblox_membership_find(&k->step.rb, user_id, &m);
	if (res)
		return rbx_fail(r, &k->step, res);
	if (m.path == NULL)
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "robloxUserId", "is not in the group");
	k->rank_from = m.role_id;
	if (strcmp(m.role_id, role_id) == 0)
		return ERR_OK;
	res = roblox_membership_set_role(&k->step.rb, m.path, role_id);
	k->changed = res == RBX_OK;
	return res ? rbx_fail(r, &k->step, res) : ERR_OK;
}

static bool
same_text(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/*
 * The member record after a successful re-rank; audited by member_put. A local record that
 * already read the new role is left as it is by member_put, so a role change made on Roblox
 * (k->changed) is audited here (readmin-compat.md §1.8: every Roblox write is audited).
 */
static enum err
rerank_store_member(struct req *r, const struct rerank *k, const char *role_id)
{
	struct ctx *c = &r->ctx;
	struct member_input in = { 0 };
	struct ws_member cur, out;
	enum err err = member_get(c, k->step.ws.cm.id, k->user.id, &cur);
	bool unchanged;

	if (err && err != ERR_RESOURCE_NOT_FOUND)
		return err;
	c->fail = (struct fail){ 0 };
	in.roblox_user_id = k->user.id;
	in.username = k->user.name ? k->user.name : err ? k->user.id : cur.username;
	in.display_name = k->user.display_name ? k->user.display_name
			  : err				 ? NULL
							 : cur.display_name;
	in.roblox_role_id = role_id;
	unchanged = !err && strcmp(cur.username, in.username) == 0 &&
		    same_text(cur.display_name, in.display_name) &&
		    same_text(cur.roblox_role_id, role_id);
	err = member_put(c, k->step.ws.cm.id, &in, &out);
	if (!err && k->changed && unchanged)
		err = audit_write(c, "workspace.member.update", "member", k->user.id,
				  k->step.ws.cm.id, NULL,
				  json_kv(r->arena, "robloxRoleId", role_id, (const char *)NULL));
	return err;
}

/* --- POST …/staff-history ---------------------------------------------------------------------- */

/* rankTo names a local rank number; 0 and 255 are never assigned (§6.2), before any call. */
static enum err
create_target(struct req *r, const struct rerank *k, const struct ws_rank **target)
{
	int64_t rank;

	*target = NULL;
	if (!json_has(r->json, "rankTo") || json_is_null(r->json, "rankTo"))
		return ERR_OK;
	rank = json_int(r->json, "rankTo", -1);
	if (rank == RANK_MIN || rank == RANK_MAX)
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "rankTo", "rank 0 and 255 cannot be assigned");
	for (size_t i = 0; i < k->step.n && *target == NULL; i++)
		if (k->step.ranks[i].rank == rank)
			*target = &k->step.ranks[i];
	if (*target == NULL)
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "rankTo", "matches no rank");
	return ERR_OK;
}

/* Body values the field table did not bound. */
static enum err
create_input(struct req *r, struct staff_entry *e)
{
	const struct json *o = r->json;
	double days = json_num(o, "expiresInDays", 0);

	e->type = json_str(o, "type");
	e->roblox_user_id = json_str(o, "robloxUserId");
	e->actor_roblox_id = json_str(o, "actorRobloxUserId");
	e->reason = json_str(o, "reason");
	e->pending = json_bool(o, "approvalRequired", false);
	e->notify = json_bool(o, "notify", false);
	e->visibility = json_str(o, "visibility") ? json_str(o, "visibility") : "public";
	if (!staff_type_is_valid(e->type))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "type", "is not a staff-history type");
	if (!roblox_id_is_valid(e->roblox_user_id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "robloxUserId", ROBLOX_REASON);
	if (!roblox_id_is_valid(e->actor_roblox_id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "actorRobloxUserId", ROBLOX_REASON);
	if (!staff_visibility_is_valid(e->visibility))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "visibility",
				"must be public, reasonHidden or hidden");
	/* null is "no expiry", like an absent field (the row is F_NULLABLE, §6.4). */
	if (json_has(o, "expiresInDays") && !json_is_null(o, "expiresInDays") &&
	    !(days > 0 && days <= STAFF_EXPIRES_DAYS_MAX))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "expiresInDays",
				"must be above 0 and at most 3650");
	e->expires_at = days > 0 ? r->ctx.now + (int64_t)(days * DAY_MS) : 0;
	return ERR_OK;
}

static enum err
staff_create(struct req *r)
{
	struct staff_entry e = { 0 }, out;
	const struct ws_rank *target;
	struct ws_member m;
	struct rerank k = { 0 };
	enum err err = create_input(r, &e);

	if (!err)
		err = rbx_load(r, &k.step, false, NULL);
	if (!err)
		err = create_target(r, &k, &target);
	if (err)
		return err;
	k.rank_from = "0";
	if (!e.pending && target != NULL)
		err = rerank_call(r, &k, e.roblox_user_id, target->roblox_role_id);
	if (!err)
		err = rbx_recheck(r, &k.step, PERM_MANAGE_STAFF_HISTORY);
	if (!err && !e.pending && target != NULL)
		err = rerank_store_member(r, &k, target->roblox_role_id);
	if (!err && (e.pending || target == NULL)) {
		err = member_get(&r->ctx, k.step.ws.cm.id, e.roblox_user_id, &m);
		if (!err && m.roblox_role_id != NULL)
			k.rank_from = m.roblox_role_id;
		if (err == ERR_RESOURCE_NOT_FOUND) {
			err = ERR_OK;
			r->ctx.fail = (struct fail){ 0 };
		}
	}
	if (err)
		return err;
	e.rank_from = k.rank_from;
	e.rank_to = target ? target->roblox_role_id : NULL;
	err = staff_history_create(&r->ctx, k.step.ws.cm.id, &e, NULL, &out);
	return err ? err : answer(r, &out);
}

/* --- approve, end, delete ----------------------------------------------------------------- */

/* Who approves or ends: the actor's Roblox id when linked, else the Roster user id. */
static const char *
actor_ref(const struct req *r)
{
	return r->ctx.actor.roblox_user_id ? r->ctx.actor.roblox_user_id : r->ctx.actor.user_id;
}

/*
 * rankTo must still name a local, assignable rank before Roblox is called: else Roblox would
 * change and the member record could not be stored. A rank deleted since the entry was made
 * is 409 invalid_transition (the entry cannot be approved in the workspace's current state;
 * docs/decisions.md); a rank now numbered 0 or 255 is 400 invalid_field, as on create (§6.2).
 */
static enum err
approve_target(struct req *r, const struct rerank *k, const struct staff_entry *e)
{
	for (size_t i = 0; i < k->step.n; i++) {
		const struct ws_rank *rk = &k->step.ranks[i];
		if (strcmp(rk->roblox_role_id, e->rank_to) != 0)
			continue;
		if (rk->rank == RANK_MIN || rk->rank == RANK_MAX)
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "rankTo",
					"rank 0 and 255 cannot be assigned");
		return ERR_OK;
	}
	return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_TRANSITION, "from", "pending",
			"action", "approve", (const char *)NULL);
}

static enum err
staff_approve(struct req *r)
{
	struct staff_entry e, out;
	struct rerank k = { 0 };
	const char *id;
	enum err err = req_tx_begin(r, false);

	if (!err)
		err = resolve_entry_id(r, &k.step.ws, &id);
	if (!err)
		err = staff_history_get(&r->ctx, k.step.ws.cm.id, id, &e);
	req_tx_rollback(r);
	if (err)
		return err;
	/* Not pending: no Roblox call; the write step answers 409 invalid_transition. */
	if (e.pending && !e.ended_at && e.rank_to != NULL) {
		err = rbx_load(r, &k.step, false, NULL);
		if (!err)
			err = approve_target(r, &k, &e);
		if (!err)
			err = rerank_call(r, &k, e.roblox_user_id, e.rank_to);
	}
	if (!err)
		err = rbx_recheck(r, &k.step, PERM_MANAGE_STAFF_HISTORY);
	if (!err && k.user.id != NULL)
		err = rerank_store_member(r, &k, e.rank_to);
	if (!err)
		err = staff_history_approve(&r->ctx, k.step.ws.cm.id, id, actor_ref(r), &out);
	return err ? err : answer(r, &out);
}

static enum err
staff_end(struct req *r)
{
	struct staff_entry out;
	struct workspace ws;
	const char *id;
	enum err err = resolve_entry_id(r, &ws, &id);

	if (!err)
		err = staff_history_end(&r->ctx, ws.cm.id, id, actor_ref(r),
					json_str(r->json, "reason"), &out);
	return err ? err : answer(r, &out);
}

static enum err
staff_delete(struct req *r)
{
	struct staff_entry out;
	struct workspace ws;
	const char *id;
	enum err err = resolve_entry_id(r, &ws, &id);

	if (!err)
		err = staff_history_delete(&r->ctx, ws.cm.id, id, &out);
	return err ? err : answer(r, &out);
}

static const struct field create_fields[] = {
	{ "type", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 20, 0 },
	{ "robloxUserId", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 19, 0 },
	{ "actorRobloxUserId", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 19, 0 },
	{ "reason", FT_STRING, F_REQUIRED, TEXT_FREE, 1, STAFF_REASON_MAX, 0 },
	{ "approvalRequired", FT_BOOL, F_REQUIRED, 0, 0, 0, 0 },
	{ "notify", FT_BOOL, 0, 0, 0, 0, 0 },
	{ "rankTo", FT_INT, F_NULLABLE, 0, RANK_MIN, RANK_MAX, 0 },
	{ "expiresInDays", FT_NUMBER, F_NULLABLE, 0, 0, STAFF_EXPIRES_DAYS_MAX, 0 },
	{ "visibility", FT_STRING, 0, TEXT_NAME, 1, 20, 0 },
	{ 0 },
};

static const struct field end_fields[] = {
	{ "reason", FT_STRING, 0, TEXT_FREE, 1, STAFF_REASON_MAX, 0 },
	{ 0 },
};

static const struct field no_fields[] = { { 0 } };

static const struct qfield list_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "robloxUserId", Q_TEXT, 1, 19, false, NULL },
	{ "type", Q_TEXT, 1, 20, false, NULL },
	{ "state", Q_TEXT, 1, 20, false, NULL },
	{ 0 },
};

#define WS_WRITE WS_ROUTE_WRITE, .perm = PERM_MANAGE_STAFF_HISTORY

static const struct route ws_staff_routes[] = {
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/staff-history", .fn = staff_list,
	  WS_ROUTE_READ, .perm = PERM_VIEW_WORKSPACE, .query = list_query,
	  .summary = "Staff-history entries, newest first" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/staff-history", .fn = staff_create,
	  WS_WRITE, .body = create_fields, .outbound = true,
	  .summary = "Add an entry; re-ranks on Roblox unless pending" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/staff-history/{id}/approve",
	  .fn = staff_approve, WS_WRITE, .body = no_fields, .outbound = true,
	  .summary = "Approve a pending entry; applies rankTo on Roblox" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/staff-history/{id}/end",
	  .fn = staff_end, WS_WRITE, .body = end_fields, .summary = "End an entry" },
	{ .method = M_DELETE, .path = "/api/workspaces/{wsId}/staff-history/{id}",
	  .fn = staff_delete, WS_WRITE, .body = no_fields, .summary = "Delete an entry" },
};

ROUTE_TABLE(api_ws_staff_routes, ws_staff_routes);
