/*
 * json.c: strict JSON input (see json.h, SECURITY.md §5). The only file that names jansson.
 * struct json is jansson's json_t under an opaque name; the tree is owned by the arena given
 * to json_parse() and released with it. Parsing refuses everything staff-admin.md §1.5 calls
 * invalid_json; json_check() then enforces a route's field table without ever coercing a type.
 */
#include "json/json.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/limits.h"
#include "core/xmalloc.h"

/* jansson's one-argument macros would swallow our functions of the same names. */
#undef json_is_object
#undef json_is_null

static const json_t *
J(const struct json *v)
{
	return (const json_t *)v;
}

/* jansson's iterator API takes json_t * although it only reads; the tree is never changed. */
static json_t *
J_mut(const json_t *v)
{
	return (json_t *)(uintptr_t)v;
}

static const struct json *
W(const json_t *v)
{
	return (const struct json *)v;
}

static bool
is_type(const json_t *v, json_type t)
{
	return v != NULL && json_typeof(v) == t;
}

static void
decref_cb(void *p)
{
	json_decref(p);
}

/*
 * True when v nests deeper than LIMIT_JSON_DEPTH (an object or array at top level is level 1)
 * or holds a string or key that is not strict UTF-8. jansson already refuses bad UTF-8 and
 * \u0000; the second check keeps that guarantee here should a jansson build ever differ.
 * The recursion stops at LIMIT_JSON_DEPTH + 1, so jansson's 2048 levels never reach the stack.
 */
static bool
too_deep_or_bad(const json_t *v, int level)
{
	const char *key;
	json_t *item;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (level > LIMIT_JSON_DEPTH)
			return true;
		json_object_foreach (J_mut(v), key, item) {
			if (!utf8_valid(key, strlen(key)))
				return true;
			if (too_deep_or_bad(item, level + 1))
				return true;
		}
		return false;
	case JSON_ARRAY:
		if (level > LIMIT_JSON_DEPTH)
			return true;
		json_array_foreach (v, i, item)
			if (too_deep_or_bad(item, level + 1))
				return true;
		return false;
	case JSON_STRING:
		return !utf8_valid(json_string_value(v), json_string_length(v));
	default:
		return false;
	}
}

/* Counts name separators outside strings; true past limit. Syntax is jansson's concern. */
static bool
members_over(const char *s, size_t len, size_t limit)
{
	size_t n = 0;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (in_str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				in_str = false;
		} else if (ch == '"') {
			in_str = true;
		} else if (ch == ':' && ++n > limit) {
			return true;
		}
	}
	return false;
}

enum json_bad
json_parse(struct arena *a, const char *s, size_t len, const struct json **out)
{
	return json_parse_n(a, s, len, LIMIT_JSON_MEMBERS, out);
}

enum json_bad
json_parse_n(struct arena *a, const char *s, size_t len, size_t max_members,
	     const struct json **out)
{
	json_error_t error;
	json_t *root;

	*out = NULL;
	/* SEC J11: 100,000 keys in a 1 MiB body cost jansson ~50 ms of hashing; no /api request
	 * has a tenth of LIMIT_JSON_MEMBERS, so a one-pass count refuses them first. */
	if (members_over(s, len, max_members))
		return JSON_SYNTAX;
	/* SEC: duplicate keys at any depth, trailing data, \u0000 and lone surrogates are all
	 * refused by jansson with these flags (no JSON_ALLOW_NUL, EOF check on). DECODE_ANY lets
	 * a scalar parse so it can be told apart as "not an object". A UTF-8 BOM is an invalid
	 * token to jansson, so it is a syntax error too. */
	root = json_loadb(s, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &error);
	if (root == NULL)
		return JSON_SYNTAX;
	arena_defer(a, decref_cb, root);
	if (too_deep_or_bad(root, 1))
		return JSON_SYNTAX;
	if (!is_type(root, JSON_OBJECT))
		return JSON_NOT_OBJECT;
	*out = W(root);
	return JSON_OK;
}

/* True when some array inside v (v included) holds more than LIMIT_JSON_ARRAY items. */
static bool
has_huge_array(const json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;

	if (is_type(v, JSON_ARRAY)) {
		if (json_array_size(v) > LIMIT_JSON_ARRAY)
			return true;
		json_array_foreach (v, i, item)
			if (has_huge_array(item))
				return true;
	} else if (is_type(v, JSON_OBJECT)) {
		json_object_foreach (J_mut(v), key, item)
			if (has_huge_array(item))
				return true;
	}
	return false;
}

static const struct field *
find_field(const struct field *fields, const char *name)
{
	for (; fields->name != NULL; fields++)
		if (strcmp(fields->name, name) == 0)
			return fields;
	return NULL;
}

