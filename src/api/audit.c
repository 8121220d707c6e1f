/*
 * audit.c: GET /api/audit (platform.md §7), newest first, paged and filtered.
 */
#include <string.h>

#include "api/api.h"
#include "auth/perm.h"
#include "model/audit.h"

static void
write_entry(struct jw *w, const struct rows *e, size_t i)
{
	const char *type = rows_text(e, i, 2);

	jw_obj(w);
	jw_kstr(w, "id", rows_text(e, i, 0));
	jw_ktime(w, "at", rows_int(e, i, 1));
	jw_key(w, "actor");
	jw_obj(w);
	jw_kstr(w, "type", type);
	jw_key(w, "user");
	write_user_ref(w, rows_text(e, i, 3), rows_text(e, i, 4));
	jw_kstr(w, "apiKeyId", rows_text(e, i, 5));
	jw_kstr(w, "gameKeyId", rows_text(e, i, 6));
	jw_kstr(w, "robloxUserId", rows_text(e, i, 7));
	jw_obj_end(w);
	jw_kstr(w, "ip", rows_text(e, i, 8));
	jw_kstr(w, "action", rows_text(e, i, 9));
	jw_kstr(w, "targetType", rows_text(e, i, 10));
	jw_kstr(w, "targetId", rows_text(e, i, 11));
	jw_kstr(w, "workspaceId", rows_text(e, i, 12));
	/* before/after were rendered by Roster's own writer when the entry was made. */
	jw_kraw(w, "before", rows_text(e, i, 13));
	jw_kraw(w, "after", rows_text(e, i, 14));
	jw_kstr(w, "requestId", rows_text(e, i, 15));
	jw_obj_end(w);
}

static enum err
audit_get(struct req *r)
{
	struct audit_filter f = { 0 };
	struct rows e;
	int64_t total;
	enum err err;

	req_paging(r, &f.page, &f.page_size);
	f.actor_id = req_query(r, "actorId");
	f.action = req_query(r, "action");
	f.target_type = req_query(r, "targetType");
	f.target_id = req_query(r, "targetId");
	f.workspace_id = req_query(r, "workspaceId");
	f.from = req_query_time(r, "from", 0);
	f.to = req_query_time(r, "to", 0);
	if (f.to && f.from > f.to)
		return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_PARAMETER, "parameter", "from",
				"reason", "must not be after to", (const char *)NULL);
	err = audit_list(&r->ctx, &f, &e, &total);
	if (err)
		return err;
	jw_key(&r->w, "entries");
	jw_arr(&r->w);
	for (size_t i = 0; i < e.n; i++)
		write_entry(&r->w, &e, i);
	jw_arr_end(&r->w);
	write_paging(&r->w, f.page, f.page_size, total);
	return ERR_OK;
}

static const struct qfield audit_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "actorId", Q_ID, 0, 0, false, NULL },
	{ "action", Q_TEXT, 1, 100, false, NULL },
	{ "targetType", Q_TEXT, 1, 100, false, NULL },
	{ "targetId", Q_TEXT, 1, 100, false, NULL },
	{ "workspaceId", Q_ID, 0, 0, false, NULL },
	{ "from", Q_TIME, 0, 0, false, NULL },
	{ "to", Q_TIME, 0, 0, false, NULL },
	{ 0 },
};

static const struct route audit_routes[] = {
	{ .method = M_GET, .path = "/api/audit", .fn = audit_get, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_AUDIT_READ, .perm = PERM_VIEW_AUDIT_LOG,
	  .query = audit_query, .summary = "Audit log entries, newest first" },
};

ROUTE_TABLE(api_audit_routes, audit_routes);
