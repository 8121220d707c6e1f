/*
 * staff_history.c: staff-history items of a workspace; see staff_history.h. No statement here
 * runs without the caller's workspace id, and no Roblox call is made.
 */
#include "model/staff_history.h"

#include <string.h>

#include "model/audit.h"
#include "model/snapshot.h"

#define SH_COLS                                                                                \
	"id, type, roblox_user_id, actor_roblox_id, reason, notify, rank_from, rank_to,"       \
	" pending_approval, approved_by, visibility, distribution, expires_at, ended_at,"      \
	" ended_by, end_reason, created_at, created_by"
static const char SQL_SH_RECENT[] = "SELECT " SH_COLS " FROM staff_history"
				    " WHERE workspace_id = ? AND visibility <> 'hidden'"
				    " AND (? IS NULL OR roblox_user_id = ?)"
				    " ORDER BY created_at DESC, id DESC LIMIT ?";
/* Filters bound in pairs so one statement serves every combination: NULL switches one off. */
#define SH_WHERE                                                                               \
	" WHERE workspace_id = ? AND (? IS NULL OR roblox_user_id = ?) AND (? IS NULL OR"      \
	" type = ?) AND (? IS NULL OR (? = 'pending' AND pending_approval = 1 AND ended_at"    \
	" IS NULL) OR (? = 'active' AND pending_approval = 0 AND ended_at IS NULL) OR"          \
	" (? = 'ended' AND ended_at IS NOT NULL))"
static const char SQL_SH_LIST[] = "SELECT " SH_COLS " FROM staff_history" SH_WHERE
				  " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
static const char SQL_SH_COUNT[] = "SELECT COUNT(*) FROM staff_history" SH_WHERE;
static const char SQL_SH_GET[] = "SELECT " SH_COLS " FROM staff_history"
				 " WHERE workspace_id = ? AND id = ?";
static const char SQL_SH_REPLAY[] = "SELECT " SH_COLS " FROM staff_history"
				    " WHERE workspace_id = ? AND body_hash = ? AND created_at >= ?"
				    " ORDER BY created_at DESC, id DESC LIMIT 1";
/* The caller has resolved ws_id against its key or session; this only reads the counter. */
static const char SQL_SH_DIST[] = "SELECT distribution_current FROM communities WHERE id = ?";
static const char SQL_SH_INSERT[] =
	"INSERT INTO staff_history (workspace_id, id, type, roblox_user_id, actor_roblox_id,"
	" reason, notify, rank_from, rank_to, pending_approval, visibility, distribution,"
	" expires_at, created_at, created_by, body_hash)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_SH_APPROVE[] = "UPDATE staff_history SET pending_approval = 0,"
				     " approved_by = ? WHERE workspace_id = ? AND id = ?";
static const char SQL_SH_END[] = "UPDATE staff_history SET ended_at = ?, ended_by = ?,"
				 " end_reason = ? WHERE workspace_id = ? AND id = ?";
static const char SQL_SH_DELETE[] = "DELETE FROM staff_history WHERE workspace_id = ? AND id = ?";

static const char *const TYPES[] = { "promotion", "demotion", "writeup", "suspension",
				     "termination" };
static const char *const VISIBILITIES[] = { "public", "reasonHidden", "hidden" };

