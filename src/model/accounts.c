/*
 * accounts.c: deletion records and the soft-delete / restore / erase transitions; see
 * accounts.h. An account has at most one open (soft_deleted) record, enforced by a partial
 * unique index; every transition changes that record with a conditional update first and
 * fails with 409 when another request got there before it.
 */
#include "model/accounts.h"

#include <string.h>

#include "auth/auth.h"
#include "model/audit.h"
#include "model/ignored.h"
#include "model/roles.h"
#include "model/scrub.h"
#include "model/snapshot.h"
#include "model/users.h"

/* Former usernames, emails and Roblox ids an erasure also scrubs from audit snapshots. */
#define ACCOUNT_VALUES_MAX 64

#define RA_COLS                                                                                \
	"d.user_id, d.id, u.username, u.email, u.roblox_user_id, d.role_id, r.name, r.color,"   \
	" COALESCE(r.level, 0), d.status, d.reason, d.deleted_at, d.deleted_by, db.username,"   \
	" d.retention_expires_at, d.restored_at, d.restored_by, rb.username, d.restore_reason"
#define RA_FROM                                                                                \
	" FROM account_deletions d JOIN users u ON u.id = d.user_id"                             \
	" LEFT JOIN roles r ON r.id = d.role_id LEFT JOIN users db ON db.id = d.deleted_by"      \
	" LEFT JOIN users rb ON rb.id = d.restored_by"
/* Erased records are never listed (A15); an absent filter binds NULL and drops out. */
#define RA_FILTER                                                                              \
	" WHERE d.status IN ('soft_deleted', 'restored') AND (? IS NULL OR d.status = ?)"        \
	" AND (? IS NULL OR d.user_id = ? OR u.username_key LIKE ? ESCAPE '\\'"                   \
	" OR LOWER(u.email) LIKE ? ESCAPE '\\' OR LOWER(d.reason) LIKE ? ESCAPE '\\')"

static const char SQL_RA_COUNT[] =
	"SELECT COUNT(*) FROM account_deletions d JOIN users u ON u.id = d.user_id" RA_FILTER;
static const char SQL_RA_PAGE[] = "SELECT " RA_COLS RA_FROM RA_FILTER
				  " ORDER BY d.deleted_at DESC, d.id DESC LIMIT ? OFFSET ?";
static const char SQL_RA_GET[] = "SELECT " RA_COLS RA_FROM " WHERE d.id = ?";
/* The account with its open record, if any; H11 counts the role that record retains. */
static const char SQL_ACCOUNT[] =
	"SELECT u.username, u.email, u.roblox_user_id, u.status, COALESCE(r.level, 0), d.id,"
	" d.retention_expires_at, d.role_id, COALESCE(dr.level, 0)"
	" FROM users u LEFT JOIN roles r ON r.id = u.role_id"
	" LEFT JOIN account_deletions d ON d.user_id = u.id AND d.status = 'soft_deleted'"
	" LEFT JOIN roles dr ON dr.id = d.role_id WHERE u.id = ?";
static const char SQL_USER_REMOVE[] =
	"UPDATE users SET status = 'soft_deleted', updated_at = ?"
	" WHERE id = ? AND status = 'active'";
static const char SQL_RECORD_INSERT[] =
	"INSERT INTO account_deletions (id, user_id, status, role_id, reason, deleted_at,"
	" deleted_by, retention_expires_at) VALUES (?, ?, 'soft_deleted', ?, ?, ?, ?, ?)";
static const char SQL_RECORD_RESTORE[] =
	"UPDATE account_deletions SET status = 'restored', restored_at = ?, restored_by = ?,"
	" restore_reason = ? WHERE id = ? AND status = 'soft_deleted'";
static const char SQL_USER_RESTORE[] =
	"UPDATE users SET status = 'active', role_id = ?, updated_at = ?"
	" WHERE id = ? AND status = 'soft_deleted'";
