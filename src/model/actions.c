/*
 * actions.c: queued actions of running servers; see actions.h. No statement here runs without
 * the caller's workspace id. Delivery is one conditional UPDATE … RETURNING, so the row that
 * flips pending -> delivered is handed out by exactly one transaction.
 */
#include "model/actions.h"

#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"

#define ACT_COLS                                                                               \
	"a.id, a.server_id, s.internal_id, a.ord, a.type, a.roblox_user_id, a.message,"       \
	" a.status, a.created_at, a.created_by, a.delivered_at"
static const char SQL_ACT_SERVER_LIVE[] = "SELECT id FROM running_servers"
					  " WHERE workspace_id = ? AND id = ? AND ended_at IS NULL";
/* The next position on the server: UNIQUE (server_id, ord) turns a race into a conflict. */
static const char SQL_ACT_INSERT[] =
	"INSERT INTO queued_actions (id, workspace_id, server_id, ord, type, roblox_user_id,"
	" message, status, created_at, created_by)"
	" VALUES (?, ?, ?, (SELECT COALESCE(MAX(ord), 0) + 1 FROM queued_actions"
	" WHERE server_id = ?), ?, ?, ?, 'pending', ?, ?)";
static const char SQL_ACT_GET[] = "SELECT " ACT_COLS " FROM queued_actions a"
				  " JOIN running_servers s ON s.id = a.server_id"
				  " WHERE a.workspace_id = ? AND a.server_id = ? AND a.id = ?";
#define ACT_WHERE " WHERE a.workspace_id = ? AND a.server_id = ? AND (? IS NULL OR a.status = ?)"
static const char SQL_ACT_LIST[] = "SELECT " ACT_COLS " FROM queued_actions a"
				   " JOIN running_servers s ON s.id = a.server_id" ACT_WHERE
				   " ORDER BY a.ord DESC, a.id DESC LIMIT ? OFFSET ?";
static const char SQL_ACT_COUNT[] = "SELECT COUNT(*) FROM queued_actions a" ACT_WHERE;
static const char SQL_ACT_CANCEL[] = "UPDATE queued_actions SET status = 'cancelled'"
				     " WHERE workspace_id = ? AND server_id = ? AND id = ?"
				     " AND status = 'pending'";
/*
 * At most ACTIONS_TAKE_MAX per sendData, lowest ord first: 40 000 pending actions once passed
 * the response cap, failed the request and rolled back, so the server's sendData failed forever.
 * The outer `status = 'pending'` keeps exactly-once when a concurrent taker got a row first.
 */
#define ACTIONS_TAKE_MAX 100
/* Pending actions a server may hold (docs/tracker.md); dashboard 409, ban kicks skip it. */
#define ACTIONS_PENDING_MAX 1000
static const char SQL_ACT_PENDING[] = "SELECT COUNT(*) FROM queued_actions"
				      " WHERE workspace_id = ? AND server_id = ? AND status = 'pending'";
static const char SQL_ACT_TAKE[] =
	"UPDATE queued_actions SET status = 'delivered', delivered_at = ?"
	" WHERE workspace_id = ? AND server_id = ? AND status = 'pending'"
	" AND id IN (SELECT id FROM queued_actions WHERE workspace_id = ? AND server_id = ?"
	" AND status = 'pending' ORDER BY ord LIMIT ?)"
	" RETURNING id, server_id, ord, type, roblox_user_id, message, status, created_at,"
	" created_by, delivered_at";
static const char SQL_ACT_INTERNAL[] = "SELECT internal_id FROM running_servers"
				       " WHERE workspace_id = ? AND id = ?";
static const char SQL_ACT_EXPIRE[] = "UPDATE queued_actions SET status = 'expired'"
				     " WHERE workspace_id = ? AND server_id = ? AND status = 'pending'";
/* Live servers where the user is in game now (open running-player record). */
static const char SQL_ACT_KICK_SERVERS[] =
	"SELECT DISTINCT p.server_id FROM running_players p"
	" JOIN running_servers s ON s.id = p.server_id AND s.workspace_id = p.workspace_id"
	" WHERE p.workspace_id = ? AND p.roblox_user_id = ? AND s.ended_at IS NULL"
	" ORDER BY p.server_id";

static const char *const TYPES[] = { "kick", "notify", "notifyAll", "shutdown", "slock", "unslock" };
static const char *const STATUSES[] = { "pending", "delivered", "cancelled", "expired" };