static bool
one_of(const char *s, const char *const *set, size_t n)
{
	for (size_t i = 0; s != NULL && i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return true;
	return false;
}

bool
staff_type_is_valid(const char *s)
{
	return one_of(s, TYPES, nitems(TYPES));
}

bool
staff_visibility_is_valid(const char *s)
{
	return one_of(s, VISIBILITIES, nitems(VISIBILITIES));
}

static void
entry_from_row(const struct rows *rs, size_t i, struct staff_entry *e)
{
	e->id = rows_text(rs, i, 0);
	e->type = rows_text(rs, i, 1);
	e->roblox_user_id = rows_text(rs, i, 2);
	e->actor_roblox_id = rows_text(rs, i, 3);
	e->reason = rows_text(rs, i, 4);
	e->notify = rows_int(rs, i, 5) != 0;
	e->rank_from = rows_text(rs, i, 6);
	e->rank_to = rows_null(rs, i, 7) ? NULL : rows_text(rs, i, 7);
	e->pending = rows_int(rs, i, 8) != 0;
	e->approved_by = rows_null(rs, i, 9) ? NULL : rows_text(rs, i, 9);
	e->visibility = rows_text(rs, i, 10);
	e->distribution = rows_int(rs, i, 11);
	e->expires_at = rows_int(rs, i, 12);
	e->ended_at = rows_int(rs, i, 13);
	e->ended_by = rows_null(rs, i, 14) ? NULL : rows_text(rs, i, 14);
	e->end_reason = rows_null(rs, i, 15) ? NULL : rows_text(rs, i, 15);
	e->created_at = rows_int(rs, i, 16);
	e->created_by = rows_null(rs, i, 17) ? NULL : rows_text(rs, i, 17);
}

static void
entries_from_rows(struct ctx *c, const struct rows *rs, bool reverse, struct staff_entry **out,
		  size_t *n)
{
	*n = rs->n;
	*out = arena_alloc(c->arena, (rs->n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs->n; i++)
		entry_from_row(rs, i, &(*out)[reverse ? rs->n - 1 - i : i]);
}

enum err
staff_history_recent(struct ctx *c, const char *ws_id, const char *user_id,
		     struct staff_entry **out, size_t *n)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(user_id), V_TEXT(user_id),
				    V_INT(STAFF_READMIN_MAX) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_SH_RECENT, args, nitems(args), &rs);

	if (err)
		return err;
	/* Selected newest first to keep the newest 10 000; answered oldest first. */
	entries_from_rows(c, &rs, true, out, n);
	return ERR_OK;
}

enum err
staff_history_list(struct ctx *c, const char *ws_id, const struct staff_filter *f, int64_t page,
		   int64_t page_size, struct staff_entry **out, size_t *n, int64_t *total)
{
	const struct val args[] = {
		V_TEXT(ws_id),	  V_TEXT(f->user_id), V_TEXT(f->user_id), V_TEXT(f->type),
		V_TEXT(f->type),  V_TEXT(f->state),   V_TEXT(f->state),	  V_TEXT(f->state),
		V_TEXT(f->state), V_INT(page_size),   V_INT((page - 1) * page_size),
	};
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_SH_COUNT, args, nitems(args) - 2, &rs);

	if (err)
		return err;
	*total = rows_int(&rs, 0, 0);
	err = store_query(c->store, c->arena, SQL_SH_LIST, args, nitems(args), &rs);
	if (err)
		return err;
	entries_from_rows(c, &rs, false, out, n);
	return ERR_OK;
}

enum err
staff_history_get(struct ctx *c, const char *ws_id, const char *id, struct staff_entry *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_SH_GET, args, nitems(args), &rs);

	if (err)
		return err;
	if (rs.n == 0) /* also for another workspace's id */
		return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource",
				"staffHistory", (const char *)NULL);
	entry_from_row(&rs, 0, out);
	return ERR_OK;
}

enum err
staff_history_replay(struct ctx *c, const char *ws_id, const char *body_hash, int64_t since,
		     struct staff_entry *out, bool *found)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(body_hash), V_INT(since) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_SH_REPLAY, args, nitems(args), &rs);

	if (err)
		return err;
	*found = rs.n > 0;
	if (*found)
		entry_from_row(&rs, 0, out);
	return ERR_OK;
}

static const char *
entry_snap(struct arena *a, const struct staff_entry *e)
{
	struct snap s;

	snap_begin(&s, a);
	snap_str(&s, "type", e->type);
	snap_str(&s, "robloxUserId", e->roblox_user_id);
	snap_str(&s, "actorRobloxUserId", e->actor_roblox_id);
	snap_str(&s, "rankFrom", e->rank_from);
	snap_str(&s, "rankTo", e->rank_to);
	snap_bool(&s, "pendingApproval", e->pending);
	snap_str(&s, "visibility", e->visibility);
	snap_bool(&s, "ended", e->ended_at != 0);
	return snap_end(&s);
}

/* Who the ctx actor is, as stored in created_by / approved_by / ended_by. */
static const char *
actor_ref(struct ctx *c)
{
	if (c->actor.type == ACTOR_LOADER_KEY)
		return arena_printf(c->arena, "loaderKey:%s", c->actor.game_key_id);
	return c->actor.user_id[0] ? c->actor.user_id : NULL;
}

