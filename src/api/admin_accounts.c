/*
 * admin_accounts.c: /api/admin/users/set-password and /api/admin/removed-accounts
 * (staff-admin.md A14-A17). The gate has authenticated, checked scope, CSRF and the route
 * permission, and validated the body and query against the tables below; handlers read ids
 * and call model/users.c (A14) or model/accounts.c (A15-A17), which apply H11 and audit.
 * A14 hashes with no transaction open (its row says `outbound`), then re-checks the caller,
 * its credential and permission, and the target, and writes everything in one write
 * transaction (§8).
 */
#include <string.h>

#include "api/accounts_int.h"
#include "api/api.h"
#include "auth/auth.h"
#include "auth/perm.h"
#include "auth/secret.h"
#include "core/id.h"
#include "core/limits.h"
#include "model/accounts.h"
#include "model/roles.h"
#include "model/users.h"

static const char ID_REASON[] = "must be a 24-character lowercase hex id";

void
write_removed_account(struct jw *w, const struct removed_account *ra, const struct actor *a,
		      int64_t now)
{
	bool open = strcmp(ra->status, "soft_deleted") == 0;
	bool below = hier_outranks(a->level, ra->level);
	bool restore = open && below && (a->perms & PERM_BIT(PERM_RESTORE_ACCOUNTS)) &&
		       now < ra->retention_expires_at;
	bool erase = open && below && (a->perms & PERM_BIT(PERM_ERASE_ACCOUNTS));

	jw_obj(w);
	jw_kstr(w, "id", ra->id);
	jw_kstr(w, "deletionId", ra->deletion_id);
	jw_kstr(w, "username", ra->username);
	jw_kstr(w, "email", ra->email);
	jw_kstr(w, "robloxUserId", ra->roblox_user_id);
	jw_key(w, "role");
	write_role_ref(w, ra->role_id, ra->role_name, ra->level, ra->role_color);
	jw_kint(w, "level", ra->level);
	jw_kstr(w, "status", ra->status);
	jw_kstr(w, "reason", ra->reason);
	jw_ktime(w, "deletedAt", ra->deleted_at);
	jw_key(w, "deletedBy");
	write_user_ref(w, ra->deleted_by, ra->deleted_by_name);
	jw_ktime(w, "retentionExpiresAt", ra->retention_expires_at);
	jw_ktime(w, "restoredAt", ra->restored_at);
	jw_key(w, "restoredBy");
	write_user_ref(w, ra->restored_by, ra->restored_by_name);
	jw_kstr(w, "restoreReason", ra->restore_reason);
	jw_kbool(w, "canRestore", restore);
	jw_kbool(w, "canErase", erase);
	jw_obj_end(w);
}

/* --- A14 set-password ------------------------------------------------------------------------- */

/*
 * After the slow step, inside the write transaction (§1.4): the credential the gate accepted
 * is still live, the actor still active, not locked by a password change, and still holds
 * the route's permission. A revocation or demotion during hashing therefore wins (SEC R04).
 */
static enum err
actor_recheck(struct req *r, enum perm perm)
{
	struct ctx *c = &r->ctx;
	char user_id[ID_LEN + 1];
	enum err err;

	memcpy(user_id, c->actor.user_id, sizeof(user_id));
	err = user_credential_check(c);
	if (!err)
		err = actor_load(c, user_id);
	if (err)
		return err;
	if (c->actor.pw_change_required)
		return ERR_PASSWORD_CHANGE_REQUIRED;
	if (!(c->actor.perms & PERM_BIT(perm)))
		return fail_set(&c->fail, r->arena, ERR_FORBIDDEN, "permission",
				perm_catalogue[perm].key, (const char *)NULL);
	return ERR_OK;
}

/* data.user: UserSummary (§1.8) plus passwordChangeRequired. */
static void
write_summary(struct jw *w, const struct user *u)
{
	jw_obj(w);
	jw_kstr(w, "id", u->id);
	jw_kstr(w, "username", u->username);
	jw_kstr(w, "robloxUserId", u->roblox_user_id);
	jw_key(w, "role");
	write_role_ref(w, u->role_id, u->role_name, u->level, u->role_color);
	jw_kint(w, "level", u->level);
	jw_kstr(w, "status", u->status);
	jw_kbool(w, "passwordChangeRequired", u->pw_change_required);
	jw_obj_end(w);
}

