/*
 * gate.c: the one gate every routed request passes, in the check order of
 * staff-admin.md §1.6. A handler cannot forget authentication, CSRF, a permission or the
 * transaction: the route row declares them and only this file performs them.
 */
#include "http/gate.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/auth.h"
#include "auth/gamekey.h"
#include "auth/perm.h"
#include "config.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/rfc3339.h"
#include "core/strconv.h"
#include "core/utf8.h"
#include "http/cookie.h"
#include "http/resp.h"
#include "http/router.h"
#include "model/tracker.h"

static enum err
gate_fail(struct req *r, enum err err, const char *k1, const char *v1, const char *k2,
	  const char *v2)
{
	return fail_set(&r->ctx.fail, r->arena, err, k1, v1, k2, v2, (const char *)NULL);
}

/* SEC S07 K04: names that carry credentials, and any value that looks like a key. */
static bool
credential_in_query(const struct req *r)
{
	/* staff-admin.md §1.2 and readmin-compat.md §1.2 together. */
	static const char *const names[] = { "api_key",	     "apiKey",	       "key",
					     "token",	     "access_token",   "x-api-key",
					     "session",	     "roster_session", "api-key",
					     "loader-id",    "loaderId" };
	for (size_t i = 0; i < r->nquery; i++) {
		for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strcmp(r->query[i].name, names[k]) == 0)
				return true;
		if (strncmp(r->query[i].value, APIKEY_PREFIX, 6) == 0)
			return true;
	}
	return false;
}

static const struct qfield *
query_field(const struct route *rt, const char *name)
{
	for (const struct qfield *q = rt->query; q && q->name; q++)
		if (strcmp(q->name, name) == 0)
			return q;
	return NULL;
}

/* SEC Q01-Q05: every parameter known, once, and well-formed. */
static enum err
gate_query(struct req *r)
{
	for (size_t i = 0; i < r->nquery; i++) {
		const struct qparam *p = &r->query[i];
		const struct qfield *q = query_field(r->route, p->name);
		const char *why = NULL;
		int64_t iv;

		bool readmin = r->route->surface == SURF_READMIN;
		if (q == NULL && readmin)
			continue; /* ReAdmin clients send extras; only known names are checked */
		if (q == NULL)
			return gate_fail(r, ERR_UNKNOWN_PARAMETER, "parameter", p->name, NULL, NULL);
		for (size_t j = 0; j < i && !q->repeatable; j++)
			if (strcmp(r->query[j].name, p->name) == 0)
				return gate_fail(r, ERR_DUPLICATE_PARAMETER, "parameter", p->name,
						 NULL, NULL);
		switch (q->type) {
		case Q_INT:
			if (!str_to_i64(p->value, p->value_len, q->min, q->max, &iv))
				why = "must be an integer in range";
			break;
		case Q_TEXT:
			if (!text_check(p->value, p->value_len, TEXT_FREE, (size_t)q->min,
					(size_t)q->max, &why))
				why = why ? why : "is invalid";
			break;
		case Q_ID:
			if (!id_is_valid(p->value))
				why = "must be a 24-character lowercase hex id";
			break;
		case Q_BOOL:
			if (strcmp(p->value, "true") != 0 && strcmp(p->value, "false") != 0)
				why = "must be true or false";
			break;
		case Q_TIME:
			if (!rfc3339_parse(p->value, &iv))
				why = "must be an RFC 3339 time";
			break;
		case Q_ENUM:
			why = "is not an accepted value";
			for (const char *const *v = q->values; v && *v; v++)
				if (strcmp(*v, p->value) == 0)
					why = NULL;
			break;
		}
		if (why != NULL && readmin)
			return fail_readmin(&r->ctx.fail, ERR_INVALID_PARAMETER, 400,
					    arena_printf(r->arena, "Invalid %s", p->name));
		if (why != NULL)
			return gate_fail(r, ERR_INVALID_PARAMETER, "parameter", p->name, "reason", why);
	}
	return ERR_OK;
}

