/*
 * admin_roles.c: /api/admin/roles and /api/admin/permissions (staff-admin.md A1-A7). The
 * gate has authenticated, checked scope, CSRF and the route permission, and validated the
 * body against the tables below; handlers read ids and colours, call model/roles.c, which
 * applies the hierarchy rules and audits, and write the Role objects of §1.8.
 */
#include <string.h>

#include "api/api.h"
#include "auth/perm.h"
#include "model/roles.h"

static const char ID_REASON[] = "must be a 24-character lowercase hex id";

static void
write_perms(struct jw *w, uint64_t set)
{
	jw_arr(w);
	for (int p = 0; p < PERM_COUNT; p++)
		if (set & PERM_BIT(p))
			jw_str(w, perm_catalogue[p].key);
	jw_arr_end(w);
}

static void
write_ids(struct jw *w, const char *const *ids, size_t n)
{
	jw_arr(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, ids[i]);
	jw_arr_end(w);
}

/* The Role object of §1.8; canEdit and canAssign are judged for the actor a. */
static void
write_role(struct jw *w, const struct role *r, const struct role_actor *a)
{
	jw_obj(w);
	jw_kstr(w, "id", r->id);
	jw_kstr(w, "name", r->name);
	jw_kint(w, "level", r->level);
	jw_kstr(w, "color", r->color);
	jw_kint(w, "position", r->position);
	jw_kbool(w, "enforceWhitelistedRoles", r->enforce_whitelist);
	jw_key(w, "assignableRoles");
	write_ids(w, r->assignable, r->n_assignable);
	jw_key(w, "permissions");
	write_perms(w, r->perms);
	jw_kint(w, "memberCount", r->member_count);
	jw_kbool(w, "isSystem", r->is_system);
	jw_kbool(w, "canEdit", hier_role_may(a, r, PERM_MANAGE_ROLES));
	jw_kbool(w, "canAssign", hier_role_may(a, r, PERM_ASSIGN_ROLES));
	jw_ktime(w, "createdAt", r->created_at);
	jw_ktime(w, "updatedAt", r->updated_at);
	jw_obj_end(w);
}

static void
write_roles(struct jw *w, const struct role_set *s, const struct role_actor *a)
{
	jw_key(w, "roles");
	jw_arr(w);
	for (size_t i = 0; i < s->n; i++)
		write_role(w, &s->v[i], a);
	jw_arr_end(w);
}

/* data.role for the actor as it stands after the change. */
static enum err
answer_role(struct req *r, const struct role *role)
{
	struct role_actor a;
	enum err err = role_actor_load(&r->ctx, &a);

	if (err)
		return err;
	jw_key(&r->w, "role");
	write_role(&r->w, role, &a);
	return ERR_OK;
}

/* absent leaves the colour alone, null clears it, anything else must parse. */
static enum err
input_color(struct req *r, struct role_input *in)
{
	char color[8];
	const char *v = json_str(r->json, "color");

	in->color_set = json_has(r->json, "color");
	if (v == NULL)
		return ERR_OK;
	if (!role_color_parse(v, color))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "color", "must be #rgb or #rrggbb");
	in->color = arena_strdup(r->arena, color);
	return ERR_OK;
}

/* assignableRoles: the gate checked strings, count and duplicates; each must look like an id. */
static enum err
input_assignable(struct req *r, struct role_input *in)
{
	in->assignable_set = json_has(r->json, "assignableRoles");
	in->assignable = json_str_list(r->json, "assignableRoles", r->arena, &in->n_assignable);
	for (size_t i = 0; i < in->n_assignable; i++)
		if (!id_is_valid(in->assignable[i]))
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "assignableRoles", ID_REASON);
	return ERR_OK;
}

/* A7 steps 1-2, shared by A3. */
static enum err
input_perms(struct req *r, struct role_input *in)
{
	size_t n;
	const char **keys = json_str_list(r->json, "permissions", r->arena, &n);

	in->perms_set = json_has(r->json, "permissions");
	if (!in->perms_set)
		return ERR_OK;
	return role_perms_parse(&r->ctx, keys, n, &in->perms);
}

