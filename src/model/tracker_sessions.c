/*
 * tracker_sessions.c: play sessions of the activity tracker (readmin-compat.md §3.7 #36, §4.7,
 * §4.8): events stored once, sessions ended, minutes computed by model/playtime.c and added
 * into minute_totals under the distribution current when the session started. No statement
 * here runs without the workspace id; nothing here is audited (tracker traffic, §1.7).
 */
#include "model/tracker.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char SQL_SESS_OPEN_ON_SERVER[] = "SELECT " TRACKER_SESSION_COLS " FROM play_sessions"
					      " WHERE workspace_id = ? AND server_id = ?"
					      " AND ended_at IS NULL";
static const char SQL_EV_INSERT[] =
	"INSERT INTO play_events (session_id, dedup_key, workspace_id, type, at, received_at, ord)"
	" VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, dedup_key) DO NOTHING";
static const char SQL_SESS_TOUCH[] = "UPDATE play_sessions SET last_event_at = ?, active = ?,"
				     " state_at = ? WHERE workspace_id = ? AND id = ?";
static const char SQL_SESS_END[] = "UPDATE play_sessions SET ended_at = ?, ended_received_at = ?,"
				   " removal_method = ?"
				   " WHERE workspace_id = ? AND id = ? AND ended_at IS NULL";
static const char SQL_WS_RULES[] = "SELECT min_sync_rank, require_consent FROM communities"
				   " WHERE id = ?";
static const char SQL_MEMBER_RANK[] = "SELECT rank FROM workspace_members"
				      " WHERE workspace_id = ? AND roblox_user_id = ?";
static const char SQL_CONSENT_GET[] = "SELECT consent FROM player_consent"
				      " WHERE workspace_id = ? AND roblox_user_id = ?";
static const char SQL_EV_DELETE[] = "DELETE FROM play_events WHERE workspace_id = ? AND session_id = ?";
static const char SQL_SESS_DELETE[] = "DELETE FROM play_sessions WHERE workspace_id = ? AND id = ?";
static const char SQL_EV_LOAD[] = "SELECT type, at, received_at, ord FROM play_events"
				  " WHERE workspace_id = ? AND session_id = ?";
static const char SQL_SESS_CREDIT[] = "UPDATE play_sessions SET ended_at = ?, active_ms = ?,"
				      " idle_ms = ?, typing_ms = ?, messages = ?, credited = 1"
				      " WHERE workspace_id = ? AND id = ?";
/* Deltas: a first credit adds the session; a recomputation adds the difference. */
static const char SQL_TOTALS_ADD[] =
	"INSERT INTO minute_totals (workspace_id, distribution, roblox_user_id, active_ms, idle_ms,"
	" typing_ms, messages, sessions, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	" ON CONFLICT (workspace_id, distribution, roblox_user_id) DO UPDATE SET"
	" active_ms = minute_totals.active_ms + excluded.active_ms,"
	" idle_ms = minute_totals.idle_ms + excluded.idle_ms,"
	" typing_ms = minute_totals.typing_ms + excluded.typing_ms,"
	" messages = minute_totals.messages + excluded.messages,"
	" sessions = minute_totals.sessions + excluded.sessions,"
	" updated_at = excluded.updated_at";
static const char SQL_MEMBER_LEFT[] =
	"UPDATE workspace_members SET in_game = 0 WHERE workspace_id = ? AND roblox_user_id = ?"
	" AND in_game = 1 AND NOT EXISTS (SELECT 1 FROM running_players p"
	" JOIN running_servers s ON s.id = p.server_id"
	" WHERE p.workspace_id = ? AND p.roblox_user_id = ? AND s.ended_at IS NULL)";
static const char SQL_RP_ON_SERVER[] = "SELECT id, roblox_user_id, user_key, session_id, joined_at"
				       " FROM running_players"
				       " WHERE workspace_id = ? AND server_id = ?";