static bool
media_is_json(const char *ct)
{
	if (ct == NULL)
		return false;
	size_t n = strlen("application/json");
	if (strncasecmp(ct, "application/json", n) != 0)
		return false;
	ct += n;
	ct += strspn(ct, " \t");
	if (*ct == '\0')
		return true;
	if (*ct != ';')
		return false;
	ct++;
	ct += strspn(ct, " \t");
	return strcasecmp(ct, "charset=utf-8") == 0 || strcasecmp(ct, "charset=\"utf-8\"") == 0;
}

/* SEC J01-J15: media type, then strict JSON against the route's field table. */
static enum err
gate_body(struct req *r)
{
	const char *ce = req_header(r, "Content-Encoding");
	static const char empty[] = "{}";
	const char *body = r->body;
	size_t len = r->body_len;

	if (len > 0 && (r->method == M_GET || r->method == M_HEAD || r->route->body == NULL))
		return ERR_UNEXPECTED_BODY;
	if (r->route->body == NULL)
		return ERR_OK;
	/* Two Content-Type lines contradict each other even when the first is right. */
	if (len > 0 && (!media_is_json(req_header(r, "Content-Type")) ||
			req_header_count(r, "Content-Type") > 1 ||
			req_header_count(r, "Content-Encoding") > 1 ||
			(ce != NULL && strcasecmp(ce, "identity") != 0)))
		return ERR_MEDIA_TYPE;
	if (len == 0) {
		body = empty;
		len = 2;
	}
	if (json_parse(r->arena, body, len, &r->json) != JSON_OK)
		return ERR_INVALID_JSON;
	return json_check(r->json, r->route->body, true, r->arena, &r->ctx.fail);
}

/*
 * readmin-compat.md §1.1: GET bodies are ignored, DELETE bodies read, an empty body is {};
 * syntax is checked right after the key (§1.5), fields after the rate limit.
 */
static enum err
gate_readmin_syntax(struct req *r)
{
	struct fail *f = &r->ctx.fail;
	const char *ct = req_header(r, "Content-Type");

	if (r->method == M_GET || r->method == M_HEAD || r->body_len == 0)
		return json_parse(r->arena, "{}", 2, &r->json) == JSON_OK ? ERR_OK : ERR_INTERNAL;
	if (ct == NULL || req_header_count(r, "Content-Type") > 1 ||
	    strncasecmp(ct, "application/json", 16) != 0 ||
	    (ct[16] != '\0' && ct[16] != ';' && ct[16] != ' '))
		return fail_readmin(f, ERR_MEDIA_TYPE, 400, "Invalid content type");
	switch (json_parse_n(r->arena, r->body, r->body_len, LIMIT_READMIN_JSON_MEMBERS, &r->json)) {
	case JSON_OK:
		return ERR_OK;
	case JSON_NOT_OBJECT:
		return fail_readmin(f, ERR_INVALID_JSON, 400, "Body must be a JSON object");
	default:
		return fail_readmin(f, ERR_INVALID_JSON, 400, "Invalid JSON body");
	}
}

/* Known fields only; extras are ignored (in-game modules send them). */
static enum err
gate_readmin_fields(struct req *r)
{
	struct fail *f = &r->ctx.fail;
	enum err err;

	if (r->route->body == NULL)
		return ERR_OK;
	err = json_check(r->json, r->route->body, false, r->arena, f);
	if (err == ERR_MISSING_FIELD)
		return fail_readmin(f, err, 400, arena_printf(r->arena, "Missing %s", f->field));
	if (err)
		return fail_readmin(f, err, 400, arena_printf(r->arena, "Invalid %s", f->field));
	return ERR_OK;
}

