/*
 * server.c: libmicrohttpd used directly: an epoll listener with a worker pool, connection,
 * per-address, idle-time and header-memory caps, and the framing checks that run at the
 * first access-handler call, before any route is looked at (SECURITY.md §2). The only file
 * that includes <microhttpd.h>; the rest of Roster sees struct req.
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "auth/secret.h"
#include "config.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/strconv.h"
#include "core/xmalloc.h"
#include "http/gate.h"
#include "http/peers.h"
#include "http/router.h"
#include "http/url.h"

struct server {
	struct MHD_Daemon *d;
	struct store_pool *pool;
	unsigned port;
};

/* Set once by a drain; read by /readyz. */
static atomic_bool server_is_draining;
static atomic_int server_inflight;

/* Per-request state, allocated in the request's arena by the URI callback. */
struct conn_state {
	struct req r;
	const char *raw_target;
	struct MHD_Connection *conn;
	bool started;
	bool parked;    /* suspended while the group-commit writer runs it */
	bool rejected;  /* an answer was queued before the body was read */
	bool has_body;
	size_t limit;
	struct buf body;
};

bool
server_draining(void)
{
	return atomic_load(&server_is_draining);
}

/* ---- request header access for the rest of Roster (req.h) ---- */

const char *
req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

struct hdr_count {
	const char *name;
	unsigned n;
};

static enum MHD_Result
hdr_count_cb(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct hdr_count *hc = cls;
	(void)kind;
	(void)value;
	if (strcasecmp(key, hc->name) == 0)
		hc->n++;
	return MHD_YES;
}

unsigned
req_header_count(struct req *r, const char *name)
{
	struct hdr_count hc = { name, 0 };
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, hdr_count_cb, &hc);
	return hc.n;
}

struct hdr_same {
	const char *name;
	const char *first;
	bool same;
};

static enum MHD_Result
hdr_same_cb(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct hdr_same *hs = cls;
	(void)kind;
	if (strcasecmp(key, hs->name) != 0)
		return MHD_YES;
	if (hs->first == NULL)
		hs->first = value ? value : "";
	else if (strcmp(hs->first, value ? value : "") != 0)
		hs->same = false;
	return MHD_YES;
}

bool
req_header_consistent(struct req *r, const char *name)
{
	struct hdr_same hs = { name, NULL, true };
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, hdr_same_cb, &hs);
	return hs.same;
}

void
req_header_add(struct req *r, const char *name, const char *value)
{
	struct hdr *h = arena_alloc(r->arena, sizeof(*h));
	struct hdr **tail = &r->headers;

	h->name = arena_strdup(r->arena, name);
	h->value = arena_strdup(r->arena, value);
	while (*tail)
		tail = &(*tail)->next;
	*tail = h;
}

/* ---- framing (SECURITY.md §2) ---- */

struct framing {
	unsigned n_cl, n_te, n_host;
	const char *cl, *te;
	size_t header_bytes;
	bool bad;
};

