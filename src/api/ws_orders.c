/*
 * ws_orders.c: …/orders of platform.md §6.7. Reads need view_workspace; transitions need
 * manage_orders. Game servers create orders (readmin_orders.c); the dashboard reads them and
 * moves them through the same one-statement transitions. The `orders` module toggle gates only
 * the game-side routes.
 */
#include <string.h>

#include "api/api.h"
#include "api/ws_int.h"
#include "core/id.h"
#include "model/orders.h"

static const char ID_REASON[] = "must be a 24-character lowercase hex id";

/* Order {id, number, status, customerRobloxUserId, items, total, preparedBy, placeId,
 * createdAt, updatedAt, log}. */
static void
write_order(struct jw *w, const struct order *o)
{
	jw_obj(w);
	jw_kstr(w, "id", o->id);
	jw_kint(w, "number", o->number);
	jw_kstr(w, "status", o->status);
	jw_kstr(w, "customerRobloxUserId", o->customer_id);
	jw_key(w, "items");
	jw_arr(w);
	for (size_t i = 0; i < o->n_items; i++) {
		jw_obj(w);
		jw_kstr(w, "name", o->items[i].name);
		jw_kint(w, "quantity", o->items[i].quantity);
		if (o->items[i].unit_price >= 0)
			jw_kint(w, "unitPrice", o->items[i].unit_price);
		else
			jw_knull(w, "unitPrice");
		jw_obj_end(w);
	}
	jw_arr_end(w);
	if (o->total >= 0)
		jw_kint(w, "total", o->total);
	else
		jw_knull(w, "total");
	jw_kstr(w, "preparedBy", o->prepared_by);
	jw_kstr(w, "placeId", o->place_id);
	jw_ktime(w, "createdAt", o->created_at);
	jw_ktime(w, "updatedAt", o->updated_at);
	jw_key(w, "log");
	jw_arr(w);
	for (size_t i = 0; i < o->n_log; i++) {
		jw_obj(w);
		jw_kstr(w, "action", o->log[i].event);
		jw_kstr(w, "by", o->log[i].user_id);
		jw_ktime(w, "at", o->log[i].at);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_obj_end(w);
}

static enum err
answer(struct req *r, const struct order *o)
{
	jw_key(&r->w, "order");
	write_order(&r->w, o);
	return ERR_OK;
}

/* The workspace, then path parameter 1 as an order id. */
static enum err
resolve_order_id(struct req *r, struct workspace *ws, const char **id)
{
	enum err err = ws_resolve(r, ws);

	*id = req_param(r, 1);
	if (!err && !id_is_valid(*id))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "orderId", ID_REASON);
	return err;
}

static enum err
orders_list(struct req *r)
{
	const char *status = req_query(r, "status");
	struct workspace ws;
	int64_t page, size, total;
	struct order *v;
	size_t n;
	enum err err = ws_resolve(r, &ws);

	if (err)
		return err;
	req_paging(r, &page, &size);
	err = order_list(&r->ctx, ws.cm.id, status ? status : "all", true, (page - 1) * size, size,
			 &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "orders");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_order(&r->w, &v[i]);
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

static enum err
orders_get(struct req *r)
{
	struct workspace ws;
	struct order o;
	const char *id;
	enum err err = resolve_order_id(r, &ws, &id);

	if (!err)
		err = order_get(&r->ctx, ws.cm.id, id, &o);
	return err ? err : answer(r, &o);
}

/*
 * The acting Roblox user: actorRobloxUserId, else the dashboard user's linked account (the
 * log and preparedBy hold Roblox ids); 400 missing_field when there is neither.
 */
static enum err
transition_actor(struct req *r, const char **actor)
{
	*actor = json_str(r->json, "actorRobloxUserId");
	if (*actor != NULL && !roblox_id_is_valid(*actor))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "actorRobloxUserId",
				"must be a Roblox id");
	if (*actor == NULL)
		*actor = r->ctx.actor.roblox_user_id;
	if (*actor == NULL)
		return ctx_fail(&r->ctx, ERR_MISSING_FIELD, "actorRobloxUserId",
				"required when your account has no linked Roblox user");
	return ERR_OK;
}

static enum err
orders_transition(struct req *r)
{
	enum order_action a;
	struct workspace ws;
	struct order out;
	const char *id, *actor;
	bool replayed;
	enum err err = resolve_order_id(r, &ws, &id);

	if (!err && !order_action_from_api(json_str(r->json, "action"), &a))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "action",
			       "must be claim, release, complete, set_awaiting_pickup,"
			       " hand_to_customer or cancel");
	if (!err)
		err = transition_actor(r, &actor);
	if (!err)
		err = order_transition(&r->ctx, ws.cm.id, id, a, actor, &out, &replayed);
	return err ? err : answer(r, &out);
}

static const struct field transition_fields[] = {
	{ "action", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 32, 0 },
	{ "actorRobloxUserId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 19, 0 },
	{ 0 },
};

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
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "status", Q_ENUM, 0, 0, false, status_values },
	{ 0 },
};

static const struct route ws_orders_routes[] = {
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/orders", .fn = orders_list,
	  WS_ROUTE_READ, .perm = PERM_VIEW_WORKSPACE, .query = list_query,
	  .summary = "Orders, newest first" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/orders/{orderId}", .fn = orders_get,
	  WS_ROUTE_READ, .perm = PERM_VIEW_WORKSPACE, .summary = "One order" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/orders/{orderId}/transitions",
	  .fn = orders_transition, WS_ROUTE_WRITE, .perm = PERM_MANAGE_ORDERS,
	  .body = transition_fields, .summary = "Move an order through its state machine" },
};

ROUTE_TABLE(api_ws_orders_routes, ws_orders_routes);
