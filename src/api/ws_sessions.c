/*
 * ws_sessions.c: …/session-role-groups, …/session-templates and …/sessions of platform.md
 * §6.6. Reads need view_workspace, writes manage_sessions. {sessionId} is a session id or an
 * occurrence key (readmin-compat.md §4.12); an unmaterialised occurrence answers with `id:
 * null`, and adding a server to one materialises it. PATCH takes any subset of the POST
 * fields. Every write runs in the gate's one write transaction and is audited by the model.
 */
#include <string.h>

#include "api/api.h"
#include "api/ws_int.h"
#include "core/id.h"
#include "core/rfc3339.h"
#include "core/tz.h"
#include "model/sessions.h"

#define MIN_MS 60000LL
#define DAY_MS 86400000LL

static const char ROBLOX_REASON[] = "must be a Roblox id";

/* --- writers ---------------------------------------------------------------------------------- */

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
write_group(struct jw *w, const struct sess_group *g)
{
	jw_obj(w);
	jw_kstr(w, "id", g->id);
	jw_kstr(w, "name", g->name);
	write_subroles(w, "subroles", g);
	write_ids(w, "usedBy", g->used_by, g->n_used_by);
	jw_ktime(w, "createdAt", g->created_at);
	jw_ktime(w, "updatedAt", g->updated_at);
	jw_obj_end(w);
}

static void
write_template(struct jw *w, const struct sess_template *t)
{
	char hm[16];

	jw_obj(w);
	jw_kstr(w, "id", t->id);
	jw_kstr(w, "name", t->name);
	jw_kstr(w, "description", t->description);
	write_ids(w, "roleGroupIds", t->group_ids, t->n_groups);
	jw_kstr(w, "timezone", t->timezone);
	jw_kstr(w, "recurrence", sess_recurrence_name(t->recurrence));
	jw_key(w, "weekdays");
	jw_arr(w);
	for (int i = 0; i < 7; i++)
		if (t->weekdays & (1u << i))
			jw_str(w, sess_weekday_short(i));
	jw_arr_end(w);
	snprintf(hm, sizeof(hm), "%02d:%02d", t->local_minute / 60 % 100, t->local_minute % 60);
	jw_kstr(w, "localTime", hm);
	jw_kint(w, "durationMinutes", t->duration_minutes);
	jw_kint(w, "appearsMinutesBefore", t->appears_before);
	jw_kstr(w, "placeId", t->place_id);
	jw_kstr(w, "gameId", t->game_id);
	jw_ktime(w, "createdAt", t->created_at);
	jw_ktime(w, "updatedAt", t->updated_at);
	jw_obj_end(w);
}

static void
write_claim(struct jw *w, const struct sess_claim *k)
{
	jw_obj(w);
	jw_kstr(w, "robloxUserId", k->user_id);
	jw_kstr(w, "roleGroupId", k->group_id);
	jw_kstr(w, "subroleId", k->subrole_id);
	jw_kstr(w, "state", k->state);
	jw_ktime(w, "claimedAt", k->claimed_at);
	jw_kstr(w, "claimedBy", k->claimed_by);
	jw_obj_end(w);
}

static void
write_server(struct jw *w, const struct sess_server *x)
{
	jw_obj(w);
	jw_kstr(w, "id", x->id);
	jw_kstr(w, "nickname", x->nickname);
	jw_kstr(w, "linkedServerId", x->linked_server_id);
	jw_key(w, "claims");
	jw_arr(w);
	for (size_t i = 0; i < x->n_claims; i++)
		write_claim(w, &x->claims[i]);
	jw_arr_end(w);
	jw_obj_end(w);
}

static void
write_session(struct jw *w, const struct session *s)
{
	jw_obj(w);
	jw_kstr(w, "id", s->id);
	jw_kstr(w, "occurrenceKey", s->occurrence_key);
	jw_kstr(w, "templateId", s->template_id);
	jw_kstr(w, "name", s->name);
	jw_kstr(w, "description", s->description);
	jw_ktime(w, "startsAt", s->starts_at);
	jw_ktime(w, "endsAt", s->ends_at);
	jw_ktime(w, "appearsAt", s->starts_at - s->appears_before * MIN_MS);
	jw_kint(w, "durationMinutes", s->duration_minutes);
	jw_kbool(w, "oneOff", s->one_off);
	write_ids(w, "roleGroupIds", s->group_ids, s->n_groups);
	jw_kstr(w, "placeId", s->place_id);
	jw_kstr(w, "gameId", s->game_id);
	jw_ktime(w, "createdAt", s->created_at);
	jw_kstr(w, "createdBy", s->created_by);
	jw_key(w, "servers");
	jw_arr(w);
	for (size_t i = 0; i < s->n_servers; i++)
		write_server(w, &s->servers[i]);
	jw_arr_end(w);
	jw_obj_end(w);
}

