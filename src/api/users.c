/*
 * users.c: /api/users (platform.md §5; /api/alts is not here). Handlers check what needs no
 * stored data (formats, the extra assign_roles permission) and call model/users.c (soft delete:
 * model/accounts.c), which applies H10/H11 and audits. POST hashes the password with no
 * transaction open (the row says `outbound`), then re-checks the actor and writes everything in
 * one write transaction.
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
#include "model/users.h"

static const char ID_REASON[] = "must be a 24-character lowercase hex id";

/* The User object of platform.md §5. */
static void
write_user(struct jw *w, const struct user *u)
{
	jw_obj(w);
	jw_kstr(w, "id", u->id);
	jw_kstr(w, "username", u->username);
	jw_kstr(w, "email", u->email);
	jw_kstr(w, "robloxUserId", u->roblox_user_id);
	jw_key(w, "role");
	write_role_ref(w, u->role_id, u->role_name, u->level, u->role_color);
	jw_kint(w, "level", u->level);
	jw_kstr(w, "status", u->status);
	jw_kbool(w, "passwordChangeRequired", u->pw_change_required);
	jw_ktime(w, "createdAt", u->created_at);
	jw_ktime(w, "lastLoginAt", u->last_login_at);
	jw_obj_end(w);
}

static enum err
answer_user(struct req *r, const struct user *u)
{
	jw_key(&r->w, "user");
	write_user(&r->w, u);
	return ERR_OK;
}

static enum err
path_user_id(struct req *r, const char **id)
{
	*id = req_param(r, 0);
	if (!id_is_valid(*id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "userId", ID_REASON);
	return ERR_OK;
}

/* roleId may repeat up to 10 times; each is an id or `none` (no role). */
static enum err
list_filter(struct req *r, struct user_filter *f)
{
	const char **ids = arena_alloc(r->arena, (r->nquery + 1) * sizeof(char *));

	for (size_t i = 0; i < r->nquery; i++) {
		const char *v = r->query[i].value;
		if (strcmp(r->query[i].name, "roleId") != 0)
			continue;
		if (f->n_role_ids + f->no_role >= USER_ROLE_FILTER_MAX)
			return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_PARAMETER, "parameter",
					"roleId", "reason", "at most 10 values",
					(const char *)NULL);
		if (strcmp(v, "none") == 0)
			f->no_role = true;
		else if (id_is_valid(v))
			ids[f->n_role_ids++] = v;
		else
			return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_PARAMETER, "parameter",
					"roleId", "reason", "must be a role id or none",
					(const char *)NULL);
	}
	f->role_ids = ids;
	f->search = req_query(r, "search");
	req_paging(r, &f->page, &f->page_size);
	return ERR_OK;
}

static enum err
users_list(struct req *r)
{
	struct user_filter f = { 0 };
	struct user *u;
	size_t n;
	int64_t total;
	enum err err;

	err = list_filter(r, &f);
	if (!err)
		err = user_list(&r->ctx, &f, &u, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "users");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_user(&r->w, &u[i]);
	jw_arr_end(&r->w);
	write_paging(&r->w, f.page, f.page_size, total);
	return ERR_OK;
}

static enum err
users_get(struct req *r)
{
	const char *id;
	struct user u;
	enum err err;

	err = path_user_id(r, &id);
	if (!err)
		err = user_get(&r->ctx, id, &u);
	if (err)
		return err;
	return answer_user(r, &u);
}

/* Formats of the profile fields present in the body (the gate checked types and lengths). */
static enum err
input_profile(struct req *r, struct user_input *in)
{
	struct ctx *c = &r->ctx;

	in->username_set = json_has(r->json, "username");
	in->username = json_str(r->json, "username");
	in->email_set = json_has(r->json, "email");
	in->email = json_str(r->json, "email");
	in->roblox_set = json_has(r->json, "robloxUserId");
	in->roblox_user_id = json_str(r->json, "robloxUserId");
	if (in->username != NULL && !username_is_valid(in->username))
		return ctx_fail(c, ERR_INVALID_FIELD, "username",
				"must be 3-32 of A-Z, a-z, 0-9, _, . and -");
	if (in->email != NULL && !email_is_valid(in->email))
		return ctx_fail(c, ERR_INVALID_FIELD, "email",
				"must hold exactly one @ and no whitespace");
	if (in->roblox_user_id != NULL && !roblox_id_is_valid(in->roblox_user_id))
		return ctx_fail(c, ERR_INVALID_FIELD, "robloxUserId",
				"must be a decimal Roblox user id");
	return ERR_OK;
}

