/*
 * store_sqlite.c: the SQLite backend of store.h, and the only file that includes <sqlite3.h>.
 * Each connection is set up as SECURITY.md §6 requires (WAL, foreign keys, busy timeout,
 * synchronous FULL unless asked otherwise, a journal size limit), keeps its prepared
 * statements in a small cache, and turns every SQLite failure into an enum err plus one log
 * line for operators; SQLite's text never reaches a client.
 */
#include "store/store_int.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/xmalloc.h"

/*
 * Statements are static strings, so one connection runs a few dozen distinct ones; 128 slots
 * keep probe chains short. Past that, statements are prepared per call: slower, still right.
 */
#define STMT_SLOTS 128
/* SECURITY.md §6: busy_timeout=2000 unless configured. */
#define BUSY_DEFAULT_MS 2000
/* Waits that SQLite's busy handler does not cover are retried this far apart. */
#define BUSY_RETRY_MS 10
/* A backup retries a busy or locked step this often (about 5 s in all). */
#define BACKUP_RETRIES 500
/* Log lines quote this much of a statement: enough to find it, short enough to read. */
#define SQL_QUOTE "%.80s"

static const char SQL_BEGIN[] = "BEGIN";
static const char SQL_BEGIN_IMMEDIATE[] = "BEGIN IMMEDIATE";
static const char SQL_COMMIT[] = "COMMIT";
static const char SQL_ROLLBACK[] = "ROLLBACK";

struct stmt_slot {
	const char *key;  /* the caller's pointer; NULL for a free slot */
	char *sql;	  /* our copy of the text, compared on every hit */
	sqlite3_stmt *st;
};

struct sq {
	struct store base; /* first, so a struct store * is a struct sq * */
	sqlite3 *db;
	bool tx_write;
	struct stmt_slot slots[STMT_SLOTS];
};

static struct sq *
sq_of(struct store *s)
{
	return (struct sq *)s;
}

/*
 * Maps a SQLite result code, logs it for operators and counts it. Unique and foreign-key
 * violations are an expected answer (a name taken, a row gone), not a fault: they are only
 * logged at debug level. CHECK, NOT NULL, syntax and misuse are programmer errors.
 */
static enum err
sq_error(int rc, const char *msg, const char *sql)
{
	enum metric_dberr kind = DBE_OTHER;
	enum err err = ERR_INTERNAL;

	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY ||
		    rc == SQLITE_CONSTRAINT_ROWID || rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
			log_debug("storage.conflict",
				  "sqlite statement conflicted: %s: '" SQL_QUOTE "'", msg, sql);
			return ERR_CONFLICT;
		}
		break;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		kind = DBE_BUSY;
		err = ERR_STORE;
		break;
	case SQLITE_FULL:
		kind = DBE_FULL;
		err = ERR_STORE;
		break;
	case SQLITE_IOERR:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		kind = DBE_IO;
		err = ERR_STORE;
		break;
	case SQLITE_NOMEM:
		err = ERR_STORE;
		break;
	default:
		break;
	}
	log_error("storage.error", "sqlite statement failed: %s (code %d): '" SQL_QUOTE "'",
		  msg, rc, sql);
	metrics_db_error(kind);
	return err;
}

/* A statement refused before SQLite saw it: always the caller's mistake. */
static enum err
sq_misuse(const char *why, const char *sql)
{
	log_error("storage.error", "sqlite statement refused: %s: '" SQL_QUOTE "'", why, sql);
	metrics_db_error(DBE_OTHER);
	return ERR_INTERNAL;
}

/* Text after the first statement would be silently ignored; only `;` and space may follow. */
static bool
only_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ';')
		p++;
	return *p == '\0';
}

static enum err
sq_prepare(struct sq *q, const char *sql, bool persistent, sqlite3_stmt **out)
{
	const char *tail = NULL;
	int rc;

	*out = NULL;
	rc = sqlite3_prepare_v3(q->db, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, out,
				&tail);
	if (rc != SQLITE_OK)
		return sq_error(rc, sqlite3_errmsg(q->db), sql);
	if (*out == NULL || !only_space(tail)) {
		sqlite3_finalize(*out);
		*out = NULL;
		return sq_misuse("not exactly one statement", sql);
	}
	return ERR_OK;
}

