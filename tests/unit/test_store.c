/*
 * test_store.c: the store interface on its SQLite backend, against real files in a fresh
 * directory under /tmp: opening, migrations (from zero, rerun, failure, two processes at
 * once), binding and rows, error mapping, transactions, the statement cache, lock waits,
 * backup and the connection pool.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/embedded.h"
#include "store/store.h"
#include "tap.h"

#define SQL_ROLE_INSERT                                                                        \
	"INSERT INTO roles (id, name, name_key, level, color, position, created_at, updated_at)" \
	" VALUES (?, ?, ?, ?, ?, ?, ?, ?)"

static const struct store_opts test_opts = { .sync_full = true, .busy_timeout_ms = 100 };

static int64_t
count(struct store *s, struct arena *a, const char *sql)
{
	struct rows rows;

	if (store_query(s, a, sql, NULL, 0, &rows) != ERR_OK || rows.n != 1)
		return -1;
	return rows_int(&rows, 0, 0);
}

static const char *
first_text(struct store *s, struct arena *a, const char *sql)
{
	struct rows rows;

	if (store_query(s, a, sql, NULL, 0, &rows) != ERR_OK || rows.n != 1)
		return NULL;
	return rows_text(&rows, 0, 0);
}

static enum err
insert_role(struct store *s, const char *id, const char *name_key, int64_t level)
{
	const struct val args[] = { V_TEXT(id), V_TEXT(name_key), V_TEXT(name_key), V_INT(level),
				    V_NULL,	V_INT(1),	  V_INT(1000),	    V_INT(2000) };

	return store_exec(s, SQL_ROLE_INSERT, args, 8, NULL);
}

static int
n_embedded(void)
{
	int n = 0;

	for (const struct embedded_file *f = embedded_migrations; f->name != NULL; f++)
		n++;
	return n;
}

static void
test_open_errors(struct arena *a, const char *dir)
{
	char sentinel;
	struct store *s = (struct store *)(void *)&sentinel;
	FILE *f;
	char *junk;

	is_int(store_open("postgres://db/roster", NULL, &s), ERR_STORE, "postgres:// is refused");
	ok(s == NULL, "refused open leaves no store");
	is_int(store_open("postgresql://db/roster", NULL, &s), ERR_STORE,
	       "postgresql:// is refused");
	is_int(store_open("sqlite:", NULL, &s), ERR_STORE, "empty sqlite path is refused");
	is_int(store_open("", NULL, &s), ERR_STORE, "empty URL is refused");
	is_int(store_open("mysql://db/roster", NULL, &s), ERR_STORE, "unknown scheme is refused");
	is_int(store_open(arena_printf(a, "sqlite:%s/missing/x.db", dir), NULL, &s), ERR_STORE,
	       "a path in a missing directory is ERR_STORE");

	junk = arena_printf(a, "%s/junk.db", dir);
	f = fopen(junk, "w");
	for (int i = 0; f != NULL && i < 512; i++)
		fputs("not a database ", f);
	if (f != NULL)
		fclose(f);
	is_int(store_open(junk, NULL, &s), ERR_STORE, "a file that is not a database is ERR_STORE");
	ok(s == NULL, "and leaves no store");
}

static void
test_migrate(struct arena *a, struct store *s)
{
	static const char *const tables[] = { "meta",	  "roles",	 "role_permissions",
					      "users",	  "login_sessions", "api_keys",
					      "audit_log", "communities",    "job_leases",
					      "schema_migrations" };
	struct rows rows;
	int applied = -1;

	is_int(store_dialect(s), STORE_SQLITE, "dialect is SQLite");
	is_int(store_schema_version(s), 0, "empty database is at version 0");
	ok(store_schema_latest() >= 1, "binary carries at least migration 1");
	is_int(count(s, a, "SELECT count(*) FROM sqlite_master"
			   " WHERE name = 'schema_migrations'"),
	       0, "reading the version created nothing");

	is_int(store_migrate(s, &applied), ERR_OK, "migrate from zero");
	is_int(applied, n_embedded(), "every embedded migration applied");
	is_int(store_schema_version(s), store_schema_latest(), "version is the latest");
	ok(store_query(s, a, "SELECT name, applied_at FROM schema_migrations WHERE version = 1",
		       NULL, 0, &rows) == ERR_OK &&
		   rows.n == 1,
	   "version 1 is recorded");
	is_str(rows.n == 1 ? rows_text(&rows, 0, 0) : NULL, "0001_base.sql", "under its file name");
	ok(rows.n == 1 && rows_int(&rows, 0, 1) > 1000000000000LL, "with an epoch-ms time");
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		const struct val args[] = { V_TEXT(tables[i]) };

		ok(store_query(s, a, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
				     " AND name = ?",
			       args, 1, &rows) == ERR_OK &&
			   rows_int(&rows, 0, 0) == 1,
		   "table '%s' exists", tables[i]);
	}

	applied = -1;
	is_int(store_migrate(s, &applied), ERR_OK, "migrate again");
	is_int(applied, 0, "rerun applies nothing");
	is_int(store_schema_version(s), store_schema_latest(), "version unchanged");
	is_int(count(s, a, "SELECT count(*) FROM schema_migrations"), n_embedded(),
	       "no duplicate version rows");
	ok(!store_in_tx(s), "no transaction left open");

	is_str(first_text(s, a, "PRAGMA journal_mode"), "wal", "journal_mode is WAL");
	is_int(count(s, a, "PRAGMA foreign_keys"), 1, "foreign keys are on");
	is_int(count(s, a, "PRAGMA synchronous"), 2, "synchronous is FULL");
	is_int(count(s, a, "PRAGMA busy_timeout"), 100, "busy timeout from the options");
	is_int(count(s, a, "PRAGMA journal_size_limit"), 67108864, "journal size limit is 64 MiB");
}

static void
test_defaults(struct arena *a, const char *dir)
{
	struct store_opts normal = { .sync_full = false, .busy_timeout_ms = 0 };
	struct store *s;

	ok(store_open(arena_printf(a, "sqlite:%s/defaults.db", dir), NULL, &s) == ERR_OK,
	   "open with default options");
	is_int(count(s, a, "PRAGMA busy_timeout"), 2000, "default busy timeout is 2000 ms");
	is_int(count(s, a, "PRAGMA synchronous"), 2, "default synchronous is FULL");
	store_close(s);
	ok(store_open(arena_printf(a, "sqlite://%s/defaults.db", dir), &normal, &s) == ERR_OK,
	   "open the same file by sqlite:// URL");
	is_int(count(s, a, "PRAGMA synchronous"), 1, "synchronous NORMAL when asked");
	is_int(count(s, a, "PRAGMA busy_timeout"), 2000, "busy timeout 0 means the default");
	store_close(s);
}

static void *
migrate_thread(void *arg)
{
	const char *url = arg;
	struct store *s;
	int applied = -1;

	if (store_open(url, NULL, &s) != ERR_OK)
		return (void *)(intptr_t)-1;
	if (store_migrate(s, &applied) != ERR_OK)
		applied = -1;
	store_close(s);
	return (void *)(intptr_t)applied;
}

static void
test_migrate_race(struct arena *a, const char *dir)
{
	char *url = arena_printf(a, "sqlite:%s/race.db", dir);
	pthread_t t[2];
	void *res[2] = { 0, 0 };
	struct store *s;

	/* Two connections stand in for two nodes starting at once. */
	for (int i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, migrate_thread, url);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], &res[i]);
	ok((intptr_t)res[0] >= 0 && (intptr_t)res[1] >= 0, "both racing migrations succeed");
	is_int((intptr_t)res[0] + (intptr_t)res[1], n_embedded(), "each migration ran once");
	if (store_open(url, NULL, &s) == ERR_OK) {
		is_int(store_schema_version(s), store_schema_latest(), "race ends at the latest");
		is_int(count(s, a, "SELECT count(*) FROM schema_migrations"), n_embedded(),
		       "one row per version");
		store_close(s);
	}
}

