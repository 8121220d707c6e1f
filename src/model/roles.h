/*
 * roles.h: staff roles, their permission sets and assignable lists (staff-admin.md A1-A7),
 * and the hierarchy rules H1-H11 of §4 as small named functions. The rules are pure, so the
 * unit tests call them directly; the operations load every role inside the caller's
 * transaction, apply the rules in the check order of §1.6, write, and audit in the same
 * transaction. Results live in the ctx arena. Includers: api/, cli/ and other model files.
 */
#ifndef ROSTER_ROLES_H
#define ROSTER_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/perm.h"
#include "model/ctx.h"

/* staff-admin.md A2: at most 250 roles (409 limit_reached), so every list comes whole. */
#define ROLE_LIMIT 250
/* platform.md §1: role names are 2-50 code points. */
#define ROLE_NAME_MIN 2
#define ROLE_NAME_MAX 50
/* staff-admin.md A7: a permission set has at most 64 entries. */
#define ROLE_PERMS_MAX 64
/* H1: role levels; only the built-in Owner role has 100. */
#define ROLE_LEVEL_MIN 1
#define ROLE_LEVEL_MAX 100

struct role {
	const char *id;
	const char *name;
	const char *color; /* "#rrggbb" or NULL */
	int level;
	int position; /* 0 = top, contiguous */
	bool enforce_whitelist;
	bool is_system;
	uint64_t perms;          /* the stored set, administrator not expanded */
	const char **assignable; /* role ids in display order */
	size_t n_assignable;
	int64_t member_count; /* active users holding the role */
	int64_t created_at;
	int64_t updated_at;
};

/* Every role, in display order. */
struct role_set {
	struct role *v;
	size_t n;
};

/* The acting user as the hierarchy rules see it. */
struct role_actor {
	const char *user_id;
	const char *role_id; /* NULL: no role, level 0 */
	int level;
	bool enforce_whitelist;
	uint64_t held; /* administrator expanded */
	const char **assignable;
	size_t n_assignable;
};

/* Input of A2 (every field) and A3 (fields with their *_set flag). */
struct role_input {
	const char *name;
	bool name_set;
	const char *color; /* normalised "#rrggbb"; NULL clears */
	bool color_set;
	int level;
	bool level_set;
	bool enforce_whitelist;
	bool enforce_set;
	const char **assignable;
	size_t n_assignable;
	bool assignable_set;
	uint64_t perms;
	bool perms_set;
};

/* --- pure rules (no storage) ------------------------------------------------------------ */

/* "#rgb" or "#rrggbb", hex digits in any case, into lowercase "#rrggbb". */
bool role_color_parse(const char *in, char out[8]);
/* ASCII-lowercased copy in the arena: the stored name_key (§1.5, X-6). */
char *role_name_key(struct arena *a, const char *name);
/*
 * A2: the index at which a new role of `level` goes: directly above the first role, from
 * the top, whose level is lower, or at the bottom (s->n) when there is none.
 */
size_t role_insert_position(const struct role_set *s, int level);
/*
 * A7 step 2: for every key in set, the prerequisites (dependsOn) it lacks go into
 * missing[key]; returns the keys that lack any (0 = closure holds).
 */
uint64_t role_perms_missing(uint64_t set, uint64_t missing[PERM_COUNT]);

/* H3: every comparison is strict. */
bool hier_outranks(int actor_level, int level);
/* H6: with the whitelist enforced only listed roles qualify; otherwise every role. */
bool hier_listed(const struct role_actor *a, const char *role_id);
/* H4: ERR_HIERARCHY when level >= L(actor); ERR_NOT_ASSIGNABLE for a whitelisted actor. */
enum err hier_role_create(const struct role_actor *a, int level);
/* H5 + H6 on an existing role: ERR_HIERARCHY, then ERR_NOT_ASSIGNABLE. */
enum err hier_role_touch(const struct role_actor *a, const struct role *target);
/* H8: keys added or removed between before and after that the actor does not hold. */
uint64_t hier_not_held(const struct role_actor *a, uint64_t before, uint64_t after);
/* H9: a role the actor may not move in a reorder. */
bool hier_role_locked(const struct role_actor *a, const struct role *r);
/* canEdit (perm = manage_roles) and canAssign (perm = assign_roles) of §1.8. */
bool hier_role_may(const struct role_actor *a, const struct role *r, enum perm perm);
/* H11: the target user's level must be below the actor's. */
enum err hier_user(const struct role_actor *a, int target_level);
/*
 * H10: changing a user's role from cur (NULL = none) to next (NULL = remove). The user must
 * be below the actor, the new role too, and under H6 both roles must be listed.
 */
enum err hier_user_role(const struct role_actor *a, const char *target_user_id, int target_level,
			const struct role *cur, const struct role *next);

/* --- reads --------------------------------------------------------------------------------- */

/* Every role with permissions, assignable lists and member counts, by position. */
enum err role_list(struct ctx *c, struct role_set *out);
/* The role with that id in s, or NULL. */
const struct role *role_find(const struct role_set *s, const char *id);
/* c->actor plus its role's assignable list (read from the database). */
enum err role_actor_load(struct ctx *c, struct role_actor *out);

/*
 * A7 steps 1-2 on a list of keys: ERR_UNKNOWN_PERMISSIONS (details.permissions) or
 * ERR_MISSING_PREREQUISITES (details.missing), else the set in *out.
 */
enum err role_perms_parse(struct ctx *c, const char *const *keys, size_t n, uint64_t *out);

/* --- writes (each audited in the caller's transaction) -------------------------------------- */

/* A2. On success *out is the new role (from a fresh read). */
enum err role_create(struct ctx *c, const struct role_input *in, struct role *out);
/* A3. Nothing set besides the id is the caller's 400. */
enum err role_update(struct ctx *c, const char *id, const struct role_input *in,
		     struct role *out);
/* A4. ids in the new order; *out is every role afterwards. */
enum err role_reorder(struct ctx *c, const char *const *ids, size_t n, struct role_set *out);
/* A5. *out is the role as it was, member_count = users who lost it. */
enum err role_delete(struct ctx *c, const char *id, struct role *out);
/* A7. *out is the role afterwards. */
enum err role_set_perms(struct ctx *c, const char *id, uint64_t perms, struct role *out);

#endif
