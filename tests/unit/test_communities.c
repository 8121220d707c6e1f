/*
 * test_communities.c: the pure community rules (iconUrl, the A12 search term, who may
 * moderate) and the community operations of model/communities.c on a migrated SQLite file:
 * the default flag, the allow-list lock rule with its exceptions, self-lockout, and A11's
 * refusal while the workspace holds an unrevoked game key (a row only a later API can make,
 * so it is written here directly).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/perm.h"
#include "auth/secret.h"
#include "core/arena.h"
#include "core/clock.h"
#include "model/communities.h"
#include "model/roles.h"
#include "model/users.h"
#include "store/store.h"
#include "tap.h"

static bool
icon_ok(const char *url)
{
	const char *reason = NULL;
	bool good = community_icon_is_valid(url, &reason);

	if (!good && reason == NULL)
		return true; /* a refusal must say why: fail the check below */
	return good;
}

static void
test_icon(void)
{
	static const char *const good[] = {
		"https://example.com/a.png", "http://example.com", "HTTPS://EXAMPLE.COM/A.PNG",
		"https://127.0.0.1:8080/i.png", "https://[::1]/i.png", "https://u:p@example.com/i",
		"https://example.com/a%20b.png?x=1&y=2#top", "https://example.com/~x/(1)!$'*+,;=@:",
	};
	static const char *const bad[] = {
		"", "ftp://example.com/a.png", "javascript:alert(1)", "data:image/png;base64,AA",
		"//example.com/a.png", "/a.png", "https://", "https:///a.png", "https://:443/a",
		"https://user@/a", "https://exa mple.com", "https://example.com/a\tb",
		"https://example.com/\xc3\xa4", "https://example.com/\"", "https://example.com/<b>",
		"https://example.com/a\\b", "https://example.com/%zz", "https://example.com/%4",
		"https://example.com/{x}", "https://example.com/`", "http:/example.com",
	};
	char long_url[COMMUNITY_ICON_MAX + 2];
	const char *reason;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(community_icon_is_valid(good[i], &reason), "valid: %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(!icon_ok(bad[i]), "invalid with a reason: %s", bad[i]);
	memcpy(long_url, "https://e.com/", 14);
	memset(long_url + 14, 'a', COMMUNITY_ICON_MAX - 14);
	long_url[COMMUNITY_ICON_MAX] = '\0';
	ok(community_icon_is_valid(long_url, &reason), "2048 characters");
	long_url[COMMUNITY_ICON_MAX] = 'a';
	long_url[COMMUNITY_ICON_MAX + 1] = '\0';
	ok(!community_icon_is_valid(long_url, &reason), "2049 characters");
	is_str(reason, "is too long", "its reason");
}

static void
test_search_term(void)
{
	struct arena *a = arena_new();
	char q[512];
	const char *t = NULL;

	ok(community_search_term(a, "  river\t", &t) && strcmp(t, "river") == 0, "ASCII trim");
	ok(community_search_term(a, "\xe3\x80\x80mi d\xc2\xa0", &t) && strcmp(t, "mi d") == 0,
	   "Unicode white space trims; inner space stays");
	ok(!community_search_term(a, "", &t), "empty");
	ok(!community_search_term(a, " \t\n ", &t), "only white space");
	memset(q, 'a', 100);
	q[100] = '\0';
	ok(community_search_term(a, q, &t) && strlen(t) == 100, "100 code points");
	q[100] = 'a';
	q[101] = '\0';
	ok(!community_search_term(a, q, &t), "101 code points");
	memset(q, ' ', 50);
	memset(q + 50, 'b', 100);
	memset(q + 150, ' ', 50);
	q[200] = '\0';
	ok(community_search_term(a, q, &t) && strlen(t) == 100, "padding does not count");
	for (int i = 0; i < 101; i++)
		memcpy(q + 2 * i, "\xc3\xa9", 2);
	q[202] = '\0';
	ok(!community_search_term(a, q, &t), "101 two-byte code points");
	q[200] = '\0';
	ok(community_search_term(a, q, &t), "100 two-byte code points");
	ok(!community_search_term(a, "a\xff", &t), "invalid UTF-8");
	arena_free(a);
}

static void
test_may_moderate(void)
{
	struct community_entry roles[] = { { "aaaaaaaaaaaaaaaaaaaaaaaa", 40 } };
	struct community_entry users[] = { { "bbbbbbbbbbbbbbbbbbbbbbbb", 10 } };
	struct community cm = { .roles = roles, .n_roles = 1, .users = users, .n_users = 1 };
	struct community empty = { 0 };
	struct actor a;

	memset(&a, 0, sizeof(a));
	ok(!community_may_moderate(&a, &cm), "nobody");
	a.perms = PERM_ALL;
	ok(community_may_moderate(&a, &empty), "administrator: even empty lists");
	a.perms = PERM_ALL & ~PERM_BIT(PERM_ADMINISTRATOR);
	ok(!community_may_moderate(&a, &empty), "X-12: every other permission is not enough");
	a.role_id = "aaaaaaaaaaaaaaaaaaaaaaaa";
	ok(community_may_moderate(&a, &cm), "role listed");
	a.role_id = "cccccccccccccccccccccccc";
	ok(!community_may_moderate(&a, &cm), "another role");
	memcpy(a.user_id, "bbbbbbbbbbbbbbbbbbbbbbbb", ID_LEN + 1);
	ok(community_may_moderate(&a, &cm), "user listed");
}

/* --- model on a migrated SQLite file ------------------------------------------------------- */

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

	snprintf(f->dir, sizeof(f->dir), "/tmp/roster-comm-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return false;
	f->a = arena_new();
	if (store_open(arena_printf(f->a, "sqlite:%s/c.db", f->dir), NULL, &f->s) != ERR_OK ||
	    store_migrate(f->s, &applied) != ERR_OK)
		return false;
	memset(&f->c, 0, sizeof(f->c));
	f->c.store = f->s;
	f->c.arena = f->a;
	f->c.now = clock_now_ms();
	f->c.actor.type = ACTOR_CLI;
	f->c.actor.level = 101;
	f->c.actor.perms = PERM_ALL;
	return store_begin(f->s, true) == ERR_OK && bootstrap_ensure(&f->c) == ERR_OK;
}

static void
fx_close(struct fx *f)
{
	static const char *const files[] = { "c.db", "c.db-wal", "c.db-shm" };
	char path[128];

	store_rollback(f->s);
	store_close(f->s);
	arena_free(f->a);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, files[i]);
		unlink(path);
	}
	rmdir(f->dir);
}

