/*
 * test_jw.c: the streaming JSON writer (commas, nesting, escaping, numbers, times) and the
 * JSON-lines logger built on the same escaping, whose output is captured from stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/limits.h"
#include "core/log.h"
#include "json/jw.h"
#include "tap.h"

static void
test_shape(void)
{
	struct buf b;
	struct jw w;

	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "success", "yes");
	jw_kint(&w, "n", -9223372036854775807LL - 1);
	jw_kbool(&w, "t", true);
	jw_knull(&w, "z");
	jw_key(&w, "list");
	jw_arr(&w);
	jw_int(&w, 1);
	jw_str(&w, NULL);
	jw_arr(&w);
	jw_arr_end(&w);
	jw_obj(&w);
	jw_obj_end(&w);
	jw_obj(&w);
	jw_kint(&w, "a", 1);
	jw_kint(&w, "b", 2);
	jw_obj_end(&w);
	jw_bool(&w, false);
	jw_arr_end(&w);
	jw_kraw(&w, "raw", "{\"x\":[1]}");
	jw_kraw(&w, "rawnull", NULL);
	jw_key(&w, "s");
	jw_strn(&w, "abcdef", 3);
	jw_obj_end(&w);
	is_str(b.p,
	       "{\"success\":\"yes\",\"n\":-9223372036854775808,\"t\":true,\"z\":null,"
	       "\"list\":[1,null,[],{},{\"a\":1,\"b\":2},false],\"raw\":{\"x\":[1]},"
	       "\"rawnull\":null,\"s\":\"abc\"}",
	       "commas and nesting are placed by the writer");
	is_int(w.depth, 0, "depth back to 0");
	ok(!b.overflow, "no overflow");

	buf_reset(&b);
	jw_init(&w, &b);
	jw_arr(&w);
	jw_arr_end(&w);
	jw_arr(&w);
	jw_arr_end(&w);
	is_str(b.p, "[],[]", "top-level values are separated too");
	buf_release(&b);
}

static void
test_escape(void)
{
	struct buf b;
	struct jw w;

	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_kstr(&w, "k\"ey", "a\"b\\c\n\x01\x7f\xe2\x80\xa8\xe2\x80\xa9</script>");
	jw_obj_end(&w);
	is_str(b.p, "{\"k\\\"ey\":\"a\\\"b\\\\c\\n\\u0001\\u007f\\u2028\\u2029</script>\"}",
	       "keys and values are escaped, U+2028/2029 included");
	buf_reset(&b);
	jw_init(&w, &b);
	jw_str(&w, "bad \xff byte");
	is_str(b.p, "\"bad \xef\xbf\xbd byte\"", "invalid UTF-8 becomes U+FFFD");
	buf_release(&b);
}

static void
test_numbers(void)
{
	static const struct {
		double v;
		const char *want;
	} cases[] = {
		{ 0, "0" },	     { 42, "42" },	  { -3, "-3" },		{ 2.5, "2.5" },
		{ 0.1, "0.1" },	     { 1.25, "1.25" },	  { 1.239, "1.24" },	{ -0.001, "0" },
		{ 1e15, "1000000000000000" },		  { -2.75, "-2.75" },
	};
	struct buf b;
	struct jw w;
	size_t i;

	buf_init(&b, 4096);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(&b);
		jw_init(&w, &b);
		jw_num(&w, cases[i].v);
		is_str(b.p, cases[i].want, cases[i].want);
	}
	buf_reset(&b);
	jw_init(&w, &b);
	jw_arr(&w);
	jw_num(&w, NAN);
	jw_num(&w, INFINITY);
	jw_arr_end(&w);
	is_str(b.p, "[null,null]", "NaN and infinity write null");
	buf_release(&b);
}

static void
test_time(void)
{
	struct buf b;
	struct jw w;

	buf_init(&b, 4096);
	jw_init(&w, &b);
	jw_obj(&w);
	jw_ktime(&w, "at", 1741944600123);
	jw_ktime(&w, "never", 0);
	jw_obj_end(&w);
	is_str(b.p, "{\"at\":\"2025-03-14T09:30:00.123Z\",\"never\":null}",
	       "times are RFC 3339 UTC ms; 0 is null");
	buf_release(&b);
}

static void
test_overflow(void)
{
	struct buf b;
	struct jw w;
	int i;

	buf_init(&b, 64);
	jw_init(&w, &b);
	jw_arr(&w);
	for (i = 0; i < 100; i++)
		jw_str(&w, "0123456789");
	jw_arr_end(&w);
	ok(b.overflow, "writing past the cap sets overflow once for the caller to check");
	ok(b.len <= 64, "the buffer never passes its cap (%zu)", b.len);
	buf_release(&b);
}

/* Runs fn with stderr redirected to a temporary file and returns what it wrote. */
static char *
capture(void (*fn)(void), char *out, size_t size)
{
	char path[] = "/tmp/roster_log_XXXXXX";
	int fd = mkstemp(path), saved = dup(STDERR_FILENO);
	ssize_t r;
	size_t len = 0;

	out[0] = '\0';
	if (fd < 0 || saved < 0)
		return out;
	unlink(path);
	dup2(fd, STDERR_FILENO);
	fn();
	dup2(saved, STDERR_FILENO);
	close(saved);
	lseek(fd, 0, SEEK_SET);
	while (len + 1 < size && (r = read(fd, out + len, size - 1 - len)) > 0)
		len += (size_t)r;
	out[len] = '\0';
	close(fd);
	return out;
}

