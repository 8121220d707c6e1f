/*
 * url.c: request-target checks and decoding; see url.h.
 */
#include "http/url.h"

#include <string.h>

#include "core/limits.h"
#include "core/utf8.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes len bytes; false on a bad escape, a decoded NUL/CR/LF or invalid UTF-8. */
static bool
url_decode(struct arena *a, const char *s, size_t len, bool plus_space, char **out,
	   size_t *out_len)
{
	char *d = arena_alloc(a, len + 1);
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%') {
			int hi, lo;
			if (i + 2 >= len)
				return false;
			hi = hexval(s[i + 1]);
			lo = hexval(s[i + 2]);
			if (hi < 0 || lo < 0)
				return false;
			c = (char)(hi * 16 + lo);
			i += 2;
			/* SEC P02: a decoded NUL, CR or LF never reaches a handler or a header. */
			if (c == '\0' || c == '\r' || c == '\n')
				return false;
		} else if (c == '+' && plus_space) {
			c = ' ';
		}
		d[n++] = c;
	}
	d[n] = '\0';
	if (!utf8_valid(d, n))
		return false;
	*out = d;
	*out_len = n;
	return true;
}

/* SEC P01: "." and ".." segments, raw or decoded, are refused rather than resolved. */
static bool
has_dot_segment(const char *p)
{
	const char *seg = p;

	while (seg != NULL) {
		if (*seg == '/')
			seg++;
		size_t l = strcspn(seg, "/");
		if ((l == 1 && seg[0] == '.') || (l == 2 && seg[0] == '.' && seg[1] == '.'))
			return true;
		seg = seg[l] == '/' ? seg + l : NULL;
	}
	return false;
}

enum url_result
url_parse(struct arena *a, const char *raw, const char **path, struct qparam **query,
	  size_t *nquery)
{
	size_t rlen = strlen(raw);
	const char *q = memchr(raw, '?', rlen);
	size_t plen = q ? (size_t)(q - raw) : rlen;
	char *dpath;
	size_t dlen;

	*query = NULL;
	*nquery = 0;
	/* SEC F16: only origin-form; absolute-form and `*` are not ours to proxy. */
	if (rlen == 0 || raw[0] != '/')
		return URL_MALFORMED;
	for (size_t i = 0; i < rlen; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (c <= 0x20 || c == 0x7f || c == '#')
			return URL_MALFORMED;
	}
	if (!url_decode(a, raw, plen, false, &dpath, &dlen) || has_dot_segment(dpath))
		return URL_MALFORMED;
	/* SEC P08: "/ranking/" is "/ranking". */
	if (dlen > 1 && dpath[dlen - 1] == '/')
		dpath[--dlen] = '\0';
	*path = dpath;

	if (q == NULL || q[1] == '\0')
		return URL_OK;
	const char *qs = q + 1;
	size_t n = 1;
	for (const char *p = qs; *p; p++)
		if (*p == '&')
			n++;
	if (n > LIMIT_QUERY_PARAMS)
		return URL_TOO_MANY_PARAMS;
	struct qparam *params = arena_alloc(a, n * sizeof(*params));
	size_t k = 0;
	while (*qs) {
		size_t l = strcspn(qs, "&");
		const char *eq = memchr(qs, '=', l);
		size_t nl = eq ? (size_t)(eq - qs) : l;
		char *name, *val;
		size_t name_len, val_len;

		if (l > 0) {
			if (!url_decode(a, qs, nl, true, &name, &name_len))
				return URL_MALFORMED;
			if (!url_decode(a, eq ? eq + 1 : qs + l, eq ? l - nl - 1 : 0, true, &val,
					&val_len))
				return URL_MALFORMED;
			params[k].name = name;
			params[k].value = val;
			params[k].value_len = val_len;
			k++;
		}
		qs += l;
		if (*qs == '&')
			qs++;
	}
	*query = params;
	*nquery = k;
	return URL_OK;
}
