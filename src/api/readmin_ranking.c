/*
 * readmin_ranking.c: the Ranking Key routes of readmin-compat.md §3.1 (header `api-key`):
 * #1 key info, #2 rank change, #3 exile, #4-#6 join requests, #7 shout. The gate has authenticated the key, which fixes the
 * workspace, and applied the per-key bucket (§1.6). Routes that call Roblox are `outbound`:
 * they read in one short transaction, call Roblox with none open, then re-check the key and
 * write the member record and audit entry in one write transaction (STYLE.md §1).
 * User-targeted routes answer an ignored player (§4.5, model/ignored.h) before any Roblox call.
 */
#include <stdint.h>
#include <string.h>

#include "api/api.h"
#include "auth/bucket.h"
#include "core/strconv.h"
#include "core/utf8.h"
#include "model/audit.h"
#include "model/gamekeys.h"
#include "model/ignored.h"
#include "model/members.h"
#include "model/workspaces.h"
#include "api/readmin_int.h"
#include "roblox/roblox.h"

#define RANKING_PER_MINUTE 120 /* §1.6 */
#define CURSOR_MAX 512         /* §3.1 #4 */
#define SHOUT_MAX 255          /* §3.1 #7: code points */

/* Whether role_id is one of the space-separated ids in list. */
static bool
list_has(const char *list, const char *role_id)
{
	size_t len = strlen(role_id);

	for (const char *p = list; p && *p;) {
		size_t l = strcspn(p, " ");
		if (l == len && strncmp(p, role_id, l) == 0)
			return true;
		p += l;
		p += strspn(p, " ");
	}
	return false;
}

/*
 * KeyInfo of §2: allowedRanks expanded through the local ranks, sorted by rank (then role
 * id); stored role ids with no local rank are omitted. Role ids are written as JSON numbers
 * from their decimal text, so ids above 2^53 keep every digit.
 */
