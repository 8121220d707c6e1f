/*
 * test_group.c: group commit (store/group.c) on a real SQLite file: every acknowledged job is
 * committed, a failing job loses only its own writes, concurrent jobs share commits, and a
 * lone job is not held back.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/arena.h"
#include "store/store.h"
#include "tap.h"

#define THREADS 8
#define PER_THREAD 150

static const struct store_opts opts = { .sync_full = true, .busy_timeout_ms = 2000 };
static char url[128];

struct ins {
	int64_t k;
	bool fail_after; /* insert, then fail: the row must not survive */
};

static enum err
job_insert(struct store *s, void *arg)
{
	const struct ins *in = arg;
	const struct val v[] = { V_INT(in->k) };
	enum err err = store_exec(s, "INSERT INTO t (k) VALUES (?)", v, 1, NULL);

	return err ? err : in->fail_after ? ERR_INVALID_FIELD : ERR_OK;
}

static int64_t
count(struct store *s, const char *sql)
{
	struct arena *a = arena_new();
	struct rows rows;
	int64_t n = -1;

	if (store_query(s, a, sql, NULL, 0, &rows) == ERR_OK && rows.n == 1)
		n = rows_int(&rows, 0, 0);
	arena_free(a);
	return n;
}

struct worker {
	struct store_group *g;
	int id;
	int failures; /* jobs answered with an error they should not have had */
};

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < PER_THREAD; i++) {
		struct ins in = { .k = (int64_t)w->id * 100000 + i, .fail_after = i % 10 == 9 };
		enum err err = store_group_run(w->g, job_insert, &in);
		if (err != (in.fail_after ? ERR_INVALID_FIELD : ERR_OK))
			w->failures++;
	}
	return NULL;
}

/* Submitted jobs: results land here from the writer thread. */
static pthread_mutex_t sub_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sub_cv = PTHREAD_COND_INITIALIZER;
static int sub_done, sub_bad;

static void
on_done(void *arg, enum err err)
{
	const struct ins *in = arg;

	pthread_mutex_lock(&sub_mu);
	if (err != (in->fail_after ? ERR_INVALID_FIELD : ERR_OK))
		sub_bad++;
	sub_done++;
	pthread_cond_signal(&sub_cv);
	pthread_mutex_unlock(&sub_mu);
}

int
main(void)
{
	char dir[] = "/tmp/roster-group-XXXXXX";
	struct store_group *g;
	struct store *s;
	int64_t commits, jobs;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(url, sizeof(url), "sqlite:%s/g.db", dir);
	ok(store_open(url, &opts, &s) == ERR_OK, "open the file");
	ok(store_exec_script(s, "CREATE TABLE t (k INTEGER PRIMARY KEY)") == ERR_OK, "make a table");
	ok(store_group_new(url, &opts, &g) == ERR_OK, "start the writer");

	/* A lone job: committed before its call returns. */
	struct ins one = { .k = 1 };
	is_int(store_group_run(g, job_insert, &one), ERR_OK, "a lone job succeeds");
	is_int(count(s, "SELECT count(*) FROM t WHERE k = 1"), 1,
	       "its row is visible to another connection when the call returns");

	/* A unique violation fails that job alone. */
	is_int(store_group_run(g, job_insert, &one), ERR_CONFLICT, "a duplicate key is a conflict");
	struct ins fail = { .k = 2, .fail_after = true };
	is_int(store_group_run(g, job_insert, &fail), ERR_INVALID_FIELD,
	       "a job's own error is returned");
	is_int(count(s, "SELECT count(*) FROM t WHERE k = 2"), 0, "its write was rolled back");

	/* Concurrent jobs: every success committed, every failure undone, commits shared. */
	pthread_t th[THREADS];
	struct worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .g = g, .id = i + 1 };
		pthread_create(&th[i], NULL, worker_main, &w[i]);
	}
	int failures = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		failures += w[i].failures;
	}
	is_int(failures, 0, "every concurrent job got its own result");
	is_int(count(s, "SELECT count(*) FROM t WHERE k >= 100000"), THREADS * PER_THREAD * 9 / 10,
	       "exactly the successful jobs' rows are stored");
	is_int(count(s, "SELECT count(*) FROM t WHERE k >= 100000 AND k % 10 = 9"), 0,
	       "no failed job's row is stored");
	store_group_stats(g, &commits, &jobs);
	is_int(jobs, 1 + THREADS * PER_THREAD * 9 / 10, "the committed jobs are counted, failures not");
	ok(commits < jobs, "concurrent jobs shared commits (%lld commits for %lld jobs)",
	   (long long)commits, (long long)jobs);

	/* Submitted without waiting: each callback comes after its commit, with its own result. */
	static struct ins subs[200];
	for (int i = 0; i < 200; i++) {
		subs[i] = (struct ins){ .k = 5000000 + i, .fail_after = i % 7 == 0 };
		store_group_submit(g, job_insert, &subs[i], on_done);
	}
	pthread_mutex_lock(&sub_mu);
	while (sub_done < 200)
		pthread_cond_wait(&sub_cv, &sub_mu);
	pthread_mutex_unlock(&sub_mu);
	is_int(sub_bad, 0, "every submitted job's callback got its own result");
	is_int(count(s, "SELECT count(*) FROM t WHERE k >= 5000000"), 200 - 29,
	       "the successful submitted jobs' rows are stored when their callbacks ran");

	/* The write lock held elsewhere: a job waits for it, or fails as ERR_STORE past the wait. */
	store_group_free(g);
	static const struct store_opts quick = { .sync_full = true, .busy_timeout_ms = 100 };
	ok(store_group_new(url, &quick, &g) == ERR_OK, "restart the writer with a 100 ms wait");
	ok(store_begin(s, true) == ERR_OK, "another connection takes the write lock");
	struct ins late = { .k = 3 };
	is_int(store_group_run(g, job_insert, &late), ERR_STORE,
	       "a job that cannot get the lock fails as a storage error");
	store_rollback(s);
	is_int(count(s, "SELECT count(*) FROM t WHERE k = 3"), 0, "and wrote nothing");
	is_int(store_group_run(g, job_insert, &late), ERR_OK, "once the lock is free it commits");
	is_int(count(s, "SELECT count(*) FROM t WHERE k = 3"), 1, "its row is stored");
	store_group_free(g);
	store_close(s);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
