/*
 * test_json.c: strict JSON input (SECURITY.md §5, staff-admin.md §1.5, catalogue rows
 * T01-T07 and T10): what the parser refuses, and what json_check() reports for each kind of
 * bad field, with the exact details object a client would see.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/limits.h"
#include "json/json.h"
#include "tap.h"

static const struct field role_fields[] = {
	{ .name = "name", .type = FT_STRING, .flags = F_REQUIRED, .text = TEXT_NAME, .min = 2,
	  .max = 50 },
	{ .name = "level", .type = FT_INT, .flags = F_REQUIRED, .min = 1, .max = 100 },
	{ .name = "description", .type = FT_STRING, .flags = F_NULLABLE, .text = TEXT_FREE,
	  .max = 500 },
	{ .name = "enabled", .type = FT_BOOL },
	{ .name = "scopes", .type = FT_STR_ARRAY, .text = TEXT_NAME, .min = 1, .max = 7,
	  .imax = 40 },
	{ .name = "ids", .type = FT_STR_ARRAY, .text = TEXT_NAME },
	{ .name = "items", .type = FT_ARRAY, .max = 5 },
	{ .name = "meta", .type = FT_OBJECT },
	{ .name = "weight", .type = FT_NUMBER, .min = 0, .max = 10 },
	{ .name = "password", .type = FT_STRING, .flags = F_NOCHECK, .min = 8, .max = 256 },
	{ .name = "note", .type = FT_STRING, .text = TEXT_FREE },
	{ .name = "count", .type = FT_INT },
	{ 0 },
};

static enum json_bad
parse_len(const char *s, size_t len)
{
	struct arena *a = arena_new();
	const struct json *v = (const struct json *)1;
	enum json_bad bad = json_parse(a, s, len, &v);

	if (bad != JSON_OK && v != NULL)
		bad = 99; /* a failed parse must not hand out a value */
	arena_free(a);
	return bad;
}

#define PARSE(lit) parse_len(lit, sizeof(lit) - 1)

/*
 * Parses body, checks it against role_fields and renders "code details" ("ok" on success,
 * "parse" when the body is not a JSON object) into out.
 */
static const char *
check(const char *body, bool reject_unknown, char *out, size_t size)
{
	struct arena *a = arena_new();
	struct fail f = { 0 };
	const struct json *obj;
	enum err err;
	int n;

	if (json_parse(a, body, strlen(body), &obj) != JSON_OK) {
		n = snprintf(out, size, "parse");
	} else {
		err = json_check(obj, role_fields, reject_unknown, a, &f);
		if (err == ERR_OK)
			n = snprintf(out, size, "ok");
		else
			n = snprintf(out, size, "%s %s", err_code(err),
				     f.details != NULL ? f.details : "-");
	}
	if (n < 0 || (size_t)n >= size)
		out[0] = '\0'; /* matches no expected string, so the check fails visibly */
	arena_free(a);
	return out;
}

static char result[4096];

#define CHECK(body) check(body, true, result, sizeof(result))
#define CHECK_LAX(body) check(body, false, result, sizeof(result))