static const char SQL_RECORD_ERASE[] =
	"UPDATE account_deletions SET status = 'erased', reason = NULL, restore_reason = NULL,"
	" erased_at = ?, erased_by = ? WHERE id = ? AND status = 'soft_deleted'";
static const char SQL_RECORDS_ERASE[] =
	"UPDATE account_deletions SET status = 'erased', reason = NULL, restore_reason = NULL"
	" WHERE user_id = ? AND status <> 'erased'";
static const char SQL_KEYS_DELETE[] = "DELETE FROM api_keys WHERE user_id = ?";
static const char SQL_CLUSTERS_OF[] =
	"SELECT cluster_id FROM alt_cluster_members WHERE user_id = ? ORDER BY cluster_id";
/* A shared value the account contributed to a cluster's evidence now links one account fewer. */
static const char SQL_CLUSTER_SIGNALS_DROP[] =
	"UPDATE alt_cluster_signals SET accounts = accounts - 1 WHERE cluster_id = ?"
	" AND EXISTS (SELECT 1 FROM identity_signals s WHERE s.user_id = ?"
	" AND s.type = alt_cluster_signals.type"
	" AND substr(s.hash, 1, 12) = alt_cluster_signals.ref)";
static const char SQL_CLUSTER_SIGNALS_PRUNE[] =
	"DELETE FROM alt_cluster_signals WHERE cluster_id = ? AND accounts < 2";
static const char SQL_CLUSTER_MEMBER_DELETE[] =
	"DELETE FROM alt_cluster_members WHERE cluster_id = ? AND user_id = ?";
static const char SQL_CLUSTER_RESIZE[] =
	"UPDATE alt_clusters SET size = (SELECT COUNT(*) FROM alt_cluster_members m"
	" WHERE m.cluster_id = alt_clusters.cluster_id) WHERE cluster_id = ?";
/* §6.2: a cluster has at least two accounts; members and evidence go with it (cascade). */
static const char SQL_CLUSTER_DROP_SMALL[] =
	"DELETE FROM alt_clusters WHERE cluster_id = ? AND size < 2";
static const char SQL_SIGNALS_DELETE[] = "DELETE FROM identity_signals WHERE user_id = ?";
static const char SQL_ALLOWLIST_DELETE[] = "DELETE FROM community_allowed_users WHERE user_id = ?";
static const char SQL_THROTTLE_DELETE[] =
	"DELETE FROM login_attempts WHERE kind = 'user' AND subject = ?";
static const char SQL_TOMBSTONE[] =
	"UPDATE users SET username = NULL, username_key = NULL, email = NULL,"
	" roblox_user_id = NULL, password_hash = NULL, role_id = NULL,"
	" password_change_required = 0, status = 'erased', erased_at = ?, erased_by = ?,"
	" updated_at = ? WHERE id = ? AND status = 'soft_deleted'";
/* Entries naming the account: as actor, as target, or by its Roblox id (ReAdmin writes). */
#define AUDIT_SUBJECT_COLS                                                                     \
	"SELECT id, actor_user_id, actor_username, actor_roblox_user_id, ip, target_type,"      \
	" target_id, before_json, after_json FROM audit_log"
static const char SQL_AUDIT_SUBJECT[] =
	AUDIT_SUBJECT_COLS " WHERE actor_user_id = ?"
	" UNION " AUDIT_SUBJECT_COLS " WHERE target_type = 'user' AND target_id = ?"
	" UNION " AUDIT_SUBJECT_COLS " WHERE actor_roblox_user_id = ?";
static const char SQL_AUDIT_SCRUB[] =
	"UPDATE audit_log SET actor_username = ?, ip = ?, actor_roblox_user_id = ?,"
	" before_json = ?, after_json = ? WHERE id = ?";
static const char SQL_EXPIRED[] =
	"SELECT user_id FROM account_deletions WHERE status = 'soft_deleted'"
	" AND retention_expires_at <= ? ORDER BY retention_expires_at, id LIMIT ?";