static const char SQL_RP_DELETE[] = "DELETE FROM running_players WHERE workspace_id = ? AND id = ?";
static const char SQL_SESS_GET[] = "SELECT " TRACKER_SESSION_COLS " FROM play_sessions"
				   " WHERE workspace_id = ? AND id = ?";

void
tracker_session_from_row(const struct rows *rs, size_t i, struct play_session *s)
{
	s->id = rows_text(rs, i, 0);
	s->workspace_id = rows_text(rs, i, 1);
	s->server_id = rows_text(rs, i, 2);
	s->roblox_user_id = rows_text(rs, i, 3);
	s->user_key = rows_text(rs, i, 4);
	s->distribution = rows_int(rs, i, 5);
	s->staff = rows_int(rs, i, 6) != 0;
	s->join_received_at = rows_int(rs, i, 7);
	s->started_at = rows_int(rs, i, 8);
	s->last_event_at = rows_int(rs, i, 9);
	s->ended_at = rows_int(rs, i, 10);
	s->ended_received_at = rows_int(rs, i, 11);
	s->removal_method = rows_text(rs, i, 12);
	s->active_ms = rows_int(rs, i, 13);
	s->idle_ms = rows_int(rs, i, 14);
	s->typing_ms = rows_int(rs, i, 15);
	s->messages = rows_int(rs, i, 16);
	s->credited = rows_int(rs, i, 17) != 0;
	s->active = rows_int(rs, i, 18) != 0;
	s->state_at = rows_int(rs, i, 19);
}

/* A client id is the dedup key when sent; else (type, ms as sent) (§3.7 #36). */
static const char *
dedup_key(struct ctx *c, const struct tracker_event *e)
{
	if (e->id != NULL)
		return arena_printf(c->arena, "i:%s", e->id);
	return arena_printf(c->arena, "t:%s:%lld", playtime_type_name(e->type),
			    (long long)e->raw_ms);
}

enum err
tracker_session_add_events(struct ctx *c, struct play_session *s, const struct tracker_event *ev,
			   size_t n)
{
	int64_t last = s->last_event_at;
	bool touched = false;
	enum err err;

	for (size_t i = 0; i < n; i++) {
		/* playerJoin stored the join; a repeated one is skipped (§3.7 #36). */
		if (ev[i].type == PT_JOIN || ev[i].type == PT_NONE)
			continue;
		int64_t at = playtime_event_at(ev[i].at, s->started_at, c->now);
		const struct val args[] = { V_TEXT(s->id),
					    V_TEXT(dedup_key(c, &ev[i])),
					    V_TEXT(s->workspace_id),
					    V_TEXT(playtime_type_name(ev[i].type)),
					    V_INT(at),
					    V_INT(c->now),
					    V_INT((int64_t)i) };
		int64_t added = 0;

		err = store_exec(c->store, SQL_EV_INSERT, args, nitems(args), &added);
		if (err)
			return err;
		if (added == 0)
			continue;
		touched = true;
		if (at > last)
			last = at;
		/*
		 * The state in force is the latest state event by (time, arrival): one stored
		 * earlier with the same time arrived before this one, so `>=` lets the newer win
		 * without reading the session's events back (§3.7 #36: active = last state != idle).
		 */
		bool state = ev[i].type == PT_ACTIVE || ev[i].type == PT_IDLE || ev[i].type == PT_TYPING;
		if (state && at >= s->state_at) {
			s->state_at = at;
			s->active = ev[i].type != PT_IDLE;
		}
	}
	if (!touched)
		return ERR_OK;
	const struct val u[] = { V_INT(last), V_INT(s->active), V_INT(s->state_at),
				 V_TEXT(s->workspace_id), V_TEXT(s->id) };
	s->last_event_at = last;
	return store_exec(c->store, SQL_SESS_TOUCH, u, nitems(u), NULL);
}