/* --- role groups ------------------------------------------------------------------------------ */

static const struct field subrole_fields[] = {
	{ "id", FT_STRING, 0, TEXT_NAME, UUID_LEN, UUID_LEN, 0 },
	{ "name", FT_STRING, F_REQUIRED, TEXT_NAME, 1, SESS_NAME_MAX, 0 },
	{ "maxUsers", FT_INT, 0, 0, 0, SESS_MAX_USERS, 0 },
	{ "minRank", FT_INT, 0, 0, 0, 255, 0 },
	{ "claimOnce", FT_BOOL, 0, 0, 0, 0, 0 },
	{ 0 },
};

/* subroles[]: each item an object of subrole_fields; the field names its index. */
static enum err
subroles_input(struct req *r, struct sess_group_input *in)
{
	const struct json *arr = json_get(r->json, "subroles");
	size_t n = arr ? json_array_len(arr) : 0;
	struct fail f = { 0 };

	in->subroles = arena_alloc(r->arena, (n + 1) * sizeof(*in->subroles));
	in->n_subroles = n;
	for (size_t i = 0; i < n; i++) {
		const struct json *o = json_array_at(arr, i);
		struct sess_subrole *s = &in->subroles[i];
		enum err err;
		if (!json_is_object(o))
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD,
					arena_printf(r->arena, "subroles[%zu]", i),
					"must be an object");
		err = json_check(o, subrole_fields, true, r->arena, &f);
		if (err)
			return fail_set(&r->ctx.fail, r->arena, err, "field",
					arena_printf(r->arena, "subroles[%zu].%s", i,
						     f.field ? f.field : ""),
					(const char *)NULL);
		s->id = json_str(o, "id");
		if (s->id != NULL && !uuid_is_valid(s->id))
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD,
					arena_printf(r->arena, "subroles[%zu].id", i),
					"must be a lowercase UUID v4");
		s->name = json_str(o, "name");
		s->max_users = (int)json_int(o, "maxUsers", 0);
		s->min_rank = (int)json_int(o, "minRank", 0);
		s->claim_once = json_bool(o, "claimOnce", false);
	}
	return ERR_OK;
}

static enum err
group_answer(struct req *r, const struct sess_group *g)
{
	jw_key(&r->w, "roleGroup");
	write_group(&r->w, g);
	return ERR_OK;
}

