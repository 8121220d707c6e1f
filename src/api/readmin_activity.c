/*
 * readmin_activity.c: the Workspace routes of readmin-compat.md §3.3 (header `loader-id`).
 * Here: #10 GET /activity/workspace; the leaderboard and minutes routes (#11, #12) are in
 * readmin_minutes.c. The loader key fixes the workspace.
 */
#include "api/api.h"
#include "model/workspaces.h"
#include "api/readmin_int.h"

/* #10: W wrapped under `workspace` and mirrored at top level (Roster decision). */
static enum err
activity_workspace(struct req *r)
{
	struct workspace ws;
	const char **staff;
	size_t n;
	enum err err = workspace_of_key(&r->ctx, &ws);

	if (!err)
		err = workspace_staff_ids(&r->ctx, &ws, &staff, &n);
	if (err)
		return err;
	jw_key(&r->w, "workspace");
	jw_obj(&r->w);
	readmin_write_w(&r->w, &ws, staff, n);
	jw_obj_end(&r->w);
	readmin_write_w(&r->w, &ws, staff, n);
	return ERR_OK;
}

static const struct route readmin_activity_routes[] = {
	{ .method = M_GET, .path = "/activity/workspace", .fn = activity_workspace,
	  .surface = SURF_READMIN, .auth = AUTH_LOADER, .perm = PERM_NONE,
	  .limit = readmin_loader_limit, .summary = "The loader key's workspace (ReAdmin #10)" },
};

ROUTE_TABLE(api_readmin_activity_routes, readmin_activity_routes);