/* Key headers (SEC K01 K02 K05); returns the presented key or NULL. */
static enum err
key_header(struct req *r, const char **key)
{
	const char *auth = req_header(r, "Authorization");
	const char *xk = req_header(r, "x-api-key");
	const char *xt = req_header(r, "x-api-token");
	const char *bearer = NULL;

	*key = NULL;
	if (req_header_count(r, "Authorization") > 1 || req_header_count(r, "x-api-key") > 1 ||
	    req_header_count(r, "x-api-token") > 1)
		return ERR_AMBIGUOUS_CREDENTIALS;
	if (auth != NULL) {
		if (strncasecmp(auth, "Bearer ", 7) != 0)
			bearer = ""; /* another scheme: key mode, refused without a lookup */
		else
			bearer = auth + 7 + strspn(auth + 7, " ");
	}
	const char *vals[3] = { bearer, xk, xt };
	for (int i = 0; i < 3; i++) {
		if (vals[i] == NULL)
			continue;
		if (*key != NULL && strcmp(*key, vals[i]) != 0)
			return ERR_AMBIGUOUS_CREDENTIALS;
		*key = vals[i];
	}
	return ERR_OK;
}

static void
deny_log(struct req *r, const char *event, const char *why)
{
	const char *kv[] = { "requestId", r->request_id, "ip", r->ip, "route", r->route->path,
			     "reason", why, NULL };
	log_kv(LOG_WARN, event, why, kv);
}

/*
 * readmin-compat.md §1.4: a route reads only its own family's header. An empty value counts
 * as missing; over 512 bytes, a non-printable byte or another format is unknown without a
 * lookup (SEC G03). Failures answer with the family's byte-exact texts.
 */
static enum err
gate_readmin_key(struct req *r)
{
	const struct route *rt = r->route;
	struct ctx *c = &r->ctx;
	bool ranking = rt->auth & AUTH_RANKING, server = rt->auth & AUTH_SERVER;
	const char *name = ranking ? "api-key" : "loader-id";
	const char *missing = ranking ? "Unauthorized"
			      : server ? "Loader ID was not provided"
				       : "Loader ID header was not provided.";
	const char *unknown = ranking ? "Unauthorized"
			      : server ? "Loader ID was not correct"
				       : "Workspace not found";
	const char *v = req_header(r, name);
	enum err err;

	if (!req_header_consistent(r, name))
		return fail_readmin(&c->fail, ERR_AMBIGUOUS_CREDENTIALS, 400, "Conflicting credentials");
	if (v == NULL || *v == '\0')
		return fail_readmin(&c->fail, ERR_UNAUTHENTICATED, 401, missing);
	size_t len = strlen(v);
	bool printable = len <= LIMIT_GAME_KEY_BYTES;
	for (size_t i = 0; printable && i < len; i++)
		printable = v[i] > 0x20 && v[i] < 0x7f;
	if (!printable || !gamekey_is_wellformed(ranking ? GAMEKEY_RANKING : GAMEKEY_LOADER, v))
		return fail_readmin(&c->fail, ERR_UNAUTHENTICATED, 401, unknown);
	err = gamekey_authenticate(c, ranking ? GAMEKEY_RANKING : GAMEKEY_LOADER, v);
	if (err == ERR_UNAUTHENTICATED) {
		deny_log(r, "key.denied", "unknown or revoked ReAdmin key");
		return fail_readmin(&c->fail, err, 401, unknown);
	}
	if (err)
		return err;
	r->touch_game_key = c->actor.game_key_last_used_at + LIMIT_TOUCH_INTERVAL_MS <= c->now;
	return ERR_OK;
}

/*
 * readmin-compat.md §1.4, §1.5: after JSON syntax, before the rate limit, a running-server
 * route resolves `gameId` (body or query) within the loader key's workspace; the lookup is
 * the heartbeat. The server lands in c->actor.server for the handler and the rate limit.
 */
