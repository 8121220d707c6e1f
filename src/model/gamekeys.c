/*
 * gamekeys.c: ranking and loader key management; see gamekeys.h. The two tables differ only
 * in the ranking flags, so each statement exists once per table and `k` picks it.
 */
#include "model/gamekeys.h"

#include <string.h>

#include "auth/secret.h"
#include "model/audit.h"
#include "model/snapshot.h"

static const char SQL_RK_LIST[] =
	"SELECT id, name, prefix, ranking_enabled, enable_shouting, enable_join_requests,"
	" enable_exile, allowed_ranks, created_at, last_used_at, revoked_at FROM ranking_keys"
	" WHERE workspace_id = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?";
static const char SQL_LK_LIST[] =
	"SELECT id, name, prefix, 0, 0, 0, 0, '', created_at, last_used_at, revoked_at"
	" FROM loader_keys WHERE workspace_id = ? ORDER BY created_at DESC, id LIMIT ? OFFSET ?";
static const char SQL_RK_COUNT[] = "SELECT COUNT(*) FROM ranking_keys WHERE workspace_id = ?";
static const char SQL_LK_COUNT[] = "SELECT COUNT(*) FROM loader_keys WHERE workspace_id = ?";
static const char SQL_RK_GET[] =
	"SELECT id, name, prefix, ranking_enabled, enable_shouting, enable_join_requests,"
	" enable_exile, allowed_ranks, created_at, last_used_at, revoked_at FROM ranking_keys"
	" WHERE workspace_id = ? AND id = ?";
static const char SQL_LK_GET[] =
	"SELECT id, name, prefix, 0, 0, 0, 0, '', created_at, last_used_at, revoked_at"
	" FROM loader_keys WHERE workspace_id = ? AND id = ?";
static const char SQL_RK_INSERT[] =
	"INSERT INTO ranking_keys (id, workspace_id, name, secret_hash, prefix, ranking_enabled,"
	" enable_shouting, enable_join_requests, enable_exile, allowed_ranks, created_at,"
	" created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_LK_INSERT[] =
	"INSERT INTO loader_keys (id, workspace_id, name, secret_hash, prefix, created_at,"
	" created_by) VALUES (?, ?, ?, ?, ?, ?, ?)";
static const char SQL_RK_UPDATE[] =
	"UPDATE ranking_keys SET name = ?, ranking_enabled = ?, enable_shouting = ?,"
	" enable_join_requests = ?, enable_exile = ?, allowed_ranks = ?"
	" WHERE workspace_id = ? AND id = ?";
static const char SQL_RK_ROTATE[] = "UPDATE ranking_keys SET secret_hash = ?, prefix = ?"
				    " WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL";
static const char SQL_LK_ROTATE[] = "UPDATE loader_keys SET secret_hash = ?, prefix = ?"
				    " WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL";
static const char SQL_RK_REVOKE[] = "UPDATE ranking_keys SET revoked_at = ?"
				    " WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL";
static const char SQL_LK_REVOKE[] = "UPDATE loader_keys SET revoked_at = ?"
				    " WHERE workspace_id = ? AND id = ? AND revoked_at IS NULL";

#define RK(k) ((k) == GAMEKEY_RANKING)

static const char *
kind_name(enum gamekey_kind k)
{
	return RK(k) ? "rankingKey" : "loaderKey";
}

static void
key_from_row(const struct rows *rs, size_t i, struct wskey *o)
{
	o->id = rows_text(rs, i, 0);
	o->name = rows_text(rs, i, 1);
	o->prefix = rows_text(rs, i, 2);
	o->ranking_enabled = rows_int(rs, i, 3) != 0;
	o->enable_shouting = rows_int(rs, i, 4) != 0;
	o->enable_join_requests = rows_int(rs, i, 5) != 0;
	o->enable_exile = rows_int(rs, i, 6) != 0;
	o->allowed_ranks = rows_text(rs, i, 7);
	o->created_at = rows_int(rs, i, 8);
	o->last_used_at = rows_int(rs, i, 9);
	o->revoked_at = rows_int(rs, i, 10);
}

