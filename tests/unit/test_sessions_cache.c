/*
 * test_sessions_cache.c: the validity instant of the GET /sessions/upcoming answer
 * (sess_upcoming_until, pure) at its exact millisecond boundaries, and the answer cache
 * (sessions_cache.h): version and time checks, replacement, LRU and byte bounds, entries that
 * outlive their eviction while a reader holds them, and concurrent readers and writers.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/sessions.h"
#include "model/sessions_cache.h"
#include "tap.h"

#define MIN 60000LL
#define HOUR (60 * MIN)
#define NOW 1800000000000LL

static struct session
at(int64_t start, int64_t minutes)
{
	struct session s = { 0 };

	s.starts_at = start;
	s.ends_at = start + minutes * MIN;
	return s;
}

static void
test_until(void)
{
	struct session v[4];

	is_int(sess_upcoming_until(NOW, NULL, 0, INT64_MAX), INT64_MAX, "nothing ever changes");
	/* Entering: the answer at NOW holds until start - 12 h exactly (start ≤ now + 12 h). */
	is_int(sess_upcoming_until(NOW, NULL, 0, NOW + 12 * HOUR + 5 * MIN), NOW + 5 * MIN,
	       "next start enters the 12 h window at start - 12 h");
	is_int(sess_upcoming_until(NOW, NULL, 0, NOW + 12 * HOUR + 1), NOW + 1,
	       "a start 1 ms past the window enters at the next ms");
	/* Leaving by endsAt: included while now ≤ endsAt. */
	v[0] = at(NOW - 30 * MIN, 60);
	is_int(sess_upcoming_until(NOW, v, 1, INT64_MAX), NOW + 30 * MIN + 1,
	       "a running session leaves 1 ms after endsAt");
	v[0] = at(NOW - 60 * MIN, 60);
	is_int(sess_upcoming_until(NOW, v, 1, INT64_MAX), NOW + 1, "endsAt == now: still in, out next ms");
	/* Ended ones never come back. */
	v[0] = at(NOW - 61 * MIN, 60);
	is_int(sess_upcoming_until(NOW, v, 1, INT64_MAX), INT64_MAX, "an ended one changes nothing");
	/* Leaving by the window's back edge (start < now - 1440 min), before its end. */
	v[0] = at(NOW - 1439 * MIN, 1440 + 600);
	is_int(sess_upcoming_until(NOW, v, 1, INT64_MAX), NOW + MIN + 1,
	       "start leaves the window 1 ms after start + 1440 min");
	v[0] = at(NOW - 1441 * MIN, 1500);
	is_int(sess_upcoming_until(NOW, v, 1, INT64_MAX), INT64_MAX,
	       "a start already behind the window is out for good");
	/* An item listed but not yet in (start > now + 12 h) counts as entering. */
	v[0] = at(NOW + 13 * HOUR, 60);
	is_int(sess_upcoming_until(NOW, v, 1, INT64_MAX), NOW + HOUR, "listed future item enters");
	/* The earliest of all. */
	v[0] = at(NOW + 2 * HOUR, 60);  /* leaves at +3 h */
	v[1] = at(NOW - 10 * MIN, 15);  /* leaves at +5 min */
	v[2] = at(NOW - 2 * HOUR, 30);  /* ended */
	v[3] = at(NOW + 11 * HOUR, 90); /* leaves at +12.5 h */
	is_int(sess_upcoming_until(NOW, v, 4, NOW + 12 * HOUR + 7 * MIN), NOW + 5 * MIN + 1,
	       "earliest leave wins");
	is_int(sess_upcoming_until(NOW, v, 4, NOW + 12 * HOUR + 3 * MIN), NOW + 3 * MIN,
	       "earliest enter wins");
	/* A zero-length session (duration 0) is in at now == start only. */
	v[0] = at(NOW, 0);
	is_int(sess_upcoming_until(NOW, v, 1, INT64_MAX), NOW + 1, "zero-length session");
}

static int
got(const char *ws, int64_t version, int64_t now, const char *want)
{
	const struct sess_cache_entry *e = sess_cache_get(ws, version, now);
	size_t len;
	int same;

	if (e == NULL)
		return want == NULL;
	same = want != NULL && strcmp(sess_cache_bytes(e, &len), want) == 0 && len == strlen(want);
	sess_cache_release(e);
	return same;
}