static void
test_migrate_failure(struct arena *a, const char *dir)
{
	struct store *s;
	int applied = -1;

	if (store_open(arena_printf(a, "sqlite:%s/fail.db", dir), &test_opts, &s) != ERR_OK) {
		ok(0, "open fail.db");
		return;
	}
	/* A table in the way makes 0001's CREATE TABLE meta fail halfway through the script. */
	is_int(store_exec(s, "CREATE TABLE meta (x INTEGER)", NULL, 0, NULL), ERR_OK,
	       "a table in the way");
	ok(store_migrate(s, &applied) != ERR_OK, "migration over it fails");
	is_int(applied, 0, "nothing counted as applied");
	is_int(store_schema_version(s), 0, "version stays 0");
	is_int(count(s, a, "SELECT count(*) FROM sqlite_master WHERE name IN"
			   " ('roles', 'users', 'schema_migrations')"),
	       0, "the failed step left no table behind");
	is_int(count(s, a, "SELECT count(*) FROM pragma_table_info('meta') WHERE name = 'x'"), 1,
	       "the table in the way is untouched");
	ok(!store_in_tx(s), "no transaction left open");
	store_close(s);
}

static void
test_query(struct arena *a, struct store *s)
{
	const char *absent = NULL; /* a literal NULL in V_TEXT trips gcc's -Wnonnull */
	const struct val echo[] = { V_TEXT("h\xc3\xa9llo 'x' --"), V_INT(INT64_MIN), V_NULL,
				    V_TEXTN("a\0b", 3), V_TEXT(absent), V_INT(INT64_MAX) };
	const struct val by_id[] = { V_TEXT("r1") };
	struct rows rows;
	int64_t changes = -1;

	ok(store_query(s, a, "SELECT ?, ?, ?, ?, ?, ?", echo, 6, &rows) == ERR_OK, "echo query");
	is_int(rows.n, 1, "one row");
	is_int(rows.ncol, 6, "six columns");
	is_str(rows_text(&rows, 0, 0), "h\xc3\xa9llo 'x' --", "text bound and returned verbatim");
	is_int(rows_at(&rows, 0, 0)->len, 13, "text length in bytes");
	is_int(rows_int(&rows, 0, 1), INT64_MIN, "INT64_MIN round trip");
	ok(rows_null(&rows, 0, 2), "V_NULL is NULL");
	ok(rows_at(&rows, 0, 3)->t == VT_TEXT && rows_at(&rows, 0, 3)->len == 3 &&
		   memcmp(rows_at(&rows, 0, 3)->s, "a\0b", 4) == 0,
	   "V_TEXTN keeps an inner NUL and the copy is NUL-terminated");
	ok(rows_null(&rows, 0, 4), "V_TEXT(NULL) binds NULL");
	is_int(rows_int(&rows, 0, 5), INT64_MAX, "INT64_MAX round trip");

	ok(store_query(s, a, "SELECT 2.0, 1.5, 0.1, -3.0e0", NULL, 0, &rows) == ERR_OK,
	   "REAL columns");
	ok(rows_at(&rows, 0, 0)->t == VT_INT && rows_int(&rows, 0, 0) == 2, "2.0 comes back as 2");
	is_str(rows_text(&rows, 0, 1), "1.5", "1.5 comes back as text");
	is_str(rows_text(&rows, 0, 2), "0.10000000000000001", "0.1 in %.17g");
	is_int(rows_int(&rows, 0, 3), -3, "-3.0 comes back as -3");

	is_int(insert_role(s, "r1", "alpha", 10), ERR_OK, "insert a role");
	is_int(insert_role(s, "r2", "beta", 20), ERR_OK, "insert a second role");
	is_int(insert_role(s, "r3", "gamma", 30), ERR_OK, "insert a third role");
	ok(store_query(s, a, "SELECT name, level, color, created_at FROM roles WHERE id = ?", by_id,
		       1, &rows) == ERR_OK,
	   "select by id");
	is_int(rows.n, 1, "found it");
	is_str(rows_text(&rows, 0, 0), "alpha", "name");
	is_int(rows_int(&rows, 0, 1), 10, "level");
	ok(rows_null(&rows, 0, 2) && rows_text(&rows, 0, 2) == NULL, "color is NULL");
	is_int(rows_int(&rows, 0, 3), 1000, "created_at");

	ok(store_query(s, a, "SELECT id FROM roles ORDER BY id", NULL, 0, &rows) == ERR_OK &&
		   rows.n == 3,
	   "three rows");
	ok(rows.n == 3 && strcmp(rows_text(&rows, 0, 0), "r1") == 0 &&
		   strcmp(rows_text(&rows, 2, 0), "r3") == 0,
	   "rows in order");
	ok(store_query(s, a, "SELECT id FROM roles WHERE id = 'none'", NULL, 0, &rows) == ERR_OK &&
		   rows.n == 0 && rows.ncol == 1,
	   "no match is zero rows");

	is_int(store_exec(s, "UPDATE roles SET position = position + 1 WHERE level >= ?",
			  (const struct val[]){ V_INT(20) }, 1, &changes),
	       ERR_OK, "update");
	is_int(changes, 2, "changes counts the updated rows");
	is_int(store_exec(s, "SELECT id FROM roles", NULL, 0, &changes), ERR_OK,
	       "exec of a SELECT drops its rows");
	is_int(changes, 0, "and reports no change");
	is_int(store_exec(s, "UPDATE roles SET position = 0 WHERE id = 'none'", NULL, 0, &changes),
	       ERR_OK, "update of nothing");
	is_int(changes, 0, "changes is 0");
	is_int(store_ping(s), ERR_OK, "ping");
}

