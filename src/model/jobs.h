/*
 * jobs.h: background jobs (platform.md §11). Every node runs them; a lease row in the
 * database lets one node at a time do each job.
 */
#ifndef ROSTER_JOBS_H
#define ROSTER_JOBS_H

#include "model/ctx.h"

/* Names the jobs to core/metrics.c (roster_jobs_runs_total); once, before the jobs thread. */
void jobs_metrics_init(void);
/* Runs each job whose period has passed and whose lease this node wins. */
void jobs_run_due(struct store *s, const char *holder);

#endif
