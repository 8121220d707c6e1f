/*
 * test_rollover.c: scheduled distribution boundaries (model/rollover.c) in real zones of the
 * system tz database, DST days included.
 */
#include <stdint.h>

#include "core/rfc3339.h"
#include "core/tz.h"
#include "model/minutes.h"
#include "tap.h"

static int64_t
at(const char *iso)
{
	int64_t ms = -1;

	if (!rfc3339_parse(iso, &ms))
		printf("# bad test time %s\n", iso);
	return ms;
}

static void
check(const char *zone, const char *period, int weekday, int hour, int minute, const char *after,
      const char *want)
{
	const struct tz *z = tz_get(zone);
	int64_t got = distribution_next_boundary(z, period, weekday, hour, minute, at(after));
	char buf[40] = "-1";

	if (got >= 0)
		rfc3339_format(got, buf);
	is_str(buf, want, want);
}

int
main(void)
{
	/* Weekly: the next such weekday, or a week on when today's time has passed. */
	check("UTC", "weekly", 1, 0, 0, "2026-11-29T12:00:00.000Z", "2026-11-30T00:00:00.000Z");
	check("UTC", "weekly", 1, 0, 0, "2026-11-30T00:00:00.000Z", "2026-12-07T00:00:00.000Z");
	check("UTC", "weekly", 0, 18, 0, "2026-11-29T12:00:00.000Z", "2026-11-29T18:00:00.000Z");
	check("UTC", "weekly", 0, 18, 0, "2026-11-29T18:00:00.001Z", "2026-12-06T18:00:00.000Z");
	/* Local time in the zone, across DST: 09:00 London is 09:00Z in winter, 08:00Z in summer. */
	check("Europe/London", "weekly", 1, 9, 0, "2026-01-10T00:00:00.000Z",
	      "2026-01-12T09:00:00.000Z");
	check("Europe/London", "weekly", 1, 9, 0, "2026-07-10T00:00:00.000Z",
	      "2026-07-13T08:00:00.000Z");
	/* 01:30 on the spring-forward Sunday (29 March 2026) does not exist: moved to 02:30 BST. */
	check("Europe/London", "weekly", 0, 1, 30, "2026-03-28T12:00:00.000Z",
	      "2026-03-29T01:30:00.000Z");
	/* 01:30 on the fall-back Sunday (25 October 2026) happens twice: the earlier, BST. */
	check("Europe/London", "weekly", 0, 1, 30, "2026-10-24T12:00:00.000Z",
	      "2026-10-25T00:30:00.000Z");
	/* West of UTC the local weekday differs from the UTC one: 00:30Z Monday is 19:30 on
	 * Sunday in New York, so Sunday 20:00 local is half an hour away, not a week. */
	check("America/New_York", "weekly", 0, 20, 0, "2026-11-30T00:30:00.000Z",
	      "2026-11-30T01:00:00.000Z");
	/* Biweekly: the second boundary after the current distribution began. */
	check("UTC", "biweekly", 1, 0, 0, "2026-11-30T00:00:00.000Z", "2026-12-14T00:00:00.000Z");
	check("UTC", "biweekly", 1, 0, 0, "2026-11-29T00:00:00.000Z", "2026-12-07T00:00:00.000Z");
	/* Monthly: the 1st at the time, into the next year when needed. */
	check("America/New_York", "monthly", 0, 9, 0, "2026-11-29T00:00:00.000Z",
	      "2026-12-01T14:00:00.000Z");
	check("UTC", "monthly", 3, 0, 0, "2026-12-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z");
	check("Europe/London", "monthly", 0, 0, 0, "2026-06-15T00:00:00.000Z",
	      "2026-06-30T23:00:00.000Z");
	/* Manual, an unknown period, a bad weekday or zone: no boundary. */
	check("UTC", "manual", 0, 0, 0, "2026-11-29T00:00:00.000Z", "-1");
	check("UTC", "daily", 0, 0, 0, "2026-11-29T00:00:00.000Z", "-1");
	check("UTC", "weekly", 7, 0, 0, "2026-11-29T00:00:00.000Z", "-1");
	ok(distribution_next_boundary(NULL, "weekly", 1, 0, 0, 0) == -1, "no zone: no boundary");
	return tap_done();
}