static enum err
groups_list(struct req *r)
{
	struct sess_group *v;
	struct workspace ws;
	size_t n;
	enum err err = ws_resolve(r, &ws);

	if (!err)
		err = sess_group_list(&r->ctx, ws.cm.id, &v, &n);
	if (err)
		return err;
	jw_key(&r->w, "roleGroups");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_group(&r->w, &v[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

static enum err
groups_create(struct req *r)
{
	struct sess_group_input in = { 0 };
	struct sess_group g;
	struct workspace ws;
	enum err err = ws_resolve(r, &ws);

	in.name = json_str(r->json, "name");
	if (!err)
		err = subroles_input(r, &in);
	if (!err)
		err = sess_group_create(&r->ctx, ws.cm.id, &in, &g);
	return err ? err : group_answer(r, &g);
}

/* The workspace, then path parameter 1 as a UUID (role group) or a 24-hex id (template). */
static enum err
resolve_param(struct req *r, struct workspace *ws, bool uuid, const char *name, const char **id)
{
	enum err err = ws_resolve(r, ws);

	*id = req_param(r, 1);
	if (!err && uuid && !uuid_is_valid(*id))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, name, "must be a lowercase UUID v4");
	if (!err && !uuid && !id_is_valid(*id))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, name,
			       "must be a 24-character lowercase hex id");
	return err;
}

static enum err
groups_update(struct req *r)
{
	struct sess_group_input in = { 0 };
	struct sess_group old, g;
	struct workspace ws;
	const char *id;
	enum err err = resolve_param(r, &ws, true, "groupId", &id);

	if (!err)
		err = sess_group_get(&r->ctx, ws.cm.id, id, &old);
	if (err)
		return err;
	in.name = json_str(r->json, "name") ? json_str(r->json, "name") : old.name;
	if (json_has(r->json, "subroles")) {
		err = subroles_input(r, &in);
	} else {
		in.subroles = old.subroles;
		in.n_subroles = old.n_subroles;
	}
	if (!err)
		err = sess_group_update(&r->ctx, ws.cm.id, id, &in, &g);
	return err ? err : group_answer(r, &g);
}

static enum err
groups_delete(struct req *r)
{
	struct sess_group g;
	struct workspace ws;
	const char *id;
	enum err err = resolve_param(r, &ws, true, "groupId", &id);

	if (!err)
		err = sess_group_delete(&r->ctx, ws.cm.id, id, &g);
	return err ? err : group_answer(r, &g);
}

/* --- templates -------------------------------------------------------------------------------- */

/* Overlays the body on t (all of it for POST, the given fields for PATCH) and checks values. */
static enum err
template_input(struct req *r, struct sess_template *t)
{
	const struct json *o = r->json;
	struct ctx *c = &r->ctx;

	if (json_has(o, "name"))
		t->name = json_str(o, "name");
	if (json_has(o, "description"))
		t->description = json_str(o, "description") ? json_str(o, "description") : "";
	if (json_has(o, "roleGroupIds")) {
		t->group_ids = json_str_list(o, "roleGroupIds", r->arena, &t->n_groups);
		for (size_t i = 0; i < t->n_groups; i++)
			if (!uuid_is_valid(t->group_ids[i]))
				return ctx_fail(c, ERR_INVALID_FIELD, "roleGroupIds",
						"must be role-group UUIDs");
	}
	if (json_has(o, "timezone")) {
		t->timezone = json_str(o, "timezone");
		if (tz_get(t->timezone) == NULL)
			return ctx_fail(c, ERR_INVALID_FIELD, "timezone",
					"must be a zone of the system tz database");
	}
	if (json_has(o, "recurrence") &&
	    !sess_recurrence_parse(json_str(o, "recurrence"), &t->recurrence))
		return ctx_fail(c, ERR_INVALID_FIELD, "recurrence", "must be none, daily or weekly");
	if (json_has(o, "weekdays")) {
		size_t n;
		const char **v = json_str_list(o, "weekdays", r->arena, &n);
		t->weekdays = 0;
		for (size_t i = 0; i < n; i++) {
			int bit = sess_weekday_bit(v[i]);
			if (bit < 0)
				return ctx_fail(c, ERR_INVALID_FIELD, "weekdays",
						"must be mon, tue, wed, thu, fri, sat or sun");
			t->weekdays |= 1u << bit;
		}
	}
	if (json_has(o, "localTime")) {
		t->local_minute = sess_local_time_parse(json_str(o, "localTime"));
		if (t->local_minute < 0)
			return ctx_fail(c, ERR_INVALID_FIELD, "localTime", "must be HH:MM");
	}
	if (json_has(o, "durationMinutes"))
		t->duration_minutes = (int)json_int(o, "durationMinutes", 0);
	if (json_has(o, "appearsMinutesBefore"))
		t->appears_before = (int)json_int(o, "appearsMinutesBefore", 0);
	if (json_has(o, "placeId"))
		t->place_id = json_str(o, "placeId");
	if (json_has(o, "gameId"))
		t->game_id = json_str(o, "gameId");
	if (t->place_id != NULL && !roblox_id_is_valid(t->place_id))
		return ctx_fail(c, ERR_INVALID_FIELD, "placeId", ROBLOX_REASON);
	if (t->game_id != NULL && !roblox_id_is_valid(t->game_id))
		return ctx_fail(c, ERR_INVALID_FIELD, "gameId", ROBLOX_REASON);
	return ERR_OK;
}

static enum err
template_answer(struct req *r, const struct sess_template *t)
{
	jw_key(&r->w, "template");
	write_template(&r->w, t);
	return ERR_OK;
}

static enum err
templates_list(struct req *r)
{
	struct sess_template *v;
	struct workspace ws;
	size_t n;
	enum err err = ws_resolve(r, &ws);

	if (!err)
		err = sess_template_list(&r->ctx, ws.cm.id, &v, &n);
	if (err)
		return err;
	jw_key(&r->w, "templates");
	jw_arr(&r->w);
	for (size_t i = 0; i < n; i++)
		write_template(&r->w, &v[i]);
	jw_arr_end(&r->w);
	return ERR_OK;
}

static enum err
templates_create(struct req *r)
{
	struct sess_template in = { .description = "" }, t;
	struct workspace ws;
	enum err err = ws_resolve(r, &ws);

	if (!err)
		err = template_input(r, &in);
	if (!err)
		err = sess_template_create(&r->ctx, ws.cm.id, &in, &t);
	return err ? err : template_answer(r, &t);
}

static enum err
templates_update(struct req *r)
{
	struct sess_template in, t;
	struct workspace ws;
	const char *id;
	enum err err = resolve_param(r, &ws, false, "templateId", &id);

	if (!err)
		err = sess_template_get(&r->ctx, ws.cm.id, id, &in);
	if (!err)
		err = template_input(r, &in);
	if (!err)
		err = sess_template_update(&r->ctx, ws.cm.id, id, &in, &t);
	return err ? err : template_answer(r, &t);
}

static enum err
templates_delete(struct req *r)
{
	struct sess_template t;
	struct workspace ws;
	const char *id;
	enum err err = resolve_param(r, &ws, false, "templateId", &id);

	if (!err)
		err = sess_template_delete(&r->ctx, ws.cm.id, id, &t);
	return err ? err : template_answer(r, &t);
}

/* --- sessions --------------------------------------------------------------------------------- */

static enum err
session_answer(struct req *r, const struct session *s)
{
	jw_key(&r->w, "session");
	write_session(&r->w, s);
	return ERR_OK;
}

/* Default window now − 1 d … now + 7 d; a given span must be 0 < to − from ≤ 31 days. */
static enum err
sessions_list(struct req *r)
{
	int64_t now = r->ctx.now, page, size;
	int64_t from = req_query_time(r, "from", now - DAY_MS);
	int64_t to = req_query_time(r, "to", from + 8 * DAY_MS);
	struct session *v;
	struct workspace ws;
	size_t n;
	enum err err = ws_resolve(r, &ws);

	if (err)
		return err;
	if (!req_query_has(r, "to") && !req_query_has(r, "from"))
		to = now + 7 * DAY_MS;
	if (to < from || to - from > SESS_RANGE_MAX_MS)
		return fail_set(&r->ctx.fail, r->arena, ERR_INVALID_PARAMETER, "parameter", "to",
				"reason", "must be after from, within 31 days", (const char *)NULL);
	req_paging(r, &page, &size);
	err = sess_list_range(&r->ctx, ws.cm.id, from, to, req_query(r, "templateId"), true, &v,
			      &n);
	if (err)
		return err;
	jw_key(&r->w, "sessions");
	jw_arr(&r->w);
	for (int64_t i = (page - 1) * size; i < (int64_t)n && i < page * size; i++)
		write_session(&r->w, &v[i]);
	jw_arr_end(&r->w);
	write_paging(&r->w, page, size, (int64_t)n);
	return ERR_OK;
}

static enum err
starts_at(struct req *r, int64_t *ms)
{
	if (!rfc3339_parse(json_str(r->json, "startsAt"), ms))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "startsAt", "must be an RFC 3339 time");
	return ERR_OK;
}

