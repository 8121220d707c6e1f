/*
 * users.h: platform accounts as login and the CLI need them. Usernames are unique ASCII
 * case-insensitively through the stored username_key (platform.md §1).
 */
#ifndef ROSTER_USERS_H
#define ROSTER_USERS_H

#include <stdbool.h>

#include "model/ctx.h"

/* ASCII-lowercased copy in the arena. */
char *username_key(struct arena *a, const char *username);
/* 3-32 of [A-Za-z0-9_.-]. */
bool username_is_valid(const char *s);

struct user_login {
	const char *id;
	const char *password_hash;
	bool active;
};

/* ERR_USER_NOT_FOUND when no account has that name. */
enum err user_find_login(struct ctx *c, const char *ukey, struct user_login *out);
/* Only if the stored hash is still `old_hash`, so a concurrent reset wins. */
enum err user_record_login(struct ctx *c, const char *user_id, const char *old_hash,
			   const char *new_hash, bool *still_valid);
enum err user_set_password(struct ctx *c, const char *user_id, const char *hash,
			   bool change_required);
/* Creates an account (CLI and users API); ERR_USERNAME_TAKEN on a clash. */
enum err user_create(struct ctx *c, const char *username, const char *hash, const char *role_id,
		     bool change_required, char id_out[ID_LEN + 1]);
enum err user_get_id_by_username(struct ctx *c, const char *username, const char **id);

/* Columns id, name, is_default of the communities the actor may moderate (§5.2). */
enum err user_communities(struct ctx *c, struct rows *out);

/* 20 characters of [A-Za-z0-9] from the CSPRNG, for one-time passwords. */
void password_generate(char out[21]);

/* Owner role and default community, created on the first migrate. */
enum err bootstrap_ensure(struct ctx *c);
/* The system Owner role's id. */
enum err owner_role_id(struct ctx *c, const char **id);
enum err owner_exists(struct ctx *c, bool *exists);

/* The stored password hash of an active account. */
enum err user_password_hash(struct ctx *c, const char *user_id, const char **hash);
/* Replaces the hash only while it still equals old_hash; *changed false otherwise. */
enum err user_change_password(struct ctx *c, const char *user_id, const char *old_hash,
			      const char *new_hash, bool *changed);

/*
 * The users API (platform.md §5). Every operation on another account applies H10/H11 of
 * staff-admin.md §4 against the actor in the caller's transaction and writes one audit entry
 * (never a password or hash) when it changes something. Results live in the ctx arena.
 */

/* platform.md §5: at most 10 roleId filters per list request. */
#define USER_ROLE_FILTER_MAX 10
/* platform.md §1: email is at most 254 code points. */
#define USER_EMAIL_MAX 254

/* One account with its role (RoleRef fields); removal records are model/accounts.h's. */
struct user {
	const char *id;
	const char *username;
	const char *email;
	const char *roblox_user_id;
	const char *role_id; /* NULL: no role, level 0 */
	const char *role_name;
	const char *role_color;
	int level;
	const char *status; /* active | soft_deleted | erased */
	bool pw_change_required;
	int64_t created_at;
	int64_t last_login_at;
};

struct user_filter {
	const char *search; /* username/email substring, exact id or Roblox id; NULL = all */
	const char *const *role_ids;
	size_t n_role_ids; /* at most USER_ROLE_FILTER_MAX */
	bool no_role;      /* roleId=none */
	int64_t page, page_size;
};

/* Create (every field) and profile update (fields with *_set; a NULL value clears). */
struct user_input {
	const char *username;
	bool username_set;
	const char *email;
	bool email_set;
	const char *roblox_user_id;
	bool roblox_set;
	const char *role_id; /* create only; NULL = no role */
};

/* At most 254 code points, exactly one '@', no whitespace (platform.md §1). */
bool email_is_valid(const char *s);

/* Active accounts only, by username; *total before paging. */
enum err user_list(struct ctx *c, const struct user_filter *f, struct user **out, size_t *n,
		   int64_t *total);
/* An active account; ERR_USER_NOT_FOUND otherwise (removed accounts are A15's). */
enum err user_get(struct ctx *c, const char *id, struct user *out);
/*
 * POST /api/users after hashing: role (404 role_not_found, H10), then 409 username_taken /
 * roblox_id_taken; the account starts with passwordChangeRequired.
 */
enum err user_add(struct ctx *c, const struct user_input *in, const char *hash, struct user *out);
/* PATCH /api/users/{id}: H11, then 409 username_taken / roblox_id_taken. */
enum err user_update(struct ctx *c, const char *id, const struct user_input *in,
		     struct user *out);
/* PUT /api/users/{id}/role: role_id NULL removes; 404 role_not_found; H10. */
enum err user_assign_role(struct ctx *c, const char *id, const char *role_id, struct user *out);
/* DELETE /api/users/{id}/sessions: H11; *n sessions ended. */
enum err user_revoke_sessions(struct ctx *c, const char *id, int64_t *n);

/* "%<search>%" ASCII-lowercased with %, _ and \ escaped, for LIKE ... ESCAPE '\'. */
const char *user_like_pattern(struct arena *a, const char *search);
/* Ends every login session and revokes every unrevoked key of an account; counts out. */
enum err user_revoke_credentials(struct ctx *c, const char *id, int64_t *sessions,
				 int64_t *keys);
/*
 * For `outbound` routes, after their slow step: ERR_UNAUTHENTICATED when the credential the
 * gate accepted (c->actor's session or key) was ended, revoked or expired meanwhile.
 */
enum err user_credential_check(struct ctx *c);

/*
 * A14 (staff-admin.md §8), read before hashing: the active target (404 user_not_found)
 * below the actor (H11, so never the actor itself), then 400 invalid_field when the password
 * equals its username (ASCII case-insensitive). *out is the target.
 */
enum err user_reset_check(struct ctx *c, const char *id, const char *password, struct user *out);
/*
 * A14 in the write transaction after hashing: the checks of user_reset_check again, then the
 * hash with passwordChangeRequired, every session and key revoked (counts out), the login
 * throttle of the username cleared, audit user.password_set (counts only, never a secret).
 * The hash change makes a login that verified the old password concurrently fail (§8).
 */
enum err user_reset_password(struct ctx *c, const char *id, const char *password,
			     const char *hash, struct user *out, int64_t *sessions, int64_t *keys);
#endif