static enum err
gate_readmin_server(struct req *r)
{
	struct ctx *c = &r->ctx;
	struct fail *f = &c->fail;
	const char *q = req_query(r, "gameId"), *b = NULL, *id;
	bool in_body = json_has(r->json, "gameId") && !json_is_null(r->json, "gameId");
	struct running_server *srv = arena_alloc(r->arena, sizeof(*srv));
	enum tracker_lookup res;
	enum err err;

	/* An empty value counts as missing; a number or object names no server (unknown). */
	if (in_body) {
		b = json_str(r->json, "gameId");
		in_body = b == NULL || *b != '\0';
		if (b == NULL)
			b = "-";
	}
	if (q != NULL && *q == '\0')
		q = NULL;
	if (q != NULL && in_body && strcmp(q, b) != 0)
		return fail_readmin(f, ERR_ID_MISMATCH, 400, "Conflicting gameId");
	id = in_body ? b : q;
	if (id == NULL)
		return fail_readmin(f, ERR_UNAUTHENTICATED, 401, "Game ID was not provided");
	err = tracker_server_resolve(c, c->actor.workspace_id, id, srv, &res);
	if (err)
		return err;
	if (res == TL_MISMATCH)
		return fail_readmin(f, ERR_UNAUTHENTICATED, 401,
				    "Internal game ID was not correct - mismatch");
	if (res == TL_UNKNOWN || (res == TL_ENDED && !(r->route->auth & AUTH_SERVER_ENDED)))
		return fail_readmin(f, ERR_UNAUTHENTICATED, 401, "Internal game ID was not correct");
	c->actor.server = srv;
	return ERR_OK;
}

/* Steps 4-8 of the check order. */
static enum err
gate_authenticate(struct req *r)
{
	const struct route *rt = r->route;
	struct ctx *c = &r->ctx;
	const char *key, *cookie_hdr, *tok = NULL;
	size_t tok_len = 0;
	enum err err;

	if (rt->auth == AUTH_NONE)
		return ERR_OK;
	if (rt->auth & (AUTH_RANKING | AUTH_LOADER))
		return gate_readmin_key(r);
	err = key_header(r, &key);
	if (err)
		return err;
	if (key != NULL) {
		if (!apikey_is_wellformed(key)) {
			metrics_keycheck(KC_UNKNOWN);
			return ERR_UNAUTHENTICATED;
		}
		err = apikey_authenticate(c, key);
		if (err) {
			deny_log(r, "key.denied", "unknown, expired or revoked key");
			return err;
		}
		if (!apikey_ip_allowed(c->actor.key_allowlist, r->ip)) {
			metrics_keycheck(KC_IP_DENIED);
			deny_log(r, "key.denied", "address not in the key's allow-list");
			return ERR_IP_NOT_ALLOWED;
		}
		if (!(rt->auth & AUTH_KEY))
			return ERR_SESSION_REQUIRED;
		if (rt->scope != SCOPE_NONE && !scope_covers(c->actor.scopes, rt->scope)) {
			metrics_keycheck(KC_SCOPE_DENIED);
			for (int i = 0; i < SCOPE_COUNT; i++)
				if (rt->scope & (1u << i))
					gate_fail(r, ERR_SCOPE_MISSING, "scope", scope_names[i], NULL,
						  NULL);
			deny_log(r, "key.denied", "scope missing");
			return ERR_SCOPE_MISSING;
		}
		metrics_keycheck(KC_OK);
		r->touch_key = c->actor.key_last_used_at + LIMIT_TOUCH_INTERVAL_MS <= c->now;
	} else {
		cookie_hdr = req_header(r, "Cookie");
		unsigned n = cookie_hdr ? cookie_find(cookie_hdr, "roster_session", &tok, &tok_len) : 0;
		if (n == 0 && req_header_count(r, "Cookie") <= 1)
			return ERR_UNAUTHENTICATED;
		/* SEC S02: two session cookies, in one Cookie line or across several lines (only
		 * the first line is searched, so more than one line is refused outright). */
		if (n != 1 || req_header_count(r, "Cookie") > 1 ||
		    !auth_token_is_wellformed(tok, tok_len)) {
			cookie_set_session(r, NULL);
			return ERR_UNAUTHENTICATED;
		}
		err = session_authenticate(c, arena_strndup(r->arena, tok, tok_len));
		if (err) {
			cookie_set_session(r, NULL);
			return err;
		}
		if (!(rt->auth & AUTH_COOKIE))
			return ERR_UNAUTHENTICATED;
		r->touch_session = c->actor.session_last_seen_at + LIMIT_TOUCH_INTERVAL_MS <= c->now;
		if (r->method != M_GET && r->method != M_HEAD) {
			const char *host = req_header(r, "Host");
			char *origin = arena_printf(r->arena, "http://%s", host ? host : "");
			/* A repeated Origin, Sec-Fetch-Site or token says two things; none is trusted. */
			bool one = req_header_count(r, "Origin") <= 1 &&
				   req_header_count(r, "Sec-Fetch-Site") <= 1 &&
				   req_header_count(r, "x-csrf-token") <= 1;
			if (!one ||
			    !csrf_check(c, req_header(r, "Sec-Fetch-Site"), req_header(r, "Origin"),
					req_header(r, "x-csrf-token"), origin)) {
				metrics_csrf_failure();
				deny_log(r, "auth.csrf_failed", "CSRF validation failed");
				return ERR_CSRF;
			}
		}
	}
	if (c->actor.pw_change_required && !rt->pw_change_ok)
		return ERR_PASSWORD_CHANGE_REQUIRED;
	if (rt->perm != PERM_NONE && !(c->actor.perms & PERM_BIT(rt->perm))) {
		gate_fail(r, ERR_FORBIDDEN, "permission", perm_catalogue[rt->perm].key, NULL, NULL);
		deny_log(r, "authz.denied", perm_catalogue[rt->perm].key);
		return ERR_FORBIDDEN;
	}
	return ERR_OK;
}