static bool
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static enum MHD_Result
framing_cb(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
	   const char *value, size_t value_size)
{
	struct framing *f = cls;
	(void)kind;

	f->header_bytes += key_size + value_size + 4;
	/* SEC F05 F06: names are tokens (no space before the colon, no control bytes). */
	if (key_size == 0)
		f->bad = true;
	for (size_t i = 0; i < key_size; i++)
		if (!is_tchar((unsigned char)key[i]))
			f->bad = true;
	/* SEC F07: a NUL or control byte in a value (MHD would cut at the NUL). */
	for (size_t i = 0; value != NULL && i < value_size; i++) {
		unsigned char c = (unsigned char)value[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			f->bad = true;
	}
	if (strcasecmp(key, "Content-Length") == 0) {
		f->n_cl++;
		f->cl = value;
	} else if (strcasecmp(key, "Transfer-Encoding") == 0) {
		f->n_te++;
		f->te = value;
	} else if (strcasecmp(key, "Host") == 0) {
		f->n_host++;
	}
	return MHD_YES;
}

/* Returns ERR_OK, ERR_MALFORMED, ERR_BODY_TOO_LARGE, or ERR_COUNT for 505 / 431. */
static int
framing_check(struct conn_state *cs, struct MHD_Connection *conn, const char *version,
	      size_t limit)
{
	struct framing f = { 0 };
	int64_t cl = 0;

	if (strcmp(version, "HTTP/1.1") != 0 && strcmp(version, "HTTP/1.0") != 0)
		return 505; /* SEC F08 */
	MHD_get_connection_values_n(conn, MHD_HEADER_KIND, framing_cb, &f);
	if (f.header_bytes > LIMIT_HEADER_BYTES)
		return 431; /* SEC L01 */
	if (f.bad)
		return 400;
	/* SEC F04: exactly one Host on 1.1, at most one on 1.0. */
	if (f.n_host > 1 || (f.n_host == 0 && strcmp(version, "HTTP/1.1") == 0))
		return 400;
	/* SEC F01 F02: one framing header, once. */
	if (f.n_cl > 1 || f.n_te > 1 || (f.n_cl && f.n_te))
		return 400;
	/* SEC F03: chunked is the only transfer coding we accept. */
	if (f.n_te && strcasecmp(f.te, "chunked") != 0)
		return 400;
	if (f.n_cl) {
		size_t len = strlen(f.cl);
		/* SEC F10: digits only; more than 18 digits is simply too large. */
		if (len == 0 || strspn(f.cl, "0123456789") != len)
			return 400;
		if (len > 18 || !str_to_i64(f.cl, len, 0, INT64_MAX, &cl) || (uint64_t)cl > limit)
			return 413;
	}
	cs->has_body = (f.n_cl && cl > 0) || f.n_te;
	return 200;
}

/* ---- responses ---- */

static enum MHD_Result
send_req(struct MHD_Connection *conn, struct req *r)
{
	struct MHD_Response *resp;
	size_t len = r->out.len;
	char *body = buf_steal(&r->out);
	enum MHD_Result ret;
	bool ok = true;

	resp = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	/* SEC 7: every add is checked; a refused header value turns the answer into a 500. */
	ok &= MHD_add_response_header(resp, "Content-Type", r->content_type) == MHD_YES;
	ok &= MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff") == MHD_YES;
	ok &= MHD_add_response_header(resp, "X-Request-Id", r->request_id) == MHD_YES;
	for (struct hdr *h = r->headers; h; h = h->next)
		ok &= MHD_add_response_header(resp, h->name, h->value) == MHD_YES;
	if (r->close)
		ok &= MHD_add_response_header(resp, "Connection", "close") == MHD_YES;
	if (!ok) {
		MHD_destroy_response(resp);
		static const char oops[] = "{\"success\":false,\"data\":null,\"error\":{\"code\":"
					   "\"internal\",\"message\":\"Internal server error\"}}";
		resp = MHD_create_response_from_buffer(sizeof(oops) - 1, (void *)(uintptr_t)oops,
						       MHD_RESPMEM_PERSISTENT);
		if (resp == NULL)
			return MHD_NO;
		MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
		r->status = 500;
	}
	ret = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void
reject(struct conn_state *cs, int status)
{
	struct req *r = &cs->r;

	cs->rejected = true;
	r->close = true;
	switch (status) {
	case 413:
		metrics_reject(REJ_BODY_TOO_LARGE);
		gate_reject(r, ERR_BODY_TOO_LARGE, NULL);
		break;
	case 400:
		metrics_reject(REJ_FRAMING);
		gate_reject(r, ERR_MALFORMED, NULL);
		break;
	default: /* 414, 431, 505: plain answers with the malformed envelope */
		metrics_reject(REJ_FRAMING);
		gate_reject(r, ERR_MALFORMED, NULL);
		r->status = status;
		break;
	}
}

/* ---- libmicrohttpd callbacks ---- */

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct arena *a = arena_new();
	struct conn_state *cs = arena_alloc(a, sizeof(*cs));
	uint8_t rid[8];
	(void)cls;

	cs->r.arena = a;
	cs->r.conn = conn;
	cs->r.start_ns = clock_mono_ns();
	cs->r.route_index = -1;
	cs->raw_target = arena_strdup(a, uri ? uri : "");
	/*
	 * Roster parses the query from the copy just taken. libmicrohttpd would next split the
	 * same bytes into GET arguments inside the connection's 34 KiB pool, and with a few
	 * hundred parameters that pool runs out and the connection hangs (SEC L07). Ending the
	 * string right after the '?' leaves it nothing to parse. The buffer is the library's
	 * writable read buffer, which it documents this callback may see before it modifies it.
	 */
	char *q = uri ? strchr((char *)(uintptr_t)uri, '?') : NULL;
	if (q != NULL)
		q[1] = '\0';
	secret_random(rid, sizeof(rid));
	for (size_t i = 0; i < sizeof(rid); i++) {
		static const char hex[] = "0123456789abcdef";
		cs->r.request_id[2 * i] = hex[rid[i] >> 4];
		cs->r.request_id[2 * i + 1] = hex[rid[i] & 15];
	}
	atomic_fetch_add(&server_inflight, 1);
	metrics_inflight(1);
	return cs;
}

static bool
peer_is_trusted(const char *ip)
{
	for (int i = 0; i < cfg.n_trusted_proxies; i++)
		if (cidr_contains(&cfg.trusted_proxies[i], ip))
			return true;
	return false;
}

/*
 * The client address: the socket peer, or behind a --trusted-proxy the right-most
 * X-Forwarded-For hop that is not itself a trusted proxy.
 */
static void
client_address(struct req *r, struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	char tmp[64] = "unknown";

	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, tmp,
			  sizeof(tmp));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  tmp, sizeof(tmp));
	if (!ip_canonical(tmp, r->peer, sizeof(r->peer)))
		snprintf(r->peer, sizeof(r->peer), "%s", tmp);
	snprintf(r->ip, sizeof(r->ip), "%s", r->peer);
	if (cfg.n_trusted_proxies == 0 || !peer_is_trusted(r->peer))
		return;
	const char *xff = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Forwarded-For");
	if (xff == NULL)
		return;
	char *list = arena_strdup(r->arena, xff);
	for (;;) {
		char *comma = strrchr(list, ',');
		char *hop = comma ? comma + 1 : list;
		char canon[64];
		hop += strspn(hop, " \t");
		hop[strcspn(hop, " \t")] = '\0';
		if (!ip_canonical(hop, canon, sizeof(canon)))
			return;
		snprintf(r->ip, sizeof(r->ip), "%s", canon);
		if (!peer_is_trusted(canon) || comma == NULL)
			return;
		*comma = '\0';
	}
}