/* The account as a transition sees it. */
struct account {
	const char *id;
	const char *username;
	const char *email;
	const char *roblox_user_id;
	const char *status; /* active | soft_deleted | erased */
	int level;          /* H11: the retained role's while soft-deleted */
	const char *deletion_id; /* the open record; NULL when none */
	int64_t retention_expires_at;
	const char *role_id; /* the retained role */
};

static void
record_from_row(const struct rows *rs, size_t i, struct removed_account *o)
{
	o->id = rows_text(rs, i, 0);
	o->deletion_id = rows_text(rs, i, 1);
	o->username = rows_text(rs, i, 2);
	o->email = rows_text(rs, i, 3);
	o->roblox_user_id = rows_text(rs, i, 4);
	o->role_id = rows_text(rs, i, 5);
	o->role_name = rows_text(rs, i, 6);
	o->role_color = rows_text(rs, i, 7);
	o->level = o->role_id ? (int)rows_int(rs, i, 8) : 0;
	o->status = rows_text(rs, i, 9);
	o->reason = rows_text(rs, i, 10);
	o->deleted_at = rows_int(rs, i, 11);
	o->deleted_by = rows_text(rs, i, 12);
	o->deleted_by_name = rows_text(rs, i, 13);
	o->retention_expires_at = rows_int(rs, i, 14);
	o->restored_at = rows_int(rs, i, 15);
	o->restored_by = rows_text(rs, i, 16);
	o->restored_by_name = rows_text(rs, i, 17);
	o->restore_reason = rows_text(rs, i, 18);
}

static enum err
record_get(struct ctx *c, const char *deletion_id, struct removed_account *out)
{
	const struct val args[] = { V_TEXT(deletion_id) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_RA_GET, args, 1, &rows);

	if (err)
		return err;
	if (rows.n == 0)
		return ERR_INTERNAL; /* written in this transaction: cannot be missing */
	record_from_row(&rows, 0, out);
	return ERR_OK;
}

/* ERR_ACCOUNT_NOT_FOUND for an unknown or erased account. */
static enum err
account_load(struct ctx *c, const char *id, struct account *out)
{
	const struct val args[] = { V_TEXT(id) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_ACCOUNT, args, 1, &rows);

	if (err)
		return err;
	if (rows.n == 0 || strcmp(rows_text(&rows, 0, 3), "erased") == 0)
		return ERR_ACCOUNT_NOT_FOUND;
	out->id = id;
	out->username = rows_text(&rows, 0, 0);
	out->email = rows_text(&rows, 0, 1);
	out->roblox_user_id = rows_text(&rows, 0, 2);
	out->status = rows_text(&rows, 0, 3);
	out->deletion_id = rows_text(&rows, 0, 5);
	out->retention_expires_at = rows_int(&rows, 0, 6);
	out->role_id = rows_text(&rows, 0, 7);
	out->level = out->deletion_id ? (out->role_id ? (int)rows_int(&rows, 0, 8) : 0)
				      : (int)rows_int(&rows, 0, 4);
	return ERR_OK;
}

/* H11 for a request; the retention job and the CLI act outside the hierarchy (H15). */
static enum err
account_outranks(struct ctx *c, int level)
{
	struct role_actor a;
	enum err err;

	if (c->actor.type != ACTOR_USER)
		return ERR_OK;
	err = role_actor_load(c, &a);
	return err ? err : hier_user(&a, level);
}

static const char *
actor_id(const struct ctx *c)
{
	return c->actor.user_id[0] ? c->actor.user_id : NULL;
}

static enum err
account_audit(struct ctx *c, const char *action, const char *id, struct snap *b, struct snap *a)
{
	const char *before = snap_end(b), *after = snap_end(a);

	if (before == NULL || after == NULL)
		return ERR_INTERNAL;
	return audit_write(c, action, "user", id, NULL, before, after);
}

