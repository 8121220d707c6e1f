/*
 * ws_servers.c: the game-server routes of platform.md §6.5 (servers, queued actions, online
 * players) under /api/workspaces/{wsId}: reads with view_workspace, writes with
 * manage_game_servers (platform.md §6). Dashboard writes are
 * audited here, `workspace.server.end`, `workspace.action.create`, `workspace.action.cancel`;
 * the tracker traffic these routes start (session ends, expiries) is not (readmin-compat.md
 * §1.7).
 */
#include <string.h>

#include "api/api.h"
#include "api/ws_int.h"
#include "core/id.h"
#include "core/utf8.h"
#include "model/actions.h"
#include "model/audit.h"
#include "model/snapshot.h"
#include "model/tracker.h"

static const char ID_REASON[] = "must be a 24-character lowercase hex id";

static void
write_server(struct jw *w, const struct running_server *s)
{
	jw_obj(w);
	jw_kstr(w, "id", s->id);
	jw_kstr(w, "gameId", s->universe_id);
	jw_kstr(w, "placeId", s->place_id);
	jw_kstr(w, "jobId", s->job_id);
	jw_kstr(w, "privateServerId", s->private_server_id);
	jw_kstr(w, "privateServerOwnerId", s->private_server_owner_id);
	jw_kint(w, "placeVersion", s->place_version);
	jw_ktime(w, "startedAt", s->started_at);
	jw_ktime(w, "lastPingAt", s->last_ping_at);
	jw_kint(w, "playerCount", s->player_count);
	/* Roster additions: GET names ended servers too (history). */
	jw_kstr(w, "internalId", s->internal_id);
	jw_ktime(w, "endedAt", s->ended_at);
	jw_kstr(w, "endReason", s->end_reason);
	jw_obj_end(w);
}

static void
write_player(struct jw *w, const struct online_player *p)
{
	jw_obj(w);
	jw_kstr(w, "robloxUserId", p->roblox_user_id);
	jw_kstr(w, "username", p->username);
	jw_kstr(w, "serverId", p->server_id);
	jw_kstr(w, "platform", p->platform);
	jw_kbool(w, "isStaff", p->is_staff);
	jw_kbool(w, "active", p->active);
	jw_ktime(w, "joinedAt", p->joined_at);
	jw_obj_end(w);
}

static void
write_action(struct jw *w, const struct action *a)
{
	jw_obj(w);
	jw_kstr(w, "id", a->id);
	jw_kstr(w, "serverId", a->server_id);
	jw_kstr(w, "type", a->type);
	jw_kstr(w, "robloxUserId", a->roblox_user_id);
	jw_kstr(w, "message", a->message);
	jw_kstr(w, "status", a->status);
	jw_ktime(w, "createdAt", a->created_at);
	jw_kstr(w, "createdBy", a->created_by);
	jw_ktime(w, "deliveredAt", a->delivered_at);
	jw_obj_end(w);
}