static enum err
input_role_id(struct req *r, const char **id)
{
	*id = json_str(r->json, "roleId");
	if (!id_is_valid(*id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "roleId", ID_REASON);
	return ERR_OK;
}

static enum err
roles_list(struct req *r)
{
	struct role_set s;
	struct role_actor a;
	enum err err;

	err = role_list(&r->ctx, &s);
	if (!err)
		err = role_actor_load(&r->ctx, &a);
	if (err)
		return err;
	write_roles(&r->w, &s, &a);
	jw_key(&r->w, "actor");
	jw_obj(&r->w);
	jw_kstr(&r->w, "userId", a.user_id);
	jw_kint(&r->w, "level", a.level);
	jw_kstr(&r->w, "roleId", a.role_id);
	jw_kbool(&r->w, "enforceWhitelistedRoles", a.enforce_whitelist);
	jw_key(&r->w, "assignableRoleIds");
	write_ids(&r->w, a.assignable, a.n_assignable);
	jw_obj_end(&r->w);
	return ERR_OK;
}

static enum err
roles_create(struct req *r)
{
	struct role_input in = { 0 };
	struct role role;
	enum err err;

	in.name = json_str(r->json, "name");
	in.name_set = true;
	in.level = (int)json_int(r->json, "level", 0);
	in.level_set = true;
	in.enforce_whitelist = json_bool(r->json, "enforceWhitelistedRoles", false);
	in.enforce_set = true;
	err = input_color(r, &in);
	if (!err)
		err = input_assignable(r, &in);
	if (!err)
		err = role_create(&r->ctx, &in, &role);
	if (err)
		return err;
	return answer_role(r, &role);
}

static enum err
roles_update(struct req *r)
{
	struct role_input in = { 0 };
	const char *id;
	struct role role;
	enum err err;

	/* I-5: permissions on A3 need manage_permissions too (a step-8 refusal). */
	if (json_has(r->json, "permissions") &&
	    !(r->ctx.actor.perms & PERM_BIT(PERM_MANAGE_PERMISSIONS)))
		return fail_set(&r->ctx.fail, r->arena, ERR_FORBIDDEN, "permission",
				"manage_permissions", (const char *)NULL);
	err = input_role_id(r, &id);
	if (err)
		return err;
	in.name = json_str(r->json, "name");
	in.name_set = in.name != NULL;
	in.level_set = json_has(r->json, "level");
	in.level = (int)json_int(r->json, "level", 0);
	in.enforce_set = json_has(r->json, "enforceWhitelistedRoles");
	in.enforce_whitelist = json_bool(r->json, "enforceWhitelistedRoles", false);
	err = input_color(r, &in);
	if (!err)
		err = input_assignable(r, &in);
	if (!err)
		err = input_perms(r, &in);
	if (!err && !in.name_set && !in.level_set && !in.enforce_set && !in.color_set &&
	    !in.assignable_set && !in.perms_set)
		err = fail_set(&r->ctx.fail, r->arena, ERR_MISSING_FIELD, "field", "name",
			       (const char *)NULL); /* A3: at least one field besides roleId */
	if (!err)
		err = role_update(&r->ctx, id, &in, &role);
	if (err)
		return err;
	return answer_role(r, &role);
}

static enum err
roles_reorder(struct req *r)
{
	const struct json *arr = json_get(r->json, "orderedRoleIds");
	size_t n = json_array_len(arr);
	const char **ids = arena_alloc(r->arena, (n + 1) * sizeof(char *));
	struct role_set s;
	struct role_actor a;
	enum err err;

	for (size_t i = 0; i < n; i++) {
		ids[i] = json_as_str(json_array_at(arr, i));
		if (!id_is_valid(ids[i]))
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "orderedRoleIds", ID_REASON);
	}
	err = role_reorder(&r->ctx, ids, n, &s);
	if (!err)
		err = role_actor_load(&r->ctx, &a);
	if (err)
		return err;
	write_roles(&r->w, &s, &a);
	return ERR_OK;
}

/* §1.5, I-10: roleId in the body or the query; both present and different -> id_mismatch. */
static enum err
input_delete_id(struct req *r, const char **id)
{
	const char *body = json_str(r->json, "roleId"), *query = req_query(r, "roleId");

	if (body != NULL && !id_is_valid(body))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "roleId", ID_REASON);
	if (body != NULL && query != NULL && strcmp(body, query) != 0)
		return fail_set(&r->ctx.fail, r->arena, ERR_ID_MISMATCH, "field", "roleId",
				(const char *)NULL);
	*id = body != NULL ? body : query;
	if (*id == NULL)
		return fail_set(&r->ctx.fail, r->arena, ERR_MISSING_FIELD, "field", "roleId",
				(const char *)NULL);
	return ERR_OK;
}

static enum err
roles_delete(struct req *r)
{
	const char *id;
	struct role role;
	enum err err;

	err = input_delete_id(r, &id);
	if (!err)
		err = role_delete(&r->ctx, id, &role);
	if (err)
		return err;
	return answer_role(r, &role);
}

