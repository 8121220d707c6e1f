/*
 * jw.h: streaming JSON writer onto a capped struct buf. Commas are placed by the writer;
 * strings are escaped by buf_json_str (controls, U+2028/2029). Overflow of the buffer is
 * sticky in b->overflow and checked once by the caller.
 */
#ifndef ROSTER_JW_H
#define ROSTER_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define JW_MAX_DEPTH 63

struct jw {
	struct buf *b;
	unsigned depth;
	uint64_t has_item; /* bit d set: level d already holds a member or item */
	bool after_key;
};

void jw_init(struct jw *w, struct buf *b);

void jw_obj(struct jw *w);
void jw_obj_end(struct jw *w);
void jw_arr(struct jw *w);
void jw_arr_end(struct jw *w);
void jw_key(struct jw *w, const char *k);

void jw_str(struct jw *w, const char *s); /* NULL writes null */
void jw_strn(struct jw *w, const char *s, size_t len);
void jw_int(struct jw *w, int64_t v);
void jw_num(struct jw *w, double v); /* finite only; 2 decimals max are kept by callers */
void jw_bool(struct jw *w, bool v);
void jw_null(struct jw *w);
void jw_time(struct jw *w, int64_t ms); /* RFC 3339 UTC ms; ms == 0 writes null */
void jw_raw(struct jw *w, const char *json); /* a pre-rendered value; NULL writes null */

/* key + value in one call */
void jw_kstr(struct jw *w, const char *k, const char *s);
void jw_kint(struct jw *w, const char *k, int64_t v);
void jw_kbool(struct jw *w, const char *k, bool v);
void jw_knull(struct jw *w, const char *k);
void jw_ktime(struct jw *w, const char *k, int64_t ms);
void jw_kraw(struct jw *w, const char *k, const char *json);

#endif