enum err
req_tx_begin(struct req *r, bool write)
{
	return store_begin(r->ctx.store, write);
}

enum err
req_tx_commit(struct req *r)
{
	return store_commit(r->ctx.store);
}

void
req_tx_rollback(struct req *r)
{
	store_rollback(r->ctx.store);
}

static enum err
touch_statements(struct req *r)
{
	struct ctx *c = &r->ctx;
	enum err err = ERR_OK;

	if (r->touch_session)
		err = session_touch(c);
	if (!err && r->touch_key)
		err = apikey_touch(c);
	if (!err && r->touch_game_key)
		err = gamekey_touch(c);
	return err;
}

/* Bookkeeping after COMMIT in its own short write; a failure never fails the request. */
static void
gate_touch(struct req *r)
{
	struct ctx *c = &r->ctx;

	if (!r->touch_session && !r->touch_key && !r->touch_game_key)
		return;
	if (store_begin(c->store, true) != ERR_OK)
		return;
	if (touch_statements(r) != ERR_OK || store_commit(c->store) != ERR_OK)
		store_rollback(c->store);
}

/*
 * Grouped routes: the key already checked and the body parsed on the request's thread,
 * before the request was queued for the writer; the parse's answer keeps its place.
 */
struct parsed {
	enum err err;
	struct fail fail;
};

/*
 * Steps 4-10 of the check order, with c->store in the request's transaction. pre, when not
 * NULL, says the key was checked already and holds the body's syntax answer.
 */
