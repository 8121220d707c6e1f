/*
 * rfc3339.h: timestamps on the wire. Output is always UTC with milliseconds and `Z`
 * (2025-03-14T09:30:00.000Z). Input takes `Z` or a numeric offset, years 1970-9999, real
 * calendar dates (no Feb 30), and normalises to UTC epoch milliseconds.
 */
#ifndef ROSTER_RFC3339_H
#define ROSTER_RFC3339_H

#include <stdbool.h>
#include <stdint.h>

#define RFC3339_LEN 24 /* "YYYY-MM-DDTHH:MM:SS.mmmZ" without NUL */

/* Writes RFC3339_LEN chars and a NUL into out[RFC3339_LEN + 1]. */
void rfc3339_format(int64_t ms, char out[RFC3339_LEN + 1]);
bool rfc3339_parse(const char *s, int64_t *ms);

#endif
