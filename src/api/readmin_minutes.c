/*
 * readmin_minutes.c: the minutes routes of readmin-compat.md §3.3 (header `loader-id`): #11
 * GET /activity/workspace/leaderboard and #12 GET /activity/workspace/users/{userId}/minutes.
 * The loader key fixes the workspace; both read the current distribution (§4.8).
 */
#include "api/api.h"
#include "core/fail.h"
#include "core/id.h"
#include "model/minutes.h"
#include "model/workspaces.h"
#include "api/readmin_int.h"

/* Summary (§2); m was completed by minutes_summary_fill (sessions, attendedSessions). */
static void
write_summary(struct jw *w, struct arena *a, const struct workspace *ws, int64_t dist,
	      const struct minutes_row *m)
{
	const char *group = ws->cm.roblox_group_id ? ws->cm.roblox_group_id : "";

	jw_obj(w);
	jw_kstr(w, "_id", arena_printf(a, "%lld-%s", (long long)dist, m->roblox_user_id));
	jw_kstr(w, "userId", m->roblox_user_id);
	jw_kstr(w, "groupId", group);
	jw_kstr(w, "distribution", arena_printf(a, "%lld", (long long)dist));
	jw_key(w, "sessions");
	jw_arr(w);
	for (size_t i = 0; i < m->n_session_ids; i++)
		jw_str(w, m->session_ids[i]);
	jw_arr_end(w);
	jw_key(w, "minutes");
	jw_obj(w);
	jw_key(w, "total");
	jw_num(w, (double)m->m.total / 100.0);
	jw_key(w, "active");
	jw_num(w, (double)m->m.active / 100.0);
	jw_key(w, "inactive");
	jw_num(w, (double)m->m.idle / 100.0);
	jw_key(w, "typing");
	jw_num(w, (double)m->m.typing / 100.0);
	jw_kint(w, "messages", m->m.messages);
	jw_key(w, "manual");
	jw_num(w, (double)m->m.manual / 100.0);
	jw_obj_end(w);
	jw_kint(w, "attendedSessions", m->attended);
	jw_key(w, "goals");
	jw_obj(w);
	jw_obj_end(w);
	jw_ktime(w, "created", m->created_at);
	jw_ktime(w, "updated", m->updated_at);
	jw_obj_end(w);
}

/* #11: staff summaries of the current distribution, total desc then numeric id, at most 50. */
static enum err
activity_leaderboard(struct req *r)
{
	struct minutes_row *v;
	struct distribution d;
	struct workspace ws;
	size_t n;
	enum err err = workspace_of_key(&r->ctx, &ws);

	if (!err)
		err = distribution_get(&r->ctx, &ws, ws.dist_current, &d);
	if (!err)
		err = minutes_leaderboard(&r->ctx, &ws, ws.dist_current, 0, MINUTES_LEADERBOARD_MAX,
					  &v, &n, NULL);
	/* Per-user lookups only for the <= 50 rows of the page (indexed, 0016). */
	if (!err)
		err = minutes_summary_fill(&r->ctx, &ws, &d, v, n);
	if (err)
		return err;
	jw_key(&r->w, "leaderboard");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_summary(&r->w, r->arena, &ws, ws.dist_current, &v[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

/* #12: position = 1 + staff with a strictly greater total; no summary counts as 0. */
static enum err
activity_user_minutes(struct req *r)
{
	const char *uid = req_param(r, 0);
	struct distribution d;
	struct minutes_row m;
	struct workspace ws;
	int64_t pos;
	bool found;
	enum err err;

	if (!roblox_id_is_valid(uid))
		return fail_readmin(&r->ctx.fail, ERR_INVALID_PARAMETER, 400, "Invalid userId");
	err = workspace_of_key(&r->ctx, &ws);
	if (!err)
		err = distribution_get(&r->ctx, &ws, ws.dist_current, &d);
	if (!err)
		err = minutes_get(&r->ctx, &ws, ws.dist_current, uid, &m, &found);
	if (!err)
		err = minutes_position(&r->ctx, &ws, ws.dist_current, m.m.total, &pos);
	if (!err && found)
		err = minutes_summary_fill(&r->ctx, &ws, &d, &m, 1);
	if (err)
		return err;
	jw_kint(&r->w, "workspace_position", pos);
	jw_key(&r->w, "summary");
	if (found)
		write_summary(&r->w, r->arena, &ws, ws.dist_current, &m);
	else
		jw_null(&r->w);
	return ERR_OK;
}

static const struct route readmin_minutes_routes[] = {
	{ .method = M_GET, .path = "/activity/workspace/leaderboard", .fn = activity_leaderboard,
	  .surface = SURF_READMIN, .auth = AUTH_LOADER, .perm = PERM_NONE,
	  .limit = readmin_loader_limit,
	  .summary = "Staff minutes of the current distribution (ReAdmin #11)" },
	{ .method = M_GET, .path = "/activity/workspace/users/{userId}/minutes",
	  .fn = activity_user_minutes, .surface = SURF_READMIN, .auth = AUTH_LOADER,
	  .perm = PERM_NONE, .limit = readmin_loader_limit,
	  .summary = "One user's minutes and position (ReAdmin #12)" },
};

ROUTE_TABLE(api_readmin_minutes_routes, readmin_minutes_routes);
