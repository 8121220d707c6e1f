/*
 * fuzz_json.c: strict JSON input (SECURITY.md §5) — parse, then check against a field table
 * with every field kind. Any crash, leak or sanitizer report is a bug.
 */
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "json/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct field fuzz_fields[] = {
	{ "name", FT_STRING, F_REQUIRED, TEXT_NAME, 1, 50, 0 },
	{ "note", FT_STRING, F_NULLABLE, TEXT_FREE, 0, 2000, 0 },
	{ "level", FT_INT, 0, TEXT_NAME, 1, 100, 0 },
	{ "on", FT_BOOL, 0, TEXT_NAME, 0, 0, 0 },
	{ "ids", FT_STR_ARRAY, 0, TEXT_NAME, 0, 10, 24 },
	{ "items", FT_ARRAY, 0, TEXT_NAME, 0, 0, 0 },
	{ "obj", FT_OBJECT, 0, TEXT_NAME, 0, 0, 0 },
	{ "num", FT_NUMBER, 0, TEXT_NAME, 0, 0, 0 },
	{ 0 },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	const struct json *j;
	struct fail f = { 0 };
	size_t n;

	if (json_parse(a, (const char *)data, size, &j) == JSON_OK) {
		(void)json_check(j, fuzz_fields, true, a, &f);
		(void)json_check(j, fuzz_fields, false, a, &f);
		(void)json_str(j, "name");
		(void)json_str_list(j, "ids", a, &n);
	}
	arena_free(a);
	return 0;
}
