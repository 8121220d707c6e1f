/*
 * gauges.h: the database-derived gauges of platform.md §8 (sessions active, game servers
 * running, players online, queued actions pending, alt clusters). Counted instance-wide, not
 * per workspace: /metrics carries no workspace or id labels. The jobs thread calls this off
 * the request path; the caller decides how often (at most every 15 s).
 */
#ifndef ROSTER_GAUGES_H
#define ROSTER_GAUGES_H

#include <stdint.h>

#include "store/store.h"

/* The period the spec allows: a refresh at most this often. */
#define GAUGES_PERIOD_MS 15000

/* Counts the five gauges in one statement at `now` and hands them to core/metrics.c. */
enum err gauges_refresh(struct store *s, int64_t now);

#endif
