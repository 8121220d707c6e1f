/*
 * server.h: the HTTP server over libmicrohttpd (the only includer of <microhttpd.h>).
 */
#ifndef ROSTER_SERVER_H
#define ROSTER_SERVER_H

#include <stdbool.h>

#include "store/store.h"

struct server;

/* Starts listening per cfg; returns NULL after logging why. */
struct server *server_start(struct store_pool *pool);
unsigned server_port(const struct server *s);
/* Stops accepting, lets in-flight requests finish (up to seconds), then stops. */
void server_drain_and_stop(struct server *s, int seconds);
/* True once a drain began (readyz answers 503). */
bool server_draining(void);

#endif
