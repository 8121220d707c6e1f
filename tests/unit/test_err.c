/*
 * test_err.c: the error table: lookups for a few codes, every code string unique, every
 * status a real HTTP error or success status, out-of-range values safe.
 */
#include <stdbool.h>
#include <string.h>

#include "core/err.h"
#include "tap.h"

int
main(void)
{
	bool unique = true, statuses = true, texts = true;
	int i, j;

	is_int(err_status(ERR_OK), 200, "OK is 200");
	is_str(err_code(ERR_INVALID_JSON), "invalid_json", "invalid_json code");
	is_int(err_status(ERR_INVALID_FIELD), 400, "invalid_field is 400");
	is_str(err_code(ERR_UNKNOWN_FIELD), "unknown_field", "unknown_field code");
	is_str(err_code(ERR_MISSING_FIELD), "missing_field", "missing_field code");
	is_int(err_status(ERR_UNAUTHENTICATED), 401, "unauthenticated is 401");
	is_int(err_status(ERR_HIERARCHY), 403, "hierarchy is 403");
	is_str(err_message(ERR_HIERARCHY), "Target is at or above your level", "hierarchy message");
	is_int(err_status(ERR_NOT_FOUND), 404, "not_found is 404");
	is_int(err_status(ERR_METHOD_NOT_ALLOWED), 405, "method_not_allowed is 405");
	is_int(err_status(ERR_CONFLICT), 409, "conflict is 409");
	is_int(err_status(ERR_BODY_TOO_LARGE), 413, "body_too_large is 413");
	is_int(err_status(ERR_RATE_LIMITED), 429, "rate_limited is 429");
	is_int(err_status(ERR_INTERNAL), 500, "internal is 500");
	is_str(err_code(ERR_STORE), "storage_unavailable", "storage_unavailable code");
	is_int(err_status(ERR_STORE), 503, "storage_unavailable is 503");
	for (i = 0; i < ERR_COUNT; i++) {
		int s = err_status((enum err)i);

		statuses &= s >= 200 && s <= 599;
		texts &= err_code((enum err)i)[0] != '\0' && err_message((enum err)i)[0] != '\0';
		for (j = i + 1; j < ERR_COUNT; j++)
			if (strcmp(err_code((enum err)i), err_code((enum err)j)) == 0) {
				unique = false;
				printf("# duplicate code %s\n", err_code((enum err)i));
			}
	}
	ok(unique, "all %d code strings are unique", ERR_COUNT);
	ok(statuses, "every status is within 200-599");
	ok(texts, "every code and message is non-empty");
	ok(ERR_OK == 0, "ERR_OK is zero so `if (err)` works");
	is_int(err_status(ERR_COUNT), 500, "out of range status is 500");
	is_str(err_code((enum err)-1), "internal", "out of range code is internal");
	is_str(err_message(ERR_COUNT), "Internal server error", "out of range message");
	return tap_done();
}
