/*
 * scrub.h: rewriting the JSON text of audit snapshots when an account is erased
 * (staff-admin.md §7.5: "replace its username, email and Roblox id with "[erased]"; ids
 * stay"). model/ may not include json/ (STYLE.md §2) and the snapshots were written by
 * Roster's own writers, so a small tokenizer walks the text: member names and every value
 * that does not match are copied byte for byte, so ids, counts and the shape stay as they were.
 * Any model file may include it.
 */
#ifndef ROSTER_SCRUB_H
#define ROSTER_SCRUB_H

#include <stddef.h>

#include "core/arena.h"

/* What an erased value is replaced with. */
#define SCRUB_ERASED "[erased]"

struct scrub {
	/* Personal values; a string value equal to one (ASCII case-insensitive) is replaced. */
	const char *const *values;
	size_t n_values;
	/* Member names whose string values are replaced whatever they hold (free text). */
	const char *const *keys;
	size_t n_keys;
};

/*
 * Returns json with every string value the rule matches replaced by "[erased]", in the
 * arena, or NULL when nothing matched. Text that is not well-formed JSON, or nests deeper than
 * 64 levels, is never rewritten (NULL): a scrub must not corrupt what it cannot read.
 */
const char *scrub_json(struct arena *a, const char *json, const struct scrub *s);

/*
 * Appends to out[*n] (at most max in all) the decoded string values of members named key,
 * anywhere in json, skipping any already present. Malformed text adds nothing.
 */
void scrub_collect(struct arena *a, const char *json, const char *key, const char **out,
		   size_t *n, size_t max);

#endif
