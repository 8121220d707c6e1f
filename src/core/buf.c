/*
 * buf.c: the capped byte buffer (see buf.h). Invariants: len <= max, len < cap unless cap is
 * 0, p[len] == '\0'. A buffer that never grew points at a shared empty string and owns no
 * heap memory, so buf_init() cannot fail and costs nothing. Once overflow is set every
 * append is refused, so a writer never emits a document with a hole in the middle.
 */
#include "core/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/xmalloc.h"

#define BUF_MIN_CAP 64

/* Never written: a buffer with cap 0 grows before its first byte is stored. */
static char buf_empty[1];

void
buf_init(struct buf *b, size_t max)
{
	b->p = buf_empty;
	b->len = 0;
	b->cap = 0;
	b->max = max;
	b->overflow = false;
}

void
buf_release(struct buf *b)
{
	if (b->cap > 0)
		free(b->p);
	buf_init(b, b->max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap > 0)
		b->p[0] = '\0';
	b->overflow = false;
}

char *
buf_steal(struct buf *b)
{
	char *p = b->cap > 0 ? b->p : xstrdup("");

	buf_init(b, b->max);
	return p;
}

/* Makes room for n more bytes plus the NUL; sets overflow and fails past the cap. */
static bool
buf_reserve(struct buf *b, size_t n)
{
	size_t need, cap;

	if (b->overflow)
		return false;
	if (n > b->max - b->len) {
		b->overflow = true;
		return false;
	}
	need = b->len + n + 1; /* cannot wrap: len + n <= max < SIZE_MAX */
	if (need <= b->cap)
		return true;
	cap = b->cap < BUF_MIN_CAP ? BUF_MIN_CAP : b->cap;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	if (cap - 1 > b->max)
		cap = b->max + 1;
	if (b->cap == 0) {
		b->p = xmalloc(cap);
		b->p[0] = '\0';
	} else {
		b->p = xrealloc(b->p, cap);
	}
	b->cap = cap;
	return true;
}

bool
buf_append(struct buf *b, const void *p, size_t len)
{
	if (!buf_reserve(b, len))
		return false;
	if (len > 0)
		memcpy(b->p + b->len, p, len);
	b->len += len;
	b->p[b->len] = '\0';
	return true;
}

bool
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

bool
buf_putc(struct buf *b, char c)
{
	/* The writer's commas, colons and quotes: skip the general path when there is room. */
	if (!b->overflow && b->p != NULL && b->len + 2 <= b->cap) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
		return true;
	}
	return buf_append(b, &c, 1);
}

bool
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (b->overflow)
		return false;
	/* First try the room already there; most calls fit and format once. */
	room = b->cap > 0 ? b->cap - b->len : 0;
	va_start(ap, fmt);
	n = vsnprintf(room > 0 ? b->p + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		if (b->cap > 0)
			b->p[b->len] = '\0';
		b->overflow = true; /* an unformattable value is never stored half-way */
		return false;
	}
	if ((size_t)n < room && (size_t)n <= b->max - b->len) {
		b->len += (size_t)n;
		return true;
	}
	if (b->cap > 0)
		b->p[b->len] = '\0'; /* undo the partial output */
	if (!buf_reserve(b, (size_t)n))
		return false;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return true;
}

static const char hex_digits[] = "0123456789abcdef";

/* \u00XX for a code point below U+0100, or \uXXXX for U+2028 and U+2029. */
static bool
put_u_escape(struct buf *b, int32_t cp)
{
	char e[6] = { '\\', 'u' };

	e[2] = hex_digits[(cp >> 12) & 0xF];
	e[3] = hex_digits[(cp >> 8) & 0xF];
	e[4] = hex_digits[(cp >> 4) & 0xF];
	e[5] = hex_digits[cp & 0xF];
	return buf_append(b, e, sizeof(e));
}

/* Appends the escape for an ASCII byte that needs one; *handled says whether it did. */
static bool
ascii_escape(struct buf *b, unsigned char c, bool *handled)
{
	const char *e = NULL;

	*handled = true;
	switch (c) {
	case '"':
		e = "\\\"";
		break;
	case '\\':
		e = "\\\\";
		break;
	case '\n':
		e = "\\n";
		break;
	case '\t':
		e = "\\t";
		break;
	case '\r':
		e = "\\r";
		break;
	case '\b':
		e = "\\b";
		break;
	case '\f':
		e = "\\f";
		break;
	default:
		if (c < 0x20 || c == 0x7F)
			return put_u_escape(b, c);
		*handled = false;
		return true;
	}
	return buf_append(b, e, 2);
}

bool
buf_json_str(struct buf *b, const char *s, size_t len)
{
	static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */
	size_t start = b->len, i = 0, run = 0, n;
	bool handled, okay;
	int32_t cp;

	okay = buf_putc(b, '"');
	while (okay && i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			okay = ascii_escape(b, c, &handled);
			n = 1;
		} else {
			/* C1 controls and the JavaScript line terminators are escaped; bytes that
			 * are not UTF-8 become U+FFFD so the output is always valid JSON. */
			cp = utf8_decode(s + i, len - i, &n);
			handled = cp < 0 || cp <= 0x9F || cp == 0x2028 || cp == 0x2029;
			if (handled && cp < 0)
				okay = buf_append(b, replacement, 3);
			else if (handled)
				okay = put_u_escape(b, cp);
		}
		if (!handled) {
			run = i;
			i += n;
			/* Copy the longest run of bytes that need no escape in one append. */
			while (i < len && (unsigned char)s[i] >= 0x20 && s[i] != '"' &&
			       s[i] != '\\' && (unsigned char)s[i] < 0x7F)
				i++;
			okay = buf_append(b, s + run, i - run);
			continue;
		}
		i += n;
	}
	if (okay)
		okay = buf_putc(b, '"');
	if (!okay && b->cap > 0) {
		b->len = start; /* no half-written string; overflow stays set */
		b->p[start] = '\0';
	}
	return okay;
}
