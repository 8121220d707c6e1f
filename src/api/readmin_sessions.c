/*
 * readmin_sessions.c: the Sessions routes of readmin-compat.md §3.4 (header `loader-id`;
 * errors repeat `reason` as `message`): #13 GET /sessions/roles, #14 GET /sessions, #15 GET
 * /sessions/upcoming, #16 GET /sessions/{sessionId}, #17 POST /sessions/{sessionId}[/servers]
 * and #18 POST /sessions/{sessionId}/servers/{serverId}/roles. The loader key fixes the
 * workspace; {sessionId} is a session id or an occurrence key `<templateId>-<start seconds>`.
 * Writes run in the gate's one write transaction, so the claim's check and write are
 * serialised; the model still writes the claim as one conditional statement.
 */
#include <stdint.h>
#include <string.h>

#include "api/api.h"
#include "api/readmin_int.h"
#include "core/id.h"
#include "core/limits.h"
#include "core/utf8.h"
#include "model/sessions.h"
#include "model/sessions_cache.h"
#include "model/workspaces.h"

#define ROBLOX_ID_MAX 9007199254740991LL /* §1.3: integers 1 ... 2^53-1 */
#define MIN_MS 60000LL

static const char NO_SESSION[] = "Session not found";

static const char *
group_id_of(const struct workspace *ws)
{
	return ws->cm.roblox_group_id ? ws->cm.roblox_group_id : "";
}

/* --- writers ---------------------------------------------------------------------------------- */

static void
write_group(struct jw *w, const struct workspace *ws, const struct sess_group *g)
{
	jw_obj(w);
	jw_kstr(w, "_id", g->id);
	jw_kstr(w, "id", g->id);
	jw_kstr(w, "groupId", group_id_of(ws));
	jw_kstr(w, "name", g->name);
	write_subroles(w, "roles", g);
	jw_key(w, "usedBy");
	jw_arr(w);
	for (size_t i = 0; i < g->n_used_by; i++)
		jw_str(w, g->used_by[i]);
	jw_arr_end(w);
	jw_ktime(w, "created", g->created_at);
	jw_obj_end(w);
}

static void
write_claim(struct jw *w, const struct sess_claim *k)
{
	jw_obj(w);
	jw_kstr(w, "claimedRole", k->subrole_id);
	jw_kstr(w, "state", k->state);
	jw_kstr(w, "claimedBy", k->claimed_by);
	jw_ktime(w, "claimedAt", k->claimed_at);
	jw_kstr(w, "claimId", k->claim_id);
	jw_obj_end(w);
}

static void
write_server(struct jw *w, const struct sess_server *x)
{
	jw_obj(w);
	jw_kstr(w, "nickname", x->nickname);
	jw_kbool(w, "linkedToServer", x->linked_server_id != NULL);
	jw_kstr(w, "linkedServerReAdminId", x->linked_server_id);
	jw_kstr(w, "linkedServerJobId", x->linked_job_id);
	jw_kstr(w, "linkedByUser", x->linked_by);
	jw_key(w, "claims");
	jw_obj(w);
	for (size_t i = 0; i < x->n_claims; i++) {
		jw_key(w, x->claims[i].user_id);
		write_claim(w, &x->claims[i]);
	}
	jw_obj_end(w);
	jw_key(w, "attendees");
	jw_obj(w);
	jw_obj_end(w);
	jw_obj_end(w);
}

/* session.claims: users holding any claim on any server, each once (the model's list). */
static void
write_claimants(struct jw *w, const struct session *s)
{
	jw_key(w, "claims");
	jw_arr(w);
	for (size_t i = 0; i < s->n_claimants; i++)
		jw_str(w, s->claimants[i]);
	jw_arr_end(w);
}

static void
write_ids(struct jw *w, const char *k, const char *const *v, size_t n)
{
	jw_key(w, k);
	jw_arr(w);
	for (size_t i = 0; i < n; i++)
		jw_str(w, v[i]);
	jw_arr_end(w);
}

