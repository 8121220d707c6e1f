/*
 * test_accounts.c: the audit snapshot scrubber of erasure (values, never member names;
 * escapes; malformed text left alone), the removed-account lifecycle of model/accounts.c on a
 * migrated SQLite file (records, restore, erase, the retention purge, H11 on the retained
 * role), and migration 0003 moving the removal columns of existing users into records.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth/perm.h"
#include "auth/secret.h"
#include "core/arena.h"
#include "core/clock.h"
#include "core/embedded.h"
#include "core/strconv.h"
#include "model/accounts.h"
#include "model/scrub.h"
#include "model/users.h"
#include "store/store.h"
#include "tap.h"

/* --- scrub ------------------------------------------------------------------------------------ */

static const char *
scrubbed(struct arena *a, const char *json, const char *value, const char *key)
{
	const char *values[] = { value };
	const char *keys[] = { key };
	struct scrub s = { values, value ? 1 : 0, keys, key ? 1 : 0 };

	return scrub_json(a, json, &s);
}

static void
test_scrub(void)
{
	struct arena *a = arena_new();
	char deep[200];

	is_str(scrubbed(a, "{\"username\":\"river\",\"n\":1}", "river", NULL),
	       "{\"username\":\"[erased]\",\"n\":1}", "a value that equals is replaced");
	is_str(scrubbed(a, "{\"u\":\"River\"}", "rIVER", NULL), "{\"u\":\"[erased]\"}",
	       "ASCII case-insensitive");
	is_str(scrubbed(a, "{\"river\":\"x\",\"y\":{\"river\":1}}", "river", NULL), NULL,
	       "member names are never touched");
	is_str(scrubbed(a, "{\"u\":\"river2\",\"v\":\"a river\"}", "river", NULL), NULL,
	       "only whole values");
	is_str(scrubbed(a, "{\"e\":\"a\\\"b@c\"}", "a\"b@c", NULL), "{\"e\":\"[erased]\"}",
	       "escaped quote decoded before comparing");
	is_str(scrubbed(a, "{\"e\":\"\\u00e9lan\"}", "\xc3\xa9lan", NULL), "{\"e\":\"[erased]\"}",
	       "\\u escape");
	is_str(scrubbed(a, "{\"e\":\"\\ud83d\\ude00\"}", "\xf0\x9f\x98\x80", NULL),
	       "{\"e\":\"[erased]\"}", "surrogate pair");
	is_str(scrubbed(a, "{\"e\":\"x\\\"river\"}", "river", NULL), NULL,
	       "an escaped quote does not start a value");
	is_str(scrubbed(a, "{\"ids\":[\"river\",\"x\"],\"n\":[1,2]}", "river", NULL),
	       "{\"ids\":[\"[erased]\",\"x\"],\"n\":[1,2]}", "array items");
	is_str(scrubbed(a, "{\"reason\":\"why\",\"other\":\"why\",\"r\":{\"reason\":null}}", NULL,
			"reason"),
	       "{\"reason\":\"[erased]\",\"other\":\"why\",\"r\":{\"reason\":null}}",
	       "a named member's string value, at any depth; null stays");
	is_str(scrubbed(a, "{\"reason\":[\"a\",\"b\"]}", NULL, "reason"),
	       "{\"reason\":[\"[erased]\",\"[erased]\"]}", "items of a named array");
	is_str(scrubbed(a, "{ \"a\" : \"river\" , \"b\" : 2 }", "river", NULL),
	       "{ \"a\" : \"[erased]\" , \"b\" : 2 }", "whitespace kept");
	is_str(scrubbed(a, "{\"a\":\"\"}", NULL, "a"), "{\"a\":\"[erased]\"}",
	       "the shortest value grows fivefold");
	is_str(scrubbed(a, "{\"username\":\"river\"", "river", NULL), NULL, "unclosed object");
	is_str(scrubbed(a, "{\"username\":\"river}", "river", NULL), NULL, "unclosed string");
	is_str(scrubbed(a, "{\"u\":[\"river\"}]", "river", NULL), NULL, "crossed brackets");
	is_str(scrubbed(a, "{\"u\":\"\\ud83d\",\"v\":\"river\"}", "river", NULL), NULL,
	       "lone surrogate");
	is_str(scrubbed(a, "{\"u\":\"\\q\",\"v\":\"river\"}", "river", NULL), NULL, "bad escape");
	is_str(scrubbed(a, "{\"u\":\"a\nb\",\"v\":\"river\"}", "river", NULL), NULL,
	       "raw control character");
	memset(deep, '[', 70);
	snprintf(deep + 70, sizeof(deep) - 70, "\"river\"");
	memset(deep + 77, ']', 70);
	deep[147] = '\0';
	is_str(scrubbed(a, deep, "river", NULL), NULL, "deeper than 64 levels");
	is_str(scrubbed(a, NULL, "river", NULL), NULL, "no text");
	is_str(scrubbed(a, "{}", "river", NULL), NULL, "nothing to do");

	const char *vals[4];
	size_t n = 0;
	scrub_collect(a, "{\"before\":{\"username\":\"old\"},\"after\":{\"username\":\"new\"}}",
		      "username", vals, &n, 4);
	is_int(n, 2, "values of the member at any depth");
	ok(n == 2 && strcmp(vals[0], "old") == 0 && strcmp(vals[1], "new") == 0, "in order");
	scrub_collect(a, "{\"username\":\"OLD\",\"email\":\"e@x\"}", "username", vals, &n, 4);
	is_int(n, 2, "a value already held is skipped, whatever its case");
	scrub_collect(a, "{\"username\":\"a\",\"username2\":\"b\",\"x\":{\"username\":\"c\"}}",
		      "username", vals, &n, 3);
	is_int(n, 3, "stops at max");
	n = 0;
	scrub_collect(a, "{\"username\":\"a\",\"x\":", "username", vals, &n, 4);
	is_int(n, 0, "malformed text adds nothing");
	scrub_collect(a, "{\"username\":null,\"username\":7}", "username", vals, &n, 4);
	is_int(n, 0, "only strings");
	arena_free(a);
}

