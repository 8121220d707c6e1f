/*
 * readmin_bans.c: the game-ban routes of readmin-compat.md §3.5 (header `loader-id`): #19
 * GET /games/bans, #20 POST /games/bans and #21 DELETE /games/bans/{banId}. The loader key
 * fixes the workspace. #20 stores the ban and queues a kick on every live server where the
 * user is online, in the one write transaction the gate opens (§5 row 17). Two answers are
 * written here rather than through the shared envelope: #20's 201 (the only non-200 success
 * of the surface, §1.1) and its 409, which carries the existing `ban` beside `reason`.
 */
#include <string.h>

#include "api/api.h"
#include "auth/secret.h"
#include "core/id.h"
#include "core/utf8.h"
#include "model/actions.h"
#include "model/bans.h"
#include "model/ignored.h"
#include "model/workspaces.h"
#include "api/readmin_int.h"

#define ROBLOX_ID_MAX 9007199254740991LL /* §1.3: integers 1 ... 2^53-1 */
#define DAY_MS 86400000.0

static const char NO_BAN[] = "Invalid banId or userId";

/* Ban of §2: Roblox ids as strings, `expires` null when permanent. */
static void
write_ban(struct jw *w, const struct workspace *ws, const struct ban *b)
{
	jw_obj(w);
	jw_kstr(w, "_id", b->id);
	jw_kstr(w, "groupId", ws->cm.roblox_group_id ? ws->cm.roblox_group_id : "");
	jw_kstr(w, "userId", b->roblox_user_id);
	jw_kstr(w, "reason", b->reason);
	jw_kstr(w, "disciplinarianId", b->banned_by);
	jw_kbool(w, "active", b->active);
	jw_ktime(w, "created", b->created_at);
	jw_ktime(w, "expires", b->expires_at);
	jw_kraw(w, "evidence", b->evidence ? b->evidence : "[]");
	jw_obj_end(w);
}

/*
 * Closes the members the handler wrote beside `success` and answers them with `status`
 * (resp_end would answer 200).
 */
static enum err
answer_raw(struct req *r, int status)
{
	jw_obj_end(&r->w);
	r->raw = true;
	r->status = status;
	r->content_type = "application/json; charset=utf-8";
	return ERR_OK;
}

/* --- #19 GET /games/bans --------------------------------------------------------------------- */

