/*
 * audit.c: audit entries; see audit.h. Filters are bound values; the action prefix is a
 * LIKE pattern with its metacharacters escaped.
 */
#include "model/audit.h"

#include <string.h>

#include "core/buf.h"

static const char SQL_AUDIT_INSERT[] =
	"INSERT INTO audit_log (id, at, actor_type, actor_user_id, actor_username, api_key_id,"
	" game_key_id, actor_roblox_user_id, ip, action, target_type, target_id, workspace_id,"
	" before_json, after_json, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	" ?, ?, ?, ?)";

/* One statement each; an absent filter binds NULL and drops out through `? IS NULL`. */
static const char SQL_AUDIT_COUNT[] =
	"SELECT COUNT(*) FROM audit_log WHERE (? IS NULL OR actor_user_id = ?)"
	" AND (? IS NULL OR action = ? OR action LIKE ? ESCAPE '\\')"
	" AND (? IS NULL OR target_type = ?) AND (? IS NULL OR target_id = ?)"
	" AND (? IS NULL OR workspace_id = ?) AND at >= ? AND at <= ?";
static const char SQL_AUDIT_PAGE[] =
	"SELECT id, at, actor_type, actor_user_id, actor_username, api_key_id, game_key_id,"
	" actor_roblox_user_id, ip, action, target_type, target_id, workspace_id, before_json,"
	" after_json, request_id FROM audit_log WHERE (? IS NULL OR actor_user_id = ?)"
	" AND (? IS NULL OR action = ? OR action LIKE ? ESCAPE '\\')"
	" AND (? IS NULL OR target_type = ?) AND (? IS NULL OR target_id = ?)"
	" AND (? IS NULL OR workspace_id = ?) AND at >= ? AND at <= ?"
	" ORDER BY at DESC, id DESC LIMIT ? OFFSET ?";

enum err
audit_write(struct ctx *c, const char *action, const char *target_type, const char *target_id,
	    const char *workspace_id, const char *before_json, const char *after_json)
{
	static const char *const types[] = { "system", "user",	     "system",
					     "cli",    "rankingKey", "loaderKey" };
	const struct actor *a = &c->actor;
	char id[ID_LEN + 1];
	enum err err;

	id_new(c->now, id);
	const struct val args[] = {
		V_TEXT(id),
		V_INT(c->now),
		V_TEXT(types[a->type]),
		V_TEXT(a->user_id[0] ? a->user_id : NULL),
		V_TEXT(a->username),
		V_TEXT(a->key_id[0] ? a->key_id : NULL),
		V_TEXT(a->game_key_id[0] ? a->game_key_id : NULL),
		V_TEXT(a->roblox_actor_id),
		V_TEXT(c->ip),
		V_TEXT(action),
		V_TEXT(target_type),
		V_TEXT(target_id),
		V_TEXT(workspace_id),
		V_TEXT(before_json),
		V_TEXT(after_json),
		V_TEXT(c->request_id),
	};
	err = store_exec(c->store, SQL_AUDIT_INSERT, args, nitems(args), NULL);
	if (err == ERR_OK)
		c->audit_n++;
	return err;
}

/* "user." -> "user.%" with %, _ and \ escaped; NULL for an exact action. */
static const char *
action_prefix(struct arena *a, const char *action)
{
	size_t len = action ? strlen(action) : 0;
	struct buf b;
	char *out;

	if (len == 0 || action[len - 1] != '.')
		return NULL;
	buf_init(&b, 2 * len + 2);
	for (size_t i = 0; i < len; i++) {
		if (action[i] == '%' || action[i] == '_' || action[i] == '\\')
			buf_putc(&b, '\\');
		buf_putc(&b, action[i]);
	}
	buf_putc(&b, '%');
	out = arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return out;
}

enum err
audit_list(struct ctx *c, const struct audit_filter *f, struct rows *out, int64_t *total)
{
	const char *prefix = action_prefix(c->arena, f->action);
	const char *exact = prefix ? NULL : f->action;
	struct rows cnt;
	enum err err;
	struct val args[] = {
		V_TEXT(f->actor_id),	 V_TEXT(f->actor_id),	  V_TEXT(f->action),
		V_TEXT(exact),		 V_TEXT(prefix),	  V_TEXT(f->target_type),
		V_TEXT(f->target_type), V_TEXT(f->target_id),	  V_TEXT(f->target_id),
		V_TEXT(f->workspace_id), V_TEXT(f->workspace_id), V_INT(f->from),
		V_INT(f->to ? f->to : INT64_MAX), V_INT(f->page_size),
		V_INT((f->page - 1) * f->page_size),
	};
	err = store_query(c->store, c->arena, SQL_AUDIT_COUNT, args, 13, &cnt);
	if (err)
		return err;
	*total = rows_int(&cnt, 0, 0);
	return store_query(c->store, c->arena, SQL_AUDIT_PAGE, args, nitems(args), out);
}
