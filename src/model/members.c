/*
 * members.c: local rank and member records of a workspace; see members.h. No statement here
 * runs without the caller's workspace id, and no Roblox call is made: routes that change
 * roles on Roblox (roblox/roblox.h) store the outcome through these functions afterwards.
 */
#include "model/members.h"

#include <string.h>

#include "model/audit.h"
#include "model/snapshot.h"

#define RANK_COLS                                                                              \
	"r.roblox_role_id, r.rank, r.name, CASE WHEN r.synced_at IS NULL THEN"                 \
	" (SELECT COUNT(*) FROM workspace_members m WHERE m.workspace_id = r.workspace_id"     \
	" AND m.roblox_role_id = r.roblox_role_id) ELSE r.member_count END, r.synced_at"
static const char SQL_RANK_LIST[] = "SELECT " RANK_COLS " FROM workspace_ranks r"
				    " WHERE r.workspace_id = ? ORDER BY r.rank DESC, r.roblox_role_id";
static const char SQL_RANK_GET[] = "SELECT " RANK_COLS " FROM workspace_ranks r"
				   " WHERE r.workspace_id = ? AND r.roblox_role_id = ?";
static const char SQL_RANK_INSERT[] =
	"INSERT INTO workspace_ranks (workspace_id, roblox_role_id, rank, name) VALUES (?, ?, ?, ?)";
static const char SQL_RANK_UPDATE[] =
	"UPDATE workspace_ranks SET rank = ?, name = ? WHERE workspace_id = ? AND roblox_role_id = ?";
static const char SQL_RANK_DELETE[] =
	"DELETE FROM workspace_ranks WHERE workspace_id = ? AND roblox_role_id = ?";
static const char SQL_RANK_HOLDERS[] =
	"SELECT COUNT(*) FROM workspace_members WHERE workspace_id = ? AND roblox_role_id = ?";
static const char SQL_MEMBERS_RERANK[] =
	"UPDATE workspace_members SET rank = ?, updated_at = ? WHERE workspace_id = ?"
	" AND roblox_role_id = ? AND rank <> ?";

static const char SQL_RANK_CLEAR[] = "DELETE FROM workspace_ranks WHERE workspace_id = ?";
static const char SQL_RANK_INSERT_SYNCED[] =
	"INSERT INTO workspace_ranks (workspace_id, roblox_role_id, rank, name, member_count,"
	" synced_at) VALUES (?, ?, ?, ?, ?, ?)";
/* After a sync: holders of a vanished role lose it; the others take their role's rank. */
static const char SQL_MEMBERS_ORPHAN[] =
	"UPDATE workspace_members SET roblox_role_id = NULL, rank = 0, updated_at = ?"
	" WHERE workspace_id = ? AND roblox_role_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM"
	" workspace_ranks r WHERE r.workspace_id = workspace_members.workspace_id AND"
	" r.roblox_role_id = workspace_members.roblox_role_id)";
static const char SQL_MEMBERS_RESYNC[] =
	"UPDATE workspace_members SET rank = (SELECT r.rank FROM workspace_ranks r WHERE"
	" r.workspace_id = workspace_members.workspace_id AND r.roblox_role_id ="
	" workspace_members.roblox_role_id), updated_at = ? WHERE workspace_id = ? AND"
	" roblox_role_id IS NOT NULL AND rank <> (SELECT r.rank FROM workspace_ranks r WHERE"
	" r.workspace_id = workspace_members.workspace_id AND r.roblox_role_id ="
	" workspace_members.roblox_role_id)";
static const char SQL_GROUP_NAME_SET[] = "UPDATE communities SET roblox_group_name = ? WHERE id = ?";

#define MEMBER_COLS                                                                            \
	"roblox_user_id, username, display_name, roblox_role_id, rank, in_game, timezone,"     \
	" synced_at, updated_at"
/* Filters bound in pairs so one statement serves every combination: NULL switches one off. */
#define MEMBER_WHERE                                                                           \
	" WHERE workspace_id = ? AND (? IS NULL OR roblox_user_id = ? OR username_key LIKE ?"  \
	" ESCAPE '\\' OR display_name_key LIKE ? ESCAPE '\\') AND (? IS NULL OR"               \
	" roblox_role_id = ?) AND (? = 0 OR (rank >= ? AND rank > 0))"
static const char SQL_MEMBER_LIST[] = "SELECT " MEMBER_COLS " FROM workspace_members" MEMBER_WHERE
				      " ORDER BY rank DESC, username_key, roblox_user_id"
				      " LIMIT ? OFFSET ?";
