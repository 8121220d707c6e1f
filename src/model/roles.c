/*
 * roles.c: staff roles and the hierarchy rules; see roles.h. Every operation reads the whole
 * role table (at most ROLE_LIMIT rows) inside the caller's transaction, so the rules judge the
 * same state the writes change. Checks run in the order of staff-admin.md §1.6: referenced
 * ids (400), hierarchy (403), then state conflicts (409); nothing is written before the last
 * check passes, and each change writes one audit entry in the same transaction.
 */
#include "model/roles.h"

#include <stdlib.h>
#include <string.h>

#include "model/audit.h"
#include "model/snapshot.h"

#define ROLE_COLS                                                                              \
	"r.id, r.name, r.level, r.color, r.position, r.enforce_whitelist, r.is_system,"        \
	" r.created_at, r.updated_at,"                                                         \
	" (SELECT COUNT(*) FROM users u WHERE u.role_id = r.id AND u.status = 'active')"

/* The three attachment queries sort exactly like SQL_ROLE_ALL, so one merge walk joins them. */
static const char SQL_ROLE_ALL[] = "SELECT " ROLE_COLS " FROM roles r ORDER BY r.position, r.id";
static const char SQL_ROLE_PERMS_ALL[] =
	"SELECT p.role_id, p.perm FROM role_permissions p JOIN roles r ON r.id = p.role_id"
	" ORDER BY r.position, r.id";
static const char SQL_ROLE_ASSIGNABLE_ALL[] =
	"SELECT a.role_id, a.assignable_id FROM role_assignable a"
	" JOIN roles o ON o.id = a.role_id JOIN roles t ON t.id = a.assignable_id"
	" ORDER BY o.position, o.id, t.position, t.id";
static const char SQL_ACTOR_ASSIGNABLE[] =
	"SELECT a.assignable_id FROM role_assignable a JOIN roles t ON t.id = a.assignable_id"
	" WHERE a.role_id = ? ORDER BY t.position, t.id";
static const char SQL_NAME_OWNER[] = "SELECT id FROM roles WHERE name_key = ?";
static const char SQL_ROLE_INSERT[] =
	"INSERT INTO roles (id, name, name_key, level, color, position, enforce_whitelist,"
	" is_system, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)";
static const char SQL_ROLE_UPDATE[] =
	"UPDATE roles SET name = ?, name_key = ?, color = ?, level = ?, enforce_whitelist = ?,"
	" updated_at = ? WHERE id = ?";
static const char SQL_ROLE_TOUCH[] = "UPDATE roles SET updated_at = ? WHERE id = ?";
static const char SQL_ROLE_POSITION[] = "UPDATE roles SET position = ? WHERE id = ?";
static const char SQL_ROLE_SHIFT_DOWN[] =
	"UPDATE roles SET position = position + 1 WHERE position >= ?";
static const char SQL_ROLE_SHIFT_UP[] =
	"UPDATE roles SET position = position - 1 WHERE position > ?";
static const char SQL_ROLE_DELETE[] = "DELETE FROM roles WHERE id = ?";
static const char SQL_ASSIGNABLE_INSERT[] =
	"INSERT INTO role_assignable (role_id, assignable_id) VALUES (?, ?)";
static const char SQL_ASSIGNABLE_CLEAR[] = "DELETE FROM role_assignable WHERE role_id = ?";
static const char SQL_ASSIGNABLE_PAIR_DELETE[] =
	"DELETE FROM role_assignable WHERE role_id = ? AND assignable_id = ?";
static const char SQL_ASSIGNABLE_DROP_ROLE[] =
	"DELETE FROM role_assignable WHERE role_id = ? OR assignable_id = ?";
static const char SQL_PERMS_CLEAR[] = "DELETE FROM role_permissions WHERE role_id = ?";
static const char SQL_PERM_INSERT[] = "INSERT INTO role_permissions (role_id, perm) VALUES (?, ?)";
static const char SQL_ROLE_HOLDERS[] = "SELECT id FROM users WHERE role_id = ? ORDER BY id";
static const char SQL_ROLE_UNASSIGN[] =
	"UPDATE users SET role_id = NULL, updated_at = ? WHERE role_id = ?";
static const char SQL_COMMUNITY_ROLE_DROP[] =
	"DELETE FROM community_allowed_roles WHERE role_id = ?";

/* A pair (role, assignable) removed from an assignable list by a level change (A3). */
struct role_pair {
	const char *role_id;
	const char *assignable_id;
};

/* --- pure rules ------------------------------------------------------------------------------- */

static int
hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

