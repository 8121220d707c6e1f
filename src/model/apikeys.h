/*
 * apikeys.h: management of prapi_ API keys (platform.md §4). Secrets are returned once by
 * apikey_create and stored only as their BLAKE2b-256.
 */
#ifndef ROSTER_APIKEYS_H
#define ROSTER_APIKEYS_H

#include "model/ctx.h"

struct apikey_input {
	const char *user_id; /* the linked user */
	const char *name;
	unsigned scopes;
	int64_t expires_at;    /* 0 = never */
	const char *allowlist; /* canonical CIDRs separated by spaces, "" = any */
	bool by_cli;           /* createdBy null */
};

/* Columns of every key row a list or get returns; see apikey row order in apikeys.c. */
enum apikey_col {
	AK_ID, AK_NAME, AK_PREFIX, AK_LAST_FOUR, AK_SCOPES, AK_USER_ID, AK_USERNAME,
	AK_CREATED_BY, AK_CREATED_BY_NAME, AK_CREATED_AT, AK_EXPIRES_AT, AK_ALLOWLIST,
	AK_LAST_USED_AT, AK_LAST_USED_IP, AK_REVOKED_AT, AK_REVOKED_BY, AK_REVOKED_BY_NAME,
	AK_USER_LEVEL, AK_NCOLS
};

/* 20 creations through the API per user per hour (CLI keys are not counted). */
enum err apikey_rate_check(struct ctx *c, const char *user_id);
/* Checks the 50-key limit; secret_out receives prapi_... (50 chars + NUL). */
enum err apikey_create(struct ctx *c, const struct apikey_input *in, char secret_out[64],
		       char id_out[ID_LEN + 1]);
/* user_id NULL = every user (CLI --all); status NULL or active|expired|revoked. */
enum err apikey_list(struct ctx *c, const char *user_id, const char *status, int64_t page,
		     int64_t page_size, struct rows *out, int64_t *total);
/* ERR_KEY_NOT_FOUND when unknown. */
enum err apikey_get(struct ctx *c, const char *id, struct rows *out);
/* Revokes; already revoked keys stay unchanged (*changed false). */
enum err apikey_revoke(struct ctx *c, const char *id, bool *changed);
/* Revokes every unrevoked key of a user (password reset, removal). */
enum err apikey_revoke_user(struct ctx *c, const char *user_id);
/* Level of a user (0 without role); ERR_USER_NOT_FOUND when not active. */
enum err user_level(struct ctx *c, const char *user_id, int *level);
/* "active" | "expired" | "revoked" for a key row. */
const char *apikey_status(const struct rows *r, size_t i, int64_t now);

#endif