static size_t
body_limit_for(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 ? cfg.body_limit : cfg.readmin_body_limit;
}

/* Suspended before the request is queued, so that its wake-up can never come first. */
static void
park(void *arg)
{
	struct conn_state *cs = arg;

	cs->parked = true;
	MHD_suspend_connection(cs->conn);
}

/* On the writer thread: MHD calls on_request again on the connection's own worker. */
static void
wake(void *arg)
{
	MHD_resume_connection(((struct conn_state *)arg)->conn);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
	struct server *srv = cls;
	struct conn_state *cs = *con_cls;
	struct req *r;
	(void)url;

	if (cs == NULL)
		return MHD_NO;
	r = &cs->r;
	if (!cs->started) {
		cs->started = true;
		r->method_str = arena_strdup(r->arena, method);
		r->method = method_parse(method);
		client_address(r, conn);
		/* Path first: the error envelope depends on the surface it names. */
		switch (url_parse(r->arena, cs->raw_target, &r->path, &r->query, &r->nquery)) {
		case URL_OK:
			break;
		case URL_TOO_MANY_PARAMS:
			r->path = "/api/";
			r->close = true;
			gate_reject(r, ERR_INVALID_PARAMETER,
				    "{\"parameter\":\"*\",\"reason\":\"too many parameters\"}");
			cs->rejected = true;
			return send_req(conn, r);
		default:
			r->path = cs->raw_target[0] == '/' ? cs->raw_target : "/";
			reject(cs, 400);
			return send_req(conn, r);
		}
		cs->limit = body_limit_for(r->path);
		int st = framing_check(cs, conn, version, cs->limit);
		if (st != 200) {
			reject(cs, st);
			return send_req(conn, r);
		}
		if (cs->has_body)
			buf_init(&cs->body, cs->limit);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		/* SEC L04: chunked bodies are counted; past the cap the connection is dropped. */
		if (cs->rejected || !buf_append(&cs->body, upload_data, *upload_data_size)) {
			metrics_reject(REJ_BODY_TOO_LARGE);
			return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (cs->rejected)
		return MHD_YES;
	if (cs->parked) { /* woken: its COMMIT is done */
		cs->parked = false;
		gate_resume(r);
		return send_req(conn, r);
	}
	r->body = cs->has_body ? cs->body.p : NULL;
	r->body_len = cs->has_body ? cs->body.len : 0;
	/* A grouped write parks: no worker thread waits while the writer batches it. */
	cs->conn = conn;
	if (gate_submit(r, srv->pool, park, wake, cs))
		return MHD_YES;
	return send_req(conn, r);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
	     enum MHD_RequestTerminationCode toe)
{
	struct conn_state *cs = *con_cls;
	struct req *r;
	(void)cls;
	(void)conn;

	if (cs == NULL)
		return;
	r = &cs->r;
	int64_t dur = clock_mono_ns() - r->start_ns;
	int status = r->status ? r->status : 0;
	if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && status == 0)
		status = 499;
	metrics_request(r->route_index, r->method_str ? r->method_str : "OTHER", status, dur);

	char members[1024];
	struct buf b;
	buf_init(&b, sizeof(members));
	buf_puts(&b, "\"requestId\":");
	buf_json_str(&b, r->request_id, strlen(r->request_id));
	buf_puts(&b, ",\"method\":");
	buf_json_str(&b, r->method_str ? r->method_str : "", r->method_str ? strlen(r->method_str) : 0);
	buf_puts(&b, ",\"route\":");
	const char *route = r->route ? r->route->path : "unmatched";
	buf_json_str(&b, route, strlen(route));
	buf_printf(&b, ",\"status\":%d,\"durationMs\":%.3f,\"ip\":", status, (double)dur / 1e6);
	buf_json_str(&b, r->ip, strlen(r->ip));
	if (r->ctx.actor.user_id[0]) {
		buf_puts(&b, ",\"userId\":");
		buf_json_str(&b, r->ctx.actor.user_id, strlen(r->ctx.actor.user_id));
	}
	if (r->ctx.actor.key_id[0]) {
		buf_puts(&b, ",\"keyId\":");
		buf_json_str(&b, r->ctx.actor.key_id, strlen(r->ctx.actor.key_id));
	}
	if (!b.overflow)
		log_raw(LOG_INFO, "http.request", "request", b.p);
	buf_release(&b);
	buf_release(&cs->body);
	buf_release(&r->out);
	atomic_fetch_sub(&server_inflight, 1);
	metrics_inflight(-1);
	arena_free(r->arena);
	*con_cls = NULL;
}

/* The library's own format strings; the attribute lets the compiler check the call. */
static void on_mhd_log(void *cls, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static enum MHD_Result
on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	(void)cls;
	(void)addrlen;
	if (peers_admit(addr))
		return MHD_YES;
	metrics_reject(REJ_CONN_LIMIT);
	return MHD_NO;
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
	      enum MHD_ConnectionNotificationCode toe)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	(void)cls;
	(void)socket_context;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		peers_opened(sa);
		metrics_connections(1);
	} else {
		peers_closed(sa);
		metrics_connections(-1);
	}
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	(void)cls;
	if (vsnprintf(line, sizeof(line), fmt, ap) < 0)
		return;
	line[strcspn(line, "\n")] = '\0';
	log_msg(LOG_DEBUG, "http.library", "%s", line);
}