/*
 * Fibonacci hashing of the pointer: literals are 8- or 16-byte aligned, so its low bits
 * alone would pile into a few slots. The top 7 bits of the product index the 128 slots.
 */
static unsigned
slot_hash(const char *sql)
{
	return (unsigned)(((uint64_t)(uintptr_t)sql * UINT64_C(0x9E3779B97F4A7C15)) >> 57);
}

/*
 * Finds or prepares the statement for sql. The cache is keyed by the pointer, which is what
 * makes a hit cheap; the text is compared too, because a pointer into a freed buffer can come
 * back holding other SQL. Slots are never emptied (that would cut probe chains); a stale one
 * is re-prepared in place. *cached false: the caller finalizes the statement.
 */
static enum err
sq_stmt(struct sq *q, const char *sql, sqlite3_stmt **st, bool *cached)
{
	unsigned h = slot_hash(sql);
	struct stmt_slot *slot;
	enum err err;

	for (unsigned i = 0; i < STMT_SLOTS; i++) {
		slot = &q->slots[(h + i) % STMT_SLOTS];
		if (slot->key != NULL && slot->key != sql)
			continue;
		if (slot->key == sql && strcmp(slot->sql, sql) == 0) {
			*st = slot->st;
			*cached = true;
			return ERR_OK;
		}
		err = sq_prepare(q, sql, true, st);
		if (err)
			return err;
		sqlite3_finalize(slot->st);
		free(slot->sql);
		slot->key = sql;
		slot->sql = xstrdup(sql);
		slot->st = *st;
		*cached = true;
		return ERR_OK;
	}
	*cached = false;
	return sq_prepare(q, sql, false, st);
}

static enum err
sq_bind(struct sq *q, sqlite3_stmt *st, const char *sql, const struct val *args, size_t nargs)
{
	int rc;

	if ((size_t)sqlite3_bind_parameter_count(st) != nargs)
		return sq_misuse("wrong number of values for its placeholders", sql);
	assert(nargs == 0 || args != NULL);
	for (size_t i = 0; i < nargs; i++) {
		/* Fits: nargs equals a count SQLite holds in an int. */
		int idx = (int)i + 1;

		switch (args[i].t) {
		case VT_NULL:
			rc = sqlite3_bind_null(st, idx);
			break;
		case VT_INT:
			rc = sqlite3_bind_int64(st, idx, args[i].i);
			break;
		case VT_TEXT:
			/* STATIC: the values outlive the call and bindings are cleared before it
			 * returns, so SQLite need not copy them. */
			if (args[i].s == NULL)
				rc = sqlite3_bind_null(st, idx);
			else
				rc = sqlite3_bind_text64(st, idx, args[i].s, args[i].len,
							 SQLITE_STATIC, SQLITE_UTF8);
			break;
		default:
			return sq_misuse("unknown value type", sql);
		}
		if (rc != SQLITE_OK)
			return sq_error(rc, sqlite3_errmsg(q->db), sql);
	}
	return ERR_OK;
}

/*
 * Copies one column into the arena. Our schema stores only INTEGER, TEXT and NULL; a REAL
 * (from an aggregate such as AVG) comes back as VT_INT when it holds an integer exactly, else
 * as text in "%.17g", which reads back to the same double. A BLOB comes back as text with
 * its length.
 */
static void
sq_column(sqlite3_stmt *st, int c, struct arena *a, struct val *out)
{
	const void *p;
	char num[40];
	double d;
	int n;

	switch (sqlite3_column_type(st, c)) {
	case SQLITE_INTEGER:
		*out = V_INT(sqlite3_column_int64(st, c));
		return;
	case SQLITE_FLOAT:
		d = sqlite3_column_double(st, c);
		/* The range test comes first: casting an out-of-range double is undefined. */
		if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 &&
		    d == (double)(int64_t)d) {
			*out = V_INT((int64_t)d);
			return;
		}
		n = snprintf(num, sizeof(num), "%.17g", d);
		assert(n > 0 && (size_t)n < sizeof(num));
		*out = V_TEXTN(arena_strndup(a, num, (size_t)n), (size_t)n);
		return;
	case SQLITE_TEXT:
		/* The pointer is fetched before the length (sqlite3_column_bytes docs). */
		p = sqlite3_column_text(st, c);
		n = sqlite3_column_bytes(st, c);
		*out = V_TEXTN(arena_strndup(a, p != NULL ? p : "", (size_t)n), (size_t)n);
		return;
	case SQLITE_BLOB:
		p = sqlite3_column_blob(st, c);
		n = sqlite3_column_bytes(st, c);
		*out = V_TEXTN(arena_strndup(a, p != NULL ? p : "", (size_t)n), (size_t)n);
		return;
	default:
		*out = V_NULL;
		return;
	}
}

