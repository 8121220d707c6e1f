/*
 * cookie.h: reading one cookie from a Cookie header, and writing the session cookies.
 */
#ifndef ROSTER_COOKIE_H
#define ROSTER_COOKIE_H

#include <stddef.h>

#include "http/req.h"

/*
 * Finds name=value pairs in a Cookie header. Returns how many pairs carry that exact name
 * (0, 1, or more); *val and *len describe the first one.
 */
unsigned cookie_find(const char *header, const char *name, const char **val, size_t *len);
/* Set-Cookie for the session (Max-Age 43200) or its removal (token NULL, Max-Age 0). */
void cookie_set_session(struct req *r, const char *token);
/* Set-Cookie for the long-lived device id when absent (alt signals). */
void cookie_set_device(struct req *r, const char *device_id);

#endif