enum err
wskey_list(struct ctx *c, enum gamekey_kind k, const char *ws_id, int64_t page,
	   int64_t page_size, struct wskey **out, size_t *n, int64_t *total)
{
	const struct val args[] = { V_TEXT(ws_id), V_INT(page_size), V_INT((page - 1) * page_size) };
	struct rows rs, cnt;
	enum err err;

	err = store_query(c->store, c->arena, RK(k) ? SQL_RK_COUNT : SQL_LK_COUNT, args, 1, &cnt);
	if (!err)
		err = store_query(c->store, c->arena, RK(k) ? SQL_RK_LIST : SQL_LK_LIST, args, 3, &rs);
	if (err)
		return err;
	*total = rows_int(&cnt, 0, 0);
	*n = rs.n;
	*out = arena_alloc(c->arena, (rs.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs.n; i++)
		key_from_row(&rs, i, &(*out)[i]);
	return ERR_OK;
}

enum err
wskey_get(struct ctx *c, enum gamekey_kind k, const char *ws_id, const char *id,
	  struct wskey *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, RK(k) ? SQL_RK_GET : SQL_LK_GET, args, 2, &rs);

	if (err)
		return err;
	if (rs.n == 0)
		return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource", kind_name(k),
				(const char *)NULL);
	key_from_row(&rs, 0, out);
	return ERR_OK;
}

/* Role ids joined by single spaces, as gamekey_authenticate reads them. */
static const char *
ranks_join(struct arena *a, const char *const *v, size_t n)
{
	size_t len = 1;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	out = p = arena_alloc(a, len);
	*p = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(v[i]);
		if (i)
			*p++ = ' ';
		memcpy(p, v[i], l);
		p += l;
		*p = '\0';
	}
	return out;
}

/* Settings of a key for the audit log: never the secret nor its hash. */
static const char *
key_snap(struct arena *a, enum gamekey_kind k, const struct wskey *o)
{
	struct snap s;

	snap_begin(&s, a);
	snap_str(&s, "name", o->name);
	snap_str(&s, "prefix", o->prefix);
	if (RK(k)) {
		snap_bool(&s, "rankingEnabled", o->ranking_enabled);
		snap_bool(&s, "enableShouting", o->enable_shouting);
		snap_bool(&s, "enableJoinRequestManagement", o->enable_join_requests);
		snap_bool(&s, "enableExile", o->enable_exile);
		snap_str(&s, "allowedRanks", o->allowed_ranks);
	}
	snap_bool(&s, "revoked", o->revoked_at != 0);
	return snap_end(&s);
}

static enum err
key_audit(struct ctx *c, enum gamekey_kind k, const char *verb, const char *ws_id,
	  const struct wskey *before, const struct wskey *after)
{
	const char *b = before ? key_snap(c->arena, k, before) : NULL;
	const char *a = after ? key_snap(c->arena, k, after) : NULL;
	const char *action = arena_printf(c->arena, "workspace.%s.%s", kind_name(k), verb);

	if ((before && b == NULL) || (after && a == NULL))
		return ERR_INTERNAL;
	return audit_write(c, action, kind_name(k), (after ? after : before)->id, ws_id, b, a);
}

/* A fresh secret of kind k with its stored hash and display prefix. */
static void
secret_make(enum gamekey_kind k, char secret[GAMEKEY_SECRET_MAX], char hash[65], char prefix[96])
{
	gamekey_secret_new(k, secret);
	gamekey_hash(secret, hash);
	gamekey_display_prefix(secret, prefix, 96);
}

enum err
wskey_create(struct ctx *c, enum gamekey_kind k, const char *ws_id, const struct wskey_input *in,
	     struct wskey *out, char secret[GAMEKEY_SECRET_MAX])
{
	char id[UUID_LEN + 1], hash[65], prefix[96];
	const char *creator = c->actor.user_id[0] ? c->actor.user_id : NULL;
	enum err err;

	if (RK(k))
		uuid_new(id);
	else
		id_new(c->now, id);
	secret_make(k, secret, hash, prefix);
	if (RK(k)) {
		const struct val args[] = {
			V_TEXT(id),
			V_TEXT(ws_id),
			V_TEXT(in->name),
			V_TEXT(hash),
			V_TEXT(prefix),
			V_INT(in->ranking_set && in->ranking_enabled),
			V_INT(in->shouting_set && in->enable_shouting),
			V_INT(in->join_set && in->enable_join_requests),
			V_INT(in->exile_set && in->enable_exile),
			V_TEXT(ranks_join(c->arena, in->allowed_ranks, in->n_allowed_ranks)),
			V_INT(c->now),
			V_TEXT(creator),
		};
		err = store_exec(c->store, SQL_RK_INSERT, args, nitems(args), NULL);
	} else {
		const struct val args[] = { V_TEXT(id),	    V_TEXT(ws_id), V_TEXT(in->name),
					    V_TEXT(hash),   V_TEXT(prefix), V_INT(c->now),
					    V_TEXT(creator) };
		err = store_exec(c->store, SQL_LK_INSERT, args, nitems(args), NULL);
	}
	if (!err)
		err = wskey_get(c, k, ws_id, id, out);
	if (!err)
		err = key_audit(c, k, "create", ws_id, NULL, out);
	if (err)
		secret_wipe(secret, GAMEKEY_SECRET_MAX);
	return err;
}

