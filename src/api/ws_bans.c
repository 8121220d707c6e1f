/*
 * ws_bans.c: …/bans of platform.md §6.7. Reads need view_workspace; writes need
 * manage_game_bans. A new ban queues a kick on every live server where the user is online
 * (readmin-compat.md #20's message rule), in the same transaction. Lifting is a soft delete;
 * nothing re-activates a ban.
 */
#include <string.h>

#include "api/api.h"
#include "api/ws_int.h"
#include "core/id.h"
#include "core/rfc3339.h"
#include "model/actions.h"
#include "model/bans.h"

#define EVIDENCE_URL_MAX 2000 /* Roster decision: an evidence URL is at most 2000 bytes */

static const char ROBLOX_REASON[] = "must be a Roblox id";
static const char ID_REASON[] = "must be a 24-character lowercase hex id";

/* Ban {id, robloxUserId, reason, bannedBy, active, expiresAt, evidence, createdAt, liftedAt,
 * liftedBy}. */
static void
write_ban(struct jw *w, const struct ban *b)
{
	bool by_user = b->created_by != NULL && strncmp(b->created_by, "loaderKey:", 10) != 0;

	jw_obj(w);
	jw_kstr(w, "id", b->id);
	jw_kstr(w, "robloxUserId", b->roblox_user_id);
	jw_kstr(w, "reason", b->reason);
	jw_key(w, "bannedBy");
	jw_obj(w);
	jw_kstr(w, "robloxUserId", b->banned_by);
	jw_key(w, "user");
	write_user_ref(w, by_user && b->created_by_username ? b->created_by : NULL,
		       b->created_by_username);
	jw_obj_end(w);
	jw_kbool(w, "active", b->active);
	jw_ktime(w, "expiresAt", b->expires_at);
	jw_kraw(w, "evidence", b->evidence ? b->evidence : "[]");
	jw_ktime(w, "createdAt", b->created_at);
	jw_ktime(w, "liftedAt", b->lifted_at);
	jw_kstr(w, "liftedBy", b->lifted_by);
	jw_obj_end(w);
}

static enum err
answer(struct req *r, const struct ban *b)
{
	jw_key(&r->w, "ban");
	write_ban(&r->w, b);
	return ERR_OK;
}

/* The workspace, then path parameter 1 as a ban id. */
static enum err
resolve_ban_id(struct req *r, struct workspace *ws, const char **id)
{
	enum err err = ws_resolve(r, ws);

	*id = req_param(r, 1);
	if (!err && !id_is_valid(*id))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "banId", ID_REASON);
	return err;
}

static enum err
bans_list(struct req *r)
{
	struct ban_filter f = { .roblox_user_id = req_query(r, "robloxUserId"), .active = -1 };
	const char *active = req_query(r, "active");
	struct workspace ws;
	int64_t page, size, total;
	struct ban *v;
	size_t n;
	enum err err = ws_resolve(r, &ws);

	if (err)
		return err;
	req_paging(r, &page, &size);
	if (f.roblox_user_id != NULL && !roblox_id_is_valid(f.roblox_user_id))
		return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_PARAMETER, "parameter",
				"robloxUserId", "reason", ROBLOX_REASON, (const char *)NULL);
	if (active != NULL)
		f.active = strcmp(active, "true") == 0;
	err = ban_list(&r->ctx, ws.cm.id, &f, page, size, &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "bans");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_ban(&r->w, &v[i]);
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

/*
 * An evidence URL: http(s), printable ASCII without quotes, backslashes or angle brackets, so
 * the stored JSON array can be built by concatenation and shown as a link safely.
 */
static bool
evidence_url_ok(const char *u)
{
	size_t len = strlen(u);

	if (len > EVIDENCE_URL_MAX ||
	    (strncmp(u, "https://", 8) != 0 && strncmp(u, "http://", 7) != 0))
		return false;
	if (len <= (u[4] == 's' ? 8u : 7u))
		return false;
	for (const char *p = u; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == '"' || *p == '\\' || *p == '<' || *p == '>')
			return false;
	return true;
}

/* The evidence[] member as JSON array text, "[]" when absent. */
static enum err
evidence_json(struct req *r, const char **out)
{
	size_t n = 0;
	const char **v = json_str_list(r->json, "evidence", r->arena, &n);
	const char *s = "[";

	for (size_t i = 0; v != NULL && i < n; i++) {
		if (!evidence_url_ok(v[i]))
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "evidence",
					"each item must be an http or https URL");
		s = arena_printf(r->arena, "%s%s\"%s\"", s, i ? "," : "", v[i]);
	}
	*out = arena_printf(r->arena, "%s]", s);
	return ERR_OK;
}

