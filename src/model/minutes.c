/*
 * minutes.c: distributions, minute summaries and adjustments of a workspace; see minutes.h.
 * No statement here runs without the caller's workspace id. A summary is computed on read
 * from the play-time rows and the adjustments of one distribution, so an adjustment or its
 * deletion shows at once and nothing derived can drift.
 */
#include "model/minutes.h"

#include <string.h>

#include "core/id.h"
#include "model/audit.h"
#include "model/sessions.h"
#include "model/snapshot.h"
#include "model/users.h"

#define MS_PER_CENTI 600 /* 1/100 minute */

/*
 * A summary is one minute_totals row: play ms summed by the tracker and adjustments folded
 * in as hundredths (0014). TOTAL is the dashboard's total in hundredths: max(0, play ms +
 * adjustments), rounded half away from zero once (§4.8; it may differ from the sum of the
 * floored parts). It is written exactly as in the index minute_totals_total, so the
 * leaderboard reads the index from the top.
 */
#define RAW "(t.active_ms + t.idle_ms + t.typing_ms + (t.adj_active_c + t.adj_idle_c + t.adj_typing_c) * 600)"
#define TOTAL "(CASE WHEN " RAW " <= 0 THEN 0 ELSE (" RAW " + 300) / 600 END)"
#define SUM_COLS                                                                               \
	"t.roblox_user_id, t.active_ms, t.idle_ms, t.typing_ms, t.messages, t.sessions,"       \
	" t.adj_active_c, t.adj_idle_c, t.adj_typing_c, t.created_at, t.updated_at, " TOTAL    \
	", mb.username, CASE WHEN mb.rank > 0 AND mb.rank >= ? THEN 1 ELSE 0 END"
/* Binds: minSyncRank (in SUM_COLS), ws, ws, dist. */
#define FROM_SUMS                                                                              \
	" FROM minute_totals t LEFT JOIN workspace_members mb ON mb.workspace_id = ?"          \
	" AND mb.roblox_user_id = t.roblox_user_id WHERE t.workspace_id = ? AND t.distribution = ?"
/*
 * Binds: ws, ws, dist, minSyncRank. CROSS JOIN keeps minute_totals outer (SQLite never
 * reorders it), so the leaderboard walks minute_totals_total from the top and stops after a
 * page instead of sorting every staff member; elsewhere it is a plain inner join.
 */
#define FROM_STAFF                                                                             \
	" FROM minute_totals t CROSS JOIN workspace_members mb ON mb.workspace_id = ?"         \
	" AND mb.roblox_user_id = t.roblox_user_id WHERE t.workspace_id = ?"                   \
	" AND t.distribution = ? AND mb.rank > 0 AND mb.rank >= ?"
/* Numeric order of decimal ids without leading zeros, in the shared SQL subset. */
#define BY_TOTAL " ORDER BY " TOTAL " DESC, LENGTH(t.roblox_user_id), t.roblox_user_id"

static const char SQL_LEADERBOARD[] = "SELECT " SUM_COLS FROM_STAFF BY_TOTAL " LIMIT ? OFFSET ?";
static const char SQL_LEADERBOARD_COUNT[] = "SELECT COUNT(*)" FROM_STAFF;
#define LIST_WHERE " AND (? IS NULL OR t.roblox_user_id = ? OR mb.username_key LIKE ? ESCAPE '\\')"
static const char SQL_LIST[] = "SELECT " SUM_COLS FROM_SUMS LIST_WHERE BY_TOTAL
			       " LIMIT ? OFFSET ?";
static const char SQL_LIST_COUNT[] = "SELECT COUNT(*)" FROM_SUMS LIST_WHERE;
static const char SQL_GET[] = "SELECT " SUM_COLS FROM_SUMS " AND t.roblox_user_id = ?";
static const char SQL_POSITION[] = "SELECT COUNT(*)" FROM_STAFF " AND " TOTAL " > ?";

/*
 * A user's credited play sessions of one distribution, newest first (§2 Summary `sessions`,
 * §6.5 gameSessions). credited = 1 is "ended and kept": an open session has not been
 * credited yet, and one ended uncredited was deleted (§4.7). Walks play_sessions_user_dist
 * (0016) backwards and stops at the limit.
 */
#define PLAY_WHERE                                                                             \
	" FROM play_sessions WHERE workspace_id = ? AND roblox_user_id = ? AND distribution = ?" \
	" AND credited = 1 ORDER BY started_at DESC, id DESC LIMIT ?"
