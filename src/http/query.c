/*
 * query.c: typed access to query parameters the gate has already validated.
 */
#include <string.h>

#include "core/limits.h"
#include "core/rfc3339.h"
#include "core/strconv.h"
#include "http/req.h"

const char *
req_query(const struct req *r, const char *name)
{
	for (size_t i = 0; i < r->nquery; i++)
		if (strcmp(r->query[i].name, name) == 0)
			return r->query[i].value;
	return NULL;
}

bool
req_query_has(const struct req *r, const char *name)
{
	return req_query(r, name) != NULL;
}

int64_t
req_query_int(const struct req *r, const char *name, int64_t dflt)
{
	const char *v = req_query(r, name);
	int64_t n;

	return v && str_to_i64(v, strlen(v), INT64_MIN, INT64_MAX, &n) ? n : dflt;
}

int64_t
req_query_time(const struct req *r, const char *name, int64_t dflt)
{
	const char *v = req_query(r, name);
	int64_t ms;

	return v && rfc3339_parse(v, &ms) ? ms : dflt;
}

void
req_paging(const struct req *r, int64_t *page, int64_t *page_size)
{
	*page = req_query_int(r, "page", 1);
	*page_size = req_query_int(r, "pageSize", LIMIT_PAGE_SIZE_DEFAULT);
}

const char *
req_param(const struct req *r, size_t i)
{
	return i < r->nparams ? r->params[i] : "";
}