static enum err
bans_list(struct req *r)
{
	struct ban_filter f = { .roblox_user_id = req_query(r, "userId"), .active = -1 };
	const char *active = req_query(r, "active");
	struct workspace ws;
	struct ban *v;
	size_t n;
	enum err err;

	if (f.roblox_user_id != NULL && !roblox_id_is_valid(f.roblox_user_id))
		return readmin_fail(r, ERR_INVALID_PARAMETER, 400, "Invalid userId");
	if (active != NULL) /* the gate admitted only true and false */
		f.active = strcmp(active, "true") == 0;
	err = workspace_of_key(&r->ctx, &ws);
	if (!err)
		err = ban_recent(&r->ctx, ws.cm.id, &f, &v, &n);
	if (err)
		return err;
	jw_key(&r->w, "bans");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_ban(&r->w, &ws, &v[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

/* --- #20 POST /games/bans -------------------------------------------------------------------- */

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

static enum err
invalid(struct req *r, const char *field)
{
	return readmin_fail(r, ERR_INVALID_FIELD, 400, arena_printf(r->arena, "Invalid %s", field));
}

/* Field validation (§1.5 step 10): every Missing in the documented order, then each value. */
static enum err
create_parse(struct req *r, struct ban *in)
{
	static const char *const required[] = { "userId", "reason", "bannedByUserId" };
	const struct json *o = r->json;
	const char *why;
	double days;

	for (size_t i = 0; i < nitems(required); i++)
		if (!json_has(o, required[i]) || json_is_null(o, required[i]))
			return readmin_fail(r, ERR_MISSING_FIELD, 400,
					    arena_printf(r->arena, "Missing %s", required[i]));
	in->roblox_user_id = body_roblox_id(r, json_get(o, "userId"));
	if (in->roblox_user_id == NULL)
		return invalid(r, "userId");
	in->reason = json_str(o, "reason");
	if (in->reason == NULL ||
	    !text_check(in->reason, strlen(in->reason), TEXT_FREE, 1, BAN_REASON_MAX, &why))
		return invalid(r, "reason");
	in->banned_by = body_roblox_id(r, json_get(o, "bannedByUserId"));
	if (in->banned_by == NULL)
		return invalid(r, "bannedByUserId");
	in->expires_at = 0; /* absent or null: permanent */
	if (json_has(o, "expiresInDays") && !json_is_null(o, "expiresInDays")) {
		days = json_num(o, "expiresInDays", -1);
		if (!(days > 0 && days <= BAN_EXPIRES_DAYS_MAX))
			return invalid(r, "expiresInDays");
		in->expires_at = r->ctx.now + (int64_t)(days * DAY_MS);
		if (in->expires_at <= r->ctx.now) /* a fraction under 1 ms still expires later */
			in->expires_at = r->ctx.now + 1;
	}
	in->evidence = "[]";
	return ERR_OK;
}

/* §3.5 #20, Roster decision: 409 with the ban that is already active, beside `reason`. */
static enum err
already_banned(struct req *r, const struct workspace *ws, const struct ban *existing)
{
	buf_reset(&r->out);
	jw_init(&r->w, &r->out);
	jw_obj(&r->w);
	jw_kbool(&r->w, "success", false);
	jw_kstr(&r->w, "reason", "User is already banned.");
	jw_key(&r->w, "ban");
	write_ban(&r->w, ws, existing);
	return answer_raw(r, 409);
}

static enum err
bans_create(struct req *r)
{
	struct ctx *c = &r->ctx;
	char hash[SECRET_HASH_HEX + 1];
	struct ban in = { 0 }, out;
	struct workspace ws;
	int64_t kicks = 0;
	bool found = false, ignored = false;
	enum err err = create_parse(r, &in);

	if (!err)
		err = workspace_of_key(c, &ws);
	if (err)
		return err;
	/* §5 row 24: a retried identical body within 60 s answers the ban it made. */
	secret_hash_hex(r->body, r->body_len, hash);
	err = ban_replay(c, ws.cm.id, hash, c->now - BAN_REPLAY_MS, &out, &found);
	if (!err && !found)
		err = ignored_find(c, in.roblox_user_id, &ignored);
	if (!err && !found && ignored)
		err = readmin_ignored(r);
	if (err)
		return err;
	if (!found) {
		c->actor.roblox_actor_id = in.banned_by; /* audited with the key (§1.7) */
		err = ban_create(c, ws.cm.id, &in, hash, &out);
		if (err == ERR_ALREADY_BANNED)
			return already_banned(r, &ws, &out);
		if (!err)
			err = actions_queue_kicks(c, ws.cm.id, in.roblox_user_id,
						  ban_kick_message(in.reason), out.created_by,
						  &kicks);
		if (err)
			return err;
	}
	jw_key(&r->w, "ban");
	write_ban(&r->w, &ws, &out);
	jw_kint(&r->w, "queuedKicks", kicks);
	return answer_raw(r, 201);
}

/* --- #21 DELETE /games/bans/{banId} --------------------------------------------------------- */

static enum err
bans_lift(struct req *r)
{
	const char *p = req_param(r, 0);
	struct workspace ws;
	struct ban b, out;
	bool changed;
	enum err err;

	if (!id_is_valid(p) && !roblox_id_is_valid(p))
		return readmin_fail(r, ERR_INVALID_PARAMETER, 400, NO_BAN);
	err = workspace_of_key(&r->ctx, &ws);
	if (err)
		return err;
	/* A 24-hex id is never a Roblox id (those have at most 19 digits). */
	err = id_is_valid(p) ? ban_get(&r->ctx, ws.cm.id, p, &b)
			     : ban_get_for_user(&r->ctx, ws.cm.id, p, &b);
	if (!err)
		err = ban_lift(&r->ctx, ws.cm.id, b.id, &out, &changed);
	if (err == ERR_RESOURCE_NOT_FOUND) /* §5 row 11: 404 with ReAdmin's text */
		return readmin_fail(r, err, 404, NO_BAN);
	if (err)
		return err;
	jw_key(&r->w, "ban");
	write_ban(&r->w, &ws, &out);
	return ERR_OK;
}

static const char *const bool_values[] = { "true", "false", NULL };

static const struct qfield list_query[] = {
	{ "userId", Q_TEXT, 1, 19, false, NULL },
	{ "active", Q_ENUM, 0, 0, false, bool_values },
	{ 0 },
};

static const struct route readmin_bans_routes[] = {
	{ .method = M_GET, .path = "/games/bans", .fn = bans_list, .surface = SURF_READMIN,
	  .auth = AUTH_LOADER, .perm = PERM_NONE, .query = list_query,
	  .limit = readmin_loader_limit,
	  .summary = "Game bans of the workspace, active and lifted (ReAdmin #19)" },
	{ .method = M_POST, .path = "/games/bans", .fn = bans_create, .surface = SURF_READMIN,
	  .auth = AUTH_LOADER, .perm = PERM_NONE, .writes = true, .limit = readmin_loader_limit,
	  .summary = "Ban a user; queues kicks where they are online (ReAdmin #20)" },
	{ .method = M_DELETE, .path = "/games/bans/{banId}", .fn = bans_lift,
	  .surface = SURF_READMIN, .auth = AUTH_LOADER, .perm = PERM_NONE, .writes = true,
	  .limit = readmin_loader_limit,
	  .summary = "Lift a ban by ban id or Roblox user id (ReAdmin #21)" },
};

ROUTE_TABLE(api_readmin_bans_routes, readmin_bans_routes);