bool
role_color_parse(const char *in, char out[8])
{
	static const char digits[] = "0123456789abcdef";
	size_t n = strlen(in);

	if (in[0] != '#' || (n != 4 && n != 7))
		return false;
	for (size_t i = 1; i < n; i++)
		if (hex_value(in[i]) < 0)
			return false;
	out[0] = '#';
	for (size_t i = 0; i < 6; i++) {
		/* "#abc" means "#aabbcc": each short digit stands for two. */
		char ch = n == 4 ? in[1 + i / 2] : in[1 + i];
		out[1 + i] = digits[hex_value(ch)];
	}
	out[7] = '\0';
	return true;
}

char *
role_name_key(struct arena *a, const char *name)
{
	char *k = arena_strdup(a, name);

	/* §1.5: uniqueness ignores case for ASCII letters only. */
	for (char *p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return k;
}

size_t
role_insert_position(const struct role_set *s, int level)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].level < level)
			return i;
	return s->n;
}

uint64_t
role_perms_missing(uint64_t set, uint64_t missing[PERM_COUNT])
{
	uint64_t lacking = 0;

	for (int p = 0; p < PERM_COUNT; p++) {
		missing[p] = 0;
		if (!(set & PERM_BIT(p)))
			continue;
		/* Nothing is added automatically (A7): each direct prerequisite must be sent. */
		missing[p] = perm_catalogue[p].depends & ~set;
		if (missing[p])
			lacking |= PERM_BIT(p);
	}
	return lacking;
}

bool
hier_outranks(int actor_level, int level)
{
	return actor_level > level;
}

bool
hier_listed(const struct role_actor *a, const char *role_id)
{
	if (!a->enforce_whitelist)
		return true;
	for (size_t i = 0; i < a->n_assignable; i++)
		if (strcmp(a->assignable[i], role_id) == 0)
			return true;
	return false;
}

enum err
hier_role_create(const struct role_actor *a, int level)
{
	if (!hier_outranks(a->level, level))
		return ERR_HIERARCHY;
	if (a->enforce_whitelist)
		return ERR_NOT_ASSIGNABLE; /* H4: whitelisted actors create no roles */
	return ERR_OK;
}

enum err
hier_role_touch(const struct role_actor *a, const struct role *target)
{
	if (!hier_outranks(a->level, target->level))
		return ERR_HIERARCHY;
	if (!hier_listed(a, target->id))
		return ERR_NOT_ASSIGNABLE;
	return ERR_OK;
}

uint64_t
hier_not_held(const struct role_actor *a, uint64_t before, uint64_t after)
{
	/* H8: kept keys are not checked, only what changes. */
	return (before ^ after) & ~a->held;
}

bool
hier_role_locked(const struct role_actor *a, const struct role *r)
{
	return hier_role_touch(a, r) != ERR_OK;
}

bool
hier_role_may(const struct role_actor *a, const struct role *r, enum perm perm)
{
	return (a->held & PERM_BIT(perm)) && hier_role_touch(a, r) == ERR_OK;
}

enum err
hier_user(const struct role_actor *a, int target_level)
{
	return hier_outranks(a->level, target_level) ? ERR_OK : ERR_HIERARCHY;
}

enum err
hier_user_role(const struct role_actor *a, const char *target_user_id, int target_level,
	       const struct role *cur, const struct role *next)
{
	if (a->user_id != NULL && strcmp(a->user_id, target_user_id) == 0)
		return ERR_HIERARCHY; /* H10: nobody changes their own role */
	if (!hier_outranks(a->level, target_level))
		return ERR_HIERARCHY;
	if (next != NULL && !hier_outranks(a->level, next->level))
		return ERR_HIERARCHY;
	if (next != NULL && !hier_listed(a, next->id))
		return ERR_NOT_ASSIGNABLE;
	if (cur != NULL && !hier_listed(a, cur->id))
		return ERR_NOT_ASSIGNABLE; /* H6 covers removing a role too */
	return ERR_OK;
}

/* --- reads ------------------------------------------------------------------------------------ */

static void
role_from_row(const struct rows *rs, size_t i, struct role *r)
{
	r->id = rows_text(rs, i, 0);
	r->name = rows_text(rs, i, 1);
	r->level = (int)rows_int(rs, i, 2);
	r->color = rows_text(rs, i, 3);
	r->position = (int)rows_int(rs, i, 4);
	r->enforce_whitelist = rows_int(rs, i, 5) != 0;
	r->is_system = rows_int(rs, i, 6) != 0;
	r->created_at = rows_int(rs, i, 7);
	r->updated_at = rows_int(rs, i, 8);
	r->member_count = rows_int(rs, i, 9);
}