/* Steps to the end; rows are gathered on the heap, then copied to the arena in one block. */
static enum err
sq_step_all(struct sq *q, sqlite3_stmt *st, const char *sql, struct arena *a, struct rows *out)
{
	size_t ncol = (size_t)sqlite3_column_count(st), n = 0, cap = 0;
	struct val *v = NULL;
	int rc;

	assert(out == NULL || a != NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (out == NULL)
			continue;
		if ((n + 1) * ncol > cap) {
			cap = cap ? cap * 2 : ncol * 16;
			if (cap > SIZE_MAX / 2 / sizeof(*v))
				abort(); /* rows past memory: out of memory aborts (STYLE.md §6) */
			v = xrealloc(v, cap * sizeof(*v));
		}
		for (size_t c = 0; c < ncol; c++)
			sq_column(st, (int)c, a, &v[n * ncol + c]);
		n++;
	}
	if (rc != SQLITE_DONE) {
		free(v);
		return sq_error(rc, sqlite3_errmsg(q->db), sql);
	}
	if (out != NULL) {
		out->n = n;
		out->ncol = ncol;
		out->v = NULL;
		if (n * ncol > 0) {
			out->v = arena_alloc(a, n * ncol * sizeof(*v));
			memcpy(out->v, v, n * ncol * sizeof(*v));
		}
	}
	free(v);
	return ERR_OK;
}

/*
 * Runs one statement. Every statement is timed, transaction control included: COMMIT is
 * where a write pays for its fsync. write < 0 means "ask SQLite whether it writes".
 */
static enum err
sq_run(struct sq *q, struct arena *a, const char *sql, const struct val *args, size_t nargs,
       struct rows *out, int64_t *changes, int write)
{
	int64_t t0 = clock_mono_ns();
	sqlite3_int64 total0 = sqlite3_total_changes64(q->db);
	sqlite3_stmt *st;
	bool cached;
	enum err err;

	if (sql == NULL)
		return sq_misuse("no statement", "");
	err = sq_stmt(q, sql, &st, &cached);
	if (err)
		return err;
	if (write < 0)
		write = !sqlite3_stmt_readonly(st);
	err = sq_bind(q, st, sql, args, nargs);
	if (err == ERR_OK)
		err = sq_step_all(q, st, sql, a, out);
	/* sqlite3_changes64 keeps the count of the last writing statement, so a SELECT would
	 * report someone else's rows: trust it only when this statement changed something. */
	if (err == ERR_OK && changes != NULL)
		*changes = sqlite3_total_changes64(q->db) != total0 ? sqlite3_changes64(q->db) : 0;
	metrics_db_query(write, clock_mono_ns() - t0);
	if (cached) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
	return err;
}

static enum err
sq_query(struct store *s, struct arena *a, const char *sql, const struct val *args, size_t nargs,
	 struct rows *out, int64_t *changes)
{
	return sq_run(sq_of(s), a, sql, args, nargs, out, changes, -1);
}