/* templateId + startsAt materialises an occurrence; otherwise a one-off. */
static enum err
sessions_create(struct req *r)
{
	static const char *const one_off_only[] = { "name", "description", "durationMinutes",
						    "appearsMinutesBefore", "roleGroupIds",
						    "placeId", "gameId" };
	const char *tid = json_str(r->json, "templateId");
	struct sess_one_off in = { 0 };
	struct session s;
	struct workspace ws;
	bool created = false;
	int64_t start;
	enum err err = ws_resolve(r, &ws);

	if (!err)
		err = starts_at(r, &start);
	if (err)
		return err;
	if (tid != NULL) {
		for (size_t i = 0; i < nitems(one_off_only); i++)
			if (json_has(r->json, one_off_only[i]))
				return ctx_fail(&r->ctx, ERR_INVALID_FIELD, one_off_only[i],
						"not allowed with templateId");
		if (!id_is_valid(tid))
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "templateId",
					"must be a 24-character lowercase hex id");
		err = sess_materialise(&r->ctx, ws.cm.id, tid, start, &s, &created);
		if (err == ERR_RESOURCE_NOT_FOUND)
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "templateId", "matches no template");
		if (!err && !created)
			return ERR_ALREADY_EXISTS;
		return err ? err : session_answer(r, &s);
	}
	static const char *const required[] = { "name", "durationMinutes" };
	for (size_t i = 0; i < nitems(required); i++)
		if (!json_has(r->json, required[i]) || json_is_null(r->json, required[i]))
			return ctx_fail(&r->ctx, ERR_MISSING_FIELD, required[i], NULL);
	in.name = json_str(r->json, "name");
	in.description = json_str(r->json, "description");
	in.starts_at = start;
	in.duration_minutes = (int)json_int(r->json, "durationMinutes", 0);
	in.appears_before = (int)json_int(r->json, "appearsMinutesBefore", 0);
	in.group_ids = json_str_list(r->json, "roleGroupIds", r->arena, &in.n_groups);
	in.place_id = json_str(r->json, "placeId");
	in.game_id = json_str(r->json, "gameId");
	if (in.place_id != NULL && !roblox_id_is_valid(in.place_id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "placeId", ROBLOX_REASON);
	if (in.game_id != NULL && !roblox_id_is_valid(in.game_id))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "gameId", ROBLOX_REASON);
	for (size_t i = 0; i < in.n_groups; i++) {
		struct sess_group g;
		if (!uuid_is_valid(in.group_ids[i]))
			return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "roleGroupIds",
					"must be role-group UUIDs");
		err = sess_group_get(&r->ctx, ws.cm.id, in.group_ids[i], &g);
		if (err == ERR_RESOURCE_NOT_FOUND)
			return fail_set(&r->ctx.fail, r->arena, ERR_UNKNOWN_IDS, "ids",
					in.group_ids[i], (const char *)NULL);
		if (err)
			return err;
	}
	err = sess_create_one_off(&r->ctx, ws.cm.id, &in, &s);
	return err ? err : session_answer(r, &s);
}

