/*
 * utf8.h: UTF-8 validation and the text rules of staff-admin.md §1.5 (SEC X01).
 */
#ifndef ROSTER_UTF8_H
#define ROSTER_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strict: no overlongs, no surrogates, nothing above U+10FFFF, no NUL byte. */
bool utf8_valid(const char *s, size_t len);
/* Number of code points in valid UTF-8. */
size_t utf8_count(const char *s, size_t len);
/*
 * Decodes the code point at s (len > 0 bytes available) and sets *n to its byte length. An
 * ill-formed or truncated sequence returns -1 with *n the bytes to skip (the maximal
 * ill-formed subpart, at least 1), which is where Unicode puts one U+FFFD. NUL decodes as 0.
 */
int32_t utf8_decode(const char *s, size_t len, size_t *n);

enum text_kind {
	TEXT_NAME,     /* no controls at all, no outer whitespace */
	TEXT_FREE,     /* LF and TAB allowed, outer whitespace allowed */
	TEXT_PASSWORD, /* length only */
};

/*
 * Checks valid UTF-8, the code-point count in [min, max] and, except for passwords, no
 * C0/C1 controls (LF and TAB for free text), no bidi controls (U+202A-202E, U+2066-2069),
 * no zero-width characters (U+200B-200D, U+FEFF). On failure *reason is a static sentence.
 */
bool text_check(const char *s, size_t len, enum text_kind kind, size_t min, size_t max,
		const char **reason);

#endif
