/*
 * communities.h: communities with their allow-lists and default flag (staff-admin.md A8-A12,
 * §5). A community is the platform record of a workspace: same table, same id (platform.md §6).
 * Who may moderate a community (§5.2) is decided here, and a community the actor may not
 * moderate reads exactly like a missing one (ERR_COMMUNITY_NOT_FOUND). Operations run in the
 * caller's transaction, check in the order of §1.6 and write one audit entry per change.
 * Results live in the ctx arena. Includers: api/, cli/ and other model files.
 */
#ifndef ROSTER_COMMUNITIES_H
#define ROSTER_COMMUNITIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/ctx.h"
#include "model/users.h"

/* platform.md §1: community names are 1-100 code points. */
#define COMMUNITY_NAME_MIN 1
#define COMMUNITY_NAME_MAX 100
/* staff-admin.md §5.4: allow-list sizes per community. */
#define COMMUNITY_ROLE_IDS_MAX 250
#define COMMUNITY_USER_IDS_MAX 1000
/* staff-admin.md A9: iconUrl is at most 2048 characters. */
#define COMMUNITY_ICON_MAX 2048
/* staff-admin.md A12: q is 1-100 code points after trimming; at most 20 accounts answer. */
#define COMMUNITY_SEARCH_MIN 1
#define COMMUNITY_SEARCH_MAX 100
#define COMMUNITY_SEARCH_LIMIT 20

/* One allow-list entry and the level the lock rule of §5.3 judges it by. */
struct community_entry {
	const char *id;
	int level; /* a role's level, or a user's L(u) (a removed account keeps its role's) */
};

struct community {
	const char *id;
	const char *name;
	const char *icon_url;        /* NULL: none */
	const char *roblox_group_id; /* NULL: none; read-only here (platform.md §6) */
	bool is_default;
	struct community_entry *roles; /* allowedRoleIds, by role position */
	size_t n_roles;
	struct community_entry *users; /* allowedUserIds, by id (creation order) */
	size_t n_users;
	int64_t created_at;
	int64_t updated_at;
};

/* Input of A9 (every field) and A10 (name always; the rest with their *_set flag). */
struct community_input {
	const char *name;
	const char *icon_url; /* NULL clears */
	bool icon_set;
	bool is_default;
	bool default_set;
	const char *const *role_ids;
	size_t n_role_ids;
	bool roles_set;
	const char *const *user_ids;
	size_t n_user_ids;
	bool users_set;
};

/* Unrevoked game keys of a community's workspace (A11, 409 community_in_use). */
struct community_keys {
	int64_t loader;
	int64_t ranking;
};

/* --- pure rules (no storage) ------------------------------------------------------------ */

/*
 * A9: an absolute http:// or https:// URL with a host, at most COMMUNITY_ICON_MAX
 * characters, made only of the characters RFC 3986 allows (so no whitespace, control or
 * non-ASCII character). On failure *reason is a static sentence.
 */
bool community_icon_is_valid(const char *url, const char **reason);
/* §5.2: administrator, the actor's role in allowedRoleIds, or the actor in allowedUserIds. */
bool community_may_moderate(const struct actor *a, const struct community *cm);
/*
 * A12: q without leading and trailing white space, in the arena; false when what is left is
 * not COMMUNITY_SEARCH_MIN-COMMUNITY_SEARCH_MAX code points.
 */
bool community_search_term(struct arena *a, const char *q, const char **term);

/* --- reads --------------------------------------------------------------------------------- */

/* A8: the communities the actor may moderate, default first, then by name. */
enum err community_list(struct ctx *c, struct community **out, size_t *n);
/* One community the actor may moderate; ERR_COMMUNITY_NOT_FOUND otherwise. */
enum err community_get(struct ctx *c, const char *id, struct community *out);
/* Unrevoked loader and ranking keys of the workspace `id` (platform.md §6.3). */
enum err community_keys_count(struct ctx *c, const char *id, struct community_keys *out);
/*
 * A12: active accounts whose id or robloxUserId equals term, or whose username contains it
 * (ASCII case-insensitive, %, _ and \ literal): exact matches, then username prefixes, then
 * other substrings, each by username; at most COMMUNITY_SEARCH_LIMIT. Only the id, username,
 * robloxUserId, role, level and status members of each user are filled.
 */
enum err community_user_search(struct ctx *c, const char *term, struct user **out, size_t *n);

/* --- writes (each audited in the caller's transaction) -------------------------------------- */

/*
 * A9: 400 unknown_ids, 403 hierarchy (lock rule) or forbidden (default held by a community
 * the actor cannot moderate), 400 self_lockout, 409 name_taken. *out is the new community.
 */
enum err community_create(struct ctx *c, const struct community_input *in, struct community *out);
/*
 * community_create under another audit action; action NULL writes no entry, for a caller
 * that writes its own in the same transaction (POST /api/workspaces, platform.md §6.1).
 */
enum err community_create_as(struct ctx *c, const struct community_input *in, const char *action,
			     struct community *out);
/* A10: 404 community_not_found, then the errors of A9, then 409 default_required. */
enum err community_update(struct ctx *c, const char *id, const struct community_input *in,
			  struct community *out);
/*
 * A11: 404 community_not_found, 409 default_undeletable, 409 community_in_use (details
 * loaderKeys, rankingKeys). *out is the community as it was.
 */
enum err community_delete(struct ctx *c, const char *id, struct community *out);
/* community_delete audited as `action` (DELETE /api/workspaces/{wsId}: workspace.workspace.delete). */
enum err community_delete_as(struct ctx *c, const char *id, const char *action,
			     struct community *out);

#endif
