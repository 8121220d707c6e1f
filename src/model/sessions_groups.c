/*
 * sessions_groups.c: session role groups (with their subroles) and templates of a workspace;
 * see sessions.h. No statement here runs without the caller's workspace id. Templates keep
 * their zone by name and are checked against the system tz database when saved (§4.11).
 */
#include <string.h>

#include "core/tz.h"
#include "model/audit.h"
#include "model/sessions.h"
#include "model/snapshot.h"

static const char SQL_G_LIST[] = "SELECT id, name, created_at, updated_at FROM session_role_groups"
				 " WHERE workspace_id = ? AND (? IS NULL OR id = ?)"
				 " ORDER BY created_at, id";
static const char SQL_G_COUNT[] = "SELECT COUNT(*) FROM session_role_groups WHERE workspace_id = ?";
static const char SQL_SUB_LIST[] = "SELECT group_id, id, name, max_users, min_rank, claim_once"
				   " FROM session_subroles WHERE workspace_id = ?"
				   " AND (? IS NULL OR group_id = ?) ORDER BY group_id, ord";
static const char SQL_SUB_OWNER[] = "SELECT group_id FROM session_subroles"
				    " WHERE workspace_id = ? AND id = ?";
static const char SQL_G_INSERT[] = "INSERT INTO session_role_groups (workspace_id, id, name,"
				   " created_at, updated_at) VALUES (?, ?, ?, ?, ?)";
static const char SQL_G_UPDATE[] = "UPDATE session_role_groups SET name = ?, updated_at = ?"
				   " WHERE workspace_id = ? AND id = ?";
static const char SQL_G_DELETE[] = "DELETE FROM session_role_groups WHERE workspace_id = ? AND id = ?";
static const char SQL_SUB_CLEAR[] = "DELETE FROM session_subroles WHERE workspace_id = ? AND group_id = ?";
static const char SQL_SUB_INSERT[] = "INSERT INTO session_subroles (workspace_id, group_id, id, ord,"
				     " name, max_users, min_rank, claim_once)"
				     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
/* Sessions that have not ended still use their groups (the claim route resolves them). */
static const char SQL_G_SESSION_USE[] = "SELECT COUNT(*) FROM sessions WHERE workspace_id = ?"
					" AND cancelled_at IS NULL AND ends_at >= ?"
					" AND (' ' || role_group_ids || ' ') LIKE ?";

#define T_COLS                                                                                 \
	"id, name, description, role_group_ids, timezone, recurrence, weekdays, local_minute,"  \
	" duration_minutes, appears_before, place_id, game_id, created_at, updated_at"
/* The list walks session_templates_created (0015) in order; one template is a key lookup. */
static const char SQL_T_LIST[] = "SELECT " T_COLS " FROM session_templates WHERE workspace_id = ?"
				 " ORDER BY created_at, id";
static const char SQL_T_GET[] = "SELECT " T_COLS " FROM session_templates WHERE workspace_id = ?"
				" AND id = ?";
static const char SQL_T_COUNT[] = "SELECT COUNT(*) FROM session_templates WHERE workspace_id = ?";
static const char SQL_T_INSERT[] =
	"INSERT INTO session_templates (workspace_id, id, name, description, role_group_ids,"
	" timezone, recurrence, weekdays, local_minute, duration_minutes, appears_before,"
	" place_id, game_id, created_at, updated_at)"
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
static const char SQL_T_UPDATE[] =
	"UPDATE session_templates SET name = ?, description = ?, role_group_ids = ?, timezone = ?,"
	" recurrence = ?, weekdays = ?, local_minute = ?, duration_minutes = ?, appears_before = ?,"
	" place_id = ?, game_id = ?, updated_at = ? WHERE workspace_id = ? AND id = ?";
static const char SQL_T_DELETE[] = "DELETE FROM session_templates WHERE workspace_id = ? AND id = ?";

/* ---- shared helpers ---------------------------------------------------------------------- */

