/*
 * test_tz.c: the system tz database reader (core/tz.h). Fixed cases for the 2026 transitions
 * of Europe/London and America/New_York (issue 6), skipped and repeated local times, southern
 * and fractional-hour zones, name validation, plus a sweep compared against glibc's own
 * reading of the same files (this single-threaded test program may set TZ; the server never
 * does), both inside the transition table and past it, where the POSIX footer rule decides.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rfc3339.h"
#include "core/tz.h"
#include "tap.h"

static int64_t
utc(const char *s)
{
	int64_t ms = -1;

	if (!rfc3339_parse(s, &ms))
		printf("# bad fixture %s\n", s);
	return ms;
}

static const char *
fmt(int64_t ms, char out[RFC3339_LEN + 1])
{
	rfc3339_format(ms, out);
	return out;
}

static void
check_local(const struct tz *z, const char *instant, const char *want, int wday)
{
	struct tz_civil c;
	char got[64];

	tz_to_local(z, utc(instant), &c);
	snprintf(got, sizeof(got), "%04d-%02d-%02d %02d:%02d:%02d", c.year, c.month, c.day, c.hour,
		 c.minute, c.second);
	is_str(got, want, instant);
	is_int(c.wday, wday, "weekday");
}

static void
check_from(const struct tz *z, int y, int mo, int d, int h, int mi, const char *want,
	   const char *name)
{
	char out[RFC3339_LEN + 1];

	is_str(fmt(tz_from_local(z, y, mo, d, h, mi), out), want, name);
}

static void
test_names(void)
{
	ok(tz_get("Europe/London") != NULL, "Europe/London loads");
	ok(tz_get("Europe/London") == tz_get("Europe/London"), "a zone is parsed once and cached");
	is_str(tz_name(tz_get("America/New_York")), "America/New_York", "name kept");
	ok(tz_get("UTC") != NULL, "UTC loads");
	ok(tz_get("Etc/GMT+5") != NULL, "Etc/GMT+5 loads");
	ok(tz_get("") == NULL, "empty name refused");
	ok(tz_get(NULL) == NULL, "NULL refused");
	ok(tz_get("/etc/passwd") == NULL, "leading slash refused");
	ok(tz_get("../zoneinfo/UTC") == NULL, "dot-dot refused");
	ok(tz_get("Europe/../UTC") == NULL, "inner dot-dot refused");
	ok(tz_get("Europe//London") == NULL, "double slash refused");
	ok(tz_get("Europe/London/") == NULL, "trailing slash refused");
	ok(tz_get("Europe") == NULL, "a folder is not a zone");
	ok(tz_get("Mars/Olympus_Mons") == NULL, "unknown zone refused");
	ok(tz_get("zone.tab") == NULL, "a non-zone file refused");
	ok(tz_get("Europe/London\n") == NULL, "control character refused");
	ok(tz_get("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") ==
		   NULL,
	   "overlong name refused");
}

static void
test_london_2026(void)
{
	const struct tz *z = tz_get("Europe/London");

	/* BST starts Sunday 29 March 2026 at 01:00 UTC, ends Sunday 25 October at 01:00 UTC. */
	check_local(z, "2026-03-29T00:59:59.000Z", "2026-03-29 00:59:59", 0);
	check_local(z, "2026-03-29T01:00:00.000Z", "2026-03-29 02:00:00", 0);
	check_local(z, "2026-10-25T00:59:59.000Z", "2026-10-25 01:59:59", 0);
	check_local(z, "2026-10-25T01:00:00.000Z", "2026-10-25 01:00:00", 0);
	check_local(z, "2026-07-01T18:00:00.000Z", "2026-07-01 19:00:00", 3);
	check_local(z, "2026-01-15T19:00:00.000Z", "2026-01-15 19:00:00", 4);
	check_from(z, 2026, 3, 28, 19, 0, "2026-03-28T19:00:00.000Z", "19:00 the day before BST");
	check_from(z, 2026, 3, 29, 19, 0, "2026-03-29T18:00:00.000Z", "19:00 on the BST day");
	check_from(z, 2026, 3, 29, 1, 30, "2026-03-29T01:30:00.000Z",
		   "01:30 skipped: moves forward by the gap to 02:30 BST");
	check_from(z, 2026, 3, 29, 1, 0, "2026-03-29T01:00:00.000Z", "01:00 skipped: 02:00 BST");
	check_from(z, 2026, 3, 29, 0, 59, "2026-03-29T00:59:00.000Z", "00:59 just before the gap");
	check_from(z, 2026, 3, 29, 2, 0, "2026-03-29T01:00:00.000Z", "02:00 just after the gap");
	check_from(z, 2026, 10, 25, 1, 30, "2026-10-25T00:30:00.000Z",
		   "01:30 repeated: the earlier (BST) instant");
	check_from(z, 2026, 10, 25, 2, 0, "2026-10-25T02:00:00.000Z", "02:00 after the repeat");
	check_from(z, 2026, 10, 25, 19, 0, "2026-10-25T19:00:00.000Z", "19:00 after BST ends");
}

