/*
 * group.c: group commit (store.h). One writer thread owns one connection. Requests queue a
 * job and sleep; the writer opens one write transaction, runs every queued job in its own
 * SAVEPOINT (a failing job rolls back its own writes alone), takes the jobs that queued
 * meanwhile, and commits them all with one COMMIT, so one fsync covers the batch. Each job
 * is woken only after that COMMIT: an acknowledged write is a durable write. While the
 * writer pays for one fsync the next batch gathers, so the batch grows with the load and a
 * lone request waits for nothing but its own commit. A submitted job does not even hold its
 * request thread: its callback wakes the request once the COMMIT is done.
 */
#include "store/store.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/xmalloc.h"

/* Jobs per transaction: bounds how long the write lock is held and one failure's reach. */
#define GROUP_BATCH_MAX 512

struct group_job {
	store_group_fn fn;
	void *arg;
	store_group_done_fn on_done; /* submitted: called after the commit, then freed here */
	enum err err;
	bool done;
	struct group_job *next;
};

struct store_group {
	struct store *s;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work; /* the writer waits for jobs */
	pthread_cond_t done; /* requests wait for their batch */
	struct group_job *head, **tail;
	bool stop;
	atomic_llong commits, jobs;
};

static const char SQL_SAVEPOINT[] = "SAVEPOINT group_job";
static const char SQL_RELEASE[] = "RELEASE group_job";
static const char SQL_ROLLBACK_TO[] = "ROLLBACK TO group_job";

/* Takes up to `room` queued jobs off the queue, in arrival order; NULL when none. */
static struct group_job *
take(struct store_group *g, size_t room, size_t *n)
{
	struct group_job *first = g->head, *last = NULL;

	*n = 0;
	for (struct group_job *j = first; j != NULL && *n < room; j = j->next) {
		last = j;
		(*n)++;
	}
	if (last == NULL)
		return NULL;
	g->head = last->next;
	if (g->head == NULL)
		g->tail = &g->head;
	last->next = NULL;
	return first;
}

static void
finish(struct store_group *g, struct group_job *list, enum err override)
{
	struct group_job *submitted = NULL;

	pthread_mutex_lock(&g->mu);
	for (struct group_job *j = list, *next; j != NULL; j = next) {
		next = j->next;
		if (override != ERR_OK && j->err == ERR_OK)
			j->err = override;
		if (j->on_done != NULL) {
			j->next = submitted;
			submitted = j;
		} else {
			j->done = true; /* its waiter may return at once: j is not touched again */
		}
	}
	pthread_cond_broadcast(&g->done);
	pthread_mutex_unlock(&g->mu);
	for (struct group_job *j = submitted, *next; j != NULL; j = next) {
		next = j->next;
		j->on_done(j->arg, j->err);
		free(j);
	}
}

/*
 * One job in its savepoint. SQLite ends the whole transaction on some failures (disk full,
 * I/O); then the jobs already run in it are lost too, which *lost reports.
 */
static void
run_one(struct store_group *g, struct group_job *j, bool *lost)
{
	enum err err = store_exec(g->s, SQL_SAVEPOINT, NULL, 0, NULL);

	*lost = false;
	if (err == ERR_OK)
		err = j->fn(g->s, j->arg);
	if (!store_in_tx(g->s)) {
		*lost = true;
		j->err = err ? err : ERR_STORE;
		return;
	}
	if (err != ERR_OK)
		(void)store_exec(g->s, SQL_ROLLBACK_TO, NULL, 0, NULL);
	if (store_exec(g->s, SQL_RELEASE, NULL, 0, NULL) != ERR_OK && err == ERR_OK)
		err = ERR_STORE;
	j->err = err;
}

/* Finishes one job at once (it failed: nothing of it waits for the fsync). */
static void
finish_one(struct store_group *g, struct group_job *j)
{
	j->next = NULL;
	finish(g, j, ERR_OK);
}

/*
 * One transaction: the jobs taken, then those that queued while they ran. A lost
 * transaction fails the jobs run in it, and the next job begins a new one.
 */
