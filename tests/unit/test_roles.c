/*
 * test_roles.c: the pure role rules (colour parsing, name keys, insertion position,
 * prerequisite closure, hierarchy H3-H11) and the role operations of model/roles.c on a
 * migrated SQLite file: positions, cascades on delete, reorder locks, level-change pruning
 * and the error details the API returns.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/perm.h"
#include "auth/secret.h"
#include "core/arena.h"
#include "core/clock.h"
#include "model/roles.h"
#include "model/users.h"
#include "store/store.h"
#include "tap.h"

static void
test_color(void)
{
	char out[8];

	ok(role_color_parse("#ABC", out) && strcmp(out, "#aabbcc") == 0, "#ABC -> #aabbcc");
	ok(role_color_parse("#5865F2", out) && strcmp(out, "#5865f2") == 0, "#rrggbb lowercased");
	ok(role_color_parse("#000", out) && strcmp(out, "#000000") == 0, "#000");
	ok(!role_color_parse("", out), "X-7: empty is invalid");
	ok(!role_color_parse("example-color", out), "I-4 example value");
	ok(!role_color_parse("#abcd", out), "four digits");
	ok(!role_color_parse("#12345", out), "five digits");
	ok(!role_color_parse("#ggg", out), "not hex");
	ok(!role_color_parse("abc", out), "no #");
	ok(!role_color_parse("#abc ", out), "trailing space");
}

static void
test_name_key(void)
{
	struct arena *a = arena_new();

	is_str(role_name_key(a, "MoDeRaToR"), "moderator", "ASCII folds");
	is_str(role_name_key(a, "Élan"), "Élan", "non-ASCII letters do not fold");
	arena_free(a);
}

static void
test_position(void)
{
	struct role v[4] = { { .level = 100 }, { .level = 60 }, { .level = 60 }, { .level = 20 } };
	struct role_set s = { v, 4 };
	struct role_set empty = { v, 0 };

	is_int(role_insert_position(&s, 59), 3, "above the first lower role");
	is_int(role_insert_position(&s, 60), 3, "below equal levels");
	is_int(role_insert_position(&s, 61), 1, "directly below a higher one");
	is_int(role_insert_position(&s, 10), 4, "bottom when none is lower");
	is_int(role_insert_position(&empty, 50), 0, "empty list");
}

static void
test_prereqs(void)
{
	uint64_t missing[PERM_COUNT];
	uint64_t set = PERM_BIT(PERM_MANAGE_PERMISSIONS) | PERM_BIT(PERM_VIEW_STAFF);
	uint64_t lacking = role_perms_missing(set, missing);

	ok(lacking == PERM_BIT(PERM_MANAGE_PERMISSIONS), "only the entry with a gap is named");
	ok(missing[PERM_MANAGE_PERMISSIONS] == PERM_BIT(PERM_MANAGE_ROLES), "its missing key");
	ok(role_perms_missing(0, missing) == 0, "the empty set is closed");
	set = PERM_BIT(PERM_ASSIGN_ROLES);
	lacking = role_perms_missing(set, missing);
	ok(missing[PERM_ASSIGN_ROLES] == (PERM_BIT(PERM_VIEW_USERS) | PERM_BIT(PERM_VIEW_STAFF)),
	   "both prerequisites of assign_roles");
	ok(role_perms_missing(PERM_BIT(PERM_ADMINISTRATOR), missing) == 0,
	   "administrator needs nothing and is not expanded");
	set = PERM_BIT(PERM_ERASE_ACCOUNTS) | PERM_BIT(PERM_VIEW_REMOVED_ACCOUNTS);
	ok(role_perms_missing(set, missing) == PERM_BIT(PERM_VIEW_REMOVED_ACCOUNTS),
	   "direct prerequisites only: the gap is one level down");
}

static void
test_hierarchy(void)
{
	const char *list[] = { "r20" };
	struct role_actor lead = { .user_id = "u60", .level = 60,
				   .held = PERM_BIT(PERM_MANAGE_ROLES) };
	struct role_actor mod = { .user_id = "u40", .level = 40, .enforce_whitelist = true,
				  .held = PERM_ALL, .assignable = list, .n_assignable = 1 };
	struct role r20 = { .id = "r20", .level = 20 }, r10 = { .id = "r10", .level = 10 };
	struct role r60 = { .id = "r60", .level = 60 }, r80 = { .id = "r80", .level = 80 };

	ok(hier_outranks(60, 59) && !hier_outranks(60, 60), "H3 strict");
	is_int(hier_role_create(&lead, 59), ERR_OK, "H4 below");
	is_int(hier_role_create(&lead, 60), ERR_HIERARCHY, "H4 equal");
	is_int(hier_role_create(&mod, 10), ERR_NOT_ASSIGNABLE, "H4 whitelisted actors create none");
	is_int(hier_role_touch(&lead, &r60), ERR_HIERARCHY, "H5 own level");
	is_int(hier_role_touch(&lead, &r80), ERR_HIERARCHY, "H5 higher");
	is_int(hier_role_touch(&lead, &r10), ERR_OK, "H5 lower");
	is_int(hier_role_touch(&mod, &r10), ERR_NOT_ASSIGNABLE, "H6 unlisted");
	is_int(hier_role_touch(&mod, &r20), ERR_OK, "H6 listed");
	is_int(hier_role_touch(&mod, &r60), ERR_HIERARCHY, "hierarchy before whitelist");
	ok(hier_not_held(&lead, PERM_BIT(PERM_VIEW_AUDIT_LOG),
			 PERM_BIT(PERM_VIEW_AUDIT_LOG) | PERM_BIT(PERM_MANAGE_ROLES)) == 0,
	   "H8 kept keys are not checked");
	ok(hier_not_held(&lead, PERM_BIT(PERM_VIEW_AUDIT_LOG), 0) == PERM_BIT(PERM_VIEW_AUDIT_LOG),
	   "H8 removing a key not held");
	ok(hier_not_held(&lead, 0, PERM_BIT(PERM_ADMINISTRATOR)) == PERM_BIT(PERM_ADMINISTRATOR),
	   "H8 administrator only from an administrator");
	ok(hier_role_locked(&lead, &r60) && !hier_role_locked(&lead, &r10), "H9 lead");
	ok(hier_role_locked(&mod, &r10) && !hier_role_locked(&mod, &r20), "H9 whitelist");
	ok(hier_role_may(&lead, &r10, PERM_MANAGE_ROLES), "canEdit");
	ok(!hier_role_may(&lead, &r10, PERM_ASSIGN_ROLES), "canAssign needs assign_roles");
	is_int(hier_user(&lead, 59), ERR_OK, "H11 below");
	is_int(hier_user(&lead, 60), ERR_HIERARCHY, "H11 peer");
	is_int(hier_user_role(&lead, "u0", 0, NULL, &r20), ERR_OK, "H10 assign below");
	is_int(hier_user_role(&lead, "u60b", 60, NULL, &r20), ERR_HIERARCHY, "H10 user at level");
	is_int(hier_user_role(&lead, "u0", 0, NULL, &r60), ERR_HIERARCHY, "H10 role at level");
	is_int(hier_user_role(&lead, "u60", 0, NULL, NULL), ERR_HIERARCHY, "H10 own role");
	is_int(hier_user_role(&mod, "u0", 0, NULL, &r10), ERR_NOT_ASSIGNABLE, "H10+H6 assign");
	is_int(hier_user_role(&mod, "u10", 10, &r10, NULL), ERR_NOT_ASSIGNABLE, "H10+H6 remove");
	is_int(hier_user_role(&mod, "u20", 20, &r20, NULL), ERR_OK, "H10 remove listed");
}

/* --- model on a real database ------------------------------------------------------------ */

