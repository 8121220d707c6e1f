/*
 * bans.h: a workspace's game bans (readmin-compat.md §2 Ban, §3.5, §4.10; platform.md §6.7,
 * §11). Every statement is scoped by the workspace id the caller resolved (workspace_get or
 * the loader key), so another workspace's ban reads like an unknown one. At most one ban per
 * user is active; a ban whose expiry has passed no longer counts as active even before the
 * expiry job switches it off, and nothing ever switches a ban back on. Writes are audited
 * `workspace.ban.<verb>`. Results live in the ctx arena. Includers: api/, cli/, model/.
 */
#ifndef ROSTER_BANS_H
#define ROSTER_BANS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/ctx.h"

#define BAN_REASON_MAX 1000           /* §3.5 #20, platform.md §6.7: reason 1-1000 code points */
#define BAN_EXPIRES_DAYS_MAX 36500    /* §3.5 #20: 0 < expiresInDays <= 36 500 */
#define BAN_READMIN_MAX 10000         /* §3.5 #19: at most the newest 10 000 bans */
#define BAN_REPLAY_MS 60000           /* §3.5 #20: an identical body within 60 s is a replay */
#define BAN_KICK_MESSAGE_MAX 200      /* §3.5 #20: longer reasons kick with the fixed text */
#define BAN_KICK_MESSAGE "You are banned from this game."
#define BAN_EVIDENCE_MAX 10           /* platform.md §6.7: evidence[] <= 10 URLs */

struct ban {
	const char *id, *workspace_id, *roblox_user_id, *reason, *banned_by;
	bool active; /* stored active and not past expires_at at c->now */
	int64_t expires_at /* 0 = permanent */, created_at, lifted_at /* 0 = not lifted */;
	const char *lifted_by; /* Roster user id or "loaderKey:<id>"; NULL when not lifted */
	const char *evidence;  /* JSON array text, "[]" when none */
	const char *created_by; /* Roster user id or "loaderKey:<id>" */
	const char *created_by_username; /* when created_by is a Roster user, else NULL */
	int64_t updated_at;
};

/* Filter for the lists: NULL user for all users; active -1 any, 0 inactive, 1 active. */
struct ban_filter {
	const char *roblox_user_id;
	int active;
};

/* The user's active ban in the workspace at c->now (active and expires_at 0, or > c->now). */
enum err ban_active(struct ctx *c, const char *workspace_id, const char *roblox_user_id,
		    struct ban *out, bool *found);

/* ERR_RESOURCE_NOT_FOUND (resource "ban") when ws has no ban with this id. */
enum err ban_get(struct ctx *c, const char *workspace_id, const char *id, struct ban *out);
/*
 * The ban a lift by Roblox user id means (§3.5 #21): the user's active ban, else their latest;
 * ERR_RESOURCE_NOT_FOUND when they have none in ws.
 */
enum err ban_get_for_user(struct ctx *c, const char *workspace_id, const char *roblox_user_id,
			  struct ban *out);
/* The ReAdmin list (#19): the newest BAN_READMIN_MAX matching f, returned oldest first. */
enum err ban_recent(struct ctx *c, const char *workspace_id, const struct ban_filter *f,
		    struct ban **out, size_t *n);
/* A page of ws's bans matching f, newest first (created, id); *total before paging. */
enum err ban_list(struct ctx *c, const char *workspace_id, const struct ban_filter *f,
		  int64_t page, int64_t page_size, struct ban **out, size_t *n, int64_t *total);
/*
 * The ban a body with this hash made in ws since `since` (epoch ms), if any: *found tells.
 * The 60-second replay rule of §3.5 #20.
 */
enum err ban_replay(struct ctx *c, const char *workspace_id, const char *body_hash,
		    int64_t since, struct ban *out, bool *found);
/*
 * Stores a new active ban from in (roblox_user_id, reason, banned_by, expires_at, evidence;
 * id, times and created_by are filled here); body_hash may be NULL. When the user already has
 * an active ban: ERR_ALREADY_BANNED with that ban in *out. Audited `workspace.ban.create`.
 * Kicks are the caller's (actions_queue_kicks), in the same transaction.
 */
enum err ban_create(struct ctx *c, const char *workspace_id, const struct ban *in,
		    const char *body_hash, struct ban *out);
/*
 * Lifts a ban (soft delete): active false, lifted_at now, lifted_by the ctx actor
 * ("loaderKey:<id>" or the Roster user id). A ban already lifted or
 * expired is answered unchanged with *changed false. Audited `workspace.ban.lift` on change.
 */
enum err ban_lift(struct ctx *c, const char *workspace_id, const char *id, struct ban *out,
		  bool *changed);
/*
 * Changes an active ban's reason (NULL: keep) and expiry (set_expiry: to expires_at, 0 =
 * permanent); 409 invalid_transition when the ban is not active. Audited `workspace.ban.update`.
 */
enum err ban_update(struct ctx *c, const char *workspace_id, const char *id, const char *reason,
		    bool set_expiry, int64_t expires_at, struct ban *out);
/* The kick message for a ban reason (§3.5 #20): the reason if <= 200 code points. */
const char *ban_kick_message(const char *reason);
/*
 * The expiry job (§4.10, platform.md §11): active = 0 where expires_at <= now, in every
 * workspace; never the reverse. The signature of a jobs.c row; logs how many it switched off.
 */
enum err bans_expire(struct ctx *c);

#endif
