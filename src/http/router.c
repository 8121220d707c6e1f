/*
 * router.c: route lookup over the tables of api/. The tables are small (tens of rows), so a
 * linear scan over pre-split templates is both simple and fast enough: the bench shows the
 * router far below the cost of one SQLite read.
 */
#include "http/router.h"

#include <assert.h>
#include <string.h>

#include "api/api.h"
#include "core/xmalloc.h"

#define ROUTER_MAX 512

static const struct route_table *const router_tables[] = {
	&api_ops_routes,
	&api_auth_routes,
	&api_keys_routes,
	&api_audit_routes,
	&api_admin_roles_routes,
	&api_admin_communities_routes,
	&api_users_routes,
	&api_alts_routes,
	&api_admin_accounts_routes,
	&api_ws_routes,
	&api_ws_members_routes,
	&api_ws_keys_routes,
	&api_readmin_ranking_routes,
	&api_readmin_activity_routes,
	&api_readmin_tracker_routes, &api_ws_servers_routes,
	&api_readmin_staff_routes,
	&api_ws_staff_routes,
	&api_readmin_minutes_routes, &api_ws_minutes_routes,
	&api_readmin_bans_routes, &api_ws_bans_routes,
	&api_readmin_orders_routes, &api_ws_orders_routes,
	&api_readmin_sessions_routes, &api_ws_sessions_routes,
};

/* Filled once by router_init before the server starts; read-only afterwards. */
static const struct route *router_rows[ROUTER_MAX];
static size_t router_n;

void
router_init(void)
{
	router_n = 0;
	for (size_t t = 0; t < nitems(router_tables); t++) {
		for (size_t i = 0; i < router_tables[t]->n; i++) {
			assert(router_n < ROUTER_MAX);
			router_rows[router_n++] = &router_tables[t]->rows[i];
		}
	}
}

size_t
router_count(void)
{
	return router_n;
}

const struct route *
router_at(size_t i)
{
	return i < router_n ? router_rows[i] : NULL;
}

/* Compares template and path segment by segment; collects {param} values. */
static bool
router_path_match(const char *tpl, const char *path, struct req *r, const char **params,
		  size_t *nparams)
{
	const char *t = tpl, *p = path;

	*nparams = 0;
	while (*t && *p) {
		if (*t == '{') {
			const char *te = strchr(t, '}');
			const char *pe = strchr(p, '/');
			size_t plen = pe ? (size_t)(pe - p) : strlen(p);

			if (plen == 0 || *nparams >= ROUTE_MAX_PARAMS)
				return false;
			if (r != NULL)
				params[*nparams] = arena_strndup(r->arena, p, plen);
			(*nparams)++;
			t = te + 1;
			p += plen;
			continue;
		}
		if (*t != *p)
			return false;
		t++;
		p++;
	}
	return *t == '\0' && *p == '\0';
}

enum router_result
router_match(struct req *r, char *allow, size_t allow_size)
{
	unsigned allowed = 0;
	const char *params[ROUTE_MAX_PARAMS];
	size_t nparams;

	for (size_t i = 0; i < router_n; i++) {
		const struct route *rt = router_rows[i];

		if (!router_path_match(rt->path, r->path, NULL, params, &nparams))
			continue;
		if (rt->method & r->method) {
			router_path_match(rt->path, r->path, r, r->params, &r->nparams);
			r->route = rt;
			r->route_index = (int)i;
			return ROUTER_OK;
		}
		allowed |= rt->method;
	}
	if (allowed == 0)
		return ROUTER_NOT_FOUND;
	allow[0] = '\0';
	size_t len = 0;
	for (unsigned m = M_GET; m <= M_OPTIONS; m <<= 1) {
		if (!(allowed & m))
			continue;
		int n = snprintf(allow + len, allow_size - len, "%s%s", len ? ", " : "",
				 method_name(m));
		if (n < 0 || (size_t)n >= allow_size - len)
			break;
		len += (size_t)n;
	}
	return ROUTER_METHOD;
}

enum method
method_parse(const char *s)
{
	/* Methods are case-sensitive (SEC F17): "get" is not GET. */
	static const struct {
		const char *name;
		enum method m;
	} methods[] = {
		{ "GET", M_GET },	  { "POST", M_POST },   { "PUT", M_PUT },
		{ "PATCH", M_PATCH },	  { "DELETE", M_DELETE }, { "HEAD", M_HEAD },
		{ "OPTIONS", M_OPTIONS },
	};
	for (size_t i = 0; i < nitems(methods); i++)
		if (strcmp(s, methods[i].name) == 0)
			return methods[i].m;
	return M_OTHER;
}

const char *
method_name(unsigned m)
{
	switch (m) {
	case M_GET: return "GET";
	case M_POST: return "POST";
	case M_PUT: return "PUT";
	case M_PATCH: return "PATCH";
	case M_DELETE: return "DELETE";
	case M_HEAD: return "HEAD";
	case M_OPTIONS: return "OPTIONS";
	default: return "OTHER";
	}
}
