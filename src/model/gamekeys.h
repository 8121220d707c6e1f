/*
 * gamekeys.h: management of a workspace's ranking keys and loader keys (platform.md §6.3,
 * readmin-compat.md §4.3). Secrets keep ReAdmin's formats (auth/gamekey.h), are handed back
 * once by create and rotate, and are stored only as BLAKE2b-256; a rotate replaces the hash,
 * so the old secret fails on the next request. Every statement names the workspace id, so
 * another workspace's key reads like an unknown one (404 resource_not_found). Writes are
 * audited `workspace.rankingKey.*` / `workspace.loaderKey.*`. Results live in the ctx arena.
 */
#ifndef ROSTER_GAMEKEYS_H
#define ROSTER_GAMEKEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/gamekey.h"
#include "model/ctx.h"

#define WSKEY_NAME_MAX 100
#define WSKEY_ALLOWED_RANKS_MAX 256

struct wskey {
	const char *id; /* UUID v4 for ranking keys, 24-hex for loader keys */
	const char *name;
	const char *prefix;
	bool ranking_enabled, enable_shouting, enable_join_requests, enable_exile;
	const char *allowed_ranks; /* Roblox role ids separated by spaces ("" = none) */
	int64_t created_at, last_used_at, revoked_at; /* 0 = never */
};

/* Create and update input; on update only the fields with their *_set flag change. */
struct wskey_input {
	const char *name;
	bool ranking_enabled, enable_shouting, enable_join_requests, enable_exile;
	const char *const *allowed_ranks;
	size_t n_allowed_ranks;
	bool name_set, ranking_set, shouting_set, join_set, exile_set, ranks_set;
};

/* A page of the workspace's keys of kind k, newest first; *total before paging. */
enum err wskey_list(struct ctx *c, enum gamekey_kind k, const char *ws_id, int64_t page,
		    int64_t page_size, struct wskey **out, size_t *n, int64_t *total);
/* ERR_RESOURCE_NOT_FOUND (resource rankingKey / loaderKey) when ws has no such key. */
enum err wskey_get(struct ctx *c, enum gamekey_kind k, const char *ws_id, const char *id,
		   struct wskey *out);
/* New key; secret (GAMEKEY_SECRET_MAX) gets the only copy of the secret. */
enum err wskey_create(struct ctx *c, enum gamekey_kind k, const char *ws_id,
		      const struct wskey_input *in, struct wskey *out,
		      char secret[GAMEKEY_SECRET_MAX]);
/* Ranking keys only; 409 invalid_transition on a revoked key; no change writes nothing. */
enum err wskey_update(struct ctx *c, const char *ws_id, const char *id,
		      const struct wskey_input *in, struct wskey *out);
/* New secret, old one dead at once; 409 invalid_transition on a revoked key. */
enum err wskey_rotate(struct ctx *c, enum gamekey_kind k, const char *ws_id, const char *id,
		      struct wskey *out, char secret[GAMEKEY_SECRET_MAX]);
/* Revokes; an already revoked key answers as it is and writes nothing. */
enum err wskey_revoke(struct ctx *c, enum gamekey_kind k, const char *ws_id, const char *id,
		      struct wskey *out);

#endif