const char **
sess_ids_split(struct arena *a, const char *s, size_t *n)
{
	size_t cap = 1, k = 0;
	const char **v;

	for (const char *p = s; p && *p; p++)
		cap += *p == ' ';
	v = arena_alloc(a, (cap + 1) * sizeof(*v));
	while (s != NULL && *s) {
		const char *e = strchr(s, ' ');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		if (len > 0)
			v[k++] = arena_strndup(a, s, len);
		s = e ? e + 1 : s + len;
	}
	*n = k;
	return v;
}

const char *
sess_ids_join(struct arena *a, const char *const *ids, size_t n)
{
	size_t len = 1;
	char *out, *p;

	for (size_t i = 0; i < n; i++)
		len += strlen(ids[i]) + 1;
	out = p = arena_alloc(a, len);
	*p = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(ids[i]);
		if (i > 0)
			*p++ = ' ';
		memcpy(p, ids[i], l);
		p += l;
		*p = '\0';
	}
	return out;
}

const char *
sess_actor_ref(struct ctx *c)
{
	if (c->actor.type == ACTOR_LOADER_KEY)
		return arena_printf(c->arena, "loaderKey:%s", c->actor.game_key_id);
	return c->actor.user_id[0] ? c->actor.user_id : "system";
}

static enum err
not_found(struct ctx *c, const char *resource)
{
	return fail_set(&c->fail, c->arena, ERR_RESOURCE_NOT_FOUND, "resource", resource,
			(const char *)NULL);
}

static enum err
count_of(struct ctx *c, const char *sql, const char *ws_id, int64_t *n)
{
	const struct val args[] = { V_TEXT(ws_id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, sql, args, 1, &rs);

	if (!err)
		*n = rows_int(&rs, 0, 0);
	return err;
}

/* ---- templates: reading ------------------------------------------------------------------- */

static void
template_from_row(struct ctx *c, const struct rows *rs, size_t i, struct sess_template *t)
{
	enum sess_recurrence k = RECUR_NONE;

	t->id = rows_text(rs, i, 0);
	t->name = rows_text(rs, i, 1);
	t->description = rows_text(rs, i, 2);
	t->group_ids = sess_ids_split(c->arena, rows_text(rs, i, 3), &t->n_groups);
	t->timezone = rows_text(rs, i, 4);
	sess_recurrence_parse(rows_text(rs, i, 5), &k);
	t->recurrence = k;
	t->weekdays = (unsigned)rows_int(rs, i, 6);
	t->local_minute = (int)rows_int(rs, i, 7);
	t->duration_minutes = (int)rows_int(rs, i, 8);
	t->appears_before = (int)rows_int(rs, i, 9);
	t->place_id = rows_text(rs, i, 10);
	t->game_id = rows_text(rs, i, 11);
	t->created_at = rows_int(rs, i, 12);
	t->updated_at = rows_int(rs, i, 13);
}

static enum err
templates_query(struct ctx *c, const char *ws_id, const char *id, struct sess_template **out,
		size_t *n)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, id ? SQL_T_GET : SQL_T_LIST, args,
				   id ? 2 : 1, &rs);

	if (err)
		return err;
	*n = rs.n;
	*out = arena_alloc(c->arena, (rs.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs.n; i++)
		template_from_row(c, &rs, i, &(*out)[i]);
	return ERR_OK;
}

enum err
sess_template_list(struct ctx *c, const char *ws_id, struct sess_template **out, size_t *n)
{
	return templates_query(c, ws_id, NULL, out, n);
}

enum err
sess_template_get(struct ctx *c, const char *ws_id, const char *id, struct sess_template *out)
{
	struct sess_template *v;
	size_t n;
	enum err err = templates_query(c, ws_id, id, &v, &n);

	if (err)
		return err;
	if (n == 0)
		return not_found(c, "sessionTemplate");
	*out = v[0];
	return ERR_OK;
}

bool
sess_template_recur(const struct sess_template *t, struct sess_recur *out)
{
	out->zone = tz_get(t->timezone);
	out->kind = t->recurrence;
	out->weekdays = t->weekdays;
	out->local_minute = t->local_minute;
	return out->zone != NULL;
}

