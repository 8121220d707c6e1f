/*
 * cmd_serve.c: `roster serve`: checks the schema, starts the HTTP server and the jobs
 * thread, then waits for SIGTERM/SIGINT and drains (platform.md §10).
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/auth.h"
#include "auth/perm.h"
#include "auth/secret.h"
#include "cli/cli.h"
#include "config.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/strconv.h"
#include "core/xmalloc.h"
#include "http/client.h"
#include "http/gate.h"
#include "http/router.h"
#include "http/server.h"
#include "model/gauges.h"
#include "model/jobs.h"

/*
 * The jobs thread looks for due jobs every 30 s; each job's own period is its lease. Between
 * checks it refreshes the database-derived gauges once GAUGES_PERIOD_MS has passed on the
 * clock seam, so no request ever counts rows for /metrics.
 */
#define JOBS_INTERVAL_MS 30000
#define JOBS_NAP_MS 100

struct jobs_thread {
	struct store_pool *pool;
	atomic_bool stop;
	char holder[ID_LEN + 1];
	int64_t interval_ms;
	int64_t gauges_at; /* clock_now_ms() of the last gauge refresh; 0 before the first */
};

/*
 * Builds with the clock seam (never release builds) take the check interval from
 * ROSTER_TEST_JOBS_INTERVAL_MS (10-60000), so a black-box test that moves the clock past a
 * job's lease sees the job run without waiting 30 s (docs/decisions.md).
 */
static int64_t
jobs_interval_ms(void)
{
#ifdef ROSTER_CLOCK_SEAM
	const char *v = getenv("ROSTER_TEST_JOBS_INTERVAL_MS");
	int64_t ms;

	if (v != NULL && str_to_i64(v, strlen(v), 10, 60000, &ms))
		return ms;
	if (v != NULL)
		log_warn("serve.start", "ROSTER_TEST_JOBS_INTERVAL_MS ignored: not 10-60000");
#endif
	return JOBS_INTERVAL_MS;
}

static void
gauges_tick(struct jobs_thread *jt)
{
	int64_t now = clock_now_ms();
	struct store *s;

	/* A test clock moved backwards makes the refresh due at once rather than stuck. */
	if (jt->gauges_at != 0 && now >= jt->gauges_at && now - jt->gauges_at < GAUGES_PERIOD_MS)
		return;
	s = store_pool_get(jt->pool);
	gauges_refresh(s, now); /* a failure is logged; the next period tries again */
	store_pool_put(jt->pool, s);
	jt->gauges_at = now;
}