static void
write_key_info(struct jw *w, const struct workspace *ws, const struct wskey *k,
	       const struct ws_rank *ranks, size_t n)
{
	jw_obj(w);
	jw_kstr(w, "_id", k->id);
	jw_kstr(w, "groupId", ws->cm.roblox_group_id ? ws->cm.roblox_group_id : "");
	jw_kstr(w, "id", k->id);
	jw_kbool(w, "key", false);
	jw_kstr(w, "name", k->name);
	jw_kbool(w, "rankingEnabled", k->ranking_enabled);
	jw_key(w, "allowedRanks");
	jw_arr(w);
	/* rank_list is by rank desc; walk it backwards for ascending rank. */
	for (size_t i = n; i > 0; i--) {
		const struct ws_rank *r = &ranks[i - 1];
		if (!list_has(k->allowed_ranks, r->roblox_role_id))
			continue;
		jw_obj(w);
		jw_kstr(w, "name", r->name);
		jw_kint(w, "apiId", r->rank);
		jw_kint(w, "rank", r->rank);
		jw_kraw(w, "id", r->roblox_role_id);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kbool(w, "enableShouting", k->enable_shouting);
	jw_kbool(w, "enableJoinRequestManagement", k->enable_join_requests);
	jw_kbool(w, "enableExile", k->enable_exile);
	jw_ktime(w, "created", k->created_at);
	jw_obj_end(w);
}

/* #1 GET /ranking: no flag, no Roblox call. */
static enum err
ranking_info(struct req *r)
{
	struct ctx *c = &r->ctx;
	struct workspace ws;
	struct wskey k;
	struct ws_rank *ranks;
	size_t n;
	enum err err = workspace_of_key(c, &ws);

	if (!err)
		err = wskey_get(c, GAMEKEY_RANKING, ws.cm.id, c->actor.game_key_id, &k);
	if (err == ERR_RESOURCE_NOT_FOUND)
		err = ERR_UNAUTHENTICATED;
	if (!err)
		err = rank_list(c, ws.cm.id, &ranks, &n);
	if (err)
		return err;
	jw_key(&r->w, "keyInfo");
	write_key_info(&r->w, &ws, &k, ranks, n);
	return ERR_OK;
}

/* --- shared steps of the Roblox routes -------------------------------------------------------- */

/* §1.6: 120 requests a minute per ranking key on this node; step 9 of the check order. */
static enum err
ranking_limit(struct req *r)
{
	return readmin_limit(r, "ranking", RANKING_PER_MINUTE);
}

/* What a Roblox route reads before its slow step. */
struct ranking_ctx {
	struct workspace ws;
	struct ws_rank *ranks; /* by rank desc */
	size_t n;
	struct roblox rb;
	bool ignored; /* the route's target user is in the ignored set (§4.5) */
};

/*
 * The read step: workspace, local ranks and the sealed Open Cloud key (and the bot cookie for
 * the legacy calls), and whether uid (NULL: no target user) is ignored, in a short transaction.
 */
static enum err
ranking_load(struct req *r, struct ranking_ctx *k, bool bot, const char *uid)
{
	struct ctx *c = &r->ctx;
	const char *ock = NULL, *cookie = NULL;
	enum err err = req_tx_begin(r, false);

	if (!err)
		err = workspace_of_key(c, &k->ws);
	if (!err)
		err = workspace_open_cloud_key(c, k->ws.cm.id, &ock);
	if (!err && bot)
		err = workspace_bot_cookie(c, k->ws.cm.id, &cookie);
	if (!err)
		err = rank_list(c, k->ws.cm.id, &k->ranks, &k->n);
	k->ignored = false;
	if (!err && uid != NULL)
		err = ignored_find(c, uid, &k->ignored);
	if (!err)
		err = req_tx_commit(r);
	if (err) {
		req_tx_rollback(r);
		return err;
	}
	roblox_init(&k->rb, r->arena, k->ws.cm.roblox_group_id, ock);
	roblox_set_cookie(&k->rb, cookie);
	return ERR_OK;
}

/*
 * The write step's re-check: the key still exists, is not revoked and still has its flag.
 * Leaves the write transaction open for the caller's writes (the gate commits it).
 */
static enum err
ranking_recheck(struct req *r, const struct ranking_ctx *k, bool (*flag)(const struct wskey *),
		const char *flag_off)
{
	struct ctx *c = &r->ctx;
	struct wskey key;
	enum err err = req_tx_begin(r, true);

	if (!err)
		err = wskey_get(c, GAMEKEY_RANKING, k->ws.cm.id, c->actor.game_key_id, &key);
	if (err == ERR_RESOURCE_NOT_FOUND || (!err && key.revoked_at != 0))
		return readmin_fail(r, ERR_UNAUTHENTICATED, 401, "Unauthorized");
	if (err)
		return err;
	c->fail = (struct fail){ 0 };
	if (!flag(&key))
		return readmin_fail(r, ERR_FORBIDDEN, 401, flag_off);
	return ERR_OK;
}

static bool
flag_ranking(const struct wskey *k)
{
	return k->ranking_enabled;
}

static bool
flag_join(const struct wskey *k)
{
	return k->enable_join_requests;
}

static bool
flag_exile(const struct wskey *k)
{
	return k->enable_exile;
}

static bool
flag_shout(const struct wskey *k)
{
	return k->enable_shouting;
}

/* §1.3: a Roblox user id in a path, ^[1-9][0-9]{0,18}$. */
static bool
user_id_ok(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return s[0] >= '1' && s[0] <= '9' && n == strlen(s) && n <= 19;
}

/* §3.1 #2: rankId is 1-19 digits. */
static bool
rank_id_ok(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n == strlen(s) && n <= 19;
}

/* §4.2: a rankId matches a role id first, then a rank number <= 255. */
static const struct ws_rank *
rank_match(const struct ranking_ctx *k, const char *rank_id)
{
	int64_t number;

	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->ranks[i].roblox_role_id, rank_id) == 0)
			return &k->ranks[i];
	if (!str_to_i64(rank_id, strlen(rank_id), RANK_MIN, RANK_MAX, &number))
		return NULL;
	for (size_t i = 0; i < k->n; i++)
		if (k->ranks[i].rank == number)
			return &k->ranks[i];
	return NULL;
}

/*
 * Target protection (§3.1, Roster decision): the user's current rank, read from the local
 * rank of their Roblox role, must be at most the highest rank among the key's allowed roles.
 * A role Roster has no rank for is never manageable: its level is unknown.
 */
