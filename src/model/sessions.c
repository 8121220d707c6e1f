/*
 * sessions.c: materialised and one-off sessions, unmaterialised occurrences, session servers
 * and claims; see sessions.h. No statement here runs without the caller's workspace id. Writes
 * run inside the request's write transaction (BEGIN IMMEDIATE on SQLite); the two that race in
 * practice are still single conditional statements so they hold on PostgreSQL too:
 * materialisation is insert-or-read on (workspace, template, start), and a claim inserts only
 * while fewer than maxUsers other users hold the subrole on that server.
 */
#include <stdlib.h>
#include <string.h>

#include "model/audit.h"
#include "model/members.h"
#include "model/sessions.h"
#include "model/snapshot.h"

#define MIN_MS 60000LL

#define S_COLS                                                                                 \
	"id, template_id, name, description, role_group_ids, starts_at, ends_at,"              \
	" appears_before, place_id, game_id, template_json, created_at, created_by,"          \
	" cancelled_at"
static const char SQL_S_RANGE[] = "SELECT " S_COLS " FROM sessions WHERE workspace_id = ?"
				  " AND starts_at >= ? AND starts_at <= ?"
				  " AND (? IS NULL OR template_id = ?) ORDER BY starts_at, id";
static const char SQL_S_FROM[] = "SELECT " S_COLS " FROM sessions WHERE workspace_id = ?"
				 " AND starts_at >= ? AND cancelled_at IS NULL"
				 " ORDER BY starts_at, id LIMIT ?";
/* The first live materialised start after the #15 window (the sessions_starts index). */
static const char SQL_S_NEXT[] = "SELECT starts_at FROM sessions WHERE workspace_id = ?"
				 " AND starts_at > ? AND starts_at < ? AND cancelled_at IS NULL"
				 " ORDER BY starts_at LIMIT 1";
static const char SQL_S_GET[] = "SELECT " S_COLS " FROM sessions WHERE workspace_id = ? AND id = ?";
static const char SQL_S_BY_KEY[] = "SELECT " S_COLS " FROM sessions WHERE workspace_id = ?"
				   " AND template_id = ? AND starts_at = ?";
static const char SQL_S_INSERT[] =
	"INSERT INTO sessions (workspace_id, id, template_id, name, description, role_group_ids,"
	" starts_at, ends_at, appears_before, place_id, game_id, template_json, created_at,"
	" created_by, cancelled_at, cancelled_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	" ?, ?) ON CONFLICT (workspace_id, template_id, starts_at) DO NOTHING";
static const char SQL_S_CANCEL[] = "UPDATE sessions SET cancelled_at = ?, cancelled_by = ?"
				   " WHERE workspace_id = ? AND id = ? AND cancelled_at IS NULL";

#define SV_COLS                                                                                \
	"sv.session_id, sv.id, sv.nickname, sv.linked_server_id, rs.job_id, sv.linked_by,"    \
	" sv.created_at"
#define SV_FROM                                                                                \
	" FROM session_servers sv JOIN sessions s ON s.workspace_id = sv.workspace_id"          \
	" AND s.id = sv.session_id LEFT JOIN running_servers rs ON rs.id = sv.linked_server_id" \
	" AND rs.workspace_id = sv.workspace_id"
static const char SQL_SV_RANGE[] = "SELECT " SV_COLS SV_FROM " WHERE sv.workspace_id = ?"
				   " AND s.starts_at >= ? AND s.starts_at <= ?"
				   " ORDER BY s.starts_at, s.id, sv.ord";
static const char SQL_SV_ONE[] = "SELECT " SV_COLS SV_FROM " WHERE sv.workspace_id = ?"
				 " AND sv.session_id = ? ORDER BY sv.ord";
#define CL_COLS                                                                                \
	"c.server_id, c.roblox_user_id, c.role_group_id, c.subrole_id, c.state, c.claim_id,"  \
	" c.claimed_by, c.claimed_at"
static const char SQL_CL_RANGE[] = "SELECT " CL_COLS " FROM session_claims c JOIN sessions s"
				   " ON s.workspace_id = c.workspace_id AND s.id = c.session_id"
				   " WHERE c.workspace_id = ? AND s.starts_at >= ? AND"
				   " s.starts_at <= ? ORDER BY c.server_id, c.claimed_at,"
				   " c.roblox_user_id";
static const char SQL_CL_ONE[] = "SELECT " CL_COLS " FROM session_claims c"
				 " WHERE c.workspace_id = ? AND c.session_id = ?"
				 " ORDER BY c.server_id, c.claimed_at, c.roblox_user_id";
static const char SQL_SV_COUNT[] = "SELECT COUNT(*), COALESCE(MAX(ord), 0) FROM session_servers"
				   " WHERE workspace_id = ? AND session_id = ?";
static const char SQL_SV_INSERT[] = "INSERT INTO session_servers (workspace_id, session_id, id,"
				    " ord, nickname, created_at) VALUES (?, ?, ?, ?, ?, ?)";
static const char SQL_SV_UPDATE[] = "UPDATE session_servers SET nickname = ?,"
				    " linked_server_id = ?, linked_by = ?"
				    " WHERE workspace_id = ? AND session_id = ? AND id = ?";
static const char SQL_SV_DELETE[] = "DELETE FROM session_servers WHERE workspace_id = ?"
				    " AND session_id = ? AND id = ?";
static const char SQL_RS_LIVE[] = "SELECT job_id FROM running_servers WHERE workspace_id = ?"
				  " AND id = ? AND ended_at IS NULL";
/*
 * The claim as one conditional statement: it inserts (or moves the user's claim on this
 * server to the new subrole) only while fewer than max others hold the subrole there (max 0
 * means unlimited) and fewer than SESS_CLAIMS_PER_SERVER_MAX others hold any claim on the
 * server. No row changed = full; SQL_CL_OTHERS then tells which limit it was.
 */