static void
role_attach_perms(struct role_set *s, const struct rows *ps)
{
	size_t j = 0;

	for (size_t i = 0; i < s->n; i++) {
		for (; j < ps->n && strcmp(rows_text(ps, j, 0), s->v[i].id) == 0; j++) {
			enum perm p = perm_lookup(rows_text(ps, j, 1));
			if (p != PERM_NONE)
				s->v[i].perms |= PERM_BIT(p);
		}
	}
}

static void
role_attach_assignable(struct arena *a, struct role_set *s, const struct rows *as)
{
	size_t j = 0;

	for (size_t i = 0; i < s->n; i++) {
		size_t start = j;
		while (j < as->n && strcmp(rows_text(as, j, 0), s->v[i].id) == 0)
			j++;
		s->v[i].n_assignable = j - start;
		s->v[i].assignable = arena_alloc(a, (j - start + 1) * sizeof(char *));
		for (size_t k = start; k < j; k++)
			s->v[i].assignable[k - start] = rows_text(as, k, 1);
	}
}

enum err
role_list(struct ctx *c, struct role_set *out)
{
	struct rows rs, ps, as;
	enum err err;

	err = store_query(c->store, c->arena, SQL_ROLE_ALL, NULL, 0, &rs);
	if (!err)
		err = store_query(c->store, c->arena, SQL_ROLE_PERMS_ALL, NULL, 0, &ps);
	if (!err)
		err = store_query(c->store, c->arena, SQL_ROLE_ASSIGNABLE_ALL, NULL, 0, &as);
	if (err)
		return err;
	out->n = rs.n;
	out->v = arena_alloc(c->arena, (rs.n + 1) * sizeof(*out->v));
	for (size_t i = 0; i < rs.n; i++)
		role_from_row(&rs, i, &out->v[i]);
	role_attach_perms(out, &ps);
	role_attach_assignable(c->arena, out, &as);
	return ERR_OK;
}

const struct role *
role_find(const struct role_set *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i].id, id) == 0)
			return &s->v[i];
	return NULL;
}

enum err
role_actor_load(struct ctx *c, struct role_actor *out)
{
	const struct actor *a = &c->actor;
	struct rows rows;
	enum err err;

	memset(out, 0, sizeof(*out));
	out->user_id = a->user_id[0] ? a->user_id : NULL;
	out->role_id = a->role_id;
	/* actor_load already made a role-less user level 0; the CLI acts above everything (H15). */
	out->level = a->level;
	out->enforce_whitelist = a->enforce_whitelist;
	out->held = a->perms;
	if (a->role_id == NULL)
		return ERR_OK;
	const struct val args[] = { V_TEXT(a->role_id) };
	err = store_query(c->store, c->arena, SQL_ACTOR_ASSIGNABLE, args, 1, &rows);
	if (err)
		return err;
	out->n_assignable = rows.n;
	out->assignable = arena_alloc(c->arena, (rows.n + 1) * sizeof(char *));
	for (size_t i = 0; i < rows.n; i++)
		out->assignable[i] = rows_text(&rows, i, 0);
	return ERR_OK;
}

/* --- details and snapshots -------------------------------------------------------------------- */

/* Fails with details {"<key>": [ids...]}. */
static enum err
fail_ids(struct ctx *c, enum err err, const char *key, const char *const *ids, size_t n)
{
	struct snap s;

	snap_begin(&s, c->arena);
	snap_strs(&s, key, ids, n);
	return fail_raw(&c->fail, err, snap_end(&s));
}

/* The keys of a set, in catalogue order. */
static void
snap_perms(struct snap *s, const char *k, uint64_t set)
{
	snap_arr(s, k);
	for (int p = 0; p < PERM_COUNT; p++)
		if (set & PERM_BIT(p))
			snap_item(s, perm_catalogue[p].key);
	snap_arr_end(s);
}

/* The stored fields of a role, as members of the current object. */
static void
snap_role(struct snap *s, const struct role *r)
{
	snap_str(s, "name", r->name);
	snap_int(s, "level", r->level);
	snap_str(s, "color", r->color);
	snap_int(s, "position", r->position);
	snap_bool(s, "enforceWhitelistedRoles", r->enforce_whitelist);
	snap_strs(s, "assignableRoles", r->assignable, r->n_assignable);
	snap_perms(s, "permissions", r->perms);
}

