/*
 * resp.h: response envelopes and security headers. The only writer of error bodies.
 */
#ifndef ROSTER_RESP_H
#define ROSTER_RESP_H

#include "http/req.h"

enum surface surface_of_path(const char *path);
/* Starts {"success":true,"data":{ in r->out and points r->w inside data. */
void resp_begin(struct req *r);
/* Closes the data object and the envelope. */
void resp_end(struct req *r);
/*
 * Replaces r->out with the error envelope of the request's surface. f may be NULL; for the
 * ReAdmin surface its reason and status, when set, replace the code's defaults.
 */
void resp_error(struct req *r, enum err err, const struct fail *f);
/* Adds the headers of the surface (no-store, CSP, Referrer-Policy). */
void resp_security_headers(struct req *r, enum surface s);

#endif
