/*
 * scrub.c: the snapshot rewriter of erasure; see scrub.h. One pass over the text tells member
 * names from values by the structure around them (a string directly in an object and before
 * its ':' is a name), decodes each string for comparison and copies everything else as is.
 */
#include "model/scrub.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Snapshots nest three levels at most; anything deeper is not one of ours. */
#define SCRUB_DEPTH 64

struct walk {
	struct arena *a;
	const char *p, *end;
	/* rewrite mode: out holds the result (NULL in collect mode) */
	char *out;
	size_t len;
	const struct scrub *s;
	bool changed;
	/* collect mode */
	const char *want;
	const char **vals;
	size_t *n;
	size_t max;
};

static void
emit(struct walk *w, const char *s, size_t len)
{
	if (w->out == NULL)
		return;
	memcpy(w->out + w->len, s, len);
	w->len += len;
}

static int
hex_digit(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Four hex digits at p (end bounds it); -1 when malformed. */
static int32_t
hex4(const char *p, const char *end)
{
	int32_t v = 0;

	if (end - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		int d = hex_digit(p[i]);
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t
utf8_put(char *o, int32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* One \u escape (p after the 'u'), a surrogate pair joined; advances *pp. -1 if malformed. */
static int32_t
unicode_escape(const char **pp, const char *end)
{
	const char *p = *pp;
	int32_t hi = hex4(p, end), lo;

	if (hi < 0 || (hi >= 0xDC00 && hi <= 0xDFFF))
		return -1;
	p += 4;
	if (hi >= 0xD800 && hi <= 0xDBFF) {
		if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
			return -1;
		lo = hex4(p + 2, end);
		if (lo < 0xDC00 || lo > 0xDFFF)
			return -1;
		p += 6;
		hi = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
	}
	*pp = p;
	return hi;
}

/*
 * The string token at w->p (on its opening quote): *text gets the decoded content (NUL-
 * terminated, *text_len bytes) and w->p moves past the closing quote. false when malformed.
 */
static bool
read_string(struct walk *w, char **text, size_t *text_len)
{
	const char *p = w->p + 1;
	/* Decoding never makes text longer than its escaped form. */
	char *o = arena_alloc(w->a, (size_t)(w->end - p) + 1);
	size_t n = 0;

	for (;;) {
		if (p >= w->end || (unsigned char)*p < 0x20)
			return false;
		if (*p == '"')
			break;
		if (*p != '\\') {
			o[n++] = *p++;
			continue;
		}
		if (++p >= w->end)
			return false;
		char esc = *p++;
		const char *map = strchr("\"\\/bfnrt", esc);
		if (esc != '\0' && map != NULL) {
			o[n++] = "\"\\/\b\f\n\r\t"[map - "\"\\/bfnrt"];
		} else if (esc == 'u') {
			int32_t cp = unicode_escape(&p, w->end);
			if (cp < 0)
				return false;
			n += utf8_put(o + n, cp);
		} else {
			return false;
		}
	}
	o[n] = '\0';
	*text = o;
	*text_len = n;
	w->p = p + 1;
	return true;
}

static bool
same_ci(const char *x, size_t len, const char *y)
{
	if (strlen(y) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char a = x[i], b = y[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

static bool
in_list(const char *const *list, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (list[i] != NULL && same_ci(s, len, list[i]))
			return true;
	return false;
}

/* A string value (not a member name) owned by member `owner` (NULL at the top or unnamed). */
static void
on_value(struct walk *w, const char *raw, size_t raw_len, const char *text, size_t len,
	 const char *owner)
{
	static const char erased[] = "\"" SCRUB_ERASED "\"";
	bool has_nul = memchr(text, '\0', len) != NULL;

	if (w->out == NULL) {
		if (owner != NULL && strcmp(owner, w->want) == 0 && !has_nul &&
		    !in_list(w->vals, *w->n, text, len) && *w->n < w->max)
			w->vals[(*w->n)++] = text;
		return;
	}
	bool named = owner != NULL && in_list(w->s->keys, w->s->n_keys, owner, strlen(owner));

	if (!has_nul && (named || in_list(w->s->values, w->s->n_values, text, len))) {
		emit(w, erased, sizeof(erased) - 1);
		w->changed = true;
		return;
	}
	emit(w, raw, raw_len);
}

/*
 * The member a value at this depth belongs to: inside an object the last member name, inside
 * an array the member that holds the array, at the top none.
 */
static const char *
owner_of(const char *type, const char *const *owner, int depth, const char *key)
{
	if (depth == 0)
		return NULL;
	return type[depth - 1] == '{' ? key : owner[depth - 1];
}

/* One pass over the text; false when it is not well-formed enough to trust a rewrite. */
static bool
walk(struct walk *w)
{
	char type[SCRUB_DEPTH];
	const char *owner[SCRUB_DEPTH];
	const char *key = NULL;
	bool expect_key = false;
	int depth = 0;

	while (w->p < w->end) {
		const char *start = w->p;
		char ch = *w->p;
		char *text;
		size_t len;

		if (ch == '{' || ch == '[') {
			if (depth == SCRUB_DEPTH)
				return false;
			owner[depth] = owner_of(type, owner, depth, key);
			type[depth++] = ch;
			expect_key = ch == '{';
			key = NULL;
		} else if (ch == '}' || ch == ']') {
			if (depth == 0 || type[depth - 1] != (ch == '}' ? '{' : '['))
				return false;
			depth--;
			expect_key = false;
		} else if (ch == ',') {
			expect_key = depth > 0 && type[depth - 1] == '{';
		} else if (ch == ':') {
			expect_key = false;
		} else if (ch == '"') {
			if (!read_string(w, &text, &len))
				return false;
			if (depth > 0 && type[depth - 1] == '{' && expect_key) {
				key = text;
				emit(w, start, (size_t)(w->p - start));
			} else {
				on_value(w, start, (size_t)(w->p - start), text, len,
					 owner_of(type, owner, depth, key));
			}
			continue;
		}
		emit(w, start, 1);
		w->p++;
	}
	return depth == 0;
}

const char *
scrub_json(struct arena *a, const char *json, const struct scrub *s)
{
	struct walk w = { .a = a, .p = json, .s = s };
	size_t len;

	if (json == NULL)
		return NULL;
	len = strlen(json);
	w.end = json + len;
	/* The shortest string token is 2 bytes and "[erased]" is 10: at most five times longer. */
	w.out = arena_alloc(a, 5 * len + 1);
	if (!walk(&w) || !w.changed)
		return NULL;
	w.out[w.len] = '\0';
	return w.out;
}

void
scrub_collect(struct arena *a, const char *json, const char *key, const char **out, size_t *n,
	      size_t max)
{
	struct walk w = { .a = a, .p = json, .want = key, .vals = out, .n = n, .max = max };
	size_t before = *n;

	if (json == NULL)
		return;
	w.end = json + strlen(json);
	if (!walk(&w))
		*n = before; /* malformed: trust nothing read from it */
}
