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
#endif
