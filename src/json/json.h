/*
 * json.h: strict JSON input (SECURITY.md §5). The only place jansson is named is json.c.
 * Parsed values live in the arena given to json_parse (the jansson tree is released with it).
 * Field tables describe a body; json_check() enforces them so handlers only read values.
 */
#ifndef ROSTER_JSON_H
#define ROSTER_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/fail.h"
#include "core/utf8.h"

struct json; /* opaque; a JSON value */

/* Routes jansson's allocations through xmalloc (out of memory aborts); once, at start-up. */
void json_init(void);

enum json_bad {
	JSON_OK,
	JSON_SYNTAX,     /* syntax, trailing data, duplicate key, bad UTF-8, \u0000, depth */
	JSON_NOT_OBJECT, /* valid JSON whose top level is not an object */
};

/*
 * Parses len bytes with duplicate keys rejected at any depth and nesting limited to
 * LIMIT_JSON_DEPTH. Returns JSON_OK and *out, or why it failed. Never reads past len.
 */
enum json_bad json_parse(struct arena *a, const char *s, size_t len, const struct json **out);
/* The same with another bound on object members in the whole body than LIMIT_JSON_MEMBERS. */
enum json_bad json_parse_n(struct arena *a, const char *s, size_t len, size_t max_members,
			   const struct json **out);

enum ftype {
	FT_STRING,
	FT_INT,
	FT_BOOL,
	FT_STR_ARRAY, /* array of strings; min/max bound the item count, imax each item's length */
	FT_ARRAY,     /* array of anything; the handler checks items */
	FT_OBJECT,    /* the handler checks members */
	FT_NUMBER,    /* integer or real */
};

#define F_REQUIRED 0x1u /* absent or null -> missing_field */
#define F_NULLABLE 0x2u /* null accepted (otherwise null -> invalid_field) */
#define F_NOCHECK 0x4u  /* string: UTF-8 and length only (passwords, secrets) */

struct field {
	const char *name;
	enum ftype type;
	unsigned flags;
	enum text_kind text; /* FT_STRING and FT_STR_ARRAY items */
	int64_t min;         /* string: code points; int: value; arrays: items */
	int64_t max;
	int64_t imax; /* FT_STR_ARRAY: max code points per item (0 = LIMIT_TEXT) */
};

/*
 * Checks an object against a field table ending with a zero row (name NULL): unknown
 * members (when reject_unknown), missing required ones, types, ranges, text rules, array
 * sizes and duplicate array items. On failure fills f (field and reason) and returns the
 * error: ERR_UNKNOWN_FIELD, ERR_MISSING_FIELD or ERR_INVALID_FIELD.
 */
enum err json_check(const struct json *obj, const struct field *fields, bool reject_unknown,
		    struct arena *a, struct fail *f);

bool json_is_object(const struct json *v);
/* Member or NULL when absent. */
const struct json *json_get(const struct json *obj, const char *key);
/* Present with any value, null included. */
bool json_has(const struct json *obj, const char *key);
/* Present and JSON null. */
bool json_is_null(const struct json *obj, const char *key);
/* String member, or NULL when absent, null or not a string. Lives as long as the arena. */
const char *json_str(const struct json *obj, const char *key);
int64_t json_int(const struct json *obj, const char *key, int64_t dflt);
double json_num(const struct json *obj, const char *key, double dflt);
bool json_bool(const struct json *obj, const char *key, bool dflt);
/* String array member copied into the arena; NULL and *n = 0 when absent or null. */
const char **json_str_list(const struct json *obj, const char *key, struct arena *a, size_t *n);

/* Array access for FT_ARRAY members. */
size_t json_array_len(const struct json *arr);
const struct json *json_array_at(const struct json *arr, size_t i);
/* Value accessors for array items. */
const char *json_as_str(const struct json *v);
bool json_as_int(const struct json *v, int64_t *out);

/* Iterates object members: returns false at the end. *iter starts NULL. */
bool json_next(const struct json *obj, void **iter, const char **key, const struct json **val);

#endif