/* The workspace, then path parameter 1 as a session reference. */
static enum err
resolve_session(struct req *r, struct workspace *ws, const char **ref)
{
	enum err err = ws_resolve(r, ws);

	*ref = req_param(r, 1);
	if (!err && !sess_ref_is_valid(*ref))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "sessionId",
			       "must be a session id or an occurrence key");
	return err;
}

static enum err
sessions_get(struct req *r)
{
	struct session s;
	struct workspace ws;
	const char *ref;
	enum err err = resolve_session(r, &ws, &ref);

	if (!err)
		err = sess_get(&r->ctx, ws.cm.id, ref, &s);
	return err ? err : session_answer(r, &s);
}

static enum err
sessions_delete(struct req *r)
{
	struct session s;
	struct workspace ws;
	const char *ref;
	enum err err = resolve_session(r, &ws, &ref);

	if (!err)
		err = sess_cancel(&r->ctx, ws.cm.id, ref, &s);
	return err ? err : session_answer(r, &s);
}

/* --- servers ---------------------------------------------------------------------------------- */

static enum err
server_answer(struct req *r, const struct sess_server *x)
{
	jw_key(&r->w, "server");
	write_server(&r->w, x);
	return ERR_OK;
}

static enum err
servers_create(struct req *r)
{
	struct sess_server x;
	struct session s;
	struct workspace ws;
	const char *ref;
	enum err err = resolve_session(r, &ws, &ref);

	if (!err)
		err = sess_get_materialised(&r->ctx, ws.cm.id, ref, &s);
	if (!err && s.ends_at < r->ctx.now)
		return ctx_fail(&r->ctx, ERR_INVALID_TRANSITION, "sessionId", "the session has ended");
	if (!err)
		err = sess_server_add(&r->ctx, ws.cm.id, &s, json_str(r->json, "nickname"), &x);
	return err ? err : server_answer(r, &x);
}