static const char SQL_CL_UPSERT[] =
	"INSERT INTO session_claims (workspace_id, session_id, server_id, roblox_user_id,"
	" role_group_id, subrole_id, state, claim_id, claimed_at, claimed_by)"
	" SELECT ?, ?, ?, ?, ?, ?, 'none', ?, ?, ? WHERE (? = 0 OR (SELECT COUNT(*) FROM"
	" session_claims WHERE workspace_id = ? AND server_id = ? AND subrole_id = ?"
	" AND roblox_user_id <> ?) < ?) AND (SELECT COUNT(*) FROM session_claims"
	" WHERE workspace_id = ? AND server_id = ? AND roblox_user_id <> ?) < ?"
	" ON CONFLICT (workspace_id, server_id, roblox_user_id) DO UPDATE SET"
	" role_group_id = excluded.role_group_id, subrole_id = excluded.subrole_id,"
	" state = 'none', claim_id = excluded.claim_id, claimed_at = excluded.claimed_at,"
	" claimed_by = excluded.claimed_by";
static const char SQL_CL_OTHERS[] = "SELECT COUNT(*) FROM session_claims WHERE workspace_id = ?"
				    " AND server_id = ? AND roblox_user_id <> ?";
static const char SQL_CL_STATE[] = "UPDATE session_claims SET state = ? WHERE workspace_id = ?"
				   " AND server_id = ? AND roblox_user_id = ?";
static const char SQL_CL_DELETE[] = "DELETE FROM session_claims WHERE workspace_id = ?"
				    " AND server_id = ? AND roblox_user_id = ?";
static const char SQL_ATTENDED[] = "SELECT COUNT(DISTINCT s.id) FROM session_claims c JOIN sessions s"
				   " ON s.workspace_id = c.workspace_id AND s.id = c.session_id"
				   " WHERE c.workspace_id = ? AND c.roblox_user_id = ?"
				   " AND c.state IN ('completed', 'passed')"
				   " AND s.cancelled_at IS NULL AND s.starts_at >= ?"
				   " AND s.starts_at < ?";

static const char *const STATES[] = { "none", "current", "completed", "passed", "failed" };

static enum err
not_found(struct ctx *c, const char *resource)
{
	return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource", resource,
			(const char *)NULL);
}

bool
sess_claim_state_is_valid(const char *s)
{
	for (size_t i = 0; s != NULL && i < nitems(STATES); i++)
		if (strcmp(s, STATES[i]) == 0)
			return true;
	return false;
}

bool
sess_ref_is_valid(const char *ref)
{
	char tid[ID_LEN + 1];
	int64_t ms;

	return ref != NULL && (id_is_valid(ref) || sess_key_parse(ref, tid, &ms));
}

/* ---- rows to structs ---------------------------------------------------------------------- */

static void
session_from_row(struct ctx *c, const struct rows *rs, size_t i, struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->id = rows_text(rs, i, 0);
	s->template_id = rows_text(rs, i, 1);
	s->name = rows_text(rs, i, 2);
	s->description = rows_text(rs, i, 3);
	s->group_ids = sess_ids_split(c->arena, rows_text(rs, i, 4), &s->n_groups);
	s->starts_at = rows_int(rs, i, 5);
	s->ends_at = rows_int(rs, i, 6);
	s->appears_before = (int)rows_int(rs, i, 7);
	s->place_id = rows_text(rs, i, 8);
	s->game_id = rows_text(rs, i, 9);
	s->template_json = rows_text(rs, i, 10);
	s->created_at = rows_int(rs, i, 11);
	s->created_by = rows_text(rs, i, 12);
	s->cancelled_at = rows_int(rs, i, 13);
	s->one_off = s->template_id == NULL;
	s->occurrence_key =
		s->template_id ? sess_key_format(c->arena, s->template_id, s->starts_at) : NULL;
	s->duration_minutes = (int)((s->ends_at - s->starts_at) / MIN_MS);
}

/* json: t's ReAdmin Template text when the caller has it already, else NULL. */
static void
placeholder_with(struct ctx *c, const struct sess_template *t, int64_t start, const char *json,
		 struct session *s)
{
	memset(s, 0, sizeof(*s));
	s->template_id = t->id;
	s->occurrence_key = sess_key_format(c->arena, t->id, start);
	s->name = t->name;
	s->description = t->description;
	s->group_ids = t->group_ids;
	s->n_groups = t->n_groups;
	s->starts_at = start;
	s->ends_at = start + t->duration_minutes * MIN_MS;
	s->appears_before = t->appears_before;
	s->place_id = t->place_id;
	s->game_id = t->game_id;
	s->duration_minutes = t->duration_minutes;
	s->template_json = json ? json : sess_template_json(c, t);
}

static void
placeholder(struct ctx *c, const struct sess_template *t, int64_t start, struct session *s)
{
	placeholder_with(c, t, start, NULL, s);
}