/* expiresAt: an RFC 3339 time after now, or null / absent for permanent (*ms 0). */
static enum err
expires_input(struct req *r, int64_t *ms)
{
	const char *s = json_str(r->json, "expiresAt");

	*ms = 0;
	if (s == NULL)
		return ERR_OK;
	if (!rfc3339_parse(s, ms))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "expiresAt",
				"must be an RFC 3339 time");
	if (*ms <= r->ctx.now)
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "expiresAt", "must be in the future");
	return ERR_OK;
}

static enum err
bans_create(struct req *r)
{
	struct ctx *c = &r->ctx;
	struct ban in = { 0 }, out;
	struct workspace ws;
	int64_t kicks = 0;
	enum err err = ws_resolve(r, &ws);

	in.roblox_user_id = json_str(r->json, "robloxUserId");
	in.reason = json_str(r->json, "reason");
	/* The dashboard user's linked Roblox account is the disciplinarian, when there is one. */
	in.banned_by = c->actor.roblox_user_id;
	if (!err && !roblox_id_is_valid(in.roblox_user_id))
		err = ctx_fail(c, ERR_INVALID_FIELD, "robloxUserId", ROBLOX_REASON);
	if (!err)
		err = expires_input(r, &in.expires_at);
	if (!err)
		err = evidence_json(r, &in.evidence);
	if (!err)
		err = ban_create(c, ws.cm.id, &in, NULL, &out);
	if (err == ERR_ALREADY_BANNED)
		return fail_set(&c->fail, r->arena, ERR_ALREADY_BANNED, "banId", out.id,
				(const char *)NULL);
	if (!err)
		err = actions_queue_kicks(c, ws.cm.id, in.roblox_user_id,
					  ban_kick_message(in.reason), out.created_by, &kicks);
	if (err)
		return err;
	answer(r, &out);
	jw_kint(&r->w, "queuedKicks", kicks);
	return ERR_OK;
}

static enum err
bans_update(struct req *r)
{
	struct workspace ws;
	struct ban out;
	const char *id;
	int64_t expires = 0;
	bool set_expiry = json_has(r->json, "expiresAt");
	enum err err = resolve_ban_id(r, &ws, &id);

	if (!err && set_expiry)
		err = expires_input(r, &expires);
	if (!err)
		err = ban_update(&r->ctx, ws.cm.id, id, json_str(r->json, "reason"), set_expiry,
				 expires, &out);
	return err ? err : answer(r, &out);
}

static enum err
bans_lift(struct req *r)
{
	struct workspace ws;
	struct ban out;
	const char *id;
	bool changed;
	enum err err = resolve_ban_id(r, &ws, &id);

	if (!err)
		err = ban_lift(&r->ctx, ws.cm.id, id, &out, &changed);
	return err ? err : answer(r, &out);
}

static const struct field create_fields[] = {
	{ "robloxUserId", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 19, 0 },
	{ "reason", FT_STRING, F_REQUIRED, TEXT_FREE, 1, BAN_REASON_MAX, 0 },
	{ "expiresAt", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 64, 0 },
	{ "evidence", FT_STR_ARRAY, 0, TEXT_NAME, 0, BAN_EVIDENCE_MAX, EVIDENCE_URL_MAX },
	{ 0 },
};

static const struct field update_fields[] = {
	{ "reason", FT_STRING, 0, TEXT_FREE, 1, BAN_REASON_MAX, 0 },
	{ "expiresAt", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 64, 0 },
	{ 0 },
};

static const struct field no_fields[] = { { 0 } };

static const char *const bool_values[] = { "true", "false", NULL };

static const struct qfield list_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "robloxUserId", Q_TEXT, 1, 19, false, NULL },
	{ "active", Q_ENUM, 0, 0, false, bool_values },
	{ 0 },
};

#define WS_WRITE WS_ROUTE_WRITE, .perm = PERM_MANAGE_GAME_BANS

static const struct route ws_bans_routes[] = {
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/bans", .fn = bans_list, WS_ROUTE_READ,
	  .perm = PERM_VIEW_WORKSPACE, .query = list_query,
	  .summary = "Game bans, newest first" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/bans", .fn = bans_create, WS_WRITE,
	  .body = create_fields, .summary = "Ban a user; queues kicks where they are online" },
	{ .method = M_PATCH, .path = "/api/workspaces/{wsId}/bans/{banId}", .fn = bans_update,
	  WS_WRITE, .body = update_fields, .summary = "Change an active ban's reason or expiry" },
	{ .method = M_DELETE, .path = "/api/workspaces/{wsId}/bans/{banId}", .fn = bans_lift,
	  WS_WRITE, .body = no_fields, .summary = "Lift a ban (kept, inactive)" },
};

ROUTE_TABLE(api_ws_bans_routes, ws_bans_routes);