enum err
account_soft_delete(struct ctx *c, const char *user_id, const char *reason,
		    struct removed_account *out)
{
	char did[ID_LEN + 1];
	int64_t sessions, keys, changed = 0;
	struct user t;
	struct snap b, a;
	enum err err;

	err = user_get(c, user_id, &t);
	if (!err)
		err = account_outranks(c, t.level);
	if (err)
		return err;
	id_new(c->now, did);
	const struct val uargs[] = { V_INT(c->now), V_TEXT(user_id) };
	const struct val rargs[] = {
		V_TEXT(did),	V_TEXT(user_id), V_TEXT(t.role_id), V_TEXT(reason),
		V_INT(c->now), V_TEXT(actor_id(c)), V_INT(c->now + ACCOUNT_RETENTION_MS),
	};
	err = store_exec(c->store, SQL_USER_REMOVE, uargs, nitems(uargs), &changed);
	if (!err && changed != 1)
		err = ERR_USER_NOT_FOUND;
	if (!err)
		err = store_exec(c->store, SQL_RECORD_INSERT, rargs, nitems(rargs), NULL);
	/* §7.2: every login session and API key of the account is revoked. */
	if (!err)
		err = user_revoke_credentials(c, user_id, &sessions, &keys);
	if (!err)
		err = record_get(c, did, out);
	if (err)
		return err;
	snap_begin(&b, c->arena);
	snap_str(&b, "status", "active");
	snap_begin(&a, c->arena);
	snap_str(&a, "status", "soft_deleted");
	snap_str(&a, "deletionId", did);
	snap_str(&a, "reason", reason);
	snap_str(&a, "roleId", t.role_id);
	snap_int(&a, "retentionExpiresAt", out->retention_expires_at);
	snap_int(&a, "sessionsRevoked", sessions);
	snap_int(&a, "apiKeysRevoked", keys);
	return account_audit(c, "user.delete", user_id, &b, &a);
}

