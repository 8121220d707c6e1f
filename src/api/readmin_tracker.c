/*
 * readmin_tracker.c: the Activity Tracker routes of readmin-compat.md §3.7 (#31-#36) and the
 * companion routes of §3.8 (playerLeave/v2, consent), exactly as ReAdmin's in-game module
 * calls them. The gate has resolved the loader key and, for running-server routes, the
 * server named by `gameId` (c->actor.server, heartbeat written); handlers validate fields
 * here, in the documented order, and call model/tracker.h. Tracker traffic is not audited
 * (§1.7). Handlers never open or commit a transaction: the gate (or a shared group commit)
 * owns it.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "api/api.h"
#include "auth/bucket.h"
#include "core/id.h"
#include "core/strconv.h"
#include "core/utf8.h"
#include "model/actions.h"
#include "model/tracker.h"
#include "model/workspaces.h"
#include "api/readmin_int.h"

#define ROBLOX_ID_MAX 9007199254740991LL /* §1.3: integers 1 ... 2^53-1 */
#define SERVER_PER_MINUTE 600            /* §1.6: each running server */
#define EVENT_ID_MAX 100                 /* longer client event ids are not ids: malformed */
#define MS_MAX 253402300799999LL         /* 9999-12-31T23:59:59.999Z */
#define LEAVE_MISSING "Missing required paramater" /* ReAdmin's spelling (§3.7 #35) */

/* --- shared input helpers ------------------------------------------------------------------ */

static enum err
invalid(struct req *r, const char *field)
{
	return readmin_fail(r, ERR_INVALID_FIELD, 400, arena_printf(r->arena, "Invalid %s", field));
}

static enum err
missing(struct req *r, const char *field)
{
	return readmin_fail(r, ERR_MISSING_FIELD, 400, arena_printf(r->arena, "Missing %s", field));
}

static bool
present(const struct json *o, const char *k)
{
	return json_has(o, k) && !json_is_null(o, k);
}

/* json.h has no array test: present, and none of the other JSON types. */
static bool
is_array(const struct json *o, const char *k)
{
	const struct json *v = json_get(o, k);

	return present(o, k) && !json_is_object(v) && json_as_str(v) == NULL &&
	       isnan(json_num(o, k, NAN)) && json_bool(o, k, false) != json_bool(o, k, true);
}

/* §1.3: a Roblox id as a string or an integer 1 ... 2^53-1, normalised to decimal text. */
static const char *
roblox_id(struct req *r, const struct json *v)
{
	const char *s = json_as_str(v);
	int64_t i;

	if (s != NULL)
		return roblox_id_is_valid(s) ? s : NULL;
	if (json_as_int(v, &i) && i >= 1 && i <= ROBLOX_ID_MAX)
		return arena_printf(r->arena, "%lld", (long long)i);
	return NULL;
}