static const char SQL_MEMBER_COUNT[] = "SELECT COUNT(*) FROM workspace_members" MEMBER_WHERE;
static const char SQL_MEMBER_GET[] = "SELECT " MEMBER_COLS " FROM workspace_members"
				     " WHERE workspace_id = ? AND roblox_user_id = ?";
static const char SQL_MEMBER_DELETE[] =
	"DELETE FROM workspace_members WHERE workspace_id = ? AND roblox_user_id = ?";
static const char SQL_MEMBER_UPSERT[] =
	"INSERT INTO workspace_members (workspace_id, roblox_user_id, username, username_key,"
	" display_name, display_name_key, roblox_role_id, rank, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, roblox_user_id) DO UPDATE"
	" SET username = excluded.username, username_key = excluded.username_key,"
	" display_name = excluded.display_name, display_name_key = excluded.display_name_key,"
	" roblox_role_id = excluded.roblox_role_id, rank = excluded.rank,"
	" updated_at = excluded.updated_at";

static const char *
lower(struct arena *a, const char *s)
{
	char *k;

	if (s == NULL)
		return NULL;
	k = arena_strdup(a, s);
	for (char *p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return k;
}

static enum err
not_found(struct ctx *c, const char *resource)
{
	return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource", resource,
			(const char *)NULL);
}

/* --- ranks ------------------------------------------------------------------------------------ */

static void
rank_from_row(const struct rows *rs, size_t i, struct ws_rank *r)
{
	r->roblox_role_id = rows_text(rs, i, 0);
	r->rank = (int)rows_int(rs, i, 1);
	r->name = rows_text(rs, i, 2);
	r->member_count = rows_int(rs, i, 3);
	r->synced_at = rows_int(rs, i, 4);
}

