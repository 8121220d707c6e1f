/*
 * pool.c: the connection pool of store.h: a mutex, a condition variable and a stack of idle
 * connections. A connection is held by one worker for one request, which keeps the store
 * rule "one thread at a time per connection" without any lock inside the backends.
 */
#include "store/store.h"

#include <assert.h>
#include <pthread.h>
#include <stdlib.h>

#include "core/log.h"
#include "core/xmalloc.h"

struct store_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned n;	     /* connections opened */
	unsigned n_idle;     /* how many of them sit in idle[] */
	struct store **all;  /* n entries, for closing */
	struct store **idle; /* a stack: the connection used last has the warmest cache */
};

enum err
store_pool_new(const char *url, const struct store_opts *o, unsigned n, struct store_pool **out)
{
	struct store_pool *p;
	enum err err;

	*out = NULL;
	if (n == 0) {
		log_error("store.pool", "store pool: refusing a pool of 0 connections");
		return ERR_INTERNAL;
	}
	p = xcalloc(1, sizeof(*p));
	p->all = xcalloc(n, sizeof(*p->all));
	p->idle = xcalloc(n, sizeof(*p->idle));
	for (; p->n < n; p->n++) {
		err = store_open(url, o, &p->all[p->n]);
		if (err)
			goto fail;
		p->idle[p->n] = p->all[p->n];
	}
	p->n_idle = n;
	/* Default attributes allocate nothing that can run out; failure is a broken libc. */
	if (pthread_mutex_init(&p->mu, NULL) != 0 || pthread_cond_init(&p->cv, NULL) != 0)
		abort();
	*out = p;
	return ERR_OK;
fail:
	for (unsigned i = 0; i < p->n; i++)
		store_close(p->all[i]);
	free(p->idle);
	free(p->all);
	free(p);
	return err;
}

void
store_pool_free(struct store_pool *p)
{
	if (p == NULL)
		return;
	/* Closing a connection a worker still holds would pull it from under that worker. */
	assert(p->n_idle == p->n);
	for (unsigned i = 0; i < p->n; i++)
		store_close(p->all[i]);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p->idle);
	free(p->all);
	free(p);
}

struct store *
store_pool_get(struct store_pool *p)
{
	struct store *s;

	pthread_mutex_lock(&p->mu);
	while (p->n_idle == 0)
		pthread_cond_wait(&p->cv, &p->mu);
	s = p->idle[--p->n_idle];
	pthread_mutex_unlock(&p->mu);
	return s;
}

void
store_pool_put(struct store_pool *p, struct store *s)
{
	/* A transaction left open would hold the write lock, or a stale snapshot, into the next
	 * request on this connection; end it here and say so, as it is a bug upstream. */
	if (store_in_tx(s)) {
		log_warn("store.pool", "store pool: connection returned inside a transaction");
		store_rollback(s);
	}
	pthread_mutex_lock(&p->mu);
	assert(p->n_idle < p->n);
	p->idle[p->n_idle++] = s;
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
}