static void
answer_reset(struct req *r, const struct user *u, int64_t sessions, int64_t keys)
{
	jw_key(&r->w, "user");
	write_summary(&r->w, u);
	jw_key(&r->w, "revoked");
	jw_obj(&r->w);
	jw_kint(&r->w, "sessions", sessions);
	jw_kint(&r->w, "apiKeys", keys);
	jw_obj_end(&r->w);
}

static enum err
accounts_set_password(struct req *r)
{
	struct ctx *c = &r->ctx;
	const char *id = json_str(r->json, "userId");
	const char *pw = json_str(r->json, "newPassword");
	char hash[SECRET_PW_MAX];
	int64_t sessions = 0, keys = 0;
	struct user u;
	enum err err;

	if (!id_is_valid(id))
		return ctx_fail(c, ERR_INVALID_FIELD, "userId", ID_REASON);
	if (strlen(pw) > LIMIT_PASSWORD_BYTES)
		return ctx_fail(c, ERR_INVALID_FIELD, "newPassword", "must be at most 1024 bytes");
	/* Steps 11-12 before hashing, so a refused request costs no argon2id run. */
	err = req_tx_begin(r, false);
	if (!err)
		err = user_reset_check(c, id, pw, &u);
	req_tx_rollback(r);
	if (err)
		return err;
	err = pw_hash_bounded(&r->ctx.fail, pw, hash);
	if (!err)
		err = req_tx_begin(r, true);
	if (!err)
		err = actor_recheck(r, PERM_RESET_PASSWORDS);
	if (!err)
		err = user_reset_password(c, id, pw, hash, &u, &sessions, &keys);
	secret_wipe(hash, sizeof(hash));
	if (err)
		return err;
	answer_reset(r, &u, sessions, keys);
	return ERR_OK;
}

/* --- A15-A17 removed accounts ----------------------------------------------------------------- */

static enum err
accounts_list(struct req *r)
{
	struct account_filter f = { 0 };
	struct removed_account *v;
	size_t n;
	int64_t total;
	enum err err;

	f.search = req_query(r, "search");
	f.status = req_query(r, "status");
	req_paging(r, &f.page, &f.page_size);
	err = account_list(&r->ctx, &f, &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "users");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_removed_account(&r->w, &v[i], &r->ctx.actor, r->ctx.now);
	jw_arr_end(&r->w);
	write_paging(&r->w, f.page, f.page_size, total);
	return ERR_OK;
}

/* §1.5, I-1, I-10: userId in the body or the query; both present and different -> id_mismatch. */
static enum err
input_user_id(struct req *r, const char **id)
{
	const char *body = json_str(r->json, "userId"), *query = req_query(r, "userId");

	*id = NULL;
	if (body != NULL && !id_is_valid(body))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "userId", ID_REASON);
	if (body != NULL && query != NULL && strcmp(body, query) != 0)
		return fail_set(&r->ctx.fail, r->arena, ERR_ID_MISMATCH, "field", "userId",
				(const char *)NULL);
	*id = body != NULL ? body : query;
	if (*id == NULL)
		return fail_set(&r->ctx.fail, r->arena, ERR_MISSING_FIELD, "field", "userId",
				(const char *)NULL);
	return ERR_OK;
}

static enum err
accounts_restore(struct req *r)
{
	struct removed_account ra;
	const char *id;
	enum err err;

	err = input_user_id(r, &id);
	if (!err)
		err = account_restore(&r->ctx, id, json_str(r->json, "reason"), &ra);
	if (err)
		return err;
	jw_key(&r->w, "user");
	write_removed_account(&r->w, &ra, &r->ctx.actor, r->ctx.now);
	return ERR_OK;
}