/* §4.7 last rule: staff at join or now, and consent granted where the workspace requires it. */
static enum err
session_keep(struct ctx *c, const struct play_session *s, bool *keep)
{
	const struct val w[] = { V_TEXT(s->workspace_id) };
	const struct val u[] = { V_TEXT(s->workspace_id), V_TEXT(s->roblox_user_id) };
	struct rows rs;
	int64_t min_rank;
	bool consent_required;
	enum err err = store_query(c->store, c->arena, SQL_WS_RULES, w, nitems(w), &rs);

	*keep = false;
	if (err || rs.n == 0)
		return err;
	min_rank = rows_int(&rs, 0, 0);
	consent_required = rows_int(&rs, 0, 1) != 0;
	if (consent_required) {
		err = store_query(c->store, c->arena, SQL_CONSENT_GET, u, nitems(u), &rs);
		if (err)
			return err;
		if (rs.n == 0 || strcmp(rows_text(&rs, 0, 0), "granted") != 0)
			return ERR_OK;
	}
	if (s->staff) {
		*keep = true;
		return ERR_OK;
	}
	err = store_query(c->store, c->arena, SQL_MEMBER_RANK, u, nitems(u), &rs);
	if (err)
		return err;
	/* Rank 0 is a guest, never staff (workspace_rank_is_staff). */
	*keep = rs.n > 0 && rows_int(&rs, 0, 0) > 0 && rows_int(&rs, 0, 0) >= min_rank;
	return ERR_OK;
}

static enum err
session_compute(struct ctx *c, const struct play_session *s, int64_t end, struct pt_result *r)
{
	const struct val args[] = { V_TEXT(s->workspace_id), V_TEXT(s->id) };
	struct pt_event *ev;
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_EV_LOAD, args, nitems(args), &rs);

	if (err)
		return err;
	ev = arena_alloc(c->arena, (rs.n + 1) * sizeof(*ev));
	for (size_t i = 0; i < rs.n; i++) {
		ev[i].type = playtime_type(rows_text(&rs, i, 0));
		ev[i].at = rows_int(&rs, i, 1);
		/* Arrival order: receive time, then position in its batch (< 100 000). */
		ev[i].seq = rows_int(&rs, i, 2) * 100000 + rows_int(&rs, i, 3);
	}
	playtime_compute(ev, rs.n, s->started_at, end, r);
	return ERR_OK;
}

static enum err
totals_add(struct ctx *c, const struct play_session *s, int64_t active, int64_t idle,
	   int64_t typing, int64_t messages, int64_t sessions)
{
	const struct val args[] = { V_TEXT(s->workspace_id), V_INT(s->distribution),
				    V_TEXT(s->roblox_user_id), V_INT(active),
				    V_INT(idle), V_INT(typing),
				    V_INT(messages), V_INT(sessions),
				    V_INT(c->now), V_INT(c->now) };

	return store_exec(c->store, SQL_TOTALS_ADD, args, nitems(args), NULL);
}

static enum err
session_delete(struct ctx *c, const struct play_session *s)
{
	const struct val args[] = { V_TEXT(s->workspace_id), V_TEXT(s->id) };
	enum err err = store_exec(c->store, SQL_EV_DELETE, args, nitems(args), NULL);

	return err ? err : store_exec(c->store, SQL_SESS_DELETE, args, nitems(args), NULL);
}

/* Stores the minutes of s ended at `end` and adds what changed into minute_totals. */
static enum err
session_credit(struct ctx *c, struct play_session *s, int64_t end)
{
	struct pt_result r;
	enum err err = session_compute(c, s, end, &r);

	if (err)
		return err;
	const struct val u[] = { V_INT(end),	      V_INT(r.active_ms), V_INT(r.idle_ms),
				 V_INT(r.typing_ms),  V_INT(r.messages),  V_TEXT(s->workspace_id),
				 V_TEXT(s->id) };
	err = store_exec(c->store, SQL_SESS_CREDIT, u, nitems(u), NULL);
	if (!err)
		err = totals_add(c, s, r.active_ms - (s->credited ? s->active_ms : 0),
				 r.idle_ms - (s->credited ? s->idle_ms : 0),
				 r.typing_ms - (s->credited ? s->typing_ms : 0),
				 r.messages - (s->credited ? s->messages : 0), s->credited ? 0 : 1);
	if (err)
		return err;
	s->ended_at = end;
	s->active_ms = r.active_ms;
	s->idle_ms = r.idle_ms;
	s->typing_ms = r.typing_ms;
	s->messages = r.messages;
	s->credited = true;
	return ERR_OK;
}