/* A JSON number member (integer or real) in [lo, hi]; false when absent or anything else. */
static bool
number_in(const struct json *o, const char *k, double lo, double hi, double *out)
{
	double v = json_num(o, k, NAN);

	if (isnan(v) || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/*
 * §1.3 body times: `datetime` (ms) wins over `date` (Unix seconds, fractional). *ms = -1 when
 * neither is a usable number.
 */
static void
body_time(const struct json *o, const char *secs_key, int64_t *ms)
{
	double v;

	*ms = -1;
	if (number_in(o, "datetime", 0, (double)MS_MAX, &v))
		*ms = (int64_t)v;
	else if (number_in(o, secs_key, 0, (double)MS_MAX / 1000.0, &v))
		*ms = (int64_t)(v * 1000.0);
}

/* Text of at most max code points, no control characters but \n \t; NULL when absent. */
static enum err
opt_text(struct req *r, const char *k, size_t max, const char **out)
{
	const char *why;

	*out = NULL;
	if (!present(r->json, k))
		return ERR_OK;
	*out = json_str(r->json, k);
	if (*out == NULL || !text_check(*out, strlen(*out), TEXT_FREE, 0, max, &why))
		return invalid(r, k);
	return ERR_OK;
}

static const struct running_server *
server_of(struct req *r)
{
	return r->ctx.actor.server;
}

/* §1.6: each running server's own bucket over its routes; after gameId, before fields. */
static enum err
server_limit(struct req *r)
{
	int secs = bucket_take("server", server_of(r)->id, SERVER_PER_MINUTE, r->ctx.now);

	if (secs == 0)
		return ERR_OK;
	readmin_fail(r, ERR_RATE_LIMITED, 429, "Too many requests");
	r->ctx.fail.retry_after = secs;
	return ERR_RATE_LIMITED;
}

/* --- W (§2) -------------------------------------------------------------------------------- */

static enum err
write_w(struct req *r, const struct workspace *ws)
{
	const char **staff;
	size_t n;
	enum err err = workspace_staff_ids(&r->ctx, ws, &staff, &n);

	if (err)
		return err;
	jw_key(&r->w, "workspace");
	jw_obj(&r->w);
	readmin_write_w(&r->w, ws, staff, n);
	jw_obj_end(&r->w);
	return ERR_OK;
}

/* --- #31 POST /activity/createServer -------------------------------------------------------- */

static enum err
create_parse(struct req *r, struct server_input *in)
{
	const struct json *o = r->json;
	const char *why;
	double v;
	int64_t owner;

	in->job_id = json_str(o, "jobId");
	if (!present(o, "jobId") || (in->job_id != NULL && *in->job_id == '\0'))
		return readmin_fail(r, ERR_MISSING_FIELD, 400,
				    "Job ID was not provided - must not run in studio.");
	if (in->job_id == NULL ||
	    !text_check(in->job_id, strlen(in->job_id), TEXT_NAME, 1, TRACKER_JOB_MAX, &why))
		return invalid(r, "jobId");
	if (!present(o, "gameId"))
		return missing(r, "gameId");
	if (!present(o, "placeId"))
		return missing(r, "placeId");
	in->universe_id = roblox_id(r, json_get(o, "gameId"));
	if (in->universe_id == NULL)
		return invalid(r, "gameId");
	in->place_id = roblox_id(r, json_get(o, "placeId"));
	if (in->place_id == NULL)
		return invalid(r, "placeId");
	in->private_server_id = "";
	if (present(o, "privateServerId")) {
		in->private_server_id = json_str(o, "privateServerId");
		if (in->private_server_id == NULL ||
		    !text_check(in->private_server_id, strlen(in->private_server_id), TEXT_NAME, 0,
				TRACKER_PRIVATE_ID_MAX, &why))
			return invalid(r, "privateServerId");
	}
	in->private_server_owner_id = "0";
	if (present(o, "privateServerOwnerId")) {
		const char *s = json_str(o, "privateServerOwnerId");

		if (s != NULL && strcmp(s, "0") == 0)
			owner = 0;
		else if (s != NULL && roblox_id_is_valid(s))
			owner = 1;
		else if (!json_as_int(json_get(o, "privateServerOwnerId"), &owner) || owner < 0 ||
			 owner > ROBLOX_ID_MAX)
			return invalid(r, "privateServerOwnerId");
		in->private_server_owner_id =
			s != NULL ? s : arena_printf(r->arena, "%lld", (long long)owner);
	}
	in->place_version = 0;
	if (present(o, "placeVersion")) {
		const char *s = json_str(o, "placeVersion");
		int64_t pv;

		if (s != NULL && roblox_id_is_valid(s) && str_to_i64(s, strlen(s), 0, INT32_MAX, &pv))
			in->place_version = pv;
		else if (s != NULL && strcmp(s, "0") == 0)
			in->place_version = 0;
		else if (s == NULL && number_in(o, "placeVersion", 0, INT32_MAX, &v) && v == floor(v))
			in->place_version = (int64_t)v;
		else
			return invalid(r, "placeVersion");
	}
	return ERR_OK;
}

/* The module settings createServer answers beside W (§3.7 #31; constants are Roster's). */
static void
write_module_settings(struct jw *w, const struct workspace *ws)
{
	jw_kstr(w, "groupId", ws->cm.roblox_group_id ? ws->cm.roblox_group_id : "");
	jw_kstr(w, "groupName", ws->roblox_group_name ? ws->roblox_group_name : ws->cm.name);
	jw_kbool(w, "moderation", ws->module_moderation);
	jw_key(w, "afkReportingSettings");
	jw_obj(w);
	jw_key(w, "altTab");
	jw_obj(w);
	jw_kbool(w, "active", true);
	jw_obj_end(w);
	jw_key(w, "movement");
	jw_obj(w);
	jw_kbool(w, "active", true);
	jw_obj_end(w);
	jw_obj_end(w);
	jw_key(w, "applicationCenter");
	jw_obj(w);
	jw_kbool(w, "enabled", false);
	jw_kstr(w, "displayMode", "windowed");
	jw_kbool(w, "backdrop", false);
	jw_obj_end(w);
	jw_key(w, "privacy");
	jw_obj(w);
	jw_kbool(w, "trackStaffOnly", ws->track_staff_only);
	jw_kbool(w, "requireConsent", ws->require_consent);
	jw_obj_end(w);
	jw_key(w, "orders");
	jw_obj(w);
	jw_kbool(w, "enabled", ws->module_orders);
	jw_obj_end(w);
	jw_kint(w, "afkTime", ws->afk_timeout_seconds);
}

static enum err
create_server(struct req *r)
{
	struct ctx *c = &r->ctx;
	struct server_input in = { 0 };
	struct running_server srv;
	struct workspace ws;
	bool replayed;
	enum err err = create_parse(r, &in);

	if (!err)
		err = workspace_of_key(c, &ws);
	if (!err)
		err = tracker_server_create(c, ws.cm.id, &in,
					    arena_printf(r->arena, "loaderKey:%s", c->actor.game_key_id),
					    &srv, &replayed);
	if (err)
		return err;
	/* §3.7 #31: here gameId is the internal id; later calls send runningGameId back. */
	jw_kstr(&r->w, "gameId", srv.internal_id);
	jw_kstr(&r->w, "runningGameId", srv.id);
	err = write_w(r, &ws);
	if (!err)
		write_module_settings(&r->w, &ws);
	return err;
}

/* --- #32 getServer, #33 endServer ---------------------------------------------------------- */

static enum err
get_server(struct req *r)
{
	struct workspace ws;
	enum err err = workspace_of_key(&r->ctx, &ws);

	return err ? err : write_w(r, &ws);
}

static enum err
end_server(struct req *r)
{
	const struct running_server *srv = server_of(r);
	bool ended;

	if (srv->ended_at != 0) /* Roster decision: the module retries on shutdown */
		return ERR_OK;
	return tracker_server_end(&r->ctx, r->ctx.actor.workspace_id, srv->id, r->ctx.now,
				  "serverClose", "endServer", &ended);
}

/* --- #34 POST /activity/playerJoin --------------------------------------------------------- */

/* `+02:00`, `-0530`, `Z` -> "+02:00" / "-05:30" / "+00:00"; NULL when invalid (ignored). */
static const char *
tz_offset(struct req *r, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	int h, m;

	if (n == 1 && s[0] == 'Z')
		return "+00:00";
	if ((n != 6 && n != 5) || (s[0] != '+' && s[0] != '-'))
		return NULL;
	const char *mm = n == 6 ? s + 4 : s + 3;
	if (n == 6 && s[3] != ':')
		return NULL;
	for (const char *p = s + 1; p < s + 3; p++)
		if (*p < '0' || *p > '9')
			return NULL;
	if (mm[0] < '0' || mm[0] > '9' || mm[1] < '0' || mm[1] > '9')
		return NULL;
	h = (s[1] - '0') * 10 + (s[2] - '0');
	m = (mm[0] - '0') * 10 + (mm[1] - '0');
	if (h > 14 || m > 59)
		return NULL;
	return arena_printf(r->arena, "%c%02d:%02d", s[0], h, m);
}

static const char *
platform_of(const char *s)
{
	static const char *const known[] = { "Phone", "Tablet", "Console", "Desktop" };

	for (size_t i = 0; s != NULL && i < nitems(known); i++)
		if (strcmp(s, known[i]) == 0)
			return known[i];
	return "unknown";
}

static enum err
join_parse(struct req *r, struct join_input *in)
{
	const struct json *o = r->json;
	const char *sc = present(o, "safechat") ? "safechat" : "safeChat";
	enum err err;
	int64_t rank;
	double v;

	if (!present(o, "playerId"))
		return missing(r, "playerId");
	in->roblox_user_id = roblox_id(r, json_get(o, "playerId"));
	if (in->roblox_user_id == NULL)
		return invalid(r, "playerId");
	in->platform = platform_of(json_str(o, "platform"));
	if (present(o, sc) && json_bool(o, sc, false) != json_bool(o, sc, true))
		return invalid(r, sc);
	err = opt_text(r, "username", TRACKER_NAME_MAX, &in->username);
	if (!err)
		err = opt_text(r, "displayName", TRACKER_NAME_MAX, &in->display_name);
	if (err)
		return err;
	if (in->username != NULL && *in->username == '\0')
		in->username = NULL;
	if (in->display_name != NULL && *in->display_name == '\0')
		in->display_name = NULL;
	in->timezone = tz_offset(r, json_str(o, "tzOffset"));
	in->at = -1;
	if (present(o, "datetime")) {
		if (!number_in(o, "datetime", 0, (double)MS_MAX, &v))
			return invalid(r, "datetime");
		in->at = (int64_t)v;
	}
	in->group_rank = -1;
	if (present(o, "groupRank")) {
		if (!json_as_int(json_get(o, "groupRank"), &rank) || rank < 0 || rank > 255)
			return invalid(r, "groupRank");
		in->group_rank = (int)rank;
	}
	const char *role;
	err = opt_text(r, "groupRole", TRACKER_ROLE_MAX, &role);
	if (err)
		return err; /* checked on its own: a numeric userKey must not clear it */
	if (json_as_int(json_get(o, "userKey"), &rank)) /* a numeric key is its text */
		in->user_key = arena_printf(r->arena, "%lld", (long long)rank);
	else if ((err = opt_text(r, "userKey", TRACKER_USER_KEY_MAX, &in->user_key)) != ERR_OK)
		return err;
	if (in->user_key == NULL || *in->user_key == '\0')
		in->user_key = in->roblox_user_id;
	return ERR_OK;
}

static void
ids_null(struct jw *w)
{
	jw_knull(w, "sessionId");
	jw_knull(w, "runningPlayerId");
}

static enum err
player_join(struct req *r)
{
	struct join_input in = { 0 };
	struct join_result res;
	struct jw *w = &r->w;
	enum err err = join_parse(r, &in);

	if (!err)
		err = tracker_player_join(&r->ctx, r->ctx.actor.workspace_id, server_of(r), &in, &res);
	if (err == ERR_LIMIT_REACHED) /* TRACKER_PLAYERS_MAX (docs/tracker.md) */
		return readmin_fail(r, err, 409, "Too many players");
	if (err)
		return err;
	switch (res.kind) {
	case JOIN_IGNORED:
		jw_kbool(w, "banned", false);
		jw_kbool(w, "isStaff", false);
		jw_kbool(w, "tracked", false);
		jw_kstr(w, "sessionId", "GDPR_IGNORED");
		jw_kstr(w, "runningPlayerId", "GDPR_IGNORED");
		break;
	case JOIN_BANNED:
		jw_kbool(w, "banned", true);
		jw_kstr(w, "reason", res.ban_reason);
		if (res.ban_expires_at == 0)
			jw_kstr(w, "expiration", "never");
		else
			jw_ktime(w, "expiration", res.ban_expires_at);
		jw_kbool(w, "isStaff", res.is_staff);
		jw_kbool(w, "tracked", false);
		ids_null(w);
		break;
	case JOIN_CONSENT_DENIED:
	case JOIN_UNTRACKED:
		jw_kbool(w, "banned", false);
		jw_knull(w, "reason");
		jw_kbool(w, "isStaff", res.is_staff);
		jw_kbool(w, "tracked", false);
		if (res.kind == JOIN_CONSENT_DENIED)
			jw_kstr(w, "consent", "denied");
		ids_null(w);
		break;
	case JOIN_TRACKED:
		jw_kbool(w, "banned", false);
		jw_knull(w, "reason");
		jw_kbool(w, "isStaff", res.is_staff);
		jw_kbool(w, "tracked", true);
		jw_kbool(w, "needsConsent", res.needs_consent);
		jw_kstr(w, "sessionId", res.session_id);
		jw_kstr(w, "runningPlayerId", res.running_player_id);
		break;
	}
	return ERR_OK;
}

/* --- events (#35 #36) ---------------------------------------------------------------------- */

/*
 * One event of §3.7 #36; false when malformed (skipped without failing the batch). `log` and
 * unknown types parse as PT_NONE and are skipped by the model.
 */
static bool
event_parse(struct req *r, const struct json *e, struct tracker_event *out)
{
	const struct json *id = json_get(e, "id");
	const char *why;
	int64_t iv;

	if (!json_is_object(e))
		return false;
	memset(out, 0, sizeof(*out));
	out->type = playtime_type(json_str(e, "type"));
	body_time(e, "date", &out->at);
	if (out->at < 0)
		return false;
	out->raw_ms = out->at;
	if (id != NULL && !json_is_null(e, "id")) {
		out->id = json_as_str(id);
		if (out->id == NULL && json_as_int(id, &iv))
			out->id = arena_printf(r->arena, "%lld", (long long)iv);
		if (out->id == NULL ||
		    !text_check(out->id, strlen(out->id), TEXT_NAME, 1, EVENT_ID_MAX, &why))
			return false;
	}
	if (present(e, "user")) {
		out->user = roblox_id(r, json_get(e, "user"));
		if (out->user == NULL)
			return false;
	}
	out->user_key = json_str(e, "userKey");
	if (out->user_key == NULL && json_as_int(json_get(e, "userKey"), &iv))
		out->user_key = arena_printf(r->arena, "%lld", (long long)iv);
	return true;
}

/* The well-formed events of an `events` array, in arrival order. */
static void
events_parse(struct req *r, const struct json *arr, struct tracker_event **out, size_t *n)
{
	size_t len = json_array_len(arr);

	*n = 0;
	*out = arena_alloc(r->arena, (len + 1) * sizeof(**out));
	for (size_t i = 0; i < len; i++)
		if (event_parse(r, json_array_at(arr, i), &(*out)[*n]))
			(*n)++;
}

/* --- #35 DELETE /activity/playerLeave, §3.8 POST /activity/playerLeave/v2 ------------------ */

static enum err
leave_parse(struct req *r, bool v2, struct leave_input *in)
{
	const struct json *o = r->json, *ev = json_get(o, "events");
	const struct json *ids = json_get(o, "sessionIds");
	size_t max = v2 ? TRACKER_V2_EVENTS_MAX : TRACKER_EVENTS_MAX;
	struct tracker_event *v;
	int64_t left;

	if (!present(o, "playerId") || !present(o, "events") || (v2 && !present(o, "final")))
		return readmin_fail(r, ERR_MISSING_FIELD, 400, LEAVE_MISSING);
	in->final = true;
	if (v2) {
		if (json_bool(o, "final", false) != json_bool(o, "final", true))
			return invalid(r, "final");
		in->final = json_bool(o, "final", false);
	}
	body_time(o, "leftTime", &left);
	if (in->final && left < 0 && !present(o, "leftTime") && !present(o, "datetime"))
		return readmin_fail(r, ERR_MISSING_FIELD, 400, LEAVE_MISSING);
	if (in->final && left < 0)
		return invalid(r, "leftTime");
	in->left_at = left;
	in->roblox_user_id = roblox_id(r, json_get(o, "playerId"));
	if (in->roblox_user_id == NULL)
		return invalid(r, "playerId");
	if (!is_array(o, "events"))
		return invalid(r, "events");
	if (json_array_len(ev) > max)
		return readmin_fail(r, ERR_INVALID_FIELD, 400, "Too many events");
	events_parse(r, ev, &v, &in->n);
	in->events = v;
	in->session_hint = NULL;
	if (ids != NULL && json_is_object(ids)) {
		const char *h = json_str(ids, "userGameSession");
		in->session_hint = h != NULL && id_is_valid(h) ? h : NULL;
	}
	return ERR_OK;
}

static enum err
leave(struct req *r, bool v2)
{
	struct leave_input in = { 0 };
	bool finalized;
	enum err err = leave_parse(r, v2, &in);

	if (!err)
		err = tracker_player_leave(&r->ctx, r->ctx.actor.workspace_id, server_of(r), &in,
					   &finalized);
	if (!err && v2)
		jw_kbool(&r->w, "finalized", finalized);
	return err;
}

static enum err
player_leave(struct req *r)
{
	return leave(r, false);
}

static enum err
player_leave_v2(struct req *r)
{
	return leave(r, true);
}

/* --- #36 POST /activity/sendData ---------------------------------------------------------- */

/* QueuedAction (§2). */
static void
write_queued_action(struct jw *w, const struct action *a)
{
	jw_obj(w);
	jw_kstr(w, "_id", a->id);
	jw_kstr(w, "internalGameId", a->internal_id);
	jw_kstr(w, "runningGameId", a->server_id);
	jw_kstr(w, "type", a->type);
	if (a->roblox_user_id != NULL && roblox_id_is_valid(a->roblox_user_id))
		jw_kraw(w, "userId", a->roblox_user_id);
	else
		jw_knull(w, "userId");
	jw_kstr(w, "message", a->message);
	jw_ktime(w, "created", a->created_at);
	jw_obj_end(w);
}

/* `players` keys (userKeys now in the server); *keys NULL when the member was not sent. */
static enum err
players_parse(struct req *r, const char ***keys, size_t *n)
{
	const struct json *p = json_get(r->json, "players"), *v;
	const char *k;
	void *it = NULL;
	size_t cap = 64;

	*keys = NULL;
	*n = 0;
	if (!present(r->json, "players"))
		return ERR_OK;
	if (!json_is_object(p))
		return invalid(r, "players");
	*keys = arena_alloc(r->arena, cap * sizeof(**keys));
	while (json_next(p, &it, &k, &v)) {
		/* A Roblox server holds at most 700: more is not a player list (docs/tracker.md). */
		if (*n == TRACKER_PLAYERS_MAX)
			return invalid(r, "players");
		if (*n == cap) {
			const char **grown = arena_alloc(r->arena, 2 * cap * sizeof(**keys));
			memcpy(grown, *keys, cap * sizeof(**keys));
			*keys = grown;
			cap *= 2;
		}
		(*keys)[(*n)++] = k;
	}
	return ERR_OK;
}

static enum err
send_data(struct req *r)
{
	struct ctx *c = &r->ctx;
	const struct json *ev = json_get(r->json, "events");
	const char *ws_id = c->actor.workspace_id;
	struct tracker_event *v;
	struct action *acts;
	const char **keys;
	size_t n, nkeys, nacts;
	enum err err;

	if (!present(r->json, "events"))
		return missing(r, "events");
	if (!is_array(r->json, "events"))
		return invalid(r, "events");
	if (json_array_len(ev) > TRACKER_EVENTS_MAX)
		return readmin_fail(r, ERR_INVALID_FIELD, 400, "Too many events");
	err = players_parse(r, &keys, &nkeys);
	if (err)
		return err;
	events_parse(r, ev, &v, &n);
	err = tracker_events_add(c, ws_id, server_of(r), v, n);
	if (!err && keys != NULL)
		err = tracker_players_sync(c, ws_id, server_of(r), keys, nkeys);
	if (!err)
		err = actions_take(c, ws_id, server_of(r)->id, &acts, &nacts);
	if (err)
		return err;
	jw_key(&r->w, "queuedActions");
	jw_arr(&r->w);
	for (size_t i = 0; i < nacts; i++)
		write_queued_action(&r->w, &acts[i]);
	jw_arr_end(&r->w);
	jw_key(&r->w, "ongoingChats");
	jw_arr(&r->w);
	jw_arr_end(&r->w);
	return ERR_OK;
}

/* --- §3.8 POST /activity/consent ---------------------------------------------------------- */

static enum err
consent(struct req *r)
{
	const struct json *o = r->json;
	const char *user, *s = json_str(o, "consent");
	bool granted;

	if (!present(o, "playerId"))
		return missing(r, "playerId");
	user = roblox_id(r, json_get(o, "playerId"));
	if (user == NULL)
		return invalid(r, "playerId");
	if (s != NULL && (strcmp(s, "granted") == 0 || strcmp(s, "denied") == 0))
		granted = strcmp(s, "granted") == 0;
	else if (present(o, "consent") && json_bool(o, "consent", false) == json_bool(o, "consent", true))
		granted = json_bool(o, "consent", false);
	else if (!present(o, "consent") && present(o, "granted") &&
		 json_bool(o, "granted", false) == json_bool(o, "granted", true))
		granted = json_bool(o, "granted", false);
	else
		return invalid(r, "consent");
	return tracker_consent_set(&r->ctx, r->ctx.actor.workspace_id, user, granted);
}

/* --- routes -------------------------------------------------------------------------------- */

#define TRACKER_SERVER                                                                         \
	.surface = SURF_READMIN, .auth = AUTH_LOADER | AUTH_SERVER, .perm = PERM_NONE,          \
	.writes = true, .grouped = true, .limit = server_limit

static const struct route readmin_tracker_routes[] = {
	{ .method = M_POST, .path = "/activity/createServer", .fn = create_server,
	  .surface = SURF_READMIN, .auth = AUTH_LOADER, .perm = PERM_NONE, .writes = true,
	  .grouped = true, .limit = readmin_loader_limit, .summary = "Register a running game server (ReAdmin #31)" },
	{ .method = M_POST, .path = "/activity/getServer", .fn = get_server, TRACKER_SERVER,
	  .summary = "Heartbeat and workspace (ReAdmin #32)" },
	{ .method = M_DELETE, .path = "/activity/endServer", .fn = end_server,
	  .surface = SURF_READMIN, .auth = AUTH_LOADER | AUTH_SERVER | AUTH_SERVER_ENDED,
	  .perm = PERM_NONE, .writes = true, .grouped = true, .limit = server_limit,
	  .summary = "End a running game server (ReAdmin #33)" },
	{ .method = M_POST, .path = "/activity/playerJoin", .fn = player_join, TRACKER_SERVER,
	  .summary = "A player joined (ReAdmin #34)" },
	{ .method = M_DELETE, .path = "/activity/playerLeave", .fn = player_leave, TRACKER_SERVER,
	  .readmin_extra = "error", .summary = "A player left (ReAdmin #35)" },
	{ .method = M_POST, .path = "/activity/playerLeave/v2", .fn = player_leave_v2,
	  TRACKER_SERVER, .readmin_extra = "error",
	  .summary = "A player left, events in chunks (Roster companion route)" },
	{ .method = M_POST, .path = "/activity/sendData", .fn = send_data, TRACKER_SERVER,
	  .readmin_extra = "error", .summary = "Events, presence and queued actions (ReAdmin #36)" },
	{ .method = M_POST, .path = "/activity/consent", .fn = consent, TRACKER_SERVER,
	  .summary = "A player's tracking consent (Roster companion route)" },
};

ROUTE_TABLE(api_readmin_tracker_routes, readmin_tracker_routes);