static void
test_errors(struct arena *a, struct store *s)
{
	const struct val perm[] = { V_TEXT("nope"), V_TEXT("manage_roles") };

	is_int(insert_role(s, "r9", "alpha", 10), ERR_CONFLICT, "unique violation is ERR_CONFLICT");
	is_int(insert_role(s, "r1", "other", 10), ERR_CONFLICT,
	       "primary key violation is ERR_CONFLICT");
	is_int(store_exec(s, "INSERT INTO role_permissions (role_id, perm) VALUES (?, ?)", perm, 2,
			  NULL),
	       ERR_CONFLICT, "foreign key violation is ERR_CONFLICT");
	is_int(insert_role(s, "r9", "delta", 0), ERR_INTERNAL, "CHECK violation is ERR_INTERNAL");
	is_int(store_exec(s, "SELEC 1", NULL, 0, NULL), ERR_INTERNAL,
	       "syntax error is ERR_INTERNAL");
	is_int(store_exec(s, "SELECT ?", NULL, 0, NULL), ERR_INTERNAL,
	       "a missing value is ERR_INTERNAL");
	is_int(store_exec(s, "SELECT 1", perm, 1, NULL), ERR_INTERNAL,
	       "an extra value is ERR_INTERNAL");
	is_int(store_exec(s, "SELECT 1; CREATE TABLE sneaky (x)", NULL, 0, NULL), ERR_INTERNAL,
	       "two statements in one call are refused");
	is_int(count(s, a, "SELECT count(*) FROM sqlite_master WHERE name = 'sneaky'"), 0,
	       "and the second never ran");
	is_int(store_exec(s, "SELECT 1;", NULL, 0, NULL), ERR_OK, "a trailing semicolon is fine");
	is_int(count(s, a, "SELECT count(*) FROM roles"), 3, "failed statements changed nothing");
	is_int(store_ping(s), ERR_OK, "connection still works after errors");
}

