/*
 * ws_roblox.c: the steps every /api/workspaces route that calls Roblox shares: the read step
 * before the call, the re-check inside the write transaction after it, and §6.2's mapping
 * of Roblox outcomes. See ws_int.h.
 */
#include <string.h>

#include "api/ws_int.h"
#include "auth/auth.h"
#include "model/users.h"

/* §6.2's Roblox answers. */
enum err
rbx_fail(struct req *r, const struct rbx_step *k, enum roblox_result res)
{
	switch (res) {
	case RBX_OK:
		return ERR_INTERNAL; /* a caller mistake */
	case RBX_NOT_LINKED:
	case RBX_KEY_REJECTED:
		return ERR_ROBLOX_NOT_LINKED;
	case RBX_NOT_FOUND:
	case RBX_REFUSED:
		return fail_set(&r->ctx.fail, r->arena, ERR_UPSTREAM_REJECTED, "robloxStatus",
				arena_printf(r->arena, "%d", k->rb.status), (const char *)NULL);
	case RBX_UNAVAILABLE:
		break;
	}
	r->ctx.fail.retry_after = 5;
	return ERR_UPSTREAM_UNAVAILABLE;
}

/*
 * The read step: workspace (moderation rule), Open Cloud key, the bot cookie when bot, the
 * local ranks and, when member is not NULL, the member record of path parameter 1 (404
 * resource_not_found without one). Leaves no transaction open.
 */
enum err
rbx_load(struct req *r, struct rbx_step *k, bool bot, struct ws_member *member)
{
	const char *ock = NULL, *cookie = NULL;
	enum err err = req_tx_begin(r, false);

	if (!err)
		err = ws_resolve(r, &k->ws);
	if (!err)
		err = workspace_open_cloud_key(&r->ctx, k->ws.cm.id, &ock);
	if (!err && bot)
		err = workspace_bot_cookie(&r->ctx, k->ws.cm.id, &cookie);
	if (!err)
		err = rank_list(&r->ctx, k->ws.cm.id, &k->ranks, &k->n);
	if (!err && member != NULL)
		err = member_get(&r->ctx, k->ws.cm.id, req_param(r, 1), member);
	if (!err)
		err = req_tx_commit(r);
	if (err) {
		req_tx_rollback(r);
		return err;
	}
	roblox_init(&k->rb, r->arena, k->ws.cm.roblox_group_id, ock);
	roblox_set_cookie(&k->rb, cookie);
	return ERR_OK;
}

/*
 * After the Roblox call, inside the write transaction the gate commits: the credential is
 * still live, the actor still holds perm and may still moderate the workspace.
 */
enum err
rbx_recheck(struct req *r, struct rbx_step *k, enum perm perm)
{
	struct ctx *c = &r->ctx;
	char user_id[ID_LEN + 1];
	enum err err = req_tx_begin(r, true);

	memcpy(user_id, c->actor.user_id, sizeof(user_id));
	if (!err)
		err = user_credential_check(c);
	if (!err)
		err = actor_load(c, user_id);
	if (err)
		return err;
	if (!(c->actor.perms & PERM_BIT(perm)))
		return fail_set(&c->fail, r->arena, ERR_FORBIDDEN, "permission",
				perm_catalogue[perm].key, (const char *)NULL);
	return ws_resolve(r, &k->ws);
}