/* The session, then path parameter 2 as a server uuid. */
static enum err
resolve_server(struct req *r, struct workspace *ws, struct session *s, const char **server_id)
{
	const char *ref;
	enum err err = resolve_session(r, ws, &ref);

	*server_id = req_param(r, 2);
	if (!err && !uuid_is_valid(*server_id))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "serverId", "must be a lowercase UUID v4");
	if (!err)
		err = sess_get(&r->ctx, ws->cm.id, ref, s);
	return err;
}

static enum err
servers_update(struct req *r)
{
	const char *server_id, *link = json_str(r->json, "linkedServerId");
	struct sess_server x;
	struct session s;
	struct workspace ws;
	enum err err = resolve_server(r, &ws, &s, &server_id);

	if (!err && link != NULL && !id_is_valid(link))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "linkedServerId",
				"must be a running server id");
	if (!err)
		err = sess_server_update(&r->ctx, ws.cm.id, &s, server_id,
					 json_has(r->json, "nickname"), json_str(r->json, "nickname"),
					 json_has(r->json, "linkedServerId"), link, &x);
	return err ? err : server_answer(r, &x);
}

static enum err
servers_delete(struct req *r)
{
	const char *server_id;
	struct sess_server x;
	struct session s;
	struct workspace ws;
	enum err err = resolve_server(r, &ws, &s, &server_id);

	if (!err)
		err = sess_server_delete(&r->ctx, ws.cm.id, &s, server_id, &x);
	return err ? err : server_answer(r, &x);
}

/* --- claims ----------------------------------------------------------------------------------- */

static enum err
claim_answer(struct req *r, const struct sess_claim *k)
{
	jw_key(&r->w, "claim");
	write_claim(&r->w, k);
	return ERR_OK;
}

static enum err
resolve_claim(struct req *r, struct workspace *ws, struct session *s, const char **server_id,
	      const char **user_id)
{
	enum err err = resolve_server(r, ws, s, server_id);

	*user_id = req_param(r, 3);
	if (!err && !roblox_id_is_valid(*user_id))
		err = ctx_fail(&r->ctx, ERR_INVALID_FIELD, "robloxUserId", ROBLOX_REASON);
	return err;
}

static enum err
claims_put(struct req *r)
{
	struct sess_claim_input in = { 0 };
	enum sess_claim_refusal why;
	const char *server_id;
	struct sess_claim k;
	struct session s;
	struct workspace ws;
	enum err err = resolve_claim(r, &ws, &s, &server_id, &in.user_id);

	if (err)
		return err;
	in.group_id = json_str(r->json, "roleGroupId");
	in.subrole_id = json_str(r->json, "subroleId");
	in.override = json_bool(r->json, "override", false);
	in.claimed_by = r->ctx.actor.user_id;
	err = sess_claim(&r->ctx, ws.cm.id, &s, server_id, &in, &why, &k);
	if (err)
		return err;
	switch (why) {
	case CLAIM_OK:
		return claim_answer(r, &k);
	case CLAIM_NO_GROUP:
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "roleGroupId",
				"is not a role group of the session");
	case CLAIM_NO_SUBROLE:
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "subroleId",
				"is not a subrole of the role group");
	case CLAIM_ENDED:
		return ctx_fail(&r->ctx, ERR_INVALID_TRANSITION, "sessionId", "the session has ended");
	case CLAIM_LOCKED:
		return ERR_ALREADY_CLAIMED;
	case CLAIM_RANK_LOW:
		return ERR_RANK_TOO_LOW;
	case CLAIM_FULL:
		return ERR_SUBROLE_FULL;
	case CLAIM_SERVER_FULL: /* SESS_CLAIMS_PER_SERVER_MAX, even with override */
		return ERR_LIMIT_REACHED;
	}
	return ERR_INTERNAL;
}

static enum err
claims_patch(struct req *r)
{
	const char *server_id, *user_id, *state = json_str(r->json, "state");
	struct sess_claim k;
	struct session s;
	struct workspace ws;
	enum err err = resolve_claim(r, &ws, &s, &server_id, &user_id);

	if (!err && !sess_claim_state_is_valid(state))
		return ctx_fail(&r->ctx, ERR_INVALID_FIELD, "state",
				"must be none, current, completed, passed or failed");
	if (!err)
		err = sess_claim_set_state(&r->ctx, ws.cm.id, &s, server_id, user_id, state, &k);
	return err ? err : claim_answer(r, &k);
}

