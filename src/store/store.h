/*
 * store.h: the storage interface. SQL is written once with `?` placeholders in the shared
 * dialect subset (STYLE.md §5); each backend prepares and caches it per connection. A
 * `struct store` is one connection, used by one thread at a time. Errors are mapped by the
 * backend: unique/foreign-key violation -> ERR_CONFLICT; busy, locked, full, I/O, lost
 * connection -> ERR_STORE (logged there, never shown to the client).
 */
#ifndef ROSTER_STORE_H
#define ROSTER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"

enum vtype { VT_NULL, VT_INT, VT_TEXT };

struct val {
	enum vtype t;
	int64_t i;
	const char *s;
	size_t len;
};

#define V_NULL ((struct val){ .t = VT_NULL })
#define V_INT(x) ((struct val){ .t = VT_INT, .i = (int64_t)(x) })
/* A NULL pointer binds SQL NULL. */
static inline struct val
v_text(const char *s)
{
	struct val v = { .t = s ? VT_TEXT : VT_NULL, .s = s, .len = s ? strlen(s) : 0 };
	return v;
}
#define V_TEXT(x) v_text(x)
#define V_TEXTN(x, n) ((struct val){ .t = VT_TEXT, .s = (x), .len = (n) })

/* A result set in the caller's arena, row-major: v[row * ncol + col]. Text is NUL-terminated. */
struct rows {
	size_t n;
	size_t ncol;
	struct val *v;
};

static inline const struct val *
rows_at(const struct rows *r, size_t row, size_t col)
{
	return &r->v[row * r->ncol + col];
}
/* NULL for SQL NULL. */
static inline const char *
rows_text(const struct rows *r, size_t row, size_t col)
{
	const struct val *v = rows_at(r, row, col);
	return v->t == VT_TEXT ? v->s : NULL;
}
/* 0 for SQL NULL. */
static inline int64_t
rows_int(const struct rows *r, size_t row, size_t col)
{
	const struct val *v = rows_at(r, row, col);
	return v->t == VT_INT ? v->i : 0;
}
static inline bool
rows_null(const struct rows *r, size_t row, size_t col)
{
	return rows_at(r, row, col)->t == VT_NULL;
}

enum store_kind { STORE_SQLITE, STORE_PG };

struct store_opts {
	bool sync_full;     /* SQLite synchronous=FULL (default) or NORMAL */
	int busy_timeout_ms; /* SQLite busy_timeout; 2000 by default */
};

struct store;

/* url: "sqlite:<path>" or a bare path; "postgres://..." is reserved for the PostgreSQL backend. */
enum err store_open(const char *url, const struct store_opts *o, struct store **out);
void store_close(struct store *s);
enum store_kind store_dialect(const struct store *s);

/* Write transactions take the write lock at once (BEGIN IMMEDIATE on SQLite). */
enum err store_begin(struct store *s, bool write);
enum err store_commit(struct store *s);
/* Safe to call when no transaction is open. */
void store_rollback(struct store *s);
bool store_in_tx(const struct store *s);

/* Runs one statement; rows land in the arena. `out` may be NULL for statements without rows. */
enum err store_query(struct store *s, struct arena *a, const char *sql, const struct val *args,
		     size_t nargs, struct rows *out);
/*
 * Streams the rows of one statement to fn without keeping them: for scans too large to hold
 * (alt clustering over a million signals). A row's values are valid only during the call;
 * fn returns false to stop early.
 */
typedef bool (*store_row_fn)(const struct val *row, size_t ncol, void *ctx);
enum err store_each(struct store *s, const char *sql, const struct val *args, size_t nargs,
		    store_row_fn fn, void *ctx);
/* Runs one statement without rows; *changes (may be NULL) gets the affected row count. */
enum err store_exec(struct store *s, const char *sql, const struct val *args, size_t nargs,
		    int64_t *changes);
/* Runs a script of several statements without parameters (migrations). */
enum err store_exec_script(struct store *s, const char *sql);
/* SELECT 1 round trip (readiness). */
enum err store_ping(struct store *s);

/* Migrations compiled into the binary (migrate.c). */
int store_schema_version(struct store *s);   /* -1 on error */
int store_schema_latest(void);
/* Applies pending migrations, one transaction each. */
enum err store_migrate(struct store *s, int *applied);

/* SQLite online backup to a new file (mode 0600); ERR_INVALID_FIELD on PostgreSQL. */
enum err store_backup(struct store *s, const char *path);
/* PRAGMA integrity_check on a SQLite file; true when "ok". */
bool store_verify_file(const char *path);

/*
 * Connection pool: one connection per worker thread, handed out per request. Acquire blocks
 * until one is free (the pool is sized to the thread count, so it never waits in practice).
 */
struct store_pool;
enum err store_pool_new(const char *url, const struct store_opts *o, unsigned n,
			struct store_pool **out);
void store_pool_free(struct store_pool *p);
struct store *store_pool_get(struct store_pool *p);
void store_pool_put(struct store_pool *p, struct store *s);

/*
 * Group commit (group.c): one writer thread on its own connection runs queued jobs in one
 * shared write transaction, each in its own SAVEPOINT, and commits them together, so many
 * concurrent writes pay for one fsync. fn runs on the writer thread with the transaction
 * open; it must not begin, commit or roll back, and its error undoes its own writes alone.
 * store_group_run returns once the COMMIT holding fn's writes is done: fn's result, or
 * ERR_STORE when that COMMIT (or the transaction) failed.
 */
struct store_group;
typedef enum err (*store_group_fn)(struct store *s, void *arg);
enum err store_group_new(const char *url, const struct store_opts *o, struct store_group **out);
/* Runs what is still queued, then stops the writer and closes its connection. */
void store_group_free(struct store_group *g);
enum err store_group_run(struct store_group *g, store_group_fn fn, void *arg);
/*
 * The same without waiting: done(arg, result) is called on the writer thread once the
 * COMMIT holding fn's writes is done (or failed). done must be quick and must not queue
 * more work on g.
 */
typedef void (*store_group_done_fn)(void *arg, enum err err);
void store_group_submit(struct store_group *g, store_group_fn fn, void *arg,
			store_group_done_fn done);
/* Transactions committed and the successful jobs they held, since start. */
void store_group_stats(struct store_group *g, int64_t *commits, int64_t *jobs);

#endif
