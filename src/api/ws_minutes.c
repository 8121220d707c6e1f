/*
 * ws_minutes.c: the minutes and distribution routes of platform.md §6.5 (leaderboard, minutes,
 * adjustments, distributions). Reads need view_workspace; writes need manage_activity.
 * Minutes are written with 2 decimals; `total` includes `manual` and never drops below 0.
 */
#include <string.h>

#include "api/api.h"
#include "api/ws_int.h"
#include "core/id.h"
#include "model/minutes.h"

#define GAME_SESSIONS_MAX MINUTES_GAME_SESSIONS /* §6.5: latest 50 play sessions */

static const char ROBLOX_REASON[] = "must be a Roblox id";
static const char ID_REASON[] = "must be a 24-character lowercase hex id";

static void
kcenti(struct jw *w, const char *k, int64_t centi)
{
	jw_key(w, k);
	jw_num(w, (double)centi / 100.0);
}

/* Minutes {active, idle, typing, manual, total, messages}. */
static void
write_minutes(struct jw *w, const char *k, const struct minutes *m)
{
	jw_key(w, k);
	jw_obj(w);
	kcenti(w, "active", m->active);
	kcenti(w, "idle", m->idle);
	kcenti(w, "typing", m->typing);
	kcenti(w, "manual", m->manual);
	kcenti(w, "total", m->total);
	jw_kint(w, "messages", m->messages);
	jw_obj_end(w);
}

static void
write_adjustment(struct jw *w, const struct minutes_adjustment *a)
{
	jw_obj(w);
	jw_kstr(w, "id", a->id);
	jw_kstr(w, "robloxUserId", a->roblox_user_id);
	jw_kstr(w, "kind", a->kind);
	kcenti(w, "minutes", a->centiminutes);
	jw_kstr(w, "reason", a->reason);
	jw_kint(w, "distribution", a->distribution);
	jw_ktime(w, "createdAt", a->created_at);
	jw_kstr(w, "createdBy", a->created_by);
	jw_obj_end(w);
}

static void
write_distribution(struct jw *w, const struct distribution *d)
{
	jw_obj(w);
	jw_kint(w, "number", d->number);
	jw_ktime(w, "startedAt", d->started_at);
	jw_ktime(w, "endedAt", d->ended_at);
	jw_kbool(w, "automated", d->automated);
	jw_obj_end(w);
}

/* The workspace, then the `distribution` query (default current; 404 when it never existed). */
static enum err
resolve_dist(struct req *r, struct workspace *ws, int64_t *dist)
{
	struct distribution d;
	enum err err = ws_resolve(r, ws);

	if (err)
		return err;
	*dist = req_query_int(r, "distribution", ws->dist_current);
	return distribution_get(&r->ctx, ws, *dist, &d);
}

static enum err
leaderboard(struct req *r)
{
	struct minutes_row *v;
	struct workspace ws;
	int64_t dist, page, size, total;
	size_t n;
	enum err err = resolve_dist(r, &ws, &dist);

	if (err)
		return err;
	req_paging(r, &page, &size);
	err = minutes_leaderboard(&r->ctx, &ws, dist, (page - 1) * size, size, &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "entries");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++) {
		jw_obj(&r->w);
		jw_kint(&r->w, "position", v[i].position);
		jw_kstr(&r->w, "robloxUserId", v[i].roblox_user_id);
		jw_kstr(&r->w, "username", v[i].username);
		write_minutes(&r->w, "minutes", &v[i].m);
		jw_kint(&r->w, "sessions", v[i].m.sessions);
		jw_obj_end(&r->w);
	}
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

static enum err
minutes_index(struct req *r)
{
	struct minutes_row *v;
	struct workspace ws;
	int64_t dist, page, size, total;
	size_t n;
	enum err err = resolve_dist(r, &ws, &dist);

	if (err)
		return err;
	req_paging(r, &page, &size);
	err = minutes_list(&r->ctx, &ws, dist, req_query(r, "search"), (page - 1) * size, size,
			   &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "entries");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++) {
		jw_obj(&r->w);
		jw_kstr(&r->w, "robloxUserId", v[i].roblox_user_id);
		jw_kstr(&r->w, "username", v[i].username);
		write_minutes(&r->w, "minutes", &v[i].m);
		jw_obj_end(&r->w);
	}
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