static void
test_new_york_2026(void)
{
	const struct tz *z = tz_get("America/New_York");

	/* EDT starts Sunday 8 March 2026 at 07:00 UTC, ends Sunday 1 November at 06:00 UTC. */
	check_local(z, "2026-03-08T06:59:59.000Z", "2026-03-08 01:59:59", 0);
	check_local(z, "2026-03-08T07:00:00.000Z", "2026-03-08 03:00:00", 0);
	check_local(z, "2026-11-01T05:59:59.000Z", "2026-11-01 01:59:59", 0);
	check_local(z, "2026-11-01T06:00:00.000Z", "2026-11-01 01:00:00", 0);
	check_from(z, 2026, 3, 8, 2, 30, "2026-03-08T07:30:00.000Z", "02:30 skipped: 03:30 EDT");
	check_from(z, 2026, 3, 8, 1, 30, "2026-03-08T06:30:00.000Z", "01:30 EST still exists");
	check_from(z, 2026, 3, 8, 19, 0, "2026-03-08T23:00:00.000Z", "19:00 EDT");
	check_from(z, 2026, 3, 7, 19, 0, "2026-03-08T00:00:00.000Z", "19:00 EST the day before");
	check_from(z, 2026, 11, 1, 1, 30, "2026-11-01T05:30:00.000Z", "01:30 repeated: EDT one");
	check_from(z, 2026, 11, 1, 0, 59, "2026-11-01T04:59:00.000Z", "00:59 before the repeat");
	check_from(z, 2026, 11, 1, 2, 0, "2026-11-01T07:00:00.000Z", "02:00 EST after the repeat");
}

static void
test_other_zones(void)
{
	const struct tz *syd = tz_get("Australia/Sydney");
	const struct tz *kol = tz_get("Asia/Kolkata");
	const struct tz *cht = tz_get("Pacific/Chatham");
	const struct tz *u = tz_get("UTC");

	/* Sydney: AEDT ends 5 April 2026 03:00 -> 02:00, starts 4 October 02:00 -> 03:00. */
	check_from(syd, 2026, 4, 5, 2, 30, "2026-04-04T15:30:00.000Z", "Sydney repeated 02:30");
	check_from(syd, 2026, 10, 4, 2, 30, "2026-10-03T16:30:00.000Z", "Sydney skipped 02:30");
	check_local(syd, "2026-01-01T00:00:00.000Z", "2026-01-01 11:00:00", 4);
	check_local(kol, "2026-01-01T00:00:00.000Z", "2026-01-01 05:30:00", 4);
	check_local(cht, "2026-01-01T00:00:00.000Z", "2026-01-01 13:45:00", 4);
	check_local(u, "1970-01-01T00:00:00.000Z", "1970-01-01 00:00:00", 4);
	{
		struct tz_civil c;
		tz_to_local(u, -1, &c); /* floor, not truncation, before the epoch */
		ok(c.year == 1969 && c.month == 12 && c.day == 31 && c.hour == 23 && c.minute == 59 &&
			   c.second == 59 && c.wday == 3,
		   "one ms before the epoch");
	}
	check_from(u, 2026, 13, 1, 0, 0, "2027-01-01T00:00:00.000Z", "month 13 rolls over");
	check_from(u, 2026, 1, 32, 0, 0, "2026-02-01T00:00:00.000Z", "day 32 rolls over");
	check_from(u, 2024, 2, 29, 24, 0, "2024-03-01T00:00:00.000Z", "hour 24 rolls over");
	check_from(u, 2026, 0, 1, 0, 0, "2025-12-01T00:00:00.000Z", "month 0 rolls back");
	is_int(tz_offset_at(kol, utc("2026-06-01T00:00:00.000Z")), 19800, "Kolkata +05:30");
}

