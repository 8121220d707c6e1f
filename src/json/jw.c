/*
 * jw.c: the streaming JSON writer (see jw.h). The writer owns comma placement: bit d of
 * has_item says whether nesting level d already holds a value, so callers never write
 * punctuation. All text goes through buf_json_str, which escapes controls and U+2028/2029.
 * Nesting past JW_MAX_DEPTH is a programmer mistake (responses have a fixed shape) and
 * asserts, which stays on in release builds.
 */
#include "json/jw.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/rfc3339.h"

void
jw_init(struct jw *w, struct buf *b)
{
	w->b = b;
	w->depth = 0;
	w->has_item = 0;
	w->after_key = false;
}

/* Writes the comma a new member or item needs, and marks the level as non-empty. */
static void
jw_sep(struct jw *w)
{
	uint64_t bit = (uint64_t)1 << w->depth;

	if (w->after_key) {
		w->after_key = false; /* a value right after its key takes no comma */
		return;
	}
	if (w->has_item & bit)
		buf_putc(w->b, ',');
	w->has_item |= bit;
}

static void
jw_open(struct jw *w, char c)
{
	jw_sep(w);
	assert(w->depth < JW_MAX_DEPTH);
	buf_putc(w->b, c);
	w->depth++;
	w->has_item &= ~((uint64_t)1 << w->depth);
}

static void
jw_close(struct jw *w, char c)
{
	assert(w->depth > 0 && !w->after_key);
	w->depth--;
	buf_putc(w->b, c);
}

void
jw_obj(struct jw *w)
{
	jw_open(w, '{');
}

void
jw_obj_end(struct jw *w)
{
	jw_close(w, '}');
}

void
jw_arr(struct jw *w)
{
	jw_open(w, '[');
}

void
jw_arr_end(struct jw *w)
{
	jw_close(w, ']');
}

void
jw_key(struct jw *w, const char *k)
{
	assert(!w->after_key);
	jw_sep(w);
	buf_json_str(w->b, k, strlen(k));
	buf_putc(w->b, ':');
	w->after_key = true;
}

void
jw_null(struct jw *w)
{
	jw_sep(w);
	buf_puts(w->b, "null");
}

void
jw_strn(struct jw *w, const char *s, size_t len)
{
	if (s == NULL) {
		jw_null(w);
		return;
	}
	jw_sep(w);
	buf_json_str(w->b, s, len);
}

void
jw_str(struct jw *w, const char *s)
{
	jw_strn(w, s, s != NULL ? strlen(s) : 0);
}

void
jw_int(struct jw *w, int64_t v)
{
	/* Digits by hand: printf was the largest single cost of rendering a role list. */
	char tmp[24];
	size_t i = sizeof(tmp);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do {
		tmp[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		tmp[--i] = '-';
	jw_sep(w);
	buf_append(w->b, tmp + i, sizeof(tmp) - i);
}

/*
 * Whole numbers print as integers; others with at most two decimals, trailing zeros dropped
 * (durations and averages; the spec shows no more precision). NaN and infinities have no
 * JSON form and print as null.
 */
void
jw_num(struct jw *w, double v)
{
	char tmp[400]; /* "%.2f" of the largest double is 312 characters */
	int n;

	if (!isfinite(v)) {
		jw_null(w);
		return;
	}
	if (v > -1e15 && v < 1e15 && (double)(int64_t)v == v) {
		jw_int(w, (int64_t)v);
		return;
	}
	n = snprintf(tmp, sizeof(tmp), "%.2f", v);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		jw_null(w); /* cannot happen for a finite double; never write a cut number */
		return;
	}
	while (n > 0 && tmp[n - 1] == '0')
		n--;
	if (n > 0 && tmp[n - 1] == '.')
		n--;
	tmp[n] = '\0';
	jw_sep(w);
	buf_puts(w->b, strcmp(tmp, "-0") == 0 ? "0" : tmp);
}

void
jw_bool(struct jw *w, bool v)
{
	jw_sep(w);
	buf_puts(w->b, v ? "true" : "false");
}

void
jw_time(struct jw *w, int64_t ms)
{
	char ts[RFC3339_LEN + 1];

	if (ms == 0) {
		jw_null(w);
		return;
	}
	rfc3339_format(ms, ts);
	jw_strn(w, ts, RFC3339_LEN);
}

void
jw_raw(struct jw *w, const char *json)
{
	if (json == NULL) {
		jw_null(w);
		return;
	}
	jw_sep(w);
	buf_puts(w->b, json);
}

void
jw_kstr(struct jw *w, const char *k, const char *s)
{
	jw_key(w, k);
	jw_str(w, s);
}

void
jw_kint(struct jw *w, const char *k, int64_t v)
{
	jw_key(w, k);
	jw_int(w, v);
}

void
jw_kbool(struct jw *w, const char *k, bool v)
{
	jw_key(w, k);
	jw_bool(w, v);
}

void
jw_knull(struct jw *w, const char *k)
{
	jw_key(w, k);
	jw_null(w);
}

void
jw_ktime(struct jw *w, const char *k, int64_t ms)
{
	jw_key(w, k);
	jw_time(w, ms);
}

void
jw_kraw(struct jw *w, const char *k, const char *json)
{
	jw_key(w, k);
	jw_raw(w, json);
}
