/*
 * orders.c: orders of a workspace; see orders.h. Every statement names the caller's
 * workspace id. A transition never reads before it writes: the conditional UPDATE decides,
 * and only a miss is re-read to word the answer.
 */
#include "model/orders.h"

#include <stdio.h>
#include <string.h>

#include "core/tz.h"
#include "model/audit.h"
#include "model/snapshot.h"

#define ORD_COLS                                                                               \
	"id, workspace_id, number, status, customer_id, cashier_id, prepared_by, source,"      \
	" place_id, game_id, total, note, distribution, created_at, updated_at, claimed_at,"  \
	" completed_at, finished_at"
#define ORD_ACTIVE "('submitted', 'claimed', 'released', 'completed', 'awaiting_customer')"

static const char SQL_ORD_GET[] = "SELECT " ORD_COLS " FROM orders"
				  " WHERE workspace_id = ? AND id = ?";
static const char SQL_ORD_ITEMS[] = "SELECT product_id, name, unit_price, quantity"
				    " FROM order_items WHERE workspace_id = ? AND order_id = ?"
				    " ORDER BY position";
static const char SQL_ORD_LOG[] = "SELECT event, user_id, at FROM order_log"
				  " WHERE workspace_id = ? AND order_id = ? ORDER BY seq";
/* status: a state, 'active' or 'all'; bound three times. */
#define ORD_WHERE                                                                              \
	" WHERE workspace_id = ? AND (? = 'all' OR (? = 'active' AND status IN " ORD_ACTIVE  \
	") OR status = ?)"
static const char SQL_ORD_OLDEST[] = "SELECT " ORD_COLS " FROM orders" ORD_WHERE
				     " ORDER BY created_at, id LIMIT ? OFFSET ?";
static const char SQL_ORD_NEWEST[] = "SELECT " ORD_COLS " FROM orders" ORD_WHERE
				     " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
static const char SQL_ORD_COUNT[] = "SELECT COUNT(*) FROM orders" ORD_WHERE;
static const char SQL_ORD_REPLAY[] = "SELECT " ORD_COLS " FROM orders"
				     " WHERE workspace_id = ? AND idempotency_key = ?"
				     " AND created_at >= ?"
				     " ORDER BY created_at DESC, id DESC LIMIT 1";
/*
 * The day's next number: one upsert takes the counter row (and its lock) in the create's
 * write transaction, so two creates never take one number, on SQLite or PostgreSQL.
 */
static const char SQL_ORD_BUMP[] = "INSERT INTO order_counters (workspace_id, local_day, last)"
				   " VALUES (?, ?, 1) ON CONFLICT (workspace_id, local_day)"
				   " DO UPDATE SET last = order_counters.last + 1";
static const char SQL_ORD_NEXT[] = "SELECT last FROM order_counters"
				   " WHERE workspace_id = ? AND local_day = ?";
static const char SQL_ORD_INSERT[] =
	"INSERT INTO orders (workspace_id, id, local_day, number, status, customer_id,"
	" cashier_id, source, place_id, game_id, total, note, distribution, idempotency_key,"
	" created_at, updated_at)"
	" VALUES (?, ?, ?, ?, 'submitted', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_ORD_ITEM_INSERT[] =
	"INSERT INTO order_items (workspace_id, order_id, position, product_id, name,"
	" unit_price, quantity) VALUES (?, ?, ?, ?, ?, ?, ?)";
/*
 * The next log position is read after the move's UPDATE (or the order's INSERT), which holds
 * the order's row, so no other writer appends to the same log in between.
 */
static const char SQL_ORD_LOG_NEXT[] = "SELECT COALESCE(MAX(seq), 0) + 1 FROM order_log"
				       " WHERE workspace_id = ? AND order_id = ?";
static const char SQL_ORD_LOG_INSERT[] =
	"INSERT INTO order_log (workspace_id, order_id, seq, event, user_id, at)"
	" VALUES (?, ?, ?, ?, ?, ?)";

/*
 * §4.13, one row per action: the conditional UPDATE names the allowed-from set itself.
 * Parameters: the actor when `actor`, then `nnow` times now, then workspace id and order id.
 */