/* Compares tz_to_local with glibc's localtime_r on the same zone file, every 7h13m over
 * 1900-2100: inside the table, and past 2037 where fat files end and the footer rule takes over.
 */
static void
sweep(const char *name)
{
	const struct tz *z = tz_get(name);
	int bad = 0;
	long n = 0;
	char env[96];

	snprintf(env, sizeof(env), ":%s", name);
	setenv("TZ", env, 1);
	tzset();
	for (int64_t t = -2208988800LL; t < 4102444800LL; t += 7 * 3600 + 13 * 60 + 7) {
		struct tz_civil c;
		struct tm tm;
		time_t tt = (time_t)t;
		localtime_r(&tt, &tm);
		tz_to_local(z, t * 1000, &c);
		n++;
		if (c.year != tm.tm_year + 1900 || c.month != tm.tm_mon + 1 || c.day != tm.tm_mday ||
		    c.hour != tm.tm_hour || c.minute != tm.tm_min || c.second != tm.tm_sec ||
		    c.wday != tm.tm_wday) {
			if (bad++ < 3)
				printf("# %s at %lld: got %d-%d-%d %d:%d:%d\n", name, (long long)t,
				       c.year, c.month, c.day, c.hour, c.minute, c.second);
		}
	}
	ok(bad == 0 && n > 200000, "%s matches glibc at %ld instants 1900-2100", name, n);
}

/* Round trip: every local time that exists maps back to itself (2026-2060, every 37 min). */
static void
round_trip(const char *name)
{
	const struct tz *z = tz_get(name);
	int bad = 0;

	for (int64_t t = 1767225600LL; t < 2871763200LL; t += 37 * 60) {
		struct tz_civil c;
		int64_t back;
		tz_to_local(z, t * 1000, &c);
		back = tz_from_local(z, c.year, c.month, c.day, c.hour, c.minute);
		/* A repeated local time maps to its earlier instant, so back may be one gap earlier. */
		if (back != t * 1000 - (t % 60) * 1000) {
			struct tz_civil c2;
			tz_to_local(z, back, &c2);
			if (back > t * 1000 || c2.hour != c.hour || c2.minute != c.minute ||
			    c2.day != c.day)
				bad++;
		}
	}
	ok(bad == 0, "%s: local -> utc -> local round trip 2026-2060", name);
}

static void *
worker(void *arg)
{
	const char *const names[] = { "Europe/Paris", "Asia/Tokyo", "America/Chicago",
				      "Europe/Paris", "Asia/Tokyo", "America/Chicago" };
	const struct tz **got = arg;

	for (int i = 0; i < 6; i++)
		got[i] = tz_get(names[i]);
	return NULL;
}

static void
test_threads(void)
{
	pthread_t th[8];
	const struct tz *got[8][6];
	int same = 1;

	for (int i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, worker, got[i]);
	for (int i = 0; i < 8; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 6; j++)
			same &= got[i][j] != NULL && got[i][j] == got[0][j % 3];
	ok(same, "concurrent tz_get of the same zones returns one object each");
}

int
main(void)
{
	test_names();
	test_london_2026();
	test_new_york_2026();
	test_other_zones();
	test_threads();
	sweep("Europe/London");
	sweep("America/New_York");
	sweep("Australia/Sydney");
	sweep("Europe/Dublin");
	sweep("America/Sao_Paulo");
	sweep("Pacific/Chatham");
	sweep("Asia/Kolkata");
	sweep("Africa/Casablanca");
	sweep("America/Santiago");
	round_trip("Europe/London");
	round_trip("America/New_York");
	round_trip("Australia/Lord_Howe");
	return tap_done();
}
