/*
 * test_recurrence.c: session template recurrence (readmin-compat.md §4.11, §6 items 60-62;
 * issue 6's DST cases): weekly and daily starts in a named zone across the 2026 transitions
 * of Europe/London and America/New_York, a template at 01:30 on a spring-forward day, weekday
 * filters, occurrence checks, and the occurrence-key and field parsers; then, on a real
 * SQLite file, the attendance count the summaries read (§4.8 attendedSessions).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/rfc3339.h"
#include "model/sessions.h"
#include "model/users.h"
#include "store/store.h"
#include "tap.h"

static int64_t
utc(const char *s)
{
	int64_t ms = -1;

	if (!rfc3339_parse(s, &ms))
		printf("# bad fixture %s\n", s);
	return ms;
}

/* The starts of r in [from, to] as "a,b,c" of RFC 3339 strings. */
static const char *
starts(const struct sess_recur *r, const char *from, const char *to, char *buf, size_t cap)
{
	int64_t v[64];
	size_t n = sess_recur_between(r, utc(from), utc(to), v, 64);
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && i < 64; i++) {
		char t[RFC3339_LEN + 1];
		rfc3339_format(v[i], t);
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? "," : "", t);
	}
	return buf;
}

static void
test_london(void)
{
	struct sess_recur r = { tz_get("Europe/London"), RECUR_WEEKLY, 1u << 0, 10 * 60 };
	char buf[2048];

	/* item 60: weekly Sunday 10:00 -> 10:00Z in January, 09:00Z in July. */
	is_str(starts(&r, "2026-01-01T00:00:00.000Z", "2026-01-14T00:00:00.000Z", buf, sizeof(buf)),
	       "2026-01-04T10:00:00.000Z,2026-01-11T10:00:00.000Z", "60: Sundays 10:00 in January");
	is_str(starts(&r, "2026-07-01T00:00:00.000Z", "2026-07-13T00:00:00.000Z", buf, sizeof(buf)),
	       "2026-07-05T09:00:00.000Z,2026-07-12T09:00:00.000Z", "60: Sundays 10:00 BST in July");
	/* Across the 29 March change: the same local time, one hour earlier in UTC. */
	is_str(starts(&r, "2026-03-21T00:00:00.000Z", "2026-04-06T00:00:00.000Z", buf, sizeof(buf)),
	       "2026-03-22T10:00:00.000Z,2026-03-29T09:00:00.000Z,2026-04-05T09:00:00.000Z",
	       "weekly across the spring change");
	is_str(starts(&r, "2026-10-17T00:00:00.000Z", "2026-11-02T00:00:00.000Z", buf, sizeof(buf)),
	       "2026-10-18T09:00:00.000Z,2026-10-25T10:00:00.000Z,2026-11-01T10:00:00.000Z",
	       "weekly across the autumn change");
	/* 19:00 daily stays 19:00 local (issue 6). */
	r.kind = RECUR_DAILY;
	r.local_minute = 19 * 60;
	is_str(starts(&r, "2026-03-28T00:00:00.000Z", "2026-03-30T23:59:00.000Z", buf, sizeof(buf)),
	       "2026-03-28T19:00:00.000Z,2026-03-29T18:00:00.000Z,2026-03-30T18:00:00.000Z",
	       "daily 19:00 across the spring change");
	/* A template at 01:30 on the spring-forward day: 01:30 GMT does not exist, 02:30 BST. */
	r.local_minute = 90;
	is_str(starts(&r, "2026-03-28T00:00:00.000Z", "2026-03-30T23:59:00.000Z", buf, sizeof(buf)),
	       "2026-03-28T01:30:00.000Z,2026-03-29T01:30:00.000Z,2026-03-30T00:30:00.000Z",
	       "01:30 on the spring-forward day moves forward by the gap");
	/* 01:30 on the autumn day happens twice: the earlier (BST) instant. */
	is_str(starts(&r, "2026-10-24T12:00:00.000Z", "2026-10-26T12:00:00.000Z", buf, sizeof(buf)),
	       "2026-10-25T00:30:00.000Z,2026-10-26T01:30:00.000Z",
	       "01:30 on the fall-back day takes the earlier instant, once");
}

