/*
 * tracker.c: running game servers (readmin-compat.md §3.7 #31-#33, §4.6; platform.md §6.5):
 * creation with the jobId replay rule, the running-server credential and its heartbeat, the
 * end of a server (endServer, dashboard, stale job) and the management reads. Statements name
 * the workspace id, except the lookup by runningGameId (see tracker.h).
 */
#include "model/tracker.h"

#include <string.h>

#include "auth/secret.h"
#include "core/log.h"
#include "model/actions.h"

#define SRV_COLS                                                                               \
	"s.id, s.workspace_id, s.internal_id, s.universe_id, s.place_id, s.job_id,"            \
	" s.private_server_id, s.private_server_owner_id, s.place_version, s.started_at,"      \
	" s.last_ping_at, s.ended_at, s.end_reason,"                                            \
	" (SELECT COUNT(*) FROM running_players p WHERE p.server_id = s.id)"
static const char SQL_SRV_BY_JOB[] = "SELECT " SRV_COLS " FROM running_servers s"
				     " WHERE s.workspace_id = ? AND s.job_id = ?"
				     " AND s.ended_at IS NULL";
static const char SQL_SRV_INSERT[] =
	"INSERT INTO running_servers (id, workspace_id, internal_id, universe_id, place_id, job_id,"
	" private_server_id, private_server_owner_id, place_version, started_at, last_ping_at,"
	" created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
/* By runningGameId alone: §1.4 answers another workspace's server with `- mismatch`. */
static const char SQL_SRV_BY_ID[] = "SELECT " SRV_COLS " FROM running_servers s WHERE s.id = ?";
static const char SQL_SRV_GET[] = "SELECT " SRV_COLS " FROM running_servers s"
				  " WHERE s.workspace_id = ? AND s.id = ?";
static const char SQL_SRV_PING[] = "UPDATE running_servers SET last_ping_at = ?"
				   " WHERE workspace_id = ? AND id = ? AND last_ping_at < ?";
static const char SQL_SRV_END[] = "UPDATE running_servers SET ended_at = ?, end_reason = ?"
				  " WHERE workspace_id = ? AND id = ? AND ended_at IS NULL";
static const char SQL_SRV_SESSIONS[] = "SELECT " TRACKER_SESSION_COLS " FROM play_sessions"
				       " WHERE workspace_id = ? AND server_id = ?"
				       " AND ended_at IS NULL";
static const char SQL_SRV_PLAYERS[] = "SELECT roblox_user_id FROM running_players"
				      " WHERE workspace_id = ? AND server_id = ?";
static const char SQL_SRV_PLAYERS_DELETE[] = "DELETE FROM running_players"
					     " WHERE workspace_id = ? AND server_id = ?";
/* Across workspaces: the job owns no workspace; each row then ends in its own. */
static const char SQL_SRV_STALE[] = "SELECT workspace_id, id, last_ping_at FROM running_servers"
				    " WHERE ended_at IS NULL AND last_ping_at <= ?"
				    " ORDER BY last_ping_at, id LIMIT ?";
static const char SQL_SRV_COUNT[] = "SELECT COUNT(*) FROM running_servers s"
				    " WHERE s.workspace_id = ? AND s.ended_at IS NULL";
static const char SQL_SRV_LIST[] = "SELECT " SRV_COLS " FROM running_servers s"
				   " WHERE s.workspace_id = ? AND s.ended_at IS NULL"
				   " ORDER BY s.started_at DESC, s.id DESC LIMIT ? OFFSET ?";

static void
server_from_row(const struct rows *rs, size_t i, struct running_server *s)
{
	s->id = rows_text(rs, i, 0);
	s->workspace_id = rows_text(rs, i, 1);
	s->internal_id = rows_text(rs, i, 2);
	s->universe_id = rows_text(rs, i, 3);
	s->place_id = rows_text(rs, i, 4);
	s->job_id = rows_text(rs, i, 5);
	s->private_server_id = rows_text(rs, i, 6);
	s->private_server_owner_id = rows_text(rs, i, 7);
	s->place_version = rows_int(rs, i, 8);
	s->started_at = rows_int(rs, i, 9);
	s->last_ping_at = rows_int(rs, i, 10);
	s->ended_at = rows_int(rs, i, 11);
	s->end_reason = rows_text(rs, i, 12);
	s->player_count = rows_int(rs, i, 13);
}

/* §3.7 #31: 'RA-GAMES-' + 20 hex + '-' + UUID v4. */
static const char *
internal_id_new(struct ctx *c)
{
	unsigned char b[10];
	char hex[21], uuid[UUID_LEN + 1];
	static const char digits[] = "0123456789abcdef";

	secret_random(b, sizeof(b));
	for (size_t i = 0; i < sizeof(b); i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	hex[20] = '\0';
	uuid_new(uuid);
	return arena_printf(c->arena, "RA-GAMES-%s-%s", hex, uuid);
}

enum err
tracker_server_create(struct ctx *c, const char *ws_id, const struct server_input *in,
		      const char *created_by, struct running_server *out, bool *replayed)
{
	const struct val q[] = { V_TEXT(ws_id), V_TEXT(in->job_id) };
	char id[ID_LEN + 1];
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_SRV_BY_JOB, q, nitems(q), &rs);

	*replayed = false;
	if (err)
		return err;
	if (rs.n > 0) { /* Roster decision: a retried createServer gets the same ids */
		server_from_row(&rs, 0, out);
		*replayed = true;
		const struct val p[] = { V_INT(c->now), V_TEXT(ws_id), V_TEXT(out->id), V_INT(c->now) };
		return store_exec(c->store, SQL_SRV_PING, p, nitems(p), NULL);
	}
	id_new(c->now, id);
	const struct val args[] = {
		V_TEXT(id),
		V_TEXT(ws_id),
		V_TEXT(internal_id_new(c)),
		V_TEXT(in->universe_id),
		V_TEXT(in->place_id),
		V_TEXT(in->job_id),
		V_TEXT(in->private_server_id ? in->private_server_id : ""),
		V_TEXT(in->private_server_owner_id ? in->private_server_owner_id : "0"),
		V_INT(in->place_version),
		V_INT(c->now),
		V_INT(c->now),
		V_TEXT(created_by),
	};
	err = store_exec(c->store, SQL_SRV_INSERT, args, nitems(args), NULL);
	return err ? err : tracker_server_get(c, ws_id, id, out);
}