static const char SQL_SESSION_IDS[] = "SELECT id" PLAY_WHERE;
static const char SQL_PLAY_SESSIONS[] = "SELECT id, server_id, started_at, ended_at, active_ms,"
					" idle_ms, typing_ms, messages, removal_method" PLAY_WHERE;

/* Adjustments folded into the summary row (created if the user has none yet), and out. */
static const char SQL_FOLD[] =
	"INSERT INTO minute_totals (workspace_id, distribution, roblox_user_id, adj_active_c,"
	" adj_idle_c, adj_typing_c, adjustments, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)"
	" ON CONFLICT (workspace_id, distribution, roblox_user_id) DO UPDATE SET"
	" adj_active_c = minute_totals.adj_active_c + excluded.adj_active_c,"
	" adj_idle_c = minute_totals.adj_idle_c + excluded.adj_idle_c,"
	" adj_typing_c = minute_totals.adj_typing_c + excluded.adj_typing_c,"
	" adjustments = minute_totals.adjustments + 1, updated_at = excluded.updated_at";
static const char SQL_UNFOLD[] =
	"UPDATE minute_totals SET adj_active_c = adj_active_c - ?, adj_idle_c = adj_idle_c - ?,"
	" adj_typing_c = adj_typing_c - ?, adjustments = adjustments - 1, updated_at = ?"
	" WHERE workspace_id = ? AND distribution = ? AND roblox_user_id = ?";
/* A row that holds neither play nor adjustments is no summary (the user never had one). */
static const char SQL_DROP_EMPTY[] =
	"DELETE FROM minute_totals WHERE workspace_id = ? AND distribution = ?"
	" AND roblox_user_id = ? AND adjustments = 0 AND sessions = 0 AND messages = 0"
	" AND active_ms = 0 AND idle_ms = 0 AND typing_ms = 0";

#define DIST_COLS "number, started_at, ended_at, automated"
static const char SQL_DIST_GET[] = "SELECT " DIST_COLS " FROM distributions"
				   " WHERE workspace_id = ? AND number = ?";
static const char SQL_DIST_LIST[] = "SELECT " DIST_COLS " FROM distributions"
				    " WHERE workspace_id = ? AND number < ?"
				    " ORDER BY number DESC LIMIT ? OFFSET ?";
static const char SQL_DIST_ENSURE[] = "INSERT INTO distributions (workspace_id, number,"
				      " started_at, automated) VALUES (?, ?, ?, ?)"
				      " ON CONFLICT (workspace_id, number) DO NOTHING";
static const char SQL_DIST_CLOSE[] = "UPDATE distributions SET ended_at = ?"
				     " WHERE workspace_id = ? AND number = ?";
static const char SQL_DIST_ADVANCE[] = "UPDATE communities SET distribution_current = ?"
				       " WHERE id = ? AND distribution_current = ?";

#define ADJ_COLS                                                                               \
	"id, roblox_user_id, kind, centiminutes, reason, distribution, created_at, created_by"
static const char SQL_ADJ_LIST[] = "SELECT " ADJ_COLS " FROM minute_adjustments"
				   " WHERE workspace_id = ? AND distribution = ?"
				   " AND roblox_user_id = ? ORDER BY created_at DESC, id DESC"
				   " LIMIT ?";
static const char SQL_ADJ_GET[] = "SELECT " ADJ_COLS " FROM minute_adjustments"
				  " WHERE workspace_id = ? AND id = ?";
static const char SQL_ADJ_INSERT[] = "INSERT INTO minute_adjustments (workspace_id, id,"
				     " distribution, roblox_user_id, kind, centiminutes, reason,"
				     " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_ADJ_DELETE[] = "DELETE FROM minute_adjustments"
				     " WHERE workspace_id = ? AND id = ?";

static const char *const KINDS[] = { "active", "idle", "typing" };

bool
minutes_kind_is_valid(const char *s)
{
	for (size_t i = 0; s != NULL && i < nitems(KINDS); i++)
		if (strcmp(s, KINDS[i]) == 0)
			return true;
	return false;
}

/* One state's minutes: play ms plus that kind's adjustments, floored at 0, then rounded. */
static int64_t
part_centi(int64_t ms, int64_t adj_centi)
{
	int64_t v = ms + adj_centi * MS_PER_CENTI;

	return v <= 0 ? 0 : (v + MS_PER_CENTI / 2) / MS_PER_CENTI;
}

