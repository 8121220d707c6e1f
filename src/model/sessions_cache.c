/*
 * sessions_cache.c: the per-workspace answer cache of GET /sessions/upcoming; see
 * sessions_cache.h. The table is a small array scanned under one mutex: SESS_CACHE_SLOTS
 * hashes compare in well under a microsecond, and nothing slow (building an answer, copying
 * it out, freeing it) happens while the mutex is held.
 */
#include "model/sessions_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

#include "core/arena.h"
#include "core/xmalloc.h"
#include "store/store.h"

static const char SQL_VERSION[] = "SELECT version FROM sessions_versions WHERE workspace_id = ?";

/* Each entry lives in its own arena, so the last reference frees it in one call. */
struct sess_cache_entry {
	struct arena *arena;
	atomic_uint refs; /* the table's reference plus one per reader */
	uint64_t hash;
	char *ws_id;
	int64_t version, from, until;
	uint64_t used; /* tick of the last hit, for LRU */
	size_t len;
	char *bytes;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct sess_cache_entry *slots[SESS_CACHE_SLOTS];
static size_t total_bytes;
static uint64_t tick;

enum err
sess_data_version(struct ctx *c, const char *ws_id, int64_t *version)
{
	const struct val args[] = { V_TEXT(ws_id) };
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_VERSION, args, nitems(args), &rs);

	if (!err)
		*version = rs.n > 0 ? rows_int(&rs, 0, 0) : 0;
	return err;
}

/* FNV-1a: workspace ids are short and not chosen by clients. */
static uint64_t
hash_of(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
entry_unref(struct sess_cache_entry *e)
{
	if (e != NULL && atomic_fetch_sub(&e->refs, 1) == 1)
		arena_free(e->arena);
}

/* The slot of ws_id, or -1. Called with the lock held. */
static int
find(uint64_t h, const char *ws_id)
{
	for (int i = 0; i < SESS_CACHE_SLOTS; i++)
		if (slots[i] != NULL && slots[i]->hash == h && strcmp(slots[i]->ws_id, ws_id) == 0)
			return i;
	return -1;
}

/* Takes slot i out of the table; the caller drops the table's reference after unlocking. */
static struct sess_cache_entry *
detach(int i)
{
	struct sess_cache_entry *e = slots[i];

	slots[i] = NULL;
	total_bytes -= e->len;
	return e;
}

/* The least recently used slot, or -1 when the table is empty. Lock held. */
static int
lru(void)
{
	int best = -1;

	for (int i = 0; i < SESS_CACHE_SLOTS; i++)
		if (slots[i] != NULL && (best < 0 || slots[i]->used < slots[best]->used))
			best = i;
	return best;
}

const struct sess_cache_entry *
sess_cache_get(const char *ws_id, int64_t version, int64_t now)
{
	uint64_t h = hash_of(ws_id);
	struct sess_cache_entry *e = NULL;
	int i;

#ifdef ROSTER_SESS_CACHE_OFF /* benchmarks of the uncached path (bench/sessions.sh) */
	return NULL;
#endif
	pthread_mutex_lock(&lock);
	i = find(h, ws_id);
	if (i >= 0 && slots[i]->version == version && now >= slots[i]->from &&
	    now < slots[i]->until) {
		e = slots[i];
		e->used = ++tick;
		atomic_fetch_add(&e->refs, 1);
	}
	pthread_mutex_unlock(&lock);
	return e;
}

const char *
sess_cache_bytes(const struct sess_cache_entry *e, size_t *len)
{
	*len = e->len;
	return e->bytes;
}

void
sess_cache_release(const struct sess_cache_entry *e)
{
	entry_unref((struct sess_cache_entry *)(uintptr_t)e);
}

bool
sess_cache_put(const char *ws_id, int64_t version, int64_t from, int64_t until,
	       const char *bytes, size_t len)
{
	struct sess_cache_entry *e, *gone[SESS_CACHE_SLOTS + 1];
	struct arena *a;
	size_t n_gone = 0;
	int i;

	if (len > SESS_CACHE_ENTRY_MAX || until <= from)
		return false;
	/* Built before taking the lock: the copy is the slow part. */
	a = arena_new();
	e = arena_alloc(a, sizeof(*e));
	e->arena = a;
	atomic_init(&e->refs, 1);
	e->hash = hash_of(ws_id);
	e->ws_id = arena_strdup(a, ws_id);
	e->version = version;
	e->from = from;
	e->until = until;
	e->len = len;
	e->bytes = arena_strndup(a, bytes, len);

	pthread_mutex_lock(&lock);
	i = find(e->hash, ws_id);
	if (i >= 0)
		gone[n_gone++] = detach(i);
	while (total_bytes + len > SESS_CACHE_BYTES && (i = lru()) >= 0)
		gone[n_gone++] = detach(i);
	for (i = 0; i < SESS_CACHE_SLOTS && slots[i] != NULL; i++)
		;
	if (i == SESS_CACHE_SLOTS)
		gone[n_gone++] = detach(i = lru());
	e->used = ++tick;
	slots[i] = e;
	total_bytes += len;
	pthread_mutex_unlock(&lock);

	for (size_t k = 0; k < n_gone; k++)
		entry_unref(gone[k]);
	return true;
}

void
sess_cache_clear(void)
{
	struct sess_cache_entry *gone[SESS_CACHE_SLOTS];
	size_t n_gone = 0;

	pthread_mutex_lock(&lock);
	for (int i = 0; i < SESS_CACHE_SLOTS; i++)
		if (slots[i] != NULL)
			gone[n_gone++] = detach(i);
	pthread_mutex_unlock(&lock);
	for (size_t k = 0; k < n_gone; k++)
		entry_unref(gone[k]);
}

void
sess_cache_usage(size_t *entries, size_t *bytes)
{
	size_t n = 0;

	pthread_mutex_lock(&lock);
	for (int i = 0; i < SESS_CACHE_SLOTS; i++)
		n += slots[i] != NULL;
	*bytes = total_bytes;
	pthread_mutex_unlock(&lock);
	*entries = n;
}