static void
test_cache_rules(void)
{
	const struct sess_cache_entry *held;
	size_t n, bytes, len;

	sess_cache_clear();
	ok(got("ws1", 1, 100, NULL), "empty cache misses");
	ok(sess_cache_put("ws1", 7, 100, 200, "[1]", 3), "put");
	ok(got("ws1", 7, 100, "[1]"), "hit at from");
	ok(got("ws1", 7, 199, "[1]"), "hit just before until");
	ok(got("ws1", 7, 200, NULL), "miss at until");
	ok(got("ws1", 7, 99, NULL), "miss before from");
	ok(got("ws1", 8, 150, NULL), "miss on another version");
	ok(got("ws2", 7, 150, NULL), "miss on another workspace");
	ok(!sess_cache_put("ws1", 7, 200, 200, "[]", 2), "empty interval is not kept");
	ok(sess_cache_put("ws1", 8, 150, 300, "[2]", 3), "replace");
	ok(got("ws1", 7, 160, NULL), "old version gone");
	ok(got("ws1", 8, 160, "[2]"), "new one there");
	sess_cache_usage(&n, &bytes);
	is_int(n, 1, "one entry per workspace");
	is_int(bytes, 3, "bytes counted");
	/* A reader keeps its entry while it is replaced. */
	held = sess_cache_get("ws1", 8, 160);
	ok(held != NULL, "held");
	sess_cache_put("ws1", 9, 150, 300, "[3]", 3);
	is_str(sess_cache_bytes(held, &len), "[2]", "held entry still readable after replacement");
	sess_cache_release(held);
	/* Too large answers are not kept. */
	{
		static char big[SESS_CACHE_ENTRY_MAX + 2];
		memset(big, 'x', sizeof(big) - 1);
		ok(!sess_cache_put("wsbig", 1, 0, 10, big, SESS_CACHE_ENTRY_MAX + 1), "oversize refused");
		ok(got("wsbig", 1, 5, NULL), "oversize not there");
		ok(sess_cache_put("wsbig", 1, 0, 10, big, SESS_CACHE_ENTRY_MAX), "max size kept");
	}
	sess_cache_clear();
	sess_cache_usage(&n, &bytes);
	ok(n == 0 && bytes == 0, "clear empties");
}

static void
test_cache_bounds(void)
{
	static char big[SESS_CACHE_ENTRY_MAX + 1];
	char ws[32];
	size_t n, bytes;
	int all = 1;

	sess_cache_clear();
	for (int i = 0; i < SESS_CACHE_SLOTS; i++) {
		snprintf(ws, sizeof(ws), "w%d", i);
		sess_cache_put(ws, 1, 0, 10, "[]", 2);
	}
	ok(got("w0", 1, 1, "[]"), "w0 touched: now most recent");
	sess_cache_put("extra", 1, 0, 10, "[]", 2);
	sess_cache_usage(&n, &bytes);
	is_int(n, SESS_CACHE_SLOTS, "slots bounded");
	ok(got("w1", 1, 1, NULL), "least recently used (w1) evicted");
	ok(got("w0", 1, 1, "[]") && got("extra", 1, 1, "[]"), "recent ones kept");
	/* Byte bound: entries of the maximum size up to SESS_CACHE_BYTES in all. */
	sess_cache_clear();
	memset(big, 'y', SESS_CACHE_ENTRY_MAX);
	for (int i = 0; i < 2 * (int)(SESS_CACHE_BYTES / SESS_CACHE_ENTRY_MAX); i++) {
		snprintf(ws, sizeof(ws), "b%d", i);
		sess_cache_put(ws, 1, 0, 10, big, SESS_CACHE_ENTRY_MAX);
		sess_cache_usage(&n, &bytes);
		all = all && bytes <= SESS_CACHE_BYTES;
	}
	ok(all, "bytes never above the bound");
	is_int(n, SESS_CACHE_BYTES / SESS_CACHE_ENTRY_MAX, "as many big entries as fit");
	sess_cache_clear();
}

/* Readers and writers on a few workspaces at once (run under ASan/TSan for races). */
static void *
worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	char ws[16], body[32];

	for (int i = 0; i < 20000; i++) {
		const struct sess_cache_entry *e;
		snprintf(ws, sizeof(ws), "c%d", i % 5);
		if ((i + id) % 7 == 0) {
			int len = snprintf(body, sizeof(body), "[%d]", i % 3);
			sess_cache_put(ws, i % 3, 0, 100, body, (size_t)len);
		}
		e = sess_cache_get(ws, i % 3, 50);
		if (e != NULL) {
			size_t len;
			const char *b = sess_cache_bytes(e, &len);
			if (len != 3 || b[1] != (char)('0' + i % 3))
				return (void *)1;
			sess_cache_release(e);
		}
	}
	return NULL;
}

static void
test_threads(void)
{
	pthread_t t[4];
	int bad = 0;

	sess_cache_clear();
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i);
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(t[i], &r);
		bad += r != NULL;
	}
	is_int(bad, 0, "concurrent readers always see the bytes of the version they asked for");
	sess_cache_clear();
}

int
main(void)
{
	test_until();
	test_cache_rules();
	test_cache_bounds();
	test_threads();
	return tap_done();
}
