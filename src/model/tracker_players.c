/*
 * tracker_players.c: players of running servers (readmin-compat.md §3.7 #34 #35, §3.8, §4.4,
 * §4.7; platform.md §6.5 players): joins with the ban, consent and staff rules, leaves with
 * their late-leave exception, consent, and the online list. No statement here runs without
 * the workspace id; nothing is audited (tracker traffic, §1.7).
 */
#include "model/tracker.h"

#include <string.h>

#include "model/bans.h"
#include "model/ignored.h"

static const char SQL_WS_RULES[] = "SELECT min_sync_rank, require_consent, track_staff_only,"
				   " distribution_current FROM communities WHERE id = ?";
static const char SQL_MEMBER_RANK[] = "SELECT rank FROM workspace_members"
				      " WHERE workspace_id = ? AND roblox_user_id = ?";
static const char SQL_CONSENT_GET[] = "SELECT consent FROM player_consent"
				      " WHERE workspace_id = ? AND roblox_user_id = ?";
static const char SQL_CONSENT_PUT[] =
	"INSERT INTO player_consent (workspace_id, roblox_user_id, consent, updated_at)"
	" VALUES (?, ?, ?, ?) ON CONFLICT (workspace_id, roblox_user_id)"
	" DO UPDATE SET consent = excluded.consent, updated_at = excluded.updated_at";
static const char SQL_USER_OPEN[] = "SELECT " TRACKER_SESSION_COLS " FROM play_sessions"
				    " WHERE workspace_id = ? AND roblox_user_id = ?"
				    " AND ended_at IS NULL";
static const char SQL_RP_OF_SESSION[] = "SELECT id FROM running_players"
					" WHERE workspace_id = ? AND session_id = ?";
/* Rows elsewhere in the workspace: a player is in one server at a time (movedServer). */
static const char SQL_RP_USER[] = "SELECT id, server_id FROM running_players"
				  " WHERE workspace_id = ? AND roblox_user_id = ?";
static const char SQL_RP_DELETE[] = "DELETE FROM running_players WHERE workspace_id = ? AND id = ?";
static const char SQL_RP_INSERT[] =
	"INSERT INTO running_players (id, workspace_id, server_id, roblox_user_id, user_key,"
	" session_id, username, display_name, platform, staff, joined_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_SESS_INSERT[] =
	"INSERT INTO play_sessions (id, workspace_id, server_id, roblox_user_id, user_key,"
	" distribution, staff, join_received_at, started_at, last_event_at, active)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)";
static const char SQL_JOIN_EVENT[] =
	"INSERT INTO play_events (session_id, dedup_key, workspace_id, type, at, received_at, ord)"
	" VALUES (?, 'join', ?, 'join', ?, ?, 0)";
static const char SQL_MEMBER_JOINED[] =
	"UPDATE workspace_members SET in_game = 1,"
	" username = COALESCE(?, username), username_key = COALESCE(?, username_key),"
	" display_name = COALESCE(?, display_name),"
	" display_name_key = COALESCE(?, display_name_key), timezone = COALESCE(?, timezone)"
	" WHERE workspace_id = ? AND roblox_user_id = ?";
static const char SQL_SESS_GET_HERE[] = "SELECT " TRACKER_SESSION_COLS " FROM play_sessions"
					" WHERE workspace_id = ? AND id = ? AND server_id = ?"
					" AND roblox_user_id = ?";
static const char SQL_SESS_OPEN_HERE[] = "SELECT " TRACKER_SESSION_COLS " FROM play_sessions"
					 " WHERE workspace_id = ? AND server_id = ?"
					 " AND roblox_user_id = ? AND ended_at IS NULL";
static const char SQL_SESS_LATE_HERE[] =
	"SELECT " TRACKER_SESSION_COLS " FROM play_sessions"
	" WHERE workspace_id = ? AND server_id = ? AND roblox_user_id = ?"
	" AND removal_method = 'syncRemoval' AND ended_received_at >= ?"
	" ORDER BY ended_received_at DESC, id DESC LIMIT 1";
static const char SQL_RP_HERE[] = "SELECT id FROM running_players"
				  " WHERE workspace_id = ? AND server_id = ? AND roblox_user_id = ?";