static void
test_syntax(void)
{
	is_int(PARSE("{}"), JSON_OK, "{} parses");
	is_int(PARSE(" {\"a\":[1,{\"b\":null}]} \n"), JSON_OK, "nested value with blanks parses");
	is_int(PARSE(""), JSON_SYNTAX, "empty input is a syntax error");
	is_int(PARSE("   "), JSON_SYNTAX, "blank input is a syntax error");
	is_int(PARSE("{\"a\":1,\"a\":2}"), JSON_SYNTAX, "duplicate key refused");
	is_int(PARSE("{\"x\":{\"y\":[{\"a\":1,\"a\":1}]}}"), JSON_SYNTAX,
	       "duplicate key nested three deep refused");
	is_int(PARSE("{\"a\":1,\"\\u0061\":2}"), JSON_SYNTAX, "duplicate key spelt by escape refused");
	is_int(PARSE("{\"a\":\"\xc0\xaf\"}"), JSON_SYNTAX, "overlong C0 AF refused");
	is_int(PARSE("{\"a\":\"\xff\"}"), JSON_SYNTAX, "byte FF refused");
	is_int(PARSE("{\"a\":\"\xe2\x82\"}"), JSON_SYNTAX, "truncated E2 82 refused");
	is_int(PARSE("{\"a\":\"\xed\xa0\x80\"}"), JSON_SYNTAX, "encoded surrogate ED A0 80 refused");
	is_int(PARSE("{\"\xff\":1}"), JSON_SYNTAX, "bad UTF-8 in a key refused");
	is_int(PARSE("{\"a\":\"\\ud800\"}"), JSON_SYNTAX, "lone high surrogate escape refused");
	is_int(PARSE("{\"a\":\"\\udc00\"}"), JSON_SYNTAX, "lone low surrogate escape refused");
	is_int(PARSE("{\"a\":\"\\ud800x\"}"), JSON_SYNTAX, "high surrogate before text refused");
	is_int(PARSE("{\"a\":\"\\ud83d\\ude00\"}"), JSON_OK, "a surrogate pair is fine");
	is_int(PARSE("{\"a\":\"x\\u0000y\"}"), JSON_SYNTAX, "\\u0000 refused");
	is_int(PARSE("{\"a\\u0000\":1}"), JSON_SYNTAX, "\\u0000 in a key refused");
	is_int(PARSE("{\"a\":\"x\0y\"}"), JSON_SYNTAX, "a raw NUL byte refused");
	is_int(PARSE("{\"a\":\"x\x01y\"}"), JSON_SYNTAX, "a raw control character refused");
	is_int(PARSE("\xef\xbb\xbf{}"), JSON_SYNTAX, "a UTF-8 BOM refused");
	is_int(PARSE("{} x"), JSON_SYNTAX, "trailing garbage refused");
	is_int(PARSE("{}{}"), JSON_SYNTAX, "two objects refused");
	is_int(PARSE("{\"a\":NaN}"), JSON_SYNTAX, "NaN refused");
	is_int(PARSE("{\"a\":Infinity}"), JSON_SYNTAX, "Infinity refused");
	is_int(PARSE("{\"a\":01}"), JSON_SYNTAX, "leading zero refused");
	is_int(PARSE("{\"a\":+1}"), JSON_SYNTAX, "leading plus refused");
	is_int(PARSE("{\"a\":9223372036854775808}"), JSON_SYNTAX, "INT64_MAX + 1 refused (T04)");
	is_int(PARSE("{\"a\":1e309}"), JSON_SYNTAX, "1e309 refused (T04)");
	is_int(PARSE("{/* c */}"), JSON_SYNTAX, "block comment refused");
	is_int(PARSE("{} // c"), JSON_SYNTAX, "line comment refused");
	is_int(PARSE("{\"a\":1,}"), JSON_SYNTAX, "trailing comma in object refused");
	is_int(PARSE("{\"a\":[1,]}"), JSON_SYNTAX, "trailing comma in array refused");
	is_int(PARSE("{'a':1}"), JSON_SYNTAX, "single quotes refused");
	is_int(PARSE("{a:1}"), JSON_SYNTAX, "bare key refused");
	is_int(PARSE("[]"), JSON_NOT_OBJECT, "top-level [] is not an object");
	is_int(PARSE("\"x\""), JSON_NOT_OBJECT, "top-level string is not an object");
	is_int(PARSE("1"), JSON_NOT_OBJECT, "top-level number is not an object");
	is_int(PARSE("null"), JSON_NOT_OBJECT, "top-level null is not an object");
	is_int(parse_len("{\"a\":1}", 5), JSON_SYNTAX, "never reads past len");
}

