/*
 * fail.c: rendering of error details; see fail.h.
 */
#include "core/fail.h"

#include <stdarg.h>
#include <string.h>

#include "core/buf.h"
#include "core/limits.h"

static char *
json_kv_v(struct arena *a, va_list ap)
{
	struct buf b;
	const char *k, *v;
	bool first = true;
	char *out;

	buf_init(&b, LIMIT_DETAILS);
	buf_putc(&b, '{');
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
	buf_putc(&b, '}');
	out = (first || b.overflow) ? NULL : arena_strndup(a, b.p, b.len);
	buf_release(&b);
	return out;
}

char *
json_kv(struct arena *a, ...)
{
	va_list ap;
	char *out;

	va_start(ap, a);
	out = json_kv_v(a, ap);
	va_end(ap);
	return out;
}

enum err
fail_set(struct fail *f, struct arena *a, enum err err, ...)
{
	va_list ap;

	va_start(ap, err);
	f->err = err;
	f->details = json_kv_v(a, ap);
	va_end(ap);
	return err;
}

enum err
fail_readmin(struct fail *f, enum err err, int status, const char *reason)
{
	f->err = err;
	f->details = NULL;
	f->status = status;
	f->reason = reason;
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
	fail_set(f, a, err, "field", field, "reason", reason, (const char *)NULL);
	f->field = field ? arena_strdup(a, field) : NULL;
	return err;
}