static void
test_new_york(void)
{
	struct sess_recur r = { tz_get("America/New_York"), RECUR_DAILY, 0, 2 * 60 + 30 };
	char buf[2048];

	/* item 61: 02:30 on 8 March 2026 does not exist: 03:30 EDT = 07:30Z. */
	is_str(starts(&r, "2026-03-07T00:00:00.000Z", "2026-03-09T23:59:00.000Z", buf, sizeof(buf)),
	       "2026-03-07T07:30:00.000Z,2026-03-08T07:30:00.000Z,2026-03-09T06:30:00.000Z",
	       "61: 02:30 on the spring-forward day is 07:30Z");
	/* item 62: 01:30 on 1 November 2026 happens twice: 01:30 EDT = 05:30Z. */
	r.local_minute = 90;
	is_str(starts(&r, "2026-10-31T00:00:00.000Z", "2026-11-02T23:59:00.000Z", buf, sizeof(buf)),
	       "2026-10-31T05:30:00.000Z,2026-11-01T05:30:00.000Z,2026-11-02T06:30:00.000Z",
	       "62: 01:30 on the fall-back day is 05:30Z");
	/* A template at 01:30 on the spring-forward day exists in New York (the gap is 02:00). */
	is_str(starts(&r, "2026-03-08T00:00:00.000Z", "2026-03-08T23:59:00.000Z", buf, sizeof(buf)),
	       "2026-03-08T06:30:00.000Z", "01:30 EST on 8 March still exists");
	ok(sess_recur_is_start(&r, utc("2026-11-01T05:30:00.000Z")), "05:30Z is an occurrence");
	ok(!sess_recur_is_start(&r, utc("2026-11-01T06:30:00.000Z")),
	   "the later 01:30 (EST) is not an occurrence");
	ok(!sess_recur_is_start(&r, utc("2026-11-01T05:30:00.001Z")), "one ms off is not");
}

static void
test_weekly_sets(void)
{
	struct sess_recur r = { tz_get("UTC"), RECUR_WEEKLY, (1u << 1) | (1u << 3) | (1u << 5), 0 };
	int64_t v[8];
	char buf[2048];

	/* 2026-11-30 is a Monday. */
	is_str(starts(&r, "2026-11-29T00:00:00.000Z", "2026-12-06T23:59:00.000Z", buf, sizeof(buf)),
	       "2026-11-30T00:00:00.000Z,2026-12-02T00:00:00.000Z,2026-12-04T00:00:00.000Z",
	       "mon wed fri");
	r.weekdays = 0;
	is_int(sess_recur_between(&r, 0, utc("2027-01-01T00:00:00.000Z"), v, 8), 0,
	       "weekly without weekdays has none");
	r.kind = RECUR_NONE;
	r.weekdays = 0x7f;
	is_int(sess_recur_between(&r, 0, utc("2027-01-01T00:00:00.000Z"), v, 8), 0,
	       "none has no occurrences");
	r.kind = RECUR_DAILY;
	is_int(sess_recur_between(&r, utc("2026-01-01T00:00:00.000Z"),
				  utc("2026-01-31T00:00:00.000Z"), v, 8),
	       31, "the count past max is still returned");
	is_int(sess_recur_between(&r, 10, 5, v, 8), 0, "an empty range");
	/* Tokyo: the local date and the UTC date differ; weekdays are local ones. */
	r.zone = tz_get("Asia/Tokyo");
	r.kind = RECUR_WEEKLY;
	r.weekdays = 1u << 1; /* Monday */
	r.local_minute = 8 * 60;
	is_str(starts(&r, "2026-11-29T00:00:00.000Z", "2026-12-06T22:59:00.000Z", buf, sizeof(buf)),
	       "2026-11-29T23:00:00.000Z", "Monday 08:00 Tokyo is Sunday 23:00Z");
}