static int
cmp_session_id(const void *a, const void *b)
{
	const struct session *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

static int
cmp_server_id(const void *a, const void *b)
{
	const struct sess_server *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

/* A claimant and where it was met: server order, then claim order within the server. */
struct claimant {
	const char *user;
	size_t ord;
};

static int
cmp_claimant_user(const void *a, const void *b)
{
	const struct claimant *x = a, *y = b;
	int d = strcmp(x->user, y->user);

	return d ? d : (x->ord > y->ord) - (x->ord < y->ord);
}

static int
cmp_claimant_ord(const void *a, const void *b)
{
	const struct claimant *x = a, *y = b;

	return (x->ord > y->ord) - (x->ord < y->ord);
}

/*
 * s->claimants from its servers' claims: each user once, at its first claim in server order.
 * Sorting by user keeps this O(k log k) for k claims (a session may hold 50 servers x
 * SESS_CLAIMS_PER_SERVER_MAX of them).
 */
static void
set_claimants(struct ctx *c, struct session *s)
{
	struct claimant *v;
	size_t k = 0, m = 0;

	for (size_t i = 0; i < s->n_servers; i++)
		k += s->servers[i].n_claims;
	s->claimants = NULL;
	s->n_claimants = 0;
	if (k == 0)
		return;
	v = arena_alloc(c->arena, k * sizeof(*v));
	for (size_t i = 0, o = 0; i < s->n_servers; i++)
		for (size_t j = 0; j < s->servers[i].n_claims; j++, o++)
			v[o] = (struct claimant){ s->servers[i].claims[j].user_id, o };
	qsort(v, k, sizeof(*v), cmp_claimant_user);
	for (size_t i = 0; i < k; i++)
		if (i == 0 || strcmp(v[i].user, v[m - 1].user) != 0)
			v[m++] = v[i];
	qsort(v, m, sizeof(*v), cmp_claimant_ord);
	s->claimants = arena_alloc(c->arena, m * sizeof(*s->claimants));
	for (size_t i = 0; i < m; i++)
		s->claimants[i] = v[i].user;
	s->n_claimants = m;
}

/*
 * Hangs servers (rows sv) and claims (rows cl) onto sessions v[0..n). Servers come in creation
 * order within their session (ordered by the session's start first, so that SQLite walks the
 * sessions_starts index instead of every server of the workspace); claims by claim time.
 * Sessions and servers are found by binary search, so this is O((servers + claims) log n).
 */
static void
attach_servers(struct ctx *c, struct session *v, size_t n, const struct rows *sv,
	       const struct rows *cl)
{
	struct session **by_id = arena_alloc(c->arena, (n + 1) * sizeof(*by_id));
	struct sess_server **all = arena_alloc(c->arena, (sv->n + 1) * sizeof(*all));
	struct sess_server **hit_of = arena_alloc(c->arena, (cl->n + 1) * sizeof(*hit_of));
	size_t m = 0, ns = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i].id != NULL)
			by_id[m++] = &v[i];
	qsort(by_id, m, sizeof(*by_id), cmp_session_id);
	/* First pass: count servers per session so each gets one array. */
	for (size_t i = 0; i < sv->n; i++) {
		struct session key = { .id = rows_text(sv, i, 0) }, *kp = &key, **hit;
		hit = bsearch(&kp, by_id, m, sizeof(*by_id), cmp_session_id);
		if (hit != NULL)
			(*hit)->n_servers++;
	}
	for (size_t i = 0; i < m; i++) {
		by_id[i]->servers =
			arena_alloc(c->arena, (by_id[i]->n_servers + 1) * sizeof(struct sess_server));
		by_id[i]->n_servers = 0;
	}
	for (size_t i = 0; i < sv->n; i++) {
		struct session key = { .id = rows_text(sv, i, 0) }, *kp = &key, **hit;
		struct sess_server *x;
		hit = bsearch(&kp, by_id, m, sizeof(*by_id), cmp_session_id);
		if (hit == NULL)
			continue;
		x = &(*hit)->servers[(*hit)->n_servers++];
		memset(x, 0, sizeof(*x));
		x->id = rows_text(sv, i, 1);
		x->nickname = rows_text(sv, i, 2);
		x->linked_server_id = rows_text(sv, i, 3);
		x->linked_job_id = rows_text(sv, i, 4);
		x->linked_by = rows_text(sv, i, 5);
		x->created_at = rows_int(sv, i, 6);
		all[ns++] = x;
	}
	/* Claims: count per server, give each server one array, then fill in row order. */
	qsort(all, ns, sizeof(*all), cmp_server_id);
	for (size_t j = 0; j < cl->n; j++) {
		struct sess_server key = { .id = rows_text(cl, j, 0) }, *kp = &key, **hit;
		hit = bsearch(&kp, all, ns, sizeof(*all), cmp_server_id);
		hit_of[j] = hit ? *hit : NULL;
		if (hit != NULL)
			(*hit)->n_claims++;
	}
	for (size_t i = 0; i < ns; i++) {
		all[i]->claims = arena_alloc(c->arena, (all[i]->n_claims + 1) * sizeof(struct sess_claim));
		all[i]->n_claims = 0;
	}
	for (size_t j = 0; j < cl->n; j++) {
		struct sess_claim *k;
		if (hit_of[j] == NULL)
			continue;
		k = &hit_of[j]->claims[hit_of[j]->n_claims++];
		k->user_id = rows_text(cl, j, 1);
		k->group_id = rows_text(cl, j, 2);
		k->subrole_id = rows_text(cl, j, 3);
		k->state = rows_text(cl, j, 4);
		k->claim_id = rows_text(cl, j, 5);
		k->claimed_by = rows_text(cl, j, 6);
		k->claimed_at = rows_int(cl, j, 7);
	}
	for (size_t i = 0; i < m; i++)
		set_claimants(c, by_id[i]);
}

static enum err
load_servers_range(struct ctx *c, const char *ws_id, int64_t from, int64_t to, struct session *v,
		   size_t n)
{
	const struct val args[] = { V_TEXT(ws_id), V_INT(from), V_INT(to) };
	struct rows sv, cl;
	enum err err = store_query(c->store, c->arena, SQL_SV_RANGE, args, nitems(args), &sv);

	if (!err)
		err = store_query(c->store, c->arena, SQL_CL_RANGE, args, nitems(args), &cl);
	if (!err)
		attach_servers(c, v, n, &sv, &cl);
	return err;
}