static enum err
claims_delete(struct req *r)
{
	const char *server_id, *user_id;
	struct sess_claim k;
	struct session s;
	struct workspace ws;
	enum err err = resolve_claim(r, &ws, &s, &server_id, &user_id);

	if (!err)
		err = sess_claim_delete(&r->ctx, ws.cm.id, &s, server_id, user_id, &k);
	return err ? err : claim_answer(r, &k);
}

/* --- field tables and routes ----------------------------------------------------------------- */

static const struct field group_fields[] = {
	{ "name", FT_STRING, F_REQUIRED, TEXT_NAME, 1, SESS_NAME_MAX, 0 },
	{ "subroles", FT_ARRAY, 0, 0, 0, SESS_SUBROLES_MAX, 0 },
	{ 0 },
};
static const struct field group_patch_fields[] = {
	{ "name", FT_STRING, 0, TEXT_NAME, 1, SESS_NAME_MAX, 0 },
	{ "subroles", FT_ARRAY, 0, 0, 0, SESS_SUBROLES_MAX, 0 },
	{ 0 },
};

#define TEMPLATE_FIELDS(req)                                                                   \
	{ "name", FT_STRING, req, TEXT_NAME, 1, SESS_NAME_MAX, 0 },                             \
	{ "description", FT_STRING, F_NULLABLE, TEXT_FREE, 0, SESS_DESCRIPTION_MAX, 0 },      \
	{ "roleGroupIds", FT_STR_ARRAY, 0, TEXT_NAME, 0, SESS_GROUPS_MAX, UUID_LEN },          \
	{ "timezone", FT_STRING, req, TEXT_NAME, 1, 64, 0 },                                   \
	{ "recurrence", FT_STRING, req, TEXT_NAME, 1, 10, 0 },                                 \
	{ "weekdays", FT_STR_ARRAY, 0, TEXT_NAME, 0, 7, 3 },                                   \
	{ "localTime", FT_STRING, req, TEXT_NAME, 5, 5, 0 },                                   \
	{ "durationMinutes", FT_INT, req, 0, 0, SESS_DURATION_MAX, 0 },                        \
	{ "appearsMinutesBefore", FT_INT, 0, 0, 0, SESS_DURATION_MAX, 0 },                     \
	{ "placeId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 19, 0 },                             \
	{ "gameId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 19, 0 },                              \
	{ 0 }

static const struct field template_fields[] = { TEMPLATE_FIELDS(F_REQUIRED) };
static const struct field template_patch_fields[] = { TEMPLATE_FIELDS(0) };