/* The workspace, then path parameter 1 as a server id (400 when malformed, 404 unknown). */
static enum err
resolve_server(struct req *r, struct workspace *ws, struct running_server *srv)
{
	const char *id = req_param(r, 1);
	enum err err = ws_resolve(r, ws);

	if (err)
		return err;
	if (!id_is_valid(id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "serverId", ID_REASON);
	return tracker_server_get(&r->ctx, ws->cm.id, id, srv);
}

static const char *
actor_ref(struct req *r)
{
	return r->ctx.actor.user_id[0] ? r->ctx.actor.user_id : NULL;
}

static enum err
servers_list(struct req *r)
{
	struct running_server *v;
	struct workspace ws;
	int64_t page, size, total;
	size_t n;
	enum err err = ws_resolve(r, &ws);

	req_paging(r, &page, &size);
	if (!err)
		err = tracker_server_list(&r->ctx, ws.cm.id, page, size, &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "servers");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_server(&r->w, &v[i]);
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

static enum err
server_get(struct req *r)
{
	struct running_server srv;
	struct online_player *v;
	struct workspace ws;
	int64_t total;
	size_t n = 0;
	enum err err = resolve_server(r, &ws, &srv);

	/* Every player of one server: a Roblox server holds at most a few hundred. */
	if (!err)
		err = tracker_players_list(&r->ctx, ws.cm.id, srv.id, false, 1, 1000, &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "server");
	write_server(&r->w, &srv);
	jw_key(&r->w, "players");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_player(&r->w, &v[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

static const char *
server_snap(struct arena *a, const struct running_server *s)
{
	struct snap sn;

	snap_begin(&sn, a);
	snap_str(&sn, "jobId", s->job_id);
	snap_bool(&sn, "ended", s->ended_at != 0);
	snap_str(&sn, "endReason", s->end_reason);
	return snap_end(&sn);
}

/* Ends the server as endServer does (sessions at now, actions expired); ended: 200 no-op. */
static enum err
server_end(struct req *r)
{
	struct running_server before, srv;
	struct workspace ws;
	bool ended = false;
	enum err err = resolve_server(r, &ws, &before);

	if (!err)
		err = tracker_server_end(&r->ctx, ws.cm.id, before.id, r->ctx.now, "serverClose",
					 "dashboard", &ended);
	if (!err)
		err = tracker_server_get(&r->ctx, ws.cm.id, before.id, &srv);
	if (!err && ended)
		err = audit_write(&r->ctx, "workspace.server.end", "server", srv.id, ws.cm.id,
				  server_snap(r->arena, &before), server_snap(r->arena, &srv));
	if (err)
		return err;
	jw_key(&r->w, "server");
	write_server(&r->w, &srv);
	return ERR_OK;
}

static enum err
actions_index(struct req *r)
{
	struct running_server srv;
	struct workspace ws;
	struct action *v;
	int64_t page, size, total;
	size_t n;
	enum err err = resolve_server(r, &ws, &srv);

	req_paging(r, &page, &size);
	if (!err)
		err = actions_list(&r->ctx, ws.cm.id, srv.id, req_query(r, "status"), page, size, &v,
				   &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "actions");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_action(&r->w, &v[i]);
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

static const char *
action_snap(struct arena *a, const struct action *x)
{
	struct snap s;

	snap_begin(&s, a);
	snap_str(&s, "serverId", x->server_id);
	snap_str(&s, "type", x->type);
	snap_str(&s, "robloxUserId", x->roblox_user_id);
	snap_str(&s, "message", x->message);
	snap_str(&s, "status", x->status);
	return snap_end(&s);
}

/* §6.5 input rules the field table cannot state: type, user by type, message by type. */
static enum err
action_input(struct req *r, const char **type, const char **user, const char **msg)
{
	struct ctx *c = &r->ctx;

	*type = json_str(r->json, "type");
	*user = json_str(r->json, "robloxUserId");
	*msg = json_str(r->json, "message");
	if (!action_type_is_valid(*type))
		return ctx_fail(c, ERR_INVALID_FIELD, "type",
				"must be kick, notify, notifyAll, shutdown, slock or unslock");
	if (action_type_targets_user(*type) && *user == NULL)
		return fail_set(&c->fail, r->arena, ERR_MISSING_FIELD, "field", "robloxUserId",
				(const char *)NULL);
	if (!action_type_targets_user(*type) && json_has(r->json, "robloxUserId"))
		return ctx_fail(c, ERR_INVALID_FIELD, "robloxUserId",
				"only kick and notify name a user");
	if (*user != NULL && !roblox_id_is_valid(*user))
		return ctx_fail(c, ERR_INVALID_FIELD, "robloxUserId", "must be a Roblox id");
	if (*msg == NULL && strcmp(*type, "unslock") != 0)
		return fail_set(&c->fail, r->arena, ERR_MISSING_FIELD, "field", "message",
				(const char *)NULL);
	return ERR_OK;
}

static enum err
action_create(struct req *r)
{
	const char *type, *user, *msg;
	struct running_server srv;
	struct workspace ws;
	struct action a;
	enum err err = resolve_server(r, &ws, &srv);

	if (!err)
		err = action_input(r, &type, &user, &msg);
	if (!err && srv.ended_at != 0) /* no live server to deliver to */
		err = fail_set(&r->ctx.fail, r->arena, ERR_RESOURCE_NOT_FOUND, "resource", "server",
			       (const char *)NULL);
	if (!err)
		err = action_queue(&r->ctx, ws.cm.id, srv.id, type, user, msg, actor_ref(r), &a);
	if (!err)
		err = audit_write(&r->ctx, "workspace.action.create", "action", a.id, ws.cm.id, NULL,
				  action_snap(r->arena, &a));
	if (err)
		return err;
	jw_key(&r->w, "action");
	write_action(&r->w, &a);
	return ERR_OK;
}

static enum err
action_delete(struct req *r)
{
	const char *id = req_param(r, 2);
	struct running_server srv;
	struct workspace ws;
	struct action before, a;
	enum err err = resolve_server(r, &ws, &srv);

	if (!err && !id_is_valid(id))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "actionId", ID_REASON);
	if (!err)
		err = action_get(&r->ctx, ws.cm.id, srv.id, id, &before);
	if (!err)
		err = action_cancel(&r->ctx, ws.cm.id, srv.id, id, &a);
	if (!err)
		err = audit_write(&r->ctx, "workspace.action.cancel", "action", a.id, ws.cm.id,
				  action_snap(r->arena, &before), action_snap(r->arena, &a));
	if (err)
		return err;
	jw_key(&r->w, "action");
	write_action(&r->w, &a);
	return ERR_OK;
}

static enum err
players_index(struct req *r)
{
	struct online_player *v;
	struct workspace ws;
	int64_t page, size, total;
	size_t n;
	const char *so = req_query(r, "staffOnly");
	enum err err = ws_resolve(r, &ws);

	req_paging(r, &page, &size);
	if (!err)
		err = tracker_players_list(&r->ctx, ws.cm.id, NULL, so && strcmp(so, "true") == 0,
					   page, size, &v, &n, &total);
	if (err)
		return err;
	jw_key(&r->w, "players");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_player(&r->w, &v[i]);
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, total);
	return ERR_OK;
}

static const struct field action_fields[] = {
	{ "type", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 20, 0 },
	{ "robloxUserId", FT_STRING, 0, TEXT_NAME, 1, 19, 0 },
	{ "message", FT_STRING, 0, TEXT_FREE, 1, ACTION_MESSAGE_MAX, 0 },
	{ 0 },
};

static const struct field no_fields[] = { { 0 } };

static const char *const STATUS_VALUES[] = { "pending", "delivered", "cancelled", "expired", NULL };

static const struct qfield page_query[] = { QF_PAGE, QF_PAGE_SIZE, { 0 } };
static const struct qfield action_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "status", Q_ENUM, 0, 0, false, STATUS_VALUES },
	{ 0 },
};
static const struct qfield player_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "staffOnly", Q_BOOL, 0, 0, false, NULL },
	{ 0 },
};