static enum err
load_servers_one(struct ctx *c, const char *ws_id, struct session *s)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(s->id) };
	struct rows sv, cl;
	enum err err = store_query(c->store, c->arena, SQL_SV_ONE, args, nitems(args), &sv);

	if (!err)
		err = store_query(c->store, c->arena, SQL_CL_ONE, args, nitems(args), &cl);
	if (!err)
		attach_servers(c, s, 1, &sv, &cl);
	return err;
}

/* ---- lists -------------------------------------------------------------------------------- */

struct mkey {
	const char *template_id;
	int64_t start;
};

static int
cmp_mkey(const void *a, const void *b)
{
	const struct mkey *x = a, *y = b;
	int d = strcmp(x->template_id, y->template_id);

	return d ? d : (x->start > y->start) - (x->start < y->start);
}

static int
cmp_session(const void *a, const void *b)
{
	const struct session *x = a, *y = b;

	if (x->starts_at != y->starts_at)
		return x->starts_at < y->starts_at ? -1 : 1;
	return strcmp(x->id ? x->id : x->occurrence_key, y->id ? y->id : y->occurrence_key);
}

/*
 * The earliest start of t in (after, after + SESS_UPCOMING_HORIZON_MS], or INT64_MAX. A start
 * hidden by a materialised (or cancelled) session still counts: an earlier bound is safe.
 */
static int64_t
first_start_after(const struct sess_recur *r, int64_t after)
{
	int64_t first;

	if (sess_recur_between(r, after + 1, after + SESS_UPCOMING_HORIZON_MS, &first, 1) == 0)
		return INT64_MAX;
	return first;
}

/* sess_list_range; when next is set, also the earliest template start after `to` there. */
static enum err
list_range(struct ctx *c, const char *ws_id, int64_t from, int64_t to, const char *template_id,
	   bool with_servers, struct session **out, size_t *n, int64_t *next)
{
	const struct val args[] = { V_TEXT(ws_id), V_INT(from), V_INT(to), V_TEXT(template_id),
				    V_TEXT(template_id) };
	struct sess_template *t;
	struct mkey *keys;
	const char *json;
	size_t nt, nk = 0, cap, k = 0, per;
	struct rows rs;
	struct session *v;
	int64_t *starts;
	enum err err = store_query(c->store, c->arena, SQL_S_RANGE, args, nitems(args), &rs);

	if (err)
		return err;
	if (template_id != NULL) {
		t = arena_alloc(c->arena, sizeof(*t));
		err = sess_template_get(c, ws_id, template_id, t);
		nt = err ? 0 : 1;
		if (err == ERR_RESOURCE_NOT_FOUND) { /* a deleted template still filters sessions */
			err = ERR_OK;
			c->fail = (struct fail){ 0 };
		}
	} else {
		err = sess_template_list(c, ws_id, &t, &nt);
	}
	if (err)
		return err;
	/* Every materialised row, cancelled ones too, hides its occurrence's placeholder. */
	keys = arena_alloc(c->arena, (rs.n + 1) * sizeof(*keys));
	for (size_t i = 0; i < rs.n; i++)
		if (!rows_null(&rs, i, 1))
			keys[nk++] = (struct mkey){ rows_text(&rs, i, 1), rows_int(&rs, i, 5) };
	qsort(keys, nk, sizeof(*keys), cmp_mkey);
	/* One start per local date at most, plus the dates either side. */
	per = (size_t)((to - from) / 86400000) + 4;
	starts = arena_alloc(c->arena, per * sizeof(*starts));
	cap = rs.n + nt * per + 1;
	v = arena_alloc(c->arena, cap * sizeof(*v));
	for (size_t i = 0; i < rs.n; i++) {
		if (rows_null(&rs, i, 13))
			session_from_row(c, &rs, i, &v[k++]);
	}
	for (size_t i = 0; i < nt; i++) {
		struct sess_recur r;
		size_t m;
		if (!sess_template_recur(&t[i], &r))
			continue;
		if (next != NULL) {
			int64_t f = first_start_after(&r, to);
			*next = f < *next ? f : *next;
		}
		m = sess_recur_between(&r, from, to, starts, per);
		json = NULL; /* rendered once per template, not once per occurrence */
		for (size_t j = 0; j < m && j < per; j++) {
			struct mkey q = { t[i].id, starts[j] };
			if (bsearch(&q, keys, nk, sizeof(*keys), cmp_mkey) != NULL || k >= cap)
				continue;
			if (json == NULL)
				json = sess_template_json(c, &t[i]);
			placeholder_with(c, &t[i], starts[j], json, &v[k++]);
		}
	}
	qsort(v, k, sizeof(*v), cmp_session);
	if (with_servers && k > 0)
		err = load_servers_range(c, ws_id, from, to, v, k);
	*out = v;
	*n = k;
	return err;
}

enum err
sess_list_range(struct ctx *c, const char *ws_id, int64_t from, int64_t to,
		const char *template_id, bool with_servers, struct session **out, size_t *n)
{
	return list_range(c, ws_id, from, to, template_id, with_servers, out, n, NULL);
}

int64_t
sess_upcoming_until(int64_t now, const struct session *v, size_t n, int64_t next_start)
{
	int64_t until = INT64_MAX, ahead = now + SESS_UPCOMING_AHEAD_MS;

	for (size_t i = 0; i < n; i++) {
		int64_t leaves, s = v[i].starts_at;
		if (s > ahead) { /* not in yet: enters when now + 12 h reaches it */
			until = s - SESS_UPCOMING_AHEAD_MS < until ? s - SESS_UPCOMING_AHEAD_MS : until;
			continue;
		}
		if (v[i].ends_at < now || s < now - SESS_UPCOMING_BEHIND_MS)
			continue; /* out for good: now only grows */
		/* In while now ≤ endsAt and now ≤ start + 1440 min; out from the next ms. */
		leaves = v[i].ends_at < s + SESS_UPCOMING_BEHIND_MS ? v[i].ends_at
								  : s + SESS_UPCOMING_BEHIND_MS;
		until = leaves + 1 < until ? leaves + 1 : until;
	}
	if (next_start != INT64_MAX && next_start - SESS_UPCOMING_AHEAD_MS < until)
		until = next_start - SESS_UPCOMING_AHEAD_MS;
	return until > now ? until : now + 1;
}