static void
run_batch(struct store_group *g, struct group_job *batch, size_t n)
{
	struct group_job *ok = NULL, **ok_tail = &ok;
	size_t total = n;
	bool lost;

	while (batch != NULL) {
		for (struct group_job *j = batch, *next; j != NULL; j = next) {
			next = j->next;
			j->next = NULL;
			if (!store_in_tx(g->s) && store_begin(g->s, true) != ERR_OK) {
				j->err = ERR_STORE;
				finish_one(g, j);
				continue;
			}
			run_one(g, j, &lost);
			if (lost) {
				*ok_tail = j;
				finish(g, ok, ERR_STORE);
				ok = NULL;
				ok_tail = &ok;
			} else if (j->err != ERR_OK) {
				finish_one(g, j);
			} else {
				*ok_tail = j;
				ok_tail = &j->next;
			}
		}
		pthread_mutex_lock(&g->mu);
		batch = take(g, total < GROUP_BATCH_MAX ? GROUP_BATCH_MAX - total : 0, &n);
		pthread_mutex_unlock(&g->mu);
		total += n;
	}
	if (ok == NULL) {
		store_rollback(g->s); /* only failed jobs ran: their savepoints are undone */
		return;
	}
	enum err err = store_commit(g->s);
	if (err == ERR_OK) {
		int64_t n_ok = 0;
		for (struct group_job *j = ok; j != NULL; j = j->next)
			n_ok++;
		atomic_fetch_add(&g->commits, 1);
		atomic_fetch_add(&g->jobs, (long long)n_ok);
		metrics_group_commit(n_ok);
	}
	finish(g, ok, err);
}

static void *
writer_main(void *arg)
{
	struct store_group *g = arg;
	struct group_job *batch;
	size_t n;

	for (;;) {
		pthread_mutex_lock(&g->mu);
		while (g->head == NULL && !g->stop)
			pthread_cond_wait(&g->work, &g->mu);
		if (g->head == NULL && g->stop) {
			pthread_mutex_unlock(&g->mu);
			return NULL;
		}
		batch = take(g, GROUP_BATCH_MAX, &n);
		pthread_mutex_unlock(&g->mu);
		run_batch(g, batch, n);
	}
}

enum err
store_group_new(const char *url, const struct store_opts *o, struct store_group **out)
{
	struct store_group *g = xcalloc(1, sizeof(*g));
	enum err err = store_open(url, o, &g->s);

	*out = NULL;
	if (err) {
		free(g);
		return err;
	}
	g->tail = &g->head;
	/* Default attributes allocate nothing that can run out; failure is a broken libc. */
	if (pthread_mutex_init(&g->mu, NULL) != 0 || pthread_cond_init(&g->work, NULL) != 0 ||
	    pthread_cond_init(&g->done, NULL) != 0 ||
	    pthread_create(&g->thread, NULL, writer_main, g) != 0)
		abort();
	*out = g;
	return ERR_OK;
}

/* Runs the jobs still queued, then stops the writer. */
void
store_group_free(struct store_group *g)
{
	if (g == NULL)
		return;
	pthread_mutex_lock(&g->mu);
	g->stop = true;
	pthread_cond_signal(&g->work);
	pthread_mutex_unlock(&g->mu);
	pthread_join(g->thread, NULL);
	pthread_cond_destroy(&g->done);
	pthread_cond_destroy(&g->work);
	pthread_mutex_destroy(&g->mu);
	store_close(g->s);
	free(g);
}

static void
enqueue(struct store_group *g, struct group_job *j)
{
	*g->tail = j;
	g->tail = &j->next;
	pthread_cond_signal(&g->work);
}

enum err
store_group_run(struct store_group *g, store_group_fn fn, void *arg)
{
	struct group_job j = { .fn = fn, .arg = arg };

	pthread_mutex_lock(&g->mu);
	enqueue(g, &j);
	while (!j.done)
		pthread_cond_wait(&g->done, &g->mu);
	pthread_mutex_unlock(&g->mu);
	return j.err;
}

void
store_group_submit(struct store_group *g, store_group_fn fn, void *arg, store_group_done_fn done)
{
	struct group_job *j = xcalloc(1, sizeof(*j));

	j->fn = fn;
	j->arg = arg;
	j->on_done = done;
	pthread_mutex_lock(&g->mu);
	enqueue(g, j);
	pthread_mutex_unlock(&g->mu);
}

void
store_group_stats(struct store_group *g, int64_t *commits, int64_t *jobs)
{
	*commits = g ? (int64_t)atomic_load(&g->commits) : 0;
	*jobs = g ? (int64_t)atomic_load(&g->jobs) : 0;
}