/* Step 8 for the extra permission, then the formats; nothing here reads storage. */
static enum err
create_input(struct req *r, struct user_input *in, const char *pw)
{
	in->role_id = json_str(r->json, "roleId");
	if (in->role_id != NULL && !(r->ctx.actor.perms & PERM_BIT(PERM_ASSIGN_ROLES)))
		return fail_set(&r->ctx.fail, r->arena, ERR_FORBIDDEN, "permission", "assign_roles",
				(const char *)NULL);
	if (in->role_id != NULL && !id_is_valid(in->role_id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "roleId", ID_REASON);
	if (pw != NULL && strlen(pw) > LIMIT_PASSWORD_BYTES)
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "password", "is too long");
	return input_profile(r, in);
}

/* After the slow step: the actor is loaded again inside the write transaction (§1.4). */
static enum err
create_recheck(struct req *r, bool with_role)
{
	struct ctx *c = &r->ctx;
	char user_id[ID_LEN + 1];
	enum err err;

	memcpy(user_id, c->actor.user_id, sizeof(user_id));
	err = actor_load(c, user_id);
	if (err)
		return err;
	if (c->actor.pw_change_required)
		return ERR_PASSWORD_CHANGE_REQUIRED;
	if (!(c->actor.perms & PERM_BIT(PERM_MANAGE_USERS)))
		return fail_set(&c->fail, r->arena, ERR_FORBIDDEN, "permission", "manage_users",
				(const char *)NULL);
	if (with_role && !(c->actor.perms & PERM_BIT(PERM_ASSIGN_ROLES)))
		return fail_set(&c->fail, r->arena, ERR_FORBIDDEN, "permission", "assign_roles",
				(const char *)NULL);
	return ERR_OK;
}

static enum err
users_create(struct req *r)
{
	struct user_input in = { 0 };
	const char *pw = json_str(r->json, "password");
	char otp[21] = "", hash[SECRET_PW_MAX];
	struct user u;
	enum err err;

	err = create_input(r, &in, pw);
	if (err)
		return err;
	if (pw == NULL) {
		password_generate(otp);
		pw = otp;
	}
	err = pw_hash_bounded(&r->ctx.fail, pw, hash);
	if (!err)
		err = req_tx_begin(r, true);
	if (!err)
		err = create_recheck(r, in.role_id != NULL);
	if (!err)
		err = user_add(&r->ctx, &in, hash, &u);
	secret_wipe(hash, sizeof(hash));
	if (!err) {
		answer_user(r, &u);
		if (otp[0] != '\0')
			jw_kstr(&r->w, "oneTimePassword", otp); /* shown once, never stored */
	}
	secret_wipe(otp, sizeof(otp));
	return err;
}

static enum err
users_update(struct req *r)
{
	struct user_input in = { 0 };
	const char *id;
	struct user u;
	enum err err;

	err = path_user_id(r, &id);
	if (!err)
		err = input_profile(r, &in);
	if (!err)
		err = user_update(&r->ctx, id, &in, &u);
	if (err)
		return err;
	return answer_user(r, &u);
}

