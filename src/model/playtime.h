/*
 * playtime.h: the pure minutes accounting of readmin-compat.md §4.7: timestamped events in,
 * milliseconds per state out. No storage and no clock: the tracker loads a session's stored
 * events and bounds, and this file decides what they are worth, deterministically.
 * Includers: model/tracker*.c, tests/unit/test_playtime.c.
 */
#ifndef ROSTER_PLAYTIME_H
#define ROSTER_PLAYTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* §4.7 bounds (Roster decision). */
#define PLAYTIME_JOIN_PAST_MS (5 * 60 * 1000LL) /* join may claim 5 min before it arrived */
#define PLAYTIME_FUTURE_MS (60 * 1000LL)        /* any time may run 60 s ahead of arrival */

enum pt_type { PT_JOIN, PT_ACTIVE, PT_IDLE, PT_TYPING, PT_MESSAGE, PT_LEAVE, PT_NONE };

struct pt_event {
	enum pt_type type;
	int64_t at;  /* ms since epoch, as stored */
	int64_t seq; /* arrival order: ties on `at` keep it, with leave last */
};

struct pt_result {
	int64_t active_ms, idle_ms, typing_ms;
	int64_t messages;
};

/* "join" … "leave" -> PT_*; PT_NONE for anything else (`log`, unknown types). */
enum pt_type playtime_type(const char *s);
/* The type's wire name; NULL for PT_NONE. */
const char *playtime_type_name(enum pt_type t);

/* Start of a session: the join's own time clamped to [received - 5 min, received + 60 s]. */
int64_t playtime_start(int64_t join_at, int64_t received_at);
/* An event's time clamped to [start, received + 60 s] (never before start). */
int64_t playtime_event_at(int64_t at, int64_t start, int64_t received_at);
/*
 * End of a session on a client leave: leave time clamped to [last_event, received + 60 s],
 * and never before start.
 */
int64_t playtime_leave_end(int64_t left_at, int64_t start, int64_t last_event,
			   int64_t received_at);

/*
 * Credits the events of one session bounded by [start, end] (end >= start). Events are
 * sorted here (a copy is not made: ev is reordered in place); times are clamped into
 * [start, end]. Each gap between consecutive state events goes to the earlier event's state
 * (join/active -> active, idle -> idle, typing -> typing); the state before the first event
 * is active; the last state runs to end; nothing after the first leave counts, messages
 * included. The sum of the three is at most end - start.
 */
void playtime_compute(struct pt_event *ev, size_t n, int64_t start, int64_t end,
		      struct pt_result *out);

/* ms -> hundredths of a minute, half away from zero (§4.7: rounding only after summing). */
int64_t playtime_centiminutes(int64_t ms);

#endif