/* --- lifecycle on a real database ------------------------------------------------------------ */

struct fx {
	char dir[64];
	struct store *s;
	struct arena *a;
	struct ctx c;
};

static bool
fx_open(struct fx *f)
{
	snprintf(f->dir, sizeof(f->dir), "/tmp/roster-accounts-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return false;
	f->a = arena_new();
	memset(&f->c, 0, sizeof(f->c));
	f->c.arena = f->a;
	f->c.now = clock_now_ms();
	f->c.actor.type = ACTOR_CLI;
	if (store_open(arena_printf(f->a, "sqlite:%s/a.db", f->dir), NULL, &f->s) != ERR_OK)
		return false;
	f->c.store = f->s;
	return true;
}

static bool
fx_migrate(struct fx *f)
{
	int applied;

	return store_migrate(f->s, &applied) == ERR_OK && store_begin(f->s, true) == ERR_OK &&
	       bootstrap_ensure(&f->c) == ERR_OK;
}

static void
fx_close(struct fx *f)
{
	const char *suffix[] = { "", "-wal", "-shm" };
	char path[128];

	store_rollback(f->s);
	store_close(f->s);
	arena_free(f->a);
	for (size_t i = 0; i < nitems(suffix); i++) {
		snprintf(path, sizeof(path), "%s/a.db%s", f->dir, suffix[i]);
		unlink(path);
	}
	rmdir(f->dir);
}

static int64_t
count(struct fx *f, const char *sql)
{
	struct rows r;

	if (store_query(f->s, f->a, sql, NULL, 0, &r) != ERR_OK || r.n != 1)
		return -1;
	return rows_int(&r, 0, 0);
}

static const char *
text(struct fx *f, const char *sql, const char *id)
{
	const struct val args[] = { V_TEXT(id) };
	struct rows r;

	if (store_query(f->s, f->a, sql, args, 1, &r) != ERR_OK || r.n != 1)
		return "(none)";
	return rows_text(&r, 0, 0);
}

static const char *
mk_user(struct fx *f, const char *name)
{
	char *id = arena_alloc(f->a, ID_LEN + 1);

	return user_create(&f->c, name, "hash", NULL, false, id) == ERR_OK ? id : NULL;
}

static void
test_lifecycle(void)
{
	struct fx f;
	struct removed_account ra, *v;
	struct account_erasure e;
	size_t n;
	int64_t total, purged;

	if (!fx_open(&f) || !fx_migrate(&f)) {
		ok(0, "fixture");
		return;
	}
	const char *u = mk_user(&f, "river");
	const char *w = mk_user(&f, "maple");
	ok(u != NULL && w != NULL, "two accounts");
	is_int(account_soft_delete(&f.c, u, "Duplicate", &ra), ERR_OK, "soft delete");
	is_str(ra.status, "soft_deleted", "open record");
	is_str(ra.reason, "Duplicate", "reason kept");
	is_int(ra.retention_expires_at - ra.deleted_at, ACCOUNT_RETENTION_MS, "30 days");
	ok(ra.deleted_by == NULL, "the CLI deletes as nobody");
	const char *first = ra.deletion_id;
	is_int(account_soft_delete(&f.c, u, NULL, &ra), ERR_USER_NOT_FOUND, "not twice");
	is_int(account_erase(&f.c, w, "maple", NULL, &e), ERR_ACCOUNT_NOT_REMOVED, "erase active");
	is_int(account_restore(&f.c, w, NULL, &ra), ERR_ACCOUNT_NOT_REMOVED, "restore active");
	is_int(account_restore(&f.c, "ffffffffffffffffffffffff", NULL, &ra), ERR_ACCOUNT_NOT_FOUND,
	       "unknown");

	/* H11 on the retained level: a level-0 user acts on nothing; level 10 on level 0. */
	f.c.actor.type = ACTOR_USER;
	f.c.actor.level = 0;
	is_int(account_restore(&f.c, u, NULL, &ra), ERR_HIERARCHY, "peer at level 0");
	f.c.actor.level = 10;
	is_int(account_restore(&f.c, u, "Back", &ra), ERR_OK, "restore");
	f.c.actor.type = ACTOR_CLI;
	is_str(ra.status, "restored", "record restored");
	is_str(ra.restore_reason, "Back", "restore reason");
	is_str(text(&f, "SELECT status FROM users WHERE id = ?", u), "active", "account active");
	is_int(account_restore(&f.c, u, NULL, &ra), ERR_ACCOUNT_NOT_REMOVED, "restore twice");

	f.c.now += 1000;
	is_int(account_soft_delete(&f.c, u, "Again", &ra), ERR_OK, "deleted again");
	ok(strcmp(ra.deletion_id, first) != 0, "a second record");
	struct account_filter all = { .page = 1, .page_size = 20 };
	is_int(account_list(&f.c, &all, &v, &n, &total), ERR_OK, "list");
	is_int(total, 2, "both records listed");
	ok(n == 2 && strcmp(v[0].status, "soft_deleted") == 0 &&
		   strcmp(v[1].deletion_id, first) == 0 && strcmp(v[1].reason, "Duplicate") == 0,
	   "newest first; the first record unchanged");
	struct account_filter why = { .search = "AGAIN", .page = 1, .page_size = 20 };
	is_int(account_list(&f.c, &why, &v, &n, &total), ERR_OK, "search");
	is_int(total, 1, "by reason, any case");

	f.c.now = ra.retention_expires_at;
	is_int(account_restore(&f.c, u, NULL, &ra), ERR_RETENTION_EXPIRED, "window closed");
	is_int(account_erase(&f.c, u, "River", NULL, &e), ERR_CONFIRMATION_REQUIRED,
	       "case matters");
	is_int(account_erase(&f.c, u, "river", "asked", &e), ERR_OK, "erase");
	is_str(e.deletion_id, ra.deletion_id, "the open record");
	ok(e.erased_by == NULL, "the CLI erases as nobody");
	is_int(account_erase(&f.c, u, "river", NULL, &e), ERR_ACCOUNT_NOT_FOUND, "erase twice");
	ok(text(&f, "SELECT username FROM users WHERE id = ?", u) == NULL, "tombstone");
	is_int(count(&f, "SELECT COUNT(*) FROM account_deletions WHERE status = 'erased'"
			 " AND reason IS NULL AND restore_reason IS NULL"),
	       2, "both records erased and without reasons");
	is_int(account_list(&f.c, &all, &v, &n, &total), ERR_OK, "list after");
	is_int(total, 0, "erased accounts are never listed");

	/* The retention job: only records past their window, as actor system. */
	is_int(account_soft_delete(&f.c, w, NULL, &ra), ERR_OK, "delete maple");
	f.c.actor.type = ACTOR_SYSTEM;
	f.c.now = ra.retention_expires_at - 1;
	is_int(account_purge_expired(&f.c, &purged), ERR_OK, "purge before the window ends");
	is_int(purged, 0, "nothing due");
	f.c.now = ra.retention_expires_at;
	is_int(account_purge_expired(&f.c, &purged), ERR_OK, "purge");
	is_int(purged, 1, "maple erased");
	is_str(text(&f, "SELECT status FROM users WHERE id = ?", w), "erased", "tombstone");
	is_int(count(&f, "SELECT COUNT(*) FROM audit_log WHERE action = 'account.erase'"
			 " AND actor_type = 'system' AND after_json LIKE '%retention_expired%'"),
	       1, "reason retention_expired");
	is_int(account_purge_expired(&f.c, &purged), ERR_OK, "purge again");
	is_int(purged, 0, "idempotent");
	fx_close(&f);
}

/* --- migration 0003 on a database that already removed accounts ---------------------------- */

static const char SQL_VERSION[] = "INSERT INTO schema_migrations VALUES (?, ?, ?)";
/* A removed account and an active one, as 0001 stored them. */
static const char SQL_LEGACY[] =
	"INSERT INTO users (id, username, username_key, status, created_at, updated_at,"
	" deleted_at, deleted_by, delete_reason, retention_expires_at)"
	" VALUES ('65f0a1b2c3d4e5f6aa000019', 'Maple', 'maple', 'soft_deleted', 1, 1,"
	" 1710057600000, NULL, 'Old', 1712649600000);"
	"INSERT INTO users (id, username, username_key, status, created_at, updated_at)"
	" VALUES ('65f0a1b2c3d4e5f6aa000020', 'Oak', 'oak', 'active', 1, 1)";

static void
test_migration(void)
{
	static const char create[] = "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
				     " name TEXT NOT NULL, applied_at BIGINT NOT NULL)";
	struct fx f;
	int applied;

	if (!fx_open(&f)) {
		ok(0, "fixture");
		return;
	}
	bool good = store_begin(f.s, true) == ERR_OK &&
		    store_exec(f.s, create, NULL, 0, NULL) == ERR_OK;
	for (const struct embedded_file *m = embedded_migrations; good && m->name != NULL; m++) {
		if (strncmp(m->name, "0003", 4) == 0)
			break;
		int64_t version = 0;
		str_to_i64(m->name, strspn(m->name, "0123456789"), 1, 9999, &version);
		const struct val args[] = { V_INT(version), V_TEXT(m->name), V_INT(1) };
		good = store_exec_script(f.s, (const char *)m->data) == ERR_OK &&
		       store_exec(f.s, SQL_VERSION, args, 3, NULL) == ERR_OK;
	}
	good = good && store_exec_script(f.s, SQL_LEGACY) == ERR_OK && store_commit(f.s) == ERR_OK;
	ok(good, "a database at version 2 with a removed account");
	is_int(store_migrate(f.s, &applied), ERR_OK, "migrate");
	is_int(count(&f, "SELECT COUNT(*) FROM account_deletions"), 1, "one record");
	is_int(count(&f, "SELECT COUNT(*) FROM account_deletions WHERE user_id ="
			 " '65f0a1b2c3d4e5f6aa000019' AND status = 'soft_deleted'"
			 " AND reason = 'Old'"
			 " AND deleted_at = 1710057600000 AND retention_expires_at = 1712649600000"
			 " AND length(id) = 24 AND substr(id, 1, 8) = '65ed6880'"),
	       1, "its fields, and an id of the usual shape");
	is_int(count(&f, "SELECT COUNT(*) FROM pragma_table_info('users') WHERE name IN ("
			 "'deleted_at', 'deleted_by', 'delete_reason', 'retention_expires_at',"
			 " 'restored_at', 'restored_by')"),
	       0, "the old columns are gone");
	is_int(count(&f, "SELECT COUNT(*) FROM pragma_table_info('users') WHERE name IN ("
			 "'erased_at', 'erased_by')"),
	       2, "tombstone columns added");
	fx_close(&f);
}

int
main(void)
{
	if (!secret_init())
		return 1;
	test_scrub();
	test_lifecycle();
	test_migration();
	return tap_done();
}