enum err
sess_list_upcoming(struct ctx *c, const char *ws_id, int64_t now, struct session **out,
		   size_t *n, int64_t *until)
{
	int64_t from = now - SESS_UPCOMING_BEHIND_MS, to = now + SESS_UPCOMING_AHEAD_MS;
	/* Nothing found in the horizon: nothing can enter before to + horizon + 1. */
	int64_t next = to + SESS_UPCOMING_HORIZON_MS + 1;
	const struct val args[] = { V_TEXT(ws_id), V_INT(to), V_INT(next) };
	struct session *v;
	struct rows rs;
	size_t k = 0, all;
	enum err err = list_range(c, ws_id, from, to, NULL, true, &v, &all, &next);

	if (!err)
		err = store_query(c->store, c->arena, SQL_S_NEXT, args, nitems(args), &rs);
	if (err)
		return err;
	if (rs.n > 0 && rows_int(&rs, 0, 0) < next)
		next = rows_int(&rs, 0, 0);
	*until = sess_upcoming_until(now, v, all, next);
	for (size_t i = 0; i < all; i++)
		if (v[i].ends_at >= now)
			v[k++] = v[i];
	*out = v;
	*n = k;
	return ERR_OK;
}

enum err
sess_list_from(struct ctx *c, const char *ws_id, int64_t from, size_t max, struct session **out,
	       size_t *n)
{
	const struct val args[] = { V_TEXT(ws_id), V_INT(from), V_INT((int64_t)max) };
	struct rows rs;
	struct session *v;
	enum err err = store_query(c->store, c->arena, SQL_S_FROM, args, nitems(args), &rs);

	if (err)
		return err;
	v = arena_alloc(c->arena, (rs.n + 1) * sizeof(*v));
	for (size_t i = 0; i < rs.n; i++)
		session_from_row(c, &rs, i, &v[i]);
	*out = v;
	*n = rs.n;
	if (rs.n > 0)
		err = load_servers_range(c, ws_id, from, v[rs.n - 1].starts_at, v, rs.n);
	return err;
}

/* ---- one session ------------------------------------------------------------------------- */

/* The stored row for ref (id or key), cancelled ones included; *found tells. */
static enum err
session_row(struct ctx *c, const char *ws_id, const char *tid, int64_t start, const char *id,
	    struct session *out, bool *found)
{
	struct rows rs;
	enum err err;

	if (id != NULL) {
		const struct val args[] = { V_TEXT(ws_id), V_TEXT(id) };
		err = store_query(c->store, c->arena, SQL_S_GET, args, nitems(args), &rs);
	} else {
		const struct val args[] = { V_TEXT(ws_id), V_TEXT(tid), V_INT(start) };
		err = store_query(c->store, c->arena, SQL_S_BY_KEY, args, nitems(args), &rs);
	}
	if (err)
		return err;
	*found = rs.n > 0;
	if (*found)
		session_from_row(c, &rs, 0, out);
	return ERR_OK;
}

enum err
sess_get(struct ctx *c, const char *ws_id, const char *ref, struct session *out)
{
	char tid[ID_LEN + 1];
	struct sess_template t;
	struct sess_recur r;
	int64_t start = 0;
	bool found = false;
	enum err err;

	if (ref == NULL || (!id_is_valid(ref) && !sess_key_parse(ref, tid, &start)))
		return ctx_fail(c, ERR_INVALID_FIELD, "sessionId",
				"must be a session id or an occurrence key");
	err = session_row(c, ws_id, tid, start, id_is_valid(ref) ? ref : NULL, out, &found);
	if (err)
		return err;
	if (found)
		return out->cancelled_at ? not_found(c, "session") : load_servers_one(c, ws_id, out);
	if (id_is_valid(ref))
		return not_found(c, "session");
	err = sess_template_get(c, ws_id, tid, &t);
	if (err == ERR_RESOURCE_NOT_FOUND || (!err && (!sess_template_recur(&t, &r) ||
						       !sess_recur_is_start(&r, start))))
		return not_found(c, "session");
	if (err)
		return err;
	placeholder(c, &t, start, out);
	return ERR_OK;
}

static const char *
session_snap(struct ctx *c, const struct session *s)
{
	struct snap sn;

	snap_begin(&sn, c->arena);
	snap_str(&sn, "name", s->name);
	snap_str(&sn, "templateId", s->template_id);
	snap_int(&sn, "startsAt", s->starts_at);
	snap_int(&sn, "endsAt", s->ends_at);
	snap_strs(&sn, "roleGroupIds", s->group_ids, s->n_groups);
	return snap_end(&sn);
}

/* Inserts s (id, created_* filled here); *inserted false when its occurrence already exists. */
static enum err
session_insert(struct ctx *c, const char *ws_id, struct session *s, bool cancelled,
	       bool *inserted)
{
	char id[ID_LEN + 1];
	int64_t changes = 0;
	enum err err;

	id_new(c->now, id);
	s->id = arena_strdup(c->arena, id);
	s->created_at = c->now;
	s->created_by = sess_actor_ref(c);
	s->cancelled_at = cancelled ? c->now : 0;
	const struct val args[] = {
		V_TEXT(ws_id),
		V_TEXT(s->id),
		V_TEXT(s->template_id),
		V_TEXT(s->name),
		V_TEXT(s->description ? s->description : ""),
		V_TEXT(sess_ids_join(c->arena, s->group_ids, s->n_groups)),
		V_INT(s->starts_at),
		V_INT(s->ends_at),
		V_INT(s->appears_before),
		V_TEXT(s->place_id),
		V_TEXT(s->game_id),
		V_TEXT(s->template_json),
		V_INT(c->now),
		V_TEXT(s->created_by),
		cancelled ? V_INT(c->now) : V_NULL,
		V_TEXT(cancelled ? s->created_by : NULL),
	};
	err = store_exec(c->store, SQL_S_INSERT, args, nitems(args), &changes);
	if (err)
		return err;
	*inserted = changes > 0;
	if (!*inserted)
		return ERR_OK;
	return audit_write(c, cancelled ? "workspace.session.cancel" : "workspace.session.create",
			   "session", s->id, ws_id, NULL, session_snap(c, s));
}

