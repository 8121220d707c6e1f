/*
 * health.h: readiness of storage (platform.md §8).
 */
#ifndef ROSTER_HEALTH_H
#define ROSTER_HEALTH_H

#include "store/store.h"

/* NULL when ready, else "storage" or "migrations". */
const char *health_storage(struct store_pool *pool);

#endif
