/*
 * bans.c: game bans of a workspace; see bans.h. Every request-path statement names the
 * caller's workspace id; only the expiry job runs across workspaces, and it only ever turns
 * bans off. Whether a ban blocks is decided at c->now (stored active and not yet expired), so
 * an expired ban stops blocking the moment it expires, whenever the job next runs.
 */
#include "model/bans.h"

#include <string.h>

#include "core/log.h"
#include "core/utf8.h"
#include "model/audit.h"
#include "model/snapshot.h"

#define BAN_COLS                                                                               \
	"id, workspace_id, roblox_user_id, reason, banned_by, active, expires_at, evidence,"   \
	" created_at, created_by, updated_at, lifted_at, lifted_by,"                           \
	" (SELECT username FROM users WHERE users.id = game_bans.created_by)"
/* A ban blocks when stored active and not past its expiry; one `?` for now. */
#define BAN_BLOCKS "(active = 1 AND (expires_at IS NULL OR expires_at > ?))"

static const char SQL_BAN_ACTIVE[] = "SELECT " BAN_COLS " FROM game_bans"
				     " WHERE workspace_id = ? AND roblox_user_id = ?"
				     " AND " BAN_BLOCKS " ORDER BY created_at DESC, id DESC LIMIT 1";
static const char SQL_BAN_GET[] = "SELECT " BAN_COLS " FROM game_bans"
				  " WHERE workspace_id = ? AND id = ?";
/* The active ban first, else the newest (§3.5 #21). */
static const char SQL_BAN_FOR_USER[] = "SELECT " BAN_COLS " FROM game_bans"
				       " WHERE workspace_id = ? AND roblox_user_id = ?"
				       " ORDER BY CASE WHEN " BAN_BLOCKS " THEN 0 ELSE 1 END,"
				       " created_at DESC, id DESC LIMIT 1";
/* Filters bound so one statement serves every combination: NULL / -1 switch one off. */
#define BAN_WHERE                                                                              \
	" WHERE workspace_id = ? AND (? IS NULL OR roblox_user_id = ?) AND (? = -1"            \
	" OR (? = 1 AND " BAN_BLOCKS ") OR (? = 0 AND NOT " BAN_BLOCKS "))"
static const char SQL_BAN_RECENT[] = "SELECT " BAN_COLS " FROM game_bans" BAN_WHERE
				     " ORDER BY created_at DESC, id DESC LIMIT ?";
static const char SQL_BAN_LIST[] = "SELECT " BAN_COLS " FROM game_bans" BAN_WHERE
				   " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";
static const char SQL_BAN_COUNT[] = "SELECT COUNT(*) FROM game_bans" BAN_WHERE;
static const char SQL_BAN_REPLAY[] = "SELECT " BAN_COLS " FROM game_bans"
				     " WHERE workspace_id = ? AND body_hash = ? AND created_at >= ?"
				     " ORDER BY created_at DESC, id DESC LIMIT 1";
/*
 * The user's expired-but-unswept ban is switched off before a new one goes in, so the
 * one-active index agrees with ban_active without waiting for the job.
 */
static const char SQL_BAN_SWEEP_USER[] = "UPDATE game_bans SET active = 0, updated_at = ?"
					 " WHERE workspace_id = ? AND roblox_user_id = ?"
					 " AND active = 1 AND expires_at IS NOT NULL"
					 " AND expires_at <= ?";
static const char SQL_BAN_INSERT[] =
	"INSERT INTO game_bans (workspace_id, id, roblox_user_id, reason, banned_by, active,"
	" expires_at, evidence, created_at, created_by, updated_at, body_hash)"
	" VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)";
/* One conditional update: only a ban that still blocks is lifted. */
static const char SQL_BAN_LIFT[] = "UPDATE game_bans SET active = 0, lifted_at = ?,"
				   " lifted_by = ?, updated_at = ?"
				   " WHERE workspace_id = ? AND id = ? AND " BAN_BLOCKS;