/* Materialises t at start; cancelled stores it cancelled (cancelling a placeholder). */
static enum err
materialise(struct ctx *c, const char *ws_id, const struct sess_template *t, int64_t start,
	    bool cancelled, struct session *out, bool *created)
{
	struct session s;
	bool found = false;
	enum err err;

	placeholder(c, t, start, &s);
	err = session_insert(c, ws_id, &s, cancelled, created);
	if (err)
		return err;
	/* Lost the race (or it existed): read the winner's row. */
	err = session_row(c, ws_id, t->id, start, NULL, out, &found);
	if (!err && !found)
		err = ERR_CONFLICT;
	if (!err && !out->cancelled_at)
		err = load_servers_one(c, ws_id, out);
	return err;
}

enum err
sess_materialise(struct ctx *c, const char *ws_id, const char *template_id, int64_t start,
		 struct session *out, bool *created)
{
	struct sess_template t;
	struct sess_recur r;
	enum err err = sess_template_get(c, ws_id, template_id, &t);

	if (err)
		return err;
	/* A `none` template has no schedule: the dashboard may place it at any minute. */
	if (t.recurrence != RECUR_NONE &&
	    (!sess_template_recur(&t, &r) || !sess_recur_is_start(&r, start)))
		return ERR_NOT_AN_OCCURRENCE;
	if (t.recurrence == RECUR_NONE && start % MIN_MS != 0)
		return ERR_NOT_AN_OCCURRENCE;
	return materialise(c, ws_id, &t, start, false, out, created);
}

enum err
sess_get_materialised(struct ctx *c, const char *ws_id, const char *ref, struct session *out)
{
	struct sess_template t;
	bool created;
	enum err err = sess_get(c, ws_id, ref, out);

	if (err || out->id != NULL)
		return err;
	err = sess_template_get(c, ws_id, out->template_id, &t);
	if (!err)
		err = materialise(c, ws_id, &t, out->starts_at, false, out, &created);
	if (!err && out->cancelled_at) /* cancelled while we looked */
		err = not_found(c, "session");
	return err;
}

enum err
sess_create_one_off(struct ctx *c, const char *ws_id, const struct sess_one_off *in,
		    struct session *out)
{
	bool inserted = false;
	enum err err;

	memset(out, 0, sizeof(*out));
	out->name = in->name;
	out->description = in->description ? in->description : "";
	out->group_ids = in->group_ids;
	out->n_groups = in->n_groups;
	out->starts_at = in->starts_at;
	out->ends_at = in->starts_at + in->duration_minutes * MIN_MS;
	out->duration_minutes = in->duration_minutes;
	out->appears_before = in->appears_before;
	out->place_id = in->place_id;
	out->game_id = in->game_id;
	out->one_off = true;
	err = session_insert(c, ws_id, out, false, &inserted);
	if (!err && !inserted)
		err = ERR_CONFLICT;
	return err;
}

enum err
sess_cancel(struct ctx *c, const char *ws_id, const char *ref, struct session *out)
{
	struct sess_template t;
	int64_t changes = 0;
	bool created;
	enum err err = sess_get(c, ws_id, ref, out);

	if (err)
		return err;
	if (out->id == NULL) {
		struct session keep = *out;
		err = sess_template_get(c, ws_id, out->template_id, &t);
		if (!err)
			err = materialise(c, ws_id, &t, out->starts_at, true, out, &created);
		if (!err)
			*out = keep; /* answered as it was: a placeholder */
		return err;
	}
	const struct val args[] = { V_INT(c->now), V_TEXT(sess_actor_ref(c)), V_TEXT(ws_id),
				    V_TEXT(out->id) };
	err = store_exec(c->store, SQL_S_CANCEL, args, nitems(args), &changes);
	if (!err && changes == 0)
		err = not_found(c, "session");
	if (err)
		return err;
	return audit_write(c, "workspace.session.cancel", "session", out->id, ws_id,
			   session_snap(c, out), NULL);
}

/* ---- servers ----------------------------------------------------------------------------- */

const struct sess_server *
sess_server_find(const struct session *s, const char *server_id)
{
	for (size_t i = 0; server_id != NULL && i < s->n_servers; i++)
		if (strcmp(s->servers[i].id, server_id) == 0)
			return &s->servers[i];
	return NULL;
}

static const char *
server_snap(struct ctx *c, const char *session_id, const struct sess_server *x)
{
	struct snap s;

	snap_begin(&s, c->arena);
	snap_str(&s, "sessionId", session_id);
	snap_str(&s, "nickname", x->nickname);
	snap_str(&s, "linkedServerId", x->linked_server_id);
	return snap_end(&s);
}

