/*
 * test_utf8.c: strict UTF-8 validation and the text rules of staff-admin.md §1.5 for names,
 * free text and passwords, one case per reason.
 */
#include <string.h>

#include "core/utf8.h"
#include "tap.h"

#define VALID(lit) utf8_valid(lit, sizeof(lit) - 1)

static void
test_valid(void)
{
	ok(VALID(""), "empty is valid");
	ok(VALID("hello"), "ASCII is valid");
	ok(VALID("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), "2-, 3- and 4-byte sequences are valid");
	ok(VALID("\xef\xbf\xbf\xf4\x8f\xbf\xbf"), "U+FFFF and U+10FFFF are valid");
	ok(VALID("\xed\x9f\xbf\xee\x80\x80"), "U+D7FF and U+E000 around the surrogates are valid");
	ok(!VALID("a\0b"), "an embedded NUL is refused");
	ok(!VALID("\xc0\xaf"), "overlong C0 AF is refused");
	ok(!VALID("\xc1\xbf"), "overlong C1 BF is refused");
	ok(!VALID("\xe0\x80\xaf"), "overlong 3-byte is refused");
	ok(!VALID("\xf0\x80\x80\xaf"), "overlong 4-byte is refused");
	ok(!VALID("\xed\xa0\x80"), "surrogate U+D800 is refused");
	ok(!VALID("\xed\xbf\xbf"), "surrogate U+DFFF is refused");
	ok(!VALID("\xf4\x90\x80\x80"), "U+110000 is refused");
	ok(!VALID("\xf5\x80\x80\x80"), "lead F5 is refused");
	ok(!VALID("\xff"), "FF is refused");
	ok(!VALID("\x80"), "a lone continuation byte is refused");
	ok(!VALID("\xe2\x82"), "a truncated sequence is refused");
	ok(!VALID("\xe2\x82z"), "a sequence cut by ASCII is refused");
	ok(!utf8_valid("\xc3\xa9", 1), "validation stops at len, not at NUL");
	is_int(utf8_count("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 10), 4, "count code points");
	is_int(utf8_count("", 0), 0, "count of empty is 0");
}

static void
test_decode(void)
{
	size_t n;

	is_int(utf8_decode("\xe2\x82\xac", 3, &n), 0x20AC, "decode U+20AC");
	is_int(n, 3, "U+20AC is three bytes");
	is_int(utf8_decode("\xf0\x9f\x98\x80", 4, &n), 0x1F600, "decode U+1F600");
	is_int(utf8_decode("\0", 1, &n), 0, "NUL decodes as 0");
	is_int(utf8_decode("\xe2\x82\xac", 2, &n), -1, "truncated by len is ill-formed");
	is_int(n, 2, "the valid prefix is one subpart");
	is_int(utf8_decode("\xed\xa0\x80", 3, &n), -1, "a surrogate is ill-formed");
	is_int(n, 1, "only the lead byte is skipped before a bad second byte");
	is_int(utf8_decode("\xf0\x9f\x98z", 4, &n), -1, "a 4-byte sequence cut by ASCII");
	is_int(n, 3, "three bytes form the subpart");
}

/* Runs text_check on a literal and returns the reason, or "ok". */
static const char *
check(const char *s, size_t len, enum text_kind kind, size_t min, size_t max)
{
	const char *reason = NULL;

	return text_check(s, len, kind, min, max, &reason) ? "ok" : reason;
}

#define CHECK(lit, kind, min, max) check(lit, sizeof(lit) - 1, kind, min, max)

static void
test_text(void)
{
	is_str(CHECK("Moderator", TEXT_NAME, 2, 50), "ok", "a plain name passes");
	is_str(CHECK("Mod\xc3\xa9rateur \xe6\x97\xa5", TEXT_NAME, 2, 50), "ok",
	       "a name with inner space and non-ASCII passes");
	is_str(CHECK("x", TEXT_NAME, 2, 50), "is too short", "below min");
	is_str(CHECK("\xc3\xa9\xc3\xa9\xc3\xa9", TEXT_NAME, 1, 3), "ok",
	       "length counts code points, not bytes");
	is_str(CHECK("abcd", TEXT_NAME, 1, 3), "is too long", "above max");
	is_str(CHECK("a\xff", TEXT_NAME, 0, 50), "is not valid UTF-8", "bad UTF-8");
	is_str(CHECK("a\0b", TEXT_FREE, 0, 50), "is not valid UTF-8", "NUL is refused");
	is_str(CHECK("a\nb", TEXT_NAME, 0, 50), "contains a control character", "LF in a name");
	is_str(CHECK("a\tb", TEXT_NAME, 0, 50), "contains a control character", "TAB in a name");
	is_str(CHECK("a\x7f", TEXT_NAME, 0, 50), "contains a control character", "DEL");
	is_str(CHECK("a\xc2\x85z", TEXT_NAME, 0, 50), "contains a control character",
	       "C1 control U+0085");
	is_str(CHECK("a\xc2\x9f", TEXT_FREE, 0, 50), "contains a control character",
	       "C1 control U+009F in free text");
	is_str(CHECK("a\xe2\x80\xae" "b", TEXT_NAME, 0, 50),
	       "contains a bidirectional control character", "U+202E");
	is_str(CHECK("a\xe2\x81\xa6", TEXT_FREE, 0, 50),
	       "contains a bidirectional control character", "U+2066 in free text");
	is_str(CHECK("a\xe2\x80\x8b", TEXT_NAME, 0, 50), "contains a zero-width character",
	       "U+200B");
	is_str(CHECK("\xef\xbb\xbfx", TEXT_FREE, 0, 50), "contains a zero-width character",
	       "U+FEFF");
	is_str(CHECK(" Mod", TEXT_NAME, 0, 50), "must not start or end with whitespace",
	       "leading space");
	is_str(CHECK("Mod ", TEXT_NAME, 0, 50), "must not start or end with whitespace",
	       "trailing space");
	is_str(CHECK("\xc2\xa0Mod", TEXT_NAME, 0, 50), "must not start or end with whitespace",
	       "leading U+00A0");
	is_str(CHECK("Mod\xe3\x80\x80", TEXT_NAME, 0, 50),
	       "must not start or end with whitespace", "trailing U+3000");
	is_str(CHECK("Mod\xe2\x80\xa8", TEXT_NAME, 0, 50),
	       "must not start or end with whitespace", "trailing U+2028");
	is_str(CHECK("", TEXT_NAME, 0, 50), "ok", "empty name within bounds passes");
	is_str(CHECK(" line one\n\tline two ", TEXT_FREE, 0, 500), "ok",
	       "free text allows LF, TAB and outer spaces");
	is_str(CHECK("a\rb", TEXT_FREE, 0, 500), "contains a control character",
	       "CR is refused in free text");
	is_str(CHECK(" \x01\xe2\x80\xae\xe2\x80\x8b ", TEXT_PASSWORD, 1, 256), "ok",
	       "passwords are checked for length only");
	is_str(CHECK("short", TEXT_PASSWORD, 8, 256), "is too short", "short password");
	is_str(CHECK("p\xff", TEXT_PASSWORD, 1, 256), "is not valid UTF-8",
	       "passwords must still be UTF-8");
}

int
main(void)
{
	test_valid();
	test_decode();
	test_text();
	return tap_done();
}
