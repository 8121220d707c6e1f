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

/* Renders an error for a request that never reached the gate (framing, 413). */
void gate_reject(struct req *r, enum err err, const char *details_json);

#endif
