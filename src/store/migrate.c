/*
 * migrate.c: applies the migrations compiled into the binary (the .sql files under
 * src/store/sql/<dialect>, through scripts/embed.sh) in name order, one write transaction
 * each, and records each in schema_migrations together with its own changes. Several nodes
 * may start at once: a step re-reads its version after taking the write lock, so each
 * migration runs exactly once.
 */
#include "store/store.h"

#include <limits.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/embedded.h"
#include "core/log.h"

/*
 * applied_at is BIGINT, not INTEGER: the same statement runs on PostgreSQL, where INTEGER is
 * 32 bits and epoch milliseconds do not fit. SQLite gives both the same integer affinity.
 */
static const char SQL_CREATE[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
				 " version INTEGER PRIMARY KEY,"
				 " name TEXT NOT NULL,"
				 " applied_at BIGINT NOT NULL)";
static const char SQL_HAS_TABLE_SQLITE[] = "SELECT count(*) FROM sqlite_master"
					   " WHERE type = 'table' AND name = 'schema_migrations'";
static const char SQL_HAS_TABLE_PG[] = "SELECT count(*) FROM information_schema.tables"
				       " WHERE table_schema = current_schema()"
				       " AND table_name = 'schema_migrations'";
static const char SQL_MAX_VERSION[] = "SELECT max(version) FROM schema_migrations";
static const char SQL_HAS_VERSION[] = "SELECT count(*) FROM schema_migrations WHERE version = ?";
static const char SQL_ADD_VERSION[] = "INSERT INTO schema_migrations (version, name, applied_at)"
				      " VALUES (?, ?, ?)";

/* "0001_base.sql" -> 1; -1 when the name does not start with a positive number. */
static int
migration_version(const char *name)
{
	int v = 0;
	size_t i;

	for (i = 0; name[i] >= '0' && name[i] <= '9'; i++) {
		if (v > (INT_MAX - 9) / 10)
			return -1;
		v = v * 10 + (name[i] - '0');
	}
	return i > 0 && v > 0 ? v : -1;
}

int
store_schema_latest(void)
{
	int latest = 0, v;

	for (const struct embedded_file *f = embedded_migrations; f->name != NULL; f++) {
		v = migration_version(f->name);
		if (v > latest)
			latest = v;
	}
	return latest;
}

/* The table is looked for first, so reading the version of an empty database writes nothing
 * and logs no error. The catalogue differs per engine: a visible dialect branch (STYLE §5). */
static enum err
has_table(struct store *s, struct arena *a, bool *out)
{
	const char *sql = store_dialect(s) == STORE_PG ? SQL_HAS_TABLE_PG : SQL_HAS_TABLE_SQLITE;
	struct rows rows;
	enum err err;

	err = store_query(s, a, sql, NULL, 0, &rows);
	if (err)
		return err;
	*out = rows.n == 1 && rows_int(&rows, 0, 0) > 0;
	return ERR_OK;
}

int
store_schema_version(struct store *s)
{
	struct arena *a = arena_new();
	struct rows rows;
	int version = -1;
	int64_t v;
	bool exists;

	if (has_table(s, a, &exists) != ERR_OK)
		goto out;
	if (!exists) {
		version = 0;
		goto out;
	}
	if (store_query(s, a, SQL_MAX_VERSION, NULL, 0, &rows) != ERR_OK || rows.n != 1)
		goto out;
	v = rows_int(&rows, 0, 0); /* NULL (no row yet) reads as 0 */
	if (v >= 0 && v <= INT_MAX)
		version = (int)v;
out:
	arena_free(a);
	return version;
}

static enum err
version_applied(struct store *s, struct arena *a, int version, bool *out)
{
	const struct val args[] = { V_INT(version) };
	struct rows rows;
	enum err err;

	err = store_query(s, a, SQL_HAS_VERSION, args, 1, &rows);
	if (err)
		return err;
	*out = rows.n == 1 && rows_int(&rows, 0, 0) > 0;
	return ERR_OK;
}

/*
 * One migration in one write transaction: the bookkeeping table (created with the first
 * step, so it never exists without a migration), the re-check under the lock, the script
 * and its version row. *ran tells whether this process applied it.
 */
static enum err
migrate_step(struct store *s, struct arena *a, const struct embedded_file *f, int version,
	     bool *ran)
{
	const struct val args[] = { V_INT(version), V_TEXT(f->name), V_INT(clock_now_ms()) };
	bool done;
	enum err err;

	*ran = false;
	err = store_begin(s, true);
	if (err)
		return err;
	err = store_exec(s, SQL_CREATE, NULL, 0, NULL);
	if (err)
		goto fail;
	/* Another node may have applied it between our first look and the lock. */
	err = version_applied(s, a, version, &done);
	if (err)
		goto fail;
	if (done) {
		store_rollback(s);
		return ERR_OK;
	}
	err = store_exec_script(s, (const char *)f->data);
	if (err)
		goto fail;
	err = store_exec(s, SQL_ADD_VERSION, args, 3, NULL);
	if (err)
		goto fail;
	err = store_commit(s); /* rolls back itself on failure */
	if (err)
		return err;
	*ran = true;
	return ERR_OK;
fail:
	store_rollback(s);
	return err;
}

/* Names must carry strictly increasing versions, and data must hold no NUL (a script is
 * run as a C string, so anything after one would be skipped without a word). */
static enum err
check_migration(const struct embedded_file *f, int version, int prev)
{
	if (version <= prev) {
		log_error("migrate.error", "migrate: '%s' has no version above %d", f->name, prev);
		return ERR_INTERNAL;
	}
	if (strlen((const char *)f->data) != f->len) {
		log_error("migrate.error", "migrate: '%s' contains a NUL byte", f->name);
		return ERR_INTERNAL;
	}
	return ERR_OK;
}

enum err
store_migrate(struct store *s, int *applied)
{
	struct arena *a = arena_new();
	int n = 0, prev = 0, version;
	bool exists, done, ran;
	enum err err;

	err = has_table(s, a, &exists);
	if (err)
		goto out;
	for (const struct embedded_file *f = embedded_migrations; f->name != NULL; f++) {
		version = migration_version(f->name);
		err = check_migration(f, version, prev);
		if (err)
			goto out;
		prev = version;
		/* A look without the lock first, so an up-to-date database is never written. */
		done = false;
		if (exists) {
			err = version_applied(s, a, version, &done);
			if (err)
				goto out;
		}
		if (done)
			continue;
		err = migrate_step(s, a, f, version, &ran);
		if (err) {
			log_warn("migrate.error", "migrate: step '%s' rolled back", f->name);
			goto out;
		}
		if (ran) {
			log_info("migrate.applied", "migrate: applied '%s'", f->name);
			n++;
		}
		exists = true;
	}
out:
	arena_free(a);
	if (applied != NULL)
		*applied = n;
	return err;
}