/* Builds {"a":{"a":...1...}} with depth objects, or with arrays inside one object. */
static char *
nested(int depth, bool arrays)
{
	struct buf b;
	int i;

	buf_init(&b, 1 << 20);
	if (arrays) {
		buf_puts(&b, "{\"a\":");
		for (i = 1; i < depth; i++)
			buf_putc(&b, '[');
		buf_putc(&b, '1');
		for (i = 1; i < depth; i++)
			buf_putc(&b, ']');
		buf_putc(&b, '}');
	} else {
		for (i = 0; i < depth; i++)
			buf_puts(&b, "{\"a\":");
		buf_putc(&b, '1');
		for (i = 0; i < depth; i++)
			buf_putc(&b, '}');
	}
	return buf_steal(&b);
}

static void
test_depth(void)
{
	char *s, *deep;
	int64_t t0, t1;

	s = nested(LIMIT_JSON_DEPTH, false);
	is_int(parse_len(s, strlen(s)), JSON_OK, "32 nested objects parse");
	free(s);
	s = nested(LIMIT_JSON_DEPTH + 1, false);
	is_int(parse_len(s, strlen(s)), JSON_SYNTAX, "33 nested objects refused");
	free(s);
	s = nested(LIMIT_JSON_DEPTH, true);
	is_int(parse_len(s, strlen(s)), JSON_OK, "an object holding 31 nested arrays parses");
	free(s);
	s = nested(LIMIT_JSON_DEPTH + 1, true);
	is_int(parse_len(s, strlen(s)), JSON_SYNTAX, "an object holding 32 nested arrays refused");
	free(s);

	deep = malloc(100001);
	memset(deep, '[', 100000);
	t0 = clock_mono_ns();
	is_int(parse_len(deep, 100000), JSON_SYNTAX, "100000 '[' refused");
	deep[0] = '{';
	is_int(parse_len(deep, 100000), JSON_SYNTAX, "'{' then 99999 '[' refused");
	t1 = clock_mono_ns();
	ok(t1 - t0 < 1000000000, "both refused in under a second (%lld us)",
	   (long long)((t1 - t0) / 1000));
	free(deep);
}

static void
test_fields(void)
{
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50}"), "ok", "a minimal valid body");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"description\":null,\"enabled\":false,"
		     "\"scopes\":[\"staff:read\"],\"items\":[1,\"x\",{}],\"meta\":{\"k\":[1]},"
		     "\"weight\":2.5,\"password\":\"\\u202e \\u0001secret\",\"note\":\" a\\nb \","
		     "\"count\":-9223372036854775808}"),
	       "ok", "every field type with a valid value");
	is_str(CHECK("{\"level\":50}"), "missing_field {\"field\":\"name\"}", "missing required");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":null}"), "missing_field {\"field\":\"level\"}",
	       "T02: required level null is missing_field");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"x\":1}"), "unknown_field {\"field\":\"x\"}",
	       "T07: an extra field is unknown_field");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"id\":\"0123456789abcdef01234567\"}"),
	       "unknown_field {\"field\":\"id\"}", "T07: a server-owned field is unknown");
	is_str(CHECK("{\"x\":1}"), "unknown_field {\"field\":\"x\"}",
	       "an unknown field is reported before a missing one");
	is_str(CHECK_LAX("{\"name\":\"Mod\",\"level\":50,\"x\":1}"), "ok",
	       "T08: unknown fields are ignored when the route says so");
	is_str(CHECK_LAX("{\"name\":\"Mod\",\"level\":\"50\",\"x\":1}"),
	       "invalid_field {\"field\":\"level\",\"reason\":\"must be an integer\"}",
	       "a known field of the wrong type is still refused when unknown ones are ignored");
}

/* Writes {"name":"Mod","level":<level>}; a body that does not fit fails a check. */
static bool
level_body(char *body, size_t size, const char *level)
{
	int n = snprintf(body, size, "{\"name\":\"Mod\",\"level\":%s}", level);

	ok(n > 0 && (size_t)n < size, "body for level %s fits", level);
	return n > 0 && (size_t)n < size;
}

