/*
 * store_int.h: the backend table behind store.h, private to src/store/. A backend embeds
 * `struct store` as the first member of its connection struct and fills a `struct store_ops`;
 * store.c only dispatches, so store_pg.c can be added without touching any caller. No
 * library type appears here: each backend's header is included by its own file alone.
 */
#ifndef ROSTER_STORE_INT_H
#define ROSTER_STORE_INT_H

#include "store/store.h"

struct store_ops {
	enum store_kind kind;
	void (*close)(struct store *s);
	enum err (*begin)(struct store *s, bool write);
	enum err (*commit)(struct store *s);
	void (*rollback)(struct store *s);
	bool (*in_tx)(const struct store *s);
	/* `out` may be NULL, and then so may `a`: rows are stepped through and dropped. */
	enum err (*query)(struct store *s, struct arena *a, const char *sql,
			  const struct val *args, size_t nargs, struct rows *out, int64_t *changes);
	enum err (*each)(struct store *s, const char *sql, const struct val *args, size_t nargs,
			 store_row_fn fn, void *ctx);
	enum err (*exec_script)(struct store *s, const char *sql);
	/* ERR_INVALID_FIELD where the backend has no file to copy. */
	enum err (*backup)(struct store *s, const char *path);
};

struct store {
	const struct store_ops *ops;
};

/* store_sqlite.c: path is a file name (or ":memory:"); o may be NULL for the defaults. */
enum err store_sqlite_open(const char *path, const struct store_opts *o, struct store **out);
bool store_sqlite_verify_file(const char *path);

#endif