static enum err
gate_checks(struct req *r, const struct parsed *pre)
{
	const struct route *rt = r->route;
	enum err err = pre != NULL ? ERR_OK : gate_authenticate(r);

	if (err == ERR_OK && rt->surface == SURF_READMIN) {
		if (pre == NULL)
			err = gate_readmin_syntax(r);
		else if ((err = pre->err) != ERR_OK)
			r->ctx.fail = pre->fail;
	}
	if (err == ERR_OK && (rt->auth & AUTH_SERVER))
		err = gate_readmin_server(r);
	if (err == ERR_OK && rt->limit != NULL)
		err = rt->limit(r);
	if (err == ERR_OK)
		err = gate_query(r);
	if (err == ERR_OK)
		err = rt->surface == SURF_READMIN ? gate_readmin_fields(r) : gate_body(r);
	return err;
}

/* The handler. *last marks the headers that were there before it, for drop_headers. */
static enum err
gate_call(struct req *r, struct hdr **last)
{
	enum err err;

	*last = r->headers;
	while (*last && (*last)->next)
		*last = (*last)->next;
	resp_begin(r);
	err = r->route->fn(r);
	if (err == ERR_OK && r->out.overflow)
		err = ERR_INTERNAL;
	return err;
}

/* Headers a failing handler added (a new session cookie) must not leave with the error. */
static void
drop_headers(struct req *r, struct hdr *last)
{
	if (last != NULL)
		last->next = NULL;
	else
		r->headers = NULL;
}

/* Set once by `roster serve` before the listener starts; NULL runs grouped routes alone. */
static struct store_group *gate_group;

void
gate_set_group(struct store_group *g)
{
	gate_group = g;
}

struct grouped {
	struct req *r;
	struct hdr *last;
	bool called;
	struct parsed body;
	/* gate_submit: how the request is woken after the COMMIT, and its result */
	void (*wake)(void *arg);
	void *wake_arg;
	enum err err;
};

/*
 * The key is looked up in a read transaction of the request's own, then the body (up to 4
 * MiB) is parsed, both here and not on the writer every grouped write waits on; a caller
 * without a valid key costs no parse (§1.5: the key's answer comes first anyway).
 */
static enum err
grouped_prepare(struct grouped *g)
{
	struct req *r = g->r;
	struct ctx *c = &r->ctx;
	enum err err;

	c->store = store_pool_get(r->pool);
	err = store_begin(c->store, false);
	if (err == ERR_OK)
		err = gate_authenticate(r);
	store_rollback(c->store);
	store_pool_put(r->pool, c->store);
	c->store = NULL;
	if (err)
		return err;
	if (r->route->surface != SURF_READMIN)
		return ERR_OK;
	g->body.err = gate_readmin_syntax(r);
	g->body.fail = r->ctx.fail;
	r->ctx.fail = (struct fail){ 0 };
	return ERR_OK;
}

/*
 * A `grouped` route on the group-commit writer (store.h): checks, handler and bookkeeping
 * in the job's savepoint of the shared transaction, so a refusal undoes its own writes (a
 * heartbeat included) and a success is answered only after the shared COMMIT.
 */
static enum err
gate_grouped_job(struct store *s, void *arg)
{
	struct grouped *g = arg;
	struct req *r = g->r;
	enum err err;

	r->ctx.store = s;
	err = gate_checks(r, &g->body); /* the key was checked by grouped_prepare */
	if (err == ERR_OK) {
		g->called = true;
		err = gate_call(r, &g->last);
	}
	/* Bookkeeping never fails the request; SQLite undoes a failed statement alone. */
	if (err == ERR_OK)
		(void)touch_statements(r);
	r->ctx.store = NULL;
	return err;
}

