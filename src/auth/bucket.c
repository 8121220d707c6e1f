/*
 * bucket.c: the token-bucket table of bucket.h. Like the metrics counters, this is named
 * process state (STYLE.md §6): a fixed array, a mutex, no allocation after start.
 */
#include "auth/bucket.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define BUCKET_SLOTS 4096 /* power of two; live ranking and loader keys fit many times over */
#define BUCKET_PROBE 8    /* slots looked at per key before the oldest of them is reused */

struct bucket {
	char key[BUCKET_KEY_MAX];
	double tokens;
	int64_t updated_ms;
};

static struct bucket bucket_table[BUCKET_SLOTS];
static pthread_mutex_t bucket_lock = PTHREAD_MUTEX_INITIALIZER;

/* FNV-1a: the slot a key starts probing from. */
static uint32_t
bucket_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The key's slot; a new or reused slot starts full. Called with the lock held. */
static struct bucket *
bucket_find(const char *key, int per_minute, int64_t now_ms)
{
	uint32_t h = bucket_hash(key);
	struct bucket *empty = NULL, *oldest = NULL;

	for (uint32_t i = 0; i < BUCKET_PROBE; i++) {
		struct bucket *b = &bucket_table[(h + i) & (BUCKET_SLOTS - 1)];
		if (strcmp(b->key, key) == 0)
			return b;
		if (b->key[0] == '\0' && empty == NULL)
			empty = b;
		if (oldest == NULL || b->updated_ms < oldest->updated_ms)
			oldest = b;
	}
	if (empty != NULL)
		oldest = empty;
	memcpy(oldest->key, key, strlen(key) + 1);
	oldest->tokens = per_minute;
	oldest->updated_ms = now_ms;
	return oldest;
}

int
bucket_take(const char *family, const char *id, int per_minute, int64_t now_ms)
{
	char key[BUCKET_KEY_MAX];
	const double per_ms = per_minute / 60000.0;
	struct bucket *b;
	int secs = 0;
	int n = snprintf(key, sizeof(key), "%s:%s", family, id);

	if (n < 0 || (size_t)n >= sizeof(key) || per_minute <= 0)
		return BUCKET_RETRY_MIN; /* a caller mistake: refuse rather than not count */
	pthread_mutex_lock(&bucket_lock);
	b = bucket_find(key, per_minute, now_ms);
	if (now_ms > b->updated_ms) {
		b->tokens += (double)(now_ms - b->updated_ms) * per_ms;
		if (b->tokens > per_minute)
			b->tokens = per_minute;
	}
	b->updated_ms = now_ms > b->updated_ms ? now_ms : b->updated_ms;
	if (b->tokens >= 1.0) {
		b->tokens -= 1.0;
	} else {
		double wait_ms = (1.0 - b->tokens) / per_ms;
		secs = (int)((wait_ms + 999.0) / 1000.0);
		if (secs < BUCKET_RETRY_MIN)
			secs = BUCKET_RETRY_MIN;
		if (secs > BUCKET_RETRY_MAX)
			secs = BUCKET_RETRY_MAX;
	}
	pthread_mutex_unlock(&bucket_lock);
	return secs;
}