enum err
sess_server_add(struct ctx *c, const char *ws_id, const struct session *s, const char *nickname,
		struct sess_server *out)
{
	const struct val cnt[] = { V_TEXT(ws_id), V_TEXT(s->id) };
	char id[UUID_LEN + 1];
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_SV_COUNT, cnt, nitems(cnt), &rs);

	if (err)
		return err;
	if (rows_int(&rs, 0, 0) >= SESS_SERVERS_MAX)
		return ERR_LIMIT_REACHED;
	uuid_new(id);
	memset(out, 0, sizeof(*out));
	out->id = arena_strdup(c->arena, id);
	out->nickname = nickname;
	out->created_at = c->now;
	const struct val args[] = { V_TEXT(ws_id),	  V_TEXT(s->id),    V_TEXT(out->id),
				    V_INT(rows_int(&rs, 0, 1) + 1), V_TEXT(nickname), V_INT(c->now) };
	err = store_exec(c->store, SQL_SV_INSERT, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.sessionServer.create", "sessionServer", out->id, ws_id,
			   NULL, server_snap(c, s->id, out));
}

enum err
sess_server_update(struct ctx *c, const char *ws_id, const struct session *s,
		   const char *server_id, bool set_nickname, const char *nickname, bool set_link,
		   const char *linked_server_id, struct sess_server *out)
{
	const struct sess_server *old = sess_server_find(s, server_id);
	enum err err;

	if (old == NULL)
		return not_found(c, "sessionServer");
	*out = *old;
	if (set_nickname)
		out->nickname = nickname;
	if (set_link && linked_server_id != NULL) {
		const struct val q[] = { V_TEXT(ws_id), V_TEXT(linked_server_id) };
		struct rows rs;
		err = store_query(c->store, c->arena, SQL_RS_LIVE, q, nitems(q), &rs);
		if (err)
			return err;
		if (rs.n == 0)
			return ctx_fail(c, ERR_INVALID_FIELD, "linkedServerId",
					"must be a running server of this workspace");
		out->linked_server_id = linked_server_id;
		out->linked_job_id = rows_text(&rs, 0, 0);
		out->linked_by = sess_actor_ref(c);
	} else if (set_link) {
		out->linked_server_id = out->linked_job_id = out->linked_by = NULL;
	}
	const struct val args[] = { V_TEXT(out->nickname), V_TEXT(out->linked_server_id),
				    V_TEXT(out->linked_by), V_TEXT(ws_id), V_TEXT(s->id),
				    V_TEXT(server_id) };
	err = store_exec(c->store, SQL_SV_UPDATE, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.sessionServer.update", "sessionServer", server_id, ws_id,
			   server_snap(c, s->id, old), server_snap(c, s->id, out));
}

enum err
sess_server_delete(struct ctx *c, const char *ws_id, const struct session *s,
		   const char *server_id, struct sess_server *out)
{
	const struct sess_server *old = sess_server_find(s, server_id);
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(s->id), V_TEXT(server_id) };
	enum err err;

	if (old == NULL)
		return not_found(c, "sessionServer");
	*out = *old;
	err = store_exec(c->store, SQL_SV_DELETE, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.sessionServer.delete", "sessionServer", server_id, ws_id,
			   server_snap(c, s->id, old), NULL);
}

/* ---- claims ------------------------------------------------------------------------------ */

static const struct sess_claim *
claim_of(const struct sess_server *x, const char *user_id)
{
	for (size_t i = 0; i < x->n_claims; i++)
		if (strcmp(x->claims[i].user_id, user_id) == 0)
			return &x->claims[i];
	return NULL;
}

static const char *
claim_snap(struct ctx *c, const char *server_id, const struct sess_claim *k)
{
	struct snap s;

	snap_begin(&s, c->arena);
	snap_str(&s, "serverId", server_id);
	snap_str(&s, "robloxUserId", k->user_id);
	snap_str(&s, "roleGroupId", k->group_id);
	snap_str(&s, "subroleId", k->subrole_id);
	snap_str(&s, "state", k->state);
	return snap_end(&s);
}

/* The subrole of group_id named subrole_id, if the group is one of the session's. */
static enum err
claim_subrole(struct ctx *c, const char *ws_id, const struct session *s,
	      const struct sess_claim_input *in, struct sess_subrole *out,
	      enum sess_claim_refusal *refusal)
{
	struct sess_group g;
	bool linked = false;
	enum err err;

	for (size_t i = 0; i < s->n_groups && !linked; i++)
		linked = strcmp(s->group_ids[i], in->group_id) == 0;
	if (!linked) {
		*refusal = CLAIM_NO_GROUP;
		return ERR_OK;
	}
	err = sess_group_get(c, ws_id, in->group_id, &g);
	if (err == ERR_RESOURCE_NOT_FOUND) {
		c->fail = (struct fail){ 0 };
		*refusal = CLAIM_NO_GROUP;
		return ERR_OK;
	}
	if (err)
		return err;
	for (size_t i = 0; i < g.n_subroles; i++)
		if (strcmp(g.subroles[i].id, in->subrole_id) == 0) {
			*out = g.subroles[i];
			return ERR_OK;
		}
	*refusal = CLAIM_NO_SUBROLE;
	return ERR_OK;
}

/* The locked and rank rules (§3.4 #18, Roster decision); management may override them. */
static enum err
claim_rules(struct ctx *c, const char *ws_id, const struct session *s,
	    const struct sess_server *x, const struct sess_claim_input *in,
	    const struct sess_subrole *sub, enum sess_claim_refusal *refusal)
{
	const struct sess_claim *cur = claim_of(x, in->user_id);
	struct ws_member m;
	int rank = 0;
	enum err err;

	if (s->ends_at < c->now) {
		*refusal = CLAIM_ENDED;
		return ERR_OK;
	}
	if (in->override)
		return ERR_OK;
	if (cur != NULL && strcmp(cur->subrole_id, sub->id) != 0) {
		struct sess_subrole held = { 0 };
		struct sess_claim_input q = *in;
		enum sess_claim_refusal r2 = CLAIM_OK;
		q.group_id = cur->group_id;
		q.subrole_id = cur->subrole_id;
		err = claim_subrole(c, ws_id, s, &q, &held, &r2);
		if (err)
			return err;
		if (r2 == CLAIM_OK && held.claim_once) {
			*refusal = CLAIM_LOCKED;
			return ERR_OK;
		}
	}
	if (sub->min_rank > 0) {
		err = member_get(c, ws_id, in->user_id, &m);
		if (err == ERR_RESOURCE_NOT_FOUND) {
			c->fail = (struct fail){ 0 };
			err = ERR_OK;
		} else if (!err) {
			rank = m.rank;
		}
		if (err)
			return err;
		if (rank < sub->min_rank)
			*refusal = CLAIM_RANK_LOW;
	}
	return ERR_OK;
}