/* Rows go to fn one at a time; their values live in an arena renewed every 4096 rows. */
static enum err
sq_each(struct store *s, const char *sql, const struct val *args, size_t nargs,
	store_row_fn fn, void *ctx)
{
	struct sq *q = sq_of(s);
	int64_t t0 = clock_mono_ns();
	struct arena *a = NULL;
	struct val row[32];
	sqlite3_stmt *st;
	size_t ncol, n = 0;
	bool cached;
	enum err err;
	int rc = SQLITE_DONE;

	err = sq_stmt(q, sql, &st, &cached);
	if (err)
		return err;
	ncol = (size_t)sqlite3_column_count(st);
	if (ncol > sizeof(row) / sizeof(row[0]))
		err = sq_misuse("too many columns for store_each", sql);
	if (err == ERR_OK)
		err = sq_bind(q, st, sql, args, nargs);
	while (err == ERR_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n++ % 4096 == 0) {
			arena_free(a);
			a = arena_new();
		}
		for (size_t c = 0; c < ncol; c++)
			sq_column(st, (int)c, a, &row[c]);
		if (!fn(row, ncol, ctx)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	if (err == ERR_OK && rc != SQLITE_DONE)
		err = sq_error(rc, sqlite3_errmsg(q->db), sql);
	arena_free(a);
	metrics_db_query(0, clock_mono_ns() - t0);
	if (cached) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
	} else {
		sqlite3_finalize(st);
	}
	return err;
}

static bool
sq_in_tx(const struct store *s)
{
	return !sqlite3_get_autocommit(((const struct sq *)s)->db);
}

static enum err
sq_begin(struct store *s, bool write)
{
	/* SECURITY.md §6: a write takes the lock now; a deferred read-then-write can find its
	 * snapshot stale, which waiting cannot fix. */
	const char *sql = write ? SQL_BEGIN_IMMEDIATE : SQL_BEGIN;
	struct sq *q = sq_of(s);
	enum err err;

	if (sq_in_tx(s))
		return sq_misuse("transaction already open", sql);
	err = sq_run(q, NULL, sql, NULL, 0, NULL, NULL, write);
	if (err == ERR_OK)
		q->tx_write = write;
	return err;
}

/* Safe with no transaction open; SQLite may already have rolled back after a failure. */
static void
sq_rollback(struct store *s)
{
	struct sq *q = sq_of(s);

	if (!sq_in_tx(s))
		return;
	(void)sq_run(q, NULL, SQL_ROLLBACK, NULL, 0, NULL, NULL, q->tx_write);
}

static enum err
sq_commit(struct store *s)
{
	struct sq *q = sq_of(s);
	enum err err;

	if (!sq_in_tx(s))
		return sq_misuse("no transaction open", SQL_COMMIT);
	err = sq_run(q, NULL, SQL_COMMIT, NULL, 0, NULL, NULL, q->tx_write);
	if (err) {
		/* SQLite leaves the transaction open after a busy COMMIT. Ending it here means a
		 * failed commit is never kept half-way, and the caller answers 503, never 2xx. */
		sq_rollback(s);
		return ERR_STORE;
	}
	return ERR_OK;
}

static enum err
sq_exec_script(struct store *s, const char *sql)
{
	struct sq *q = sq_of(s);
	int64_t t0 = clock_mono_ns();
	char *msg = NULL;
	enum err err;
	int rc;

	rc = sqlite3_exec(q->db, sql, NULL, NULL, &msg);
	metrics_db_query(1, clock_mono_ns() - t0);
	if (rc == SQLITE_OK)
		return ERR_OK;
	err = sq_error(rc, msg != NULL ? msg : sqlite3_errstr(rc), sql);
	sqlite3_free(msg);
	return err;
}