static void
test_t01_t03(void)
{
	static const char *const not_int[] = { "\"50\"", "50.0", "5e1", "true", "[50]", "1.5",
					       "{}", "50E0" };
	static const char *const out_of_range[] = { "0", "-0", "101", "-1",
						    "9223372036854775807" };
	char body[128];
	size_t i;

	for (i = 0; i < sizeof(not_int) / sizeof(not_int[0]); i++) {
		if (!level_body(body, sizeof(body), not_int[i]))
			continue;
		is_str(CHECK(body),
		       "invalid_field {\"field\":\"level\",\"reason\":\"must be an integer\"}",
		       not_int[i]);
	}
	for (i = 0; i < sizeof(out_of_range) / sizeof(out_of_range[0]); i++) {
		if (!level_body(body, sizeof(body), out_of_range[i]))
			continue;
		is_str(CHECK(body),
		       "invalid_field {\"field\":\"level\",\"reason\":\"is out of range\"}",
		       out_of_range[i]);
	}
	is_str(CHECK("{\"name\":\"Mod\",\"level\":1}"), "ok", "level 1 is the lower bound");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":100}"), "ok", "level 100 is the upper bound");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"enabled\":\"true\"}"),
	       "invalid_field {\"field\":\"enabled\",\"reason\":\"must be a boolean\"}",
	       "T06: boolean as \"true\"");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"enabled\":1}"),
	       "invalid_field {\"field\":\"enabled\",\"reason\":\"must be a boolean\"}",
	       "T06: boolean as 1");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"enabled\":null}"),
	       "invalid_field {\"field\":\"enabled\",\"reason\":\"must not be null\"}",
	       "null where the table does not allow it");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"description\":null}"), "ok",
	       "null where the table allows it");
}

static void
test_strings(void)
{
	is_str(CHECK("{\"name\":5,\"level\":50}"),
	       "invalid_field {\"field\":\"name\",\"reason\":\"must be a string\"}", "name as number");
	is_str(CHECK("{\"name\":\"M\",\"level\":50}"),
	       "invalid_field {\"field\":\"name\",\"reason\":\"is too short\"}", "name too short");
	is_str(CHECK("{\"name\":\"\\u00e9\\u00e9\",\"level\":50}"), "ok",
	       "two code points are long enough whatever the bytes");
	is_str(CHECK("{\"name\":\" Mod\",\"level\":50}"),
	       "invalid_field {\"field\":\"name\",\"reason\":\"must not start or end with "
	       "whitespace\"}",
	       "name with a leading space");
	is_str(CHECK("{\"name\":\"Mo\\u200bd\",\"level\":50}"),
	       "invalid_field {\"field\":\"name\",\"reason\":\"contains a zero-width character\"}",
	       "name with U+200B");
	is_str(CHECK("{\"name\":\"Mo\\u202ed\",\"level\":50}"),
	       "invalid_field {\"field\":\"name\",\"reason\":\"contains a bidirectional control "
	       "character\"}",
	       "name with U+202E");
	is_str(CHECK("{\"name\":\"Mo\\nd\",\"level\":50}"),
	       "invalid_field {\"field\":\"name\",\"reason\":\"contains a control character\"}",
	       "name with LF");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"description\":\"a\\u0085\"}"),
	       "invalid_field {\"field\":\"description\",\"reason\":\"contains a control "
	       "character\"}",
	       "free text with a C1 control");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"password\":\"short\"}"),
	       "invalid_field {\"field\":\"password\",\"reason\":\"is too short\"}",
	       "a password is checked for length");
}

/* A body with note set to n copies of "x". */
static const char *
long_note(size_t n)
{
	static const char head[] = "{\"name\":\"Mod\",\"level\":50,\"note\":\"";
	static char body[LIMIT_TEXT + 100];
	size_t k = sizeof(head) - 1;

	if (n > sizeof(body) - k - 3)
		return "{}"; /* does not fit: a body every expectation here fails on */
	memcpy(body, head, k);
	memset(body + k, 'x', n);
	memcpy(body + k + n, "\"}", 3);
	return body;
}