/*
 * A credited play session (docs/decisions.md, "Play sessions in minutes reads"): minutes in
 * the Minutes spelling less manual, each part and the total rounded from ms on their own.
 */
static void
write_game_session(struct jw *w, const struct minutes_play_session *p)
{
	jw_obj(w);
	jw_kstr(w, "id", p->id);
	jw_kstr(w, "serverId", p->server_id);
	jw_ktime(w, "startedAt", p->started_at);
	jw_ktime(w, "endedAt", p->ended_at);
	jw_key(w, "minutes");
	jw_obj(w);
	kcenti(w, "active", p->active);
	kcenti(w, "idle", p->idle);
	kcenti(w, "typing", p->typing);
	kcenti(w, "total", p->total);
	jw_obj_end(w);
	jw_kint(w, "messages", p->messages);
	jw_kstr(w, "removalMethod", p->removal_method);
	jw_obj_end(w);
}

/* gameSessions: the user's latest 50 credited play sessions of the distribution asked for. */
static enum err
minutes_user(struct req *r)
{
	const char *uid = req_param(r, 1);
	struct minutes_adjustment *adj;
	struct minutes_play_session *gs;
	struct minutes_row m;
	struct workspace ws;
	int64_t dist, pos;
	size_t n, n_gs;
	bool found;
	enum err err = resolve_dist(r, &ws, &dist);

	if (!err && !roblox_id_is_valid(uid))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "robloxUserId", ROBLOX_REASON);
	if (!err)
		err = minutes_get(&r->ctx, &ws, dist, uid, &m, &found);
	if (!err)
		err = minutes_position(&r->ctx, &ws, dist, m.m.total, &pos);
	if (!err)
		err = adjustment_list(&r->ctx, &ws, dist, uid, &adj, &n);
	if (!err)
		err = minutes_play_sessions(&r->ctx, &ws, dist, uid, GAME_SESSIONS_MAX, &gs, &n_gs);
	if (err)
		return err;
	jw_kstr(&r->w, "robloxUserId", uid);
	jw_kint(&r->w, "distribution", dist);
	write_minutes(&r->w, "minutes", &m.m);
	jw_kint(&r->w, "position", pos);
	jw_key(&r->w, "adjustments");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_adjustment(&r->w, &adj[i]);
	jw_arr_end(&r->w);
	jw_key(&r->w, "gameSessions");
	jw_arr(&r->w);
	for (size_t i = 0; i < n_gs; i++)
		write_game_session(&r->w, &gs[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

/*
 * Minutes as exact hundredths: non-zero, |x| <= 100000 (the field table), at most 2
 * decimals. SEC T13.
 */
static enum err
input_centi(struct req *r, int64_t *out)
{
	double y = json_num(r->json, "minutes", 0) * 100.0;
	int64_t k = (int64_t)(y + (y >= 0 ? 0.5 : -0.5));
	double diff = y - (double)k;

	if (diff > 1e-6 || diff < -1e-6)
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "minutes", "must have at most 2 decimals");
	if (k == 0)
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "minutes", "must not be 0");
	*out = k;
	return ERR_OK;
}

static enum err
adjust_create(struct req *r)
{
	struct minutes_adjustment in = { 0 }, out;
	struct workspace ws;
	enum err err = ws_resolve(r, &ws);

	if (err)
		return err;
	in.roblox_user_id = json_str(r->json, "robloxUserId");
	in.kind = json_str(r->json, "kind");
	in.reason = json_str(r->json, "reason");
	if (!roblox_id_is_valid(in.roblox_user_id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "robloxUserId", ROBLOX_REASON);
	if (!minutes_kind_is_valid(in.kind))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "kind", "must be active, idle or typing");
	err = input_centi(r, &in.centiminutes);
	if (!err)
		err = adjustment_create(&r->ctx, &ws, &in, &out);
	if (err)
		return err;
	jw_key(&r->w, "adjustment");
	write_adjustment(&r->w, &out);
	return ERR_OK;
}

