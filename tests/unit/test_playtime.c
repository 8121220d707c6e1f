/*
 * test_playtime.c: the minutes accounting of readmin-compat.md §4.7 (model/playtime.c), fed
 * crafted event sequences: state changes, AFK, ties, leave without events, events outside the
 * session, clock skew, and the rounding of §4.7 / checklist 52 and 104.
 */
#include "model/playtime.h"

#include "tap.h"

#define S 1000LL
#define MIN (60 * S)
#define T0 1700000000000LL /* an arbitrary UTC instant; no zone or DST is involved */

static struct pt_result
run(struct pt_event *ev, size_t n, int64_t start, int64_t end)
{
	struct pt_result r;

	playtime_compute(ev, n, start, end, &r);
	return r;
}

static void
test_checklist_104(void)
{
	/* join@0, idle@60, active@180, typing@200, leave@260 -> 1.33 / 2 / 1, total 4.33. */
	struct pt_event ev[] = {
		{ PT_JOIN, T0, 1 },	     { PT_IDLE, T0 + 60 * S, 2 },
		{ PT_ACTIVE, T0 + 180 * S, 3 }, { PT_TYPING, T0 + 200 * S, 4 },
		{ PT_LEAVE, T0 + 260 * S, 5 },
	};
	struct pt_result r = run(ev, 5, T0, T0 + 260 * S);

	is_int(r.active_ms, 80 * S, "104: active 80 s");
	is_int(r.idle_ms, 120 * S, "104: idle 120 s");
	is_int(r.typing_ms, 60 * S, "104: typing 60 s");
	is_int(playtime_centiminutes(r.active_ms), 133, "104: active 1.33");
	is_int(playtime_centiminutes(r.idle_ms), 200, "104: inactive 2");
	is_int(playtime_centiminutes(r.typing_ms), 100, "104: typing 1");
	is_int(playtime_centiminutes(r.active_ms + r.idle_ms + r.typing_ms), 433, "104: total 4.33");
}

static void
test_order_independent(void)
{
	/* The same events in arrival order reversed: sorted by time, same result. */
	struct pt_event ev[] = {
		{ PT_LEAVE, T0 + 260 * S, 1 },	{ PT_TYPING, T0 + 200 * S, 2 },
		{ PT_ACTIVE, T0 + 180 * S, 3 }, { PT_IDLE, T0 + 60 * S, 4 },
		{ PT_JOIN, T0, 5 },
	};
	struct pt_result r = run(ev, 5, T0, T0 + 260 * S);

	is_int(r.active_ms, 80 * S, "unsorted input: active");
	is_int(r.idle_ms, 120 * S, "unsorted input: idle");
	is_int(r.typing_ms, 60 * S, "unsorted input: typing");
}

static void
test_no_events(void)
{
	struct pt_result r = run(NULL, 0, T0, T0 + 10 * MIN);

	is_int(r.active_ms, 10 * MIN, "leave without events: whole span active");
	is_int(r.idle_ms + r.typing_ms + r.messages, 0, "leave without events: nothing else");
	r = run(NULL, 0, T0, T0);
	is_int(r.active_ms, 0, "zero-length session credits nothing");
	r = run(NULL, 0, T0 + 5, T0);
	is_int(r.active_ms, 0, "end before start credits nothing");
}

static void
test_last_state_runs_to_end(void)
{
	struct pt_event ev[] = { { PT_JOIN, T0, 1 }, { PT_IDLE, T0 + MIN, 2 } };
	struct pt_result r = run(ev, 2, T0, T0 + 31 * MIN);

	is_int(r.active_ms, MIN, "active until idle");
	is_int(r.idle_ms, 30 * MIN, "AFK runs to the end without a leave event");
}

static void
test_nothing_after_leave(void)
{
	struct pt_event ev[] = {
		{ PT_JOIN, T0, 1 },	      { PT_MESSAGE, T0 + 10 * S, 2 },
		{ PT_LEAVE, T0 + MIN, 3 },    { PT_TYPING, T0 + 2 * MIN, 4 },
		{ PT_MESSAGE, T0 + 2 * MIN, 5 }, { PT_LEAVE, T0 + 3 * MIN, 6 },
	};
	struct pt_result r = run(ev, 6, T0, T0 + 3 * MIN);

	is_int(r.active_ms, MIN, "first leave ends the accounting");
	is_int(r.typing_ms, 0, "typing after the leave ignored");
	is_int(r.messages, 1, "message after the leave ignored");
}

static void
test_ties(void)
{
	/* idle and active at the same ms: arrival order; a leave at that ms comes last. */
	struct pt_event ev[] = {
		{ PT_JOIN, T0, 1 },
		{ PT_LEAVE, T0 + MIN, 2 },
		{ PT_IDLE, T0 + MIN, 3 },
		{ PT_MESSAGE, T0 + MIN, 4 },
	};
	struct pt_result r = run(ev, 4, T0, T0 + 2 * MIN);

	is_int(r.active_ms, MIN, "tie: leave sorts after idle at the same ms");
	is_int(r.idle_ms, 0, "tie: nothing after the leave");
	is_int(r.messages, 1, "tie: message at the leave's ms counts");

	struct pt_event ev2[] = {
		{ PT_JOIN, T0, 1 },
		{ PT_TYPING, T0 + MIN, 3 },
		{ PT_IDLE, T0 + MIN, 2 },
	};
	r = run(ev2, 3, T0, T0 + 2 * MIN);
	is_int(r.typing_ms, MIN, "tie: the later arrival is the state in force");
	is_int(r.idle_ms, 0, "tie: the earlier arrival credits a zero gap");
}