/* Converts a field bound to a code-point count; negative bounds mean zero. */
static size_t
count_bound(int64_t v)
{
	return v < 0 ? 0 : (size_t)v;
}

static const char *
check_int(const json_t *v, const struct field *fd)
{
	json_int_t n;

	if (!is_type(v, JSON_INTEGER))
		return "must be an integer"; /* 50.0, 5e1, "50", true: no coercion */
	n = json_integer_value(v);
	/* A table without bounds (both 0) takes any integer jansson could read. */
	if ((fd->min != 0 || fd->max != 0) && (n < fd->min || n > fd->max))
		return "is out of range";
	return NULL;
}

static const char *
check_number(const json_t *v, const struct field *fd)
{
	double d;

	if (!is_type(v, JSON_INTEGER) && !is_type(v, JSON_REAL))
		return "must be a number";
	d = json_number_value(v);
	if (fd->max != 0 && (d < (double)fd->min || d > (double)fd->max))
		return "is out of range";
	return NULL;
}

static const char *
check_string(const json_t *v, const struct field *fd)
{
	const char *reason = NULL;
	size_t min = count_bound(fd->min), max = count_bound(fd->max);

	if (!is_type(v, JSON_STRING))
		return "must be a string";
	if (fd->min == 0 && fd->max == 0)
		max = LIMIT_TEXT;
	if (!text_check(json_string_value(v), json_string_length(v),
			(fd->flags & F_NOCHECK) ? TEXT_PASSWORD : fd->text, min, max, &reason))
		return reason;
	return NULL;
}

static int
cmp_strings(const void *x, const void *y)
{
	const json_t *a = *(const json_t *const *)x, *b = *(const json_t *const *)y;
	size_t la = json_string_length(a), lb = json_string_length(b);
	int c = memcmp(json_string_value(a), json_string_value(b), la < lb ? la : lb);

	if (c != 0)
		return c;
	return la < lb ? -1 : la > lb;
}

/* Sorting keeps the duplicate search O(n log n); a 1 MiB body can hold 1000 long items. */
static bool
has_duplicate(const json_t *arr, struct arena *a)
{
	size_t i, n = json_array_size(arr);
	const json_t **items;

	if (n < 2)
		return false;
	items = arena_alloc(a, n * sizeof(*items));
	for (i = 0; i < n; i++)
		items[i] = json_array_get(arr, i);
	qsort(items, n, sizeof(*items), cmp_strings);
	for (i = 1; i < n; i++)
		if (cmp_strings(&items[i - 1], &items[i]) == 0)
			return true;
	return false;
}

static const char *
check_count(const json_t *v, const struct field *fd)
{
	size_t n = json_array_size(v);
	size_t max = fd->max > 0 ? (size_t)fd->max : LIMIT_JSON_ARRAY;

	if (n < count_bound(fd->min))
		return "has too few items";
	if (n > max)
		return "has too many items";
	return NULL;
}

static const char *
check_str_array(const json_t *v, const struct field *fd, struct arena *a)
{
	size_t imax = fd->imax > 0 ? (size_t)fd->imax : LIMIT_TEXT;
	const char *reason;
	json_t *item;
	size_t i;

	if (!is_type(v, JSON_ARRAY))
		return "must be an array";
	reason = check_count(v, fd);
	if (reason != NULL)
		return reason;
	json_array_foreach (v, i, item) {
		if (!is_type(item, JSON_STRING))
			return "must contain only strings";
		if (!text_check(json_string_value(item), json_string_length(item), fd->text, 1,
				imax, &reason))
			return reason;
	}
	if (has_duplicate(v, a))
		return "duplicate"; /* staff-admin.md §1.5 names this reason */
	return NULL;
}

/* Checks a present, non-null value against its row; returns the reason or NULL. */
static const char *
check_value(const json_t *v, const struct field *fd, struct arena *a)
{
	switch (fd->type) {
	case FT_STRING:
		return check_string(v, fd);
	case FT_INT:
		return check_int(v, fd);
	case FT_BOOL:
		return is_type(v, JSON_TRUE) || is_type(v, JSON_FALSE) ? NULL : "must be a boolean";
	case FT_STR_ARRAY:
		return check_str_array(v, fd, a);
	case FT_ARRAY:
		return is_type(v, JSON_ARRAY) ? check_count(v, fd) : "must be an array";
	case FT_OBJECT:
		return is_type(v, JSON_OBJECT) ? NULL : "must be an object";
	case FT_NUMBER:
		return check_number(v, fd);
	}
	return "has an unsupported type"; /* a table row with a bad type: a bug */
}

enum err
json_check(const struct json *obj, const struct field *fields, bool reject_unknown,
	   struct arena *a, struct fail *f)
{
	const json_t *o = J(obj);
	const struct field *fd;
	const char *key, *reason;
	json_t *v;