static enum err
audit_snap(struct ctx *c, const char *action, const char *role_id, struct snap *before,
	   struct snap *after)
{
	const char *b = before ? snap_end(before) : NULL, *a = after ? snap_end(after) : NULL;

	if ((before && b == NULL) || (after && a == NULL))
		return ERR_INTERNAL; /* past LIMIT_RESPONSE: never store a cut snapshot */
	return audit_write(c, action, "role", role_id, NULL, b, a);
}

enum err
role_perms_parse(struct ctx *c, const char *const *keys, size_t n, uint64_t *out)
{
	const char **unknown = arena_alloc(c->arena, (n + 1) * sizeof(char *));
	uint64_t set = 0, missing[PERM_COUNT], lacking;
	size_t n_unknown = 0;
	struct snap s;

	for (size_t i = 0; i < n; i++) {
		enum perm p = perm_lookup(keys[i]);
		if (p == PERM_NONE)
			unknown[n_unknown++] = keys[i];
		else
			set |= PERM_BIT(p);
	}
	if (n_unknown > 0)
		return fail_ids(c, ERR_UNKNOWN_PERMISSIONS, "permissions", unknown, n_unknown);
	lacking = role_perms_missing(set, missing);
	if (lacking) {
		snap_begin(&s, c->arena);
		snap_arr(&s, "missing");
		for (int p = 0; p < PERM_COUNT; p++) {
			if (!(lacking & PERM_BIT(p)))
				continue;
			snap_obj(&s, NULL);
			snap_str(&s, "permission", perm_catalogue[p].key);
			snap_perms(&s, "requires", missing[p]);
			snap_obj_end(&s);
		}
		snap_arr_end(&s);
		return fail_raw(&c->fail, ERR_MISSING_PREREQUISITES, snap_end(&s));
	}
	*out = set;
	return ERR_OK;
}

/* --- shared checks ---------------------------------------------------------------------------- */

/* Step 11 and H7's level rule: every id exists, and each is below the owning role's level. */
static enum err
assignable_check(struct ctx *c, const struct role_set *s, const char *const *ids, size_t n,
		 int owner_level)
{
	const char **bad = arena_alloc(c->arena, (n + 1) * sizeof(char *));
	size_t n_bad = 0;

	for (size_t i = 0; i < n; i++)
		if (role_find(s, ids[i]) == NULL)
			bad[n_bad++] = ids[i];
	if (n_bad > 0)
		return fail_ids(c, ERR_UNKNOWN_IDS, "ids", bad, n_bad);
	for (size_t i = 0; i < n; i++)
		if (role_find(s, ids[i])->level >= owner_level)
			bad[n_bad++] = ids[i];
	if (n_bad > 0)
		return fail_ids(c, ERR_ASSIGNABLE_NOT_BELOW, "ids", bad, n_bad);
	return ERR_OK;
}

/* H7 under H6: a whitelisted actor delegates only roles on its own list. */
static enum err
assignable_listed(struct ctx *c, const struct role_actor *a, const char *const *ids, size_t n)
{
	const char **bad = arena_alloc(c->arena, (n + 1) * sizeof(char *));
	size_t n_bad = 0;

	for (size_t i = 0; i < n; i++)
		if (!hier_listed(a, ids[i]))
			bad[n_bad++] = ids[i];
	if (n_bad > 0)
		return fail_ids(c, ERR_NOT_ASSIGNABLE, "ids", bad, n_bad);
	return ERR_OK;
}

static enum err
perms_elevation(struct ctx *c, const struct role_actor *a, uint64_t before, uint64_t after)
{
	uint64_t bad = hier_not_held(a, before, after);
	struct snap s;

	if (bad == 0)
		return ERR_OK;
	snap_begin(&s, c->arena);
	snap_perms(&s, "permissions", bad);
	return fail_raw(&c->fail, ERR_PERMISSION_NOT_HELD, snap_end(&s));
}

/* 409 name_taken when another role has the name, ASCII case-insensitively. */
static enum err
role_name_free(struct ctx *c, const char *name, const char *self_id)
{
	const struct val args[] = { V_TEXT(role_name_key(c->arena, name)) };
	struct rows rows;
	enum err err = store_query(c->store, c->arena, SQL_NAME_OWNER, args, 1, &rows);

	if (err)
		return err;
	if (rows.n > 0 && (self_id == NULL || strcmp(rows_text(&rows, 0, 0), self_id) != 0))
		return ERR_NAME_TAKEN;
	return ERR_OK;
}

