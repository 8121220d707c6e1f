/*
 * fuzz_http.c: the request target (url.c), the router and cookie parsing — the untrusted
 * text every request brings before any handler runs.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "http/cookie.h"
#include "http/router.h"
#include "http/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new();
	char *s = arena_strndup(a, (const char *)data, size);
	struct req r = { .arena = a, .method = M_GET };
	struct qparam *q;
	size_t nq, len;
	const char *v;
	char allow[64];

	router_init();
	if (strlen(s) == size && url_parse(a, s, &r.path, &q, &nq) == URL_OK)
		(void)router_match(&r, allow, sizeof(allow));
	(void)cookie_find(s, "roster_session", &v, &len);
	arena_free(a);
	return 0;
}
