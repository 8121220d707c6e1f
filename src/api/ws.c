/*
 * ws.c: /api/workspaces and /api/workspaces/{wsId} (platform.md §6.1). The gate has done
 * authentication, scope, CSRF, the route permission and the field tables below; handlers
 * check what needs no stored data (enums, zones, times, Roblox ids), call
 * model/workspaces.c and write the Workspace object. The Open Cloud key and bot cookie are
 * write-only: only their *Set flags ever leave.
 */
#include <string.h>

#include "api/api.h"
#include "api/ws_int.h"
#include "auth/perm.h"
#include "core/id.h"
#include "model/workspaces.h"

static const char ID_REASON[] = "must be a 24-character lowercase hex id";

enum err
ws_resolve(struct req *r, struct workspace *ws)
{
	const char *id = req_param(r, 0);

	if (!id_is_valid(id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "wsId", ID_REASON);
	return workspace_get(&r->ctx, id, ws);
}

static void
write_workspace(struct jw *w, const struct workspace *ws)
{
	jw_obj(w);
	jw_kstr(w, "id", ws->cm.id);
	jw_kstr(w, "name", ws->cm.name);
	jw_kstr(w, "iconUrl", ws->cm.icon_url);
	jw_kbool(w, "isDefault", ws->cm.is_default);
	jw_kstr(w, "robloxGroupId", ws->cm.roblox_group_id);
	jw_kstr(w, "robloxGroupName", ws->roblox_group_name);
	jw_kint(w, "minSyncRank", ws->min_sync_rank);
	jw_kstr(w, "brandColor", ws->brand_color);
	jw_kstr(w, "timezone", ws->timezone);
	jw_key(w, "distribution");
	jw_obj(w);
	jw_kstr(w, "period", ws->dist_period);
	jw_kint(w, "weekday", ws->dist_weekday);
	jw_kstr(w, "time", ws->dist_time);
	jw_kint(w, "current", ws->dist_current);
	jw_obj_end(w);
	jw_key(w, "privacy");
	jw_obj(w);
	jw_kbool(w, "trackStaffOnly", ws->track_staff_only);
	jw_kbool(w, "requireConsent", ws->require_consent);
	jw_obj_end(w);
	jw_kint(w, "afkTimeoutSeconds", ws->afk_timeout_seconds);
	jw_key(w, "modules");
	jw_obj(w);
	jw_kbool(w, "orders", ws->module_orders);
	jw_kbool(w, "moderation", ws->module_moderation);
	jw_obj_end(w);
	jw_kbool(w, "robloxOpenCloudKeySet", ws->open_cloud_key_set);
	jw_kbool(w, "robloxBotCookieSet", ws->bot_cookie_set);
	jw_kstr(w, "createdBy", ws->created_by);
	jw_ktime(w, "createdAt", ws->cm.created_at);
	jw_ktime(w, "updatedAt", ws->cm.updated_at);
	jw_obj_end(w);
}

static enum err
answer(struct req *r, const struct workspace *ws)
{
	jw_key(&r->w, "workspace");
	write_workspace(&r->w, ws);
	return ERR_OK;
}

static const struct field distribution_fields[] = {
	{ "period", FT_STRING, 0, TEXT_NAME, 1, 16, 0 },
	{ "weekday", FT_INT, 0, TEXT_NAME, 0, 6, 0 },
	{ "time", FT_STRING, 0, TEXT_NAME, 5, 5, 0 },
	{ 0 },
};

static const struct field flag_pair_privacy[] = {
	{ "trackStaffOnly", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },
	{ "requireConsent", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },
	{ 0 },
};

static const struct field flag_pair_modules[] = {
	{ "orders", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },
	{ "moderation", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },
	{ 0 },
};

/* A nested settings object checked against its table; fields are named "<obj>.<member>". */
static enum err
input_nested(struct req *r, const char *name, const struct field *fields,
	     const struct json **out)
{
	struct fail f = { 0 };
	enum err err;

	*out = json_get(r->json, name);
	if (*out == NULL)
		return ERR_OK;
	err = json_check(*out, fields, true, r->arena, &f);
	if (err)
		return fail_set(&r->ctx.fail, r->arena, err, "field",
				arena_printf(r->arena, "%s.%s", name, f.field ? f.field : "?"),
				(const char *)NULL);
	return ERR_OK;
}

static enum err
input_distribution(struct req *r, struct workspace_input *in)
{
	const struct json *d;
	enum err err = input_nested(r, "distribution", distribution_fields, &d);

	if (err || d == NULL)
		return err;
	in->dist_period = json_str(d, "period");
	in->period_set = in->dist_period != NULL;
	if (in->period_set && !workspace_period_is_valid(in->dist_period))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "distribution.period",
				"must be manual, weekly, biweekly or monthly");
	in->weekday_set = json_has(d, "weekday");
	in->dist_weekday = (int)json_int(d, "weekday", 0);
	in->dist_time = json_str(d, "time");
	in->time_set = in->dist_time != NULL;
	if (in->time_set && !workspace_time_is_valid(in->dist_time))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "distribution.time",
				"must be HH:MM, 00:00-23:59");
	return ERR_OK;
}

