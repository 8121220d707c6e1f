/*
 * actor.c: loads the acting user, its role and held permissions inside the request's
 * transaction, so a demotion or revocation applies to the very next request (SEC H09).
 */
#include "auth/auth.h"

#include <stdio.h>
#include <string.h>

#include "auth/perm.h"

static const char SQL_ACTOR[] =
	"SELECT u.username, u.email, u.roblox_user_id, u.role_id, r.name, r.color, r.level,"
	" r.enforce_whitelist, u.password_change_required, u.created_at, u.last_login_at"
	" FROM users u LEFT JOIN roles r ON r.id = u.role_id"
	" WHERE u.id = ? AND u.status = 'active'";
static const char SQL_ROLE_PERMS[] = "SELECT perm FROM role_permissions WHERE role_id = ?";

enum err
actor_load(struct ctx *c, const char *user_id)
{
	const struct val args[] = { V_TEXT(user_id) };
	struct actor *a = &c->actor;
	struct rows rows, perms;
	enum err err;
	uint64_t stored = 0;

	err = store_query(c->store, c->arena, SQL_ACTOR, args, 1, &rows);
	if (err)
		return err;
	if (rows.n == 0)
		return ERR_UNAUTHENTICATED; /* removed, erased or unknown: one answer */
	a->type = ACTOR_USER;
	snprintf(a->user_id, sizeof(a->user_id), "%s", user_id);
	a->username = rows_text(&rows, 0, 0);
	a->email = rows_text(&rows, 0, 1);
	a->roblox_user_id = rows_text(&rows, 0, 2);
	a->role_id = rows_text(&rows, 0, 3);
	a->role_name = rows_text(&rows, 0, 4);
	a->role_color = rows_text(&rows, 0, 5);
	a->level = a->role_id ? (int)rows_int(&rows, 0, 6) : 0;
	a->enforce_whitelist = rows_int(&rows, 0, 7) != 0;
	a->pw_change_required = rows_int(&rows, 0, 8) != 0;
	a->created_at = rows_int(&rows, 0, 9);
	a->last_login_at = rows_int(&rows, 0, 10);
	if (a->role_id != NULL) {
		const struct val pargs[] = { V_TEXT(a->role_id) };
		err = store_query(c->store, c->arena, SQL_ROLE_PERMS, pargs, 1, &perms);
		if (err)
			return err;
		for (size_t i = 0; i < perms.n; i++) {
			enum perm p = perm_lookup(rows_text(&perms, i, 0));
			if (p != PERM_NONE)
				stored |= PERM_BIT(p);
		}
	}
	/* H1: no role, no permissions. */
	a->perms = a->role_id ? perm_held(stored) : 0;
	return ERR_OK;
}