enum err
tracker_server_resolve(struct ctx *c, const char *ws_id, const char *game_id,
		       struct running_server *out, enum tracker_lookup *res)
{
	const struct val q[] = { V_TEXT(game_id) };
	struct rows rs;
	enum err err;

	*res = TL_UNKNOWN;
	if (game_id == NULL || !id_is_valid(game_id))
		return ERR_OK;
	err = store_query(c->store, c->arena, SQL_SRV_BY_ID, q, nitems(q), &rs);
	if (err || rs.n == 0)
		return err;
	server_from_row(&rs, 0, out);
	if (strcmp(out->workspace_id, ws_id) != 0) {
		*res = TL_MISMATCH;
		return ERR_OK;
	}
	if (out->ended_at != 0) {
		*res = TL_ENDED;
		return ERR_OK;
	}
	*res = TL_OK;
	/* §1.4: every resolution is a heartbeat; never moves lastPing backwards. */
	const struct val p[] = { V_INT(c->now), V_TEXT(ws_id), V_TEXT(out->id), V_INT(c->now) };
	err = store_exec(c->store, SQL_SRV_PING, p, nitems(p), NULL);
	if (!err && out->last_ping_at < c->now)
		out->last_ping_at = c->now;
	return err;
}

enum err
tracker_server_end(struct ctx *c, const char *ws_id, const char *server_id, int64_t at,
		   const char *method, const char *reason, bool *ended)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(server_id) };
	const struct val end[] = { V_INT(c->now), V_TEXT(reason), V_TEXT(ws_id), V_TEXT(server_id) };
	struct rows ss, ps;
	int64_t changed = 0;
	enum err err = store_exec(c->store, SQL_SRV_END, end, nitems(end), &changed);

	*ended = changed > 0;
	if (err || !*ended) /* already ended: endServer's replay is a no-op */
		return err;
	err = store_query(c->store, c->arena, SQL_SRV_SESSIONS, args, nitems(args), &ss);
	for (size_t i = 0; !err && i < ss.n; i++) {
		struct play_session s;

		tracker_session_from_row(&ss, i, &s);
		err = tracker_session_finish(c, &s, at, method);
	}
	if (!err)
		err = store_query(c->store, c->arena, SQL_SRV_PLAYERS, args, nitems(args), &ps);
	if (!err)
		err = store_exec(c->store, SQL_SRV_PLAYERS_DELETE, args, nitems(args), NULL);
	for (size_t i = 0; !err && i < ps.n; i++)
		err = tracker_member_left(c, ws_id, rows_text(&ps, i, 0));
	if (!err)
		err = actions_expire(c, ws_id, server_id);
	return err;
}

enum err
tracker_sweep_stale(struct ctx *c)
{
	const struct val q[] = { V_INT(c->now - TRACKER_STALE_MS), V_INT(TRACKER_SWEEP_BATCH) };
	struct rows rs;
	bool ended;
	enum err err = store_query(c->store, c->arena, SQL_SRV_STALE, q, nitems(q), &rs);

	/* §4.6, §5 row 19: sessions close at the last ping, so a crash credits no phantom time. */
	for (size_t i = 0; !err && i < rs.n; i++)
		err = tracker_server_end(c, rows_text(&rs, i, 0), rows_text(&rs, i, 1),
					 rows_int(&rs, i, 2), "stale", "stale", &ended);
	if (!err && rs.n > 0)
		log_info("job.run", "stale sweep ended %zu server(s)", rs.n);
	return err;
}

enum err
tracker_server_list(struct ctx *c, const char *ws_id, int64_t page, int64_t page_size,
		    struct running_server **out, size_t *n, int64_t *total)
{
	const struct val args[] = { V_TEXT(ws_id), V_INT(page_size), V_INT((page - 1) * page_size) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_SRV_COUNT, args, 1, &rs);

	if (err)
		return err;
	*total = rows_int(&rs, 0, 0);
	err = store_query(c->store, c->arena, SQL_SRV_LIST, args, nitems(args), &rs);
	if (err)
		return err;
	*n = rs.n;
	*out = arena_alloc(c->arena, (rs.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs.n; i++)
		server_from_row(&rs, i, &(*out)[i]);
	return ERR_OK;
}

enum err
tracker_server_get(struct ctx *c, const char *ws_id, const char *id, struct running_server *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_SRV_GET, args, nitems(args), &rs);

	if (err)
		return err;
	if (rs.n == 0) /* also for another workspace's id */
		return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource", "server",
				(const char *)NULL);
	server_from_row(&rs, 0, out);
	return ERR_OK;
}
