/*
 * workspaces.c: workspace settings on the community row; see workspaces.h. The community part
 * (name rules, allow-lists, moderation, A11 deletion) is model/communities.c's; this file
 * adds the settings of platform.md §6.1 and never runs a statement without the workspace id.
 */
#include "model/workspaces.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "auth/perm.h"
#include "auth/secret.h"
#include "config.h"
#include "model/audit.h"
#include "model/snapshot.h"

#define WS_COLS                                                                                 \
	"c.roblox_group_name, c.min_sync_rank, c.brand_color, c.timezone, c.distribution_period," \
	" c.distribution_weekday, c.distribution_time, c.distribution_current,"                   \
	" c.track_staff_only, c.require_consent, c.afk_timeout_seconds, c.module_orders,"         \
	" c.module_moderation, c.open_cloud_key_sealed IS NOT NULL,"                              \
	" c.bot_cookie_sealed IS NOT NULL, c.last_synced_at, c.created_by, u.roblox_user_id"

static const char SQL_WS_SETTINGS[] =
	"SELECT " WS_COLS " FROM communities c LEFT JOIN users u ON u.id = c.created_by"
	" WHERE c.id = ?";
/* §5.2 of staff-admin.md in one statement, as community_list: the first argument is 1 for an
 * administrator. The search pattern is bound twice: NULL matches everything. */
#define WS_VISIBLE_WHERE                                                                      \
	" WHERE (? = 1 OR EXISTS (SELECT 1 FROM community_allowed_roles r"                     \
	" WHERE r.community_id = c.id AND r.role_id = ?) OR EXISTS (SELECT 1"                  \
	" FROM community_allowed_users au WHERE au.community_id = c.id AND au.user_id = ?))"    \
	" AND (? IS NULL OR c.name_key LIKE ? ESCAPE '\\')"
static const char SQL_WS_LIST[] = "SELECT c.id FROM communities c" WS_VISIBLE_WHERE
				  " ORDER BY c.is_default DESC, c.name_key, c.id LIMIT ? OFFSET ?";
static const char SQL_WS_COUNT[] = "SELECT COUNT(*) FROM communities c" WS_VISIBLE_WHERE;
static const char SQL_NAME_OWNER[] = "SELECT id FROM communities WHERE name_key = ?";
static const char SQL_GROUP_OWNER[] = "SELECT id FROM communities WHERE roblox_group_id = ?";
/* The sealed columns change only when their flag argument is 1 (write-only settings). */
static const char SQL_WS_UPDATE[] =
	"UPDATE communities SET name = ?, name_key = ?, icon_url = ?, roblox_group_id = ?,"
	" roblox_group_name = ?, min_sync_rank = ?, brand_color = ?, timezone = ?,"
	" distribution_period = ?,"
	" distribution_weekday = ?, distribution_time = ?, track_staff_only = ?,"
	" require_consent = ?, afk_timeout_seconds = ?, module_orders = ?, module_moderation = ?,"
	" open_cloud_key_sealed = CASE WHEN ? = 1 THEN ? ELSE open_cloud_key_sealed END,"
	" bot_cookie_sealed = CASE WHEN ? = 1 THEN ? ELSE bot_cookie_sealed END,"
	" created_by = COALESCE(created_by, ?), updated_at = ? WHERE id = ?";
static const char SQL_WS_STAFF[] =
	"SELECT roblox_user_id FROM workspace_members WHERE workspace_id = ? AND rank >= ?"
	" AND rank > 0 ORDER BY rank DESC, roblox_user_id";
static const char SQL_WS_OCK[] = "SELECT open_cloud_key_sealed FROM communities WHERE id = ?";
static const char SQL_WS_COOKIE[] = "SELECT bot_cookie_sealed FROM communities WHERE id = ?";

/* --- pure rules ------------------------------------------------------------------------------- */

static bool
in_list(const char *s, const char *const *v)
{
	for (; s && *v; v++)
		if (strcmp(s, *v) == 0)
			return true;
	return false;
}

bool
workspace_color_is_valid(const char *s)
{
	static const char *const colors[] = { "red",  "orange", "yellow", "green",  "teal", "sky",
					      "cyan", "blue",	"indigo", "purple", "rose", "pink",
					      NULL };
	return in_list(s, colors);
}