static enum err
input_flags(struct req *r, struct workspace_input *in)
{
	const struct json *p, *m;
	enum err err = input_nested(r, "privacy", flag_pair_privacy, &p);

	if (!err)
		err = input_nested(r, "modules", flag_pair_modules, &m);
	if (err)
		return err;
	in->track_set = p && json_has(p, "trackStaffOnly");
	in->track_staff_only = p && json_bool(p, "trackStaffOnly", false);
	in->consent_set = p && json_has(p, "requireConsent");
	in->require_consent = p && json_bool(p, "requireConsent", false);
	in->orders_set = m && json_has(m, "orders");
	in->module_orders = m && json_bool(m, "orders", false);
	in->moderation_set = m && json_has(m, "moderation");
	in->module_moderation = m && json_bool(m, "moderation", false);
	return ERR_OK;
}

/* Every setting of §6.1 that POST and PATCH share. */
static enum err
input_settings(struct req *r, struct workspace_input *in)
{
	const struct json *j = r->json;
	const char *reason;
	struct ctx *c = &r->ctx;
	enum err err;

	in->name_set = json_has(j, "name");
	in->name = json_str(j, "name");
	in->icon_set = json_has(j, "iconUrl");
	in->icon_url = json_str(j, "iconUrl");
	if (in->icon_url != NULL && !community_icon_is_valid(in->icon_url, &reason))
		return ctx_fail(c, ERR_INVALID_FIELD, "iconUrl", reason);
	in->group_set = json_has(j, "robloxGroupId");
	in->roblox_group_id = json_str(j, "robloxGroupId");
	if (in->roblox_group_id != NULL && !roblox_id_is_valid(in->roblox_group_id))
		return ctx_fail(c, ERR_INVALID_FIELD, "robloxGroupId", "must be a Roblox id");
	in->min_sync_set = json_has(j, "minSyncRank");
	in->min_sync_rank = (int)json_int(j, "minSyncRank", 1);
	in->brand_color = json_str(j, "brandColor");
	in->brand_set = in->brand_color != NULL;
	if (in->brand_set && !workspace_color_is_valid(in->brand_color))
		return ctx_fail(c, ERR_INVALID_FIELD, "brandColor", "is not one of the brand colours");
	in->timezone = json_str(j, "timezone");
	in->tz_set = in->timezone != NULL;
	if (in->tz_set && !workspace_timezone_is_valid(in->timezone))
		return ctx_fail(c, ERR_INVALID_FIELD, "timezone", "is not a known IANA time zone");
	in->afk_set = json_has(j, "afkTimeoutSeconds");
	in->afk_timeout_seconds = (int)json_int(j, "afkTimeoutSeconds", 45);
	in->ock_set = json_has(j, "robloxOpenCloudKey");
	in->open_cloud_key = json_str(j, "robloxOpenCloudKey");
	in->cookie_set = json_has(j, "robloxBotCookie");
	in->bot_cookie = json_str(j, "robloxBotCookie");
	err = input_distribution(r, in);
	return err ? err : input_flags(r, in);
}

