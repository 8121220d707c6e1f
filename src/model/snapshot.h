/*
 * snapshot.h: small JSON objects built in model/: audit before/after snapshots and error
 * details that hold arrays. model/ may not include json/ (STYLE.md §2), so this writes onto
 * a capped core/buf whose heap memory joins the arena, so no error path can leak it.
 * Any model file may include it.
 */
#ifndef ROSTER_SNAPSHOT_H
#define ROSTER_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"

struct snap {
	struct buf *b;
	struct arena *a;
	unsigned depth;
	uint32_t has_item; /* bit d: level d already holds a member */
};

/* Opens the top-level object; the buffer is released with the arena. */
void snap_begin(struct snap *s, struct arena *a);
/* Members; a NULL string writes null. */
void snap_str(struct snap *s, const char *k, const char *v);
void snap_int(struct snap *s, const char *k, int64_t v);
void snap_bool(struct snap *s, const char *k, bool v);
void snap_null(struct snap *s, const char *k);
/* An array of strings. */
void snap_strs(struct snap *s, const char *k, const char *const *v, size_t n);
/* Nested object or array; k NULL inside an array. */
void snap_obj(struct snap *s, const char *k);
void snap_obj_end(struct snap *s);
void snap_arr(struct snap *s, const char *k);
void snap_arr_end(struct snap *s);
/* An array item that is a string. */
void snap_item(struct snap *s, const char *v);
/* Closes the top-level object; the text lives in the arena. NULL when the cap was passed. */
const char *snap_end(struct snap *s);

#endif