static enum err
gate_run(struct req *r)
{
	const struct route *rt = r->route;
	struct ctx *c = &r->ctx;
	struct hdr *last;
	enum err err;

	/* Step 3: a credential in the URL is refused before anything reads it. */
	if (credential_in_query(r)) {
		metrics_reject(REJ_CREDENTIAL_IN_QUERY);
		return ERR_CREDENTIAL_IN_QUERY;
	}
	if (!rt->notx) {
		c->store = store_pool_get(r->pool);
		err = store_begin(c->store, rt->writes && !rt->outbound);
		if (err)
			return err;
	}
	err = gate_checks(r, NULL);
	if (err)
		return err;
	/* Outbound routes do their slow step with no transaction open (STYLE.md §1). */
	if (rt->outbound && store_in_tx(c->store)) {
		err = store_commit(c->store);
		if (err)
			return err;
	}
	err = gate_call(r, &last);
	if (c->store != NULL && store_in_tx(c->store)) {
		if (err == ERR_OK)
			err = store_commit(c->store);
		else
			store_rollback(c->store);
	}
	if (err)
		drop_headers(r, last);
	return err;
}

/* Routing: false when the answer (404, 405) is already written. */
static bool
gate_route(struct req *r, struct store_pool *pool)
{
	char allow[64];

	r->pool = pool;
	r->ctx.arena = r->arena;
	r->ctx.now = clock_now_ms();
	r->ctx.request_id = r->request_id;
	r->ctx.ip = r->ip;
	switch (router_match(r, allow, sizeof(allow))) {
	case ROUTER_NOT_FOUND:
		gate_reject(r, ERR_NOT_FOUND, NULL);
		return false;
	case ROUTER_METHOD:
		gate_reject(r, ERR_METHOD_NOT_ALLOWED, NULL);
		req_header_add(r, "Allow", allow);
		return false;
	case ROUTER_OK:
		break;
	}
	return true;
}

/* The answer, once the handler's writes are committed or undone. */
static void
gate_finish(struct req *r, enum err err)
{
	if (r->ctx.store != NULL) {
		store_rollback(r->ctx.store);
		if (err == ERR_OK)
			gate_touch(r);
		store_pool_put(r->pool, r->ctx.store);
		r->ctx.store = NULL;
	}
	resp_security_headers(r, r->route->surface);
	/* Counted only once the entries are committed. */
	for (int i = 0; err == ERR_OK && i < r->ctx.audit_n; i++)
		metrics_audit_entry();
	if (err == ERR_OK) {
		if (!r->raw)
			resp_end(r);
		return;
	}
	if (err == ERR_INTERNAL)
		log_kv(LOG_ERROR, "http.internal", "handler failed",
		       (const char *const[]){ "requestId", r->request_id, "route", r->route->path,
					      NULL });
	resp_error(r, err, r->ctx.fail.err == err ? &r->ctx.fail : NULL);
}

static void
gate_grouped_done(void *arg, enum err err)
{
	struct grouped *g = arg;

	g->err = err;
	g->wake(g->wake_arg);
}

bool
gate_submit(struct req *r, struct store_pool *pool, void (*park)(void *arg),
	    void (*wake)(void *arg), void *wake_arg)
{
	struct grouped *g;

	if (!gate_route(r, pool))
		return false;
	if (!r->route->grouped || gate_group == NULL || credential_in_query(r)) {
		gate_finish(r, gate_run(r)); /* gate_run answers the credential in the URL */
		return false;
	}
	g = arena_alloc(r->arena, sizeof(*g));
	*g = (struct grouped){ .r = r, .wake = wake, .wake_arg = wake_arg };
	enum err err = grouped_prepare(g);
	if (err) {
		gate_finish(r, err);
		return false;
	}
	r->pending = g;
	park(wake_arg);
	store_group_submit(gate_group, gate_grouped_job, g, gate_grouped_done);
	return true;
}

void
gate_resume(struct req *r)
{
	struct grouped *g = r->pending;

	r->pending = NULL;
	if (g->err && g->called)
		drop_headers(r, g->last);
	gate_finish(r, g->err);
}

void
gate_reject(struct req *r, enum err err, const char *details)
{
	struct fail f = { .err = err, .details = details };

	resp_error(r, err, &f);
	resp_security_headers(r, surface_of_path(r->path ? r->path : "/"));
}
