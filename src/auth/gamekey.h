/*
 * gamekey.h: the ReAdmin-compatible credentials (readmin-compat.md §1.4): ranking keys in
 * the `api-key` header and loader keys in `loader-id`. They keep ReAdmin's formats so existing
 * loaders accept them, are stored only as BLAKE2b-256, and reach only their own routes.
 */
#ifndef ROSTER_GAMEKEY_H
#define ROSTER_GAMEKEY_H

#include <stdbool.h>
#include <stddef.h>

#include "model/ctx.h"

#define LOADERKEY_PREFIX "ReAdmin_Loader_ID="
#define LOADERKEY_HEX 200
#define RANKKEY_PREFIX "DO_NOT_SHARE_ReAdmin_Ranking_Key_Id_DO_NOT_SHARE="
#define RANKKEY_HEX 300
#define GAMEKEY_SECRET_MAX 400 /* the longer format plus NUL, rounded up */

enum gamekey_kind { GAMEKEY_LOADER, GAMEKEY_RANKING };

/* A new secret of the kind's format: fixed prefix + lowercase CSPRNG hex. */
void gamekey_secret_new(enum gamekey_kind k, char out[GAMEKEY_SECRET_MAX]);
/* What the dashboard shows: the prefix and the first six hex characters. */
void gamekey_display_prefix(const char *secret, char *out, size_t size);
/* The exact format; anything else is unknown without a lookup. */
bool gamekey_is_wellformed(enum gamekey_kind k, const char *s);
/* BLAKE2b-256 hex of a secret, as stored. */
void gamekey_hash(const char *secret, char out[65]);

/*
 * Resolves an unrevoked key of kind k by its hash and fills c->actor (type, workspace, key
 * id, ranking flags). ERR_UNAUTHENTICATED when unknown or revoked.
 */
enum err gamekey_authenticate(struct ctx *c, enum gamekey_kind k, const char *secret);
/* lastUsedAt, at most once a minute (the gate calls it after COMMIT). */
enum err gamekey_touch(struct ctx *c);

#endif
