/*
 * cmd_serve.c: `roster serve`: checks the schema, starts the HTTP server and the jobs
 * thread, then waits for SIGTERM/SIGINT and drains (platform.md §10).
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/auth.h"
#include "auth/perm.h"
#include "cli/cli.h"
#include "config.h"
#include "core/clock.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/xmalloc.h"
#include "http/router.h"
#include "http/server.h"
#include "model/jobs.h"

struct jobs_thread {
	struct store_pool *pool;
	atomic_bool stop;
	char holder[ID_LEN + 1];
};

static void *
jobs_main(void *p)
{
	struct jobs_thread *jt = p;

	while (!atomic_load(&jt->stop)) {
		struct store *s = store_pool_get(jt->pool);
		jobs_run_due(s, jt->holder);
		store_pool_put(jt->pool, s);
		/* Check every 30 s, in short naps so shutdown is prompt. */
		for (int i = 0; i < 300 && !atomic_load(&jt->stop); i++) {
			struct timespec ts = { 0, 100 * 1000 * 1000 };
			nanosleep(&ts, NULL);
		}
	}
	return NULL;
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
	router_init();
	serve_metrics_init();
	if (cli_open(&s) != ERR_OK)
		return EXIT_RUNTIME;
	int version = store_schema_version(s);
	store_close(s);
	if (version != store_schema_latest()) {
		log_error("serve.start", "schema version %d, binary needs %d: run `roster migrate`",
			  version, store_schema_latest());
		return EXIT_RUNTIME;
	}
	/* One connection per worker, one for the jobs thread. */
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
	srv = server_start(pool);
	if (srv == NULL) {
		store_pool_free(pool);
		return EXIT_RUNTIME;
	}
	jt.pool = pool;
	id_new(clock_now_ms(), jt.holder);
	pthread_create(&jobs, NULL, jobs_main, &jt);
	char members[64];
	snprintf(members, sizeof(members), "\"port\":%u,\"threads\":%d", server_port(srv),
		 cfg.threads);
	log_raw(LOG_INFO, "server.listening", "serving", members);
	sigwait(&set, &sig);
	log_info("server.draining", "signal %d: draining for up to %d s", sig, LIMIT_DRAIN_SECONDS);
	server_drain_and_stop(srv, LIMIT_DRAIN_SECONDS);
	atomic_store(&jt.stop, true);
	pthread_join(jobs, NULL);
	store_pool_free(pool);
	log_info("server.stopped", "stopped");
	return 0;
}