enum err
account_list(struct ctx *c, const struct account_filter *f, struct removed_account **out,
	     size_t *n, int64_t *total)
{
	const char *like = f->search ? user_like_pattern(c->arena, f->search) : NULL;
	const struct val args[] = {
		V_TEXT(f->status), V_TEXT(f->status), V_TEXT(f->search), V_TEXT(f->search),
		V_TEXT(like),	   V_TEXT(like),      V_TEXT(like),	 V_INT(f->page_size),
		V_INT((f->page - 1) * f->page_size),
	};
	struct rows cnt, rows;
	enum err err;

	err = store_query(c->store, c->arena, SQL_RA_COUNT, args, nitems(args) - 2, &cnt);
	if (!err)
		err = store_query(c->store, c->arena, SQL_RA_PAGE, args, nitems(args), &rows);
	if (err)
		return err;
	*total = rows_int(&cnt, 0, 0);
	*n = rows.n;
	*out = arena_alloc(c->arena, (rows.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rows.n; i++)
		record_from_row(&rows, i, &(*out)[i]);
	return ERR_OK;
}

enum err
account_restore(struct ctx *c, const char *user_id, const char *reason,
		struct removed_account *out)
{
	struct account acc;
	int64_t changed = 0;
	struct snap b, a;
	enum err err;

	err = account_load(c, user_id, &acc);
	if (!err)
		err = account_outranks(c, acc.level);
	if (err)
		return err;
	/* SEC E02: an active account is not removed; past the window it stays refused until the
	 * retention job erases it, after which it is not found. */
	if (acc.deletion_id == NULL)
		return ERR_ACCOUNT_NOT_REMOVED;
	if (c->now >= acc.retention_expires_at)
		return ERR_RETENTION_EXPIRED;
	const struct val rargs[] = { V_INT(c->now), V_TEXT(actor_id(c)), V_TEXT(reason),
				     V_TEXT(acc.deletion_id) };
	const struct val uargs[] = { V_TEXT(acc.role_id), V_INT(c->now), V_TEXT(user_id) };
	/* SEC R03: the conditional update is where a concurrent erase loses or wins (§7.4). */
	err = store_exec(c->store, SQL_RECORD_RESTORE, rargs, nitems(rargs), &changed);
	if (!err && changed != 1)
		err = ERR_ACCOUNT_NOT_REMOVED;
	if (!err)
		err = store_exec(c->store, SQL_USER_RESTORE, uargs, nitems(uargs), &changed);
	if (!err && changed != 1)
		err = ERR_ACCOUNT_NOT_REMOVED;
	if (!err)
		err = record_get(c, acc.deletion_id, out);
	if (err)
		return err;
	snap_begin(&b, c->arena);
	snap_str(&b, "status", "soft_deleted");
	snap_begin(&a, c->arena);
	snap_str(&a, "status", "active");
	snap_str(&a, "deletionId", acc.deletion_id);
	snap_str(&a, "reason", reason);
	snap_str(&a, "roleId", acc.role_id);
	return account_audit(c, "account.restore", user_id, &b, &a);
}

/* §6.3: erasure takes the account out of stored clusters now, not at the next rebuild. */
static enum err
erase_clusters(struct ctx *c, const char *id, int64_t *members)
{
	const struct val args[] = { V_TEXT(id) };
	struct rows cl;
	int64_t n;
	enum err err = store_query(c->store, c->arena, SQL_CLUSTERS_OF, args, 1, &cl);

	*members = 0;
	for (size_t i = 0; !err && i < cl.n; i++) {
		const struct val one[] = { V_TEXT(rows_text(&cl, i, 0)) };
		const struct val two[] = { V_TEXT(rows_text(&cl, i, 0)), V_TEXT(id) };
		err = store_exec(c->store, SQL_CLUSTER_SIGNALS_DROP, two, 2, NULL);
		if (!err)
			err = store_exec(c->store, SQL_CLUSTER_SIGNALS_PRUNE, one, 1, NULL);
		if (!err)
			err = store_exec(c->store, SQL_CLUSTER_MEMBER_DELETE, two, 2, &n);
		if (!err)
			*members += n;
		if (!err)
			err = store_exec(c->store, SQL_CLUSTER_RESIZE, one, 1, NULL);
		if (!err)
			err = store_exec(c->store, SQL_CLUSTER_DROP_SMALL, one, 1, NULL);
	}
	return err;
}

/* Sessions, keys, signals, clusters, allow-lists and throttle rows; counts into out. */
static enum err
erase_rows(struct ctx *c, const struct account *acc, struct account_erasure *out)
{
	const struct val args[] = { V_TEXT(acc->id) };
	const struct val uk[] = { V_TEXT(username_key(c->arena, acc->username)) };
	enum err err;

	err = session_revoke_user(c, acc->id, &out->sessions);
	if (!err)
		err = store_exec(c->store, SQL_KEYS_DELETE, args, 1, &out->api_keys);
	/* Clusters first: their evidence is matched against the signals about to go. */
	if (!err)
		err = erase_clusters(c, acc->id, &out->cluster_memberships);
	if (!err)
		err = store_exec(c->store, SQL_SIGNALS_DELETE, args, 1, &out->identity_signals);
	if (!err)
		err = store_exec(c->store, SQL_ALLOWLIST_DELETE, args, 1, &out->allowlist_entries);
	if (!err)
		err = store_exec(c->store, SQL_THROTTLE_DELETE, uk, 1, NULL);
	return err;
}

static bool
text_same(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/*
 * One audit entry: the account as actor loses its username label and client IP; a Roblox
 * actor id that is the account's is dropped; snapshot values that are the account's
 * username, email or Roblox id (or former ones) become "[erased]", and in entries about the
 * account so do free-text reasons, as its deletion records lose theirs. Ids stay (§7.5).
 */
static enum err
scrub_entry(struct ctx *c, const struct account *acc, const struct rows *e, size_t i,
	    const struct scrub *values, const struct scrub *about, int64_t *scrubbed)
{
	const char *actor = rows_text(e, i, 1);
	bool is_actor = actor != NULL && strcmp(actor, acc->id) == 0;
	bool is_about = text_same(rows_text(e, i, 5), "user") &&
			text_same(rows_text(e, i, 6), acc->id);
	const struct scrub *rule = is_about ? about : values;
	const char *name = is_actor ? NULL : rows_text(e, i, 2);
	const char *ip = is_actor ? NULL : rows_text(e, i, 4);
	const char *rbx = rows_text(e, i, 3);
	const char *before = scrub_json(c->arena, rows_text(e, i, 7), rule);
	const char *after = scrub_json(c->arena, rows_text(e, i, 8), rule);

	for (size_t k = 0; rbx != NULL && k < values->n_values; k++)
		if (strcmp(rbx, values->values[k]) == 0)
			rbx = NULL; /* the account's Roblox id, current or former */
	if (text_same(name, rows_text(e, i, 2)) && text_same(ip, rows_text(e, i, 4)) &&
	    text_same(rbx, rows_text(e, i, 3)) && before == NULL && after == NULL)
		return ERR_OK;
	const struct val args[] = {
		V_TEXT(name),
		V_TEXT(ip),
		V_TEXT(rbx),
		V_TEXT(before ? before : rows_text(e, i, 7)),
		V_TEXT(after ? after : rows_text(e, i, 8)),
		V_TEXT(rows_text(e, i, 0)),
	};
	(*scrubbed)++;
	return store_exec(c->store, SQL_AUDIT_SCRUB, args, nitems(args), NULL);
}

static enum err
erase_audit(struct ctx *c, const struct account *acc, int64_t *scrubbed)
{
	static const char *const keys[] = { "username", "email", "robloxUserId" };
	static const char *const free_text[] = { "reason" };
	const char **vals = arena_alloc(c->arena, ACCOUNT_VALUES_MAX * sizeof(char *));
	size_t n = 0;
	struct rows e;
	enum err err;

	const struct val args[] = { V_TEXT(acc->id), V_TEXT(acc->id), V_TEXT(acc->roblox_user_id) };
	*scrubbed = 0;
	err = store_query(c->store, c->arena, SQL_AUDIT_SUBJECT, args, nitems(args), &e);
	if (err)
		return err;
	vals[n++] = acc->username;
	if (acc->email != NULL)
		vals[n++] = acc->email;
	if (acc->roblox_user_id != NULL)
		vals[n++] = acc->roblox_user_id;
	/* What entries about the account recorded under these names was the account's too. */
	for (size_t i = 0; i < e.n; i++) {
		if (!text_same(rows_text(&e, i, 5), "user") ||
		    !text_same(rows_text(&e, i, 6), acc->id))
			continue;
		for (size_t k = 0; k < nitems(keys); k++) {
			scrub_collect(c->arena, rows_text(&e, i, 7), keys[k], vals, &n,
				      ACCOUNT_VALUES_MAX);
			scrub_collect(c->arena, rows_text(&e, i, 8), keys[k], vals, &n,
				      ACCOUNT_VALUES_MAX);
		}
	}
	const struct scrub values = { vals, n, NULL, 0 };
	const struct scrub about = { vals, n, free_text, nitems(free_text) };
	for (size_t i = 0; !err && i < e.n; i++)
		err = scrub_entry(c, acc, &e, i, &values, &about, scrubbed);
	return err;
}

/* §7.5 in the caller's transaction, after every check passed (SEC E03: no personal rows). */
static enum err
account_erase_one(struct ctx *c, const struct account *acc, const char *reason,
		  struct account_erasure *out)
{
	int64_t changed = 0;
	struct snap b, a;
	bool ignored;
	enum err err;

	memset(out, 0, sizeof(*out));
	out->user_id = acc->id;
	out->deletion_id = acc->deletion_id;
	out->erased_at = c->now;
	out->erased_by = actor_id(c);
	out->erased_by_name = out->erased_by ? c->actor.username : NULL;
	const struct val rargs[] = { V_INT(c->now), V_TEXT(out->erased_by),
				     V_TEXT(acc->deletion_id) };
	const struct val all[] = { V_TEXT(acc->id) };
	const struct val targs[] = { V_INT(c->now), V_TEXT(out->erased_by), V_INT(c->now),
				     V_TEXT(acc->id) };
	/* SEC R03: the conditional update is where a concurrent restore loses or wins (§7.4). */
	err = store_exec(c->store, SQL_RECORD_ERASE, rargs, nitems(rargs), &changed);
	if (!err && changed != 1)
		err = ERR_ACCOUNT_NOT_REMOVED;
	if (!err)
		err = store_exec(c->store, SQL_RECORDS_ERASE, all, 1, NULL);
	if (!err)
		err = erase_rows(c, acc, out);
	/* readmin-compat.md §4.5: the linked Roblox id is never processed again. */
	if (!err && acc->roblox_user_id != NULL)
		err = ignored_add(c, acc->roblox_user_id, IGNORED_REASON_ERASURE, &ignored);
	if (!err)
		err = erase_audit(c, acc, &out->audit_scrubbed);
	if (!err)
		err = store_exec(c->store, SQL_TOMBSTONE, targs, nitems(targs), &changed);
	if (!err && changed != 1)
		err = ERR_ACCOUNT_NOT_REMOVED;
	if (err)
		return err;
	/* Written after the scrub and naming nothing personal: the tombstone id and counts. */
	snap_begin(&b, c->arena);
	snap_str(&b, "status", "soft_deleted");
	snap_begin(&a, c->arena);
	snap_str(&a, "status", "erased");
	snap_str(&a, "deletionId", acc->deletion_id);
	snap_str(&a, "reason", reason);
	snap_obj(&a, "removed");
	snap_int(&a, "sessions", out->sessions);
	snap_int(&a, "apiKeys", out->api_keys);
	snap_int(&a, "identitySignals", out->identity_signals);
	snap_int(&a, "clusterMemberships", out->cluster_memberships);
	snap_int(&a, "allowlistEntries", out->allowlist_entries);
	snap_int(&a, "auditEntriesScrubbed", out->audit_scrubbed);
	snap_obj_end(&a);
	return account_audit(c, "account.erase", acc->id, &b, &a);
}

enum err
account_erase(struct ctx *c, const char *user_id, const char *confirm, const char *reason,
	      struct account_erasure *out)
{
	struct account acc;
	enum err err;

	err = account_load(c, user_id, &acc);
	if (!err)
		err = account_outranks(c, acc.level);
	if (err)
		return err;
	if (acc.deletion_id == NULL)
		return ERR_ACCOUNT_NOT_REMOVED;
	/* SEC E03, A17: compared last, after lookup, hierarchy and state; case-sensitive. */
	if (strcmp(confirm, acc.username) != 0)
		return ERR_CONFIRMATION_REQUIRED;
	return account_erase_one(c, &acc, reason, out);
}

enum err
account_purge_expired(struct ctx *c, int64_t *n)
{
	const struct val args[] = { V_INT(c->now), V_INT(ACCOUNT_PURGE_BATCH) };
	struct account_erasure out;
	struct account acc;
	struct rows due;
	enum err err;

	*n = 0;
	err = store_query(c->store, c->arena, SQL_EXPIRED, args, nitems(args), &due);
	for (size_t i = 0; !err && i < due.n; i++) {
		err = account_load(c, rows_text(&due, i, 0), &acc);
		if (!err)
			err = account_erase_one(c, &acc, "retention_expired", &out);
		if (!err)
			(*n)++;
	}
	return err;
}