static void
test_tx(struct arena *a, struct store *s, struct store *s2)
{
	ok(!store_in_tx(s), "no transaction at rest");
	store_rollback(s);
	ok(!store_in_tx(s), "rollback with none open is harmless");
	is_int(store_commit(s), ERR_INTERNAL, "commit with none open is a programmer error");

	is_int(store_begin(s, true), ERR_OK, "begin write");
	ok(store_in_tx(s), "in a transaction");
	is_int(insert_role(s, "r4", "delta", 40), ERR_OK, "insert inside it");
	is_int(count(s, a, "SELECT count(*) FROM roles"), 4, "visible to its own connection");
	is_int(count(s2, a, "SELECT count(*) FROM roles"), 3, "invisible to another before commit");
	is_int(store_begin(s, false), ERR_INTERNAL, "nested begin is refused");
	ok(store_in_tx(s), "the outer transaction survives the refusal");
	store_rollback(s);
	ok(!store_in_tx(s), "rolled back");
	is_int(count(s, a, "SELECT count(*) FROM roles WHERE id = 'r4'"), 0, "rollback undoes");

	is_int(store_begin(s, true), ERR_OK, "begin write again");
	is_int(insert_role(s, "r4", "delta", 40), ERR_OK, "insert");
	is_int(insert_role(s, "r5", "delta", 50), ERR_CONFLICT,
	       "a conflict inside the transaction");
	ok(store_in_tx(s), "keeps the transaction open");
	is_int(store_commit(s), ERR_OK, "commit");
	ok(!store_in_tx(s), "committed");
	is_int(count(s2, a, "SELECT count(*) FROM roles WHERE id = 'r4'"), 1,
	       "second connection sees committed data");
	is_int(count(s2, a, "SELECT count(*) FROM roles WHERE id = 'r5'"), 0,
	       "and not the conflicting row");

	is_int(store_begin(s2, false), ERR_OK, "read transaction on the second connection");
	is_int(count(s2, a, "SELECT count(*) FROM roles"), 4, "snapshot sees 4 roles");
	is_int(store_exec(s, "DELETE FROM roles WHERE id = 'r4'", NULL, 0, NULL), ERR_OK,
	       "first connection deletes one meanwhile");
	is_int(count(s2, a, "SELECT count(*) FROM roles"), 4, "the snapshot is stable");
	store_rollback(s2);
	is_int(count(s2, a, "SELECT count(*) FROM roles"), 3, "a new read sees the delete");
}

