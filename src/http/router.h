/*
 * router.h: matches a method and decoded path against every route table (404, or 405 with
 * the Allow list). Paths match segment by segment; `{x}` takes one non-empty segment.
 */
#ifndef ROSTER_ROUTER_H
#define ROSTER_ROUTER_H

#include <stddef.h>

#include "http/req.h"

void router_init(void);
size_t router_count(void);
const struct route *router_at(size_t i);

enum router_result { ROUTER_OK, ROUTER_NOT_FOUND, ROUTER_METHOD };

/*
 * On ROUTER_OK sets r->route, r->route_index and r->params (pointing into the arena). On
 * ROUTER_METHOD writes the Allow header value into allow (e.g. "GET, POST").
 */
enum router_result router_match(struct req *r, char *allow, size_t allow_size);

enum method method_parse(const char *s);
const char *method_name(unsigned m);

#endif
