/*
 * roblox.h: the Roblox group adapter over Open Cloud v2 (readmin-compat.md §1.8, platform.md
 * §6.2). Each call is one or a few HTTP requests through http/client.c to cfg.roblox_api_url
 * (paths /cloud/v2/..., header x-api-key); results live in rb->arena. Every call's outcome is
 * one enum value that callers map to their surface's answer with the §1.8 table; Roblox's own
 * bodies and messages never reach a client. Callers must hold no open transaction (STYLE.md §1).
 * Includers: api/.
 */
#ifndef ROSTER_ROBLOX_H
#define ROSTER_ROBLOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

enum roblox_result {
	RBX_OK,
	RBX_NOT_LINKED,   /* no group id or no Open Cloud key: no request was made */
	RBX_KEY_REJECTED, /* 401 or 403: the stored key is refused */
	RBX_NOT_FOUND,    /* 404: the user (or join request) does not exist */
	RBX_REFUSED,      /* any other 4xx */
	RBX_UNAVAILABLE,  /* 429, 5xx, timeout, network failure, an unreadable answer */
};

struct roblox {
	struct arena *arena;
	const char *group_id; /* decimal text, or NULL: not linked */
	const char *key;      /* Open Cloud key, or NULL: not linked */
	const char *cookie;   /* bot-account cookie for the legacy calls, or NULL */
	int status;           /* HTTP status of the last request (0: none), for details */
};

struct roblox_user {
	const char *id;
	const char *name;         /* username */
	const char *display_name; /* may be NULL */
};

struct roblox_role {
	const char *id;
	const char *name;
	int rank;
	int64_t member_count;
};

struct roblox_membership {
	const char *path;    /* "groups/{g}/memberships/{m}"; NULL: not a member */
	const char *role_id; /* decimal text of the current role */
};

struct roblox_join_request {
	const char *path;        /* "groups/{g}/join-requests/{userId}" */
	const char *create_time; /* as Roblox wrote it (RFC 3339) */
	const char *user;        /* "users/{userId}" */
};

/* A roblox for the group and key; either NULL makes every call answer RBX_NOT_LINKED. */
void roblox_init(struct roblox *rb, struct arena *a, const char *group_id, const char *key);
bool roblox_is_linked(const struct roblox *rb);
/* The bot cookie the legacy calls (exile, shout) need; NULL or "" leaves them unlinked. */
void roblox_set_cookie(struct roblox *rb, const char *cookie);
/* Linked for the legacy calls too: group, Open Cloud key and bot cookie. */
bool roblox_is_bot_linked(const struct roblox *rb);

/* users/{id}: RBX_NOT_FOUND when the user does not exist. */
enum roblox_result roblox_user_get(struct roblox *rb, const char *user_id, struct roblox_user *out);
/* groups/{g}: the group's display name. */
enum roblox_result roblox_group_name(struct roblox *rb, const char **name);
/* groups/{g}/roles, every page (at most 1000 roles). */
enum roblox_result roblox_role_list(struct roblox *rb, struct roblox_role **out, size_t *n);
/* The user's membership (filter user == 'users/{id}'); out->path NULL when not a member. */
enum roblox_result roblox_membership_find(struct roblox *rb, const char *user_id,
					  struct roblox_membership *out);
/* PATCH on the membership path with {"role":"groups/{g}/roles/{role}"}. */
enum roblox_result roblox_membership_set_role(struct roblox *rb, const char *membership_path,
					      const char *role_id);
/*
 * One page of pending join requests (maxPageSize 100); page_token NULL or "" for the first.
 * *next is "" on the last page.
 */
enum roblox_result roblox_join_request_list(struct roblox *rb, const char *page_token,
					    struct roblox_join_request **out, size_t *n,
					    const char **next);
/* POST …/join-requests/{userId}:accept or :decline; RBX_NOT_FOUND when none is pending. */
enum roblox_result roblox_join_request_decide(struct roblox *rb, const char *user_id, bool accept);

/*
 * Legacy groups API at cfg.roblox_legacy_api_url (Open Cloud has no such methods, §1.8), sent
 * with the cookie as .ROBLOSECURITY and the X-CSRF-TOKEN handshake: a 403 that carries
 * x-csrf-token is retried once with it. RBX_NOT_LINKED without group, key or cookie.
 */
/* DELETE /v1/groups/{g}/users/{userId}. */
enum roblox_result roblox_exile(struct roblox *rb, const char *user_id);
/* PATCH /v1/groups/{g}/status {"message": message}; "" clears the shout. */
enum roblox_result roblox_shout(struct roblox *rb, const char *message);

#endif