static void
test_cache(struct arena *a, const char *dir)
{
	static const char sql_add[] = "SELECT ? + 1";
	char buf[64], *many[200];
	struct store *s;
	struct rows rows;
	int bad = 0;

	if (store_open(arena_printf(a, "sqlite:%s/cache.db", dir), &test_opts, &s) != ERR_OK) {
		ok(0, "open cache.db");
		return;
	}
	for (int64_t i = 0; i < 1000; i++) {
		const struct val args[] = { V_INT(i) };

		if (store_query(s, a, sql_add, args, 1, &rows) != ERR_OK || rows.n != 1 ||
		    rows_int(&rows, 0, 0) != i + 1)
			bad++;
	}
	is_int(bad, 0, "the same statement 1000 times, each with its own value");
	is_int(count(s, a, "SELECT count(*) FROM sqlite_stmt WHERE sql = 'SELECT ? + 1'"), 1,
	       "prepared once and kept");

	/* The same buffer holding other text must not run the old statement. */
	snprintf(buf, sizeof(buf), "SELECT 'first'");
	is_str(first_text(s, a, buf), "first", "SQL in a buffer");
	snprintf(buf, sizeof(buf), "SELECT 'second'");
	is_str(first_text(s, a, buf), "second", "same pointer, new text: new statement");

	for (int i = 0; i < 200; i++) {
		many[i] = arena_printf(a, "SELECT %d", i);
	}
	bad = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < 200; i++)
			if (count(s, a, many[i]) != i)
				bad++;
	is_int(bad, 0, "200 distinct statements, twice: right past a full cache");
	ok(count(s, a, "SELECT count(*) FROM sqlite_stmt") <= 130,
	   "no more than the 128 cached statements stay prepared");
	store_close(s);
}