static void
test_default_bounds(void)
{
	is_str(CHECK(long_note(LIMIT_TEXT)), "ok", "a string field without bounds takes 2000");
	is_str(CHECK(long_note(LIMIT_TEXT + 1)),
	       "invalid_field {\"field\":\"note\",\"reason\":\"is too long\"}",
	       "and refuses 2001 code points");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"count\":-5}"), "ok",
	       "an int field without bounds takes any integer");
}

/* A body whose field holds n items: ids as strings, meta.k and extra as numbers. */
static char *
array_body(const char *field, size_t n, bool strings)
{
	struct buf b;
	size_t i;

	buf_init(&b, 1 << 20);
	buf_puts(&b, "{\"name\":\"Mod\",\"level\":50,");
	if (strcmp(field, "meta") == 0)
		buf_puts(&b, "\"meta\":{\"k\":[");
	else
		buf_printf(&b, "\"%s\":[", field);
	for (i = 0; i < n; i++)
		buf_printf(&b, strings ? "%s\"id%zu\"" : "%s%zu", i ? "," : "", i);
	buf_puts(&b, strcmp(field, "meta") == 0 ? "]}}" : "]}");
	return buf_steal(&b);
}

static void
test_arrays(void)
{
	char *s;

	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"scopes\":\"staff:read\"}"),
	       "invalid_field {\"field\":\"scopes\",\"reason\":\"must be an array\"}",
	       "T05: scopes as a string");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"scopes\":[1]}"),
	       "invalid_field {\"field\":\"scopes\",\"reason\":\"must contain only strings\"}",
	       "T05: scopes [1]");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"scopes\":[\"a\",\"b\",\"a\"]}"),
	       "invalid_field {\"field\":\"scopes\",\"reason\":\"duplicate\"}",
	       "T10: a duplicate item");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"scopes\":[\"a\",\"A\"]}"), "ok",
	       "items differing in case are not duplicates");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"scopes\":[]}"),
	       "invalid_field {\"field\":\"scopes\",\"reason\":\"has too few items\"}",
	       "below the item minimum");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"scopes\":[\"1\",\"2\",\"3\",\"4\",\"5\","
		     "\"6\",\"7\",\"8\"]}"),
	       "invalid_field {\"field\":\"scopes\",\"reason\":\"has too many items\"}",
	       "above the item maximum");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"scopes\":[\"\"]}"),
	       "invalid_field {\"field\":\"scopes\",\"reason\":\"is too short\"}",
	       "an empty item");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"scopes\":[\"a\\tb\"]}"),
	       "invalid_field {\"field\":\"scopes\",\"reason\":\"contains a control character\"}",
	       "an item with a control character");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"items\":[1,2,3,4,5,6]}"),
	       "invalid_field {\"field\":\"items\",\"reason\":\"has too many items\"}",
	       "FT_ARRAY above its maximum");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"items\":{}}"),
	       "invalid_field {\"field\":\"items\",\"reason\":\"must be an array\"}",
	       "FT_ARRAY given an object");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"meta\":[]}"),
	       "invalid_field {\"field\":\"meta\",\"reason\":\"must be an object\"}",
	       "FT_OBJECT given an array");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"weight\":\"2\"}"),
	       "invalid_field {\"field\":\"weight\",\"reason\":\"must be a number\"}",
	       "FT_NUMBER given a string");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"weight\":10.5}"),
	       "invalid_field {\"field\":\"weight\",\"reason\":\"is out of range\"}",
	       "FT_NUMBER above its maximum");
	is_str(CHECK("{\"name\":\"Mod\",\"level\":50,\"weight\":10}"), "ok",
	       "FT_NUMBER takes an integer");

	s = array_body("ids", LIMIT_JSON_ARRAY, true);
	is_str(CHECK(s), "ok", "1000 distinct ids are fine");
	free(s);
	s = array_body("ids", LIMIT_JSON_ARRAY + 1, true);
	is_str(CHECK(s), "invalid_field {\"field\":\"ids\",\"reason\":\"has too many items\"}",
	       "1001 ids refused");
	free(s);
	s = array_body("meta", LIMIT_JSON_ARRAY + 1, false);
	is_str(CHECK(s), "invalid_field {\"field\":\"meta\",\"reason\":\"has too many items\"}",
	       "a 1001-item array inside an object names the top-level field");
	free(s);
	s = array_body("extra", LIMIT_JSON_ARRAY + 1, false);
	is_str(CHECK_LAX(s),
	       "invalid_field {\"field\":\"extra\",\"reason\":\"has too many items\"}",
	       "a 1001-item array in an ignored field is still refused");
	free(s);
}