static const char SQL_BAN_UPDATE[] = "UPDATE game_bans SET reason = ?, expires_at = ?,"
				     " updated_at = ? WHERE workspace_id = ? AND id = ?"
				     " AND " BAN_BLOCKS;
/* The job: across workspaces, only ever active -> inactive (§5 row 8). */
static const char SQL_BAN_EXPIRE[] = "UPDATE game_bans SET active = 0, updated_at = ?"
				     " WHERE active = 1 AND expires_at IS NOT NULL"
				     " AND expires_at <= ?";

static void
ban_from_row(struct ctx *c, const struct rows *rs, size_t i, struct ban *b)
{
	memset(b, 0, sizeof(*b));
	b->id = rows_text(rs, i, 0);
	b->workspace_id = rows_text(rs, i, 1);
	b->roblox_user_id = rows_text(rs, i, 2);
	b->reason = rows_text(rs, i, 3);
	b->banned_by = rows_text(rs, i, 4);
	b->expires_at = rows_int(rs, i, 6);
	b->active = rows_int(rs, i, 5) != 0 && (b->expires_at == 0 || b->expires_at > c->now);
	b->evidence = rows_null(rs, i, 7) ? "[]" : rows_text(rs, i, 7);
	b->created_at = rows_int(rs, i, 8);
	b->created_by = rows_text(rs, i, 9);
	b->updated_at = rows_int(rs, i, 10);
	b->lifted_at = rows_int(rs, i, 11);
	b->lifted_by = rows_text(rs, i, 12);
	b->created_by_username = rows_text(rs, i, 13);
}

static void
bans_from_rows(struct ctx *c, const struct rows *rs, bool reverse, struct ban **out, size_t *n)
{
	*n = rs->n;
	*out = arena_alloc(c->arena, (rs->n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs->n; i++)
		ban_from_row(c, rs, i, &(*out)[reverse ? rs->n - 1 - i : i]);
}

static enum err
not_found(struct ctx *c)
{
	return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource", "ban",
			(const char *)NULL);
}

/* Who the ctx actor is, as stored in created_by / lifted_by. */
static const char *
actor_ref(struct ctx *c)
{
	if (c->actor.type == ACTOR_LOADER_KEY)
		return arena_printf(c->arena, "loaderKey:%s", c->actor.game_key_id);
	return c->actor.user_id[0] ? c->actor.user_id : NULL;
}

/* The audit snapshot: state, never the free-text reason. */
static const char *
ban_snap(struct arena *a, const struct ban *b)
{
	struct snap s;

	snap_begin(&s, a);
	snap_str(&s, "robloxUserId", b->roblox_user_id);
	snap_str(&s, "bannedBy", b->banned_by);
	snap_bool(&s, "active", b->active);
	if (b->expires_at)
		snap_int(&s, "expiresAt", b->expires_at);
	else
		snap_null(&s, "expiresAt");
	if (b->lifted_at)
		snap_int(&s, "liftedAt", b->lifted_at);
	return snap_end(&s);
}

enum err
ban_active(struct ctx *c, const char *workspace_id, const char *roblox_user_id, struct ban *out,
	   bool *found)
{
	const struct val args[] = { V_TEXT(workspace_id), V_TEXT(roblox_user_id), V_INT(c->now) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_BAN_ACTIVE, args, nitems(args), &rs);

	*found = false;
	if (err)
		return err;
	*found = rs.n > 0;
	if (*found)
		ban_from_row(c, &rs, 0, out);
	return ERR_OK;
}