static enum err
not_revoked(struct ctx *c, const struct wskey *o, const char *action)
{
	if (o->revoked_at == 0)
		return ERR_OK;
	return fail_set(&c->fail, c->arena, ERR_INVALID_TRANSITION, "from", "revoked", "action",
			action, (const char *)NULL);
}

enum err
wskey_update(struct ctx *c, const char *ws_id, const char *id, const struct wskey_input *in,
	     struct wskey *out)
{
	struct wskey cur, next;
	enum err err = wskey_get(c, GAMEKEY_RANKING, ws_id, id, &cur);

	if (!err)
		err = not_revoked(c, &cur, "update");
	if (err)
		return err;
	next = cur;
	if (in->name_set)
		next.name = in->name;
	if (in->ranking_set)
		next.ranking_enabled = in->ranking_enabled;
	if (in->shouting_set)
		next.enable_shouting = in->enable_shouting;
	if (in->join_set)
		next.enable_join_requests = in->enable_join_requests;
	if (in->exile_set)
		next.enable_exile = in->enable_exile;
	if (in->ranks_set)
		next.allowed_ranks = ranks_join(c->arena, in->allowed_ranks, in->n_allowed_ranks);
	const char *b = key_snap(c->arena, GAMEKEY_RANKING, &cur);
	const char *a = key_snap(c->arena, GAMEKEY_RANKING, &next);
	if (b == NULL || a == NULL)
		return ERR_INTERNAL;
	if (strcmp(a, b) == 0) {
		*out = cur; /* a 200 that changes nothing writes nothing */
		return ERR_OK;
	}
	const struct val args[] = { V_TEXT(next.name),
				    V_INT(next.ranking_enabled),
				    V_INT(next.enable_shouting),
				    V_INT(next.enable_join_requests),
				    V_INT(next.enable_exile),
				    V_TEXT(next.allowed_ranks),
				    V_TEXT(ws_id),
				    V_TEXT(id) };
	err = store_exec(c->store, SQL_RK_UPDATE, args, nitems(args), NULL);
	if (!err)
		err = wskey_get(c, GAMEKEY_RANKING, ws_id, id, out);
	return err ? err : key_audit(c, GAMEKEY_RANKING, "update", ws_id, &cur, out);
}

enum err
wskey_rotate(struct ctx *c, enum gamekey_kind k, const char *ws_id, const char *id,
	     struct wskey *out, char secret[GAMEKEY_SECRET_MAX])
{
	char hash[65], prefix[96];
	struct wskey cur;
	enum err err = wskey_get(c, k, ws_id, id, &cur);

	if (!err)
		err = not_revoked(c, &cur, "rotate");
	if (err)
		return err;
	secret_make(k, secret, hash, prefix);
	const struct val args[] = { V_TEXT(hash), V_TEXT(prefix), V_TEXT(ws_id), V_TEXT(id) };
	err = store_exec(c->store, RK(k) ? SQL_RK_ROTATE : SQL_LK_ROTATE, args, 4, NULL);
	if (!err)
		err = wskey_get(c, k, ws_id, id, out);
	if (!err)
		err = key_audit(c, k, "rotate", ws_id, &cur, out);
	if (err)
		secret_wipe(secret, GAMEKEY_SECRET_MAX);
	return err;
}

enum err
wskey_revoke(struct ctx *c, enum gamekey_kind k, const char *ws_id, const char *id,
	     struct wskey *out)
{
	struct wskey cur;
	const struct val args[] = { V_INT(c->now), V_TEXT(ws_id), V_TEXT(id) };
	enum err err = wskey_get(c, k, ws_id, id, &cur);

	if (err)
		return err;
	if (cur.revoked_at != 0) {
		*out = cur;
		return ERR_OK;
	}
	err = store_exec(c->store, RK(k) ? SQL_RK_REVOKE : SQL_LK_REVOKE, args, 3, NULL);
	if (!err)
		err = wskey_get(c, k, ws_id, id, out);
	return err ? err : key_audit(c, k, "revoke", ws_id, &cur, out);
}