static void
log_plain(void)
{
	log_info("http.request", "line one\nforged \"line\" %d\x01", 7);
}

static void
log_levels(void)
{
	log_set_level(LOG_WARN);
	log_info("hidden", "not written");
	log_warn("shown", "written");
	log_set_level(LOG_INFO);
}

static void
log_pairs(void)
{
	static const char *const kv[] = { "requestId", "r1", "ip", NULL, "route", "/api/x\n",
					  NULL };

	log_kv(LOG_ERROR, "storage.error", "store down", kv);
	log_raw(LOG_INFO, "job.run", "done", "\"durationMs\":12");
}

static void
log_huge(void)
{
	static char big[LIMIT_LOG_LINE * 2];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info("big", "%s", big);
}

static int
count_char(const char *s, char c)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == c;
	return n;
}

static void
test_log(void)
{
	static char out[LIMIT_LOG_LINE * 3];
	enum log_level lvl = LOG_ERROR;
	const char *p;

	ok(log_level_parse("debug", &lvl) && lvl == LOG_DEBUG, "parse debug");
	ok(log_level_parse("warn", &lvl) && lvl == LOG_WARN, "parse warn");
	ok(!log_level_parse("verbose", &lvl) && !log_level_parse("INFO", &lvl),
	   "unknown levels refused");
	log_set_level(LOG_INFO);
	ok(!log_enabled(LOG_DEBUG) && log_enabled(LOG_INFO), "info level hides debug");

	capture(log_plain, out, sizeof(out));
	ok(strncmp(out, "{\"ts\":\"", 7) == 0 && out[7 + 23] == 'Z', "a line starts with ts: %.40s",
	   out);
	p = strstr(out, "\",\"level\":\"info\",\"event\":\"http.request\",\"msg\":\"");
	ok(p != NULL, "level, event and msg follow in order");
	ok(strstr(out, "\"msg\":\"line one\\nforged \\\"line\\\" 7\\u0001\"}\n") != NULL,
	   "the message is escaped and the line ends with }\\n");
	is_int(count_char(out, '\n'), 1, "one line, however many newlines the message held");

	capture(log_levels, out, sizeof(out));
	ok(strstr(out, "not written") == NULL, "a line below the level is not written");
	ok(strstr(out, "\"level\":\"warn\",\"event\":\"shown\"") != NULL, "warn is written");

	capture(log_pairs, out, sizeof(out));
	ok(strstr(out, "\"msg\":\"store down\",\"requestId\":\"r1\",\"route\":\"/api/x\\n\"}\n") !=
		   NULL,
	   "log_kv escapes values and skips NULL ones");
	ok(strstr(out, "\"msg\":\"done\",\"durationMs\":12}\n") != NULL,
	   "log_raw appends pre-rendered members");
	is_int(count_char(out, '\n'), 2, "two calls, two lines");

	capture(log_huge, out, sizeof(out));
	ok(strlen(out) <= LIMIT_LOG_LINE, "an oversized line is cut to the limit (%zu)",
	   strlen(out));
	ok(strstr(out, "\",\"truncated\":true}\n") != NULL, "and says it was truncated");
	ok(strlen(out) > LIMIT_LOG_LINE - 100, "while keeping as much message as fits");
}

int
main(void)
{
	test_shape();
	test_escape();
	test_numbers();
	test_time();
	test_overflow();
	test_log();
	return tap_done();
}