static enum err
assignable_write(struct ctx *c, const char *role_id, const char *const *ids, size_t n)
{
	const struct val cargs[] = { V_TEXT(role_id) };
	enum err err = store_exec(c->store, SQL_ASSIGNABLE_CLEAR, cargs, 1, NULL);

	for (size_t i = 0; i < n && !err; i++) {
		const struct val args[] = { V_TEXT(role_id), V_TEXT(ids[i]) };
		err = store_exec(c->store, SQL_ASSIGNABLE_INSERT, args, 2, NULL);
	}
	return err;
}

static enum err
perms_write(struct ctx *c, const char *role_id, uint64_t perms)
{
	const struct val cargs[] = { V_TEXT(role_id) };
	enum err err = store_exec(c->store, SQL_PERMS_CLEAR, cargs, 1, NULL);

	for (int p = 0; p < PERM_COUNT && !err; p++) {
		if (!(perms & PERM_BIT(p)))
			continue;
		const struct val args[] = { V_TEXT(role_id), V_TEXT(perm_catalogue[p].key) };
		err = store_exec(c->store, SQL_PERM_INSERT, args, 2, NULL);
	}
	return err;
}

/* Re-reads the role after a write, so the answer shows what was committed. */
static enum err
role_reload(struct ctx *c, const char *id, struct role *out)
{
	struct role_set s;
	const struct role *r;
	enum err err = role_list(c, &s);

	if (err)
		return err;
	r = role_find(&s, id);
	if (r == NULL)
		return ERR_INTERNAL;
	*out = *r;
	return ERR_OK;
}

/* --- A2 create -------------------------------------------------------------------------------- */

static enum err
role_insert(struct ctx *c, const struct role_set *s, const struct role_input *in,
	    const char *id)
{
	int64_t pos = (int64_t)role_insert_position(s, in->level);
	const struct val sargs[] = { V_INT(pos) };
	const struct val args[] = {
		V_TEXT(id),
		V_TEXT(in->name),
		V_TEXT(role_name_key(c->arena, in->name)),
		V_INT(in->level),
		V_TEXT(in->color),
		V_INT(pos),
		V_INT(in->enforce_whitelist),
		V_INT(c->now),
		V_INT(c->now),
	};
	enum err err = store_exec(c->store, SQL_ROLE_SHIFT_DOWN, sargs, 1, NULL);

	if (!err)
		err = store_exec(c->store, SQL_ROLE_INSERT, args, nitems(args), NULL);
	if (err == ERR_CONFLICT)
		return ERR_NAME_TAKEN;
	if (!err)
		err = assignable_write(c, id, in->assignable, in->n_assignable);
	return err;
}

enum err
role_create(struct ctx *c, const struct role_input *in, struct role *out)
{
	struct role_set s;
	struct role_actor a;
	struct snap after;
	char id[ID_LEN + 1];
	enum err err;

	err = role_list(c, &s);
	if (!err)
		err = role_actor_load(c, &a);
	if (!err)
		err = assignable_check(c, &s, in->assignable, in->n_assignable, in->level);
	if (!err)
		err = hier_role_create(&a, in->level);
	if (!err)
		err = assignable_listed(c, &a, in->assignable, in->n_assignable);
	if (!err)
		err = role_name_free(c, in->name, NULL);
	if (!err && s.n >= ROLE_LIMIT)
		err = fail_set(&c->fail, c->arena, ERR_LIMIT_REACHED, "limit", "250",
			       (const char *)NULL);
	if (err)
		return err;
	id_new(c->now, id);
	err = role_insert(c, &s, in, id);
	if (!err)
		err = role_reload(c, id, out);
	if (err)
		return err;
	snap_begin(&after, c->arena);
	snap_role(&after, out);
	return audit_snap(c, "role.create", id, NULL, &after);
}

/* --- A3 update -------------------------------------------------------------------------------- */