/* Acts as user_id holding role_id at level with perms (a real role, for the lock rule). */
static void
act(struct fx *f, const char *user_id, const char *role_id, int level, uint64_t perms)
{
	snprintf(f->c.actor.user_id, sizeof(f->c.actor.user_id), "%s", user_id ? user_id : "");
	f->c.actor.type = user_id ? ACTOR_USER : ACTOR_CLI;
	f->c.actor.role_id = role_id;
	f->c.actor.level = level;
	f->c.actor.perms = perms;
}

static const char *
mk_role(struct fx *f, const char *name, int level)
{
	struct role_input in = { .name = name, .level = level };
	struct role r;

	return role_create(&f->c, &in, &r) == ERR_OK ? r.id : NULL;
}

static const char *
mk_user(struct fx *f, const char *name, const char *role_id)
{
	char *id = arena_alloc(f->a, ID_LEN + 1);

	return user_create(&f->c, name, "x", role_id, false, id) == ERR_OK ? id : NULL;
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
test_model_lock(struct fx *f, const char *lead_role, const char *admin_role, const char *lead,
		const char *admin)
{
	const char *roles_own[] = { lead_role }, *roles_high[] = { lead_role, admin_role };
	const char *users_admin[] = { lead, admin }, *users_self[] = { lead };
	struct community_input in = { .name = "Lead's", .role_ids = roles_high, .n_role_ids = 2,
				      .roles_set = true };
	struct community cm;

	act(f, lead, lead_role, 60, PERM_BIT(PERM_MANAGE_COMMUNITIES));
	is_int(community_create(&f->c, &in, &cm), ERR_HIERARCHY, "H12: a role above is locked");
	is_str(f->c.fail.details, arena_printf(f->a, "{\"ids\":[\"%s\"]}", admin_role),
	       "details.ids");
	in.n_role_ids = 0;
	is_int(community_create(&f->c, &in, &cm), ERR_SELF_LOCKOUT, "no own entry");
	in.role_ids = roles_own;
	in.n_role_ids = 1;
	is_int(community_create(&f->c, &in, &cm), ERR_OK, "own role may be added");
	ok(cm.n_roles == 1 && strcmp(cm.roles[0].id, lead_role) == 0, "stored");
	struct community_input up = { .name = "Lead's", .user_ids = users_admin, .n_user_ids = 2,
				      .users_set = true };
	is_int(community_update(&f->c, cm.id, &up, &cm), ERR_HIERARCHY, "a user above is locked");
	up.user_ids = users_self;
	up.n_user_ids = 1;
	is_int(community_update(&f->c, cm.id, &up, &cm), ERR_OK, "own user id may be added");
	struct community_input drop = { .name = "Lead's", .roles_set = true };
	is_int(community_update(&f->c, cm.id, &drop, &cm), ERR_HIERARCHY,
	       "own role id may not be removed");
	drop.roles_set = false;
	drop.users_set = true;
	is_int(community_update(&f->c, cm.id, &drop, &cm), ERR_OK, "own user id may be removed");
	/* Removing the role as an administrator leaves the Lead outside: it cannot see it. */
	act(f, admin, admin_role, 80, PERM_ALL);
	struct community_input clear = { .name = "Lead's", .roles_set = true };
	is_int(community_update(&f->c, cm.id, &clear, &cm), ERR_OK, "administrator clears");
	act(f, lead, lead_role, 60, PERM_BIT(PERM_MANAGE_COMMUNITIES));
	is_int(community_get(&f->c, cm.id, &cm), ERR_COMMUNITY_NOT_FOUND, "not moderatable = 404");
}

static void
test_model_default_delete(struct fx *f)
{
	struct community_input in = { .name = "Second", .is_default = true, .default_set = true };
	struct community cm, main_cm;
	struct community *all;
	size_t n;

	act(f, NULL, NULL, 101, PERM_ALL);
	is_int(community_list(&f->c, &all, &n), ERR_OK, "list");
	ok(n >= 1 && all[0].is_default, "the default comes first");
	main_cm = all[0];
	is_int(community_create(&f->c, &in, &cm), ERR_OK, "create as the new default");
	is_int(count(f, "SELECT COUNT(*) FROM communities WHERE is_default = 1", NULL), 1,
	       "exactly one default");
	is_int(community_delete(&f->c, cm.id, &cm), ERR_DEFAULT_UNDELETABLE, "default stays");
	struct community_input back = { .name = main_cm.name, .is_default = true,
					.default_set = true };
	is_int(community_update(&f->c, main_cm.id, &back, &main_cm), ERR_OK, "flag moves back");
	struct community_input off = { .name = main_cm.name, .default_set = true };
	is_int(community_update(&f->c, main_cm.id, &off, &main_cm), ERR_DEFAULT_REQUIRED,
	       "isDefault false on the default");
	/* A11: an unrevoked loader key blocks the delete; once revoked, the cascade takes it. */
	const struct val k[] = { V_TEXT("aaaaaaaaaaaaaaaaaaaaaaaa"), V_TEXT(cm.id),
				 V_INT(f->c.now) };
	is_int(store_exec(f->s,
			  "INSERT INTO loader_keys (id, workspace_id, name, secret_hash, prefix,"
			  " created_at) VALUES (?, ?, 'Game', 'h', 'p', ?)",
			  k, 3, NULL),
	       ERR_OK, "fixture loader key");
	is_int(community_delete(&f->c, cm.id, &cm), ERR_COMMUNITY_IN_USE, "in use");
	is_str(f->c.fail.details, "{\"loaderKeys\":1,\"rankingKeys\":0}", "details");
	is_int(store_exec(f->s, "UPDATE loader_keys SET revoked_at = 1", NULL, 0, NULL), ERR_OK,
	       "revoke it");
	is_int(community_delete(&f->c, cm.id, &cm), ERR_OK, "deleted");
	is_int(count(f, "SELECT COUNT(*) FROM loader_keys WHERE workspace_id = ?", cm.id), 0,
	       "revoked key went with the workspace");
	is_int(count(f, "SELECT COUNT(*) FROM communities WHERE id = ?", cm.id), 0, "row gone");
	is_int(community_delete(&f->c, cm.id, &cm), ERR_COMMUNITY_NOT_FOUND, "twice");
}

static void
test_model(void)
{
	struct fx f = { 0 };
	const char *lead_role, *admin_role, *lead, *admin;

	if (!fx_open(&f)) {
		ok(0, "fixture database");
		return;
	}
	lead_role = mk_role(&f, "Lead", 60);
	admin_role = mk_role(&f, "Admin", 80);
	lead = mk_user(&f, "lead", lead_role);
	admin = mk_user(&f, "admin", admin_role);
	ok(lead_role && admin_role && lead && admin, "fixture roles and users");
	if (lead_role && admin_role && lead && admin)
		test_model_lock(&f, lead_role, admin_role, lead, admin);
	test_model_default_delete(&f);
	fx_close(&f);
}

int
main(void)
{
	if (!secret_init())
		return 1;
	test_icon();
	test_search_term();
	test_may_moderate();
	test_model();
	return tap_done();
}
