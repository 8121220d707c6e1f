/*
 * api.h: the route tables each api/ file exports. http/router.c joins them in this order;
 * OpenAPI and the metrics route labels are generated from the same rows.
 */
#ifndef ROSTER_API_H
#define ROSTER_API_H

#include <stddef.h>

#include "auth/perm.h"
#include "http/req.h"

struct route_table {
	const struct route *rows;
	size_t n;
};

#define ROUTE_TABLE(name, arr) const struct route_table name = { arr, sizeof(arr) / sizeof(arr[0]) }

extern const struct route_table api_ops_routes;
extern const struct route_table api_auth_routes;
extern const struct route_table api_keys_routes;
extern const struct route_table api_audit_routes;
extern const struct route_table api_admin_roles_routes;
extern const struct route_table api_admin_communities_routes;
extern const struct route_table api_users_routes;
extern const struct route_table api_alts_routes;
extern const struct route_table api_admin_accounts_routes;
extern const struct route_table api_ws_routes;
extern const struct route_table api_ws_members_routes;
extern const struct route_table api_ws_keys_routes;
extern const struct route_table api_readmin_ranking_routes;
extern const struct route_table api_readmin_activity_routes;
extern const struct route_table api_readmin_tracker_routes, api_ws_servers_routes;
extern const struct route_table api_readmin_staff_routes;
extern const struct route_table api_ws_staff_routes;
extern const struct route_table api_readmin_minutes_routes, api_ws_minutes_routes;
extern const struct route_table api_readmin_bans_routes, api_ws_bans_routes;
extern const struct route_table api_readmin_orders_routes, api_ws_orders_routes;
extern const struct route_table api_readmin_sessions_routes, api_ws_sessions_routes;

/* Shared writers for objects several surfaces print (api/writers.c). */
struct user;
void write_user_ref(struct jw *w, const char *id, const char *username);
/* RoleRef {id, name, level, color}, or null when id is NULL. */
void write_role_ref(struct jw *w, const char *id, const char *name, int64_t level,
		    const char *color);
/* UserSummary {id, username, robloxUserId, role, level, status} (never email). */
void write_user_summary(struct jw *w, const struct user *u);
void write_me(struct req *r, struct jw *w);
/* A role group's subroles {id, name, maxUsers, minRank, claimOnce} under `key`: the same
 * objects on the ReAdmin surface ("roles") and on /api/workspaces ("subroles"). */
struct sess_group;
void write_subroles(struct jw *w, const char *key, const struct sess_group *g);
/* The paging members every list answer ends with: page, pageSize, total. */
void write_paging(struct jw *w, int64_t page, int64_t page_size, int64_t total);

#endif