const char *
sess_template_json(struct ctx *c, const struct sess_template *t)
{
	struct snap s;
	int first = -1;

	snap_begin(&s, c->arena);
	snap_str(&s, "_id", t->id);
	snap_str(&s, "name", t->name);
	snap_str(&s, "description", t->description);
	snap_strs(&s, "roles", t->group_ids, t->n_groups);
	snap_obj(&s, "schedule");
	snap_str(&s, "type", sess_recurrence_name(t->recurrence));
	for (int i = 0; i < 7 && first < 0 && t->recurrence == RECUR_WEEKLY; i++)
		if (t->weekdays & (1u << i))
			first = i;
	snap_str(&s, "day", first >= 0 ? sess_weekday_long(first) : NULL);
	snap_arr(&s, "days");
	for (int i = 0; i < 7 && t->recurrence == RECUR_WEEKLY; i++)
		if (t->weekdays & (1u << i))
			snap_item(&s, sess_weekday_long(i));
	snap_arr_end(&s);
	snap_int(&s, "hour", t->local_minute / 60);
	snap_int(&s, "minute", t->local_minute % 60);
	snap_str(&s, "timezone", t->timezone);
	snap_obj_end(&s);
	snap_int(&s, "appearsMinutesBefore", t->appears_before);
	snap_int(&s, "sessionDuration", t->duration_minutes);
	snap_str(&s, "placeId", t->place_id);
	snap_str(&s, "gameId", t->game_id);
	snap_bool(&s, "createDiscordEvent", false);
	return snap_end(&s);
}

/* ---- templates: writing ------------------------------------------------------------------- */

/* Every group id names a group of ws: else 400 unknown_ids listing the others. */
static enum err
check_group_ids(struct ctx *c, const char *ws_id, const char *const *ids, size_t n)
{
	const struct val args[] = { V_TEXT(ws_id), V_NULL, V_NULL };
	const char **missing = arena_alloc(c->arena, (n + 1) * sizeof(*missing));
	size_t n_missing = 0;
	struct rows rs;
	struct snap s;
	enum err err;

	if (n == 0)
		return ERR_OK;
	err = store_query(c->store, c->arena, SQL_G_LIST, args, nitems(args), &rs);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t j = 0; j < rs.n && !found; j++)
			found = strcmp(rows_text(&rs, j, 0), ids[i]) == 0;
		if (!found)
			missing[n_missing++] = ids[i];
	}
	if (n_missing == 0)
		return ERR_OK;
	snap_begin(&s, c->arena);
	snap_strs(&s, "ids", missing, n_missing);
	return fail_raw(&c->fail, ERR_UNKNOWN_IDS, snap_end(&s));
}

static enum err
template_check(struct ctx *c, const char *ws_id, const struct sess_template *in)
{
	if (tz_get(in->timezone) == NULL)
		return ctx_fail(c, ERR_INVALID_FIELD, "timezone",
				"must be a zone of the system tz database");
	if (in->recurrence == RECUR_WEEKLY && in->weekdays == 0)
		return ctx_fail(c, ERR_INVALID_FIELD, "weekdays", "weekly needs at least one weekday");
	if (in->recurrence != RECUR_WEEKLY && in->weekdays != 0)
		return ctx_fail(c, ERR_INVALID_FIELD, "weekdays", "only weekly templates list weekdays");
	return check_group_ids(c, ws_id, in->group_ids, in->n_groups);
}

static const char *
template_snap(struct ctx *c, const struct sess_template *t)
{
	struct snap s;

	snap_begin(&s, c->arena);
	snap_str(&s, "name", t->name);
	snap_str(&s, "timezone", t->timezone);
	snap_str(&s, "recurrence", sess_recurrence_name(t->recurrence));
	snap_int(&s, "weekdays", t->weekdays);
	snap_int(&s, "localMinute", t->local_minute);
	snap_int(&s, "durationMinutes", t->duration_minutes);
	snap_strs(&s, "roleGroupIds", t->group_ids, t->n_groups);
	return snap_end(&s);
}