static void
write_game(struct jw *w, const struct session *s)
{
	jw_key(w, "game");
	if (s->place_id == NULL && s->game_id == NULL) {
		jw_null(w);
		return;
	}
	jw_obj(w);
	jw_kstr(w, "gameId", s->game_id);
	jw_kstr(w, "placeId", s->place_id);
	jw_obj_end(w);
}

/* Placeholder of §2: an occurrence not materialised. */
static void
write_placeholder(struct jw *w, const struct session *s, bool game)
{
	jw_obj(w);
	jw_kstr(w, "_id", "notCreated");
	jw_knull(w, "id");
	jw_kstr(w, "occurrenceKey", s->occurrence_key);
	jw_kstr(w, "templateId", s->template_id);
	jw_kstr(w, "name", s->name);
	jw_kstr(w, "description", s->description);
	write_ids(w, "roles", s->group_ids, s->n_groups);
	jw_kint(w, "sessionDuration", s->duration_minutes);
	jw_kint(w, "appearsMinutesBefore", s->appears_before);
	jw_kstr(w, "placeId", s->place_id);
	jw_kstr(w, "gameId", s->game_id);
	jw_ktime(w, "date", s->starts_at);
	jw_ktime(w, "endsAt", s->ends_at);
	jw_ktime(w, "notifyTime", s->starts_at - s->appears_before * MIN_MS);
	jw_kraw(w, "template", s->template_json);
	jw_key(w, "claims");
	jw_arr(w);
	jw_arr_end(w);
	jw_key(w, "servers");
	jw_obj(w);
	jw_obj_end(w);
	jw_kbool(w, "oneOffSession", false);
	if (game)
		write_game(w, s);
	jw_obj_end(w);
}

/* Session of §2, or the Placeholder when s is not materialised; `game` for #15. */
static void
write_session(struct jw *w, const struct workspace *ws, const struct session *s, bool game)
{
	if (s->id == NULL) {
		write_placeholder(w, s, game);
		return;
	}
	jw_obj(w);
	jw_kstr(w, "_id", s->id);
	jw_kstr(w, "id", s->id);
	jw_kstr(w, "groupId", group_id_of(ws));
	jw_kstr(w, "templateId", s->template_id);
	jw_kstr(w, "occurrenceKey", s->occurrence_key);
	jw_kstr(w, "name", s->name);
	jw_kstr(w, "description", s->description);
	jw_ktime(w, "date", s->starts_at);
	jw_ktime(w, "endsAt", s->ends_at);
	jw_ktime(w, "notifyTime", s->starts_at - s->appears_before * MIN_MS);
	jw_ktime(w, "created", s->created_at);
	jw_kstr(w, "createdBy", s->created_by);
	jw_kbool(w, "oneOffSession", s->one_off);
	jw_kraw(w, "template", s->template_json);
	write_ids(w, "roles", s->group_ids, s->n_groups);
	write_claimants(w, s);
	jw_key(w, "attendees");
	jw_arr(w);
	jw_arr_end(w);
	jw_key(w, "comments");
	jw_arr(w);
	jw_arr_end(w);
	jw_key(w, "servers");
	jw_obj(w);
	for (size_t i = 0; i < s->n_servers; i++) {
		jw_key(w, s->servers[i].id);
		write_server(w, &s->servers[i]);
	}
	jw_obj_end(w);
	jw_kbool(w, "sentDMS", false);
	jw_kbool(w, "sentStartMessage", false);
	jw_kbool(w, "sentEndMessage", false);
	if (game)
		write_game(w, s);
	jw_obj_end(w);
}

/* --- reads ------------------------------------------------------------------------------------ */