static const struct {
	const char *path, *api, *to;
	const char *const from[6];
	bool actor;
	int nnow;
	const char *sql;
} ACTIONS[ORDER_ACTION_COUNT] = {
	[ORDER_CLAIM] = { "claim", "claim", "claimed", { "submitted", "released" }, true, 2,
			  "UPDATE orders SET status = 'claimed', prepared_by = ?, claimed_at = ?,"
			  " updated_at = ? WHERE workspace_id = ? AND id = ?"
			  " AND status IN ('submitted', 'released')" },
	[ORDER_RELEASE] = { "release", "release", "released", { "claimed" }, false, 1,
			    "UPDATE orders SET status = 'released', prepared_by = NULL,"
			    " updated_at = ? WHERE workspace_id = ? AND id = ?"
			    " AND status = 'claimed'" },
	[ORDER_COMPLETE] = { "complete", "complete", "completed",
			     { "submitted", "claimed", "released" }, false, 2,
			     "UPDATE orders SET status = 'completed', completed_at = ?,"
			     " updated_at = ? WHERE workspace_id = ? AND id = ?"
			     " AND status IN ('submitted', 'claimed', 'released')" },
	[ORDER_AWAITING] = { "setAwaitingPickup", "set_awaiting_pickup", "awaiting_customer",
			     { "claimed", "completed" }, false, 1,
			     "UPDATE orders SET status = 'awaiting_customer', updated_at = ?"
			     " WHERE workspace_id = ? AND id = ?"
			     " AND status IN ('claimed', 'completed')" },
	[ORDER_HANDED] = { "setHandedToCustomer", "hand_to_customer", "handed_to_customer",
			   { "submitted", "claimed", "released", "completed", "awaiting_customer" },
			   false, 2,
			   "UPDATE orders SET status = 'handed_to_customer', finished_at = ?,"
			   " updated_at = ? WHERE workspace_id = ? AND id = ?"
			   " AND status IN " ORD_ACTIVE },
	[ORDER_CANCEL] = { "cancel", "cancel", "cancelled",
			   { "submitted", "claimed", "released", "completed", "awaiting_customer" },
			   false, 2,
			   "UPDATE orders SET status = 'cancelled', finished_at = ?,"
			   " updated_at = ? WHERE workspace_id = ? AND id = ?"
			   " AND status IN " ORD_ACTIVE },
};

const char *const order_statuses[] = { "submitted", "claimed", "released", "completed",
				       "awaiting_customer", "handed_to_customer", "cancelled",
				       NULL };
static const char *const SOURCES[] = { "register", "kiosk", "drive_thru", "api", NULL };

static bool
in_list(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; s != NULL && i < n && v[i] != NULL; i++)
		if (strcmp(s, v[i]) == 0)
			return true;
	return false;
}

bool
order_status_is_valid(const char *s)
{
	return in_list(s, order_statuses, 7);
}

bool
order_status_is_active(const char *s)
{
	return in_list(s, order_statuses, 5);
}

bool
order_source_is_valid(const char *s)
{
	return in_list(s, SOURCES, 4);
}

const char *
order_action_path(enum order_action a)
{
	return ACTIONS[a].path;
}

bool
order_action_from_api(const char *s, enum order_action *out)
{
	for (int a = 0; s != NULL && a < ORDER_ACTION_COUNT; a++)
		if (strcmp(s, ACTIONS[a].api) == 0) {
			*out = (enum order_action)a;
			return true;
		}
	return false;
}

bool
order_action_allowed(enum order_action a, const char *status)
{
	return in_list(status, ACTIONS[a].from, nitems(ACTIONS[a].from));
}

/* --- reads ----------------------------------------------------------------------------------- */

static void
order_from_row(const struct rows *rs, size_t i, struct order *o)
{
	memset(o, 0, sizeof(*o));
	o->id = rows_text(rs, i, 0);
	o->workspace_id = rows_text(rs, i, 1);
	o->number = rows_int(rs, i, 2);
	o->status = rows_text(rs, i, 3);
	o->customer_id = rows_text(rs, i, 4);
	o->cashier_id = rows_text(rs, i, 5);
	o->prepared_by = rows_text(rs, i, 6);
	o->source = rows_text(rs, i, 7);
	o->place_id = rows_text(rs, i, 8);
	o->game_id = rows_text(rs, i, 9);
	o->total = rows_null(rs, i, 10) ? -1 : rows_int(rs, i, 10);
	o->note = rows_text(rs, i, 11);
	o->distribution = rows_int(rs, i, 12);
	o->created_at = rows_int(rs, i, 13);
	o->updated_at = rows_int(rs, i, 14);
	o->claimed_at = rows_int(rs, i, 15);
	o->completed_at = rows_int(rs, i, 16);
	o->finished_at = rows_int(rs, i, 17);
}