static void
test_getters(void)
{
	static const char body[] = "{\"s\":\"text\",\"i\":-7,\"r\":2.5,\"t\":true,\"f\":false,"
				   "\"n\":null,\"l\":[\"a\",\"b\",3],\"o\":{\"k\":1}}";
	struct arena *a = arena_new();
	const struct json *obj, *v, *arr;
	const char **list, *key;
	void *iter = NULL;
	int64_t iv = 0;
	size_t n = 99;
	char keys[32] = "";
	int count = 0;

	if (json_parse(a, body, sizeof(body) - 1, &obj) != JSON_OK) {
		ok(0, "getter body parses");
		arena_free(a);
		return;
	}
	ok(json_is_object(obj), "the root is an object");
	is_str(json_str(obj, "s"), "text", "json_str");
	ok(json_str(obj, "i") == NULL && json_str(obj, "none") == NULL, "json_str not a string");
	is_int(json_int(obj, "i", 0), -7, "json_int");
	is_int(json_int(obj, "r", 42), 42, "json_int of a real gives the default");
	is_int(json_int(obj, "none", 42), 42, "json_int absent gives the default");
	ok(json_num(obj, "r", 0) == 2.5 && json_num(obj, "i", 0) == -7, "json_num");
	ok(json_bool(obj, "t", false) && !json_bool(obj, "f", true), "json_bool");
	ok(json_bool(obj, "s", true), "json_bool of a string gives the default");
	ok(json_has(obj, "n") && !json_has(obj, "none"), "json_has counts null as present");
	ok(json_is_null(obj, "n") && !json_is_null(obj, "s") && !json_is_null(obj, "none"),
	   "json_is_null");
	list = json_str_list(obj, "l", a, &n);
	ok(n == 2 && strcmp(list[0], "a") == 0 && strcmp(list[1], "b") == 0 && list[2] == NULL,
	   "json_str_list copies the strings");
	list = json_str_list(obj, "none", a, &n);
	ok(list == NULL && n == 0, "json_str_list absent");
	arr = json_get(obj, "l");
	is_int(json_array_len(arr), 3, "json_array_len");
	is_str(json_as_str(json_array_at(arr, 1)), "b", "json_array_at + json_as_str");
	ok(json_as_int(json_array_at(arr, 2), &iv) && iv == 3, "json_as_int");
	ok(!json_as_int(json_array_at(arr, 0), &iv), "json_as_int of a string fails");
	ok(json_array_at(arr, 3) == NULL, "json_array_at past the end");
	is_int(json_array_len(json_get(obj, "o")), 0, "json_array_len of an object is 0");
	v = json_get(obj, "o");
	is_int(json_int(v, "k", 0), 1, "nested object member");
	while (json_next(obj, &iter, &key, &v)) {
		count++;
		if (strlen(keys) + strlen(key) < sizeof(keys))
			memcpy(keys + strlen(keys), key, strlen(key) + 1);
	}
	is_int(count, 8, "json_next visits every member");
	is_str(keys, "sirtfnlo", "json_next keeps the body order");
	arena_free(a);
}

int
main(void)
{
	test_syntax();
	test_depth();
	test_fields();
	test_t01_t03();
	test_strings();
	test_default_bounds();
	test_arrays();
	test_getters();
	return tap_done();
}