enum err
sess_claim(struct ctx *c, const char *ws_id, const struct session *s, const char *server_id,
	   const struct sess_claim_input *in, enum sess_claim_refusal *refusal,
	   struct sess_claim *out)
{
	const struct sess_server *x = sess_server_find(s, server_id);
	const struct sess_claim *cur;
	struct sess_subrole sub = { 0 };
	char claim_id[ID_LEN + 1];
	int64_t changes = 0;
	enum err err;

	*refusal = CLAIM_OK;
	if (x == NULL)
		return not_found(c, "sessionServer");
	err = claim_subrole(c, ws_id, s, in, &sub, refusal);
	if (!err && *refusal == CLAIM_OK)
		err = claim_rules(c, ws_id, s, x, in, &sub, refusal);
	if (err || *refusal != CLAIM_OK)
		return err;
	cur = claim_of(x, in->user_id);
	if (cur != NULL && strcmp(cur->subrole_id, sub.id) == 0 &&
	    strcmp(cur->group_id, in->group_id) == 0) {
		*out = *cur; /* replay: same claimId and claimedAt */
		return ERR_OK;
	}
	id_new(c->now, claim_id);
	out->user_id = in->user_id;
	out->group_id = in->group_id;
	out->subrole_id = sub.id;
	out->state = "none";
	out->claim_id = arena_strdup(c->arena, claim_id);
	out->claimed_at = c->now;
	out->claimed_by = in->claimed_by;
	const struct val args[] = {
		V_TEXT(ws_id),	      V_TEXT(s->id),	      V_TEXT(server_id),
		V_TEXT(in->user_id),  V_TEXT(in->group_id),   V_TEXT(sub.id),
		V_TEXT(out->claim_id), V_INT(c->now),	      V_TEXT(in->claimed_by),
		V_INT(sub.max_users), V_TEXT(ws_id),	      V_TEXT(server_id),
		V_TEXT(sub.id),	      V_TEXT(in->user_id),    V_INT(sub.max_users),
		V_TEXT(ws_id),	      V_TEXT(server_id),      V_TEXT(in->user_id),
		V_INT(SESS_CLAIMS_PER_SERVER_MAX),
	};
	err = store_exec(c->store, SQL_CL_UPSERT, args, nitems(args), &changes);
	if (err)
		return err;
	if (changes == 0) {
		/* Same transaction, so this count is the one the statement saw. */
		const struct val q[] = { V_TEXT(ws_id), V_TEXT(server_id), V_TEXT(in->user_id) };
		struct rows rs;
		err = store_query(c->store, c->arena, SQL_CL_OTHERS, q, nitems(q), &rs);
		if (err)
			return err;
		*refusal = rows_int(&rs, 0, 0) >= SESS_CLAIMS_PER_SERVER_MAX ? CLAIM_SERVER_FULL
									      : CLAIM_FULL;
		return ERR_OK;
	}
	return audit_write(c, "workspace.sessionClaim.create", "sessionClaim", out->claim_id, ws_id,
			   cur ? claim_snap(c, server_id, cur) : NULL, claim_snap(c, server_id, out));
}

enum err
sess_claim_set_state(struct ctx *c, const char *ws_id, const struct session *s,
		     const char *server_id, const char *user_id, const char *state,
		     struct sess_claim *out)
{
	const struct sess_server *x = sess_server_find(s, server_id);
	const struct sess_claim *cur = x ? claim_of(x, user_id) : NULL;
	const struct val args[] = { V_TEXT(state), V_TEXT(ws_id), V_TEXT(server_id),
				    V_TEXT(user_id) };
	enum err err;

	if (x == NULL)
		return not_found(c, "sessionServer");
	if (cur == NULL)
		return not_found(c, "sessionClaim");
	*out = *cur;
	out->state = state;
	err = store_exec(c->store, SQL_CL_STATE, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.sessionClaim.update", "sessionClaim", cur->claim_id, ws_id,
			   claim_snap(c, server_id, cur), claim_snap(c, server_id, out));
}

enum err
sess_claim_delete(struct ctx *c, const char *ws_id, const struct session *s,
		  const char *server_id, const char *user_id, struct sess_claim *out)
{
	const struct sess_server *x = sess_server_find(s, server_id);
	const struct sess_claim *cur = x ? claim_of(x, user_id) : NULL;
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(server_id), V_TEXT(user_id) };
	enum err err;

	if (x == NULL)
		return not_found(c, "sessionServer");
	if (cur == NULL)
		return not_found(c, "sessionClaim");
	*out = *cur;
	err = store_exec(c->store, SQL_CL_DELETE, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.sessionClaim.delete", "sessionClaim", cur->claim_id, ws_id,
			   claim_snap(c, server_id, cur), NULL);
}

enum err
sessions_attended_count(struct ctx *c, const char *workspace_id, const char *roblox_user_id,
			int64_t from_ms, int64_t to_ms, int64_t *n)
{
	const struct val args[] = { V_TEXT(workspace_id), V_TEXT(roblox_user_id), V_INT(from_ms),
				    V_INT(to_ms) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_ATTENDED, args, nitems(args), &rs);

	if (!err)
		*n = rows_int(&rs, 0, 0);
	return err;
}
