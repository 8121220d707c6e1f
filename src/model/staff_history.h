/*
 * staff_history.h: a workspace's staff-history items (readmin-compat.md §2 HistoryItem, §3.2,
 * §4.14; platform.md §6.4). Every statement is scoped by the workspace id the caller resolved
 * (workspace_get or the loader key), so another workspace's item reads like an unknown one.
 * Only local records: routes that re-rank on Roblox do so first, then store here.
 * Writes are audited `workspace.staffHistory.<verb>`. Results live in the ctx arena.
 * Includers: api/, cli/.
 */
#ifndef ROSTER_STAFF_HISTORY_H
#define ROSTER_STAFF_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/ctx.h"

#define STAFF_REASON_MAX 1000     /* §3.2 #9, platform.md §6.4: 1-1000 code points */
#define STAFF_EXPIRES_DAYS_MAX 3650 /* 0 < expiresInDays <= 3650 */
#define STAFF_READMIN_MAX 10000   /* §3.2 #8: at most the newest 10 000 items */
#define STAFF_REPLAY_MS 60000     /* §3.2 #9: an identical body within 60 s is a replay */

struct staff_entry {
	const char *id;
	const char *type;           /* promotion demotion writeup suspension termination */
	const char *roblox_user_id; /* the subject */
	const char *actor_roblox_id;
	const char *reason;
	bool notify;
	const char *rank_from; /* role id, "0" when unknown */
	const char *rank_to;   /* role id, or NULL: no rank change */
	bool pending;
	const char *approved_by; /* NULL: not approved through the dashboard */
	const char *visibility;  /* public reasonHidden hidden */
	int64_t distribution;
	int64_t expires_at; /* 0: never */
	int64_t ended_at;   /* 0: not ended */
	const char *ended_by;
	const char *end_reason;
	int64_t created_at;
	const char *created_by; /* Roster user id or "loaderKey:<id>" */
};

struct staff_filter {
	const char *user_id; /* robloxUserId, or NULL */
	const char *type;    /* or NULL */
	const char *state;   /* pending | active | ended, or NULL */
};

/* A type of §3.2 #9 (demotion included, Roster decision). */
bool staff_type_is_valid(const char *s);
/* public | reasonHidden | hidden. */
bool staff_visibility_is_valid(const char *s);

/*
 * The ReAdmin list (#8): ws's items without `hidden` ones, the newest STAFF_READMIN_MAX,
 * returned oldest first (created, id); user_id NULL for all subjects.
 */
enum err staff_history_recent(struct ctx *c, const char *ws_id, const char *user_id,
			      struct staff_entry **out, size_t *n);
/* A page of ws's items newest first (created, id); *total before paging. */
enum err staff_history_list(struct ctx *c, const char *ws_id, const struct staff_filter *f,
			    int64_t page, int64_t page_size, struct staff_entry **out, size_t *n,
			    int64_t *total);
/* ERR_RESOURCE_NOT_FOUND (resource "staffHistory") when ws has no such item. */
enum err staff_history_get(struct ctx *c, const char *ws_id, const char *id,
			   struct staff_entry *out);
/*
 * The item a body with this hash made in ws since `since` (epoch ms), if any: *found tells.
 * The 60-second replay rule of §3.2 #9.
 */
enum err staff_history_replay(struct ctx *c, const char *ws_id, const char *body_hash,
			      int64_t since, struct staff_entry *out, bool *found);
/*
 * Stores a new item from e (id, created_at, created_by and distribution, the workspace's
 * current one, are filled here); body_hash may be NULL. Audited `workspace.staffHistory.create`.
 */
enum err staff_history_create(struct ctx *c, const char *ws_id, const struct staff_entry *e,
			      const char *body_hash, struct staff_entry *out);
/* Pending -> approved; 409 invalid_transition when not pending or already ended. */
enum err staff_history_approve(struct ctx *c, const char *ws_id, const char *id,
			       const char *approved_by, struct staff_entry *out);
/* Ends an item; 409 invalid_transition when already ended. reason may be NULL. */
enum err staff_history_end(struct ctx *c, const char *ws_id, const char *id, const char *ended_by,
			   const char *reason, struct staff_entry *out);
/* Deletes an item; *out is the item as it was. */
enum err staff_history_delete(struct ctx *c, const char *ws_id, const char *id,
			      struct staff_entry *out);

#endif
