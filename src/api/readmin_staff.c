/*
 * readmin_staff.c: the Staff History routes of readmin-compat.md §3.2 (header `loader-id`):
 * #8 GET /staff/history and #9 POST /staff/history. The loader key fixes the workspace. #9 is
 * `outbound`: it reads in one short transaction, re-ranks on Roblox with none open when the
 * item is not pending and names a `role`, then re-checks the key and stores the member record,
 * the item and their audit entries in one write transaction; a failed call stores nothing.
 * An ignored subject (§4.5, model/ignored.h) is answered before any Roblox call.
 */
#include <stdint.h>
#include <string.h>

#include "api/api.h"
#include "auth/bucket.h"
#include "auth/secret.h"
#include "core/id.h"
#include "core/utf8.h"
#include "model/audit.h"
#include "model/gamekeys.h"
#include "model/ignored.h"
#include "model/members.h"
#include "model/staff_history.h"
#include "model/workspaces.h"
#include "api/readmin_int.h"
#include "roblox/roblox.h"

#define ROBLOX_ID_MAX 9007199254740991LL /* §1.3: integers 1 ... 2^53-1 */
#define DAY_MS 86400000.0

/* A Roblox id as a JSON number from its decimal text (ids above 2^53 keep every digit). */
static void
write_id_number(struct jw *w, const char *k, const char *id)
{
	if (id != NULL && roblox_id_is_valid(id))
		jw_kraw(w, k, id);
	else
		jw_knull(w, k);
}

/* HistoryItem of §2; `reasonHidden` items answer `reason:""` (Roster decision). */
static void
write_history_item(struct jw *w, const struct workspace *ws, const struct staff_entry *e)
{
	jw_obj(w);
	jw_kstr(w, "_id", e->id);
	jw_kstr(w, "groupId", ws->cm.roblox_group_id ? ws->cm.roblox_group_id : "");
	jw_kstr(w, "type", e->type);
	write_id_number(w, "userId", e->roblox_user_id);
	write_id_number(w, "disciplinarianId", e->actor_roblox_id);
	jw_kstr(w, "reason", strcmp(e->visibility, "reasonHidden") == 0 ? "" : e->reason);
	jw_kbool(w, "notify", e->notify);
	jw_kstr(w, "rankFrom", e->rank_from);
	if (e->rank_to != NULL)
		jw_kstr(w, "rankTo", e->rank_to);
	else
		jw_kbool(w, "rankTo", false);
	jw_kint(w, "distribution", e->distribution);
	jw_ktime(w, "expires", e->expires_at);
	jw_ktime(w, "created", e->created_at);
	jw_kbool(w, "pendingApproval", e->pending);
	write_id_number(w, "approvedBy", e->approved_by);
	jw_kbool(w, "ended", e->ended_at != 0);
	write_id_number(w, "endedBy", e->ended_by);
	jw_key(w, "evidence");
	jw_arr(w);
	jw_arr_end(w);
	jw_kstr(w, "visibility", e->visibility);
	jw_obj_end(w);
}

/* --- #8 GET /staff/history ------------------------------------------------------------------- */