static enum err
users_set_role(struct req *r)
{
	const char *id, *role_id = json_str(r->json, "roleId");
	struct user u;
	enum err err;

	err = path_user_id(r, &id);
	if (err)
		return err;
	/* roleId is required but may be null (remove the role). */
	if (!json_has(r->json, "roleId"))
		return fail_set(&r->ctx.fail, r->arena, ERR_MISSING_FIELD, "field", "roleId",
				(const char *)NULL);
	if (role_id != NULL && !id_is_valid(role_id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "roleId", ID_REASON);
	err = user_assign_role(&r->ctx, id, role_id, &u);
	if (err)
		return err;
	return answer_user(r, &u);
}

static enum err
users_delete(struct req *r)
{
	struct removed_account ra;
	const char *id;
	enum err err;

	err = path_user_id(r, &id);
	if (!err)
		err = account_soft_delete(&r->ctx, id, json_str(r->json, "reason"), &ra);
	if (err)
		return err;
	jw_key(&r->w, "user");
	write_removed_account(&r->w, &ra, &r->ctx.actor, r->ctx.now);
	return ERR_OK;
}

static enum err
users_revoke_sessions(struct req *r)
{
	const char *id;
	int64_t n;
	enum err err;

	err = path_user_id(r, &id);
	if (!err)
		err = user_revoke_sessions(&r->ctx, id, &n);
	if (err)
		return err;
	jw_key(&r->w, "revoked");
	jw_obj(&r->w);
	jw_kint(&r->w, "sessions", n);
	jw_obj_end(&r->w);
	return ERR_OK;
}

static const struct qfield users_list_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "search", Q_TEXT, 1, 100, false, NULL },
	{ "roleId", Q_TEXT, 1, ID_LEN, true, NULL },
	{ 0 },
};

static const struct field users_create_fields[] = {
	{ "username", FT_STRING, F_REQUIRED, TEXT_NAME, 3, 32, 0 },
	{ "password", FT_STRING, F_NOCHECK, TEXT_PASSWORD, LIMIT_PASSWORD_MIN, LIMIT_PASSWORD_MAX,
	  0 },
	{ "email", FT_STRING, F_NULLABLE, TEXT_NAME, 1, USER_EMAIL_MAX, 0 },
	{ "robloxUserId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 19, 0 },
	{ "roleId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, ID_LEN, 0 },
	{ 0 },
};

static const struct field users_update_fields[] = {
	{ "username", FT_STRING, 0, TEXT_NAME, 3, 32, 0 },
	{ "email", FT_STRING, F_NULLABLE, TEXT_NAME, 1, USER_EMAIL_MAX, 0 },
	{ "robloxUserId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 19, 0 },
	{ 0 },
};

static const struct field users_role_fields[] = {
	{ "roleId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, ID_LEN, 0 },
	{ 0 },
};

static const struct field users_delete_fields[] = {
	{ "reason", FT_STRING, F_NULLABLE, TEXT_FREE, 0, 500, 0 },
	{ 0 },
};

static const struct field no_fields[] = { { 0 } };

static const struct route users_routes[] = {
	{ .method = M_GET, .path = "/api/users", .fn = users_list, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_USERS_READ, .perm = PERM_VIEW_USERS,
	  .query = users_list_query, .summary = "Active accounts, paged and searchable" },
	{ .method = M_GET, .path = "/api/users/{userId}", .fn = users_get, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_USERS_READ, .perm = PERM_VIEW_USERS,
	  .summary = "One active account" },
	{ .method = M_POST, .path = "/api/users", .fn = users_create, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_USERS_WRITE, .perm = PERM_MANAGE_USERS,
	  .body = users_create_fields, .writes = true, .outbound = true,
	  .summary = "Create an account; without a password a one-time password is returned once" },
	{ .method = M_PATCH, .path = "/api/users/{userId}", .fn = users_update, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_USERS_WRITE, .perm = PERM_MANAGE_USERS,
	  .body = users_update_fields, .writes = true,
	  .summary = "Edit an account's username, email or Roblox id" },
	{ .method = M_PUT, .path = "/api/users/{userId}/role", .fn = users_set_role,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_USERS_WRITE,
	  .perm = PERM_ASSIGN_ROLES, .body = users_role_fields, .writes = true,
	  .summary = "Give or remove an account's staff role" },
	{ .method = M_DELETE, .path = "/api/users/{userId}", .fn = users_delete,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_USERS_WRITE,
	  .perm = PERM_DELETE_USERS, .body = users_delete_fields, .writes = true,
	  .summary = "Soft-delete an account (restorable for 30 days)" },
	{ .method = M_DELETE, .path = "/api/users/{userId}/sessions", .fn = users_revoke_sessions,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_USERS_WRITE,
	  .perm = PERM_REVOKE_SESSIONS, .body = no_fields, .writes = true,
	  .summary = "End every login session of an account" },
};

ROUTE_TABLE(api_users_routes, users_routes);
