/*
 * members.h: a workspace's local rank and member records (platform.md §6.2,
 * readmin-compat.md §4.2). Every statement here is scoped by the workspace id the caller
 * resolved (workspace_get or the ReAdmin key), so another workspace's role or user reads like
 * an unknown one. Only local records: Roblox-backed routes (api/readmin_ranking.c,
 * api/ws_members.c, api/ws_staff.c: rank changes, exile, rank sync) call Roblox first, then
 * store through member_put / member_remove / rank_sync. Writes are audited
 * `workspace.rank.*` / `workspace.member.*`. Results live in the ctx arena.
 */
#ifndef ROSTER_MEMBERS_H
#define ROSTER_MEMBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/ctx.h"
#include "model/workspaces.h"

#define RANK_MIN 0
#define RANK_MAX 255
#define RANK_NAME_MAX 100
#define MEMBER_USERNAME_MIN 3
#define MEMBER_USERNAME_MAX 20
#define MEMBER_DISPLAY_MAX 50

struct ws_rank {
	const char *roblox_role_id;
	int rank;
	const char *name;
	int64_t member_count; /* Roblox's count once synced; local holders before that */
	int64_t synced_at;    /* 0: local record */
};

struct ws_member {
	const char *roblox_user_id;
	const char *username;
	const char *display_name;
	const char *roblox_role_id; /* NULL: no known role (rank 0, a guest) */
	int rank;
	bool in_game;
	const char *timezone;
	int64_t synced_at; /* 0: never synced */
	int64_t updated_at;
};

struct member_filter {
	const char *search;  /* username or display name substring, or the exact Roblox id */
	const char *role_id; /* robloxRoleId */
	bool staff_only;
};

struct member_input {
	const char *roblox_user_id;
	const char *username;
	const char *display_name; /* NULL: none */
	const char *roblox_role_id; /* NULL: none */
};

/* Ranks of ws by rank desc, then role id (a small hard cap: unpaged). */
enum err rank_list(struct ctx *c, const char *ws_id, struct ws_rank **out, size_t *n);
/* One rank; ERR_RESOURCE_NOT_FOUND (resource "rank") when ws has no such role. */
enum err rank_get(struct ctx *c, const char *ws_id, const char *role_id, struct ws_rank *out);
/*
 * Local upsert of a rank; members holding the role take its new rank number in the same
 * transaction. An unchanged rank writes nothing.
 */
enum err rank_put(struct ctx *c, const char *ws_id, const char *role_id, int rank,
		  const char *name, struct ws_rank *out);
/* 404 resource_not_found, 409 in_use (details.references.members) while a member holds it. */
enum err rank_delete(struct ctx *c, const char *ws_id, const char *role_id, struct ws_rank *out);
/*
 * Rank sync (POST …/ranks/sync): replaces ws's ranks with the n roles read from Roblox (each
 * marked synced with Roblox's member count) and stores group_name as robloxGroupName. Members
 * follow: a held role's rank number is copied; a role Roblox no longer has leaves its holders
 * with no role (rank 0). Audited `workspace.rank.sync`.
 */
enum err rank_sync(struct ctx *c, const char *ws_id, const char *group_name,
		   const struct ws_rank *roles, size_t n);

/* A page of ws's members by rank desc, username, id; *total before paging. */
enum err member_list(struct ctx *c, const struct workspace *ws, const struct member_filter *f,
		     int64_t page, int64_t page_size, struct ws_member **out, size_t *n,
		     int64_t *total);
/* ERR_RESOURCE_NOT_FOUND (resource "member") when ws has no such member. */
enum err member_get(struct ctx *c, const char *ws_id, const char *user_id, struct ws_member *out);
/*
 * Local record upsert (PUT …/members/{id}); the rank follows the role (400 unknown_ids when
 * ws has no such role; no role = rank 0). An unchanged record writes nothing.
 */
enum err member_put(struct ctx *c, const char *ws_id, const struct member_input *in,
		    struct ws_member *out);
/*
 * Removes the local record after an exile on Roblox, audited `workspace.member.delete`;
 * no record is no error (*removed false, nothing written).
 */
enum err member_remove(struct ctx *c, const char *ws_id, const char *user_id, bool *removed);

#endif
