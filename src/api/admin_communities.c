/*
 * admin_communities.c: /api/admin/communities (staff-admin.md A8-A12). The gate has
 * authenticated, checked scope, CSRF and the route permission, and validated the body against
 * the tables below; handlers check the formats that need no stored data (ids, iconUrl, q),
 * call model/communities.c, which applies §5 and audits, and write the Community object of
 * §1.8 or UserSummary objects.
 */
#include <string.h>

#include "api/api.h"
#include "auth/perm.h"
#include "core/id.h"
#include "core/limits.h"
#include "model/communities.h"

static const char ID_REASON[] = "must be a 24-character lowercase hex id";

static void
write_entries(struct jw *w, const struct community_entry *v, size_t n)
{
	jw_arr(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, v[i].id);
	jw_arr_end(w);
}

/* The Community object of §1.8; the can* flags are judged for the actor a. */
static void
write_community(struct jw *w, const struct community *cm, const struct actor *a)
{
	bool edit = (a->perms & PERM_BIT(PERM_MANAGE_COMMUNITIES)) != 0;

	jw_obj(w);
	jw_kstr(w, "id", cm->id);
	jw_kstr(w, "name", cm->name);
	jw_kstr(w, "iconUrl", cm->icon_url);
	jw_kbool(w, "isDefault", cm->is_default);
	jw_key(w, "allowedRoleIds");
	write_entries(w, cm->roles, cm->n_roles);
	jw_key(w, "allowedUserIds");
	write_entries(w, cm->users, cm->n_users);
	jw_kstr(w, "robloxGroupId", cm->roblox_group_id);
	jw_kbool(w, "canModerate", community_may_moderate(a, cm));
	jw_kbool(w, "canEdit", edit);
	jw_kbool(w, "canDelete", edit && !cm->is_default);
	jw_ktime(w, "createdAt", cm->created_at);
	jw_ktime(w, "updatedAt", cm->updated_at);
	jw_obj_end(w);
}

static enum err
answer_community(struct req *r, const struct community *cm)
{
	jw_key(&r->w, "community");
	write_community(&r->w, cm, &r->ctx.actor);
	return ERR_OK;
}

/* An id array: the gate checked strings, count and duplicates; each must look like an id. */
static enum err
input_ids(struct req *r, const char *field, const char *const **ids, size_t *n, bool *set)
{
	const char **v = json_str_list(r->json, field, r->arena, n);

	*set = json_has(r->json, field);
	*ids = v;
	for (size_t i = 0; i < *n; i++)
		if (!id_is_valid(v[i]))
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD, field, ID_REASON);
	return ERR_OK;
}

/* The fields A9 and A10 share, in the order of their tables. */
static enum err
input_community(struct req *r, struct community_input *in)
{
	const char *reason;
	enum err err;

	in->name = json_str(r->json, "name");
	in->icon_set = json_has(r->json, "iconUrl");
	in->icon_url = json_str(r->json, "iconUrl");
	if (in->icon_url != NULL && !community_icon_is_valid(in->icon_url, &reason))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "iconUrl", reason);
	in->default_set = json_has(r->json, "isDefault");
	in->is_default = json_bool(r->json, "isDefault", false);
	err = input_ids(r, "allowedRoleIds", &in->role_ids, &in->n_role_ids, &in->roles_set);
	if (!err)
		err = input_ids(r, "allowedUserIds", &in->user_ids, &in->n_user_ids,
				&in->users_set);
	return err;
}

static enum err
communities_list(struct req *r)
{
	struct community *v;
	size_t n;
	enum err err = community_list(&r->ctx, &v, &n);

	if (err)
		return err;
	jw_key(&r->w, "communities");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_community(&r->w, &v[i], &r->ctx.actor);
	jw_arr_end(&r->w);
	return ERR_OK;
}

static enum err
communities_create(struct req *r)
{
	struct community_input in = { 0 };
	struct community cm;
	enum err err;

	err = input_community(r, &in);
	if (!err)
		err = community_create(&r->ctx, &in, &cm);
	if (err)
		return err;
	return answer_community(r, &cm);
}

static enum err
communities_update(struct req *r)
{
	struct community_input in = { 0 };
	const char *id = json_str(r->json, "id");
	struct community cm;
	enum err err;

	if (!id_is_valid(id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "id", ID_REASON);
	err = input_community(r, &in);
	if (!err)
		err = community_update(&r->ctx, id, &in, &cm);
	if (err)
		return err;
	return answer_community(r, &cm);
}

/* §1.5, I-10: id in the body or the query; both present and different -> id_mismatch. */
static enum err
input_delete_id(struct req *r, const char **id)
{
	const char *body = json_str(r->json, "id"), *query = req_query(r, "id");

	if (body != NULL && !id_is_valid(body))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "id", ID_REASON);
	if (body != NULL && query != NULL && strcmp(body, query) != 0)
		return fail_set(&r->ctx.fail, r->arena, ERR_ID_MISMATCH, "field", "id",
				(const char *)NULL);
	*id = body != NULL ? body : query;
	if (*id == NULL)
		return fail_set(&r->ctx.fail, r->arena, ERR_MISSING_FIELD, "field", "id",
				(const char *)NULL);
	return ERR_OK;
}

