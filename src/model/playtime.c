/*
 * playtime.c: the pure accounting of readmin-compat.md §4.7; see playtime.h. Whatever the
 * game clock claims, a session credits at most end - start, and start and end are bounded by
 * the times Roster received the join and the leave.
 */
#include "model/playtime.h"

#include <stdlib.h>
#include <string.h>

static const char *const NAMES[] = { "join", "active", "idle", "typing", "message", "leave" };

enum pt_type
playtime_type(const char *s)
{
	for (size_t i = 0; s != NULL && i < sizeof(NAMES) / sizeof(NAMES[0]); i++)
		if (strcmp(s, NAMES[i]) == 0)
			return (enum pt_type)i;
	return PT_NONE;
}

const char *
playtime_type_name(enum pt_type t)
{
	return t >= PT_JOIN && t < PT_NONE ? NAMES[t] : NULL;
}

static int64_t
clamp(int64_t v, int64_t lo, int64_t hi)
{
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	return v;
}

int64_t
playtime_start(int64_t join_at, int64_t received_at)
{
	return clamp(join_at, received_at - PLAYTIME_JOIN_PAST_MS, received_at + PLAYTIME_FUTURE_MS);
}

int64_t
playtime_event_at(int64_t at, int64_t start, int64_t received_at)
{
	int64_t hi = received_at + PLAYTIME_FUTURE_MS;

	return clamp(at, start, hi > start ? hi : start);
}

int64_t
playtime_leave_end(int64_t left_at, int64_t start, int64_t last_event, int64_t received_at)
{
	int64_t hi = received_at + PLAYTIME_FUTURE_MS;
	int64_t end = left_at > last_event ? left_at : last_event;

	if (end > hi)
		end = hi;
	return end > start ? end : start;
}

/* Time, then arrival; among equal times a leave sorts after every other event. */
static int
event_cmp(const void *a, const void *b)
{
	const struct pt_event *x = a, *y = b;
	int xl = x->type == PT_LEAVE, yl = y->type == PT_LEAVE;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	if (xl != yl)
		return xl - yl;
	return (x->seq > y->seq) - (x->seq < y->seq);
}

void
playtime_compute(struct pt_event *ev, size_t n, int64_t start, int64_t end, struct pt_result *out)
{
	enum pt_type state = PT_ACTIVE;
	int64_t t = start, *bucket;

	memset(out, 0, sizeof(*out));
	if (end < start)
		end = start;
	for (size_t i = 0; i < n; i++)
		ev[i].at = clamp(ev[i].at, start, end);
	if (n > 1)
		qsort(ev, n, sizeof(*ev), event_cmp);
	for (size_t i = 0; i < n; i++) {
		if (ev[i].type == PT_MESSAGE) {
			out->messages++;
			continue;
		}
		if (ev[i].type == PT_NONE)
			continue;
		bucket = state == PT_IDLE ? &out->idle_ms
			 : state == PT_TYPING ? &out->typing_ms
					      : &out->active_ms;
		*bucket += ev[i].at - t;
		t = ev[i].at;
		if (ev[i].type == PT_LEAVE)
			return; /* nothing after the first leave counts */
		state = ev[i].type;
	}
	bucket = state == PT_IDLE ? &out->idle_ms : state == PT_TYPING ? &out->typing_ms : &out->active_ms;
	*bucket += end - t;
}

int64_t
playtime_centiminutes(int64_t ms)
{
	/* 1 centiminute = 600 ms; half of it rounds away from zero. */
	if (ms >= 0)
		return (ms + 300) / 600;
	return -((-ms + 300) / 600);
}
