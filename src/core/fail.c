/*
 * fail.c: rendering of error details; see fail.h.
 */
#include "core/fail.h"

#include <stdarg.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"

enum err
fail_set(struct fail *f, struct arena *a, enum err err, ...)
{
	struct buf b;
	const char *k, *v;
	bool first = true;
	va_list ap;

	buf_init(&b, LIMIT_DETAILS);
	buf_putc(&b, '{');
	va_start(ap, err);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (v == NULL)
			continue;
		if (!first)
			buf_putc(&b, ',');
		first = false;
		buf_json_str(&b, k, strlen(k));
		buf_putc(&b, ':');
		buf_json_str(&b, v, strlen(v));
	}
	va_end(ap);
	buf_putc(&b, '}');
	f->err = err;
	f->details = (first || b.overflow) ? NULL : arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return err;
}

enum err
fail_raw(struct fail *f, enum err err, const char *details_json)
{
	f->err = err;
	f->details = details_json;
	return err;
}

enum err
fail_field(struct fail *f, struct arena *a, enum err err, const char *field, const char *reason)
{
	return fail_set(f, a, err, "field", field, "reason", reason, (const char *)NULL);
}
