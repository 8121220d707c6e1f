/*
 * readmin_common.c: the shared steps of readmin_int.h, so each ReAdmin file states only its
 * own texts.
 */
#include "api/readmin_int.h"
#include "model/workspaces.h"

#include "auth/bucket.h"

enum err
readmin_fail(struct req *r, enum err err, int status, const char *reason)
{
	return fail_readmin(&r->ctx.fail, err, status, reason);
}

enum err
readmin_ignored(struct req *r)
{
	return readmin_fail(r, ERR_PLAYER_IGNORED, 200, "User is GDPR ignored");
}

enum err
readmin_limit(struct req *r, const char *family, int per_minute)
{
	int secs = bucket_take(family, r->ctx.actor.game_key_id, per_minute, r->ctx.now);

	if (secs == 0)
		return ERR_OK;
	readmin_fail(r, ERR_RATE_LIMITED, 429, "Too many requests");
	r->ctx.fail.retry_after = secs;
	return ERR_RATE_LIMITED;
}

enum err
readmin_loader_limit(struct req *r)
{
	return readmin_limit(r, "loader", READMIN_LOADER_PER_MINUTE);
}

enum err
readmin_roblox_fail(struct req *r, enum roblox_result res, int nf_status, const char *not_found)
{
	switch (res) {
	case RBX_OK:
		return ERR_INTERNAL; /* a caller mistake */
	case RBX_NOT_LINKED:
		return readmin_fail(r, ERR_ROBLOX_NOT_LINKED, 400, "Roblox bot not linked.");
	case RBX_KEY_REJECTED:
		/* Roster decision: 400, not 500, so clients do not retry. */
		return readmin_fail(r, ERR_ROBLOX_NOT_LINKED, 400,
				    "Bot is logged out, action has been marked as failed.");
	case RBX_NOT_FOUND:
		if (not_found != NULL)
			return readmin_fail(r, ERR_RESOURCE_NOT_FOUND, nf_status, not_found);
		return readmin_fail(r, ERR_UPSTREAM_REJECTED, 400, "Roblox rejected the request.");
	case RBX_REFUSED:
		return readmin_fail(r, ERR_UPSTREAM_REJECTED, 400, "Roblox rejected the request.");
	case RBX_UNAVAILABLE:
		break;
	}
	readmin_fail(r, ERR_UPSTREAM_UNAVAILABLE, 503, "Roblox API unavailable");
	r->ctx.fail.retry_after = 5;
	return ERR_UPSTREAM_UNAVAILABLE;
}

/* The members of W (§2), written into the object that is open. Constants are Roster's. */
void
readmin_write_w(struct jw *w, const struct workspace *ws, const char *const *staff,
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