enum err
ban_get(struct ctx *c, const char *workspace_id, const char *id, struct ban *out)
{
	const struct val args[] = { V_TEXT(workspace_id), V_TEXT(id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_BAN_GET, args, nitems(args), &rs);

	if (err)
		return err;
	if (rs.n == 0) /* also for another workspace's id */
		return not_found(c);
	ban_from_row(c, &rs, 0, out);
	return ERR_OK;
}

enum err
ban_get_for_user(struct ctx *c, const char *workspace_id, const char *roblox_user_id,
		 struct ban *out)
{
	const struct val args[] = { V_TEXT(workspace_id), V_TEXT(roblox_user_id), V_INT(c->now) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_BAN_FOR_USER, args, nitems(args), &rs);

	if (err)
		return err;
	if (rs.n == 0)
		return not_found(c);
	ban_from_row(c, &rs, 0, out);
	return ERR_OK;
}

enum err
ban_recent(struct ctx *c, const char *workspace_id, const struct ban_filter *f, struct ban **out,
	   size_t *n)
{
	const struct val args[] = {
		V_TEXT(workspace_id), V_TEXT(f->roblox_user_id), V_TEXT(f->roblox_user_id),
		V_INT(f->active),     V_INT(f->active),		 V_INT(c->now),
		V_INT(f->active),     V_INT(c->now),		 V_INT(BAN_READMIN_MAX),
	};
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_BAN_RECENT, args, nitems(args), &rs);

	if (err)
		return err;
	/* Selected newest first to keep the newest 10 000; answered oldest first. */
	bans_from_rows(c, &rs, true, out, n);
	return ERR_OK;
}

enum err
ban_list(struct ctx *c, const char *workspace_id, const struct ban_filter *f, int64_t page,
	 int64_t page_size, struct ban **out, size_t *n, int64_t *total)
{
	const struct val args[] = {
		V_TEXT(workspace_id), V_TEXT(f->roblox_user_id), V_TEXT(f->roblox_user_id),
		V_INT(f->active),     V_INT(f->active),		 V_INT(c->now),
		V_INT(f->active),     V_INT(c->now),		 V_INT(page_size),
		V_INT((page - 1) * page_size),
	};
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_BAN_COUNT, args, nitems(args) - 2, &rs);

	if (err)
		return err;
	*total = rows_int(&rs, 0, 0);
	err = store_query(c->store, c->arena, SQL_BAN_LIST, args, nitems(args), &rs);
	if (err)
		return err;
	bans_from_rows(c, &rs, false, out, n);
	return ERR_OK;
}

enum err
ban_replay(struct ctx *c, const char *workspace_id, const char *body_hash, int64_t since,
	   struct ban *out, bool *found)
{
	const struct val args[] = { V_TEXT(workspace_id), V_TEXT(body_hash), V_INT(since) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_BAN_REPLAY, args, nitems(args), &rs);

	*found = false;
	if (err)
		return err;
	*found = rs.n > 0;
	if (*found)
		ban_from_row(c, &rs, 0, out);
	return ERR_OK;
}

enum err
ban_create(struct ctx *c, const char *workspace_id, const struct ban *in, const char *body_hash,
	   struct ban *out)
{
	const struct val sweep[] = { V_INT(c->now), V_TEXT(workspace_id),
				     V_TEXT(in->roblox_user_id), V_INT(c->now) };
	char id[ID_LEN + 1];
	bool found = false;
	enum err err;

	err = store_exec(c->store, SQL_BAN_SWEEP_USER, sweep, nitems(sweep), NULL);
	if (!err)
		err = ban_active(c, workspace_id, in->roblox_user_id, out, &found);
	if (err)
		return err;
	if (found) /* *out is the existing ban, for the 409 body */
		return ERR_ALREADY_BANNED;
	id_new(c->now, id);
	memset(out, 0, sizeof(*out));
	out->id = arena_strdup(c->arena, id);
	out->workspace_id = workspace_id;
	out->roblox_user_id = in->roblox_user_id;
	out->reason = in->reason;
	out->banned_by = in->banned_by;
	out->active = true;
	out->expires_at = in->expires_at;
	out->evidence = in->evidence ? in->evidence : "[]";
	out->created_at = c->now;
	out->updated_at = c->now;
	out->created_by = actor_ref(c);
	out->created_by_username = c->actor.type == ACTOR_LOADER_KEY ? NULL : c->actor.username;
	const struct val args[] = {
		V_TEXT(workspace_id),
		V_TEXT(out->id),
		V_TEXT(out->roblox_user_id),
		V_TEXT(out->reason),
		V_TEXT(out->banned_by),
		out->expires_at ? V_INT(out->expires_at) : V_NULL,
		V_TEXT(out->evidence),
		V_INT(out->created_at),
		V_TEXT(out->created_by),
		V_INT(out->updated_at),
		V_TEXT(body_hash),
	};
	err = store_exec(c->store, SQL_BAN_INSERT, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.ban.create", "ban", out->id, workspace_id, NULL,
			   ban_snap(c->arena, out));
}

