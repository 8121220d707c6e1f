/*
 * gate.h: THE gate (STYLE.md §1). Every request that passed framing goes through
 * gate_submit: route, credentials, transaction, authentication, scope, CSRF, password-change
 * lock, permission, input, handler, commit, envelope. Handlers never do any of these.
 */
#ifndef ROSTER_GATE_H
#define ROSTER_GATE_H

#include "http/req.h"
#include "store/store.h"

/*
 * Routes marked `grouped` run on this group-commit writer (store.h); set once before the
 * server starts. Without one they run like any other route.
 */
void gate_set_group(struct store_group *g);

/*
 * Runs the request. A `grouped` route (with a writer set) calls park(arg), is handed to the
 * group-commit writer and true is returned; wake(arg) is then called from the writer thread
 * once its COMMIT is done, and the caller finishes it with gate_resume on its own thread. Any
 * other request is answered at once (false). Afterwards r->out holds the body and r->status
 * and r->content_type are set.
 */
bool gate_submit(struct req *r, struct store_pool *pool, void (*park)(void *arg),
		 void (*wake)(void *arg), void *arg);
void gate_resume(struct req *r);

/* Renders an error for a request that never reached the gate (framing, 413). */
void gate_reject(struct req *r, enum err err, const char *details_json);

#endif
