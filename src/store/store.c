/*
 * store.c: the storage interface of store.h. It picks a backend from the database URL and
 * dispatches through its `struct store_ops` (store_int.h); no SQL library is named here, so
 * the rest of Roster never learns which engine answers.
 */
#include "store/store.h"

#include "core/log.h"
#include "store/store_int.h"

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

enum err
store_open(const char *url, const struct store_opts *o, struct store **out)
{
	const char *path = url, *sep;

	*out = NULL;
	if (url == NULL || *url == '\0') {
		log_error("store.open", "store: no database URL given");
		return ERR_STORE;
	}
	if (has_prefix(url, "postgres://") || has_prefix(url, "postgresql://")) {
		log_error("store.open", "store: PostgreSQL support is not built yet");
		return ERR_STORE;
	}
	if (has_prefix(url, "sqlite:")) {
		path = url + strlen("sqlite:");
		/* "sqlite:///srv/roster.db" is the URL spelling of "sqlite:/srv/roster.db". */
		if (has_prefix(path, "//"))
			path += 2;
	} else if ((sep = strstr(url, "://")) != NULL) {
		/* A bare path never looks like a URL; refuse rather than create a file named so.
		 * Only the scheme is logged: the rest may hold a password. */
		log_error("store.open", "store: unsupported database URL scheme '%.*s'",
			  (int)(sep - url < 20 ? sep - url : 20), url);
		return ERR_STORE;
	}
	if (*path == '\0') {
		log_error("store.open", "store: empty SQLite path in database URL");
		return ERR_STORE;
	}
	return store_sqlite_open(path, o, out);
}

void
store_close(struct store *s)
{
	if (s != NULL)
		s->ops->close(s);
}

enum store_kind
store_dialect(const struct store *s)
{
	return s->ops->kind;
}

enum err
store_begin(struct store *s, bool write)
{
	return s->ops->begin(s, write);
}

enum err
store_commit(struct store *s)
{
	return s->ops->commit(s);
}

void
store_rollback(struct store *s)
{
	s->ops->rollback(s);
}

bool
store_in_tx(const struct store *s)
{
	return s->ops->in_tx(s);
}

enum err
store_query(struct store *s, struct arena *a, const char *sql, const struct val *args,
	    size_t nargs, struct rows *out)
{
	if (out != NULL) {
		out->n = 0;
		out->ncol = 0;
		out->v = NULL;
	}
	return s->ops->query(s, a, sql, args, nargs, out, NULL);
}

enum err
store_each(struct store *s, const char *sql, const struct val *args, size_t nargs,
	   store_row_fn fn, void *ctx)
{
	return s->ops->each(s, sql, args, nargs, fn, ctx);
}

enum err
store_exec(struct store *s, const char *sql, const struct val *args, size_t nargs,
	   int64_t *changes)
{
	if (changes != NULL)
		*changes = 0;
	return s->ops->query(s, NULL, sql, args, nargs, NULL, changes);
}

enum err
store_exec_script(struct store *s, const char *sql)
{
	return s->ops->exec_script(s, sql);
}

enum err
store_ping(struct store *s)
{
	return store_exec(s, "SELECT 1", NULL, 0, NULL);
}

enum err
store_backup(struct store *s, const char *path)
{
	return s->ops->backup(s, path);
}

bool
store_verify_file(const char *path)
{
	return store_sqlite_verify_file(path);
}
