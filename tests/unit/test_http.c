/*
 * test_http.c: request-target checks and decoding, route matching (404 vs 405 + Allow),
 * cookie parsing.
 */
#include <string.h>

#include "core/arena.h"
#include "http/cookie.h"
#include "http/router.h"
#include "http/url.h"
#include "tap.h"

static enum url_result
parse(struct arena *a, const char *raw, const char **path, size_t *nq, struct qparam **q)
{
	return url_parse(a, raw, path, q, nq);
}

static void
test_url(void)
{
	struct arena *a = arena_new();
	const char *path;
	struct qparam *q;
	size_t nq;

	ok(parse(a, "/api/keys?page=2&search=a+b%21", &path, &nq, &q) == URL_OK, "plain target");
	is_str(path, "/api/keys", "path");
	is_int(nq, 2, "two parameters");
	is_str(q[1].value, "a b!", "plus and escapes decoded once");
	ok(parse(a, "/ranking/", &path, &nq, &q) == URL_OK && strcmp(path, "/ranking") == 0,
	   "P08 trailing slash removed");
	ok(parse(a, "/", &path, &nq, &q) == URL_OK && strcmp(path, "/") == 0, "root kept");
	static const char *const bad[] = {
		"/api/../api/auth/me", "/%2e%2e/%2e%2e/data/roster.db", "/.%2E/x", "/a%00b",
		"/%0d%0aSet-Cookie:%20x=1", "/%zz", "/%", "/%c0%af", "http://evil/api", "*",
		"/a b", "/x?y=%0a", "/x/.", "",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(parse(a, bad[i], &path, &nq, &q) == URL_MALFORMED, "refused: '%s'", bad[i]);
	ok(parse(a, "/%252e%252e/x", &path, &nq, &q) == URL_OK && strcmp(path, "/%2e%2e/x") == 0,
	   "P04 decoded once");
	ok(parse(a, "//api/auth/me", &path, &nq, &q) == URL_OK && strcmp(path, "//api/auth/me") == 0,
	   "P05 double slash kept (then 404)");
	char many[400] = "/x?";
	for (int i = 0; i < 51; i++)
	{
			size_t l = strlen(many);
			snprintf(many + l, sizeof(many) - l, "%sp%d=1", i ? "&" : "", i);
		}
	ok(parse(a, many, &path, &nq, &q) == URL_TOO_MANY_PARAMS, "L07 51 parameters");
	arena_free(a);
}

static void
test_router(void)
{
	struct arena *a = arena_new();
	struct req r = { .arena = a };
	char allow[64];

	router_init();
	ok(router_count() > 5, "routes registered");
	r.path = "/api/keys/65f0a1b2c3d4e5f601234567";
	r.method = M_GET;
	ok(router_match(&r, allow, sizeof(allow)) == ROUTER_OK, "template match");
	is_str(r.params[0], "65f0a1b2c3d4e5f601234567", "path parameter");
	r.method = M_PUT;
	ok(router_match(&r, allow, sizeof(allow)) == ROUTER_METHOD, "405 on another method");
	is_str(allow, "GET, DELETE", "Allow lists the methods");
	r.path = "/api/nope";
	r.method = M_GET;
	ok(router_match(&r, allow, sizeof(allow)) == ROUTER_NOT_FOUND, "404");
	r.path = "/api/keys/";
	ok(router_match(&r, allow, sizeof(allow)) == ROUTER_NOT_FOUND, "empty segment is no match");
	ok(method_parse("get") == M_OTHER, "methods are case-sensitive");
	ok(method_parse("DELETE") == M_DELETE, "DELETE parsed");
	for (size_t i = 0; i < router_count(); i++) {
		const struct route *rt = router_at(i);
		ok(rt->fn != NULL && rt->summary != NULL && rt->path[0] == '/',
		   "row %s declares handler and summary", rt->path);
	}
	arena_free(a);
}

static void
test_cookie(void)
{
	const char *v;
	size_t len;

	is_int(cookie_find("a=1; roster_session=abc; b=2", "roster_session", &v, &len), 1, "found");
	ok(len == 3 && strncmp(v, "abc", 3) == 0, "value");
	is_int(cookie_find("session=abc", "roster_session", &v, &len), 0, "X-1 `session` ignored");
	is_int(cookie_find("roster_session=a;roster_session=b", "roster_session", &v, &len), 2,
	       "two counted");
	is_int(cookie_find("xroster_session=a", "roster_session", &v, &len), 0, "exact name");
	is_int(cookie_find("", "roster_session", &v, &len), 0, "empty header");
}

int
main(void)
{
	test_url();
	test_router();
	test_cookie();
	return tap_done();
}