static bool
one_of(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

bool
action_type_is_valid(const char *s)
{
	return one_of(s, TYPES, nitems(TYPES));
}

bool
action_type_targets_user(const char *type)
{
	return type != NULL && (strcmp(type, "kick") == 0 || strcmp(type, "notify") == 0);
}

bool
action_status_is_valid(const char *s)
{
	return one_of(s, STATUSES, nitems(STATUSES));
}

static void
action_from_row(const struct rows *rs, size_t i, struct action *a)
{
	a->id = rows_text(rs, i, 0);
	a->server_id = rows_text(rs, i, 1);
	a->internal_id = rows_text(rs, i, 2);
	a->ord = rows_int(rs, i, 3);
	a->type = rows_text(rs, i, 4);
	a->roblox_user_id = rows_text(rs, i, 5);
	a->message = rows_text(rs, i, 6);
	a->status = rows_text(rs, i, 7);
	a->created_at = rows_int(rs, i, 8);
	a->created_by = rows_text(rs, i, 9);
	a->delivered_at = rows_int(rs, i, 10);
}

/* *full when the server already holds ACTIONS_PENDING_MAX pending actions. */
static enum err
server_full(struct ctx *c, const char *ws_id, const char *server_id, bool *full)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(server_id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_ACT_PENDING, args, nitems(args), &rs);

	*full = !err && rows_int(&rs, 0, 0) >= ACTIONS_PENDING_MAX;
	return err;
}

/* Inserts without checking the server: callers have just resolved it as live in ws. */
static enum err
action_insert(struct ctx *c, const char *ws_id, const char *server_id, const char *type,
	      const char *roblox_user_id, const char *message, const char *created_by,
	      const char **id_out)
{
	char id[ID_LEN + 1];

	id_new(c->now, id); /* before args: V_TEXT measures it */
	const struct val args[] = {
		V_TEXT(id),   V_TEXT(ws_id),	      V_TEXT(server_id), V_TEXT(server_id),
		V_TEXT(type), V_TEXT(roblox_user_id), V_TEXT(message ? message : ""),
		V_INT(c->now), V_TEXT(created_by),
	};
	enum err err = store_exec(c->store, SQL_ACT_INSERT, args, nitems(args), NULL);
	if (err)
		return err;
	if (id_out != NULL)
		*id_out = arena_strdup(c->arena, id);
	return ERR_OK;
}

enum err
actions_queue_kicks(struct ctx *c, const char *workspace_id, const char *roblox_user_id,
		    const char *message, const char *created_by, int64_t *count)
{
	const struct val args[] = { V_TEXT(workspace_id), V_TEXT(roblox_user_id) };
	struct rows rs;
	enum err err;

	*count = 0;
	err = store_query(c->store, c->arena, SQL_ACT_KICK_SERVERS, args, nitems(args), &rs);
	if (err)
		return err;
	for (size_t i = 0; i < rs.n; i++) {
		bool full;

		/* A full server is skipped, never the ban (docs/tracker.md). */
		err = server_full(c, workspace_id, rows_text(&rs, i, 0), &full);
		if (!err && !full)
			err = action_insert(c, workspace_id, rows_text(&rs, i, 0), "kick",
					    roblox_user_id, message, created_by, NULL);
		if (err)
			return err;
		*count += !full;
	}
	return ERR_OK;
}

enum err
action_queue(struct ctx *c, const char *ws_id, const char *server_id, const char *type,
	     const char *roblox_user_id, const char *message, const char *created_by,
	     struct action *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(server_id) };
	const char *id;
	bool full;
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_ACT_SERVER_LIVE, args, nitems(args), &rs);

	if (err)
		return err;
	if (rs.n == 0) /* also for another workspace's or an ended server */
		return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource", "server",
				(const char *)NULL);
	err = server_full(c, ws_id, server_id, &full);
	if (!err && full)
		err = fail_set(&c->fail, c->arena, ERR_LIMIT_REACHED, "limit", "1000",
			       (const char *)NULL);
	if (!err)
		err = action_insert(c, ws_id, server_id, type,
				    action_type_targets_user(type) ? roblox_user_id : NULL,
				    message, created_by, &id);
	if (err)
		return err;
	return out != NULL ? action_get(c, ws_id, server_id, id, out) : ERR_OK;
}