static enum err
ws_list(struct req *r)
{
	const char *search = req_query(r, "search");
	struct workspace *v;
	int64_t page, size, total;
	size_t n;
	enum err err;

	req_paging(r, &page, &size);
	err = workspace_list(&r->ctx, search, page, size, &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "workspaces");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_workspace(&r->w, &v[i]);
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

static enum err
ws_create(struct req *r)
{
	struct workspace_input in = { 0 };
	struct workspace ws;
	enum err err = input_settings(r, &in);

	if (!err)
		err = workspace_create(&r->ctx, &in, &ws);
	return err ? err : answer(r, &ws);
}

static enum err
ws_get(struct req *r)
{
	struct workspace ws;
	enum err err = ws_resolve(r, &ws);

	return err ? err : answer(r, &ws);
}

static enum err
ws_update(struct req *r)
{
	struct workspace_input in = { 0 };
	struct workspace ws;
	enum err err = ws_resolve(r, &ws);

	if (!err)
		err = input_settings(r, &in);
	if (!err)
		err = workspace_update(&r->ctx, ws.cm.id, &in, &ws);
	return err ? err : answer(r, &ws);
}

static enum err
ws_delete(struct req *r)
{
	struct workspace ws;
	enum err err = ws_resolve(r, &ws);

	if (!err)
		err = workspace_delete(&r->ctx, ws.cm.id, &ws);
	return err ? err : answer(r, &ws);
}

#define WS_SETTING_FIELDS                                                                     \
	{ "iconUrl", FT_STRING, F_NULLABLE, TEXT_NAME, 1, COMMUNITY_ICON_MAX, 0 },            \
	{ "robloxGroupId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 19, 0 },                      \
	{ "minSyncRank", FT_INT, 0, TEXT_NAME, WS_MIN_SYNC_RANK_MIN, WS_MIN_SYNC_RANK_MAX, 0 }, \
	{ "brandColor", FT_STRING, 0, TEXT_NAME, 1, 16, 0 },                                  \
	{ "timezone", FT_STRING, 0, TEXT_NAME, 1, WS_TIMEZONE_MAX, 0 },                       \
	{ "distribution", FT_OBJECT, 0, TEXT_NAME, 0, 0, 0 },                                 \
	{ "privacy", FT_OBJECT, 0, TEXT_NAME, 0, 0, 0 },                                      \
	{ "afkTimeoutSeconds", FT_INT, 0, TEXT_NAME, WS_AFK_MIN, WS_AFK_MAX, 0 },             \
	{ "modules", FT_OBJECT, 0, TEXT_NAME, 0, 0, 0 },                                      \
	{ "robloxOpenCloudKey", FT_STRING, F_NULLABLE, TEXT_NAME, 1, WS_SECRET_MAX, 0 },      \
	{ "robloxBotCookie", FT_STRING, F_NULLABLE, TEXT_NAME, 1, WS_SECRET_MAX, 0 }

static const struct field ws_create_fields[] = {
	{ "name", FT_STRING, F_REQUIRED, TEXT_NAME, COMMUNITY_NAME_MIN, COMMUNITY_NAME_MAX, 0 },
	WS_SETTING_FIELDS,
	{ 0 },
};

static const struct field ws_update_fields[] = {
	{ "name", FT_STRING, 0, TEXT_NAME, COMMUNITY_NAME_MIN, COMMUNITY_NAME_MAX, 0 },
	WS_SETTING_FIELDS,
	{ 0 },
};

static const struct field no_fields[] = { { 0 } };

static const struct qfield ws_list_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "search", Q_TEXT, 1, WS_SEARCH_MAX, false, NULL },
	{ 0 },
};

static const struct route ws_routes[] = {
	{ .method = M_GET, .path = "/api/workspaces", .fn = ws_list, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_WORKSPACES_READ,
	  .perm = PERM_VIEW_WORKSPACE, .query = ws_list_query,
	  .summary = "Workspaces the caller may moderate" },
	{ .method = M_POST, .path = "/api/workspaces", .fn = ws_create, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_WORKSPACES_WRITE,
	  .perm = PERM_MANAGE_COMMUNITIES, .body = ws_create_fields, .writes = true,
	  .summary = "Create a workspace (a community the caller moderates) with settings" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}", .fn = ws_get, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_WORKSPACES_READ,
	  .perm = PERM_VIEW_WORKSPACE, .summary = "One workspace" },
	{ .method = M_PATCH, .path = "/api/workspaces/{wsId}", .fn = ws_update,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_WORKSPACES_WRITE,
	  .perm = PERM_MANAGE_WORKSPACE, .body = ws_update_fields, .writes = true,
	  .summary = "Change workspace settings" },
	{ .method = M_DELETE, .path = "/api/workspaces/{wsId}", .fn = ws_delete,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_WORKSPACES_WRITE,
	  .perm = PERM_MANAGE_COMMUNITIES, .body = no_fields, .writes = true,
	  .summary = "Delete a workspace (rules of A11)" },
};

ROUTE_TABLE(api_ws_routes, ws_routes);
