/*
 * orders.h: a workspace's orders and their state machine (readmin-compat.md §2 Order, §3.6,
 * §4.13; platform.md §6.7). Every statement is scoped by the workspace id the caller resolved
 * (workspace_get or the loader key), so another workspace's order reads like an unknown one.
 * Each transition is ONE conditional UPDATE on (workspace, id, status in the allowed-from
 * set); when it changes no row the order is re-read to tell 404, a same-actor replay and a
 * 409 apart, so of N concurrent claims exactly one wins on SQLite and PostgreSQL alike.
 * Writes are audited `workspace.order.<verb>`. Results live in the ctx arena.
 * Includers: api/, cli/.
 */
#ifndef ROSTER_ORDERS_H
#define ROSTER_ORDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/ctx.h"
#include "model/workspaces.h"

#define ORDER_ITEMS_MAX 50           /* §3.6 #24: items 1-50 */
#define ORDER_ITEM_NAME_MAX 100      /* name 1-100 */
#define ORDER_QUANTITY_MAX 99        /* quantity integer 1-99 */
#define ORDER_PRODUCT_ID_MAX 64      /* productId <= 64 */
#define ORDER_UNIT_PRICE_MAX 1000000000LL /* unitPrice 0-1e9 */
#define ORDER_NOTE_MAX 500           /* note <= 500 */
#define ORDER_IDEMPOTENCY_MAX 64     /* idempotencyKey 1-64 printable ASCII */
#define ORDER_IDEMPOTENCY_MS (24 * 3600 * 1000LL) /* a key replays for 24 h */
#define ORDER_LIST_MAX 200           /* GET /orders limit 1-200 */
#define ORDER_LIST_DEFAULT 100

/* The six moves of §4.13, in the order of the table. */
enum order_action {
	ORDER_CLAIM,
	ORDER_RELEASE,
	ORDER_COMPLETE,
	ORDER_AWAITING,
	ORDER_HANDED,
	ORDER_CANCEL,
	ORDER_ACTION_COUNT
};

struct order_item {
	const char *product_id; /* NULL: none */
	const char *name;
	int64_t unit_price; /* -1: not priced */
	int64_t quantity;
};

struct order_event {
	const char *event; /* created, or the action's path name */
	const char *user_id;
	int64_t at;
};

struct order {
	const char *id, *workspace_id;
	int64_t number;
	const char *status;
	const char *customer_id, *cashier_id /* NULL */, *prepared_by /* NULL */;
	const char *source; /* register kiosk drive_thru api */
	const char *place_id, *game_id; /* NULL */
	struct order_item *items;
	size_t n_items;
	int64_t total; /* -1: null (an item without a price) */
	const char *note; /* NULL */
	int64_t distribution;
	struct order_event *log;
	size_t n_log;
	const char **involved; /* distinct log users in first-appearance order */
	size_t n_involved;
	int64_t created_at, updated_at, claimed_at, completed_at, finished_at; /* 0: not yet */
};

/* The seven states, active first, NULL-terminated. */
extern const char *const order_statuses[];
bool order_status_is_valid(const char *s);
/* submitted claimed released completed awaiting_customer. */
bool order_status_is_active(const char *s);
/* register kiosk drive_thru api. */
bool order_source_is_valid(const char *s);
/* ReAdmin path suffix (claim release complete cancel setAwaitingPickup setHandedToCustomer). */
const char *order_action_path(enum order_action a);
/* Management API name (claim release complete set_awaiting_pickup hand_to_customer cancel). */
bool order_action_from_api(const char *s, enum order_action *out);
/* Whether §4.13 allows a from `status`. */
bool order_action_allowed(enum order_action a, const char *status);

/* ERR_RESOURCE_NOT_FOUND (resource "order") when ws has no order with this id. */
enum err order_get(struct ctx *c, const char *ws_id, const char *id, struct order *out);
/*
 * Orders of ws with `status` (a state, "active" for the five non-terminal ones, or "all").
 * newest_first false: the oldest `limit` from `offset`, oldest first (the ReAdmin queue);
 * true: newest first (dashboard pages). *total (may be NULL) counts every match.
 */
enum err order_list(struct ctx *c, const char *ws_id, const char *status, bool newest_first,
		    int64_t offset, int64_t limit, struct order **out, size_t *n, int64_t *total);
/* The order made in ws with this idempotency key since `since`, if any: *found tells. */
enum err order_replay(struct ctx *c, const char *ws_id, const char *key, int64_t since,
		      struct order *out, bool *found);
/*
 * A new `submitted` order from in (customer_id, cashier_id, source, place_id, game_id, items,
 * note); number = next of ws's local day in its timezone, distribution = ws's current, total
 * computed, log `created` by cashier or customer. idempotency_key may be NULL. Audited
 * `workspace.order.create`.
 */
enum err order_create(struct ctx *c, const struct workspace *ws, const struct order *in,
		      const char *idempotency_key, struct order *out);
/*
 * Applies action by actor (a Roblox user id) as one conditional UPDATE. On success *out is
 * the order after the move and *replayed false; when the order is already in the target state
 * with its last log entry this action by this actor, *out is it unchanged and *replayed true.
 * Otherwise ERR_INVALID_TRANSITION (details from, action) with *out the current order, or
 * ERR_RESOURCE_NOT_FOUND. Audited `workspace.order.<path name>` on a move.
 */
enum err order_transition(struct ctx *c, const char *ws_id, const char *id, enum order_action a,
			  const char *actor, struct order *out, bool *replayed);

#endif