enum err
staff_history_create(struct ctx *c, const char *ws_id, const struct staff_entry *e,
		     const char *body_hash, struct staff_entry *out)
{
	const struct val dist_args[] = { V_TEXT(ws_id) };
	char id[ID_LEN + 1];
	struct rows rs;
	enum err err;

	/* Read in the write transaction, so a concurrent rollover is seen or waits. */
	err = store_query(c->store, c->arena, SQL_SH_DIST, dist_args, 1, &rs);
	if (err)
		return err;
	if (rs.n == 0)
		return ERR_COMMUNITY_NOT_FOUND;
	id_new(c->now, id);
	*out = *e;
	out->distribution = rows_int(&rs, 0, 0);
	out->id = arena_strdup(c->arena, id);
	out->created_at = c->now;
	out->created_by = actor_ref(c);
	out->approved_by = NULL;
	out->ended_at = 0;
	out->ended_by = NULL;
	out->end_reason = NULL;
	const struct val args[] = {
		V_TEXT(ws_id),
		V_TEXT(out->id),
		V_TEXT(out->type),
		V_TEXT(out->roblox_user_id),
		V_TEXT(out->actor_roblox_id),
		V_TEXT(out->reason),
		V_INT(out->notify),
		V_TEXT(out->rank_from),
		V_TEXT(out->rank_to),
		V_INT(out->pending),
		V_TEXT(out->visibility),
		V_INT(out->distribution),
		out->expires_at ? V_INT(out->expires_at) : V_NULL,
		V_INT(out->created_at),
		V_TEXT(out->created_by),
		V_TEXT(body_hash),
	};
	err = store_exec(c->store, SQL_SH_INSERT, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.staffHistory.create", "staffHistory", out->id, ws_id,
			   NULL, entry_snap(c->arena, out));
}

/* 409 invalid_transition with details.from and details.action. */
static enum err
bad_transition(struct ctx *c, const struct staff_entry *e, const char *action)
{
	const char *from = e->ended_at ? "ended" : e->pending ? "pending" : "active";

	return fail_set(&c->fail, c->arena, ERR_INVALID_TRANSITION, "from", from, "action", action,
			(const char *)NULL);
}

enum err
staff_history_approve(struct ctx *c, const char *ws_id, const char *id, const char *approved_by,
		      struct staff_entry *out)
{
	struct staff_entry before = { 0 };
	enum err err = staff_history_get(c, ws_id, id, &before);

	if (err)
		return err;
	if (!before.pending || before.ended_at)
		return bad_transition(c, &before, "approve");
	const struct val args[] = { V_TEXT(approved_by), V_TEXT(ws_id), V_TEXT(id) };
	err = store_exec(c->store, SQL_SH_APPROVE, args, nitems(args), NULL);
	if (err)
		return err;
	*out = before;
	out->pending = false;
	out->approved_by = approved_by;
	return audit_write(c, "workspace.staffHistory.approve", "staffHistory", id, ws_id,
			   entry_snap(c->arena, &before), entry_snap(c->arena, out));
}

enum err
staff_history_end(struct ctx *c, const char *ws_id, const char *id, const char *ended_by,
		  const char *reason, struct staff_entry *out)
{
	struct staff_entry before = { 0 };
	enum err err = staff_history_get(c, ws_id, id, &before);

	if (err)
		return err;
	if (before.ended_at)
		return bad_transition(c, &before, "end");
	const struct val args[] = { V_INT(c->now), V_TEXT(ended_by), V_TEXT(reason), V_TEXT(ws_id),
				    V_TEXT(id) };
	err = store_exec(c->store, SQL_SH_END, args, nitems(args), NULL);
	if (err)
		return err;
	*out = before;
	out->ended_at = c->now;
	out->ended_by = ended_by;
	out->end_reason = reason;
	return audit_write(c, "workspace.staffHistory.end", "staffHistory", id, ws_id,
			   entry_snap(c->arena, &before), entry_snap(c->arena, out));
}

enum err
staff_history_delete(struct ctx *c, const char *ws_id, const char *id, struct staff_entry *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(id) };
	enum err err = staff_history_get(c, ws_id, id, out);

	if (err)
		return err;
	err = store_exec(c->store, SQL_SH_DELETE, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.staffHistory.delete", "staffHistory", id, ws_id,
			   entry_snap(c->arena, out), NULL);
}
