/*
 * snapshot.c: JSON objects for audit snapshots and error details; see snapshot.h. Commas are
 * placed here, strings escaped by buf_json_str, so callers only name members.
 */
#include "model/snapshot.h"

#include <inttypes.h>
#include <string.h>

#include "core/limits.h"

static void
snap_release(void *p)
{
	buf_release(p);
}

/* Comma before every member or item but the first of its level. */
static void
snap_sep(struct snap *s)
{
	uint32_t bit = (uint32_t)1 << s->depth;

	if (s->has_item & bit)
		buf_putc(s->b, ',');
	s->has_item |= bit;
}

static void
snap_key(struct snap *s, const char *k)
{
	snap_sep(s);
	if (k != NULL) {
		buf_json_str(s->b, k, strlen(k));
		buf_putc(s->b, ':');
	}
}

static void
snap_open(struct snap *s, char ch)
{
	buf_putc(s->b, ch);
	/* Nesting is fixed by the callers (three levels at most); past 31 is a programmer error. */
	if (s->depth < 31)
		s->depth++;
	s->has_item &= ~((uint32_t)1 << s->depth);
}

static void
snap_close(struct snap *s, char ch)
{
	buf_putc(s->b, ch);
	if (s->depth > 0)
		s->depth--;
}

void
snap_begin(struct snap *s, struct arena *a)
{
	s->a = a;
	s->b = arena_alloc(a, sizeof(*s->b));
	/* Audit snapshots may list every user of a role; a response never exceeds this either. */
	buf_init(s->b, LIMIT_RESPONSE);
	arena_defer(a, snap_release, s->b);
	s->depth = 0;
	s->has_item = 0;
	snap_open(s, '{');
}

void
snap_str(struct snap *s, const char *k, const char *v)
{
	snap_key(s, k);
	if (v == NULL)
		buf_puts(s->b, "null");
	else
		buf_json_str(s->b, v, strlen(v));
}

void
snap_int(struct snap *s, const char *k, int64_t v)
{
	snap_key(s, k);
	buf_printf(s->b, "%" PRId64, v);
}

void
snap_bool(struct snap *s, const char *k, bool v)
{
	snap_key(s, k);
	buf_puts(s->b, v ? "true" : "false");
}

void
snap_null(struct snap *s, const char *k)
{
	snap_key(s, k);
	buf_puts(s->b, "null");
}

void
snap_strs(struct snap *s, const char *k, const char *const *v, size_t n)
{
	snap_arr(s, k);
	for (size_t i = 0; i < n; i++)
		snap_item(s, v[i]);
	snap_arr_end(s);
}

void
snap_obj(struct snap *s, const char *k)
{
	snap_key(s, k);
	snap_open(s, '{');
}

void
snap_obj_end(struct snap *s)
{
	snap_close(s, '}');
}

void
snap_arr(struct snap *s, const char *k)
{
	snap_key(s, k);
	snap_open(s, '[');
}

void
snap_arr_end(struct snap *s)
{
	snap_close(s, ']');
}

void
snap_item(struct snap *s, const char *v)
{
	snap_key(s, NULL);
	if (v == NULL)
		buf_puts(s->b, "null");
	else
		buf_json_str(s->b, v, strlen(v));
}

const char *
snap_end(struct snap *s)
{
	snap_close(s, '}');
	if (s->b->overflow)
		return NULL;
	return arena_strndup(s->a, s->b->p, s->b->len);
}