/* Runs one statement outside the cache and copies the first column of its first row. */
static int
first_text(sqlite3 *db, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st = NULL;
	const unsigned char *t;
	int rc, n;

	buf[0] = '\0';
	rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		t = sqlite3_column_text(st, 0);
		n = snprintf(buf, size, "%s", t != NULL ? (const char *)t : "");
		rc = n >= 0 && (size_t)n < size ? SQLITE_OK : SQLITE_TOOBIG;
	} else if (rc == SQLITE_DONE) {
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Copies every page in one step, so the file is one consistent snapshot. */
static enum err
backup_pages(sqlite3 *dst, sqlite3 *src, const char *path)
{
	sqlite3_backup *b;
	int rc, frc, tries = 0;

	b = sqlite3_backup_init(dst, "main", src, "main");
	if (b == NULL)
		return sq_error(sqlite3_extended_errcode(dst), sqlite3_errmsg(dst), path);
	for (;;) {
		rc = sqlite3_backup_step(b, -1);
		if (((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) ||
		    ++tries >= BACKUP_RETRIES)
			break;
		sleep_ms(BUSY_RETRY_MS);
	}
	frc = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		return sq_error(rc, sqlite3_errstr(rc), path);
	if (frc != SQLITE_OK)
		return sq_error(frc, sqlite3_errmsg(dst), path);
	return ERR_OK;
}

static enum err
sq_backup(struct store *s, const char *path)
{
	struct sq *q = sq_of(s);
	sqlite3 *dst = NULL;
	enum err err;
	char mode[16];
	int fd, rc;

	/* platform.md `roster backup`: mode 0600 from the first byte, as the copy holds password
	 * and key hashes. O_EXCL never overwrites; O_NOFOLLOW never writes through a link. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		log_error("storage.error", "backup: cannot create '%s': %s", path, strerror(errno));
		return ERR_STORE;
	}
	close(fd);
	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		err = sq_error(rc, dst != NULL ? sqlite3_errmsg(dst) : sqlite3_errstr(rc), path);
		goto fail;
	}
	rc = sqlite3_exec(dst, "PRAGMA synchronous=FULL", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		err = sq_error(rc, sqlite3_errmsg(dst), path);
		goto fail;
	}
	err = backup_pages(dst, q->db, path);
	if (err)
		goto fail;
	/* The copied header says WAL, like the source. A backup should be one self-contained
	 * file that can be moved alone, so it goes back to a rollback journal. */
	rc = first_text(dst, "PRAGMA journal_mode=DELETE", mode, sizeof(mode));
	if (rc != SQLITE_OK) {
		err = sq_error(rc, sqlite3_errmsg(dst), path);
		goto fail;
	}
	rc = sqlite3_close(dst);
	dst = NULL;
	if (rc != SQLITE_OK) {
		err = sq_error(rc, sqlite3_errstr(rc), path);
		goto fail;
	}
	return ERR_OK;
fail:
	sqlite3_close(dst);
	unlink(path);
	return err;
}

static void
sq_close(struct store *s)
{
	struct sq *q = sq_of(s);
	int rc;

	for (size_t i = 0; i < STMT_SLOTS; i++) {
		sqlite3_finalize(q->slots[i].st);
		free(q->slots[i].sql);
	}
	/* Closing rolls back an open transaction; the last connection checkpoints the WAL. */
	rc = sqlite3_close(q->db);
	if (rc != SQLITE_OK)
		log_error("storage.error", "sqlite close failed: %s", sqlite3_errstr(rc));
	free(q);
}

static const struct store_ops sq_ops = {
	.kind = STORE_SQLITE,
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.in_tx = sq_in_tx,
	.query = sq_query,
	.each = sq_each,
	.exec_script = sq_exec_script,
	.backup = sq_backup,
};

/* SECURITY.md §6: the connection settings. Each is checked where SQLite could ignore it. */
static enum err
sq_configure(struct sq *q, const char *path, bool sync_full, int busy_ms)
{
	static const char *const sql_set[] = {
		"PRAGMA foreign_keys=ON",
		/* Bounds the WAL after a checkpoint, as no transaction spans requests. */
		"PRAGMA journal_size_limit=67108864",
		/* No mmap_size: an I/O error on a mapped page is a SIGBUS, not an error to answer
		 * 503 with (SECURITY.md §6). A larger cache does that work instead: */
		/* 16 MiB of page cache per connection (the default is 2 MiB): tracker writes touch
		 * many index pages of growing tables. Filled only as pages are used. */
		"PRAGMA cache_size=-16384",
	};
	const char *sql;
	int64_t deadline;
	char got[32];
	int rc;

	for (size_t i = 0; i < sizeof(sql_set) / sizeof(sql_set[0]); i++) {
		rc = sqlite3_exec(q->db, sql_set[i], NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return sq_error(rc, sqlite3_errmsg(q->db), sql_set[i]);
	}
	/* FULL: a revoked key or a reset password survives power loss; NORMAL only a crash. */
	sql = sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL";
	rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sq_error(rc, sqlite3_errmsg(q->db), sql);
	/* A build without foreign keys accepts the pragma and ignores it. */
	rc = first_text(q->db, "PRAGMA foreign_keys", got, sizeof(got));
	if (rc != SQLITE_OK)
		return sq_error(rc, sqlite3_errmsg(q->db), "PRAGMA foreign_keys");
	if (strcmp(got, "1") != 0) {
		log_error("storage.error", "sqlite: foreign keys unavailable for '%s'", path);
		return ERR_STORE;
	}
	/* Switching a new file to WAL needs an exclusive lock, and SQLite answers BUSY at once,
	 * without its busy handler, when another process is switching it too (two nodes
	 * starting on a new database). Wait for it as long as busy_timeout would. */
	deadline = clock_mono_ns() + (int64_t)busy_ms * 1000000;
	while ((rc = first_text(q->db, "PRAGMA journal_mode=WAL", got, sizeof(got))) != SQLITE_OK &&
	       ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) &&
	       clock_mono_ns() < deadline)
		sleep_ms(BUSY_RETRY_MS);
	if (rc != SQLITE_OK)
		return sq_error(rc, sqlite3_errmsg(q->db), "PRAGMA journal_mode=WAL");
	/* An in-memory database (tests) has no WAL; a file that refuses it is not durable as
	 * SECURITY.md §6 requires, so the server does not start on it. */
	if (strcmp(got, "wal") != 0 && strcmp(got, "memory") != 0) {
		log_error("storage.error", "sqlite: journal_mode stayed '%s' for '%s'", got, path);
		return ERR_STORE;
	}
	return ERR_OK;
}

enum err
store_sqlite_open(const char *path, const struct store_opts *o, struct store **out)
{
	struct sq *q = xcalloc(1, sizeof(*q));
	/* NULL options are the defaults; given options are taken as written. */
	bool sync_full = o != NULL ? o->sync_full : true;
	int busy = o != NULL && o->busy_timeout_ms > 0 ? o->busy_timeout_ms : BUSY_DEFAULT_MS;
	int rc;

	*out = NULL;
	q->base.ops = &sq_ops;
	/* NOMUTEX: a connection is used by one thread at a time (the pool hands it to one worker),
	 * so SQLite's per-connection mutex would only cost. */
	rc = sqlite3_open_v2(path, &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					   SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_error("storage.error", "sqlite: cannot open '%s': %s", path,
			  q->db != NULL ? sqlite3_errmsg(q->db) : sqlite3_errstr(rc));
		metrics_db_error(DBE_IO);
		goto fail;
	}
	sqlite3_extended_result_codes(q->db, 1);
	sqlite3_busy_timeout(q->db, busy);
	/* Whatever setting SQLite refuses, the file cannot be used as SECURITY.md §6 requires,
	 * so every failure here is ERR_STORE (already logged). */
	if (sq_configure(q, path, sync_full, busy) != ERR_OK)
		goto fail;
	*out = &q->base;
	return ERR_OK;
fail:
	sqlite3_close(q->db);
	free(q);
	return ERR_STORE;
}

bool
store_sqlite_verify_file(const char *path)
{
	sqlite3 *db = NULL;
	char pages[32], res[64];
	bool good = false;
	int rc;

	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		log_warn("store.verify", "verify: cannot open '%s': %s", path,
			 db != NULL ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		goto out;
	}
	sqlite3_busy_timeout(db, BUSY_DEFAULT_MS);
	/* An empty file opens as an empty database and checks "ok"; no backup is one. */
	rc = first_text(db, "PRAGMA page_count", pages, sizeof(pages));
	if (rc != SQLITE_OK || strcmp(pages, "0") == 0 || pages[0] == '\0') {
		log_warn("store.verify", "verify: '%s' is not a database: %s", path,
			 rc != SQLITE_OK ? sqlite3_errmsg(db) : "no pages");
		goto out;
	}
	/* The first row is "ok" only when there is no problem to list. */
	rc = first_text(db, "PRAGMA integrity_check", res, sizeof(res));
	good = rc == SQLITE_OK && strcmp(res, "ok") == 0;
	if (!good)
		log_warn("store.verify", "verify: '%s' failed the integrity check: %s", path,
			 rc == SQLITE_OK ? res : sqlite3_errmsg(db));
out:
	sqlite3_close(db);
	return good;
}