	if (!is_type(o, JSON_OBJECT))
		return fail_field(f, a, ERR_INVALID_FIELD, "", "must be an object");
	/* Members in body order: unknown names first, then arrays past the global cap. */
	json_object_foreach (J_mut(o), key, v) {
		fd = find_field(fields, key);
		if (fd == NULL && reject_unknown)
			return fail_set(f, a, ERR_UNKNOWN_FIELD, "field", key, (const char *)NULL);
		if (has_huge_array(v))
			return fail_field(f, a, ERR_INVALID_FIELD, key, "has too many items");
	}
	/* Then the table in its own order, so the answer does not depend on member order. */
	for (fd = fields; fd->name != NULL; fd++) {
		v = json_object_get(o, fd->name);
		if (v == NULL || is_type(v, JSON_NULL)) {
			if (fd->flags & F_REQUIRED)
				return fail_set(f, a, ERR_MISSING_FIELD, "field", fd->name,
						(const char *)NULL);
			if (v != NULL && !(fd->flags & F_NULLABLE))
				return fail_field(f, a, ERR_INVALID_FIELD, fd->name,
						  "must not be null");
			continue;
		}
		reason = check_value(v, fd, a);
		if (reason != NULL)
			return fail_field(f, a, ERR_INVALID_FIELD, fd->name, reason);
	}
	return ERR_OK;
}

bool
json_is_object(const struct json *v)
{
	return is_type(J(v), JSON_OBJECT);
}

const struct json *
json_get(const struct json *obj, const char *key)
{
	if (!is_type(J(obj), JSON_OBJECT))
		return NULL;
	return W(json_object_get(J(obj), key));
}

bool
json_has(const struct json *obj, const char *key)
{
	return json_get(obj, key) != NULL;
}

bool
json_is_null(const struct json *obj, const char *key)
{
	return is_type(J(json_get(obj, key)), JSON_NULL);
}

const char *
json_str(const struct json *obj, const char *key)
{
	return json_as_str(json_get(obj, key));
}

int64_t
json_int(const struct json *obj, const char *key, int64_t dflt)
{
	int64_t v;

	return json_as_int(json_get(obj, key), &v) ? v : dflt;
}

double
json_num(const struct json *obj, const char *key, double dflt)
{
	const json_t *v = J(json_get(obj, key));

	if (is_type(v, JSON_INTEGER) || is_type(v, JSON_REAL))
		return json_number_value(v);
	return dflt;
}

bool
json_bool(const struct json *obj, const char *key, bool dflt)
{
	const json_t *v = J(json_get(obj, key));

	if (is_type(v, JSON_TRUE))
		return true;
	if (is_type(v, JSON_FALSE))
		return false;
	return dflt;
}

const char **
json_str_list(const struct json *obj, const char *key, struct arena *a, size_t *n)
{
	const json_t *v = J(json_get(obj, key));
	const char **list;
	json_t *item;
	size_t i, k = 0;

	*n = 0;
	if (!is_type(v, JSON_ARRAY))
		return NULL;
	/* One extra slot keeps the list NULL-terminated for callers that prefer that. */
	list = arena_alloc(a, (json_array_size(v) + 1) * sizeof(*list));
	json_array_foreach (v, i, item)
		if (is_type(item, JSON_STRING))
			list[k++] = json_string_value(item);
	list[k] = NULL;
	*n = k;
	return list;
}

size_t
json_array_len(const struct json *arr)
{
	return is_type(J(arr), JSON_ARRAY) ? json_array_size(J(arr)) : 0;
}

const struct json *
json_array_at(const struct json *arr, size_t i)
{
	if (!is_type(J(arr), JSON_ARRAY))
		return NULL;
	return W(json_array_get(J(arr), i));
}

const char *
json_as_str(const struct json *v)
{
	return is_type(J(v), JSON_STRING) ? json_string_value(J(v)) : NULL;
}

bool
json_as_int(const struct json *v, int64_t *out)
{
	if (!is_type(J(v), JSON_INTEGER))
		return false;
	*out = json_integer_value(J(v));
	return true;
}

bool
json_next(const struct json *obj, void **iter, const char **key, const struct json **val)
{
	json_t *o = J_mut(J(obj));

	if (!is_type(o, JSON_OBJECT))
		return false;
	*iter = *iter == NULL ? json_object_iter(o) : json_object_iter_next(o, *iter);
	if (*iter == NULL)
		return false;
	*key = json_object_iter_key(*iter);
	*val = W(json_object_iter_value(*iter));
	return true;
}

void
json_init(void)
{
	/* Process-wide by jansson's design, hence once from main rather than per parse. */
	json_set_alloc_funcs(xmalloc, free);
}