static bool
parse_listen(const char *s, struct sockaddr_storage *ss, bool *v6)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	int64_t port;

	if (colon == NULL || !str_to_i64(colon + 1, strlen(colon + 1), 0, 65535, &port))
		return false;
	size_t hlen = (size_t)(colon - s);
	if (hlen >= sizeof(host))
		return false;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (host[0] == '[' && hlen > 2 && host[hlen - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
		host[hlen - 1] = '\0';
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		*v6 = true;
		return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1;
	}
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	a4->sin_family = AF_INET;
	a4->sin_port = htons((uint16_t)port);
	*v6 = false;
	return inet_pton(AF_INET, hlen ? host : "0.0.0.0", &a4->sin_addr) == 1;
}

struct server *
server_start(struct store_pool *pool)
{
	struct server *srv = xcalloc(1, sizeof(*srv));
	struct sockaddr_storage ss;
	struct rlimit rl;
	bool v6;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC |
			 MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;

	if (!parse_listen(cfg.listen, &ss, &v6)) {
		log_error("server.start", "invalid --listen '%s'", cfg.listen);
		free(srv);
		return NULL;
	}
	/* SEC 2: the connection cap must fit the descriptor limit with room for the database. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)cfg.max_connections + 64 > rl.rlim_cur) {
		if (rl.rlim_max == RLIM_INFINITY || (rlim_t)cfg.max_connections + 64 <= rl.rlim_max) {
			rl.rlim_cur = (rlim_t)cfg.max_connections + 64;
			setrlimit(RLIMIT_NOFILE, &rl);
		} else {
			log_error("server.start", "--max-connections %d does not fit RLIMIT_NOFILE %lu",
				  cfg.max_connections, (unsigned long)rl.rlim_max);
			free(srv);
			return NULL;
		}
	}
	if (v6)
		flags |= MHD_USE_IPv6;
	srv->pool = pool;
	srv->d = MHD_start_daemon(
		flags, 0, on_accept, srv, on_request, srv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)cfg.threads, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)cfg.max_connections, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned)LIMIT_IDLE_SECONDS,
		/* 32 KiB of headers plus their bookkeeping; we enforce 32 KiB ourselves. No more:
		 * libmicrohttpd 0.9.75 clears the whole pool between requests, and a 48 KiB pool
		 * measured ~35% slower than 34 KiB on a keyed GET (bench/README.md). */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(34 * 1024),
		/* Not strict: the library's own refusals (missing Host) are HTML pages sent with
		 * their header block twice by 0.9.75; Roster's framing check refuses the same
		 * requests with one answer in its envelope. */
		MHD_OPTION_STRICT_FOR_CLIENT, 0, MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_NOTIFY_CONNECTION,
		on_connection, srv, MHD_OPTION_EXTERNAL_LOGGER,
		on_mhd_log, srv, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u, MHD_OPTION_END);
	if (srv->d == NULL) {
		log_error("server.start", "could not listen on '%s'", cfg.listen);
		free(srv);
		return NULL;
	}
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->d, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di ? di->port : 0;
	return srv;
}

unsigned
server_port(const struct server *s)
{
	return s->port;
}

void
server_drain_and_stop(struct server *s, int seconds)
{
	atomic_store(&server_is_draining, true);
	MHD_socket fd = MHD_quiesce_daemon(s->d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	for (int i = 0; i < seconds * 20 && atomic_load(&server_inflight) > 0; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	MHD_stop_daemon(s->d);
	free(s);
}
