/*
 * req.h: one HTTP request as handlers see it, and the route row every handler is declared
 * with. Handlers read validated input and write `data` members through r->w; the gate has
 * already done authentication, CSRF, permission, parsing and the transaction (STYLE.md §1).
 * Everything here lives in r->arena.
 */
#ifndef ROSTER_REQ_H
#define ROSTER_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "json/json.h"
#include "json/jw.h"
#include "model/ctx.h"

enum method {
	M_GET = 1u << 0,
	M_POST = 1u << 1,
	M_PUT = 1u << 2,
	M_PATCH = 1u << 3,
	M_DELETE = 1u << 4,
	M_HEAD = 1u << 5,
	M_OPTIONS = 1u << 6,
	M_OTHER = 1u << 7,
};

enum surface { SURF_API, SURF_READMIN, SURF_OPS, SURF_WEB };

/* Authentication modes a route accepts (bits). */
#define AUTH_NONE 0u
#define AUTH_COOKIE (1u << 0) /* roster_session + CSRF on mutations */
#define AUTH_KEY (1u << 1)    /* prapi_ API key */
#define AUTH_RANKING (1u << 2) /* ReAdmin ranking key in `api-key` */
#define AUTH_LOADER (1u << 3)  /* ReAdmin loader key in `loader-id` */
/* With AUTH_LOADER: a running server's `gameId` too (readmin-compat.md §1.4, model/tracker.h). */
#define AUTH_SERVER (1u << 4)
#define AUTH_SERVER_ENDED (1u << 5) /* with AUTH_SERVER: an ended server resolves (endServer) */

enum qtype { Q_INT, Q_TEXT, Q_ID, Q_BOOL, Q_TIME, Q_ENUM };

struct qfield {
	const char *name;
	enum qtype type;
	int64_t min; /* Q_INT: value; Q_TEXT: code points */
	int64_t max;
	bool repeatable;
	const char *const *values; /* Q_ENUM: NULL-terminated */
};

struct req;
typedef enum err (*handler_fn)(struct req *r);

#define ROUTE_MAX_PARAMS 4

struct route {
	unsigned method;
	const char *path; /* "/api/keys/{keyId}"; {name} matches one non-empty segment */
	handler_fn fn;
	enum surface surface;
	unsigned auth;         /* AUTH_* bits; AUTH_NONE = public */
	unsigned scope;        /* SCOPE_* required of a key; SCOPE_NONE = any key */
	int perm;              /* enum perm required, or PERM_NONE */
	const struct field *body;   /* NULL: no body accepted */
	const struct qfield *query; /* NULL: no parameters accepted */
	bool writes;           /* opens BEGIN IMMEDIATE */
	bool outbound;         /* slow step (hashing, Roblox) outside any transaction */
	bool pw_change_ok;     /* usable while passwordChangeRequired */
	bool notx;             /* touches no storage (healthz, metrics) */
	/* writes: many small writes a second (the activity tracker), run in the shared
	 * group-commit transaction and answered after its COMMIT (store.h) */
	bool grouped;
	handler_fn limit;      /* endpoint rate limit, step 9 of the check order; may be NULL */
	const char *readmin_extra; /* ReAdmin errors repeat `reason` under this key, or NULL */
	const char *summary;   /* OpenAPI */
};

struct hdr {
	const char *name;
	const char *value;
	struct hdr *next;
};

struct qparam {
	const char *name;
	const char *value;
	size_t value_len;
};

struct req {
	struct arena *arena;
	enum method method;
	const char *method_str;
	const char *path; /* decoded, trailing slash removed */
	struct qparam *query;
	size_t nquery;
	const char *body;
	size_t body_len;
	const struct json *json; /* parsed body object; NULL when none was sent */
	const struct route *route;
	int route_index;
	const char *params[ROUTE_MAX_PARAMS];
	size_t nparams;
	char request_id[17];
	char ip[64];
	char peer[64];
	void *conn; /* server-private */
	struct store_pool *pool;

	struct ctx ctx;
	struct buf out;
	struct jw w;

	/* response */
	int status;               /* raw responses only */
	const char *content_type; /* raw responses only */
	bool raw;                 /* handler wrote the whole body into out */
	bool close;               /* Connection: close */
	struct hdr *headers;

	/* bookkeeping the gate does after COMMIT, in its own short write */
	bool touch_session;
	bool touch_key;
	bool touch_game_key;
	int64_t start_ns;
	void *pending; /* gate-private: a grouped request parked until its COMMIT */
};

/* Request headers: first value, case-insensitive name; NULL when absent. */
const char *req_header(struct req *r, const char *name);
/* Number of headers with that name. */
unsigned req_header_count(struct req *r, const char *name);
/* Every header with that name carries the same value (true when there is none). */
bool req_header_consistent(struct req *r, const char *name);
/* Adds a response header (copied into the arena). */
void req_header_add(struct req *r, const char *name, const char *value);

/* Query access after the gate validated it against route->query. */
const char *req_query(const struct req *r, const char *name);
bool req_query_has(const struct req *r, const char *name);
int64_t req_query_int(const struct req *r, const char *name, int64_t dflt);
int64_t req_query_time(const struct req *r, const char *name, int64_t dflt);
/* Page and pageSize with defaults (1, 20). */
void req_paging(const struct req *r, int64_t *page, int64_t *page_size);
/* Path parameter by position. */
const char *req_param(const struct req *r, size_t i);

/*
 * Transactions for `outbound` routes: the gate leaves them without one; the handler opens one
 * after its slow step. Whatever is open when the handler returns is committed on ERR_OK and
 * rolled back otherwise.
 */
enum err req_tx_begin(struct req *r, bool write);
enum err req_tx_commit(struct req *r);
void req_tx_rollback(struct req *r);

/* Common query fields. */
#define QF_PAGE { "page", Q_INT, 1, 10000, false, NULL }
#define QF_PAGE_SIZE { "pageSize", Q_INT, 1, 100, false, NULL }

#endif