/* Items, log and involvedUsers of an order read from its row. */
static enum err
order_fill(struct ctx *c, struct order *o)
{
	const struct val args[] = { V_TEXT(o->workspace_id), V_TEXT(o->id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_ORD_ITEMS, args, 2, &rs);

	if (err)
		return err;
	o->n_items = rs.n;
	o->items = arena_alloc(c->arena, (rs.n + 1) * sizeof(*o->items));
	for (size_t i = 0; i < rs.n; i++) {
		o->items[i].product_id = rows_text(&rs, i, 0);
		o->items[i].name = rows_text(&rs, i, 1);
		o->items[i].unit_price = rows_null(&rs, i, 2) ? -1 : rows_int(&rs, i, 2);
		o->items[i].quantity = rows_int(&rs, i, 3);
	}
	err = store_query(c->store, c->arena, SQL_ORD_LOG, args, 2, &rs);
	if (err)
		return err;
	o->n_log = rs.n;
	o->log = arena_alloc(c->arena, (rs.n + 1) * sizeof(*o->log));
	o->involved = arena_alloc(c->arena, (rs.n + 1) * sizeof(*o->involved));
	o->n_involved = 0;
	for (size_t i = 0; i < rs.n; i++) {
		o->log[i].event = rows_text(&rs, i, 0);
		o->log[i].user_id = rows_text(&rs, i, 1);
		o->log[i].at = rows_int(&rs, i, 2);
		if (!in_list(o->log[i].user_id, o->involved, o->n_involved))
			o->involved[o->n_involved++] = o->log[i].user_id;
	}
	return ERR_OK;
}

enum err
order_get(struct ctx *c, const char *ws_id, const char *id, struct order *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_ORD_GET, args, nitems(args), &rs);

	if (err)
		return err;
	if (rs.n == 0) /* also for another workspace's id */
		return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource", "order",
				(const char *)NULL);
	order_from_row(&rs, 0, out);
	return order_fill(c, out);
}

enum err
order_list(struct ctx *c, const char *ws_id, const char *status, bool newest_first,
	   int64_t offset, int64_t limit, struct order **out, size_t *n, int64_t *total)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(status), V_TEXT(status), V_TEXT(status),
				    V_INT(limit), V_INT(offset) };
	struct rows rs;
	enum err err;

	if (total != NULL) {
		err = store_query(c->store, c->arena, SQL_ORD_COUNT, args, 4, &rs);
		if (err)
			return err;
		*total = rows_int(&rs, 0, 0);
	}
	err = store_query(c->store, c->arena, newest_first ? SQL_ORD_NEWEST : SQL_ORD_OLDEST, args,
			  nitems(args), &rs);
	if (err)
		return err;
	*n = rs.n;
	*out = arena_alloc(c->arena, (rs.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs.n && !err; i++) {
		order_from_row(&rs, i, &(*out)[i]);
		err = order_fill(c, &(*out)[i]);
	}
	return err;
}

enum err
order_replay(struct ctx *c, const char *ws_id, const char *key, int64_t since, struct order *out,
	     bool *found)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(key), V_INT(since) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_ORD_REPLAY, args, nitems(args), &rs);

	*found = false;
	if (err || rs.n == 0)
		return err;
	*found = true;
	order_from_row(&rs, 0, out);
	return order_fill(c, out);
}

/* --- writes ---------------------------------------------------------------------------------- */

static const char *
order_snap(struct arena *a, const struct order *o)
{
	struct snap s;

	snap_begin(&s, a);
	snap_int(&s, "number", o->number);
	snap_str(&s, "status", o->status);
	snap_str(&s, "customerId", o->customer_id);
	snap_str(&s, "preparedBy", o->prepared_by);
	return snap_end(&s);
}

/* "YYYY-MM-DD" of now in ws's timezone; UTC when it has none the tz database knows. */
static const char *
local_day(struct ctx *c, const struct workspace *ws)
{
	const struct tz *z = ws->timezone ? tz_get(ws->timezone) : NULL;
	struct tz_civil t = { 0 };
	int y, m, d;

	if (z == NULL)
		z = tz_get("UTC");
	if (z != NULL) {
		tz_to_local(z, c->now, &t);
		return arena_printf(c->arena, "%04d-%02d-%02d", t.year, t.month, t.day);
	}
	tz_civil_from_days(c->now / 86400000, &y, &m, &d);
	return arena_printf(c->arena, "%04d-%02d-%02d", y, m, d);
}

static enum err
log_add(struct ctx *c, const char *ws_id, const char *id, const char *event, const char *user)
{
	const struct val key[] = { V_TEXT(ws_id), V_TEXT(id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_ORD_LOG_NEXT, key, 2, &rs);

	if (err)
		return err;
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(id),	  V_INT(rows_int(&rs, 0, 0)),
				    V_TEXT(event), V_TEXT(user), V_INT(c->now) };
	return store_exec(c->store, SQL_ORD_LOG_INSERT, args, nitems(args), NULL);
}