static bool
str_same(const char *x, const char *y)
{
	return (x == NULL && y == NULL) || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/* The same ids in any order (lists never hold duplicates). */
static bool
ids_same(const char *const *x, size_t nx, const char *const *y, size_t ny)
{
	if (nx != ny)
		return false;
	for (size_t i = 0; i < nx; i++) {
		bool found = false;
		for (size_t j = 0; j < ny && !found; j++)
			found = strcmp(x[i], y[j]) == 0;
		if (!found)
			return false;
	}
	return true;
}

static bool
id_in(const char *const *ids, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

/*
 * A3 level change: pairs that no longer satisfy H7. Own entries at or above the new level
 * (unless the request replaces the list, which was checked against the new level), and the
 * role's place in the lists of roles now at or below it.
 */
static struct role_pair *
role_prune_pairs(struct ctx *c, const struct role_set *s, const struct role *t, int level,
		 bool list_replaced, size_t *n)
{
	struct role_pair *p = arena_alloc(c->arena, (t->n_assignable + s->n + 1) * sizeof(*p));

	*n = 0;
	for (size_t i = 0; i < t->n_assignable && !list_replaced; i++)
		if (role_find(s, t->assignable[i])->level >= level)
			p[(*n)++] = (struct role_pair){ t->id, t->assignable[i] };
	for (size_t i = 0; i < s->n; i++) {
		const struct role *r = &s->v[i];
		if (r != t && r->level <= level && id_in(r->assignable, r->n_assignable, t->id))
			p[(*n)++] = (struct role_pair){ r->id, t->id };
	}
	return p;
}

static enum err
role_update_check(struct ctx *c, const struct role_set *s, const struct role *t,
		  const struct role_input *in)
{
	int level = in->level_set ? in->level : t->level;
	struct role_actor a;
	enum err err;

	err = role_actor_load(c, &a);
	if (!err && in->assignable_set)
		err = assignable_check(c, s, in->assignable, in->n_assignable, level);
	/* A3: never the role itself. The check above reads its level before this update, so a
	 * raise in the same request would otherwise let it through. */
	for (size_t i = 0; !err && in->assignable_set && i < in->n_assignable; i++)
		if (strcmp(in->assignable[i], t->id) == 0)
			err = fail_ids(c, ERR_ASSIGNABLE_NOT_BELOW, "ids", &t->id, 1);
	if (!err)
		err = hier_role_touch(&a, t);
	if (!err && in->level_set && !hier_outranks(a.level, in->level))
		err = ERR_HIERARCHY;
	if (!err && in->assignable_set)
		err = assignable_listed(c, &a, in->assignable, in->n_assignable);
	if (!err && in->perms_set)
		err = perms_elevation(c, &a, t->perms, in->perms);
	if (!err && in->name_set)
		err = role_name_free(c, in->name, t->id);
	return err;
}

/* Records each changed field in before/after; true when anything changes. */
static bool
role_update_diff(const struct role *t, const struct role_input *in, struct snap *b,
		 struct snap *a)
{
	bool changed = false;

	if (in->name_set && !str_same(in->name, t->name)) {
		snap_str(b, "name", t->name);
		snap_str(a, "name", in->name);
		changed = true;
	}
	if (in->color_set && !str_same(in->color, t->color)) {
		snap_str(b, "color", t->color);
		snap_str(a, "color", in->color);
		changed = true;
	}
	if (in->level_set && in->level != t->level) {
		snap_int(b, "level", t->level);
		snap_int(a, "level", in->level);
		changed = true;
	}
	if (in->enforce_set && in->enforce_whitelist != t->enforce_whitelist) {
		snap_bool(b, "enforceWhitelistedRoles", t->enforce_whitelist);
		snap_bool(a, "enforceWhitelistedRoles", in->enforce_whitelist);
		changed = true;
	}
	if (in->assignable_set &&
	    !ids_same(in->assignable, in->n_assignable, t->assignable, t->n_assignable)) {
		snap_strs(b, "assignableRoles", t->assignable, t->n_assignable);
		snap_strs(a, "assignableRoles", in->assignable, in->n_assignable);
		changed = true;
	}
	if (in->perms_set && in->perms != t->perms) {
		snap_perms(b, "permissions", t->perms);
		snap_perms(a, "permissions", in->perms);
		changed = true;
	}
	return changed;
}

static enum err
role_update_apply(struct ctx *c, const struct role *t, const struct role_input *in,
		  const struct role_pair *pruned, size_t n_pruned)
{
	const char *name = in->name_set ? in->name : t->name;
	const struct val args[] = {
		V_TEXT(name),
		V_TEXT(role_name_key(c->arena, name)),
		V_TEXT(in->color_set ? in->color : t->color),
		V_INT(in->level_set ? in->level : t->level),
		V_INT(in->enforce_set ? in->enforce_whitelist : t->enforce_whitelist),
		V_INT(c->now),
		V_TEXT(t->id),
	};
	enum err err = store_exec(c->store, SQL_ROLE_UPDATE, args, nitems(args), NULL);

	if (err == ERR_CONFLICT)
		return ERR_NAME_TAKEN;
	if (!err && in->assignable_set)
		err = assignable_write(c, t->id, in->assignable, in->n_assignable);
	for (size_t i = 0; i < n_pruned && !err; i++) {
		const struct val pargs[] = { V_TEXT(pruned[i].role_id),
					     V_TEXT(pruned[i].assignable_id) };
		err = store_exec(c->store, SQL_ASSIGNABLE_PAIR_DELETE, pargs, 2, NULL);
	}
	if (!err && in->perms_set && in->perms != t->perms)
		err = perms_write(c, t->id, in->perms);
	return err;
}

enum err
role_update(struct ctx *c, const char *id, const struct role_input *in, struct role *out)
{
	struct role_set s;
	const struct role *t;
	struct role_pair *pruned = NULL;
	size_t n_pruned = 0;
	struct snap b, a;
	enum err err;

	err = role_list(c, &s);
	if (err)
		return err;
	t = role_find(&s, id);
	if (t == NULL)
		return ERR_ROLE_NOT_FOUND;
	err = role_update_check(c, &s, t, in);
	if (err)
		return err;
	snap_begin(&b, c->arena);
	snap_begin(&a, c->arena);
	if (!role_update_diff(t, in, &b, &a)) {
		*out = *t; /* a 200 that changes nothing writes nothing (§1.9) */
		return ERR_OK;
	}
	if (in->level_set && in->level != t->level)
		pruned = role_prune_pairs(c, &s, t, in->level, in->assignable_set, &n_pruned);
	if (n_pruned > 0) {
		snap_arr(&a, "prunedAssignable");
		for (size_t i = 0; i < n_pruned; i++) {
			snap_obj(&a, NULL);
			snap_str(&a, "roleId", pruned[i].role_id);
			snap_str(&a, "assignableId", pruned[i].assignable_id);
			snap_obj_end(&a);
		}
		snap_arr_end(&a);
	}
	err = role_update_apply(c, t, in, pruned, n_pruned);
	if (!err)
		err = role_reload(c, id, out);
	if (!err)
		err = audit_snap(c, "role.update", id, &b, &a);
	return err;
}

/* --- A4 reorder ------------------------------------------------------------------------------- */

static int
cmp_str_ptr(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* 400 invalid_order with every id sent more than once (each named once). */
static enum err
order_duplicates(struct ctx *c, const char *const *ids, size_t n)
{
	const char **sorted = arena_alloc(c->arena, (n + 1) * sizeof(char *));
	const char **dups = arena_alloc(c->arena, (n + 1) * sizeof(char *));
	size_t n_dups = 0;

	memcpy(sorted, ids, n * sizeof(char *));
	qsort(sorted, n, sizeof(char *), cmp_str_ptr);
	for (size_t i = 1; i < n; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0 &&
		    (n_dups == 0 || strcmp(dups[n_dups - 1], sorted[i]) != 0))
			dups[n_dups++] = sorted[i];
	if (n_dups > 0)
		return fail_ids(c, ERR_INVALID_ORDER, "duplicates", dups, n_dups);
	return ERR_OK;
}

/* Duplicates, unknown ids, stale list, then H9: locked roles keep their index. */
static enum err
order_check(struct ctx *c, const struct role_set *s, const char *const *ids, size_t n)
{
	const char **bad = arena_alloc(c->arena, (n + s->n + 1) * sizeof(char *));
	size_t n_bad = 0;
	struct role_actor a;
	enum err err;

	err = order_duplicates(c, ids, n);
	if (err)
		return err;
	for (size_t i = 0; i < n; i++)
		if (role_find(s, ids[i]) == NULL)
			bad[n_bad++] = ids[i];
	if (n_bad > 0)
		return fail_ids(c, ERR_UNKNOWN_IDS, "ids", bad, n_bad);
	if (n != s->n)
		return ERR_STALE_ORDER; /* a valid subset: roles were created meanwhile */
	err = role_actor_load(c, &a);
	if (err)
		return err;
	for (size_t i = 0; i < s->n; i++)
		if (hier_role_locked(&a, &s->v[i]) && strcmp(ids[i], s->v[i].id) != 0)
			bad[n_bad++] = s->v[i].id;
	if (n_bad > 0)
		return fail_ids(c, ERR_HIERARCHY, "ids", bad, n_bad);
	return ERR_OK;
}

enum err
role_reorder(struct ctx *c, const char *const *ids, size_t n, struct role_set *out)
{
	const char **before;
	struct role_set s;
	struct snap b, a;
	bool changed = false;
	enum err err;

	err = role_list(c, &s);
	if (!err)
		err = order_check(c, &s, ids, n);
	if (err)
		return err;
	before = arena_alloc(c->arena, (s.n + 1) * sizeof(char *));
	for (size_t i = 0; i < s.n && !err; i++) {
		const struct role *r = role_find(&s, ids[i]);
		before[i] = s.v[i].id;
		changed |= r != &s.v[i];
		/* Stored positions become exactly 0..n-1, even if they ever drifted. */
		if (r->position != (int)i) {
			const struct val args[] = { V_INT(i), V_TEXT(r->id) };
			err = store_exec(c->store, SQL_ROLE_POSITION, args, 2, NULL);
		}
	}
	if (!err)
		err = role_list(c, out);
	if (err || !changed)
		return err; /* A4: an unchanged order writes no audit entry */
	snap_begin(&b, c->arena);
	snap_strs(&b, "order", before, s.n);
	snap_begin(&a, c->arena);
	snap_strs(&a, "order", ids, n);
	return audit_snap(c, "role.reorder", NULL, &b, &a);
}

/* --- A5 delete -------------------------------------------------------------------------------- */

static enum err
role_delete_rows(struct ctx *c, const struct role *t)
{
	const struct val id1[] = { V_TEXT(t->id) };
	const struct val id2[] = { V_TEXT(t->id), V_TEXT(t->id) };
	const struct val unassign[] = { V_INT(c->now), V_TEXT(t->id) };
	const struct val shift[] = { V_INT(t->position) };
	enum err err;

	/* holders drop to level 0 in the same transaction. */
	err = store_exec(c->store, SQL_ROLE_UNASSIGN, unassign, 2, NULL);
	if (!err)
		err = store_exec(c->store, SQL_ASSIGNABLE_DROP_ROLE, id2, 2, NULL);
	if (!err)
		err = store_exec(c->store, SQL_COMMUNITY_ROLE_DROP, id1, 1, NULL);
	if (!err)
		err = store_exec(c->store, SQL_PERMS_CLEAR, id1, 1, NULL);
	if (!err)
		err = store_exec(c->store, SQL_ROLE_DELETE, id1, 1, NULL);
	if (!err)
		err = store_exec(c->store, SQL_ROLE_SHIFT_UP, shift, 1, NULL);
	return err;
}

enum err
role_delete(struct ctx *c, const char *id, struct role *out)
{
	const struct val args[] = { V_TEXT(id) };
	struct role_set s;
	struct role_actor a;
	const struct role *t;
	struct rows holders;
	struct snap b, af;
	enum err err;

	err = role_list(c, &s);
	if (err)
		return err;
	t = role_find(&s, id);
	if (t == NULL)
		return ERR_ROLE_NOT_FOUND;
	err = role_actor_load(c, &a);
	if (!err)
		err = hier_role_touch(&a, t);
	if (!err)
		err = store_query(c->store, c->arena, SQL_ROLE_HOLDERS, args, 1, &holders);
	if (!err)
		err = role_delete_rows(c, t);
	if (err)
		return err;
	*out = *t;
	out->member_count = (int64_t)holders.n;
	snap_begin(&b, c->arena);
	snap_role(&b, t);
	snap_begin(&af, c->arena);
	snap_int(&af, "usersLost", (int64_t)holders.n);
	snap_arr(&af, "userIds");
	for (size_t i = 0; i < holders.n; i++)
		snap_item(&af, rows_text(&holders, i, 0));
	snap_arr_end(&af);
	return audit_snap(c, "role.delete", id, &b, &af);
}

/* --- A7 permissions --------------------------------------------------------------------------- */

enum err
role_set_perms(struct ctx *c, const char *id, uint64_t perms, struct role *out)
{
	struct role_set s;
	struct role_actor a;
	const struct role *t;
	struct snap b, af;
	enum err err;

	err = role_list(c, &s);
	if (err)
		return err;
	t = role_find(&s, id);
	if (t == NULL)
		return ERR_ROLE_NOT_FOUND;
	err = role_actor_load(c, &a);
	if (!err)
		err = hier_role_touch(&a, t);
	if (!err)
		err = perms_elevation(c, &a, t->perms, perms);
	if (err || perms == t->perms) {
		*out = *t;
		return err;
	}
	const struct val targs[] = { V_INT(c->now), V_TEXT(id) };
	err = perms_write(c, id, perms);
	if (!err)
		err = store_exec(c->store, SQL_ROLE_TOUCH, targs, 2, NULL);
	if (!err)
		err = role_reload(c, id, out);
	if (err)
		return err;
	snap_begin(&b, c->arena);
	snap_perms(&b, "permissions", t->perms);
	snap_begin(&af, c->arena);
	snap_perms(&af, "permissions", perms);
	return audit_snap(c, "role.permissions", id, &b, &af);
}