static bool
target_manageable(const struct req *r, const struct ranking_ctx *k, const char *role_id)
{
	int highest = -1, current = -1;

	for (size_t i = 0; i < k->n; i++) {
		if (list_has(r->ctx.actor.allowed_ranks, k->ranks[i].roblox_role_id) &&
		    k->ranks[i].rank > highest)
			highest = k->ranks[i].rank;
		if (strcmp(k->ranks[i].roblox_role_id, role_id) == 0)
			current = k->ranks[i].rank;
	}
	return current >= 0 && current <= highest;
}

/*
 * Target protection for exile: a key with no allowed ranks may exile only non-staff (§3.1);
 * otherwise the rank-change rule applies.
 */
static bool
exile_manageable(const struct req *r, const struct ranking_ctx *k, const char *role_id)
{
	const char *allowed = r->ctx.actor.allowed_ranks;

	if (allowed != NULL && allowed[strspn(allowed, " ")] != '\0')
		return target_manageable(r, k, role_id);
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->ranks[i].roblox_role_id, role_id) == 0)
			return !workspace_rank_is_staff(&k->ws, k->ranks[i].rank);
	return false;
}

static bool
same_text(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/*
 * The member record after a rank change; audited by member_put. `changed`: the role was
 * changed on Roblox. A local record that already read the new role is left as it is by
 * member_put, so that Roblox write is audited here (§1.8: every Roblox write is audited).
 */
static enum err
ranking_store_member(struct req *r, const struct ranking_ctx *k, const struct roblox_user *u,
		     const char *role_id, bool changed)
{
	struct ctx *c = &r->ctx;
	struct member_input in = { 0 };
	struct ws_member cur, out;
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
	err = member_put(c, k->ws.cm.id, &in, &out);
	if (err == ERR_UNKNOWN_IDS) /* the rank was deleted while Roblox was called */
		return readmin_fail(r, ERR_RESOURCE_NOT_FOUND, 404, "Rank not found.");
	if (!err && changed && unchanged)
		err = audit_write(c, "workspace.member.update", "member", u->id, k->ws.cm.id, NULL,
				  json_kv(r->arena, "robloxRoleId", role_id, (const char *)NULL));
	return err;
}

/* --- #2 PUT /ranking/users/{userId}/role/{rankId} ---------------------------------------------- */

/* Errors in §3.1 #2's order, up to the Roblox reads. */
static enum err
set_role_check(struct req *r, const struct ranking_ctx *k, const struct ws_rank **target)
{
	if (!roblox_is_linked(&k->rb))
		return readmin_roblox_fail(r, RBX_NOT_LINKED, 0, NULL);
	if (!r->ctx.actor.ranking_enabled)
		return readmin_fail(r, ERR_FORBIDDEN, 401, "Ranking is not enabled for this key.");
	*target = rank_match(k, req_param(r, 1));
	if (*target == NULL)
		return readmin_fail(r, ERR_RESOURCE_NOT_FOUND, 404, "Rank not found.");
	if ((*target)->rank == RANK_MIN || (*target)->rank == RANK_MAX)
		return readmin_fail(r, ERR_INVALID_FIELD, 400, "Rank cannot be assigned.");
	if (!list_has(r->ctx.actor.allowed_ranks, (*target)->roblox_role_id))
		return readmin_fail(r, ERR_FORBIDDEN, 401, "Rank is not allowed to be ranked to for this key.");
	if (k->ignored)
		return readmin_ignored(r);
	return ERR_OK;
}

static enum err
ranking_set_role(struct req *r)
{
	const char *uid = req_param(r, 0);
	const struct ws_rank *target = NULL;
	struct roblox_membership m;
	struct ranking_ctx k;
	struct roblox_user u;
	enum roblox_result res;
	bool changed;
	enum err err;

	if (!user_id_ok(uid))
		return readmin_fail(r, ERR_INVALID_PARAMETER, 400, "Invalid userId");
	if (!rank_id_ok(req_param(r, 1)))
		return readmin_fail(r, ERR_INVALID_PARAMETER, 400, "Invalid rankId");
	err = ranking_load(r, &k, false, uid);
	if (!err)
		err = set_role_check(r, &k, &target);
	if (err)
		return err;
	/* "User not found." is the users/{id} answer only (§1.8); a 404 elsewhere is not it. */
	res = roblox_user_get(&k.rb, uid, &u);
	if (res)
		return readmin_roblox_fail(r, res, 400, "User not found.");
	res = roblox_membership_find(&k.rb, uid, &m);
	if (res)
		return readmin_roblox_fail(r, res, 0, NULL);
	if (m.path == NULL)
		return readmin_fail(r, ERR_INVALID_FIELD, 400, "User is not in the group.");
	if (!target_manageable(r, &k, m.role_id))
		return readmin_fail(r, ERR_FORBIDDEN, 401, "User's current rank is not manageable by this key.");
	/* Idempotent (§3.1 #2): the current role again answers the same without a write. */
	changed = strcmp(m.role_id, target->roblox_role_id) != 0;
	if (changed) {
		res = roblox_membership_set_role(&k.rb, m.path, target->roblox_role_id);
		if (res)
			return readmin_roblox_fail(r, res, 0, NULL);
	}
	err = ranking_recheck(r, &k, flag_ranking, "Ranking is not enabled for this key.");
	if (!err)
		err = ranking_store_member(r, &k, &u, target->roblox_role_id, changed);
	if (err)
		return err;
	jw_kstr(&r->w, "message", "Ranking request completed.");
	return ERR_OK;
}

/* --- #3 DELETE /ranking/users/{userId} ----------------------------------------------------------- */

/*
 * Exile. A user who exists but is not in the group answers the same 200 (idempotent, Roster
 * decision) without a Roblox write; any stale local record is removed either way.
 */
static enum err
ranking_exile(struct req *r)
{
	const char *uid = req_param(r, 0);
	struct roblox_membership m;
	struct ranking_ctx k;
	struct roblox_user u;
	enum roblox_result res;
	bool removed;
	enum err err;

	if (!user_id_ok(uid))
		return readmin_fail(r, ERR_INVALID_PARAMETER, 400, "Invalid userId");
	err = ranking_load(r, &k, true, uid);
	if (err)
		return err;
	if (!roblox_is_bot_linked(&k.rb))
		return readmin_roblox_fail(r, RBX_NOT_LINKED, 0, NULL);
	if (!r->ctx.actor.enable_exile)
		return readmin_fail(r, ERR_FORBIDDEN, 401, "Exile users is not enabled for this key.");
	if (k.ignored)
		return readmin_ignored(r);
	res = roblox_user_get(&k.rb, uid, &u);
	if (res)
		return readmin_roblox_fail(r, res, 400, "User not found.");
	res = roblox_membership_find(&k.rb, uid, &m);
	if (res)
		return readmin_roblox_fail(r, res, 0, NULL);
	if (m.path != NULL) {
		if (!exile_manageable(r, &k, m.role_id))
			return readmin_fail(r, ERR_FORBIDDEN, 401,
				     "User's current rank is not manageable by this key.");
		res = roblox_exile(&k.rb, uid);
		if (res)
			return readmin_roblox_fail(r, res, 0, NULL);
	}
	err = ranking_recheck(r, &k, flag_exile, "Exile users is not enabled for this key.");
	if (!err)
		err = member_remove(&r->ctx, k.ws.cm.id, uid, &removed);
	/* An exile on Roblox of a user with no local record is still audited (§1.8). */
	if (!err && m.path != NULL && !removed)
		err = audit_write(&r->ctx, "workspace.member.delete", "member", uid, k.ws.cm.id,
				  NULL, NULL);
	if (err)
		return err;
	jw_kstr(&r->w, "message", "User has been exiled.");
	return ERR_OK;
}

/* --- #7 PATCH /ranking/shout ------------------------------------------------------------------- */

/*
 * Body first (§1.5: field validation before the link check), with this endpoint's own texts:
 * absent or not a string is `Missing message`.
 */
static enum err
shout_message(struct req *r, const char **msg)
{
	const char *why;

	*msg = json_str(r->json, "message");
	if (*msg == NULL)
		return readmin_fail(r, ERR_MISSING_FIELD, 400, "Missing message");
	if (text_check(*msg, strlen(*msg), TEXT_FREE, 0, SHOUT_MAX, &why))
		return ERR_OK;
	if (text_check(*msg, strlen(*msg), TEXT_FREE, 0, SIZE_MAX, &why))
		return readmin_fail(r, ERR_INVALID_FIELD, 400, "Message too long");
	return readmin_fail(r, ERR_INVALID_FIELD, 400, "Invalid message");
}

static enum err
ranking_shout(struct req *r)
{
	struct ranking_ctx k;
	const char *msg;
	enum roblox_result res;
	enum err err = shout_message(r, &msg);

	if (!err)
		err = ranking_load(r, &k, true, NULL);
	if (err)
		return err;
	if (!roblox_is_bot_linked(&k.rb))
		return readmin_roblox_fail(r, RBX_NOT_LINKED, 0, NULL);
	if (!r->ctx.actor.enable_shouting)
		return readmin_fail(r, ERR_FORBIDDEN, 401, "Shout management is not enabled for this key.");
	res = roblox_shout(&k.rb, msg);
	if (res)
		return readmin_roblox_fail(r, res, 0, NULL);
	err = ranking_recheck(r, &k, flag_shout, "Shout management is not enabled for this key.");
	if (!err)
		err = audit_write(&r->ctx, "workspace.shout.post", "group", k.ws.cm.roblox_group_id,
				  k.ws.cm.id, NULL, json_kv(r->arena, "message", msg, (const char *)NULL));
	if (err)
		return err;
	jw_kstr(&r->w, "message", "Shout has been posted");
	return ERR_OK;
}

/* --- #4-#6 join requests ------------------------------------------------------------------------ */

/* Link and flag, in §3.1 #4's order; then, for #5 and #6, whether uid is ignored. */
static enum err
join_check(struct req *r, struct ranking_ctx *k, const char *uid)
{
	enum err err = ranking_load(r, k, false, uid);

	if (err)
		return err;
	if (!roblox_is_linked(&k->rb))
		return readmin_roblox_fail(r, RBX_NOT_LINKED, 0, NULL);
	if (!r->ctx.actor.enable_join_requests)
		return readmin_fail(r, ERR_FORBIDDEN, 401,
			     "Join Request management is not enabled for this key.");
	if (k->ignored)
		return readmin_ignored(r);
	return ERR_OK;
}

/* §3.1 #4: 1-512 printable ASCII, passed on as the Roblox page token. */
static bool
cursor_ok(const char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < len; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return len >= 1 && len <= CURSOR_MAX;
}

/* #4: answered without `success` (observed behaviour), so the whole body is written here. */
static enum err
join_list(struct req *r)
{
	const char *cursor = req_query(r, "cursor"), *next;
	struct roblox_join_request *q;
	struct ranking_ctx k;
	struct jw w;
	size_t n;
	enum roblox_result res;
	enum err err;

	if (cursor != NULL && !cursor_ok(cursor))
		return readmin_fail(r, ERR_INVALID_PARAMETER, 400, "Invalid cursor");
	err = join_check(r, &k, NULL);
	if (err)
		return err;
	res = roblox_join_request_list(&k.rb, cursor, &q, &n, &next);
	if (res)
		return readmin_roblox_fail(r, res, 0, NULL);
	buf_reset(&r->out);
	jw_init(&w, &r->out);
	jw_obj(&w);
	jw_kstr(&w, "nextPageToken", next);
	jw_key(&w, "groupJoinRequests");
	jw_arr(&w);
	for (size_t i = 0; i < n; i++) {
		jw_obj(&w);
		jw_kstr(&w, "path", q[i].path);
		jw_kstr(&w, "createTime", q[i].create_time);
		jw_kstr(&w, "user", q[i].user);
		jw_obj_end(&w);
	}
	jw_arr_end(&w);
	jw_obj_end(&w);
	r->raw = true;
	r->status = 200;
	r->content_type = "application/json; charset=utf-8";
	return ERR_OK;
}

/* The audit entry of a decided join request, after the re-check. */
static enum err
join_audit(struct req *r, const struct ranking_ctx *k, const char *verb, const char *uid)
{
	enum err err = ranking_recheck(r, k, flag_join,
				       "Join Request management is not enabled for this key.");

	if (err)
		return err;
	return audit_write(&r->ctx, arena_printf(r->arena, "workspace.join_request.%s", verb),
			   "user", uid, k->ws.cm.id, NULL, NULL);
}

/*
 * #5 decline and #6 accept. Decline with no pending request answers 200 (Roster decision);
 * accept with none answers 200 for a member and 404 `Join request not found.` otherwise.
 */
static enum err
join_decide(struct req *r, bool accept)
{
	const char *uid = req_param(r, 0);
	int nf_status = accept ? 404 : 400;
	struct roblox_membership m;
	struct ranking_ctx k;
	struct roblox_user u;
	enum roblox_result res;
	enum err err;

	if (!user_id_ok(uid))
		return readmin_fail(r, ERR_INVALID_PARAMETER, 400, "Invalid userId");
	err = join_check(r, &k, uid);
	if (err)
		return err;
	res = roblox_user_get(&k.rb, uid, &u);
	if (res)
		return readmin_roblox_fail(r, res, nf_status, "User not found.");
	res = roblox_join_request_decide(&k.rb, uid, accept);
	if (res == RBX_NOT_FOUND && accept) {
		res = roblox_membership_find(&k.rb, uid, &m);
		if (res == RBX_OK && m.path == NULL)
			return readmin_fail(r, ERR_RESOURCE_NOT_FOUND, 404, "Join request not found.");
	} else if (res == RBX_OK) {
		err = join_audit(r, &k, accept ? "accept" : "decline", uid);
	} else if (res == RBX_NOT_FOUND) {
		res = RBX_OK; /* nothing pending: already declined */
	}
	if (res)
		return readmin_roblox_fail(r, res, 0, NULL);
	if (err)
		return err;
	jw_kstr(&r->w, "message",
		accept ? "User was accepted into the group." : "Users join request was declined");
	return ERR_OK;
}

static enum err
join_decline(struct req *r)
{
	return join_decide(r, false);
}

static enum err
join_accept(struct req *r)
{
	return join_decide(r, true);
}

static const struct qfield join_list_query[] = {
	{ "cursor", Q_TEXT, 1, CURSOR_MAX, false, NULL },
	{ 0 },
};

static const struct route readmin_ranking_routes[] = {
	{ .method = M_GET, .path = "/ranking", .fn = ranking_info, .surface = SURF_READMIN,
	  .auth = AUTH_RANKING, .perm = PERM_NONE, .limit = ranking_limit,
	  .summary = "Ranking key info (ReAdmin #1)" },
	{ .method = M_PUT, .path = "/ranking/users/{userId}/role/{rankId}", .fn = ranking_set_role,
	  .surface = SURF_READMIN, .auth = AUTH_RANKING, .perm = PERM_NONE, .writes = true,
	  .outbound = true, .limit = ranking_limit, .summary = "Change a user's rank (ReAdmin #2)" },
	{ .method = M_DELETE, .path = "/ranking/users/{userId}", .fn = ranking_exile,
	  .surface = SURF_READMIN, .auth = AUTH_RANKING, .perm = PERM_NONE, .writes = true,
	  .outbound = true, .limit = ranking_limit, .summary = "Exile a user (ReAdmin #3)" },
	{ .method = M_PATCH, .path = "/ranking/shout", .fn = ranking_shout, .surface = SURF_READMIN,
	  .auth = AUTH_RANKING, .perm = PERM_NONE, .writes = true, .outbound = true,
	  .limit = ranking_limit, .summary = "Post the group shout (ReAdmin #7)" },
	{ .method = M_GET, .path = "/ranking/join-requests", .fn = join_list, .surface = SURF_READMIN,
	  .auth = AUTH_RANKING, .perm = PERM_NONE, .query = join_list_query, .outbound = true,
	  .limit = ranking_limit, .summary = "Pending join requests (ReAdmin #4)" },
	{ .method = M_DELETE, .path = "/ranking/join-requests/{userId}", .fn = join_decline,
	  .surface = SURF_READMIN, .auth = AUTH_RANKING, .perm = PERM_NONE, .writes = true,
	  .outbound = true, .limit = ranking_limit, .summary = "Decline a join request (ReAdmin #5)" },
	{ .method = M_PATCH, .path = "/ranking/join-requests/{userId}", .fn = join_accept,
	  .surface = SURF_READMIN, .auth = AUTH_RANKING, .perm = PERM_NONE, .writes = true,
	  .outbound = true, .limit = ranking_limit, .summary = "Accept a join request (ReAdmin #6)" },
};

ROUTE_TABLE(api_readmin_ranking_routes, readmin_ranking_routes);