#define PL_FROM                                                                                \
	" FROM running_players p JOIN running_servers s ON s.id = p.server_id"                 \
	" LEFT JOIN play_sessions ps ON ps.id = p.session_id"                                   \
	" WHERE p.workspace_id = ? AND s.workspace_id = ? AND s.ended_at IS NULL"               \
	" AND (? IS NULL OR p.server_id = ?) AND (? = 0 OR p.staff = 1)"
static const char SQL_PL_COUNT[] = "SELECT COUNT(*)" PL_FROM;
static const char SQL_PL_LIST[] = "SELECT p.roblox_user_id, p.username, p.server_id, p.platform,"
				  " p.staff, COALESCE(ps.active, 1), p.joined_at" PL_FROM
				  " ORDER BY p.joined_at, p.id LIMIT ? OFFSET ?";

struct ws_rules {
	int64_t min_rank, dist;
	bool require_consent, track_staff_only;
};

static enum err
rules_get(struct ctx *c, const char *ws_id, struct ws_rules *w)
{
	const struct val q[] = { V_TEXT(ws_id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_WS_RULES, q, nitems(q), &rs);

	if (err)
		return err;
	if (rs.n == 0)
		return ERR_UNAUTHENTICATED; /* the workspace vanished under its key */
	w->min_rank = rows_int(&rs, 0, 0);
	w->require_consent = rows_int(&rs, 0, 1) != 0;
	w->track_staff_only = rows_int(&rs, 0, 2) != 0;
	w->dist = rows_int(&rs, 0, 3);
	return ERR_OK;
}

/* isStaff (§3.7 #34): member rank, else groupRank, else false (fail closed); rank 0 never. */
static enum err
is_staff(struct ctx *c, const char *ws_id, const struct ws_rules *w, const struct join_input *in,
	 bool *staff)
{
	const struct val q[] = { V_TEXT(ws_id), V_TEXT(in->roblox_user_id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_MEMBER_RANK, q, nitems(q), &rs);
	int64_t rank = rs.n > 0 ? rows_int(&rs, 0, 0) : in->group_rank;

	if (err)
		return err;
	*staff = rank > 0 && rank >= w->min_rank;
	return ERR_OK;
}

/* The stored consent: 1 granted, 0 denied, -1 none. */
static enum err
consent_get(struct ctx *c, const char *ws_id, const char *user, int *consent)
{
	const struct val q[] = { V_TEXT(ws_id), V_TEXT(user) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_CONSENT_GET, q, nitems(q), &rs);

	*consent = -1;
	if (!err && rs.n > 0)
		*consent = strcmp(rows_text(&rs, 0, 0), "granted") == 0;
	return err;
}

static char *
lower_ascii(struct ctx *c, const char *s)
{
	char *t;

	if (s == NULL)
		return NULL;
	t = arena_strdup(c->arena, s);
	for (char *p = t; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return t;
}

/*
 * The user's presence elsewhere ends here (Roster decision): open sessions on other servers
 * end at this join's start (movedServer), and running-player rows on any server go.
 */
static enum err
join_move(struct ctx *c, const char *ws_id, const struct running_server *srv,
	  const struct join_input *in, int64_t start)
{
	const struct val q[] = { V_TEXT(ws_id), V_TEXT(in->roblox_user_id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_USER_OPEN, q, nitems(q), &rs);

	for (size_t i = 0; !err && i < rs.n; i++) {
		struct play_session s;
		int64_t end = start < c->now ? start : c->now;

		tracker_session_from_row(&rs, i, &s);
		err = tracker_session_finish(c, &s, end,
					     strcmp(s.server_id, srv->id) == 0 ? "normalPlayerLeave"
									 : "movedServer");
	}
	if (!err)
		err = store_query(c->store, c->arena, SQL_RP_USER, q, nitems(q), &rs);
	for (size_t i = 0; !err && i < rs.n; i++) {
		const struct val d[] = { V_TEXT(ws_id), V_TEXT(rows_text(&rs, i, 0)) };
		err = store_exec(c->store, SQL_RP_DELETE, d, nitems(d), NULL);
	}
	return err;
}

static enum err
member_joined(struct ctx *c, const char *ws_id, const struct join_input *in)
{
	const struct val u[] = { V_TEXT(in->username),
				 V_TEXT(lower_ascii(c, in->username)),
				 V_TEXT(in->display_name),
				 V_TEXT(lower_ascii(c, in->display_name)),
				 V_TEXT(in->timezone),
				 V_TEXT(ws_id),
				 V_TEXT(in->roblox_user_id) };

	return store_exec(c->store, SQL_MEMBER_JOINED, u, nitems(u), NULL);
}

/* A new running-player row, and a session with its join event when tracked. */
static enum err
join_store(struct ctx *c, const char *ws_id, const struct running_server *srv,
	   const struct ws_rules *w, const struct join_input *in, bool staff, bool tracked,
	   struct join_result *out)
{
	char sid[ID_LEN + 1], pid[ID_LEN + 1];
	int64_t start = playtime_start(in->at >= 0 ? in->at : c->now, c->now);
	enum err err = join_move(c, ws_id, srv, in, start);

	if (err)
		return err;
	id_new(c->now, sid);
	id_new(c->now, pid);
	if (tracked) {
		const struct val s[] = { V_TEXT(sid),	       V_TEXT(ws_id),	V_TEXT(srv->id),
					 V_TEXT(in->roblox_user_id), V_TEXT(in->user_key),
					 V_INT(w->dist),       V_INT(staff),	V_INT(c->now),
					 V_INT(start),	       V_INT(start) };
		const struct val e[] = { V_TEXT(sid), V_TEXT(ws_id), V_INT(start), V_INT(c->now) };
		err = store_exec(c->store, SQL_SESS_INSERT, s, nitems(s), NULL);
		if (!err)
			err = store_exec(c->store, SQL_JOIN_EVENT, e, nitems(e), NULL);
		if (err)
			return err;
		out->session_id = arena_strdup(c->arena, sid);
		out->running_player_id = arena_strdup(c->arena, pid);
	}
	const struct val p[] = { V_TEXT(pid),		    V_TEXT(ws_id),
				 V_TEXT(srv->id),	    V_TEXT(in->roblox_user_id),
				 V_TEXT(in->user_key),	    V_TEXT(tracked ? sid : NULL),
				 V_TEXT(in->username),	    V_TEXT(in->display_name),
				 V_TEXT(in->platform),	    V_INT(staff),
				 V_INT(c->now) };
	err = store_exec(c->store, SQL_RP_INSERT, p, nitems(p), NULL);
	return err ? err : member_joined(c, ws_id, in);
}

/*
 * A full server takes no newcomer: its own row (a rejoin) is replaced, so the count stays.
 * player_count is the gate's fresh count in this transaction.
 */
static enum err
join_room(struct ctx *c, const char *ws_id, const struct running_server *srv,
	  const struct join_input *in)
{
	const struct val q[] = { V_TEXT(ws_id), V_TEXT(srv->id), V_TEXT(in->roblox_user_id) };
	struct rows rs;
	enum err err;

	if (srv->player_count < TRACKER_PLAYERS_MAX)
		return ERR_OK;
	err = store_query(c->store, c->arena, SQL_RP_HERE, q, nitems(q), &rs);
	if (err)
		return err;
	return rs.n > 0 ? ERR_OK : ERR_LIMIT_REACHED;
}

/* Replay (§3.7 #34): an open session for this user on this server answers its own ids. */
static enum err
join_replay(struct ctx *c, const char *ws_id, const struct running_server *srv,
	    const struct join_input *in, struct join_result *out, bool *found)
{
	const struct val q[] = { V_TEXT(ws_id), V_TEXT(srv->id), V_TEXT(in->roblox_user_id) };
	struct rows rs, rp;
	enum err err = store_query(c->store, c->arena, SQL_SESS_OPEN_HERE, q, nitems(q), &rs);

	*found = false;
	if (err || rs.n == 0)
		return err;
	const struct val p[] = { V_TEXT(ws_id), V_TEXT(rows_text(&rs, 0, 0)) };
	err = store_query(c->store, c->arena, SQL_RP_OF_SESSION, p, nitems(p), &rp);
	if (err || rp.n == 0)
		return err; /* no running-player row: start afresh */
	*found = true;
	out->session_id = rows_text(&rs, 0, 0);
	out->running_player_id = rows_text(&rp, 0, 0);
	return ERR_OK;
}

enum err
tracker_player_join(struct ctx *c, const char *ws_id, const struct running_server *srv,
		    const struct join_input *in, struct join_result *out)
{
	struct ws_rules w;
	struct ban ban;
	bool ignored, banned, found;
	int consent;
	enum err err;

	memset(out, 0, sizeof(*out));
	err = ignored_find(c, in->roblox_user_id, &ignored);
	if (err || ignored) {
		out->kind = JOIN_IGNORED; /* §4.5: nothing is stored */
		return err;
	}
	err = rules_get(c, ws_id, &w);
	if (!err)
		err = is_staff(c, ws_id, &w, in, &out->is_staff);
	if (!err)
		err = ban_active(c, ws_id, in->roblox_user_id, &ban, &banned);
	if (err)
		return err;
	if (banned) { /* §5 row 18: no session for a banned player */
		out->kind = JOIN_BANNED;
		out->ban_reason = ban.reason;
		out->ban_expires_at = ban.expires_at;
		return ERR_OK;
	}
	err = consent_get(c, ws_id, in->roblox_user_id, &consent);
	if (err)
		return err;
	out->needs_consent = w.require_consent && consent != 1;
	if (consent == 0)
		out->kind = JOIN_CONSENT_DENIED;
	else if (w.track_staff_only && !out->is_staff)
		out->kind = JOIN_UNTRACKED;
	else
		out->kind = JOIN_TRACKED;
	if (out->kind == JOIN_TRACKED) {
		err = join_replay(c, ws_id, srv, in, out, &found);
		if (err || found)
			return err;
	}
	err = join_room(c, ws_id, srv, in);
	if (err)
		return err;
	return join_store(c, ws_id, srv, &w, in, out->is_staff, out->kind == JOIN_TRACKED, out);
}

/*
 * The session a leave is for: the hinted one if it is this player's here, else the open one.
 * A hinted session of this player here is THE target (§3.7 #35): ended and outside the
 * syncRemoval window, *stale says so and the leave changes nothing (a retry must not end the
 * player's next session).
 */
static enum err
leave_target(struct ctx *c, const char *ws_id, const struct running_server *srv,
	     const struct leave_input *in, struct play_session *s, bool *found, bool *stale)
{
	const struct val h[] = { V_TEXT(ws_id), V_TEXT(in->session_hint), V_TEXT(srv->id),
				 V_TEXT(in->roblox_user_id) };
	const struct val o[] = { V_TEXT(ws_id), V_TEXT(srv->id), V_TEXT(in->roblox_user_id) };
	const struct val l[] = { V_TEXT(ws_id), V_TEXT(srv->id), V_TEXT(in->roblox_user_id),
				 V_INT(c->now - TRACKER_LATE_LEAVE_MS) };
	struct rows rs;
	enum err err = ERR_OK;

	*found = false;
	*stale = false;
	if (in->session_hint != NULL) {
		err = store_query(c->store, c->arena, SQL_SESS_GET_HERE, h, nitems(h), &rs);
		if (!err && rs.n > 0) {
			tracker_session_from_row(&rs, 0, s);
			/* Ended sessions take a leave only inside the syncRemoval window. */
			*found = s->ended_at == 0 ||
				 (s->removal_method != NULL &&
				  strcmp(s->removal_method, "syncRemoval") == 0 &&
				  s->ended_received_at >= c->now - TRACKER_LATE_LEAVE_MS);
			*stale = !*found;
			return ERR_OK;
		}
	}
	if (!err)
		err = store_query(c->store, c->arena, SQL_SESS_OPEN_HERE, o, nitems(o), &rs);
	if (!err && rs.n == 0)
		err = store_query(c->store, c->arena, SQL_SESS_LATE_HERE, l, nitems(l), &rs);
	if (!err && rs.n > 0) {
		tracker_session_from_row(&rs, 0, s);
		*found = true;
	}
	return err;
}

/*
 * Presence rows of the leaving player on this server go; `late` (a late leave on a session
 * syncRemoval already ended) only the target's own row: any other row is a newer join whose
 * session must not be orphaned. The in-game flag clears when no live row remains.
 */
static enum err
leave_presence(struct ctx *c, const char *ws_id, const struct running_server *srv,
	       const char *user, const char *late)
{
	const struct val q[] = { V_TEXT(ws_id), V_TEXT(srv->id), V_TEXT(user) };
	const struct val p[] = { V_TEXT(ws_id), V_TEXT(late) };
	struct rows rs;
	enum err err = late != NULL
			       ? store_query(c->store, c->arena, SQL_RP_OF_SESSION, p, nitems(p), &rs)
			       : store_query(c->store, c->arena, SQL_RP_HERE, q, nitems(q), &rs);

	for (size_t i = 0; !err && i < rs.n; i++) {
		const struct val d[] = { V_TEXT(ws_id), V_TEXT(rows_text(&rs, i, 0)) };
		err = store_exec(c->store, SQL_RP_DELETE, d, nitems(d), NULL);
	}
	return err ? err : tracker_member_left(c, ws_id, user);
}

enum err
tracker_player_leave(struct ctx *c, const char *ws_id, const struct running_server *srv,
		     const struct leave_input *in, bool *finalized)
{
	struct play_session s;
	const char *late = NULL;
	bool found, stale;
	enum err err = leave_target(c, ws_id, srv, in, &s, &found, &stale);

	*finalized = false;
	if (err || stale)
		return err;
	if (found && s.credited + (s.ended_at == 0) == 0)
		found = false; /* an ended session that was deleted uncredited: nothing to redo */
	if (found)
		err = tracker_session_add_events(c, &s, in->events, in->n);
	if (err || !in->final)
		return err;
	if (found) {
		int64_t end = playtime_leave_end(in->left_at, s.started_at, s.last_event_at, c->now);

		if (s.ended_at == 0) {
			err = tracker_session_finish(c, &s, end, "normalPlayerLeave");
		} else {
			err = tracker_session_recompute(c, &s, end);
			late = s.id;
		}
		*finalized = !err;
	}
	return err ? err : leave_presence(c, ws_id, srv, in->roblox_user_id, late);
}

enum err
tracker_consent_set(struct ctx *c, const char *ws_id, const char *roblox_user_id, bool granted)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(roblox_user_id),
				    V_TEXT(granted ? "granted" : "denied"), V_INT(c->now) };
	bool ignored;
	enum err err = ignored_find(c, roblox_user_id, &ignored);

	if (err || ignored) /* §4.5: never processed, so nothing is stored */
		return err;
	return store_exec(c->store, SQL_CONSENT_PUT, args, nitems(args), NULL);
}

enum err
tracker_players_list(struct ctx *c, const char *ws_id, const char *server_id, bool staff_only,
		     int64_t page, int64_t page_size, struct online_player **out, size_t *n,
		     int64_t *total)
{
	const struct val args[] = { V_TEXT(ws_id),     V_TEXT(ws_id),	  V_TEXT(server_id),
				    V_TEXT(server_id), V_INT(staff_only), V_INT(page_size),
				    V_INT((page - 1) * page_size) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_PL_COUNT, args, nitems(args) - 2, &rs);

	if (err)
		return err;
	*total = rows_int(&rs, 0, 0);
	err = store_query(c->store, c->arena, SQL_PL_LIST, args, nitems(args), &rs);
	if (err)
		return err;
	*n = rs.n;
	*out = arena_alloc(c->arena, (rs.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs.n; i++) {
		struct online_player *p = &(*out)[i];

		p->roblox_user_id = rows_text(&rs, i, 0);
		p->username = rows_text(&rs, i, 1);
		p->server_id = rows_text(&rs, i, 2);
		p->platform = rows_text(&rs, i, 3);
		p->is_staff = rows_int(&rs, i, 4) != 0;
		p->active = rows_int(&rs, i, 5) != 0;
		p->joined_at = rows_int(&rs, i, 6);
	}
	return ERR_OK;
}
