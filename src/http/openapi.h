/*
 * openapi.h: the OpenAPI 3.1 document, generated from the route tables at start-up so it
 * cannot drift from the routes.
 */
#ifndef ROSTER_OPENAPI_H
#define ROSTER_OPENAPI_H

#include "core/buf.h"

void openapi_render(struct buf *out);

#endif
