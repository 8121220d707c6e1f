/*
 * client.h: outbound HTTP for Roster's few upstream calls (Roblox). The only place libcurl is
 * used (STYLE.md §4): callers see a status or a transport failure and a capped body, never a
 * curl type or message. Every request has a 10 s total timeout, verifies TLS and follows no
 * redirect. Includers: roblox/ and http/.
 */
#ifndef ROSTER_CLIENT_H
#define ROSTER_CLIENT_H

#include <stddef.h>

#include "core/buf.h"

#define CLIENT_TIMEOUT_MS 10000      /* readmin-compat.md §1.8: 10 s per Roblox call */
#define CLIENT_BODY_MAX (1024 * 1024) /* a larger upstream answer is a failure, not cut */
#define CLIENT_MAX_HEADERS 8

/* Negative results of client_request: the call produced no usable HTTP status. */
#define CLIENT_TIMEOUT (-1)  /* the 10 s passed */
#define CLIENT_NETWORK (-2)  /* DNS, connect, TLS, reset */
#define CLIENT_TOO_LARGE (-3) /* the answer passed CLIENT_BODY_MAX */
#define CLIENT_FAILED (-4)   /* the request could not be set up */

struct client_req {
	const char *method; /* "GET", "POST", "PATCH", "DELETE" */
	const char *url;
	const char *headers[CLIENT_MAX_HEADERS]; /* "Name: value", NULL-terminated early */
	const char *body;                        /* NULL: none */
	size_t body_len;
	/* Optional: the value of this response header is copied into header_value (or ""). */
	const char *want_header;
	char header_value[128];
};

/* Process-wide libcurl set-up, once before threads start; client_cleanup at exit. */
void client_global_init(void);
void client_global_cleanup(void);

/*
 * Performs one request. The response body goes into out (initialised by the caller, capped at
 * CLIENT_BODY_MAX at most; out is reset first). Returns the HTTP status (100-599) or one of
 * the negative CLIENT_* values; the cause is logged here with the URL's host, never a secret.
 */
int client_request(struct client_req *q, struct buf *out);

#endif
