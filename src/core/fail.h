/*
 * fail.h: an error plus the client-visible `details` object of platform.md §2. Details are
 * rendered JSON held in the request arena, so model/ can name a field without including
 * json/. Only http/resp.c writes them out.
 */
#ifndef ROSTER_FAIL_H
#define ROSTER_FAIL_H

#include "core/arena.h"
#include "core/err.h"

struct fail {
	enum err err;
	const char *details; /* JSON object text, or NULL */
	int retry_after;     /* seconds for 429/503; 0 = the default for the status */
	/* ReAdmin-compatible routes answer their own texts and sometimes their own status. */
	const char *reason; /* byte-exact `reason`, or NULL for the code's default text */
	const char *field;  /* the field fail_field named, for surfaces that word it themselves */
	int status;         /* 0 = the error table's status */
};

/*
 * Records err with details built from NULL-terminated key, value string pairs
 * ({"field":"level","reason":"..."}); returns err so callers can write
 * `return fail_set(f, a, ERR_INVALID_FIELD, "field", "level", "reason", "too big", NULL);`.
 */
enum err fail_set(struct fail *f, struct arena *a, enum err err, ...);
/* Records err with pre-rendered details (a JSON object, or NULL). */
enum err fail_raw(struct fail *f, enum err err, const char *details_json);
/* {"k1":"v1",...} from NULL-terminated string pairs (NULL values skipped), in the arena. */
char *json_kv(struct arena *a, ...);

/* A ReAdmin answer: status and byte-exact reason text (readmin-compat.md §1.2). */
enum err fail_readmin(struct fail *f, enum err err, int status, const char *reason);

enum err fail_field(struct fail *f, struct arena *a, enum err err, const char *field,
		    const char *reason);

#endif
