/*
 * url.h: the raw request target, checked before any decoding decision is made
 * (SECURITY.md §2, catalogue P01-P05): origin-form only, no control bytes, valid
 * percent-escapes, no NUL/CR/LF once decoded, no dot segments raw or encoded, valid UTF-8.
 * Decodes exactly once.
 */
#ifndef ROSTER_URL_H
#define ROSTER_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "http/req.h"

enum url_result { URL_OK, URL_MALFORMED, URL_TOO_MANY_PARAMS };

/*
 * Splits raw into a decoded path (one trailing slash removed, except for "/") and decoded
 * query parameters (`+` is a space in the query, as browsers send it).
 */
enum url_result url_parse(struct arena *a, const char *raw, const char **path,
			  struct qparam **query, size_t *nquery);

#endif