static enum err
accounts_erase(struct req *r)
{
	struct account_erasure e;
	struct jw *w = &r->w;
	const char *id;
	enum err err;

	err = input_user_id(r, &id);
	if (!err)
		err = account_erase(&r->ctx, id, json_str(r->json, "confirm"),
				    json_str(r->json, "reason"), &e);
	if (err)
		return err;
	jw_key(w, "deletion");
	jw_obj(w);
	jw_kstr(w, "userId", e.user_id);
	jw_kstr(w, "deletionId", e.deletion_id);
	jw_kstr(w, "status", "erased");
	jw_ktime(w, "erasedAt", e.erased_at);
	jw_key(w, "erasedBy");
	write_user_ref(w, e.erased_by, e.erased_by_name);
	jw_key(w, "removed");
	jw_obj(w);
	jw_kint(w, "sessions", e.sessions);
	jw_kint(w, "apiKeys", e.api_keys);
	jw_kint(w, "identitySignals", e.identity_signals);
	jw_kint(w, "clusterMemberships", e.cluster_memberships);
	jw_kint(w, "allowlistEntries", e.allowlist_entries);
	jw_kint(w, "auditEntriesScrubbed", e.audit_scrubbed);
	jw_obj_end(w);
	jw_obj_end(w);
	return ERR_OK;
}

static const struct field set_password_fields[] = {
	{ "userId", FT_STRING, F_REQUIRED, TEXT_NAME, 1, ID_LEN, 0 },
	{ "newPassword", FT_STRING, F_REQUIRED | F_NOCHECK, TEXT_PASSWORD, LIMIT_PASSWORD_MIN,
	  LIMIT_PASSWORD_MAX, 0 },
	{ 0 },
};

static const char *const status_values[] = { "soft_deleted", "restored", NULL };

static const struct qfield list_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "search", Q_TEXT, 1, 100, false, NULL },
	{ "status", Q_ENUM, 0, 0, false, status_values },
	{ 0 },
};

static const struct field restore_fields[] = {
	{ "userId", FT_STRING, 0, TEXT_NAME, 1, ID_LEN, 0 },
	{ "reason", FT_STRING, F_NULLABLE, TEXT_FREE, 0, 500, 0 },
	{ 0 },
};

/* confirm is compared byte for byte with the username and never stored: length rules only. */
static const struct field erase_fields[] = {
	{ "userId", FT_STRING, 0, TEXT_NAME, 1, ID_LEN, 0 },
	{ "confirm", FT_STRING, F_REQUIRED | F_NOCHECK, TEXT_PASSWORD, 1, 64, 0 },
	{ "reason", FT_STRING, F_NULLABLE, TEXT_FREE, 0, 500, 0 },
	{ 0 },
};

static const struct qfield user_id_query[] = {
	{ "userId", Q_ID, 0, 0, false, NULL },
	{ 0 },
};

static const struct route admin_accounts_routes[] = {
	{ .method = M_POST, .path = "/api/admin/users/set-password", .fn = accounts_set_password,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_USERS_WRITE,
	  .perm = PERM_RESET_PASSWORDS, .body = set_password_fields, .writes = true,
	  .outbound = true,
	  .summary = "Set another user's password; ends its sessions and keys (A14)" },
	{ .method = M_GET, .path = "/api/admin/removed-accounts", .fn = accounts_list,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_READ,
	  .perm = PERM_VIEW_REMOVED_ACCOUNTS, .query = list_query,
	  .summary = "Soft-deleted and restored accounts, paged and searchable (A15)" },
	{ .method = M_PATCH, .path = "/api/admin/removed-accounts", .fn = accounts_restore,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_WRITE,
	  .perm = PERM_RESTORE_ACCOUNTS, .body = restore_fields, .query = user_id_query,
	  .writes = true, .summary = "Restore a soft-deleted account (A16)" },
	{ .method = M_DELETE, .path = "/api/admin/removed-accounts", .fn = accounts_erase,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_WRITE,
	  .perm = PERM_ERASE_ACCOUNTS, .body = erase_fields, .query = user_id_query,
	  .writes = true, .summary = "Permanently erase a soft-deleted account (A17)" },
};

ROUTE_TABLE(api_admin_accounts_routes, admin_accounts_routes);
