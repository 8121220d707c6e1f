/*
 * readmin_orders.c: the order routes of readmin-compat.md §3.6 (header `loader-id`): #22
 * GET /orders/authenticate, #23 GET /orders, #24 POST /orders and #25-#30 PUT
 * /orders/{orderId}/<action>. The loader key fixes the workspace; all but #22 need the
 * workspace's `orders` module. Checks run in §1.5's order: fields (400), module (403),
 * lookups (404), state (409). A transition is one conditional UPDATE in the model; its 409
 * carries the current `status` beside `reason`, so it is written here, not by the envelope.
 */
#include <string.h>

#include "api/api.h"
#include "core/id.h"
#include "core/utf8.h"
#include "model/orders.h"
#include "model/workspaces.h"
#include "api/readmin_int.h"

#define ROBLOX_ID_MAX 9007199254740991LL /* §1.3: integers 1 ... 2^53-1 */

/* --- output ---------------------------------------------------------------------------------- */

/* Order of §2, Roblox ids as strings. */
static void
write_order(struct jw *w, const struct workspace *ws, const struct order *o)
{
	jw_obj(w);
	jw_kstr(w, "_id", o->id);
	jw_kstr(w, "groupId", ws->cm.roblox_group_id ? ws->cm.roblox_group_id : "");
	jw_kint(w, "orderNumber", o->number);
	jw_kstr(w, "status", o->status);
	jw_kstr(w, "customerId", o->customer_id);
	jw_kstr(w, "cashierId", o->cashier_id);
	jw_kstr(w, "preparedBy", o->prepared_by);
	jw_kstr(w, "source", o->source);
	jw_kstr(w, "placeId", o->place_id);
	jw_kstr(w, "gameId", o->game_id);
	jw_key(w, "items");
	jw_arr(w);
	for (size_t i = 0; i < o->n_items; i++) {
		jw_obj(w);
		jw_kstr(w, "productId", o->items[i].product_id);
		jw_kstr(w, "name", o->items[i].name);
		if (o->items[i].unit_price >= 0)
			jw_kint(w, "unitPrice", o->items[i].unit_price);
		else
			jw_knull(w, "unitPrice");
		jw_kint(w, "quantity", o->items[i].quantity);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (o->total >= 0)
		jw_kint(w, "total", o->total);
	else
		jw_knull(w, "total");
	jw_kstr(w, "note", o->note);
	jw_kint(w, "distribution", o->distribution);
	jw_key(w, "log");
	jw_arr(w);
	for (size_t i = 0; i < o->n_log; i++) {
		jw_obj(w);
		jw_kstr(w, "event", o->log[i].event);
		jw_kstr(w, "userId", o->log[i].user_id);
		jw_ktime(w, "date", o->log[i].at);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_key(w, "involvedUsers");
	jw_arr(w);
	for (size_t i = 0; i < o->n_involved; i++)
		jw_str(w, o->involved[i]);
	jw_arr_end(w);
	jw_ktime(w, "created", o->created_at);
	jw_ktime(w, "lastModified", o->updated_at);
	jw_ktime(w, "claimed", o->claimed_at);
	jw_ktime(w, "completed", o->completed_at);
	jw_ktime(w, "finished", o->finished_at);
	jw_obj_end(w);
}

static enum err
answer_order(struct req *r, const struct workspace *ws, const struct order *o)
{
	jw_key(&r->w, "order");
	write_order(&r->w, ws, o);
	return ERR_OK;
}

/* The key's workspace with its `orders` module on; else 403 (§3.6). */
static enum err
orders_workspace(struct req *r, struct workspace *ws)
{
	enum err err = workspace_of_key(&r->ctx, ws);

	if (!err && !ws->module_orders)
		return readmin_fail(r, ERR_FORBIDDEN, 403,
				    "Orders module is not enabled for this workspace.");
	return err;
}

/* --- #22 GET /orders/authenticate, #23 GET /orders ------------------------------------------ */

static enum err
orders_authenticate(struct req *r)
{
	struct workspace ws;
	enum err err = workspace_of_key(&r->ctx, &ws);

	if (err)
		return err;
	jw_kbool(&r->w, "authenticated", true);
	jw_kstr(&r->w, "groupId", ws.cm.roblox_group_id ? ws.cm.roblox_group_id : "");
	jw_kstr(&r->w, "groupName", ws.roblox_group_name ? ws.roblox_group_name : ws.cm.name);
	jw_key(&r->w, "orders");
	jw_obj(&r->w);
	jw_kbool(&r->w, "enabled", ws.module_orders);
	jw_obj_end(&r->w);
	jw_key(&r->w, "statuses");
	jw_arr(&r->w);
	for (size_t i = 0; order_statuses[i] != NULL; i++)
		jw_str(&r->w, order_statuses[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

static enum err
orders_list(struct req *r)
{
	const char *status = req_query(r, "status");
	int64_t limit = req_query_int(r, "limit", ORDER_LIST_DEFAULT);
	struct workspace ws;
	struct order *v;
	size_t n;
	enum err err = orders_workspace(r, &ws);

	if (!err)
		err = order_list(&r->ctx, ws.cm.id, status ? status : "active", false, 0, limit, &v,
				 &n, NULL);
	if (err)
		return err;
	jw_key(&r->w, "orders");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_order(&r->w, &ws, &v[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

/* --- #24 POST /orders ------------------------------------------------------------------------ */

static enum err
invalid(struct req *r, const char *field)
{
	return readmin_fail(r, ERR_INVALID_FIELD, 400, arena_printf(r->arena, "Invalid %s", field));
}

/* §1.3: a Roblox id as a string or an integer 1 ... 2^53-1, normalised to decimal text. */
static const char *
body_roblox_id(struct req *r, const struct json *v)
{
	const char *s = json_as_str(v);
	int64_t i;

	if (s != NULL)
		return roblox_id_is_valid(s) ? s : NULL;
	if (json_as_int(v, &i) && i >= 1 && i <= ROBLOX_ID_MAX)
		return arena_printf(r->arena, "%lld", (long long)i);
	return NULL;
}

/* An optional id member: absent or null leaves *out NULL; false when malformed. */
static bool
opt_roblox_id(struct req *r, const char *k, const char **out)
{
	*out = NULL;
	if (!json_has(r->json, k) || json_is_null(r->json, k))
		return true;
	*out = body_roblox_id(r, json_get(r->json, k));
	return *out != NULL;
}

static bool
text_ok(const char *s, size_t min, size_t max)
{
	const char *why;

	return s != NULL && text_check(s, strlen(s), TEXT_FREE, min, max, &why);
}

/* One item {name, quantity, productId?, unitPrice?}; false when anything is off. */
static bool
item_parse(struct req *r, const struct json *v, struct order_item *it)
{
	const struct json *p;
	int64_t q;

	if (!json_is_object(v))
		return false;
	it->name = json_str(v, "name");
	if (!text_ok(it->name, 1, ORDER_ITEM_NAME_MAX))
		return false;
	if (!json_as_int(json_get(v, "quantity"), &q) || q < 1 || q > ORDER_QUANTITY_MAX)
		return false;
	it->quantity = q;
	it->product_id = NULL;
	p = json_get(v, "productId");
	if (p != NULL && !json_is_null(v, "productId")) {
		if (json_as_int(p, &q))
			it->product_id = arena_printf(r->arena, "%lld", (long long)q);
		else
			it->product_id = json_as_str(p);
		if (!text_ok(it->product_id, 1, ORDER_PRODUCT_ID_MAX))
			return false;
	}
	it->unit_price = -1;
	p = json_get(v, "unitPrice");
	if (p != NULL && !json_is_null(v, "unitPrice")) {
		if (!json_as_int(p, &q) || q < 0 || q > ORDER_UNIT_PRICE_MAX)
			return false;
		it->unit_price = q;
	}
	return true;
}

static enum err
items_parse(struct req *r, struct order *in)
{
	const struct json *a = json_get(r->json, "items");
	size_t n = a ? json_array_len(a) : 0;

	/* json_array_len is 0 for anything but an array: empty and non-arrays are both invalid. */
	if (n < 1 || n > ORDER_ITEMS_MAX)
		return invalid(r, "items");
	in->items = arena_alloc(r->arena, n * sizeof(*in->items));
	in->n_items = n;
	for (size_t i = 0; i < n; i++)
		if (!item_parse(r, json_array_at(a, i), &in->items[i]))
			return invalid(r, "items");
	return ERR_OK;
}

/* idempotencyKey: 1-64 printable ASCII. */
static bool
idem_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > ORDER_IDEMPOTENCY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < ' ' || s[i] > '~')
			return false;
	return true;
}

/* Field validation (§1.5 step 10): Missing in order, then each value. */
static enum err
create_parse(struct req *r, struct order *in, const char **idem)
{
	static const char *const required[] = { "customerId", "items" };
	const struct json *o = r->json;
	enum err err;

	for (size_t i = 0; i < nitems(required); i++)
		if (!json_has(o, required[i]) || json_is_null(o, required[i]))
			return readmin_fail(r, ERR_MISSING_FIELD, 400,
					    arena_printf(r->arena, "Missing %s", required[i]));
	in->customer_id = body_roblox_id(r, json_get(o, "customerId"));
	if (in->customer_id == NULL)
		return invalid(r, "customerId");
	err = items_parse(r, in);
	if (err)
		return err;
	if (!opt_roblox_id(r, "cashierId", &in->cashier_id))
		return invalid(r, "cashierId");
	if (!opt_roblox_id(r, "placeId", &in->place_id))
		return invalid(r, "placeId");
	if (!opt_roblox_id(r, "gameId", &in->game_id))
		return invalid(r, "gameId");
	in->source = "api";
	if (json_has(o, "source") && !json_is_null(o, "source")) {
		in->source = json_str(o, "source");
		if (!order_source_is_valid(in->source))
			return invalid(r, "source");
	}
	in->note = NULL;
	if (json_has(o, "note") && !json_is_null(o, "note")) {
		in->note = json_str(o, "note");
		if (!text_ok(in->note, 0, ORDER_NOTE_MAX))
			return invalid(r, "note");
	}
	*idem = NULL;
	if (json_has(o, "idempotencyKey") && !json_is_null(o, "idempotencyKey")) {
		*idem = json_str(o, "idempotencyKey");
		if (!idem_ok(*idem))
			return invalid(r, "idempotencyKey");
	}
	return ERR_OK;
}

static enum err
orders_create(struct req *r)
{
	struct ctx *c = &r->ctx;
	struct order in = { 0 }, out;
	struct workspace ws;
	const char *idem = NULL;
	bool found = false;
	enum err err = create_parse(r, &in, &idem);

	if (!err)
		err = orders_workspace(r, &ws);
	/* §3.6 #24: the same idempotencyKey within 24 h answers the original order. */
	if (!err && idem != NULL)
		err = order_replay(c, ws.cm.id, idem, c->now - ORDER_IDEMPOTENCY_MS, &out, &found);
	if (err)
		return err;
	if (!found) {
		c->actor.roblox_actor_id = in.cashier_id ? in.cashier_id : in.customer_id;
		err = order_create(c, &ws, &in, idem, &out);
		if (err)
			return err;
	}
	return answer_order(r, &ws, &out);
}

/* --- #25-#30 PUT /orders/{orderId}/<action> ------------------------------------------------- */

/* §3.6: 409 {success:false, reason:"Cannot <action> an order that is <status>.", status}. */
static enum err
bad_transition(struct req *r, enum order_action a, const struct order *cur)
{
	const char *reason = arena_printf(r->arena, "Cannot %s an order that is %s.",
					  order_action_path(a), cur->status);

	buf_reset(&r->out);
	jw_init(&r->w, &r->out);
	jw_obj(&r->w);
	jw_kbool(&r->w, "success", false);
	jw_kstr(&r->w, "reason", reason);
	jw_kstr(&r->w, "status", cur->status);
	jw_obj_end(&r->w);
	r->raw = true;
	r->status = 409;
	r->content_type = "application/json; charset=utf-8";
	return ERR_OK; /* nothing was written: the conditional UPDATE changed no row */
}

static enum err
orders_move(struct req *r, enum order_action a)
{
	const char *id = req_param(r, 0);
	const char *actor;
	struct workspace ws;
	struct order out;
	bool replayed;
	enum err err;

	if (!id_is_valid(id))
		return readmin_fail(r, ERR_INVALID_PARAMETER, 400, "Invalid orderId");
	if (!json_has(r->json, "actorId") || json_is_null(r->json, "actorId"))
		return readmin_fail(r, ERR_MISSING_FIELD, 400, "Missing actorId");
	actor = body_roblox_id(r, json_get(r->json, "actorId"));
	if (actor == NULL)
		return invalid(r, "actorId");
	err = orders_workspace(r, &ws);
	if (err)
		return err;
	r->ctx.actor.roblox_actor_id = actor; /* audited with the key (§1.7) */
	err = order_transition(&r->ctx, ws.cm.id, id, a, actor, &out, &replayed);
	if (err == ERR_RESOURCE_NOT_FOUND)
		return readmin_fail(r, err, 404, "Order not found");
	if (err == ERR_INVALID_TRANSITION)
		return bad_transition(r, a, &out);
	if (err)
		return err;
	return answer_order(r, &ws, &out);
}

static enum err
orders_claim(struct req *r)
{
	return orders_move(r, ORDER_CLAIM);
}

static enum err
orders_release(struct req *r)
{
	return orders_move(r, ORDER_RELEASE);
}

static enum err
orders_complete(struct req *r)
{
	return orders_move(r, ORDER_COMPLETE);
}

static enum err
orders_cancel(struct req *r)
{
	return orders_move(r, ORDER_CANCEL);
}

static enum err
orders_awaiting(struct req *r)
{
	return orders_move(r, ORDER_AWAITING);
}

static enum err
orders_handed(struct req *r)
{
	return orders_move(r, ORDER_HANDED);
}

static const char *const status_values[] = { "submitted",
					     "claimed",
					     "released",
					     "completed",
					     "awaiting_customer",
					     "handed_to_customer",
					     "cancelled",
					     "active",
					     "all",
					     NULL };

static const struct qfield list_query[] = {
	{ "status", Q_ENUM, 0, 0, false, status_values },
	{ "limit", Q_INT, 1, ORDER_LIST_MAX, false, NULL },
	{ 0 },
};

#define ORDER_ROUTE .surface = SURF_READMIN, .auth = AUTH_LOADER, .perm = PERM_NONE,            \
		    .limit = readmin_loader_limit
#define ORDER_MOVE(p, f, s)                                                                   \
	{ .method = M_PUT, .path = "/orders/{orderId}/" p, .fn = f, ORDER_ROUTE, .writes = true,   \
	  .summary = s }

static const struct route readmin_orders_routes[] = {
	{ .method = M_GET, .path = "/orders/authenticate", .fn = orders_authenticate, ORDER_ROUTE,
	  .summary = "The workspace and whether its orders module is on (ReAdmin #22)" },
	{ .method = M_GET, .path = "/orders", .fn = orders_list, ORDER_ROUTE, .query = list_query,
	  .summary = "Orders, oldest first; active by default (ReAdmin #23)" },
	{ .method = M_POST, .path = "/orders", .fn = orders_create, ORDER_ROUTE, .writes = true,
	  .summary = "Create an order (ReAdmin #24)" },
	ORDER_MOVE("claim", orders_claim, "Claim an order (ReAdmin #25)"),
	ORDER_MOVE("release", orders_release, "Release a claimed order (ReAdmin #26)"),
	ORDER_MOVE("complete", orders_complete, "Complete an order (ReAdmin #27)"),
	ORDER_MOVE("cancel", orders_cancel, "Cancel an order (ReAdmin #28)"),
	ORDER_MOVE("setAwaitingPickup", orders_awaiting,
		   "Mark an order awaiting pickup (ReAdmin #29)"),
	ORDER_MOVE("setHandedToCustomer", orders_handed,
		   "Mark an order handed to the customer (ReAdmin #30)"),
};

ROUTE_TABLE(api_readmin_orders_routes, readmin_orders_routes);
