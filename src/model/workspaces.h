/*
 * workspaces.h: workspace settings (platform.md §6.1). A workspace is a community: same row,
 * same id, same moderation rule, so a workspace the actor may not moderate reads exactly like
 * a missing one (ERR_COMMUNITY_NOT_FOUND). The Open Cloud key and bot cookie are sealed with
 * the instance key and only ever read back as "set" flags. Operations run in the caller's
 * transaction and write one audit entry `workspace.workspace.<verb>` per change. Results live
 * in the ctx arena. Includers: api/, cli/ and other model files.
 */
#ifndef ROSTER_WORKSPACES_H
#define ROSTER_WORKSPACES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/communities.h"
#include "model/ctx.h"

/* platform.md §6.1 limits. */
#define WS_MIN_SYNC_RANK_MIN 1
#define WS_MIN_SYNC_RANK_MAX 255
#define WS_AFK_MIN 10
#define WS_AFK_MAX 3600
#define WS_SECRET_MAX 4096 /* robloxOpenCloudKey, robloxBotCookie: code points */
#define WS_SEARCH_MAX 100
#define WS_TIMEZONE_MAX 64

struct workspace {
	struct community cm; /* id, name, iconUrl, isDefault, robloxGroupId, allow-lists, times */
	const char *roblox_group_name; /* NULL until rank sync fills it */
	int min_sync_rank;
	const char *brand_color;
	const char *timezone;
	const char *dist_period; /* manual | weekly | biweekly | monthly */
	int dist_weekday;        /* 0 = Sunday */
	const char *dist_time;   /* "HH:MM" in timezone */
	int64_t dist_current;
	bool track_staff_only, require_consent;
	int afk_timeout_seconds;
	bool module_orders, module_moderation;
	bool open_cloud_key_set, bot_cookie_set;
	int64_t last_synced_at; /* 0: never */
	const char *created_by; /* Roster user id, NULL for rows made before workspaces */
	const char *created_by_roblox_id; /* that user's Roblox id, or NULL */
};

/* Every setting with a *_set flag; unset settings keep their value (or default on create). */
struct workspace_input {
	const char *name;
	const char *icon_url;
	const char *roblox_group_id;
	const char *brand_color;
	const char *timezone;
	const char *dist_period;
	const char *dist_time;
	const char *open_cloud_key; /* plaintext; NULL clears */
	const char *bot_cookie;     /* plaintext; NULL clears */
	int min_sync_rank, dist_weekday, afk_timeout_seconds;
	bool track_staff_only, require_consent, module_orders, module_moderation;
	bool name_set, icon_set, group_set, brand_set, tz_set, period_set, time_set, ock_set,
		cookie_set, min_sync_set, weekday_set, afk_set, track_set, consent_set, orders_set,
		moderation_set;
};

/* --- pure rules ------------------------------------------------------------------------------- */

/* One of the twelve brand colours of §6.1. */
bool workspace_color_is_valid(const char *s);
/* A distribution period of §6.1. */
bool workspace_period_is_valid(const char *s);
/* "HH:MM", 00:00-23:59. */
bool workspace_time_is_valid(const char *s);
/*
 * An IANA zone the system tz database knows: a safe relative name (letters, digits, '_', '-',
 * '+', '/'; no empty or dot segment) naming a TZif file under /usr/share/zoneinfo.
 */
bool workspace_timezone_is_valid(const char *s);
/* Staff (readmin-compat.md §4.2): rank >= minSyncRank, and never rank 0. */
bool workspace_rank_is_staff(const struct workspace *ws, int rank);

/* --- reads ------------------------------------------------------------------------------------ */

/*
 * Workspaces the actor may moderate, default first, then by name; `search` (or NULL) matches
 * a name substring ASCII case-insensitively. *total counts every match before paging.
 */
enum err workspace_list(struct ctx *c, const char *search, int64_t page, int64_t page_size,
			struct workspace **out, size_t *n, int64_t *total);
/* One workspace the actor may moderate; ERR_COMMUNITY_NOT_FOUND otherwise. */
enum err workspace_get(struct ctx *c, const char *id, struct workspace *out);
/*
 * The workspace a ReAdmin key fixed (c->actor.workspace_id); no moderation rule, since the
 * key is the workspace's own credential. ERR_UNAUTHENTICATED if it vanished meanwhile.
 */
enum err workspace_of_key(struct ctx *c, struct workspace *out);
/* Roblox ids of members whose rank is staff in ws, by rank desc then id. */
enum err workspace_staff_ids(struct ctx *c, const struct workspace *ws, const char ***ids,
			     size_t *n);
/*
 * The stored Open Cloud key, opened with the instance key into the arena; NULL when none.
 * For the Roblox adapter (roblox/roblox.h); never written to a response.
 */
enum err workspace_open_cloud_key(struct ctx *c, const char *id, const char **key);
/* The stored bot-account cookie (exile, shout posting), opened likewise; NULL when none. */
enum err workspace_bot_cookie(struct ctx *c, const char *id, const char **cookie);

/* --- writes ----------------------------------------------------------------------------------- */

/*
 * POST /api/workspaces: a community (A9 rules) whose allowedUserIds is [caller], then the
 * settings; 409 name_taken / group_taken.
 */
enum err workspace_create(struct ctx *c, const struct workspace_input *in, struct workspace *out);
/* PATCH: 404 community_not_found, 409 name_taken / group_taken; no change writes nothing. */
enum err workspace_update(struct ctx *c, const char *id, const struct workspace_input *in,
			  struct workspace *out);
/* DELETE: the rules and 409s of A11 (community_delete); *out is the workspace as it was. */
enum err workspace_delete(struct ctx *c, const char *id, struct workspace *out);

#endif