static void *
jobs_main(void *p)
{
	struct jobs_thread *jt = p;
	int64_t nap = jt->interval_ms < JOBS_NAP_MS ? jt->interval_ms : JOBS_NAP_MS;

	while (!atomic_load(&jt->stop)) {
		struct store *s = store_pool_get(jt->pool);
		jobs_run_due(s, jt->holder);
		store_pool_put(jt->pool, s);
		/* Short naps so shutdown is prompt. */
		for (int64_t t = 0; t < jt->interval_ms && !atomic_load(&jt->stop); t += nap) {
			struct timespec ts = { 0, (long)(nap * 1000 * 1000) };

			gauges_tick(jt);
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
}

/*
 * platform.md §6.1: the instance key seals Open Cloud keys and bot cookies. It comes from
 * ROSTER_INSTANCE_KEY or <data-dir>/instance.key (made by `roster migrate`): base64url of
 * 32 bytes, one optional trailing newline. Anything else refuses the start.
 */
static bool
instance_key_load(void)
{
	const char *env = getenv("ROSTER_INSTANCE_KEY");
	char path[4096], text[128];
	size_t len = 0;
	bool ok;

	if (env != NULL) {
		len = strlen(env);
		if (len >= sizeof(text))
			return false;
		memcpy(text, env, len);
	} else {
		int n = snprintf(path, sizeof(path), "%s/instance.key", cfg.data_dir);
		FILE *f;

		if (n < 0 || (size_t)n >= sizeof(path) || (f = fopen(path, "rb")) == NULL)
			return false;
		len = fread(text, 1, sizeof(text), f);
		fclose(f);
		if (len >= sizeof(text))
			return false;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	ok = secret_b64url_decode(text, len, cfg.instance_key, sizeof(cfg.instance_key));
	secret_wipe(text, sizeof(text));
	cfg.instance_key_loaded = ok;
	return ok;
}

static void
serve_metrics_init(void)
{
	size_t n = router_count();
	const char **labels = xcalloc(n + 1, sizeof(*labels));
	const char **surfaces = xcalloc(n + 1, sizeof(*surfaces));
	static const char *const names[] = { "api", "readmin", "ops", "web" };

	for (size_t i = 0; i < n; i++) {
		labels[i] = router_at(i)->path;
		surfaces[i] = names[router_at(i)->surface];
	}
	/* The tables live as long as the process. */
	metrics_init(clock_now_ms(), "sqlite", (unsigned)n, labels, surfaces);
}

int
cmd_serve(int argc, char **argv)
{
	struct store_opts o = { .sync_full = cfg.sqlite_sync_full, .busy_timeout_ms = 2000 };
	struct store_pool *pool;
	struct store_group *group;
	struct store *s;
	struct server *srv;
	struct jobs_thread jt = { 0 };
	pthread_t jobs;
	sigset_t set;
	int sig = 0;

	if (argc > 0) {
		fprintf(stderr, "roster serve: unknown flag '%s'\n", argv[0]);
		return EXIT_USAGE;
	}
	if (!perm_catalogue_check()) {
		log_error("serve.start", "permission catalogue has a missing prerequisite or a cycle");
		return EXIT_RUNTIME;
	}
	if (!instance_key_load()) {
		log_error("serve.start", "instance key missing or not base64url of 32 bytes:"
					 " run `roster migrate` or set ROSTER_INSTANCE_KEY");
		return EXIT_RUNTIME;
	}
	router_init();
	serve_metrics_init();
	jobs_metrics_init();
	if (cli_open(&s) != ERR_OK)
		return EXIT_RUNTIME;
	int version = store_schema_version(s);
	store_close(s);
	if (version != store_schema_latest()) {
		log_error("serve.start", "schema version %d, binary needs %d: run `roster migrate`",
			  version, store_schema_latest());
		return EXIT_RUNTIME;
	}
	/* One connection per worker, one for the jobs thread; the group-commit writer has its own. */
	if (store_pool_new(config_database(), &o, (unsigned)cfg.threads + 1, &pool) != ERR_OK)
		return EXIT_RUNTIME;
	pwslots_init(cfg.threads);
	if (pw_dummy_init() != ERR_OK) {
		store_pool_free(pool);
		return EXIT_RUNTIME;
	}
	/* Signals are taken by sigwait below; every thread started after this inherits the mask. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	client_global_init(); /* before any worker thread: curl_global_init is not thread-safe */
	/* The writer thread too is started after the mask: a SIGTERM delivered to it would kill
	 * the process instead of draining it. */
	if (store_group_new(config_database(), &o, &group) != ERR_OK) {
		store_pool_free(pool);
		return EXIT_RUNTIME;
	}
	gate_set_group(group);
	srv = server_start(pool);
	if (srv == NULL) {
		gate_set_group(NULL);
		store_group_free(group);
		store_pool_free(pool);
		return EXIT_RUNTIME;
	}
	jt.pool = pool;
	jt.interval_ms = jobs_interval_ms();
	id_new(clock_now_ms(), jt.holder);
	pthread_create(&jobs, NULL, jobs_main, &jt);
	char members[64];
	snprintf(members, sizeof(members), "\"port\":%u,\"threads\":%d", server_port(srv),
		 cfg.threads);
	log_raw(LOG_INFO, "server.listening", "serving", members);
	sigwait(&set, &sig);
	log_info("server.draining", "signal %d: draining for up to %d s", sig, LIMIT_DRAIN_SECONDS);
	server_drain_and_stop(srv, LIMIT_DRAIN_SECONDS);
	gate_set_group(NULL);
	store_group_free(group); /* after the workers: nothing queues on it any more */
	atomic_store(&jt.stop, true);
	pthread_join(jobs, NULL);
	store_pool_free(pool);
	client_global_cleanup();
	log_info("server.stopped", "stopped");
	return 0;
}
