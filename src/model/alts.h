/*
 * alts.h: identity signals and suspected-alt clusters (staff-admin.md §6). Review only:
 * nothing here changes, flags or notifies an account.
 */
#ifndef ROSTER_ALTS_H
#define ROSTER_ALTS_H

#include "model/ctx.h"

/* Records the sign-in's address and device id for user_id (called after a good password). */
enum err signals_record(struct ctx *c, const char *user_id, const char *ip, const char *device);

struct alt_stats {
	int64_t cluster_count;
	int64_t accounts_linked;
	int64_t accounts_considered;
	int64_t signals_considered;
	int64_t hub_signals_ignored;
	int hub_threshold;
	int window_days;
	int64_t computed_at;
	int64_t duration_ms;
};

/*
 * Takes the rebuild lease (10 minutes, one holder across nodes) in the caller's write
 * transaction; ERR_ALTS_REBUILD_RUNNING when another holds it.
 */
enum err alts_lease_take(struct ctx *c, const char *holder);
enum err alts_lease_release(struct ctx *c, const char *holder);

struct alt_result;
/* Union-find over the signals of the window, in a read transaction; the result lives in c's arena. */
enum err alts_compute(struct ctx *c, int window_days, int hub_threshold, struct alt_result **out,
		      struct alt_stats *stats);
/* Replaces the stored clusters with res, in a write transaction. */
enum err alts_store(struct ctx *c, struct alt_result *res, const struct alt_stats *stats);

/* The stored stats; *have false before the first rebuild. */
enum err alts_stats_get(struct ctx *c, struct alt_stats *out, bool *have);
/*
 * A page of stored clusters (page_size 0 = all): cluster rows id, size, computed_at.
 * Members and signals of one cluster come from the two calls after it.
 */
enum err alts_list(struct ctx *c, int64_t page, int64_t page_size, struct rows *out,
		   int64_t *total);
/* id, username, roblox_user_id, role_id, role_name, role_level, role_color, status, last_login_at */
enum err alts_members(struct ctx *c, const char *cluster_id, struct rows *out);
/* type, ref, accounts, first_seen_at, last_seen_at */
enum err alts_signals(struct ctx *c, const char *cluster_id, struct rows *out);

#endif