static enum err
communities_delete(struct req *r)
{
	const char *id;
	struct community cm;
	enum err err;

	err = input_delete_id(r, &id);
	if (!err)
		err = community_delete(&r->ctx, id, &cm);
	if (err)
		return err;
	return answer_community(r, &cm);
}

static enum err
communities_user_search(struct req *r)
{
	const char *q = req_query(r, "q"), *term;
	struct user *v;
	size_t n;
	enum err err;

	/* A12: a missing or (after trimming) empty q is invalid_parameter, like an oversize one. */
	if (q == NULL)
		return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_PARAMETER, "parameter", "q",
				"reason", "is required", (const char *)NULL);
	if (!community_search_term(r->arena, q, &term))
		return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_PARAMETER, "parameter", "q",
				"reason", "must be 1-100 characters after trimming",
				(const char *)NULL);
	err = community_user_search(&r->ctx, term, &v, &n);
	if (err)
		return err;
	jw_key(&r->w, "users");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_user_summary(&r->w, &v[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

static const struct field communities_create_fields[] = {
	{ "name", FT_STRING, F_REQUIRED, TEXT_NAME, COMMUNITY_NAME_MIN, COMMUNITY_NAME_MAX, 0 },
	{ "iconUrl", FT_STRING, F_NULLABLE, TEXT_NAME, 1, COMMUNITY_ICON_MAX, 0 },
	{ "isDefault", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },
	{ "allowedRoleIds", FT_STR_ARRAY, 0, TEXT_NAME, 0, COMMUNITY_ROLE_IDS_MAX, ID_LEN },
	{ "allowedUserIds", FT_STR_ARRAY, 0, TEXT_NAME, 0, COMMUNITY_USER_IDS_MAX, ID_LEN },
	{ 0 },
};

/* I-11: name is required on update too (send the current name to keep it). */
static const struct field communities_update_fields[] = {
	{ "id", FT_STRING, F_REQUIRED, TEXT_NAME, 1, ID_LEN, 0 },
	{ "name", FT_STRING, F_REQUIRED, TEXT_NAME, COMMUNITY_NAME_MIN, COMMUNITY_NAME_MAX, 0 },
	{ "iconUrl", FT_STRING, F_NULLABLE, TEXT_NAME, 1, COMMUNITY_ICON_MAX, 0 },
	{ "isDefault", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },
	{ "allowedRoleIds", FT_STR_ARRAY, 0, TEXT_NAME, 0, COMMUNITY_ROLE_IDS_MAX, ID_LEN },
	{ "allowedUserIds", FT_STR_ARRAY, 0, TEXT_NAME, 0, COMMUNITY_USER_IDS_MAX, ID_LEN },
	{ 0 },
};

static const struct field communities_delete_fields[] = {
	{ "id", FT_STRING, 0, TEXT_NAME, 1, ID_LEN, 0 },
	{ 0 },
};

static const struct qfield communities_delete_query[] = {
	{ "id", Q_ID, 0, 0, false, NULL },
	{ 0 },
};

/* The gate only bounds q; the 1-100 rule applies after trimming, in the handler. */
static const struct qfield communities_search_query[] = {
	{ "q", Q_TEXT, 0, LIMIT_TEXT, false, NULL },
	{ 0 },
};

static const struct route admin_communities_routes[] = {
	{ .method = M_GET, .path = "/api/admin/communities", .fn = communities_list,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_READ,
	  .perm = PERM_VIEW_STAFF, .summary = "Communities the caller may moderate (A8)" },
	{ .method = M_POST, .path = "/api/admin/communities", .fn = communities_create,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_WRITE,
	  .perm = PERM_MANAGE_COMMUNITIES, .body = communities_create_fields, .writes = true,
	  .summary = "Create a community with allow-lists (A9)" },
	{ .method = M_PUT, .path = "/api/admin/communities", .fn = communities_update,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_WRITE,
	  .perm = PERM_MANAGE_COMMUNITIES, .body = communities_update_fields, .writes = true,
	  .summary = "Update a community and its allow-lists (A10)" },
	{ .method = M_DELETE, .path = "/api/admin/communities", .fn = communities_delete,
	  .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_WRITE,
	  .perm = PERM_MANAGE_COMMUNITIES, .body = communities_delete_fields,
	  .query = communities_delete_query, .writes = true,
	  .summary = "Delete a community that is not the default and has no game keys (A11)" },
	{ .method = M_GET, .path = "/api/admin/communities/user-search",
	  .fn = communities_user_search, .surface = SURF_API, .auth = AUTH_COOKIE | AUTH_KEY,
	  .scope = SCOPE_STAFF_READ, .perm = PERM_MANAGE_COMMUNITIES,
	  .query = communities_search_query,
	  .summary = "Find active accounts for allow-list editing (A12)" },
};

ROUTE_TABLE(api_admin_communities_routes, admin_communities_routes);