enum err
sess_template_create(struct ctx *c, const char *ws_id, const struct sess_template *in,
		     struct sess_template *out)
{
	char id[ID_LEN + 1];
	int64_t n;
	enum err err = count_of(c, SQL_T_COUNT, ws_id, &n);

	if (!err && n >= SESS_TEMPLATES_MAX)
		return ERR_LIMIT_REACHED;
	if (!err)
		err = template_check(c, ws_id, in);
	if (err)
		return err;
	id_new(c->now, id);
	*out = *in;
	out->id = arena_strdup(c->arena, id);
	out->description = in->description ? in->description : "";
	out->created_at = out->updated_at = c->now;
	const struct val args[] = {
		V_TEXT(ws_id),
		V_TEXT(out->id),
		V_TEXT(out->name),
		V_TEXT(out->description),
		V_TEXT(sess_ids_join(c->arena, out->group_ids, out->n_groups)),
		V_TEXT(out->timezone),
		V_TEXT(sess_recurrence_name(out->recurrence)),
		V_INT(out->weekdays),
		V_INT(out->local_minute),
		V_INT(out->duration_minutes),
		V_INT(out->appears_before),
		V_TEXT(out->place_id),
		V_TEXT(out->game_id),
		V_INT(c->now),
		V_INT(c->now),
	};
	err = store_exec(c->store, SQL_T_INSERT, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.sessionTemplate.create", "sessionTemplate", out->id, ws_id,
			   NULL, template_snap(c, out));
}

enum err
sess_template_update(struct ctx *c, const char *ws_id, const char *id,
		     const struct sess_template *in, struct sess_template *out)
{
	struct sess_template old;
	enum err err = sess_template_get(c, ws_id, id, &old);

	if (!err)
		err = template_check(c, ws_id, in);
	if (err)
		return err;
	*out = *in;
	out->id = old.id;
	out->description = in->description ? in->description : "";
	out->created_at = old.created_at;
	out->updated_at = c->now;
	const struct val args[] = {
		V_TEXT(out->name),
		V_TEXT(out->description),
		V_TEXT(sess_ids_join(c->arena, out->group_ids, out->n_groups)),
		V_TEXT(out->timezone),
		V_TEXT(sess_recurrence_name(out->recurrence)),
		V_INT(out->weekdays),
		V_INT(out->local_minute),
		V_INT(out->duration_minutes),
		V_INT(out->appears_before),
		V_TEXT(out->place_id),
		V_TEXT(out->game_id),
		V_INT(c->now),
		V_TEXT(ws_id),
		V_TEXT(id),
	};
	err = store_exec(c->store, SQL_T_UPDATE, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.sessionTemplate.update", "sessionTemplate", id, ws_id,
			   template_snap(c, &old), template_snap(c, out));
}

enum err
sess_template_delete(struct ctx *c, const char *ws_id, const char *id, struct sess_template *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(id) };
	enum err err = sess_template_get(c, ws_id, id, out);

	/* Materialised sessions keep their frozen copy and their template id (§4.11). */
	if (!err)
		err = store_exec(c->store, SQL_T_DELETE, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.sessionTemplate.delete", "sessionTemplate", id, ws_id,
			   template_snap(c, out), NULL);
}

/* ---- role groups -------------------------------------------------------------------------- */

