/*
 * jobs.c: the job table and the lease protocol: a job runs when its lease row is absent or
 * expired, claimed by one conditional upsert inside the job's own write transaction. The
 * lease lasts the job's period, so across every node a job runs at most once per period; a
 * failed run rolls its claim back with its work, and the next check retries it.
 */
#include "model/jobs.h"

#include <string.h>

#include "core/clock.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/metrics.h"
#include "model/accounts.h"
#include "model/minutes.h"
#include "model/bans.h"
#include "model/tracker.h"

static const char SQL_LEASE[] =
	"INSERT INTO job_leases (job, holder, expires_at) VALUES (?, ?, ?)"
	" ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at"
	" WHERE job_leases.expires_at <= ?";
static const char SQL_SWEEP_SESSIONS[] =
	"DELETE FROM login_sessions WHERE last_seen_at <= ? OR created_at <= ?";
static const char SQL_SWEEP_ATTEMPTS[] = "DELETE FROM login_attempts WHERE at <= ?";

static enum err
job_session_sweep(struct ctx *c)
{
	const struct val s[] = { V_INT(c->now - LIMIT_SESSION_IDLE_MS),
				 V_INT(c->now - LIMIT_SESSION_ABSOLUTE_MS) };
	const struct val a[] = { V_INT(c->now - LIMIT_THROTTLE_WINDOW_MS) };
	enum err err = store_exec(c->store, SQL_SWEEP_SESSIONS, s, 2, NULL);

	return err ? err : store_exec(c->store, SQL_SWEEP_ATTEMPTS, a, 1, NULL);
}

/* platform.md §11: erase soft-deleted accounts past retentionExpiresAt (staff-admin.md §7.5). */
static enum err
job_retention_purge(struct ctx *c)
{
	int64_t n = 0;
	enum err err = account_purge_expired(c, &n);

	if (!err && n > 0)
		log_info("job.run", "retention purge erased %lld account(s)", (long long)n);
	return err;
}

static const struct {
	const char *name;
	int64_t period_ms;
	enum err (*fn)(struct ctx *c);
} jobs[] = {
	{ "session_sweep", 3600 * 1000LL, job_session_sweep },
	{ "retention_purge", 15 * 60 * 1000LL, job_retention_purge },
	{ "distribution_rollover", 60 * 1000LL, distribution_rollover_due },
	{ "ban_expiry", 60 * 1000LL, bans_expire },
	{ "stale_servers", 60 * 1000LL, tracker_sweep_stale },
};

void
jobs_metrics_init(void)
{
	static const char *names[nitems(jobs)];

	_Static_assert(nitems(jobs) <= METRICS_JOBS_MAX, "raise METRICS_JOBS_MAX in core/metrics.h");
	for (size_t i = 0; i < nitems(jobs); i++)
		names[i] = jobs[i].name;
	metrics_jobs_init(names, (unsigned)nitems(jobs));
}

void
jobs_run_due(struct store *s, const char *holder)
{
	for (size_t i = 0; i < sizeof(jobs) / sizeof(jobs[0]); i++) {
		struct arena *a = arena_new();
		struct ctx c = { .store = s, .arena = a, .now = clock_now_ms() };
		int64_t won = 0;
		enum err err;

		c.actor.type = ACTOR_SYSTEM;
		const struct val args[] = { V_TEXT(jobs[i].name), V_TEXT(holder),
					    V_INT(c.now + jobs[i].period_ms), V_INT(c.now) };
		err = store_begin(s, true);
		if (!err)
			err = store_exec(s, SQL_LEASE, args, 4, &won);
		if (!err && won > 0)
			err = jobs[i].fn(&c);
		if (!err)
			err = store_commit(s);
		/* Any error is a failed run, the lease claim's included: the check could not run it. */
		if (err) {
			store_rollback(s);
			log_warn("job.run", "job '%s' failed: %s", jobs[i].name, err_code(err));
			metrics_job_run((unsigned)i, false);
		} else if (won > 0) {
			log_info("job.run", "job '%s' ran", jobs[i].name);
			metrics_job_run((unsigned)i, true);
		}
		arena_free(a);
	}
}
