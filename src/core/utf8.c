/*
 * utf8.c: strict UTF-8 decoding and the text rules of staff-admin.md §1.5 (SEC X01). The
 * decoder follows Unicode's table of well-formed byte sequences, so overlongs, surrogates and
 * values above U+10FFFF never decode; every text check is built on it.
 */
#include "core/utf8.h"

/* Second-byte range for each lead byte (Unicode 15, table 3-7); the rest are 80..BF. */
static bool
lead_info(unsigned char c, size_t *need, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c >= 0xC2 && c <= 0xDF) {
		*need = 2;
	} else if (c == 0xE0) {
		*need = 3;
		*lo = 0xA0; /* below is an overlong */
	} else if (c == 0xED) {
		*need = 3;
		*hi = 0x9F; /* above are the surrogates D800-DFFF */
	} else if (c >= 0xE1 && c <= 0xEF) {
		*need = 3;
	} else if (c == 0xF0) {
		*need = 4;
		*lo = 0x90; /* below is an overlong */
	} else if (c >= 0xF1 && c <= 0xF3) {
		*need = 4;
	} else if (c == 0xF4) {
		*need = 4;
		*hi = 0x8F; /* above is past U+10FFFF */
	} else {
		return false; /* 80..C1 and F5..FF never start a sequence */
	}
	return true;
}

int32_t
utf8_decode(const char *s, size_t len, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char lo, hi;
	size_t need, i;
	int32_t cp;

	*n = 1;
	if (u[0] < 0x80)
		return u[0];
	if (!lead_info(u[0], &need, &lo, &hi))
		return -1;
	if (len < 2 || u[1] < lo || u[1] > hi)
		return -1;
	cp = u[0] & (need == 2 ? 0x1F : need == 3 ? 0x0F : 0x07);
	cp = (cp << 6) | (u[1] & 0x3F);
	for (i = 2; i < need; i++) {
		if (i >= len || (u[i] & 0xC0) != 0x80) {
			*n = i; /* the valid prefix is one ill-formed subpart */
			return -1;
		}
		cp = (cp << 6) | (u[i] & 0x3F);
	}
	*n = need;
	return cp;
}

bool
utf8_valid(const char *s, size_t len)
{
	size_t i = 0, n;

	while (i < len) {
		/* ASCII fast path; NUL is refused so no C string can hide a cut. */
		if ((unsigned char)s[i] < 0x80) {
			if (s[i] == '\0')
				return false;
			i++;
			continue;
		}
		if (utf8_decode(s + i, len - i, &n) < 0)
			return false;
		i += n;
	}
	return true;
}

size_t
utf8_count(const char *s, size_t len)
{
	size_t i, count = 0;

	/* Valid input: every byte that is not a continuation byte starts a code point. */
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			count++;
	return count;
}

static bool
is_control(int32_t cp, enum text_kind kind)
{
	if (kind == TEXT_FREE && (cp == '\n' || cp == '\t'))
		return false;
	return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); /* C0, DEL, C1 */
}

static bool
is_bidi(int32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

static bool
is_zero_width(int32_t cp)
{
	return (cp >= 0x200B && cp <= 0x200D) || cp == 0xFEFF;
}

/* White_Space code points of Unicode, which a name must not begin or end with. */
static bool
is_space(int32_t cp)
{
	switch (cp) {
	case ' ':
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
	case 0x85:
	case 0xA0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202F:
	case 0x205F:
	case 0x3000:
		return true;
	default:
		return cp >= 0x2000 && cp <= 0x200A;
	}
}

/* Scans code points; returns the reason for the first forbidden one, or NULL. */
static const char *
scan_text(const char *s, size_t len, enum text_kind kind, int32_t *first, int32_t *last)
{
	size_t i = 0, n;
	int32_t cp;

	*first = *last = -1;
	while (i < len) {
		cp = utf8_decode(s + i, len - i, &n);
		i += n;
		if (*first < 0)
			*first = cp;
		*last = cp;
		if (is_control(cp, kind))
			return "contains a control character";
		if (is_bidi(cp))
			return "contains a bidirectional control character";
		if (is_zero_width(cp))
			return "contains a zero-width character";
	}
	return NULL;
}

bool
text_check(const char *s, size_t len, enum text_kind kind, size_t min, size_t max,
	   const char **reason)
{
	const char *why;
	size_t count;
	int32_t first, last;

	if (!utf8_valid(s, len)) {
		*reason = "is not valid UTF-8";
		return false;
	}
	count = utf8_count(s, len);
	if (count < min) {
		*reason = "is too short";
		return false;
	}
	if (count > max) {
		*reason = "is too long";
		return false;
	}
	if (kind == TEXT_PASSWORD)
		return true; /* SECURITY.md §5: passwords are checked for length only */
	why = scan_text(s, len, kind, &first, &last);
	if (why != NULL) {
		*reason = why;
		return false;
	}
	if (kind == TEXT_NAME && len > 0 && (is_space(first) || is_space(last))) {
		*reason = "must not start or end with whitespace";
		return false;
	}
	return true;
}
