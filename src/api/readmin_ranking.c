/*
 * readmin_ranking.c: the Ranking Key routes of readmin-compat.md §3.1 (header `api-key`).
 * Here: #1 GET /ranking, key info. The routes that call Roblox (#2-#7) come with the Open
 * Cloud adapter (later work). The gate has authenticated the key, which fixes the workspace.
 */
#include <string.h>

#include "api/api.h"
#include "model/gamekeys.h"
#include "model/members.h"
#include "model/workspaces.h"

/* Whether role_id is one of the space-separated ids in list. */
static bool
list_has(const char *list, const char *role_id)
{
	size_t len = strlen(role_id);

	for (const char *p = list; p && *p;) {
		size_t l = strcspn(p, " ");
		if (l == len && strncmp(p, role_id, l) == 0)
			return true;
		p += l;
		p += strspn(p, " ");
	}
	return false;
}

/*
 * KeyInfo of §2: allowedRanks expanded through the local ranks, sorted by rank (then role
 * id); stored role ids with no local rank are omitted. Role ids are written as JSON numbers
 * from their decimal text, so ids above 2^53 keep every digit.
 */
static void
write_key_info(struct jw *w, const struct workspace *ws, const struct wskey *k,
	       const struct ws_rank *ranks, size_t n)
{
	jw_obj(w);
	jw_kstr(w, "_id", k->id);
	jw_kstr(w, "groupId", ws->cm.roblox_group_id ? ws->cm.roblox_group_id : "");
	jw_kstr(w, "id", k->id);
	jw_kbool(w, "key", false);
	jw_kstr(w, "name", k->name);
	jw_kbool(w, "rankingEnabled", k->ranking_enabled);
	jw_key(w, "allowedRanks");
	jw_arr(w);
	/* rank_list is by rank desc; walk it backwards for ascending rank. */
	for (size_t i = n; i > 0; i--) {
		const struct ws_rank *r = &ranks[i - 1];
		if (!list_has(k->allowed_ranks, r->roblox_role_id))
			continue;
		jw_obj(w);
		jw_kstr(w, "name", r->name);
		jw_kint(w, "apiId", r->rank);
		jw_kint(w, "rank", r->rank);
		jw_kraw(w, "id", r->roblox_role_id);
		jw_obj_end(w);
	}
	jw_arr_end(w);
	jw_kbool(w, "enableShouting", k->enable_shouting);
	jw_kbool(w, "enableJoinRequestManagement", k->enable_join_requests);
	jw_kbool(w, "enableExile", k->enable_exile);
	jw_ktime(w, "created", k->created_at);
	jw_obj_end(w);
}

/* #1 GET /ranking: no flag, no Roblox call. */
static enum err
ranking_info(struct req *r)
{
	struct ctx *c = &r->ctx;
	struct workspace ws;
	struct wskey k;
	struct ws_rank *ranks;
	size_t n;
	enum err err = workspace_of_key(c, &ws);

	if (!err)
		err = wskey_get(c, GAMEKEY_RANKING, ws.cm.id, c->actor.game_key_id, &k);
	if (err == ERR_RESOURCE_NOT_FOUND)
		err = ERR_UNAUTHENTICATED;
	if (!err)
		err = rank_list(c, ws.cm.id, &ranks, &n);
	if (err)
		return err;
	jw_key(&r->w, "keyInfo");
	write_key_info(&r->w, &ws, &k, ranks, n);
	return ERR_OK;
}

static const struct route readmin_ranking_routes[] = {
	{ .method = M_GET, .path = "/ranking", .fn = ranking_info, .surface = SURF_READMIN,
	  .auth = AUTH_RANKING, .perm = PERM_NONE, .summary = "Ranking key info (ReAdmin #1)" },
};

ROUTE_TABLE(api_readmin_ranking_routes, readmin_ranking_routes);