static enum err
roles_list(struct req *r)
{
	struct sess_group *v;
	struct workspace ws;
	size_t n;
	enum err err = workspace_of_key(&r->ctx, &ws);

	if (!err)
		err = sess_group_list(&r->ctx, ws.cm.id, &v, &n);
	if (err)
		return err;
	jw_key(&r->w, "roles");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_group(&r->w, &ws, &v[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

static enum err
sessions_list(struct req *r)
{
	struct session *v;
	struct workspace ws;
	size_t n;
	enum err err = workspace_of_key(&r->ctx, &ws);

	if (!err)
		err = sess_list_from(&r->ctx, ws.cm.id, r->ctx.now, SESS_READMIN_LIST_MAX, &v, &n);
	if (err)
		return err;
	jw_key(&r->w, "sessions");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_session(&r->w, &ws, &v[i], false);
	jw_arr_end(&r->w);
	return ERR_OK;
}

/* The #15 list as a JSON array in a heap buffer (caller releases); false on overflow. */
static bool
render_upcoming(struct buf *b, const struct workspace *ws, const struct session *v, size_t n)
{
	struct jw w;

	buf_init(b, LIMIT_RESPONSE);
	jw_init(&w, b);
	jw_arr(&w);
	for (size_t i = 0; i < n; i++)
		write_session(&w, ws, &v[i], true);
	jw_arr_end(&w);
	return !b->overflow;
}

/*
 * jw_kraw with the length known: a cached answer is tens of KB, and jw_raw would read it
 * once more for its length. The empty jw_kraw writes the key and the separator state.
 */
static void
put_raw(struct jw *w, const char *k, const char *json, size_t len)
{
	jw_kraw(w, k, "");
	buf_append(w->b, json, len);
}

/*
 * #15 (sess_list_upcoming). The serialised list is cached per workspace (sessions_cache.h):
 * a hit needs the data version read in this request's transaction and now inside the
 * interval the list was computed to hold for, so it is byte for byte what a fresh
 * computation gives. A hit reads one row; only a miss loads the workspace.
 */
static enum err
sessions_upcoming(struct req *r)
{
	const char *ws_id = r->ctx.actor.workspace_id;
	const struct sess_cache_entry *e;
	int64_t now = r->ctx.now, version, until;
	struct session *v;
	struct workspace ws;
	struct buf b;
	size_t n;
	enum err err = sess_data_version(&r->ctx, ws_id, &version);

	if (err)
		return err;
	e = sess_cache_get(ws_id, version, now);
	if (e != NULL) {
		const char *bytes = sess_cache_bytes(e, &n);
		put_raw(&r->w, "sessions", bytes, n);
		sess_cache_release(e);
		return ERR_OK;
	}
	err = workspace_of_key(&r->ctx, &ws);
	if (!err)
		err = sess_list_upcoming(&r->ctx, ws_id, now, &v, &n, &until);
	if (err)
		return err;
	if (!render_upcoming(&b, &ws, v, n)) {
		buf_release(&b);
		return ERR_INTERNAL;
	}
	sess_cache_put(ws_id, version, now, until, b.p, b.len);
	put_raw(&r->w, "sessions", b.p, b.len);
	buf_release(&b);
	return ERR_OK;
}

/*
 * sess_get as a loader key sees it: an occurrence not yet materialised exists only within the
 * key horizon (sess_key_in_horizon), so a key cannot reach, and #17 cannot store, sessions far
 * in the future or the past. Outside it the answer is that of an unknown session.
 */
static enum err
session_of_key(struct req *r, const char *ws_id, const char *ref, struct session *s)
{
	enum err err = sess_get(&r->ctx, ws_id, ref, s);

	if (!err && s->id == NULL && !sess_key_in_horizon(r->ctx.now, s->starts_at))
		err = ctx_fail(&r->ctx, ERR_RESOURCE_NOT_FOUND, "sessionId",
			       "is outside the occurrence horizon");
	return err;
}

static enum err
check_ref(struct req *r, const char **ref)
{
	*ref = req_param(r, 0);
	if (!sess_ref_is_valid(*ref))
		return readmin_fail(r, ERR_INVALID_FIELD, 400, "Invalid session id");
	return ERR_OK;
}

/* #16: unknown, other-workspace and invalid occurrences all answer 200 session:null. */
static enum err
session_get(struct req *r)
{
	struct session s;
	struct workspace ws;
	const char *ref;
	enum err err = check_ref(r, &ref);

	if (!err)
		err = workspace_of_key(&r->ctx, &ws);
	if (!err)
		err = session_of_key(r, ws.cm.id, ref, &s);
	if (err == ERR_RESOURCE_NOT_FOUND) {
		r->ctx.fail = (struct fail){ 0 };
		jw_knull(&r->w, "session");
		return ERR_OK;
	}
	if (err)
		return err;
	jw_key(&r->w, "session");
	write_session(&r->w, &ws, &s, false);
	return ERR_OK;
}

/* --- #17 create a server ---------------------------------------------------------------------- */

static enum err
server_create(struct req *r)
{
	const struct json *nick = json_get(r->json, "nickname");
	const char *nickname = NULL, *why, *ref;
	struct sess_server x;
	struct session s;
	struct workspace ws;
	enum err err = check_ref(r, &ref);

	if (err)
		return err;
	if (nick != NULL && !json_is_null(r->json, "nickname")) {
		nickname = json_as_str(nick);
		if (nickname == NULL || !text_check(nickname, strlen(nickname), TEXT_NAME, 1,
						    SESS_NICKNAME_MAX, &why))
			return readmin_fail(r, ERR_INVALID_FIELD, 400, "Invalid nickname");
	}
	r->ctx.actor.roblox_actor_id = NULL;
	err = workspace_of_key(&r->ctx, &ws);
	if (!err)
		err = session_of_key(r, ws.cm.id, ref, &s);
	if (err == ERR_RESOURCE_NOT_FOUND)
		return readmin_fail(r, err, 404, NO_SESSION);
	if (!err && s.ends_at < r->ctx.now)
		return readmin_fail(r, ERR_INVALID_TRANSITION, 409, "Session has ended");
	/* An occurrence key is materialised first; the unique key makes it happen once. */
	if (!err && s.id == NULL)
		err = sess_get_materialised(&r->ctx, ws.cm.id, ref, &s);
	if (err == ERR_RESOURCE_NOT_FOUND)
		return readmin_fail(r, err, 404, NO_SESSION);
	if (!err)
		err = sess_server_add(&r->ctx, ws.cm.id, &s, nickname, &x);
	if (err == ERR_LIMIT_REACHED)
		return readmin_fail(r, err, 409, "Server limit reached");
	/* §5 row 21: the session after the insert. */
	if (!err)
		err = sess_get(&r->ctx, ws.cm.id, s.id, &s);
	if (err)
		return err;
	jw_kstr(&r->w, "newServerId", x.id);
	jw_key(&r->w, "session");
	write_session(&r->w, &ws, &s, false);
	return ERR_OK;
}

/* --- #18 claim a role ------------------------------------------------------------------------- */

/* §1.3: a Roblox id as a string or an integer 1 ... 2^53-1, normalised to decimal text. */
static const char *
body_roblox_id(struct req *r, const struct json *v)
{
	const char *s = json_as_str(v);
	int64_t i;

	if (s != NULL)
		return roblox_id_is_valid(s) ? s : NULL;
	if (json_as_int(v, &i) && i >= 1 && i <= ROBLOX_ID_MAX)
		return arena_printf(r->arena, "%lld", (long long)i);
	return NULL;
}

static enum err
claim_refused(struct req *r, enum sess_claim_refusal why)
{
	switch (why) {
	case CLAIM_NO_GROUP:
		return readmin_fail(r, ERR_RESOURCE_NOT_FOUND, 404, "Role not found");
	case CLAIM_NO_SUBROLE:
		return readmin_fail(r, ERR_RESOURCE_NOT_FOUND, 404, "Subrole not found");
	case CLAIM_ENDED:
		return readmin_fail(r, ERR_INVALID_TRANSITION, 409, "Session has ended");
	case CLAIM_LOCKED:
		return readmin_fail(r, ERR_ALREADY_CLAIMED, 409, "Claim is locked");
	case CLAIM_RANK_LOW:
		return readmin_fail(r, ERR_RANK_TOO_LOW, 409, "Rank below the subrole minimum");
	case CLAIM_FULL:
		return readmin_fail(r, ERR_SUBROLE_FULL, 409, "Subrole is full");
	case CLAIM_SERVER_FULL: /* SESS_CLAIMS_PER_SERVER_MAX; Roster decision */
		return readmin_fail(r, ERR_LIMIT_REACHED, 409, "Server is full");
	case CLAIM_OK:
		break;
	}
	return ERR_INTERNAL;
}

static enum err
role_claim(struct req *r)
{
	const char *ref, *server_id = req_param(r, 1);
	struct sess_claim_input in = { 0 };
	enum sess_claim_refusal why;
	struct sess_claim k;
	struct session s;
	struct workspace ws;
	enum err err = check_ref(r, &ref);

	if (err)
		return err;
	if (!uuid_is_valid(server_id))
		return readmin_fail(r, ERR_INVALID_FIELD, 400, "Invalid serverId");
	in.user_id = body_roblox_id(r, json_get(r->json, "userId"));
	in.group_id = json_str(r->json, "roleId");
	in.subrole_id = json_str(r->json, "subroleId");
	/* The documented answer for any missing (or unusable) field. */
	if (in.user_id == NULL || in.group_id == NULL || in.subrole_id == NULL)
		return readmin_fail(r, ERR_MISSING_FIELD, 400, "Invalid request");
	in.claimed_by = in.user_id; /* the claimant claims for themselves */
	r->ctx.actor.roblox_actor_id = in.user_id;
	err = workspace_of_key(&r->ctx, &ws);
	if (!err)
		err = session_of_key(r, ws.cm.id, ref, &s);
	if (err == ERR_RESOURCE_NOT_FOUND)
		return readmin_fail(r, err, 404, NO_SESSION);
	if (!err)
		err = sess_claim(&r->ctx, ws.cm.id, &s, server_id, &in, &why, &k);
	if (err == ERR_RESOURCE_NOT_FOUND)
		return readmin_fail(r, err, 404, "Server not found");
	if (err)
		return err;
	if (why != CLAIM_OK)
		return claim_refused(r, why);
	jw_key(&r->w, "claim");
	write_claim(&r->w, &k);
	return ERR_OK;
}

#define RM_ROUTE                                                                               \
	.surface = SURF_READMIN, .auth = AUTH_LOADER, .perm = PERM_NONE,                        \
	.limit = readmin_loader_limit, .readmin_extra = "message"

/* The literal paths come before /sessions/{sessionId}: the router takes the first match. */
static const struct route readmin_sessions_routes[] = {
	{ .method = M_GET, .path = "/sessions/roles", .fn = roles_list, RM_ROUTE,
	  .summary = "Session role groups (ReAdmin #13)" },
	{ .method = M_GET, .path = "/sessions/upcoming", .fn = sessions_upcoming, RM_ROUTE,
	  .summary = "Sessions and occurrences of the next 12 hours (ReAdmin #15)" },
	{ .method = M_GET, .path = "/sessions", .fn = sessions_list, RM_ROUTE,
	  .summary = "Materialised sessions from now (ReAdmin #14)" },
	{ .method = M_GET, .path = "/sessions/{sessionId}", .fn = session_get, RM_ROUTE,
	  .summary = "A session or an occurrence (ReAdmin #16)" },
	{ .method = M_POST, .path = "/sessions/{sessionId}/servers", .fn = server_create, RM_ROUTE,
	  .writes = true, .summary = "Add a server to a session (ReAdmin #17)" },
	{ .method = M_POST, .path = "/sessions/{sessionId}", .fn = server_create, RM_ROUTE,
	  .writes = true, .summary = "Add a server to a session, short path (ReAdmin #17)" },
	{ .method = M_POST, .path = "/sessions/{sessionId}/servers/{serverId}/roles",
	  .fn = role_claim, RM_ROUTE, .writes = true,
	  .summary = "Claim a subrole on a session server (ReAdmin #18)" },
};

ROUTE_TABLE(api_readmin_sessions_routes, readmin_sessions_routes);