static enum err
adjust_delete(struct req *r)
{
	struct minutes_adjustment out;
	struct workspace ws;
	const char *id = req_param(r, 1);
	enum err err = ws_resolve(r, &ws);

	if (!err && !id_is_valid(id))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "adjustmentId", ID_REASON);
	if (!err)
		err = adjustment_delete(&r->ctx, &ws, id, &out);
	if (err)
		return err;
	jw_key(&r->w, "adjustment");
	write_adjustment(&r->w, &out);
	return ERR_OK;
}

static enum err
dist_list(struct req *r)
{
	struct distribution *v;
	struct workspace ws;
	int64_t page, size, total;
	size_t n;
	enum err err = ws_resolve(r, &ws);

	if (err)
		return err;
	req_paging(r, &page, &size);
	err = distribution_list(&r->ctx, &ws, page, size, &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "distributions");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_distribution(&r->w, &v[i]);
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

static enum err
dist_create(struct req *r)
{
	struct distribution d;
	struct workspace ws;
	enum err err = ws_resolve(r, &ws);

	if (!err)
		err = distribution_rollover(&r->ctx, &ws, &d);
	if (err)
		return err;
	jw_key(&r->w, "distribution");
	write_distribution(&r->w, &d);
	return ERR_OK;
}

static const struct field adjust_fields[] = {
	{ "robloxUserId", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 19, 0 },
	{ "kind", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 20, 0 },
	{ "minutes", FT_NUMBER, F_REQUIRED, 0, -MINUTES_ADJUST_MAX / 100, MINUTES_ADJUST_MAX / 100,
	  0 },
	{ "reason", FT_STRING, F_REQUIRED, TEXT_FREE, 1, MINUTES_REASON_MAX, 0 },
	{ 0 },
};

static const struct field no_fields[] = { { 0 } };

static const struct qfield dist_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "distribution", Q_INT, 1, 1000000000, false, NULL },
	{ 0 },
};

static const struct qfield list_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "distribution", Q_INT, 1, 1000000000, false, NULL },
	{ "search", Q_TEXT, 1, 100, false, NULL },
	{ 0 },
};

static const struct qfield user_query[] = {
	{ "distribution", Q_INT, 1, 1000000000, false, NULL },
	{ 0 },
};

static const struct qfield page_query[] = { QF_PAGE, QF_PAGE_SIZE, { 0 } };

#define WS_READ WS_ROUTE_READ, .perm = PERM_VIEW_WORKSPACE
#define WS_WRITE WS_ROUTE_WRITE, .perm = PERM_MANAGE_ACTIVITY

static const struct route ws_minutes_routes[] = {
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/leaderboard", .fn = leaderboard,
	  WS_READ, .query = dist_query, .summary = "Staff minutes, total desc" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/minutes", .fn = minutes_index, WS_READ,
	  .query = list_query, .summary = "Minutes of everyone with a summary" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/minutes/{robloxUserId}",
	  .fn = minutes_user, WS_READ, .query = user_query,
	  .summary = "One user's minutes, position, adjustments and game sessions" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/minutes/adjustments",
	  .fn = adjust_create, WS_WRITE, .body = adjust_fields,
	  .summary = "Adjust a user's minutes in the current distribution" },
	{ .method = M_DELETE, .path = "/api/workspaces/{wsId}/minutes/adjustments/{adjustmentId}",
	  .fn = adjust_delete, WS_WRITE, .body = no_fields, .summary = "Delete an adjustment" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/distributions", .fn = dist_list,
	  WS_READ, .query = page_query, .summary = "Distributions, newest first" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/distributions", .fn = dist_create,
	  WS_WRITE, .body = no_fields, .summary = "Close the current distribution, start the next" },
};

ROUTE_TABLE(api_ws_minutes_routes, ws_minutes_routes);