static enum err
items_add(struct ctx *c, const char *ws_id, const struct order *o)
{
	enum err err = ERR_OK;

	for (size_t i = 0; i < o->n_items && !err; i++) {
		const struct order_item *it = &o->items[i];
		const struct val args[] = {
			V_TEXT(ws_id),
			V_TEXT(o->id),
			V_INT(i),
			V_TEXT(it->product_id),
			V_TEXT(it->name),
			it->unit_price >= 0 ? V_INT(it->unit_price) : V_NULL,
			V_INT(it->quantity),
		};
		err = store_exec(c->store, SQL_ORD_ITEM_INSERT, args, nitems(args), NULL);
	}
	return err;
}

enum err
order_create(struct ctx *c, const struct workspace *ws, const struct order *in,
	     const char *idempotency_key, struct order *out)
{
	const char *day = local_day(c, ws);
	const struct val next_args[] = { V_TEXT(ws->cm.id), V_TEXT(day) };
	char id[ID_LEN + 1];
	struct rows rs;
	enum err err = store_exec(c->store, SQL_ORD_BUMP, next_args, 2, NULL);

	if (!err)
		err = store_query(c->store, c->arena, SQL_ORD_NEXT, next_args, 2, &rs);
	if (err)
		return err;
	id_new(c->now, id);
	*out = *in;
	out->id = arena_strdup(c->arena, id);
	out->workspace_id = ws->cm.id;
	out->number = rows_int(&rs, 0, 0);
	out->status = "submitted";
	out->prepared_by = NULL;
	out->distribution = ws->dist_current;
	out->total = 0;
	for (size_t i = 0; i < in->n_items && out->total >= 0; i++)
		out->total = in->items[i].unit_price < 0
				     ? -1
				     : out->total + in->items[i].unit_price * in->items[i].quantity;
	out->created_at = out->updated_at = c->now;
	out->claimed_at = out->completed_at = out->finished_at = 0;
	const struct val args[] = {
		V_TEXT(ws->cm.id),	   V_TEXT(out->id),	    V_TEXT(day),
		V_INT(out->number),	   V_TEXT(out->customer_id), V_TEXT(out->cashier_id),
		V_TEXT(out->source),	   V_TEXT(out->place_id),    V_TEXT(out->game_id),
		out->total >= 0 ? V_INT(out->total) : V_NULL,
		V_TEXT(out->note),	   V_INT(out->distribution), V_TEXT(idempotency_key),
		V_INT(c->now),		   V_INT(c->now),
	};
	err = store_exec(c->store, SQL_ORD_INSERT, args, nitems(args), NULL);
	if (!err)
		err = items_add(c, ws->cm.id, out);
	if (!err)
		err = log_add(c, ws->cm.id, out->id, "created",
			      out->cashier_id ? out->cashier_id : out->customer_id);
	if (!err)
		err = order_fill(c, out);
	if (err)
		return err;
	return audit_write(c, "workspace.order.create", "order", out->id, ws->cm.id, NULL,
			   order_snap(c->arena, out));
}

/* After a miss: the same move by the same actor already made is a replay, else 409. */
static enum err
transition_miss(struct ctx *c, const char *ws_id, const char *id, enum order_action a,
		const char *actor, struct order *out, bool *replayed)
{
	const struct order_event *last;
	enum err err = order_get(c, ws_id, id, out);

	if (err)
		return err;
	last = out->n_log ? &out->log[out->n_log - 1] : NULL;
	if (strcmp(out->status, ACTIONS[a].to) == 0 && last != NULL &&
	    strcmp(last->event, ACTIONS[a].path) == 0 && strcmp(last->user_id, actor) == 0) {
		*replayed = true;
		return ERR_OK;
	}
	return fail_set(&c->fail, c->arena, ERR_INVALID_TRANSITION, "from", out->status, "action",
			ACTIONS[a].path, (const char *)NULL);
}

enum err
order_transition(struct ctx *c, const char *ws_id, const char *id, enum order_action a,
		 const char *actor, struct order *out, bool *replayed)
{
	struct val args[5];
	size_t n = 0;
	int64_t changed = 0;
	enum err err;

	*replayed = false;
	if (ACTIONS[a].actor)
		args[n++] = V_TEXT(actor);
	for (int i = 0; i < ACTIONS[a].nnow; i++)
		args[n++] = V_INT(c->now);
	args[n++] = V_TEXT(ws_id);
	args[n++] = V_TEXT(id);
	err = store_exec(c->store, ACTIONS[a].sql, args, n, &changed);
	if (err)
		return err;
	if (changed == 0)
		return transition_miss(c, ws_id, id, a, actor, out, replayed);
	err = log_add(c, ws_id, id, ACTIONS[a].path, actor);
	if (!err)
		err = order_get(c, ws_id, id, out);
	if (err)
		return err;
	/* Not read before the UPDATE (that would reopen the race); the action names the move. */
	return audit_write(c, arena_printf(c->arena, "workspace.order.%s", ACTIONS[a].path),
			   "order", id, ws_id, NULL, order_snap(c->arena, out));
}