bool
workspace_period_is_valid(const char *s)
{
	static const char *const periods[] = { "manual", "weekly", "biweekly", "monthly", NULL };
	return in_list(s, periods);
}

bool
workspace_time_is_valid(const char *s)
{
	if (strlen(s) != 5 || s[2] != ':')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return false;
	return (s[0] - '0') * 10 + (s[1] - '0') <= 23 && (s[3] - '0') * 10 + (s[4] - '0') <= 59;
}

bool
workspace_timezone_is_valid(const char *s)
{
	char path[128], magic[4];
	struct stat st;
	size_t len = strlen(s);
	FILE *f;
	bool ok;

	if (len == 0 || len > WS_TIMEZONE_MAX || s[0] == '/' || s[len - 1] == '/')
		return false;
	/* Only names that cannot leave the zoneinfo tree; segments never start with a dot. */
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		bool seg_start = i == 0 || s[i - 1] == '/';
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-' || ch == '+' || ch == '/') ||
		    (seg_start && (ch == '/' || ch == '-')))
			return false;
	}
	int n = snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", s);
	if (n < 0 || (size_t)n >= sizeof(path) || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	f = fopen(path, "rb");
	if (f == NULL)
		return false;
	ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

bool
workspace_rank_is_staff(const struct workspace *ws, int rank)
{
	return rank > 0 && rank >= ws->min_sync_rank;
}

/* --- reads ------------------------------------------------------------------------------------ */

static enum err
settings_load(struct ctx *c, struct workspace *ws)
{
	const struct val args[] = { V_TEXT(ws->cm.id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_WS_SETTINGS, args, 1, &rs);

	if (err)
		return err;
	if (rs.n == 0)
		return ERR_COMMUNITY_NOT_FOUND;
	ws->roblox_group_name = rows_text(&rs, 0, 0);
	ws->min_sync_rank = (int)rows_int(&rs, 0, 1);
	ws->brand_color = rows_text(&rs, 0, 2);
	ws->timezone = rows_text(&rs, 0, 3);
	ws->dist_period = rows_text(&rs, 0, 4);
	ws->dist_weekday = (int)rows_int(&rs, 0, 5);
	ws->dist_time = rows_text(&rs, 0, 6);
	ws->dist_current = rows_int(&rs, 0, 7);
	ws->track_staff_only = rows_int(&rs, 0, 8) != 0;
	ws->require_consent = rows_int(&rs, 0, 9) != 0;
	ws->afk_timeout_seconds = (int)rows_int(&rs, 0, 10);
	ws->module_orders = rows_int(&rs, 0, 11) != 0;
	ws->module_moderation = rows_int(&rs, 0, 12) != 0;
	ws->open_cloud_key_set = rows_int(&rs, 0, 13) != 0;
	ws->bot_cookie_set = rows_int(&rs, 0, 14) != 0;
	ws->last_synced_at = rows_int(&rs, 0, 15);
	ws->created_by = rows_text(&rs, 0, 16);
	ws->created_by_roblox_id = rows_text(&rs, 0, 17);
	return ERR_OK;
}

enum err
workspace_get(struct ctx *c, const char *id, struct workspace *out)
{
	enum err err;

	memset(out, 0, sizeof(*out));
	err = community_get(c, id, &out->cm);
	return err ? err : settings_load(c, out);
}

enum err
workspace_of_key(struct ctx *c, struct workspace *out)
{
	const char *ws_id = c->actor.workspace_id;
	struct actor saved = c->actor;
	enum err err;

	/* The key is the workspace's own credential: read it as an administrator would. */
	memset(out, 0, sizeof(*out));
	c->actor.perms = PERM_BIT(PERM_ADMINISTRATOR);
	err = community_get(c, ws_id, &out->cm);
	c->actor = saved;
	if (err == ERR_COMMUNITY_NOT_FOUND)
		return ERR_UNAUTHENTICATED;
	return err ? err : settings_load(c, out);
}

/* "%<term>%", ASCII-lowercased with %, _ and \ escaped, for LIKE ... ESCAPE '\'. */
static const char *
like_pattern(struct arena *a, const char *term)
{
	size_t len = strlen(term);
	char *out = arena_alloc(a, 2 * len + 3), *p = out;

	*p++ = '%';
	for (size_t i = 0; i < len; i++) {
		char ch = term[i];
		if (ch == '%' || ch == '_' || ch == '\\')
			*p++ = '\\';
		*p++ = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	*p++ = '%';
	*p = '\0';
	return out;
}

enum err
workspace_list(struct ctx *c, const char *search, int64_t page, int64_t page_size,
	       struct workspace **out, size_t *n, int64_t *total)
{
	const struct actor *a = &c->actor;
	const char *pat = search ? like_pattern(c->arena, search) : NULL;
	const struct val args[] = { V_INT((a->perms & PERM_BIT(PERM_ADMINISTRATOR)) ? 1 : 0),
				    V_TEXT(a->role_id ? a->role_id : ""),
				    V_TEXT(a->user_id),
				    V_TEXT(pat),
				    V_TEXT(pat),
				    V_INT(page_size),
				    V_INT((page - 1) * page_size) };
	struct rows ids, cnt;
	enum err err;

	err = store_query(c->store, c->arena, SQL_WS_COUNT, args, 5, &cnt);
	if (!err)
		err = store_query(c->store, c->arena, SQL_WS_LIST, args, nitems(args), &ids);
	if (err)
		return err;
	*total = rows_int(&cnt, 0, 0);
	*n = ids.n;
	*out = arena_alloc(c->arena, (ids.n + 1) * sizeof(**out));
	for (size_t i = 0; i < ids.n && !err; i++)
		err = workspace_get(c, rows_text(&ids, i, 0), &(*out)[i]);
	return err;
}

enum err
workspace_staff_ids(struct ctx *c, const struct workspace *ws, const char ***ids, size_t *n)
{
	const struct val args[] = { V_TEXT(ws->cm.id), V_INT(ws->min_sync_rank) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_WS_STAFF, args, 2, &rs);

	if (err)
		return err;
	*n = rs.n;
	*ids = arena_alloc(c->arena, (rs.n + 1) * sizeof(char *));
	for (size_t i = 0; i < rs.n; i++)
		(*ids)[i] = rows_text(&rs, i, 0);
	return ERR_OK;
}

/* One sealed column of the workspace row, opened into the arena; *plain NULL when unset. */
static enum err
open_sealed(struct ctx *c, const char *sql, const char *id, const char **plain_out)
{
	const struct val args[] = { V_TEXT(id) };
	const char *sealed;
	struct rows rs;
	size_t len;
	char *plain;
	enum err err = store_query(c->store, c->arena, sql, args, 1, &rs);

	*plain_out = NULL;
	if (err || rs.n == 0 || (sealed = rows_text(&rs, 0, 0)) == NULL)
		return err;
	plain = arena_alloc(c->arena, strlen(sealed) + 1);
	err = secret_open(cfg.instance_key, sealed, plain, strlen(sealed), &len);
	if (err)
		return ERR_INTERNAL; /* sealed under another instance key: an operator problem */
	plain[len] = '\0';
	*plain_out = plain;
	return ERR_OK;
}

enum err
workspace_open_cloud_key(struct ctx *c, const char *id, const char **key)
{
	return open_sealed(c, SQL_WS_OCK, id, key);
}

enum err
workspace_bot_cookie(struct ctx *c, const char *id, const char **cookie)
{
	return open_sealed(c, SQL_WS_COOKIE, id, cookie);
}

/* --- writes ----------------------------------------------------------------------------------- */

static char *
name_key(struct arena *a, const char *name)
{
	char *k = arena_strdup(a, name);

	for (char *p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return k;
}

/* 409 `err` when another row than self_id holds value in the column sql looks up. */
static enum err
owner_free(struct ctx *c, const char *sql, const char *value, const char *self_id, enum err err)
{
	const struct val args[] = { V_TEXT(value) };
	struct rows rs;
	enum err e;

	if (value == NULL)
		return ERR_OK;
	e = store_query(c->store, c->arena, sql, args, 1, &rs);
	if (e)
		return e;
	if (rs.n > 0 && (self_id == NULL || strcmp(rows_text(&rs, 0, 0), self_id) != 0))
		return err;
	return ERR_OK;
}

static bool
same_group(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* The input laid over cur, in next. */
static void
settings_merge(const struct workspace *cur, const struct workspace_input *in,
	       struct workspace *next)
{
	*next = *cur;
	if (in->name_set)
		next->cm.name = in->name;
	if (in->icon_set)
		next->cm.icon_url = in->icon_url;
	/* The name belongs to the old group: a changed or cleared id drops it until a rank sync. */
	if (in->group_set && !same_group(cur->cm.roblox_group_id, in->roblox_group_id)) {
		next->cm.roblox_group_id = in->roblox_group_id;
		next->roblox_group_name = NULL;
	}
	if (in->min_sync_set)
		next->min_sync_rank = in->min_sync_rank;
	if (in->brand_set)
		next->brand_color = in->brand_color;
	if (in->tz_set)
		next->timezone = in->timezone;
	if (in->period_set)
		next->dist_period = in->dist_period;
	if (in->weekday_set)
		next->dist_weekday = in->dist_weekday;
	if (in->time_set)
		next->dist_time = in->dist_time;
	if (in->track_set)
		next->track_staff_only = in->track_staff_only;
	if (in->consent_set)
		next->require_consent = in->require_consent;
	if (in->afk_set)
		next->afk_timeout_seconds = in->afk_timeout_seconds;
	if (in->orders_set)
		next->module_orders = in->module_orders;
	if (in->moderation_set)
		next->module_moderation = in->module_moderation;
	if (in->ock_set)
		next->open_cloud_key_set = in->open_cloud_key != NULL;
	if (in->cookie_set)
		next->bot_cookie_set = in->bot_cookie != NULL;
}

/* Every stored setting except the secrets themselves (SECURITY: never in the audit log). */
static const char *
settings_snap(struct arena *a, const struct workspace *ws)
{
	struct snap s;

	snap_begin(&s, a);
	snap_str(&s, "name", ws->cm.name);
	snap_str(&s, "iconUrl", ws->cm.icon_url);
	snap_str(&s, "robloxGroupId", ws->cm.roblox_group_id);
	snap_int(&s, "minSyncRank", ws->min_sync_rank);
	snap_str(&s, "brandColor", ws->brand_color);
	snap_str(&s, "timezone", ws->timezone);
	snap_obj(&s, "distribution");
	snap_str(&s, "period", ws->dist_period);
	snap_int(&s, "weekday", ws->dist_weekday);
	snap_str(&s, "time", ws->dist_time);
	snap_obj_end(&s);
	snap_obj(&s, "privacy");
	snap_bool(&s, "trackStaffOnly", ws->track_staff_only);
	snap_bool(&s, "requireConsent", ws->require_consent);
	snap_obj_end(&s);
	snap_int(&s, "afkTimeoutSeconds", ws->afk_timeout_seconds);
	snap_obj(&s, "modules");
	snap_bool(&s, "orders", ws->module_orders);
	snap_bool(&s, "moderation", ws->module_moderation);
	snap_obj_end(&s);
	snap_bool(&s, "robloxOpenCloudKeySet", ws->open_cloud_key_set);
	snap_bool(&s, "robloxBotCookieSet", ws->bot_cookie_set);
	return snap_end(&s);
}

/* plain sealed with the instance key into the arena; NULL plain stays NULL. */
static enum err
seal(struct ctx *c, const char *plain, const char **out)
{
	size_t len, cap;
	char *buf;

	*out = NULL;
	if (plain == NULL)
		return ERR_OK;
	if (!cfg.instance_key_loaded)
		return ERR_INTERNAL;
	len = strlen(plain);
	cap = (len + 64) / 3 * 4 + 8;
	buf = arena_alloc(c->arena, cap);
	*out = buf;
	return secret_seal(cfg.instance_key, plain, len, buf, cap);
}

/* creator: the Roster user recorded as created_by on a new workspace, NULL on update. */
static enum err
settings_write(struct ctx *c, const struct workspace *next, const struct workspace_input *in,
	       const char *creator)
{
	const char *ock = NULL, *cookie = NULL;
	enum err err;

	err = seal(c, in->ock_set ? in->open_cloud_key : NULL, &ock);
	if (!err)
		err = seal(c, in->cookie_set ? in->bot_cookie : NULL, &cookie);
	if (err)
		return err;
	const struct val args[] = {
		V_TEXT(next->cm.name),
		V_TEXT(name_key(c->arena, next->cm.name)),
		V_TEXT(next->cm.icon_url),
		V_TEXT(next->cm.roblox_group_id),
		V_TEXT(next->roblox_group_name),
		V_INT(next->min_sync_rank),
		V_TEXT(next->brand_color),
		V_TEXT(next->timezone),
		V_TEXT(next->dist_period),
		V_INT(next->dist_weekday),
		V_TEXT(next->dist_time),
		V_INT(next->track_staff_only),
		V_INT(next->require_consent),
		V_INT(next->afk_timeout_seconds),
		V_INT(next->module_orders),
		V_INT(next->module_moderation),
		V_INT(in->ock_set),
		V_TEXT(ock),
		V_INT(in->cookie_set),
		V_TEXT(cookie),
		V_TEXT(creator),
		V_INT(c->now),
		V_TEXT(next->cm.id),
	};
	err = store_exec(c->store, SQL_WS_UPDATE, args, nitems(args), NULL);
	return err == ERR_CONFLICT ? ERR_GROUP_TAKEN : err;
}

static enum err
ws_audit(struct ctx *c, const char *verb, const char *id, const char *before, const char *after)
{
	if (after == NULL)
		return ERR_INTERNAL; /* past the snapshot cap: never store a cut snapshot */
	return audit_write(c, verb, "workspace", id, id, before, after);
}

enum err
workspace_create(struct ctx *c, const struct workspace_input *in, struct workspace *out)
{
	const char *self[] = { c->actor.user_id };
	struct community_input cin = { 0 };
	struct workspace cur, next;
	enum err err;

	cin.name = in->name;
	cin.icon_url = in->icon_url;
	cin.icon_set = in->icon_set;
	/* §6.1: the creator can moderate what it made; A9 itself starts both lists empty. */
	if (c->actor.user_id[0] != '\0') {
		cin.user_ids = self;
		cin.n_user_ids = 1;
		cin.users_set = true;
	}
	err = owner_free(c, SQL_GROUP_OWNER, in->group_set ? in->roblox_group_id : NULL, NULL,
			 ERR_GROUP_TAKEN);
	memset(&cur, 0, sizeof(cur));
	if (!err)
		err = community_create_as(c, &cin, NULL, &cur.cm);
	if (!err)
		err = settings_load(c, &cur);
	if (err)
		return err;
	settings_merge(&cur, in, &next);
	err = settings_write(c, &next, in, c->actor.user_id[0] ? c->actor.user_id : NULL);
	if (!err)
		err = workspace_get(c, cur.cm.id, out);
	if (err)
		return err;
	return ws_audit(c, "workspace.workspace.create", out->cm.id, NULL,
			settings_snap(c->arena, out));
}

enum err
workspace_update(struct ctx *c, const char *id, const struct workspace_input *in,
		 struct workspace *out)
{
	struct workspace cur, next;
	const char *before, *after;
	enum err err;

	err = workspace_get(c, id, &cur);
	if (err)
		return err;
	settings_merge(&cur, in, &next);
	err = owner_free(c, SQL_NAME_OWNER, name_key(c->arena, next.cm.name), cur.cm.id,
			 ERR_NAME_TAKEN);
	if (!err)
		err = owner_free(c, SQL_GROUP_OWNER, next.cm.roblox_group_id, cur.cm.id,
				 ERR_GROUP_TAKEN);
	if (err)
		return err;
	before = settings_snap(c->arena, &cur);
	after = settings_snap(c->arena, &next);
	if (before == NULL || after == NULL)
		return ERR_INTERNAL;
	/* A 200 that changes nothing writes nothing; a secret written is always a change. */
	if (strcmp(before, after) == 0 && !in->ock_set && !in->cookie_set) {
		*out = cur;
		return ERR_OK;
	}
	err = settings_write(c, &next, in, NULL);
	if (!err)
		err = workspace_get(c, id, out);
	if (err)
		return err;
	return ws_audit(c, "workspace.workspace.update", id, before, after);
}

enum err
workspace_delete(struct ctx *c, const char *id, struct workspace *out)
{
	enum err err = workspace_get(c, id, out);

	return err ? err : community_delete_as(c, id, "workspace.workspace.delete", &out->cm);
}