static enum err
history_list(struct req *r)
{
	const char *uid = req_query(r, "userId");
	struct staff_entry *v;
	struct workspace ws;
	size_t n;
	enum err err;

	if (uid != NULL && !roblox_id_is_valid(uid))
		return readmin_fail(r, ERR_INVALID_PARAMETER, 400, "Invalid userId");
	err = workspace_of_key(&r->ctx, &ws);
	if (!err)
		err = staff_history_recent(&r->ctx, ws.cm.id, uid, &v, &n);
	if (err)
		return err;
	jw_key(&r->w, "history");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_history_item(&r->w, &ws, &v[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

/* --- #9 POST /staff/history: input --------------------------------------------------------- */

struct post_in {
	const char *actor, *user, *reason, *type;
	bool pending, notify;
	int role; /* -1: none */
	double expires_days; /* 0: never */
};

/* §1.3: a Roblox id as a string or an integer 1 ... 2^53-1, normalised to decimal text. */
static const char *
body_roblox_id(struct req *r, const struct json *v)
{
	const char *s = json_as_str(v);
	int64_t i;

	if (s != NULL)
		return roblox_id_is_valid(s) ? s : NULL;
	if (json_as_int(v, &i) && i >= 1 && i <= ROBLOX_ID_MAX)
		return arena_printf(r->arena, "%lld", (long long)i);
	return NULL;
}

/* A JSON boolean member: false when it is anything else. */
static bool
is_bool(const struct json *o, const char *k)
{
	return json_bool(o, k, false) == json_bool(o, k, true);
}

/* Required fields in the documented order; absent or null is `Missing <field>`. */
static enum err
post_missing(struct req *r)
{
	static const char *const required[] = { "actioningUser", "userId", "reason", "type",
						"approval_required" };

	for (size_t i = 0; i < nitems(required); i++)
		if (!json_has(r->json, required[i]) || json_is_null(r->json, required[i]))
			return readmin_fail(r, ERR_MISSING_FIELD, 400,
				     arena_printf(r->arena, "Missing %s", required[i]));
	return ERR_OK;
}

static enum err
invalid(struct req *r, const char *field)
{
	return readmin_fail(r, ERR_INVALID_FIELD, 400, arena_printf(r->arena, "Invalid %s", field));
}

/* Field validation (§1.5 step 10): every Missing first, then each field's type and range. */
static enum err
post_parse(struct req *r, struct post_in *in)
{
	const struct json *o = r->json;
	const char *why;
	int64_t role;
	enum err err = post_missing(r);

	if (err)
		return err;
	in->actor = body_roblox_id(r, json_get(o, "actioningUser"));
	if (in->actor == NULL)
		return invalid(r, "actioningUser");
	in->user = body_roblox_id(r, json_get(o, "userId"));
	if (in->user == NULL)
		return invalid(r, "userId");
	in->reason = json_str(o, "reason");
	if (in->reason == NULL || !text_check(in->reason, strlen(in->reason), TEXT_FREE, 1,
					      STAFF_REASON_MAX, &why))
		return invalid(r, "reason");
	in->type = json_str(o, "type");
	if (!staff_type_is_valid(in->type))
		return invalid(r, "type");
	if (!is_bool(o, "approval_required"))
		return invalid(r, "approval_required");
	in->pending = json_bool(o, "approval_required", false);
	if (json_has(o, "notify") && !is_bool(o, "notify"))
		return invalid(r, "notify");
	in->notify = json_bool(o, "notify", false);
	in->role = -1;
	if (json_has(o, "role")) {
		if (!json_as_int(json_get(o, "role"), &role) || role < RANK_MIN || role > RANK_MAX)
			return invalid(r, "role");
		in->role = (int)role;
	}
	in->expires_days = 0;
	if (json_has(o, "expiresInDays")) {
		in->expires_days = json_num(o, "expiresInDays", -1);
		if (!(in->expires_days > 0 && in->expires_days <= STAFF_EXPIRES_DAYS_MAX))
			return invalid(r, "expiresInDays");
	}
	return ERR_OK;
}

/* --- #9: Roblox ------------------------------------------------------------------------------ */

/* What #9 reads before its slow step. */
struct post_ctx {
	struct workspace ws;
	struct ws_rank *ranks; /* by rank desc */
	size_t n;
	struct roblox rb;
	const struct ws_rank *target; /* the rank `role` names, or NULL */
	const char *rank_from;        /* the subject's role id, "0" when unknown */
	struct roblox_user user;      /* the subject on Roblox, when re-ranking */
	bool rerank;
	bool changed; /* the role was changed on Roblox */
	bool ignored; /* the subject is in the ignored set (§4.5) */
	char hash[SECRET_HASH_HEX + 1];
};

/* The local rank of a role id; -1 when Roster has none (its level is unknown). */
static int
rank_of(const struct post_ctx *k, const char *role_id)
{
	for (size_t i = 0; role_id != NULL && i < k->n; i++)
		if (strcmp(k->ranks[i].roblox_role_id, role_id) == 0)
			return k->ranks[i].rank;
	return -1;
}

/*
 * The read step: workspace, Open Cloud key, ranks, the subject's local record, whether the
 * subject is ignored and any replay of this body, in a short transaction. *replay is set when
 * the body was seen in 60 s.
 */
static enum err
post_load(struct req *r, const struct post_in *in, struct post_ctx *k, struct staff_entry *replay,
	  bool *found)
{
	struct ctx *c = &r->ctx;
	const char *ock = NULL;
	struct ws_member m;
	enum err err = req_tx_begin(r, false);

	secret_hash_hex(r->body, r->body_len, k->hash);
	if (!err)
		err = workspace_of_key(c, &k->ws);
	if (!err)
		err = staff_history_replay(c, k->ws.cm.id, k->hash, c->now - STAFF_REPLAY_MS, replay,
					   found);
	if (!err)
		err = workspace_open_cloud_key(c, k->ws.cm.id, &ock);
	if (!err)
		err = rank_list(c, k->ws.cm.id, &k->ranks, &k->n);
	if (!err)
		err = ignored_find(c, in->user, &k->ignored);
	if (!err) {
		err = member_get(c, k->ws.cm.id, in->user, &m);
		k->rank_from = !err && m.roblox_role_id ? m.roblox_role_id : "0";
		if (err == ERR_RESOURCE_NOT_FOUND) {
			err = ERR_OK;
			c->fail = (struct fail){ 0 };
		}
	}
	if (!err)
		err = req_tx_commit(r);
	if (err) {
		req_tx_rollback(r);
		return err;
	}
	roblox_init(&k->rb, r->arena, k->ws.cm.roblox_group_id, ock);
	return ERR_OK;
}

/* `role` matches a rank number (§3.2 #9); 0 and 255 are never assigned, pending or not. */
static enum err
post_target(struct req *r, const struct post_in *in, struct post_ctx *k)
{
	k->target = NULL;
	if (in->role < 0)
		return ERR_OK;
	for (size_t i = 0; i < k->n && k->target == NULL; i++)
		if (k->ranks[i].rank == in->role)
			k->target = &k->ranks[i];
	if (k->target == NULL)
		return readmin_fail(r, ERR_RESOURCE_NOT_FOUND, 404, "Rank not found.");
	if (in->role == RANK_MIN || in->role == RANK_MAX)
		return readmin_fail(r, ERR_INVALID_FIELD, 400, "Rank cannot be assigned.");
	return ERR_OK;
}

/*
 * The re-rank, with no transaction open: link, the subject and the actor on Roblox, the
 * actor-outranks rule (Roster decision: the actor's current rank must exceed both the target
 * rank and the subject's current rank), then the role change unless it is already held.
 */
static enum err
post_rerank(struct req *r, const struct post_in *in, struct post_ctx *k)
{
	struct roblox_membership sm, am;
	enum roblox_result res;
	int actor_rank, subject_rank;

	if (!roblox_is_linked(&k->rb))
		return readmin_roblox_fail(r, RBX_NOT_LINKED, 400, NULL);
	res = roblox_user_get(&k->rb, in->user, &k->user);
	if (res)
		return readmin_roblox_fail(r, res, 400, "User not found.");
	res = roblox_membership_find(&k->rb, in->user, &sm);
	if (!res)
		res = roblox_membership_find(&k->rb, in->actor, &am);
	if (res)
		return readmin_roblox_fail(r, res, 400, NULL);
	if (sm.path == NULL) /* the wording of §3.1 #2, Roster decision */
		return readmin_fail(r, ERR_INVALID_FIELD, 400, "User is not in the group.");
	k->rank_from = sm.role_id;
	actor_rank = am.path != NULL ? rank_of(k, am.role_id) : -1;
	subject_rank = rank_of(k, sm.role_id);
	if (actor_rank <= k->target->rank || actor_rank <= subject_rank || subject_rank < 0)
		return readmin_fail(r, ERR_FORBIDDEN, 403, "Actioning user cannot rank to this role.");
	if (strcmp(sm.role_id, k->target->roblox_role_id) == 0)
		return ERR_OK;
	res = roblox_membership_set_role(&k->rb, sm.path, k->target->roblox_role_id);
	k->changed = res == RBX_OK;
	return res ? readmin_roblox_fail(r, res, 400, NULL) : ERR_OK;
}

/* --- #9: write step ------------------------------------------------------------------------- */

/* The key is still live (revocation during the Roblox call wins); the write tx stays open. */
static enum err
post_recheck(struct req *r, const struct post_ctx *k)
{
	struct ctx *c = &r->ctx;
	struct wskey key;
	enum err err = req_tx_begin(r, true);

	if (!err)
		err = wskey_get(c, GAMEKEY_LOADER, k->ws.cm.id, c->actor.game_key_id, &key);
	if (err == ERR_RESOURCE_NOT_FOUND || (!err && key.revoked_at != 0))
		return readmin_fail(r, ERR_UNAUTHENTICATED, 401, "Workspace not found");
	if (!err)
		c->fail = (struct fail){ 0 };
	return err;
}

static bool
same_text(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/*
 * The member record after a successful re-rank; audited by member_put. A local record that
 * already read the new role is left as it is by member_put, so a role change made on Roblox
 * (k->changed) is audited here (§1.8: every Roblox write is audited).
 */
static enum err
post_store_member(struct req *r, const struct post_ctx *k)
{
	struct ctx *c = &r->ctx;
	struct member_input in = { 0 };
	struct ws_member cur, out;
	enum err err = member_get(c, k->ws.cm.id, k->user.id, &cur);
	bool unchanged;

	if (err && err != ERR_RESOURCE_NOT_FOUND)
		return err;
	c->fail = (struct fail){ 0 };
	in.roblox_user_id = k->user.id;
	in.username = k->user.name ? k->user.name : err ? k->user.id : cur.username;
	in.display_name = k->user.display_name ? k->user.display_name
			  : err				 ? NULL
							 : cur.display_name;
	in.roblox_role_id = k->target->roblox_role_id;
	unchanged = !err && strcmp(cur.username, in.username) == 0 &&
		    same_text(cur.display_name, in.display_name) &&
		    same_text(cur.roblox_role_id, in.roblox_role_id);
	err = member_put(c, k->ws.cm.id, &in, &out);
	if (err == ERR_UNKNOWN_IDS) /* the rank was deleted while Roblox was called */
		return readmin_fail(r, ERR_RESOURCE_NOT_FOUND, 404, "Rank not found.");
	if (!err && k->changed && unchanged)
		err = audit_write(c, "workspace.member.update", "member", k->user.id, k->ws.cm.id,
				  NULL, json_kv(r->arena, "robloxRoleId", in.roblox_role_id,
						(const char *)NULL));
	return err;
}

static enum err
post_store(struct req *r, const struct post_in *in, const struct post_ctx *k,
	   struct staff_entry *out)
{
	struct ctx *c = &r->ctx;
	struct staff_entry e = { 0 };
	bool found = false;
	enum err err = post_recheck(r, k);

	/* A replay that won the race while Roblox was called answers with its item. */
	if (!err)
		err = staff_history_replay(c, k->ws.cm.id, k->hash, c->now - STAFF_REPLAY_MS, out,
					   &found);
	if (err || found)
		return err;
	if (k->rerank)
		err = post_store_member(r, k);
	if (err)
		return err;
	e.type = in->type;
	e.roblox_user_id = in->user;
	e.actor_roblox_id = in->actor;
	e.reason = in->reason;
	e.notify = in->notify;
	e.rank_from = k->rank_from;
	e.rank_to = k->target ? k->target->roblox_role_id : NULL;
	e.pending = in->pending;
	e.visibility = "public";
	e.expires_at = in->expires_days > 0 ? c->now + (int64_t)(in->expires_days * DAY_MS) : 0;
	return staff_history_create(c, k->ws.cm.id, &e, k->hash, out);
}

static enum err
history_create(struct req *r)
{
	struct staff_entry item;
	struct post_in in = { 0 };
	struct post_ctx k = { 0 };
	bool found = false;
	enum err err = post_parse(r, &in);

	if (!err)
		err = post_load(r, &in, &k, &item, &found);
	if (!err && !found)
		err = post_target(r, &in, &k);
	/* §3.2 #9: after the rank lookups, before the link check and any Roblox call. */
	if (!err && !found && k.ignored)
		err = readmin_ignored(r);
	if (err)
		return err;
	if (!found) {
		r->ctx.actor.roblox_actor_id = in.actor; /* audited with the key (§1.7) */
		k.rerank = !in.pending && k.target != NULL;
		if (k.rerank)
			err = post_rerank(r, &in, &k);
		if (!err)
			err = post_store(r, &in, &k, &item);
		if (err)
			return err;
	}
	jw_key(&r->w, "history");
	write_history_item(&r->w, &k.ws, &item);
	return ERR_OK;
}

static const struct qfield history_query[] = {
	{ "userId", Q_TEXT, 1, 19, false, NULL },
	{ 0 },
};

static const struct route readmin_staff_routes[] = {
	{ .method = M_GET, .path = "/staff/history", .fn = history_list, .surface = SURF_READMIN,
	  .auth = AUTH_LOADER, .perm = PERM_NONE, .query = history_query,
	  .limit = readmin_loader_limit,
	  .summary = "Staff history of the workspace (ReAdmin #8)" },
	{ .method = M_POST, .path = "/staff/history", .fn = history_create, .surface = SURF_READMIN,
	  .auth = AUTH_LOADER, .perm = PERM_NONE, .writes = true, .outbound = true,
	  .limit = readmin_loader_limit, .summary = "Add a staff-history item (ReAdmin #9)" },
};

ROUTE_TABLE(api_readmin_staff_routes, readmin_staff_routes);