static void
test_parsers(void)
{
	struct arena *a = arena_new();
	char tid[ID_LEN + 1];
	int64_t ms = 0;
	enum sess_recurrence k;

	is_int(sess_weekday_bit("sun"), 0, "sun");
	is_int(sess_weekday_bit("sat"), 6, "sat");
	is_int(sess_weekday_bit("Sun"), -1, "case matters");
	is_int(sess_weekday_bit("sunday"), -1, "full names are not input");
	is_str(sess_weekday_long(3), "wednesday", "long name");
	is_int(sess_local_time_parse("00:00"), 0, "00:00");
	is_int(sess_local_time_parse("23:59"), 1439, "23:59");
	is_int(sess_local_time_parse("24:00"), -1, "24:00 refused");
	is_int(sess_local_time_parse("9:30"), -1, "one-digit hour refused");
	is_int(sess_local_time_parse("09:60"), -1, "minute 60 refused");
	is_int(sess_local_time_parse("09:3a"), -1, "letters refused");
	ok(sess_recurrence_parse("weekly", &k) && k == RECUR_WEEKLY, "weekly parses");
	ok(!sess_recurrence_parse("monthly", &k), "monthly refused");
	is_str(sess_recurrence_name(RECUR_DAILY), "daily", "name of daily");
	ok(sess_key_parse("0123456789abcdef01234567-1775000000", tid, &ms) &&
		   ms == 1775000000000LL && strcmp(tid, "0123456789abcdef01234567") == 0,
	   "a key parses");
	ok(!sess_key_parse("0123456789abcdef01234567-", tid, &ms), "no seconds");
	ok(!sess_key_parse("0123456789abcdef01234567-0177", tid, &ms), "leading zero");
	ok(!sess_key_parse("0123456789ABCDEF01234567-1775000000", tid, &ms), "upper-case hex");
	ok(!sess_key_parse("0123456789abcdef01234567-17750000x0", tid, &ms), "not digits");
	ok(!sess_key_parse("0123456789abcdef0123456-1775000000", tid, &ms), "short id");
	ok(!sess_key_parse("0123456789abcdef01234567-9999999999999", tid, &ms), "too far");
	ok(!sess_key_parse(NULL, tid, &ms), "NULL");
	is_str(sess_key_format(a, "0123456789abcdef01234567", 1775000000000LL),
	       "0123456789abcdef01234567-1775000000", "key format");
	ok(sess_ref_is_valid("0123456789abcdef01234567"), "an id is a reference");
	ok(sess_ref_is_valid("0123456789abcdef01234567-1775000000"), "a key is a reference");
	ok(!sess_ref_is_valid("abc"), "abc is not");
	ok(sess_claim_state_is_valid("passed") && !sess_claim_state_is_valid("done"), "states");
	arena_free(a);
}