static const struct field session_fields[] = {
	{ "templateId", FT_STRING, 0, TEXT_NAME, 1, ID_LEN, 0 },
	{ "startsAt", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 40, 0 },
	{ "name", FT_STRING, 0, TEXT_NAME, 1, SESS_NAME_MAX, 0 },
	{ "description", FT_STRING, 0, TEXT_FREE, 0, SESS_DESCRIPTION_MAX, 0 },
	{ "durationMinutes", FT_INT, 0, 0, 0, SESS_DURATION_MAX, 0 },
	{ "appearsMinutesBefore", FT_INT, 0, 0, 0, SESS_DURATION_MAX, 0 },
	{ "roleGroupIds", FT_STR_ARRAY, 0, TEXT_NAME, 0, SESS_GROUPS_MAX, UUID_LEN },
	{ "placeId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 19, 0 },
	{ "gameId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, 19, 0 },
	{ 0 },
};
static const struct field server_fields[] = {
	{ "nickname", FT_STRING, F_NULLABLE, TEXT_NAME, 1, SESS_NICKNAME_MAX, 0 },
	{ 0 },
};
static const struct field server_patch_fields[] = {
	{ "nickname", FT_STRING, F_NULLABLE, TEXT_NAME, 1, SESS_NICKNAME_MAX, 0 },
	{ "linkedServerId", FT_STRING, F_NULLABLE, TEXT_NAME, 1, ID_LEN, 0 },
	{ 0 },
};
static const struct field claim_fields[] = {
	{ "roleGroupId", FT_STRING, F_REQUIRED, TEXT_NAME, 1, UUID_LEN, 0 },
	{ "subroleId", FT_STRING, F_REQUIRED, TEXT_NAME, 1, UUID_LEN, 0 },
	{ "override", FT_BOOL, 0, 0, 0, 0, 0 },
	{ 0 },
};
static const struct field claim_patch_fields[] = {
	{ "state", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 20, 0 },
	{ 0 },
};
static const struct field no_fields[] = { { 0 } };

static const struct qfield list_query[] = {
	QF_PAGE,
	QF_PAGE_SIZE,
	{ "from", Q_TIME, 0, 0, false, NULL },
	{ "to", Q_TIME, 0, 0, false, NULL },
	{ "templateId", Q_ID, 0, 0, false, NULL },
	{ 0 },
};

#define P "/api/workspaces/{wsId}"
#define READ WS_ROUTE_READ, .perm = PERM_VIEW_WORKSPACE
#define WRITE WS_ROUTE_WRITE, .perm = PERM_MANAGE_SESSIONS

static const struct route ws_sessions_routes[] = {
	{ .method = M_GET, .path = P "/session-role-groups", .fn = groups_list, READ,
	  .summary = "Session role groups with subroles" },
	{ .method = M_POST, .path = P "/session-role-groups", .fn = groups_create, WRITE,
	  .body = group_fields, .summary = "Create a session role group" },
	{ .method = M_PATCH, .path = P "/session-role-groups/{groupId}", .fn = groups_update,
	  WRITE, .body = group_patch_fields, .summary = "Update a role group; subroles by id" },
	{ .method = M_DELETE, .path = P "/session-role-groups/{groupId}", .fn = groups_delete,
	  WRITE, .body = no_fields, .summary = "Delete a role group not in use" },
	{ .method = M_GET, .path = P "/session-templates", .fn = templates_list, READ,
	  .summary = "Session templates" },
	{ .method = M_POST, .path = P "/session-templates", .fn = templates_create, WRITE,
	  .body = template_fields, .summary = "Create a session template" },
	{ .method = M_PATCH, .path = P "/session-templates/{templateId}", .fn = templates_update,
	  WRITE, .body = template_patch_fields,
	  .summary = "Update a template; materialised sessions keep their copy" },
	{ .method = M_DELETE, .path = P "/session-templates/{templateId}",
	  .fn = templates_delete, WRITE, .body = no_fields, .summary = "Delete a template" },
	{ .method = M_GET, .path = P "/sessions", .fn = sessions_list, READ, .query = list_query,
	  .summary = "Sessions and unmaterialised occurrences in a window" },
	{ .method = M_POST, .path = P "/sessions", .fn = sessions_create, WRITE,
	  .body = session_fields, .summary = "Materialise an occurrence or create a one-off" },
	{ .method = M_GET, .path = P "/sessions/{sessionId}", .fn = sessions_get, READ,
	  .summary = "A session or an occurrence" },
	{ .method = M_DELETE, .path = P "/sessions/{sessionId}", .fn = sessions_delete, WRITE,
	  .body = no_fields, .summary = "Cancel a session or an occurrence" },
	{ .method = M_POST, .path = P "/sessions/{sessionId}/servers", .fn = servers_create,
	  WRITE, .body = server_fields, .summary = "Add a server to a session" },
	{ .method = M_PATCH, .path = P "/sessions/{sessionId}/servers/{serverId}",
	  .fn = servers_update, WRITE, .body = server_patch_fields,
	  .summary = "Rename a session server or link it to a running server" },
	{ .method = M_DELETE, .path = P "/sessions/{sessionId}/servers/{serverId}",
	  .fn = servers_delete, WRITE, .body = no_fields, .summary = "Remove a session server" },
	{ .method = M_PUT, .path = P "/sessions/{sessionId}/servers/{serverId}/claims/{robloxUserId}",
	  .fn = claims_put, WRITE, .body = claim_fields, .summary = "Claim a subrole for a user" },
	{ .method = M_PATCH,
	  .path = P "/sessions/{sessionId}/servers/{serverId}/claims/{robloxUserId}",
	  .fn = claims_patch, WRITE, .body = claim_patch_fields, .summary = "Set a claim's state" },
	{ .method = M_DELETE,
	  .path = P "/sessions/{sessionId}/servers/{serverId}/claims/{robloxUserId}",
	  .fn = claims_delete, WRITE, .body = no_fields, .summary = "Remove a claim" },
};

ROUTE_TABLE(api_ws_sessions_routes, ws_sessions_routes);
