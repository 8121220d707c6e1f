/*
 * writers.c: the shared objects several API files print: UserRef, RoleRef and UserSummary
 * (staff-admin.md §1.8), so each has exactly one shape.
 */
#include "api/api.h"
#include "model/sessions.h"
#include "model/users.h"

void
write_user_ref(struct jw *w, const char *id, const char *username)
{
	if (id == NULL) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	jw_kstr(w, "id", id);
	jw_kstr(w, "username", username);
	jw_obj_end(w);
}

void
write_role_ref(struct jw *w, const char *id, const char *name, int64_t level, const char *color)
{
	if (id == NULL) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	jw_kstr(w, "id", id);
	jw_kstr(w, "name", name);
	jw_kint(w, "level", level);
	jw_kstr(w, "color", color);
	jw_obj_end(w);
}

void
write_user_summary(struct jw *w, const struct user *u)
{
	jw_obj(w);
	jw_kstr(w, "id", u->id);
	jw_kstr(w, "username", u->username);
	jw_kstr(w, "robloxUserId", u->roblox_user_id);
	jw_key(w, "role");
	write_role_ref(w, u->role_id, u->role_name, u->level, u->role_color);
	jw_kint(w, "level", u->role_id ? u->level : 0);
	jw_kstr(w, "status", u->status);
	jw_obj_end(w);
}

void
write_paging(struct jw *w, int64_t page, int64_t page_size, int64_t total)
{
	jw_kint(w, "page", page);
	jw_kint(w, "pageSize", page_size);
	jw_kint(w, "total", total);
}

void
write_subroles(struct jw *w, const char *key, const struct sess_group *g)
{
	jw_key(w, key);
	jw_arr(w);
	for (size_t i = 0; i < g->n_subroles; i++) {
		jw_obj(w);
		jw_kstr(w, "id", g->subroles[i].id);
		jw_kstr(w, "name", g->subroles[i].name);
		jw_kint(w, "maxUsers", g->subroles[i].max_users);
		jw_kint(w, "minRank", g->subroles[i].min_rank);
		jw_kbool(w, "claimOnce", g->subroles[i].claim_once);
		jw_obj_end(w);
	}
	jw_arr_end(w);
}
