/*
 * ctx.h: what every model function receives: the store connection (inside the request's
 * transaction), the arena, the acting principal, the clock reading and the failure detail.
 * Built by the gate for HTTP requests and by cli/ for commands, so model code never knows
 * which one called it.
 */
#ifndef ROSTER_CTX_H
#define ROSTER_CTX_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/fail.h"
#include "core/id.h"
#include "core/xmalloc.h"
#include "store/store.h"

struct running_server; /* model/tracker.h */

enum actor_type { ACTOR_NONE, ACTOR_USER, ACTOR_SYSTEM, ACTOR_CLI, ACTOR_RANKING_KEY, ACTOR_LOADER_KEY };
enum auth_mode { AUTHM_NONE, AUTHM_SESSION, AUTHM_KEY };

struct actor {
	enum actor_type type;
	enum auth_mode mode;
	char user_id[ID_LEN + 1];
	const char *username;
	const char *email;
	const char *roblox_user_id;
	const char *role_id; /* NULL: no role, level 0 */
	const char *role_name;
	const char *role_color;
	int level;
	bool enforce_whitelist;
	uint64_t perms; /* held(actor): administrator already expanded */
	bool pw_change_required;
	int64_t created_at;
	int64_t last_login_at;
	/* key mode */
	char key_id[ID_LEN + 1];
	unsigned scopes;
	int64_t key_expires_at; /* 0 = never */
	const char *key_allowlist;
	int64_t key_last_used_at;
	/* ReAdmin keys (ranking or loader): the key fixes the workspace */
	char workspace_id[ID_LEN + 1];
	char game_key_id[UUID_LEN + 1];
	bool ranking_enabled, enable_shouting, enable_join_requests, enable_exile;
	const char *allowed_ranks; /* Roblox role ids separated by spaces */
	const char *roblox_actor_id; /* a Roblox user a ReAdmin write names as its actor */
	int64_t game_key_last_used_at;
	/* Running-server routes (readmin-compat.md §1.4): the server `gameId` named, set by the gate. */
	const struct running_server *server;
	/* cookie mode */
	char session_id[ID_LEN + 1];
	char csrf[65];
	int64_t session_created_at;
	int64_t session_last_seen_at;
};

struct ctx {
	struct store *store;
	struct arena *arena;
	struct actor actor;
	const char *request_id; /* NULL outside HTTP */
	const char *ip;         /* client address, NULL outside HTTP */
	int64_t now;            /* clock_now_ms() at the start of the request */
	struct fail fail;
	int audit_n; /* entries written in this transaction (metrics after COMMIT) */
};

/* Records a failure with field detail; returns err for `return ctx_fail(...)`. */
static inline enum err
ctx_fail(struct ctx *c, enum err err, const char *field, const char *reason)
{
	return fail_field(&c->fail, c->arena, err, field, reason);
}

#endif