enum err
tracker_session_finish(struct ctx *c, struct play_session *s, int64_t end, const char *method)
{
	int64_t changed = 0;
	bool keep;
	enum err err;

	if (end < s->started_at)
		end = s->started_at;
	const struct val args[] = { V_INT(end), V_INT(c->now), V_TEXT(method),
				    V_TEXT(s->workspace_id), V_TEXT(s->id) };
	err = store_exec(c->store, SQL_SESS_END, args, nitems(args), &changed);
	if (err || changed == 0) /* ended by a racing request: nothing to redo */
		return err;
	s->ended_received_at = c->now;
	s->removal_method = method;
	err = session_keep(c, s, &keep);
	if (err)
		return err;
	if (!keep)
		return session_delete(c, s);
	return session_credit(c, s, end);
}

enum err
tracker_session_recompute(struct ctx *c, struct play_session *s, int64_t end)
{
	if (end < s->started_at)
		end = s->started_at;
	if (end > s->ended_at)
		end = s->ended_at; /* §4.7: only an earlier leftTime moves the end */
	return session_credit(c, s, end);
}

enum err
tracker_member_left(struct ctx *c, const char *ws_id, const char *roblox_user_id)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(roblox_user_id), V_TEXT(ws_id),
				    V_TEXT(roblox_user_id) };

	return store_exec(c->store, SQL_MEMBER_LEFT, args, nitems(args), NULL);
}

/*
 * Events meet sessions through sorted indexes, never a scan per event: sendData runs on the
 * one group-commit writer, and a nested loop there let one game server stall every workspace.
 * An index entry is (key, position in v); ties sort by position, so a lookup finds the first
 * session in query order with that key.
 */
struct sess_key {
	const char *key;
	size_t i;
};

static int
sess_key_cmp(const void *a, const void *b)
{
	const struct sess_key *x = a, *y = b;
	int d = strcmp(x->key, y->key);

	return d != 0 ? d : (x->i > y->i) - (x->i < y->i);
}

/* v's sessions by user id (by_user) or by userKey; *m of them (sessions without the key skip). */
static struct sess_key *
sess_index(struct ctx *c, const struct play_session *v, size_t n, bool by_user, size_t *m)
{
	struct sess_key *k = arena_alloc(c->arena, (n + 1) * sizeof(*k));

	*m = 0;
	for (size_t i = 0; i < n; i++) {
		const char *key = by_user ? v[i].roblox_user_id : v[i].user_key;

		if (key != NULL)
			k[(*m)++] = (struct sess_key){ key, i };
	}
	qsort(k, *m, sizeof(*k), sess_key_cmp);
	return k;
}