static void
test_busy(struct arena *a, const char *url)
{
	struct store *s1, *s2;
	int64_t t0, ms;

	if (store_open(url, &test_opts, &s1) != ERR_OK) {
		ok(0, "open the first connection");
		return;
	}
	if (store_open(url, &test_opts, &s2) != ERR_OK) {
		ok(0, "open the second connection");
		store_close(s1);
		return;
	}
	is_int(store_begin(s1, true), ERR_OK, "first connection takes the write lock");
	t0 = clock_mono_ns();
	is_int(store_begin(s2, true), ERR_STORE, "second BEGIN IMMEDIATE is ERR_STORE");
	ms = (clock_mono_ns() - t0) / 1000000;
	ok(ms >= 80 && ms < 2000, "after about the busy timeout (%lld ms)", (long long)ms);
	ok(!store_in_tx(s2), "no transaction left on the waiting connection");
	is_int(store_exec(s2, "INSERT INTO meta (key, value) VALUES ('k', 'v')", NULL, 0, NULL),
	       ERR_STORE, "an autocommit write is ERR_STORE too");
	is_int(store_begin(s2, false), ERR_OK, "reads go on meanwhile");
	is_int(count(s2, a, "SELECT count(*) FROM roles"), 3, "and see committed data");
	store_rollback(s2);
	store_rollback(s1);
	is_int(store_begin(s2, true), ERR_OK, "the lock is free once released");
	is_int(store_exec(s2, "INSERT INTO meta (key, value) VALUES ('k', 'v')", NULL, 0, NULL),
	       ERR_OK, "and the write succeeds without reopening");
	is_int(store_commit(s2), ERR_OK, "commit");
	is_int(store_exec(s2, "DELETE FROM meta WHERE key = 'k'", NULL, 0, NULL), ERR_OK,
	       "clean up");
	store_close(s1);
	store_close(s2);
}

static void
test_backup(struct arena *a, struct store *s, const char *dir)
{
	char *path = arena_printf(a, "%s/backup.db", dir), *junk;
	unsigned char header[20] = { 0 };
	struct store *b;
	struct stat st;
	FILE *f;

	is_int(store_backup(s, path), ERR_OK, "backup");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "backup file has mode 0600");
	ok(store_verify_file(path), "backup passes the integrity check");
	f = fopen(path, "rb");
	ok(f != NULL && fread(header, 1, sizeof(header), f) == sizeof(header) && header[18] == 1 &&
		   header[19] == 1,
	   "backup uses a rollback journal, so it is one self-contained file");
	if (f != NULL)
		fclose(f);
	is_int(store_backup(s, path), ERR_STORE, "an existing file is never overwritten");
	ok(store_verify_file(path), "and still verifies");
	is_int(store_backup(s, arena_printf(a, "%s/missing/b.db", dir)), ERR_STORE,
	       "backup into a missing directory is ERR_STORE");

	if (store_open(path, &test_opts, &b) == ERR_OK) {
		is_int(store_schema_version(b), store_schema_latest(), "backup has the schema");
		is_int(count(b, a, "SELECT count(*) FROM roles"),
		       count(s, a, "SELECT count(*) FROM roles"), "backup has the rows");
		store_close(b);
	} else {
		ok(0, "open the backup");
	}

	ok(!store_verify_file(arena_printf(a, "%s/nothing.db", dir)), "a missing file fails");
	junk = arena_printf(a, "%s/junk.db", dir);
	ok(!store_verify_file(junk), "a file that is not a database fails");
	junk = arena_printf(a, "%s/empty.db", dir);
	f = fopen(junk, "w");
	if (f != NULL)
		fclose(f);
	ok(!store_verify_file(junk), "an empty file fails");
}

struct pool_job {
	struct store_pool *pool;
	int id;
	int failures;
};

