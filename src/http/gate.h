/*
 * gate.h: THE gate (STYLE.md §1). Every request that passed framing goes through
 * gate_handle: route, credentials, transaction, authentication, scope, CSRF, password-change
 * lock, permission, input, handler, commit, envelope. Handlers never do any of these.
 */
#ifndef ROSTER_GATE_H
#define ROSTER_GATE_H

#include "http/req.h"
#include "store/store.h"

/* Runs the request; afterwards r->out holds the body, r->status and r->content_type are set. */
void gate_handle(struct req *r, struct store_pool *pool);

/*
 * Routes marked `grouped` run on this group-commit writer (store.h); set once before the
 * server starts. Without one they run like any other route.
 */
void gate_set_group(struct store_group *g);

/*
 * gate_handle for a server that can park a request: a `grouped` route calls park(arg),
 * is handed to the group-commit writer and true is returned; wake(arg) is then called from
 * the writer thread once its COMMIT is done, and the caller finishes the request with
 * gate_resume on its own thread. Any other request is handled at once (false), as by
 * gate_handle.
 */
bool gate_submit(struct req *r, struct store_pool *pool, void (*park)(void *arg),
		 void (*wake)(void *arg), void *arg);
void gate_resume(struct req *r);

/* Renders an error for a request that never reached the gate (framing, 413). */
void gate_reject(struct req *r, enum err err, const char *details_json);

#endif