/* The position in v of the first session with `key`; SIZE_MAX when none (lower bound). */
static size_t
sess_find(const struct sess_key *k, size_t m, const char *key)
{
	size_t lo = 0, hi = m;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(k[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m && strcmp(k[lo].key, key) == 0 ? k[lo].i : SIZE_MAX;
}

enum err
tracker_events_add(struct ctx *c, const char *ws_id, const struct running_server *srv,
		   const struct tracker_event *ev, size_t n)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(srv->id) };
	struct play_session *v;
	struct sess_key *by_user, *by_key;
	struct tracker_event *mine;
	size_t *owner, *count, *at, nu, nk;
	struct rows rs;
	enum err err;

	if (n == 0)
		return ERR_OK;
	err = store_query(c->store, c->arena, SQL_SESS_OPEN_ON_SERVER, args, nitems(args), &rs);
	if (err || rs.n == 0)
		return err; /* no open session: every event is skipped */
	v = arena_alloc(c->arena, rs.n * sizeof(*v));
	for (size_t i = 0; i < rs.n; i++)
		tracker_session_from_row(&rs, i, &v[i]);
	by_user = sess_index(c, v, rs.n, true, &nu);
	by_key = sess_index(c, v, rs.n, false, &nk);
	/* The owner of an event: by user id when sent, else by userKey (§4.4). */
	owner = arena_alloc(c->arena, n * sizeof(*owner));
	count = arena_alloc(c->arena, (rs.n + 1) * sizeof(*count));
	at = arena_alloc(c->arena, (rs.n + 1) * sizeof(*at));
	memset(count, 0, (rs.n + 1) * sizeof(*count));
	for (size_t i = 0; i < n; i++) {
		owner[i] = SIZE_MAX;
		if (ev[i].user != NULL)
			owner[i] = sess_find(by_user, nu, ev[i].user);
		else if (ev[i].user_key != NULL)
			owner[i] = sess_find(by_key, nk, ev[i].user_key);
		if (owner[i] != SIZE_MAX)
			count[owner[i]]++;
	}
	/* A counting sort by owner: each session's events stay in arrival order (batch positions). */
	for (size_t k = 0, sum = 0; k < rs.n; k++) {
		at[k] = sum;
		sum += count[k];
	}
	mine = arena_alloc(c->arena, n * sizeof(*mine));
	for (size_t i = 0; i < n; i++)
		if (owner[i] != SIZE_MAX)
			mine[at[owner[i]]++] = ev[i];
	for (size_t k = 0; k < rs.n; k++) {
		if (count[k] == 0)
			continue;
		/* at[k] now ends session k's run. */
		err = tracker_session_add_events(c, &v[k], mine + at[k] - count[k], count[k]);
		if (err)
			return err;
	}
	return ERR_OK;
}

static int
key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
key_listed(const char *key, const char *const *sorted, size_t n)
{
	return key != NULL && n > 0 && bsearch(&key, sorted, n, sizeof(*sorted), key_cmp) != NULL;
}

enum err
tracker_players_sync(struct ctx *c, const char *ws_id, const struct running_server *srv,
		     const char *const *keys, size_t n)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(srv->id) };
	const char **sorted = arena_alloc(c->arena, (n + 1) * sizeof(*sorted));
	struct rows rs, ss;
	enum err err = store_query(c->store, c->arena, SQL_RP_ON_SERVER, args, nitems(args), &rs);

	/* Sorted once, searched per row (see the index note above tracker_events_add). */
	if (n > 0)
		memcpy(sorted, keys, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), key_cmp);
	for (size_t i = 0; !err && i < rs.n; i++) {
		const char *user = rows_text(&rs, i, 1), *sid = rows_text(&rs, i, 3);

		if (key_listed(rows_text(&rs, i, 2), sorted, n) ||
		    rows_int(&rs, i, 4) > c->now - TRACKER_SYNC_GRACE_MS)
			continue;
		if (sid != NULL) {
			const struct val g[] = { V_TEXT(ws_id), V_TEXT(sid) };
			err = store_query(c->store, c->arena, SQL_SESS_GET, g, nitems(g), &ss);
			if (!err && ss.n > 0 && rows_null(&ss, 0, 10)) {
				struct play_session s;

				tracker_session_from_row(&ss, 0, &s);
				err = tracker_session_finish(c, &s, c->now, "syncRemoval");
			}
		}
		const struct val d[] = { V_TEXT(ws_id), V_TEXT(rows_text(&rs, i, 0)) };
		if (!err)
			err = store_exec(c->store, SQL_RP_DELETE, d, nitems(d), NULL);
		if (!err)
			err = tracker_member_left(c, ws_id, user);
	}
	return err;
}