enum err
rank_list(struct ctx *c, const char *ws_id, struct ws_rank **out, size_t *n)
{
	const struct val args[] = { V_TEXT(ws_id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_RANK_LIST, args, 1, &rs);

	if (err)
		return err;
	*n = rs.n;
	*out = arena_alloc(c->arena, (rs.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs.n; i++)
		rank_from_row(&rs, i, &(*out)[i]);
	return ERR_OK;
}

enum err
rank_get(struct ctx *c, const char *ws_id, const char *role_id, struct ws_rank *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(role_id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_RANK_GET, args, 2, &rs);

	if (err)
		return err;
	if (rs.n == 0)
		return not_found(c, "rank");
	rank_from_row(&rs, 0, out);
	return ERR_OK;
}

static const char *
rank_snap(struct arena *a, const struct ws_rank *r)
{
	struct snap s;

	snap_begin(&s, a);
	snap_str(&s, "robloxRoleId", r->roblox_role_id);
	snap_int(&s, "rank", r->rank);
	snap_str(&s, "name", r->name);
	return snap_end(&s);
}

enum err
rank_put(struct ctx *c, const char *ws_id, const char *role_id, int rank, const char *name,
	 struct ws_rank *out)
{
	struct ws_rank cur, next = { .roblox_role_id = role_id, .rank = rank, .name = name };
	const char *before = NULL;
	enum err err = rank_get(c, ws_id, role_id, &cur);
	bool exists = err == ERR_OK;

	if (err && err != ERR_RESOURCE_NOT_FOUND)
		return err;
	c->fail = (struct fail){ 0 };
	if (exists && cur.rank == rank && strcmp(cur.name, name) == 0) {
		*out = cur; /* a 200 that changes nothing writes nothing */
		return ERR_OK;
	}
	if (exists) {
		const struct val up[] = { V_INT(rank), V_TEXT(name), V_TEXT(ws_id), V_TEXT(role_id) };
		const struct val rr[] = { V_INT(rank), V_INT(c->now), V_TEXT(ws_id), V_TEXT(role_id),
					  V_INT(rank) };
		before = rank_snap(c->arena, &cur);
		err = store_exec(c->store, SQL_RANK_UPDATE, up, nitems(up), NULL);
		/* Holders of the role follow its rank number (staff status may change). */
		if (!err && cur.rank != rank)
			err = store_exec(c->store, SQL_MEMBERS_RERANK, rr, nitems(rr), NULL);
	} else {
		const struct val in[] = { V_TEXT(ws_id), V_TEXT(role_id), V_INT(rank), V_TEXT(name) };
		err = store_exec(c->store, SQL_RANK_INSERT, in, nitems(in), NULL);
	}
	if (!err)
		err = rank_get(c, ws_id, role_id, out);
	if (err)
		return err;
	const char *after = rank_snap(c->arena, &next);
	if (after == NULL || (exists && before == NULL))
		return ERR_INTERNAL;
	return audit_write(c, exists ? "workspace.rank.update" : "workspace.rank.create", "rank",
			   role_id, ws_id, before, after);
}

enum err
rank_delete(struct ctx *c, const char *ws_id, const char *role_id, struct ws_rank *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(role_id) };
	struct rows rs;
	struct snap s;
	enum err err = rank_get(c, ws_id, role_id, out);

	if (!err)
		err = store_query(c->store, c->arena, SQL_RANK_HOLDERS, args, 2, &rs);
	if (err)
		return err;
	if (rows_int(&rs, 0, 0) > 0) {
		snap_begin(&s, c->arena);
		snap_obj(&s, "references");
		snap_int(&s, "members", rows_int(&rs, 0, 0));
		snap_obj_end(&s);
		return fail_raw(&c->fail, ERR_IN_USE, snap_end(&s));
	}
	err = store_exec(c->store, SQL_RANK_DELETE, args, 2, NULL);
	if (err)
		return err;
	const char *before = rank_snap(c->arena, out);
	if (before == NULL)
		return ERR_INTERNAL;
	return audit_write(c, "workspace.rank.delete", "rank", role_id, ws_id, before, NULL);
}

enum err
rank_sync(struct ctx *c, const char *ws_id, const char *group_name, const struct ws_rank *roles,
	  size_t n)
{
	const struct val ws[] = { V_TEXT(ws_id) };
	const struct val follow[] = { V_INT(c->now), V_TEXT(ws_id) };
	const struct val name[] = { V_TEXT(group_name), V_TEXT(ws_id) };
	struct snap s;
	enum err err = store_exec(c->store, SQL_RANK_CLEAR, ws, nitems(ws), NULL);

	for (size_t i = 0; i < n && !err; i++) {
		const struct val in[] = {
			V_TEXT(ws_id),	       V_TEXT(roles[i].roblox_role_id),
			V_INT(roles[i].rank),  V_TEXT(roles[i].name),
			V_INT(roles[i].member_count), V_INT(c->now),
		};
		err = store_exec(c->store, SQL_RANK_INSERT_SYNCED, in, nitems(in), NULL);
	}
	if (!err)
		err = store_exec(c->store, SQL_MEMBERS_ORPHAN, follow, nitems(follow), NULL);
	if (!err)
		err = store_exec(c->store, SQL_MEMBERS_RESYNC, follow, nitems(follow), NULL);
	if (!err)
		err = store_exec(c->store, SQL_GROUP_NAME_SET, name, nitems(name), NULL);
	if (err)
		return err;
	snap_begin(&s, c->arena);
	snap_str(&s, "robloxGroupName", group_name);
	snap_int(&s, "ranks", (int64_t)n);
	const char *after = snap_end(&s);
	if (after == NULL)
		return ERR_INTERNAL;
	return audit_write(c, "workspace.rank.sync", "workspace", ws_id, ws_id, NULL, after);
}

/* --- members ---------------------------------------------------------------------------------- */

static void
member_from_row(const struct rows *rs, size_t i, struct ws_member *m)
{
	m->roblox_user_id = rows_text(rs, i, 0);
	m->username = rows_text(rs, i, 1);
	m->display_name = rows_text(rs, i, 2);
	m->roblox_role_id = rows_text(rs, i, 3);
	m->rank = (int)rows_int(rs, i, 4);
	m->in_game = rows_int(rs, i, 5) != 0;
	m->timezone = rows_text(rs, i, 6);
	m->synced_at = rows_int(rs, i, 7);
	m->updated_at = rows_int(rs, i, 8);
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
member_list(struct ctx *c, const struct workspace *ws, const struct member_filter *f,
	    int64_t page, int64_t page_size, struct ws_member **out, size_t *n, int64_t *total)
{
	const char *pat = f->search ? like_pattern(c->arena, f->search) : NULL;
	const struct val args[] = {
		V_TEXT(ws->cm.id),	V_TEXT(f->search),	   V_TEXT(f->search),
		V_TEXT(pat),		V_TEXT(pat),		   V_TEXT(f->role_id),
		V_TEXT(f->role_id),	V_INT(f->staff_only),	   V_INT(ws->min_sync_rank),
		V_INT(page_size),	V_INT((page - 1) * page_size),
	};
	struct rows rs, cnt;
	enum err err;

	err = store_query(c->store, c->arena, SQL_MEMBER_COUNT, args, nitems(args) - 2, &cnt);
	if (!err)
		err = store_query(c->store, c->arena, SQL_MEMBER_LIST, args, nitems(args), &rs);
	if (err)
		return err;
	*total = rows_int(&cnt, 0, 0);
	*n = rs.n;
	*out = arena_alloc(c->arena, (rs.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs.n; i++)
		member_from_row(&rs, i, &(*out)[i]);
	return ERR_OK;
}

enum err
member_get(struct ctx *c, const char *ws_id, const char *user_id, struct ws_member *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(user_id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_MEMBER_GET, args, 2, &rs);

	if (err)
		return err;
	if (rs.n == 0)
		return not_found(c, "member");
	member_from_row(&rs, 0, out);
	return ERR_OK;
}

static const char *
member_snap(struct arena *a, const struct ws_member *m)
{
	struct snap s;

	snap_begin(&s, a);
	snap_str(&s, "username", m->username);
	snap_str(&s, "displayName", m->display_name);
	snap_str(&s, "robloxRoleId", m->roblox_role_id);
	snap_int(&s, "rank", m->rank);
	return snap_end(&s);
}

static bool
str_same(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

enum err
member_put(struct ctx *c, const char *ws_id, const struct member_input *in, struct ws_member *out)
{
	struct ws_member cur, next = { 0 };
	struct ws_rank role;
	const char *before = NULL, *after;
	enum err err;
	bool exists;

	next.roblox_user_id = in->roblox_user_id;
	next.username = in->username;
	next.display_name = in->display_name;
	next.roblox_role_id = in->roblox_role_id;
	if (in->roblox_role_id != NULL) {
		err = rank_get(c, ws_id, in->roblox_role_id, &role);
		if (err == ERR_RESOURCE_NOT_FOUND) {
			struct snap s;
			const char *ids[] = { in->roblox_role_id };
			snap_begin(&s, c->arena);
			snap_strs(&s, "ids", ids, 1);
			return fail_raw(&c->fail, ERR_UNKNOWN_IDS, snap_end(&s));
		}
		if (err)
			return err;
		next.rank = role.rank;
	}
	err = member_get(c, ws_id, in->roblox_user_id, &cur);
	exists = err == ERR_OK;
	if (err && err != ERR_RESOURCE_NOT_FOUND)
		return err;
	c->fail = (struct fail){ 0 };
	if (exists && strcmp(cur.username, next.username) == 0 &&
	    str_same(cur.display_name, next.display_name) &&
	    str_same(cur.roblox_role_id, next.roblox_role_id) && cur.rank == next.rank) {
		*out = cur;
		return ERR_OK;
	}
	const struct val args[] = {
		V_TEXT(ws_id),
		V_TEXT(in->roblox_user_id),
		V_TEXT(in->username),
		V_TEXT(lower(c->arena, in->username)),
		V_TEXT(in->display_name),
		V_TEXT(lower(c->arena, in->display_name)),
		V_TEXT(in->roblox_role_id),
		V_INT(next.rank),
		V_INT(c->now),
	};
	if (exists)
		before = member_snap(c->arena, &cur);
	err = store_exec(c->store, SQL_MEMBER_UPSERT, args, nitems(args), NULL);
	if (!err)
		err = member_get(c, ws_id, in->roblox_user_id, out);
	if (err)
		return err;
	after = member_snap(c->arena, out);
	if (after == NULL || (exists && before == NULL))
		return ERR_INTERNAL;
	return audit_write(c, exists ? "workspace.member.update" : "workspace.member.create",
			   "member", in->roblox_user_id, ws_id, before, after);
}

enum err
member_remove(struct ctx *c, const char *ws_id, const char *user_id, bool *removed)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(user_id) };
	struct ws_member cur;
	const char *before;
	enum err err = member_get(c, ws_id, user_id, &cur);

	*removed = false;
	if (err == ERR_RESOURCE_NOT_FOUND) {
		c->fail = (struct fail){ 0 };
		return ERR_OK;
	}
	if (err)
		return err;
	before = member_snap(c->arena, &cur);
	if (before == NULL)
		return ERR_INTERNAL;
	err = store_exec(c->store, SQL_MEMBER_DELETE, args, nitems(args), NULL);
	if (err)
		return err;
	*removed = true;
	return audit_write(c, "workspace.member.delete", "member", user_id, ws_id, before, NULL);
}
