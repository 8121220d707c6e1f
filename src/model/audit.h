/*
 * audit.h: the append-only audit log (platform.md §7, SECURITY.md §8). An entry is written in
 * the same transaction as the change it records; before/after are JSON objects of the
 * changed fields and never hold a secret.
 */
#ifndef ROSTER_AUDIT_H
#define ROSTER_AUDIT_H

#include "model/ctx.h"

enum err audit_write(struct ctx *c, const char *action, const char *target_type,
		     const char *target_id, const char *workspace_id, const char *before_json,
		     const char *after_json);

struct audit_filter {
	const char *actor_id;
	const char *action; /* exact, or a prefix when it ends in '.' */
	const char *target_type;
	const char *target_id;
	const char *workspace_id;
	int64_t from, to; /* 0 = open */
	int64_t page, page_size;
};

/*
 * Columns: id, at, actor_type, actor_user_id, actor_username, api_key_id, game_key_id,
 * actor_roblox_user_id, ip, action, target_type, target_id, workspace_id, before_json,
 * after_json, request_id; newest first. *total is the count before paging.
 */
enum err audit_list(struct ctx *c, const struct audit_filter *f, struct rows *out, int64_t *total);

#endif