enum err
ban_lift(struct ctx *c, const char *workspace_id, const char *id, struct ban *out,
	 bool *changed)
{
	struct ban before;
	int64_t n = 0;
	enum err err = ban_get(c, workspace_id, id, &before);

	*changed = false;
	if (err)
		return err;
	*out = before;
	if (!before.active) /* lifted or expired: answered unchanged (§3.5 #21) */
		return ERR_OK;
	const char *by = actor_ref(c);
	const struct val args[] = { V_INT(c->now), V_TEXT(by),		V_INT(c->now),
				    V_TEXT(workspace_id), V_TEXT(id), V_INT(c->now) };
	err = store_exec(c->store, SQL_BAN_LIFT, args, nitems(args), &n);
	if (err || n == 0)
		return err;
	*changed = true;
	out->active = false;
	out->lifted_at = c->now;
	out->lifted_by = by;
	out->updated_at = c->now;
	return audit_write(c, "workspace.ban.lift", "ban", id, workspace_id,
			   ban_snap(c->arena, &before), ban_snap(c->arena, out));
}

enum err
ban_update(struct ctx *c, const char *workspace_id, const char *id, const char *reason,
	   bool set_expiry, int64_t expires_at, struct ban *out)
{
	struct ban before;
	int64_t n = 0;
	enum err err = ban_get(c, workspace_id, id, &before);

	if (err)
		return err;
	if (!before.active)
		return fail_set(&c->fail, c->arena, ERR_INVALID_TRANSITION, "from",
				before.lifted_at ? "lifted" : "expired", "action", "update",
				(const char *)NULL);
	*out = before;
	if (reason)
		out->reason = reason;
	if (set_expiry)
		out->expires_at = expires_at;
	out->updated_at = c->now;
	const struct val args[] = {
		V_TEXT(out->reason), out->expires_at ? V_INT(out->expires_at) : V_NULL,
		V_INT(c->now),	     V_TEXT(workspace_id),
		V_TEXT(id),	     V_INT(c->now),
	};
	err = store_exec(c->store, SQL_BAN_UPDATE, args, nitems(args), &n);
	if (err)
		return err;
	if (n == 0) /* cannot happen inside the write transaction; answered as a conflict */
		return ERR_CONFLICT;
	out->active = out->expires_at == 0 || out->expires_at > c->now;
	return audit_write(c, "workspace.ban.update", "ban", id, workspace_id,
			   ban_snap(c->arena, &before), ban_snap(c->arena, out));
}

const char *
ban_kick_message(const char *reason)
{
	if (reason && utf8_count(reason, strlen(reason)) <= BAN_KICK_MESSAGE_MAX)
		return reason;
	return BAN_KICK_MESSAGE;
}

enum err
bans_expire(struct ctx *c)
{
	const struct val args[] = { V_INT(c->now), V_INT(c->now) };
	int64_t n = 0;
	enum err err = store_exec(c->store, SQL_BAN_EXPIRE, args, nitems(args), &n);

	if (!err && n > 0)
		log_info("job.run", "ban expiry switched off %lld ban(s)", (long long)n);
	return err;
}
