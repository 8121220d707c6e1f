/*
 * readmin_activity.c: the Workspace routes of readmin-compat.md §3.3 (header `loader-id`).
 * Here: #10 GET /activity/workspace; the leaderboard and minutes routes (#11, #12) are in
 * readmin_minutes.c. The loader key fixes the workspace.
 */
#include "api/api.h"
#include "model/workspaces.h"
#include "api/readmin_int.h"

/* The members of W (§2), written into the object that is open. Constants are Roster's. */
static void
write_w_members(struct jw *w, const struct workspace *ws, const char *const *staff,
		size_t n_staff)
{
	jw_kstr(w, "_id", ws->cm.id);
	jw_kstr(w, "groupId", ws->cm.roblox_group_id ? ws->cm.roblox_group_id : "");
	jw_kstr(w, "groupName", ws->roblox_group_name ? ws->roblox_group_name : ws->cm.name);
	jw_key(w, "owner");
	jw_obj(w);
	jw_kstr(w, "reAdminId", ws->created_by);
	jw_kstr(w, "robloxId", ws->created_by_roblox_id ? ws->created_by_roblox_id : "");
	jw_obj_end(w);
	jw_kint(w, "minSyncRole", ws->min_sync_rank);
	jw_kstr(w, "loaderId", "no-sir");
	jw_kint(w, "currentDistribution", ws->dist_current);
	jw_kstr(w, "distributionPeriod", ws->dist_period);
	jw_kint(w, "distributionDay", ws->dist_weekday);
	jw_kstr(w, "distributionTimezone", ws->timezone);
	jw_kbool(w, "distributionDMs", false);
	jw_key(w, "premium");
	jw_obj(w);
	jw_kbool(w, "is", true);
	jw_kstr(w, "subscriptionId", "");
	jw_kstr(w, "planType", "enterprise");
	jw_key(w, "managedBy");
	jw_obj(w);
	jw_kstr(w, "robloxId", "");
	jw_kstr(w, "customerId", "");
	jw_obj_end(w);
	jw_obj_end(w);
	jw_key(w, "tags");
	jw_arr(w);
	jw_arr_end(w);
	jw_ktime(w, "created", ws->cm.created_at);
	jw_kbool(w, "syncing", false);
	jw_ktime(w, "lastSynced", ws->last_synced_at);
	jw_key(w, "trackedStaff");
	jw_arr(w);
	for (size_t i = 0; i < n_staff; i++)
		jw_str(w, staff[i]);
	jw_arr_end(w);
	jw_kstr(w, "brandColor", ws->brand_color);
	jw_kint(w, "overrideRoleMaximumSize", 0);
	jw_key(w, "banStatus");
	jw_obj(w);
	jw_kbool(w, "is", false);
	jw_kstr(w, "reason", "");
	jw_kstr(w, "bannedBy", "");
	jw_obj_end(w);
	jw_key(w, "privacySettings");
	jw_obj(w);
	jw_kbool(w, "trackStaffOnly", ws->track_staff_only);
	jw_kbool(w, "requireConsent", ws->require_consent);
	jw_obj_end(w);
	jw_key(w, "enabledModules");
	jw_obj(w);
	jw_kbool(w, "orders", ws->module_orders);
	jw_obj_end(w);
	jw_kbool(w, "enableModerationDashboard", ws->module_moderation);
	jw_kint(w, "afkTime", ws->afk_timeout_seconds);
}

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
	write_w_members(&r->w, &ws, staff, n);
	jw_obj_end(&r->w);
	write_w_members(&r->w, &ws, staff, n);
	return ERR_OK;
}

static const struct route readmin_activity_routes[] = {
	{ .method = M_GET, .path = "/activity/workspace", .fn = activity_workspace,
	  .surface = SURF_READMIN, .auth = AUTH_LOADER, .perm = PERM_NONE,
	  .limit = readmin_loader_limit, .summary = "The loader key's workspace (ReAdmin #10)" },
};

ROUTE_TABLE(api_readmin_activity_routes, readmin_activity_routes);