static enum err
perms_list(struct req *r)
{
	struct jw *w = &r->w;

	jw_key(w, "permissions");
	jw_arr(w);
	for (int p = 0; p < PERM_COUNT; p++) {
		jw_obj(w);
		jw_kstr(w, "key", perm_catalogue[p].key);
		jw_kstr(w, "label", perm_catalogue[p].label);
		jw_kstr(w, "description", perm_catalogue[p].description);
		jw_kstr(w, "category", perm_catalogue[p].category);
		jw_key(w, "dependsOn");
		write_perms(w, perm_catalogue[p].depends);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	return ERR_OK;
}

static enum err
perms_set(struct req *r)
{
	struct role_input in = { 0 };
	const char *id;
	struct role role;
	enum err err;

	err = input_role_id(r, &id);
	if (!err)
		err = input_perms(r, &in);
	if (!err)
		err = role_set_perms(&r->ctx, id, in.perms, &role);
	if (err)
		return err;
	jw_key(&r->w, "permissions");
	write_perms(&r->w, role.perms);
	jw_kstr(&r->w, "roleId", role.id);
	return ERR_OK;
}

static const struct field roles_create_fields[] = {
	{ "name", FT_STRING, F_REQUIRED, TEXT_NAME, ROLE_NAME_MIN, ROLE_NAME_MAX, 0 },
	{ "level", FT_INT, F_REQUIRED, TEXT_NAME, ROLE_LEVEL_MIN, ROLE_LEVEL_MAX, 0 },
	{ "color", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 7, 0 },
	{ "enforceWhitelistedRoles", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },
	{ "assignableRoles", FT_STR_ARRAY, 0, TEXT_NAME, 0, ROLE_LIMIT, ID_LEN },
	{ 0 },
};

static const struct field roles_update_fields[] = {
	{ "roleId", FT_STRING, F_REQUIRED, TEXT_NAME, 1, ID_LEN, 0 },
	{ "name", FT_STRING, 0, TEXT_NAME, ROLE_NAME_MIN, ROLE_NAME_MAX, 0 },
	{ "color", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 7, 0 },
	{ "level", FT_INT, 0, TEXT_NAME, ROLE_LEVEL_MIN, ROLE_LEVEL_MAX, 0 },
	{ "enforceWhitelistedRoles", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },
	{ "assignableRoles", FT_STR_ARRAY, 0, TEXT_NAME, 0, ROLE_LIMIT, ID_LEN },
	{ "permissions", FT_STR_ARRAY, 0, TEXT_NAME, 0, ROLE_PERMS_MAX, 64 },
	{ 0 },
};

static const struct field roles_reorder_fields[] = {
	{ "orderedRoleIds", FT_ARRAY, F_REQUIRED, TEXT_NAME, 0, 0, 0 },
	{ 0 },
};

static const struct field roles_delete_fields[] = {
	{ "roleId", FT_STRING, 0, TEXT_NAME, 1, ID_LEN, 0 },
	{ 0 },
};

static const struct qfield roles_delete_query[] = {
	{ "roleId", Q_ID, 0, 0, false, NULL },
	{ 0 },
};

static const struct field perms_set_fields[] = {
	{ "roleId", FT_STRING, F_REQUIRED, TEXT_NAME, 1, ID_LEN, 0 },
	{ "permissions", FT_STR_ARRAY, F_REQUIRED, TEXT_NAME, 0, ROLE_PERMS_MAX, 64 },
	{ 0 },
};

static const struct route admin_roles_routes[] = {
	{ .method = M_GET, .path = "/api/admin/roles", .fn = roles_list, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_READ, .perm = PERM_VIEW_STAFF,
	  .summary = "Every role with the caller's edit and assign rights (A1)" },
	{ .method = M_POST, .path = "/api/admin/roles", .fn = roles_create, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_WRITE, .perm = PERM_MANAGE_ROLES,
	  .body = roles_create_fields, .writes = true, .summary = "Create a role (A2)" },
	{ .method = M_PUT, .path = "/api/admin/roles", .fn = roles_update, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_WRITE, .perm = PERM_MANAGE_ROLES,
	  .body = roles_update_fields, .writes = true,
	  .summary = "Update a role's metadata, level, assignable roles or permissions (A3)" },
	{ .method = M_PATCH, .path = "/api/admin/roles", .fn = roles_reorder, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_WRITE, .perm = PERM_MANAGE_ROLES,
	  .body = roles_reorder_fields, .writes = true,
	  .summary = "Reorder roles; display order only (A4)" },
	{ .method = M_DELETE, .path = "/api/admin/roles", .fn = roles_delete, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_WRITE, .perm = PERM_MANAGE_ROLES,
	  .body = roles_delete_fields, .query = roles_delete_query, .writes = true,
	  .summary = "Delete a role; its holders drop to level 0 (A5)" },
	{ .method = M_GET, .path = "/api/admin/permissions", .fn = perms_list, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_READ, .perm = PERM_VIEW_STAFF,
	  .summary = "The permission catalogue with prerequisites (A6)" },
	{ .method = M_PUT, .path = "/api/admin/permissions", .fn = perms_set, .surface = SURF_API,
	  .auth = AUTH_COOKIE | AUTH_KEY, .scope = SCOPE_STAFF_WRITE,
	  .perm = PERM_MANAGE_PERMISSIONS, .body = perms_set_fields, .writes = true,
	  .summary = "Replace one role's permission set (A7)" },
};

ROUTE_TABLE(api_admin_roles_routes, admin_roles_routes);