/* platform.md §6: reads need view_workspace (+ workspaces:read); writes the §6.5 permission. */
#define WS_READ WS_ROUTE_READ, .perm = PERM_VIEW_WORKSPACE
#define WS_WRITE WS_ROUTE_WRITE, .perm = PERM_MANAGE_GAME_SERVERS

static const struct route ws_servers_routes[] = {
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/servers", .fn = servers_list, WS_READ,
	  .query = page_query, .summary = "Live game servers, newest first" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/servers/{serverId}", .fn = server_get,
	  WS_READ, .summary = "One game server with its players" },
	{ .method = M_DELETE, .path = "/api/workspaces/{wsId}/servers/{serverId}", .fn = server_end,
	  WS_WRITE, .body = no_fields, .summary = "End a game server as at shutdown" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/servers/{serverId}/actions",
	  .fn = actions_index, WS_READ, .query = action_query,
	  .summary = "Queued actions of a server, newest first" },
	{ .method = M_POST, .path = "/api/workspaces/{wsId}/servers/{serverId}/actions",
	  .fn = action_create, WS_WRITE, .body = action_fields,
	  .summary = "Queue an action for a server" },
	{ .method = M_DELETE, .path = "/api/workspaces/{wsId}/servers/{serverId}/actions/{actionId}",
	  .fn = action_delete, WS_WRITE, .body = no_fields, .summary = "Cancel a pending action" },
	{ .method = M_GET, .path = "/api/workspaces/{wsId}/players", .fn = players_index, WS_READ,
	  .query = player_query, .summary = "Players in live servers now" },
};

ROUTE_TABLE(api_ws_servers_routes, ws_servers_routes);
