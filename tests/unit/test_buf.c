/*
 * test_buf.c: the capped buffer (sticky overflow, never a partial append) and JSON string
 * escaping: controls, DEL, C1, U+2028/2029, and U+FFFD for bytes that are not UTF-8.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "tap.h"

/* Escapes len bytes and compares the result with want. */
static void
check_json(const char *s, size_t len, const char *want, const char *name)
{
	struct buf b;

	buf_init(&b, 1024);
	ok(buf_json_str(&b, s, len), "%s: fits", name);
	is_str(b.p, want, name);
	buf_release(&b);
}

#define JSON(lit, want, name) check_json(lit, sizeof(lit) - 1, want, name)

static void
test_basic(void)
{
	struct buf b;
	char *p;

	buf_init(&b, 10);
	is_str(b.p, "", "a new buffer reads as the empty string");
	is_int(b.len, 0, "a new buffer is empty");
	ok(buf_puts(&b, "abc") && buf_putc(&b, 'd'), "appends within the cap succeed");
	is_str(b.p, "abcd", "data is NUL-terminated");
	ok(buf_printf(&b, "%d%s", 12, "ef"), "printf within the cap succeeds");
	is_str(b.p, "abcd12ef", "printf appended");
	ok(!buf_puts(&b, "xyz"), "an append past the cap fails");
	ok(b.overflow, "overflow is set");
	is_str(b.p, "abcd12ef", "the failed append stored nothing");
	ok(!buf_putc(&b, 'x'), "overflow is sticky: a small append is refused too");
	is_int(b.len, 8, "length unchanged after refused appends");
	buf_reset(&b);
	ok(!b.overflow && b.len == 0 && b.p[0] == '\0', "buf_reset empties and clears overflow");
	ok(buf_append(&b, "0123456789", 10), "exactly max bytes fit");
	ok(!buf_putc(&b, 'x'), "one more does not");
	buf_reset(&b);
	ok(!buf_printf(&b, "%s", "01234567890"), "a printf past the cap fails");
	ok(b.overflow && b.len == 0 && b.p[0] == '\0', "a failed printf leaves nothing behind");
	buf_reset(&b);
	buf_puts(&b, "keep");
	p = buf_steal(&b);
	is_str(p, "keep", "buf_steal hands over the data");
	ok(b.len == 0 && b.p[0] == '\0', "buf_steal leaves the buffer empty");
	free(p);
	p = buf_steal(&b);
	is_str(p, "", "stealing an empty buffer gives a freeable empty string");
	free(p);
	buf_release(&b);

	buf_init(&b, 0);
	ok(!buf_putc(&b, 'x') && b.overflow, "a zero-cap buffer refuses everything");
	buf_release(&b);
}

static void
test_growth(void)
{
	struct buf b;
	bool all = true;
	int i;

	buf_init(&b, 100000);
	for (i = 0; i < 10000; i++)
		all &= buf_printf(&b, "%04d", i % 10000);
	ok(all, "40000 bytes of printf grow the buffer");
	is_int(b.len, 40000, "length counts every byte");
	ok(memcmp(b.p + 39996, "9999", 4) == 0 && b.p[40000] == '\0', "the tail is intact");
	buf_release(&b);
}

static void
test_json(void)
{
	struct buf b;

	JSON("plain", "\"plain\"", "plain text is quoted");
	JSON("a\"b\\c", "\"a\\\"b\\\\c\"", "quote and backslash are escaped");
	JSON("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"", "short escapes for common controls");
	JSON("\x01\x1f", "\"\\u0001\\u001f\"", "other C0 controls as \\u00XX");
	JSON("a\x7f", "\"a\\u007f\"", "DEL is escaped");
	JSON("\xc2\x85", "\"\\u0085\"", "C1 control U+0085 is escaped");
	JSON("x\xe2\x80\xa8y\xe2\x80\xa9", "\"x\\u2028y\\u2029\"", "U+2028 and U+2029 are escaped");
	JSON("<a&b>", "\"<a&b>\"", "HTML characters pass through");
	JSON("\xc3\xa9\xf0\x9f\x98\x80", "\"\xc3\xa9\xf0\x9f\x98\x80\"",
	     "valid multi-byte UTF-8 passes through");
	JSON("a\0b", "\"a\\u0000b\"", "an embedded NUL is escaped, not cut");
	JSON("\xff", "\"\xef\xbf\xbd\"", "FF becomes U+FFFD");
	JSON("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"", "overlong C0 AF becomes two U+FFFD");
	JSON("\xe2\x82", "\"\xef\xbf\xbd\"", "truncated E2 82 becomes one U+FFFD");
	JSON("\xed\xa0\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
	     "a surrogate ED A0 80 becomes three U+FFFD");
	JSON("\xf4\x90\x80\x80", "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"",
	     "above U+10FFFF becomes U+FFFD per byte");
	JSON("ok\xe2\x82x", "\"ok\xef\xbf\xbdx\"", "text after a bad sequence is kept");

	buf_init(&b, 8);
	buf_puts(&b, "ab");
	ok(!buf_json_str(&b, "0123456789", 10), "a string past the cap fails");
	is_str(b.p, "ab", "no half-written string is left behind");
	is_int(b.len, 2, "length restored");
	ok(b.overflow, "overflow is set");
	buf_release(&b);
}

int
main(void)
{
	test_basic();
	test_growth();
	test_json();
	return tap_done();
}
