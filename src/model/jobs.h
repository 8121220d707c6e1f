/*
 * jobs.h: background jobs (platform.md §11). Every node runs them; a lease row in the
 * database lets one node at a time do each job.
 */
#ifndef ROSTER_JOBS_H
#define ROSTER_JOBS_H

#include "model/ctx.h"

/* Runs each job whose period has passed and whose lease this node wins. */
void jobs_run_due(struct store *s, const char *holder);

#endif