static enum err
groups_query(struct ctx *c, const char *ws_id, const char *id, struct sess_group **out, size_t *n)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(id), V_TEXT(id) };
	struct sess_template *t;
	size_t nt;
	struct rows rs, sub;
	enum err err = store_query(c->store, c->arena, SQL_G_LIST, args, nitems(args), &rs);

	if (!err)
		err = store_query(c->store, c->arena, SQL_SUB_LIST, args, nitems(args), &sub);
	if (!err)
		err = sess_template_list(c, ws_id, &t, &nt);
	if (err)
		return err;
	*n = rs.n;
	*out = arena_alloc(c->arena, (rs.n + 1) * sizeof(**out));
	for (size_t i = 0; i < rs.n; i++) {
		struct sess_group *g = &(*out)[i];
		g->id = rows_text(&rs, i, 0);
		g->name = rows_text(&rs, i, 1);
		g->created_at = rows_int(&rs, i, 2);
		g->updated_at = rows_int(&rs, i, 3);
		g->subroles = arena_alloc(c->arena, (sub.n + 1) * sizeof(*g->subroles));
		g->n_subroles = 0;
		for (size_t j = 0; j < sub.n; j++) {
			struct sess_subrole *s = &g->subroles[g->n_subroles];
			if (strcmp(rows_text(&sub, j, 0), g->id) != 0)
				continue;
			s->id = rows_text(&sub, j, 1);
			s->name = rows_text(&sub, j, 2);
			s->max_users = (int)rows_int(&sub, j, 3);
			s->min_rank = (int)rows_int(&sub, j, 4);
			s->claim_once = rows_int(&sub, j, 5) != 0;
			g->n_subroles++;
		}
		g->used_by = arena_alloc(c->arena, (nt + 1) * sizeof(*g->used_by));
		g->n_used_by = 0;
		for (size_t j = 0; j < nt; j++)
			for (size_t k = 0; k < t[j].n_groups; k++)
				if (strcmp(t[j].group_ids[k], g->id) == 0) {
					g->used_by[g->n_used_by++] = t[j].id;
					break;
				}
	}
	return ERR_OK;
}

enum err
sess_group_list(struct ctx *c, const char *ws_id, struct sess_group **out, size_t *n)
{
	return groups_query(c, ws_id, NULL, out, n);
}

enum err
sess_group_get(struct ctx *c, const char *ws_id, const char *id, struct sess_group *out)
{
	struct sess_group *v;
	size_t n;
	enum err err = groups_query(c, ws_id, id, &v, &n);

	if (err)
		return err;
	if (n == 0)
		return not_found(c, "sessionRoleGroup");
	*out = v[0];
	return ERR_OK;
}

/*
 * Writes the subroles of group_id: a given id must be new to ws (create) or one of the group's
 * own (update); ids come back in *out. Old subroles are replaced as a whole.
 */
static enum err
subroles_write(struct ctx *c, const char *ws_id, const char *group_id,
	       const struct sess_group_input *in, struct sess_subrole **out)
{
	const struct val clear[] = { V_TEXT(ws_id), V_TEXT(group_id) };
	struct sess_subrole *v = arena_alloc(c->arena, (in->n_subroles + 1) * sizeof(*v));
	enum err err;

	for (size_t i = 0; i < in->n_subroles; i++) {
		const char *sid = in->subroles[i].id;
		v[i] = in->subroles[i];
		for (size_t j = 0; sid != NULL && j < i; j++)
			if (strcmp(sid, in->subroles[j].id ? in->subroles[j].id : "") == 0)
				return ctx_fail(c, ERR_INVALID_FIELD, "subroles",
						"subrole ids must be unique");
		if (sid != NULL) {
			const struct val args[] = { V_TEXT(ws_id), V_TEXT(sid) };
			struct rows rs;
			err = store_query(c->store, c->arena, SQL_SUB_OWNER, args, 2, &rs);
			if (err)
				return err;
			if (rs.n > 0 && strcmp(rows_text(&rs, 0, 0), group_id) != 0)
				return ctx_fail(c, ERR_INVALID_FIELD, "subroles",
						"a subrole id belongs to another group");
		} else {
			char uuid[UUID_LEN + 1];
			uuid_new(uuid);
			v[i].id = arena_strdup(c->arena, uuid);
		}
	}
	err = store_exec(c->store, SQL_SUB_CLEAR, clear, 2, NULL);
	for (size_t i = 0; !err && i < in->n_subroles; i++) {
		const struct val args[] = {
			V_TEXT(ws_id),		  V_TEXT(group_id),	     V_TEXT(v[i].id),
			V_INT(i),		  V_TEXT(v[i].name),	     V_INT(v[i].max_users),
			V_INT(v[i].min_rank), V_INT(v[i].claim_once ? 1 : 0),
		};
		err = store_exec(c->store, SQL_SUB_INSERT, args, nitems(args), NULL);
	}
	*out = v;
	return err;
}