/* sessions_attended_count: claims in state completed or passed, sessions in [from, to). */
static void
test_attended(void)
{
	char dir[64] = "/tmp/roster-recur-XXXXXX", path[128];
	struct arena *a = arena_new();
	struct sess_group_input gi = { 0 };
	struct sess_subrole subs[1] = { { .name = "Host" } };
	struct sess_one_off in = { 0 };
	struct sess_claim_input ci = { 0 };
	enum sess_claim_refusal why;
	struct sess_group g;
	struct sess_server x;
	struct session s1, s2, s3;
	struct sess_claim k;
	struct store *st = NULL;
	struct ctx c;
	struct rows rs;
	const char *ws, *ids[1];
	int64_t n = -1, t0 = utc("2026-06-01T18:00:00.000Z");
	int applied;
	bool ready;

	memset(&c, 0, sizeof(c));
	ready = mkdtemp(dir) != NULL &&
		store_open(arena_printf(a, "sqlite:%s/r.db", dir), NULL, &st) == ERR_OK &&
		store_migrate(st, &applied) == ERR_OK;
	c.store = st;
	c.arena = a;
	c.now = t0 - 3600000;
	c.actor.type = ACTOR_CLI;
	ready = ready && store_begin(st, true) == ERR_OK && bootstrap_ensure(&c) == ERR_OK &&
		store_query(st, a, "SELECT id FROM communities WHERE is_default = 1", NULL, 0, &rs) ==
			ERR_OK &&
		rs.n == 1;
	ok(ready, "a migrated database with the default workspace");
	if (!ready)
		return;
	ws = rows_text(&rs, 0, 0);
	gi.name = "Crew";
	gi.subroles = subs;
	gi.n_subroles = 1;
	is_int(sess_group_create(&c, ws, &gi, &g), ERR_OK, "group created");
	ids[0] = g.id;
	in.name = "Drill";
	in.duration_minutes = 60;
	in.group_ids = ids;
	in.n_groups = 1;
	ci.group_id = g.id;
	ci.subrole_id = g.subroles[0].id;
	ci.user_id = "77";
	ci.claimed_by = "test";
	for (int i = 0; i < 3; i++) {
		struct session *s = i == 0 ? &s1 : i == 1 ? &s2 : &s3;
		in.starts_at = t0 + i * 86400000LL;
		is_int(sess_create_one_off(&c, ws, &in, s), ERR_OK, "session created");
		is_int(sess_server_add(&c, ws, s, NULL, &x), ERR_OK, "server added");
		is_int(sess_get(&c, ws, s->id, s), ERR_OK, "session reloaded");
		is_int(sess_claim(&c, ws, s, x.id, &ci, &why, &k), ERR_OK, "claimed");
		is_int(why, CLAIM_OK, "not refused");
		is_int(sess_get(&c, ws, s->id, s), ERR_OK, "session reloaded");
		is_int(sess_claim_set_state(&c, ws, s, x.id, "77",
					    i == 0 ? "completed" : i == 1 ? "passed" : "failed", &k),
		       ERR_OK, "state set");
	}
	sessions_attended_count(&c, ws, "77", t0, t0 + 3 * 86400000LL, &n);
	is_int(n, 2, "completed and passed count, failed does not");
	sessions_attended_count(&c, ws, "77", t0 + 1, t0 + 3 * 86400000LL, &n);
	is_int(n, 1, "a session starting before from does not count");
	sessions_attended_count(&c, ws, "78", 0, t0 + 3 * 86400000LL, &n);
	is_int(n, 0, "another user has none");
	sessions_attended_count(&c, "0123456789abcdef01234567", "77", 0, t0 + 9 * 86400000LL, &n);
	is_int(n, 0, "another workspace has none");
	is_int(sess_cancel(&c, ws, s2.id, &s2), ERR_OK, "cancelled");
	sessions_attended_count(&c, ws, "77", t0, t0 + 3 * 86400000LL, &n);
	is_int(n, 1, "a cancelled session does not count");
	store_rollback(st);
	store_close(st);
	arena_free(a);
	const char *const suffix[] = { "", "-wal", "-shm" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/r.db%s", dir, suffix[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* The loader-key horizon [now - 1440 min, now + 31 days], both ends included, to the ms. */
static void
test_key_horizon(void)
{
	const int64_t now = 1799064000000LL; /* 2027-01-04T12:00:00Z */
	const int64_t day = 86400000LL;

	ok(sess_key_in_horizon(now, now), "now is inside");
	ok(sess_key_in_horizon(now, now + 31 * day), "now + 31 days is inside");
	ok(!sess_key_in_horizon(now, now + 31 * day + 1), "1 ms past now + 31 days is outside");
	ok(sess_key_in_horizon(now, now - 1440 * 60000LL), "now - 1440 min is inside");
	ok(!sess_key_in_horizon(now, now - 1440 * 60000LL - 1), "1 ms before the look-back is outside");
	ok(!sess_key_in_horizon(now, 32472212400000LL), "year 2999 is outside");
	ok(!sess_key_in_horizon(now, 253402282800000LL), "year 9999 is outside");
	ok(!sess_key_in_horizon(now, 1000), "1970 is outside");
	is_int(SESS_KEY_BEHIND_MS, SESS_UPCOMING_BEHIND_MS, "look-back is #15's");
}

int
main(void)
{
	test_london();
	test_new_york();
	test_weekly_sets();
	test_parsers();
	test_key_horizon();
	test_attended();
	return tap_done();
}