static void
row_from(const struct rows *rs, size_t i, struct minutes_row *o)
{
	o->roblox_user_id = rows_text(rs, i, 0);
	o->m.active = part_centi(rows_int(rs, i, 1), rows_int(rs, i, 6));
	o->m.idle = part_centi(rows_int(rs, i, 2), rows_int(rs, i, 7));
	o->m.typing = part_centi(rows_int(rs, i, 3), rows_int(rs, i, 8));
	o->m.messages = rows_int(rs, i, 4);
	o->m.sessions = rows_int(rs, i, 5);
	o->m.manual = rows_int(rs, i, 6) + rows_int(rs, i, 7) + rows_int(rs, i, 8);
	o->created_at = rows_int(rs, i, 9);
	o->updated_at = rows_int(rs, i, 10);
	o->m.total = rows_int(rs, i, 11);
	o->username = rows_null(rs, i, 12) ? NULL : rows_text(rs, i, 12);
	o->staff = rows_int(rs, i, 13) != 0;
}

static void
rows_to(struct ctx *c, const struct rows *rs, struct minutes_row **out, size_t *n)
{
	*n = rs->n;
	*out = arena_alloc(c->arena, (rs->n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs->n; i++)
		row_from(rs, i, &(*out)[i]);
}

enum err
minutes_leaderboard(struct ctx *c, const struct workspace *ws, int64_t dist, int64_t offset,
		    int64_t limit, struct minutes_row **out, size_t *n, int64_t *total)
{
	const struct val args[] = { V_INT(ws->min_sync_rank), V_TEXT(ws->cm.id), V_TEXT(ws->cm.id),
				    V_INT(dist), V_INT(ws->min_sync_rank), V_INT(limit),
				    V_INT(offset) };
	struct rows rs;
	enum err err;

	if (total != NULL) {
		err = store_query(c->store, c->arena, SQL_LEADERBOARD_COUNT, args + 1, 4, &rs);
		if (err)
			return err;
		*total = rows_int(&rs, 0, 0);
	}
	err = store_query(c->store, c->arena, SQL_LEADERBOARD, args, nitems(args), &rs);
	if (err)
		return err;
	rows_to(c, &rs, out, n);
	/* Positions follow from the order: 1 + staff strictly above, ties sharing one. */
	for (size_t i = 0; i < *n; i++) {
		struct minutes_row *row = &(*out)[i];
		if (i > 0 && row->m.total == (*out)[i - 1].m.total)
			row->position = (*out)[i - 1].position;
		else if (i > 0 || offset == 0)
			row->position = offset + (int64_t)i + 1;
		else if ((err = minutes_position(c, ws, dist, row->m.total, &row->position)))
			return err;
	}
	return ERR_OK;
}

enum err
minutes_list(struct ctx *c, const struct workspace *ws, int64_t dist, const char *search,
	     int64_t offset, int64_t limit, struct minutes_row **out, size_t *n, int64_t *total)
{
	const char *like = search ? user_like_pattern(c->arena, search) : NULL;
	const struct val args[] = { V_INT(ws->min_sync_rank), V_TEXT(ws->cm.id), V_TEXT(ws->cm.id),
				    V_INT(dist), V_TEXT(search), V_TEXT(search), V_TEXT(like),
				    V_INT(limit), V_INT(offset) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_LIST_COUNT, args + 1, 6, &rs);

	if (err)
		return err;
	*total = rows_int(&rs, 0, 0);
	err = store_query(c->store, c->arena, SQL_LIST, args, nitems(args), &rs);
	if (err)
		return err;
	rows_to(c, &rs, out, n);
	return ERR_OK;
}

enum err
minutes_get(struct ctx *c, const struct workspace *ws, int64_t dist, const char *user_id,
	    struct minutes_row *out, bool *found)
{
	const struct val args[] = { V_INT(ws->min_sync_rank), V_TEXT(ws->cm.id), V_TEXT(ws->cm.id),
				    V_INT(dist), V_TEXT(user_id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_GET, args, nitems(args), &rs);

	if (err)
		return err;
	*out = (struct minutes_row){ .roblox_user_id = user_id };
	*found = rs.n > 0;
	if (*found)
		row_from(&rs, 0, out);
	return ERR_OK;
}

/* One row's newest session ids and attended count; `to` ends d's span. */
static enum err
summary_fill_one(struct ctx *c, const struct workspace *ws, const struct distribution *d,
		 int64_t to, struct minutes_row *row)
{
	const struct val args[] = { V_TEXT(ws->cm.id), V_TEXT(row->roblox_user_id),
				    V_INT(d->number), V_INT(MINUTES_SUMMARY_SESSIONS) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_SESSION_IDS, args, nitems(args), &rs);

	if (err)
		return err;
	row->n_session_ids = rs.n;
	row->session_ids = arena_alloc(c->arena, (rs.n + 1) * sizeof(*row->session_ids));
	for (size_t i = 0; i < rs.n; i++)
		row->session_ids[i] = rows_text(&rs, i, 0);
	return sessions_attended_count(c, ws->cm.id, row->roblox_user_id, d->started_at, to,
				       &row->attended);
}

enum err
minutes_summary_fill(struct ctx *c, const struct workspace *ws, const struct distribution *d,
		     struct minutes_row *rows, size_t n)
{
	/* The current distribution runs until now: sessions starting later do not count yet. */
	int64_t to = d->ended_at != 0 ? d->ended_at : c->now;
	enum err err;

	for (size_t i = 0; i < n; i++)
		if ((err = summary_fill_one(c, ws, d, to, &rows[i])))
			return err;
	return ERR_OK;
}

enum err
minutes_play_sessions(struct ctx *c, const struct workspace *ws, int64_t dist,
		      const char *user_id, int64_t limit, struct minutes_play_session **out,
		      size_t *n)
{
	const struct val args[] = { V_TEXT(ws->cm.id), V_TEXT(user_id), V_INT(dist),
				    V_INT(limit) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_PLAY_SESSIONS, args, nitems(args), &rs);

	if (err)
		return err;
	*n = rs.n;
	*out = arena_alloc(c->arena, (rs.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs.n; i++) {
		struct minutes_play_session *p = &(*out)[i];
		int64_t act = rows_int(&rs, i, 4), idle = rows_int(&rs, i, 5);
		int64_t typ = rows_int(&rs, i, 6);

		p->id = rows_text(&rs, i, 0);
		p->server_id = rows_text(&rs, i, 1);
		p->started_at = rows_int(&rs, i, 2);
		p->ended_at = rows_int(&rs, i, 3);
		/* Each part rounded alone; the total rounded once from the summed ms (§4.7). */
		p->active = part_centi(act, 0);
		p->idle = part_centi(idle, 0);
		p->typing = part_centi(typ, 0);
		p->total = part_centi(act + idle + typ, 0);
		p->messages = rows_int(&rs, i, 7);
		p->removal_method = rows_null(&rs, i, 8) ? NULL : rows_text(&rs, i, 8);
	}
	return ERR_OK;
}

enum err
minutes_position(struct ctx *c, const struct workspace *ws, int64_t dist, int64_t total,
		 int64_t *position)
{
	const struct val args[] = { V_TEXT(ws->cm.id), V_TEXT(ws->cm.id), V_INT(dist),
				    V_INT(ws->min_sync_rank), V_INT(total) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_POSITION, args, nitems(args), &rs);

	if (err)
		return err;
	*position = 1 + rows_int(&rs, 0, 0);
	return ERR_OK;
}

/* --- distributions ------------------------------------------------------------------------ */

static void
dist_from(const struct rows *rs, size_t i, struct distribution *d)
{
	d->number = rows_int(rs, i, 0);
	d->started_at = rows_int(rs, i, 1);
	d->ended_at = rows_null(rs, i, 2) ? 0 : rows_int(rs, i, 2);
	d->automated = rows_int(rs, i, 3) != 0;
}

enum err
distribution_get(struct ctx *c, const struct workspace *ws, int64_t number,
		 struct distribution *out)
{
	const struct val args[] = { V_TEXT(ws->cm.id), V_INT(number) };
	struct rows rs;
	enum err err;

	if (number < 1 || number > ws->dist_current)
		return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource",
				"distribution", (const char *)NULL);
	err = store_query(c->store, c->arena, SQL_DIST_GET, args, nitems(args), &rs);
	if (err)
		return err;
	if (rs.n > 0) {
		dist_from(&rs, 0, out);
		return ERR_OK;
	}
	/* A current distribution never rolled over: it began with the workspace. */
	*out = (struct distribution){ .number = number, .started_at = ws->cm.created_at };
	return ERR_OK;
}

enum err
distribution_list(struct ctx *c, const struct workspace *ws, int64_t page, int64_t page_size,
		  struct distribution **out, size_t *n, int64_t *total)
{
	int64_t offset = (page - 1) * page_size, skip = 0, lim = page_size;
	struct distribution cur;
	struct rows rs;
	enum err err;

	/* The current one heads page 1 whether or not it has a row; older ones follow. */
	*total = ws->dist_current;
	*out = arena_alloc(c->arena, ((size_t)page_size + 1) * sizeof(**out));
	*n = 0;
	if (offset == 0) {
		err = distribution_get(c, ws, ws->dist_current, &cur);
		if (err)
			return err;
		(*out)[(*n)++] = cur;
		lim--;
	} else {
		skip = offset - 1;
	}
	const struct val args[] = { V_TEXT(ws->cm.id), V_INT(ws->dist_current), V_INT(lim),
				    V_INT(skip) };
	err = store_query(c->store, c->arena, SQL_DIST_LIST, args, nitems(args), &rs);
	if (err)
		return err;
	for (size_t i = 0; i < rs.n; i++)
		dist_from(&rs, i, &(*out)[(*n)++]);
	return ERR_OK;
}

static const char *
dist_snap(struct arena *a, const struct distribution *d)
{
	struct snap s;

	snap_begin(&s, a);
	snap_int(&s, "number", d->number);
	snap_int(&s, "startedAt", d->started_at);
	snap_int(&s, "endedAt", d->ended_at);
	return snap_end(&s);
}

enum err
distribution_advance(struct ctx *c, const struct workspace *ws, int64_t at, bool automated,
		     struct distribution *out)
{
	int64_t cur = ws->dist_current, changed = 0;
	struct distribution before = { 0 };
	enum err err = distribution_get(c, ws, cur, &before);
	const struct val ensure[] = { V_TEXT(ws->cm.id), V_INT(cur), V_INT(before.started_at),
				      V_INT(0) };
	const struct val close[] = { V_INT(at), V_TEXT(ws->cm.id), V_INT(cur) };
	const struct val next[] = { V_TEXT(ws->cm.id), V_INT(cur + 1), V_INT(at), V_INT(automated) };
	const struct val advance[] = { V_INT(cur + 1), V_TEXT(ws->cm.id), V_INT(cur) };

	if (!err)
		err = store_exec(c->store, SQL_DIST_ENSURE, ensure, nitems(ensure), NULL);
	if (!err)
		err = store_exec(c->store, SQL_DIST_CLOSE, close, nitems(close), NULL);
	if (!err)
		err = store_exec(c->store, SQL_DIST_ENSURE, next, nitems(next), NULL);
	if (!err)
		err = store_exec(c->store, SQL_DIST_ADVANCE, advance, nitems(advance), &changed);
	if (err)
		return err;
	if (changed != 1) /* the write transaction re-read ws; a mismatch is a bug */
		return ERR_INTERNAL;
	*out = (struct distribution){ .number = cur + 1, .started_at = at, .automated = automated };
	before.ended_at = at;
	return audit_write(c, "workspace.distribution.create", "distribution",
			   arena_printf(c->arena, "%lld", (long long)out->number), ws->cm.id,
			   dist_snap(c->arena, &before), dist_snap(c->arena, out));
}

enum err
distribution_rollover(struct ctx *c, const struct workspace *ws, struct distribution *out)
{
	return distribution_advance(c, ws, c->now, false, out);
}

/* --- adjustments -------------------------------------------------------------------------- */

static void
adj_from(const struct rows *rs, size_t i, struct minutes_adjustment *a)
{
	a->id = rows_text(rs, i, 0);
	a->roblox_user_id = rows_text(rs, i, 1);
	a->kind = rows_text(rs, i, 2);
	a->centiminutes = rows_int(rs, i, 3);
	a->reason = rows_text(rs, i, 4);
	a->distribution = rows_int(rs, i, 5);
	a->created_at = rows_int(rs, i, 6);
	a->created_by = rows_null(rs, i, 7) ? NULL : rows_text(rs, i, 7);
}

enum err
adjustment_list(struct ctx *c, const struct workspace *ws, int64_t dist, const char *user_id,
		struct minutes_adjustment **out, size_t *n)
{
	const struct val args[] = { V_TEXT(ws->cm.id), V_INT(dist), V_TEXT(user_id),
				    V_INT(MINUTES_USER_ADJUSTMENTS) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_ADJ_LIST, args, nitems(args), &rs);

	if (err)
		return err;
	*n = rs.n;
	*out = arena_alloc(c->arena, (rs.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs.n; i++)
		adj_from(&rs, i, &(*out)[i]);
	return ERR_OK;
}

static const char *
adj_snap(struct arena *a, const struct minutes_adjustment *m)
{
	struct snap s;

	snap_begin(&s, a);
	snap_str(&s, "robloxUserId", m->roblox_user_id);
	snap_str(&s, "kind", m->kind);
	snap_int(&s, "centiminutes", m->centiminutes);
	snap_int(&s, "distribution", m->distribution);
	return snap_end(&s);
}

/* Adds (sign 1) or takes out (sign -1) an adjustment from its user's summary row. */
static enum err
fold(struct ctx *c, const struct workspace *ws, const struct minutes_adjustment *a, int sign)
{
	int64_t part[3] = { 0, 0, 0 };
	enum err err;

	for (size_t k = 0; k < nitems(KINDS); k++)
		if (strcmp(a->kind, KINDS[k]) == 0)
			part[k] = a->centiminutes;
	if (sign > 0) {
		const struct val add[] = { V_TEXT(ws->cm.id), V_INT(a->distribution),
					   V_TEXT(a->roblox_user_id), V_INT(part[0]),
					   V_INT(part[1]), V_INT(part[2]),
					   V_INT(c->now), V_INT(c->now) };
		return store_exec(c->store, SQL_FOLD, add, nitems(add), NULL);
	}
	const struct val sub[] = { V_INT(part[0]),	    V_INT(part[1]),
				   V_INT(part[2]),	    V_INT(c->now),
				   V_TEXT(ws->cm.id),	    V_INT(a->distribution),
				   V_TEXT(a->roblox_user_id) };
	const struct val key[] = { V_TEXT(ws->cm.id), V_INT(a->distribution),
				   V_TEXT(a->roblox_user_id) };
	err = store_exec(c->store, SQL_UNFOLD, sub, nitems(sub), NULL);
	return err ? err : store_exec(c->store, SQL_DROP_EMPTY, key, nitems(key), NULL);
}

enum err
adjustment_create(struct ctx *c, const struct workspace *ws, const struct minutes_adjustment *in,
		  struct minutes_adjustment *out)
{
	char id[ID_LEN + 1];
	enum err err;

	id_new(c->now, id);
	*out = *in;
	out->id = arena_strdup(c->arena, id);
	out->distribution = ws->dist_current;
	out->created_at = c->now;
	out->created_by = c->actor.user_id[0] ? c->actor.user_id : NULL;
	const struct val args[] = {
		V_TEXT(ws->cm.id),	     V_TEXT(out->id),	  V_INT(out->distribution),
		V_TEXT(out->roblox_user_id), V_TEXT(out->kind),	  V_INT(out->centiminutes),
		V_TEXT(out->reason),	     V_INT(out->created_at), V_TEXT(out->created_by),
	};
	err = store_exec(c->store, SQL_ADJ_INSERT, args, nitems(args), NULL);
	if (!err)
		err = fold(c, ws, out, 1);
	if (err)
		return err;
	return audit_write(c, "workspace.minutes.adjust", "minutesAdjustment", out->id, ws->cm.id,
			   NULL, adj_snap(c->arena, out));
}

enum err
adjustment_delete(struct ctx *c, const struct workspace *ws, const char *id,
		  struct minutes_adjustment *out)
{
	const struct val args[] = { V_TEXT(ws->cm.id), V_TEXT(id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_ADJ_GET, args, nitems(args), &rs);

	if (err)
		return err;
	if (rs.n == 0) /* also for another workspace's id */
		return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource",
				"adjustment", (const char *)NULL);
	adj_from(&rs, 0, out);
	err = store_exec(c->store, SQL_ADJ_DELETE, args, nitems(args), NULL);
	if (!err)
		err = fold(c, ws, out, -1);
	if (err)
		return err;
	return audit_write(c, "workspace.minutes.unadjust", "minutesAdjustment", id, ws->cm.id,
			   adj_snap(c->arena, out), NULL);
}