static void *
pool_thread(void *arg)
{
	struct pool_job *job = arg;
	struct arena *a = arena_new();

	for (int i = 0; i < 50; i++) {
		struct store *s = store_pool_get(job->pool);
		const struct val args[] = { V_TEXT(arena_printf(a, "t%d-%d", job->id, i)) };

		if (store_begin(s, true) != ERR_OK ||
		    store_exec(s, "INSERT INTO meta (key, value) VALUES (?, 'x')", args, 1, NULL) !=
			    ERR_OK ||
		    store_commit(s) != ERR_OK)
			job->failures++;
		store_pool_put(job->pool, s);
	}
	arena_free(a);
	return NULL;
}

static void
test_pool(struct arena *a, const char *url)
{
	struct store_opts opts = { .sync_full = true, .busy_timeout_ms = 5000 };
	char sentinel;
	struct store_pool *p = (struct store_pool *)(void *)&sentinel;
	struct pool_job jobs[4];
	pthread_t t[4];
	struct store *x, *y, *z;
	int failures = 0;

	is_int(store_pool_new(url, &opts, 0, &p), ERR_INTERNAL, "a pool of 0 is refused");
	ok(p == NULL, "and none is made");
	is_int(store_pool_new("postgres://x/y", &opts, 2, &p), ERR_STORE,
	       "a pool on a refused URL fails");
	if (store_pool_new(url, &opts, 2, &p) != ERR_OK) {
		ok(0, "pool of 2");
		return;
	}
	x = store_pool_get(p);
	y = store_pool_get(p);
	ok(x != NULL && y != NULL && x != y, "two distinct connections");
	ok(store_ping(x) == ERR_OK && store_ping(y) == ERR_OK, "both answer");
	store_pool_put(p, y);
	z = store_pool_get(p);
	ok(z == y, "a returned connection is handed out again");
	is_int(store_begin(z, true), ERR_OK, "a transaction left open");
	store_pool_put(p, z);
	z = store_pool_get(p);
	ok(!store_in_tx(z), "is rolled back when the connection comes back");
	store_pool_put(p, z);
	store_pool_put(p, x);

	/* Four workers on two connections: gets block until a put, and all writes land. */
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct pool_job){ .pool = p, .id = i, .failures = 0 };
		pthread_create(&t[i], NULL, pool_thread, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		failures += jobs[i].failures;
	}
	is_int(failures, 0, "200 writes through the pool from 4 threads");
	x = store_pool_get(p);
	is_int(count(x, a, "SELECT count(*) FROM meta WHERE key LIKE 't%'"), 200, "all 200 stored");
	store_exec(x, "DELETE FROM meta", NULL, 0, NULL);
	store_pool_put(p, x);
	store_pool_free(p);
}

/* Every file the test makes sits directly in dir. */
static void
remove_dir(struct arena *a, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	while (d != NULL && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			unlink(arena_printf(a, "%s/%s", dir, e->d_name));
	if (d != NULL)
		closedir(d);
	rmdir(dir);
}

int
main(void)
{
	char dir[] = "/tmp/roster-test-store-XXXXXX";
	struct arena *a = arena_new();
	struct store *s, *s2;
	char *url;

	if (mkdtemp(dir) == NULL) {
		ok(0, "make a temporary directory");
		return tap_done();
	}
	url = arena_printf(a, "sqlite:%s/main.db", dir);
	test_open_errors(a, dir);
	test_defaults(a, dir);
	ok(store_open(url, &test_opts, &s) == ERR_OK, "open main.db");
	test_migrate(a, s);
	test_migrate_race(a, dir);
	test_migrate_failure(a, dir);
	ok(store_open(url, &test_opts, &s2) == ERR_OK, "open a second connection");
	test_query(a, s);
	test_errors(a, s);
	test_tx(a, s, s2);
	test_cache(a, dir);
	test_busy(a, url);
	test_backup(a, s, dir);
	test_pool(a, url);
	store_close(s2);
	store_close(s);
	remove_dir(a, dir);
	arena_free(a);
	return tap_done();
}