struct fx {
	char dir[64];
	struct store *s;
	struct arena *a;
	struct ctx c;
};

static bool
fx_open(struct fx *f)
{
	int applied;

	snprintf(f->dir, sizeof(f->dir), "/tmp/roster-roles-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return false;
	f->a = arena_new();
	if (store_open(arena_printf(f->a, "sqlite:%s/r.db", f->dir), NULL, &f->s) != ERR_OK ||
	    store_migrate(f->s, &applied) != ERR_OK)
		return false;
	memset(&f->c, 0, sizeof(f->c));
	f->c.store = f->s;
	f->c.arena = f->a;
	f->c.now = clock_now_ms();
	f->c.actor.type = ACTOR_CLI;
	return store_begin(f->s, true) == ERR_OK && bootstrap_ensure(&f->c) == ERR_OK;
}

static void
fx_close(struct fx *f)
{
	char path[128];

	store_rollback(f->s);
	store_close(f->s);
	arena_free(f->a);
	snprintf(path, sizeof(path), "%s/r.db", f->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/r.db-wal", f->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/r.db-shm", f->dir);
	unlink(path);
	rmdir(f->dir);
}

/* Acts as a role-less operator at `level` holding `perms`, or as the holder of role_id. */
static void
act(struct fx *f, int level, uint64_t perms, const char *role_id, bool whitelist)
{
	f->c.actor.level = level;
	f->c.actor.perms = perms;
	f->c.actor.role_id = role_id;
	f->c.actor.enforce_whitelist = whitelist;
}

static enum err
mk_err(struct fx *f, const char *name, int level, const char **assignable, size_t n,
       const char **id)
{
	struct role_input in = { .name = name, .level = level, .assignable = assignable,
				 .n_assignable = n };
	struct role r;
	enum err err = role_create(&f->c, &in, &r);

	*id = err ? NULL : r.id;
	return err;
}

static const char *
mk(struct fx *f, const char *name, int level, const char **assignable, size_t n)
{
	const char *id;

	mk_err(f, name, level, assignable, n, &id);
	return id;
}

static int64_t
count(struct fx *f, const char *sql, const char *arg)
{
	const struct val args[] = { V_TEXT(arg) };
	struct rows rows;

	if (store_query(f->s, f->a, sql, args, arg ? 1 : 0, &rows) != ERR_OK)
		return -1;
	return rows_int(&rows, 0, 0);
}

static void
test_model_create_delete(void)
{
	struct fx f;
	struct role_set s;
	struct role gone;
	const char *owner_id, *a70, *b50, *c50, *d30, *uid;
	char id[ID_LEN + 1];

	if (!fx_open(&f)) {
		ok(0, "fixture database");
		return;
	}
	owner_role_id(&f.c, &owner_id);
	act(&f, 101, PERM_ALL, NULL, false);
	a70 = mk(&f, "Seventy", 70, NULL, 0);
	b50 = mk(&f, "FiftyB", 50, NULL, 0);
	c50 = mk(&f, "FiftyC", 50, NULL, 0);
	const char *list[] = { c50 };
	d30 = mk(&f, "Thirty", 30, NULL, 0);
	ok(a70 && b50 && c50 && d30, "roles created");
	const char *none;
	is_int(mk_err(&f, "thirty", 5, NULL, 0, &none), ERR_NAME_TAKEN, "X-6 name_taken, any case");
	role_list(&f.c, &s);
	is_int(s.n, 5, "five roles");
	ok(strcmp(s.v[0].id, owner_id) == 0 && strcmp(s.v[1].id, a70) == 0 &&
		   strcmp(s.v[2].id, b50) == 0 && strcmp(s.v[3].id, c50) == 0 &&
		   strcmp(s.v[4].id, d30) == 0,
	   "ordered by the insertion rule");
	for (size_t i = 0; i < s.n; i++)
		is_int(s.v[i].position, (int)i, "contiguous position");
	/* Seventy lists FiftyC; a user holds FiftyC; a community allows it. */
	struct role_input upd = { .assignable = list, .n_assignable = 1, .assignable_set = true };
	struct role r;
	is_int(role_update(&f.c, a70, &upd, &r), ERR_OK, "assignable list set");
	is_int(user_create(&f.c, "holder", "x", c50, false, id), ERR_OK, "holder");
	uid = arena_strdup(f.a, id);
	const struct val cargs[] = { V_TEXT(c50) };
	is_int(store_exec(f.s,
			  "INSERT INTO community_allowed_roles (community_id, role_id)"
			  " SELECT id, ? FROM communities WHERE is_default = 1",
			  cargs, 1, NULL),
	       ERR_OK, "community allows the role");
	int64_t audits = count(&f, "SELECT COUNT(*) FROM audit_log", NULL);
	is_int(role_delete(&f.c, c50, &gone), ERR_OK, "delete");
	is_int(gone.member_count, 1, "one user lost it");
	is_int(count(&f, "SELECT COUNT(*) FROM users WHERE id = ? AND role_id IS NULL", uid), 1,
	       "holder drops to level 0");
	is_int(count(&f, "SELECT COUNT(*) FROM community_allowed_roles WHERE role_id = ?", c50), 0,
	       "gone from allowedRoleIds");
	is_int(count(&f, "SELECT COUNT(*) FROM role_assignable WHERE assignable_id = ?", c50), 0,
	       "gone from assignable lists");
	is_int(count(&f, "SELECT COUNT(*) FROM audit_log", NULL), audits + 1, "one audit entry");
	role_list(&f.c, &s);
	is_int(s.n, 4, "four left");
	ok(s.v[3].position == 3 && strcmp(s.v[3].id, d30) == 0, "positions compacted");
	/* A lead at 60 without a role: creation limits. */
	act(&f, 60, PERM_ALL, NULL, false);
	is_int(mk_err(&f, "TooHigh", 60, NULL, 0, &none), ERR_HIERARCHY,
	       "H4 refuses level 60 for a level-60 actor");
	is_int(role_delete(&f.c, a70, &gone), ERR_HIERARCHY, "H5 delete above");
	fx_close(&f);
}

static void
test_model_reorder_prune(void)
{
	struct fx f;
	struct role_set s;
	struct role r;
	const char *owner_id, *p, *q, *v;

	if (!fx_open(&f)) {
		ok(0, "fixture database");
		return;
	}
	owner_role_id(&f.c, &owner_id);
	act(&f, 101, PERM_ALL, NULL, false);
	q = mk(&f, "Q", 31, NULL, 0);
	const char *plist[] = { q };
	p = mk(&f, "P", 51, plist, 1);
	const char *vlist[] = { p, q };
	v = mk(&f, "V", 55, vlist, 2);
	/* Lowering P below Q prunes P's entry; raising Q above V prunes V's entry for Q. */
	struct role_input lower = { .level = 25, .level_set = true };
	is_int(role_update(&f.c, p, &lower, &r), ERR_OK, "lower P");
	is_int(r.n_assignable, 0, "P no longer lists Q");
	struct role_input raise = { .level = 58, .level_set = true };
	is_int(role_update(&f.c, q, &raise, &r), ERR_OK, "raise Q");
	role_list(&f.c, &s);
	const struct role *vr = role_find(&s, v);
	ok(vr->n_assignable == 1 && strcmp(vr->assignable[0], p) == 0, "V keeps only P");
	/* Reorder as a level-60 actor: Owner locked; Q (58) and V (55) free. */
	act(&f, 60, PERM_ALL, NULL, false);
	const char *order[] = { owner_id, v, q, p };
	is_int(role_reorder(&f.c, order, 4, &s), ERR_OK, "swap V and Q");
	ok(strcmp(s.v[1].id, v) == 0 && s.v[1].position == 1, "new order stored");
	const char *bad[] = { v, owner_id, q, p };
	is_int(role_reorder(&f.c, bad, 4, &s), ERR_HIERARCHY, "Owner is locked");
	ok(f.c.fail.details != NULL && strstr(f.c.fail.details, owner_id) != NULL, "details.ids");
	const char *dup[] = { owner_id, v, v, p };
	is_int(role_reorder(&f.c, dup, 4, &s), ERR_INVALID_ORDER, "duplicates");
	const char *stale[] = { owner_id, v, q };
	is_int(role_reorder(&f.c, stale, 3, &s), ERR_STALE_ORDER, "missing one");
	/* Permission details. */
	const char *keys[] = { "manage_permissions", "nope" };
	uint64_t set;
	is_int(role_perms_parse(&f.c, keys, 2, &set), ERR_UNKNOWN_PERMISSIONS, "unknown key");
	is_str(f.c.fail.details, "{\"permissions\":[\"nope\"]}", "unknown details");
	is_int(role_perms_parse(&f.c, keys, 1, &set), ERR_MISSING_PREREQUISITES, "prerequisite");
	is_str(f.c.fail.details,
	       "{\"missing\":[{\"permission\":\"manage_permissions\","
	       "\"requires\":[\"manage_roles\"]}]}",
	       "missing details");
	fx_close(&f);
}

int
main(void)
{
	if (!secret_init())
		return 1;
	test_color();
	test_name_key();
	test_position();
	test_prereqs();
	test_hierarchy();
	test_model_create_delete();
	test_model_reorder_prune();
	return tap_done();
}
