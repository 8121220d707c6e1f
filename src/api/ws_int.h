/*
 * ws_int.h: what the /api/workspaces files share (api/ws*.c only): resolving the {wsId}
 * path parameter to a workspace the actor may moderate (platform.md §6).
 */
#ifndef ROSTER_WS_INT_H
#define ROSTER_WS_INT_H

#include "http/req.h"
#include "model/workspaces.h"

/*
 * Path parameter 0 as a workspace: 400 invalid_field (wsId) when malformed, 404
 * community_not_found when unknown or not moderatable by the actor.
 */
enum err ws_resolve(struct req *r, struct workspace *ws);

#endif