static const char *
group_snap(struct ctx *c, const char *name, const struct sess_subrole *v, size_t n)
{
	struct snap s;

	snap_begin(&s, c->arena);
	snap_str(&s, "name", name);
	snap_arr(&s, "subroles");
	for (size_t i = 0; i < n; i++) {
		snap_obj(&s, NULL);
		snap_str(&s, "id", v[i].id);
		snap_str(&s, "name", v[i].name);
		snap_int(&s, "maxUsers", v[i].max_users);
		snap_int(&s, "minRank", v[i].min_rank);
		snap_bool(&s, "claimOnce", v[i].claim_once);
		snap_obj_end(&s);
	}
	snap_arr_end(&s);
	return snap_end(&s);
}

enum err
sess_group_create(struct ctx *c, const char *ws_id, const struct sess_group_input *in,
		  struct sess_group *out)
{
	char id[UUID_LEN + 1];
	struct sess_subrole *subs;
	int64_t n;
	enum err err = count_of(c, SQL_G_COUNT, ws_id, &n);

	if (!err && n >= SESS_GROUPS_MAX)
		return ERR_LIMIT_REACHED;
	if (err)
		return err;
	uuid_new(id);
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(id), V_TEXT(in->name), V_INT(c->now),
				    V_INT(c->now) };
	err = store_exec(c->store, SQL_G_INSERT, args, nitems(args), NULL);
	if (!err)
		err = subroles_write(c, ws_id, id, in, &subs);
	if (err == ERR_CONFLICT) /* a given subrole id already used in this workspace */
		return ctx_fail(c, ERR_INVALID_FIELD, "subroles", "a subrole id is already in use");
	if (!err)
		err = audit_write(c, "workspace.sessionRoleGroup.create", "sessionRoleGroup", id,
				  ws_id, NULL, group_snap(c, in->name, subs, in->n_subroles));
	return err ? err : sess_group_get(c, ws_id, id, out);
}

enum err
sess_group_update(struct ctx *c, const char *ws_id, const char *id,
		  const struct sess_group_input *in, struct sess_group *out)
{
	struct sess_group old;
	struct sess_subrole *subs;
	enum err err = sess_group_get(c, ws_id, id, &old);

	if (err)
		return err;
	const struct val args[] = { V_TEXT(in->name), V_INT(c->now), V_TEXT(ws_id), V_TEXT(id) };
	err = store_exec(c->store, SQL_G_UPDATE, args, nitems(args), NULL);
	if (!err)
		err = subroles_write(c, ws_id, id, in, &subs);
	if (err == ERR_CONFLICT)
		return ctx_fail(c, ERR_INVALID_FIELD, "subroles", "a subrole id is already in use");
	if (!err)
		err = audit_write(c, "workspace.sessionRoleGroup.update", "sessionRoleGroup", id,
				  ws_id, group_snap(c, old.name, old.subroles, old.n_subroles),
				  group_snap(c, in->name, subs, in->n_subroles));
	return err ? err : sess_group_get(c, ws_id, id, out);
}

enum err
sess_group_delete(struct ctx *c, const char *ws_id, const char *id, struct sess_group *out)
{
	const struct val args[] = { V_TEXT(ws_id), V_TEXT(id) };
	const struct val use[] = { V_TEXT(ws_id), V_INT(c->now),
				   V_TEXT(arena_printf(c->arena, "%% %s %%", id)) };
	struct rows rs;
	enum err err = sess_group_get(c, ws_id, id, out);

	if (err)
		return err;
	if (out->n_used_by > 0)
		return ERR_IN_USE;
	err = store_query(c->store, c->arena, SQL_G_SESSION_USE, use, nitems(use), &rs);
	if (err)
		return err;
	if (rows_int(&rs, 0, 0) > 0)
		return ERR_IN_USE;
	err = store_exec(c->store, SQL_G_DELETE, args, nitems(args), NULL);
	if (err)
		return err;
	return audit_write(c, "workspace.sessionRoleGroup.delete", "sessionRoleGroup", id, ws_id,
			   group_snap(c, out->name, out->subroles, out->n_subroles), NULL);
}
