/*
 * actions.h: queued actions for running game servers (readmin-compat.md §2 QueuedAction, §3.7
 * #36, §4.10; platform.md §6.5). Created by the dashboard and by bans, handed to the game server
 * by sendData exactly once and in creation order, cancellable while pending, expired when the
 * server ends. Every statement names the workspace id. Tracker traffic (delivery, expiry) is not
 * audited (§1.7); dashboard create and cancel are, `workspace.action.<verb>`.
 * Results live in the ctx arena. Includers: api/, model/ (bans, tracker), cli/.
 */
#ifndef ROSTER_ACTIONS_H
#define ROSTER_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/ctx.h"

#define ACTION_MESSAGE_MAX 200 /* §4.10: message <= 200 */

struct action {
	const char *id;
	const char *server_id;   /* runningGameId */
	const char *internal_id; /* the server's RA-GAMES-… id */
	int64_t ord;
	const char *type;           /* kick notify notifyAll shutdown slock unslock */
	const char *roblox_user_id; /* kick and notify only, else NULL */
	const char *message;
	const char *status; /* pending delivered cancelled expired */
	int64_t created_at;
	const char *created_by;
	int64_t delivered_at; /* 0: not delivered */
};

/* One of the six types. */
bool action_type_is_valid(const char *s);
/* kick and notify name a user; the others act on the whole server. */
bool action_type_targets_user(const char *type);
/* pending delivered cancelled expired. */
bool action_status_is_valid(const char *s);

/*
 * Queues one `kick` with `message` on every live running server of the workspace where the user has an
 * open running-player record, in the caller's transaction; *count = kicks queued. created_by is the actor
 * label stored as createdBy (e.g. "loaderKey:<id>" or a Roster user id).
 */
enum err actions_queue_kicks(struct ctx *c, const char *workspace_id, const char *roblox_user_id,
			     const char *message, const char *created_by, int64_t *count);

/*
 * Queues one action on server_id, which must be a live server of ws (else
 * ERR_RESOURCE_NOT_FOUND "server"). Not audited: callers audit (dashboard) or not (tracker).
 */
enum err action_queue(struct ctx *c, const char *ws_id, const char *server_id, const char *type,
		      const char *roblox_user_id, const char *message, const char *created_by,
		      struct action *out);
/* A page of the server's actions, newest first (ord desc); status NULL for all. */
enum err actions_list(struct ctx *c, const char *ws_id, const char *server_id, const char *status,
		      int64_t page, int64_t page_size, struct action **out, size_t *n,
		      int64_t *total);
/* ERR_RESOURCE_NOT_FOUND ("action") when ws's server has no such action. */
enum err action_get(struct ctx *c, const char *ws_id, const char *server_id, const char *id,
		    struct action *out);
/* pending -> cancelled; ERR_ACTION_NOT_PENDING otherwise. *out is the post-update action. */
enum err action_cancel(struct ctx *c, const char *ws_id, const char *server_id, const char *id,
		       struct action *out);
/*
 * Marks the oldest pending actions of the server (at most 100) delivered at c->now and
 * returns them in creation order. One conditional UPDATE: two concurrent callers can never both take the same action
 * (SQLite serialises writers; on PostgreSQL the row lock makes the second UPDATE skip it).
 */
enum err actions_take(struct ctx *c, const char *ws_id, const char *server_id, struct action **out,
		      size_t *n);
/* pending -> expired for the server (it ended). */
enum err actions_expire(struct ctx *c, const char *ws_id, const char *server_id);

#endif