enum err
actions_list(struct ctx *c, const char *ws_id, const char *server_id, const char *status,
	     int64_t page, int64_t page_size, struct action **out, size_t *n, int64_t *total)
{
	const struct val args[] = { V_TEXT(ws_id),   V_TEXT(server_id), V_TEXT(status),
				    V_TEXT(status),  V_INT(page_size),	V_INT((page - 1) * page_size) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_ACT_COUNT, args, nitems(args) - 2, &rs);

	if (err)
		return err;
	*total = rows_int(&rs, 0, 0);
	err = store_query(c->store, c->arena, SQL_ACT_LIST, args, nitems(args), &rs);
	if (err)
		return err;
	*n = rs.n;
	*out = arena_alloc(c->arena, (rs.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs.n; i++)
		action_from_row(&rs, i, &(*out)[i]);
	return ERR_OK;
}

enum err
action_get(struct ctx *c, const char *ws_id, const char *server_id, const char *id,
	   struct action *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(server_id), V_TEXT(id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_ACT_GET, args, nitems(args), &rs);

	if (err)
		return err;
	if (rs.n == 0)
		return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource", "action",
				(const char *)NULL);
	action_from_row(&rs, 0, out);
	return ERR_OK;
}

enum err
action_cancel(struct ctx *c, const char *ws_id, const char *server_id, const char *id,
	      struct action *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(server_id), V_TEXT(id) };
	int64_t changed = 0;
	enum err err = action_get(c, ws_id, server_id, id, out);

	if (err)
		return err;
	err = store_exec(c->store, SQL_ACT_CANCEL, args, nitems(args), &changed);
	if (err)
		return err;
	if (changed == 0)
		return ERR_ACTION_NOT_PENDING;
	return action_get(c, ws_id, server_id, id, out);
}

static int
action_cmp_ord(const void *a, const void *b)
{
	const struct action *x = a, *y = b;

	return (x->ord > y->ord) - (x->ord < y->ord);
}

enum err
actions_take(struct ctx *c, const char *ws_id, const char *server_id, struct action **out,
	     size_t *n)
{
	const struct val args[] = { V_INT(c->now),	 V_TEXT(ws_id),	   V_TEXT(server_id),
				    V_TEXT(ws_id),	 V_TEXT(server_id), V_INT(ACTIONS_TAKE_MAX) };
	const struct val iargs[] = { V_TEXT(ws_id), V_TEXT(server_id) };
	const char *internal_id = NULL;
	struct rows rs, ri;
	enum err err;

	*n = 0;
	*out = NULL;
	err = store_query(c->store, c->arena, SQL_ACT_TAKE, args, nitems(args), &rs);
	if (err)
		return err;
	if (rs.n == 0)
		return ERR_OK;
	err = store_query(c->store, c->arena, SQL_ACT_INTERNAL, iargs, nitems(iargs), &ri);
	if (err)
		return err;
	if (ri.n > 0)
		internal_id = rows_text(&ri, 0, 0);
	*out = arena_alloc(c->arena, rs.n * sizeof(**out));
	for (size_t i = 0; i < rs.n; i++) {
		struct action *a = &(*out)[i];

		a->id = rows_text(&rs, i, 0);
		a->server_id = rows_text(&rs, i, 1);
		a->internal_id = internal_id;
		a->ord = rows_int(&rs, i, 2);
		a->type = rows_text(&rs, i, 3);
		a->roblox_user_id = rows_text(&rs, i, 4);
		a->message = rows_text(&rs, i, 5);
		a->status = rows_text(&rs, i, 6);
		a->created_at = rows_int(&rs, i, 7);
		a->created_by = rows_text(&rs, i, 8);
		a->delivered_at = rows_int(&rs, i, 9);
		/*
		 * Counted here, before the caller's COMMIT: sendData writes nothing after this,
		 * so only a failed COMMIT would make the count run ahead (docs/metrics.md).
		 */
		metrics_action_delivered(a->type);
	}
	/* RETURNING has no defined order; creation order is the server's ord. */
	qsort(*out, rs.n, sizeof(**out), action_cmp_ord);
	*n = rs.n;
	return ERR_OK;
}

enum err
actions_expire(struct ctx *c, const char *ws_id, const char *server_id)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(server_id) };

	return store_exec(c->store, SQL_ACT_EXPIRE, args, nitems(args), NULL);
}