static void
test_clamped_into_bounds(void)
{
	/* A day ahead and epoch 0: clamped into [start, end]. */
	struct pt_event ev[] = {
		{ PT_JOIN, T0, 1 },
		{ PT_IDLE, 0, 2 },
		{ PT_TYPING, T0 + 86400 * S, 3 },
	};
	struct pt_result r = run(ev, 3, T0, T0 + 10 * MIN);

	is_int(r.active_ms + r.idle_ms + r.typing_ms, 10 * MIN, "clamped: never more than the span");
	is_int(r.idle_ms, 10 * MIN, "epoch-0 idle sorts first, runs to the end");
	is_int(r.typing_ms, 0, "day-ahead typing lands at the end: zero");
}

static void
test_start_bounds(void)
{
	int64_t recv = T0;

	is_int(playtime_start(recv - 3 * MIN, recv), recv - 3 * MIN, "start: 3 min early kept");
	is_int(playtime_start(recv - 86400 * S, recv), recv - 5 * MIN, "start: a day early -> 5 min");
	is_int(playtime_start(0, recv), recv - 5 * MIN, "start: epoch 0 -> 5 min");
	is_int(playtime_start(recv + 86400 * S, recv), recv + MIN, "start: a day ahead -> 60 s");
	is_int(playtime_start(recv + 30 * S, recv), recv + 30 * S, "start: 30 s ahead kept");
}

static void
test_event_bounds(void)
{
	int64_t start = T0;

	is_int(playtime_event_at(T0 + MIN, start, T0 + MIN), T0 + MIN, "event: in range kept");
	is_int(playtime_event_at(0, start, T0 + MIN), start, "event: epoch 0 -> start");
	is_int(playtime_event_at(T0 + 86400 * S, start, T0 + MIN), T0 + 2 * MIN,
	       "event: a day ahead -> received + 60 s");
	is_int(playtime_event_at(T0, T0 + 5 * MIN, T0), T0 + 5 * MIN,
	       "event: received before start -> start");
}

static void
test_leave_bounds(void)
{
	int64_t start = T0, last = T0 + 10 * MIN, recv = T0 + 12 * MIN;

	is_int(playtime_leave_end(T0 + 11 * MIN, start, last, recv), T0 + 11 * MIN, "leave: kept");
	is_int(playtime_leave_end(T0 + 5 * MIN, start, last, recv), last,
	       "leave: not before the last accepted event");
	is_int(playtime_leave_end(T0 + 86400 * S, start, last, recv), recv + MIN,
	       "leave: a day ahead -> received + 60 s");
	is_int(playtime_leave_end(0, start, start, recv), start, "leave: epoch 0 -> start");
}

static void
test_observed_span(void)
{
	/* Checklist 106: skewed clocks never credit more than what Roster saw plus ~6 min. */
	int64_t jr = T0, lr = T0 + 10 * MIN;
	int64_t start = playtime_start(0, jr);
	int64_t end = playtime_leave_end(lr + 86400 * S, start, start, lr);
	struct pt_event ev[] = { { PT_JOIN, start, 1 } };
	struct pt_result r = run(ev, 1, start, end);
	int64_t total = r.active_ms + r.idle_ms + r.typing_ms;

	ok(total <= (lr - jr) + 6 * MIN, "106: skewed clocks credit at most the span + 6 min");
	is_int(total, 16 * MIN, "106: exactly 5 min before + 10 min + 60 s after");
}

static void
test_rounding(void)
{
	is_int(playtime_centiminutes(90500), 151, "52: 90 500 ms -> 1.51");
	is_int(playtime_centiminutes(0), 0, "0 ms");
	is_int(playtime_centiminutes(299), 0, "299 ms rounds down");
	is_int(playtime_centiminutes(300), 1, "300 ms is half: away from zero");
	is_int(playtime_centiminutes(-300), -1, "-300 ms: away from zero");
	is_int(playtime_centiminutes(60000), 100, "one minute");
	/* Three sessions of 30 250 ms each: summed in ms (90 750 -> 1.51), not 0.50 * 3. */
	is_int(playtime_centiminutes(3 * 30250), 151, "52: summed in ms before rounding");
	is_int(3 * playtime_centiminutes(30250), 150, "rounding each first would lose 0.01");
}

static void
test_types(void)
{
	is_int(playtime_type("join"), PT_JOIN, "type join");
	is_int(playtime_type("typing"), PT_TYPING, "type typing");
	is_int(playtime_type("leave"), PT_LEAVE, "type leave");
	is_int(playtime_type("log"), PT_NONE, "type log skipped");
	is_int(playtime_type("Active"), PT_NONE, "types are case-sensitive");
	is_int(playtime_type(NULL), PT_NONE, "no type");
	is_str(playtime_type_name(PT_MESSAGE), "message", "name of message");
	ok(playtime_type_name(PT_NONE) == NULL, "PT_NONE has no name");
}

static void
test_unknown_ignored(void)
{
	struct pt_event ev[] = { { PT_JOIN, T0, 1 }, { PT_NONE, T0 + MIN, 2 } };
	struct pt_result r = run(ev, 2, T0, T0 + 2 * MIN);

	is_int(r.active_ms, 2 * MIN, "unknown events change no state");
}

int
main(void)
{
	test_checklist_104();
	test_order_independent();
	test_no_events();
	test_last_state_runs_to_end();
	test_nothing_after_leave();
	test_ties();
	test_clamped_into_bounds();
	test_start_bounds();
	test_event_bounds();
	test_leave_bounds();
	test_observed_span();
	test_rounding();
	test_types();
	test_unknown_ignored();
	return tap_done();
}
