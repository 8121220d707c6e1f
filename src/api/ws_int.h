/*
 * ws_int.h: what the /api/workspaces files share (api/ws*.c only): resolving the {wsId}
 * path parameter to a workspace the actor may moderate (platform.md §6).
 */
#ifndef ROSTER_WS_INT_H
#define ROSTER_WS_INT_H

#include "auth/perm.h"
#include "http/req.h"
#include "model/members.h"
#include "model/workspaces.h"
#include "roblox/roblox.h"

/*
 * Path parameter 0 as a workspace: 400 invalid_field (wsId) when malformed, 404
 * community_not_found when unknown or not moderatable by the actor.
 */
enum err ws_resolve(struct req *r, struct workspace *ws);

/* The route-row fields every /api/workspaces read and write shares (platform.md §6). */
#define WS_ROUTE_READ                                                                          \
	.surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_WORKSPACES_READ
#define WS_ROUTE_WRITE                                                                         \
	.surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_WORKSPACES_WRITE,  \
	.writes = true

/* What a route that calls Roblox reads before its slow step (api/ws_roblox.c). */
struct rbx_step {
	struct workspace ws;
	struct ws_rank *ranks; /* by rank desc */
	size_t n;
	struct roblox rb;
};

/* platform.md §6.2's answers for a Roblox outcome. */
enum err rbx_fail(struct req *r, const struct rbx_step *k, enum roblox_result res);
/*
 * The read step: workspace (moderation rule), Open Cloud key, the bot cookie when bot, the
 * local ranks and, when member is not NULL, the member record of path parameter 1 (404
 * resource_not_found without one). Leaves no transaction open.
 */
enum err rbx_load(struct req *r, struct rbx_step *k, bool bot, struct ws_member *member);
/*
 * After the Roblox call, inside the write transaction the gate commits: the credential is
 * still live, the actor still holds perm and may still moderate the workspace.
 */
enum err rbx_recheck(struct req *r, struct rbx_step *k, enum perm perm);

#endif
