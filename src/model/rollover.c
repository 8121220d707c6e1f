/*
 * rollover.c: scheduled distributions (platform.md §6.1 `distribution`, §11 rollover job,
 * readmin-compat.md §4.8). Boundaries are local times in the workspace's zone, computed with
 * core/tz.h, so a Monday 00:00 Europe/London rollover stays at local midnight across DST.
 */
#include "model/minutes.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/tz.h"

/* Workspaces on a schedule, with what the boundary needs. */
static const char SQL_SCHEDULED[] =
	"SELECT c.id, c.timezone, c.distribution_period, c.distribution_weekday,"
	" c.distribution_time, c.distribution_current, c.created_at, d.started_at"
	" FROM communities c LEFT JOIN distributions d"
	" ON d.workspace_id = c.id AND d.number = c.distribution_current"
	" WHERE c.distribution_period <> 'manual' ORDER BY c.id";

static int64_t
weekly_after(const struct tz *z, int weekday, int hour, int minute, int64_t after)
{
	struct tz_civil lc;

	tz_to_local(z, after, &lc);
	int delta = ((weekday - lc.wday) % 7 + 7) % 7;
	/* A boundary earlier today has passed; the same weekday next week is the one. */
	for (int k = 0; k < 3; k++) {
		int64_t b = tz_from_local(z, lc.year, lc.month, lc.day + delta + 7 * k, hour, minute);
		if (b > after)
			return b;
	}
	return -1;
}

static int64_t
monthly_after(const struct tz *z, int hour, int minute, int64_t after)
{
	struct tz_civil lc;

	tz_to_local(z, after, &lc);
	for (int k = 0; k < 3; k++) {
		int64_t b = tz_from_local(z, lc.year, lc.month + k, 1, hour, minute);
		if (b > after)
			return b;
	}
	return -1;
}

int64_t
distribution_next_boundary(const struct tz *z, const char *period, int weekday, int hour,
			   int minute, int64_t after)
{
	if (z == NULL || weekday < 0 || weekday > 6)
		return -1;
	if (strcmp(period, "weekly") == 0)
		return weekly_after(z, weekday, hour, minute, after);
	if (strcmp(period, "biweekly") == 0) {
		int64_t first = weekly_after(z, weekday, hour, minute, after);
		return first < 0 ? -1 : weekly_after(z, weekday, hour, minute, first);
	}
	if (strcmp(period, "monthly") == 0)
		return monthly_after(z, hour, minute, after);
	return -1;
}

/* "HH:MM" as validated on write; false for anything else. */
static bool
parse_hhmm(const char *s, int *hour, int *minute)
{
	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return false;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return false;
	*hour = (s[0] - '0') * 10 + (s[1] - '0');
	*minute = (s[3] - '0') * 10 + (s[4] - '0');
	return *hour < 24 && *minute < 60;
}

enum err
distribution_rollover_due(struct ctx *c)
{
	struct rows rs;
	enum err err = store_query(c->store, c->arena, SQL_SCHEDULED, NULL, 0, &rs);

	for (size_t i = 0; err == ERR_OK && i < rs.n; i++) {
		struct workspace ws = { 0 };
		struct distribution next;
		int hour, minute;
		const struct tz *z = tz_get(rows_text(&rs, i, 1));

		ws.cm.id = rows_text(&rs, i, 0);
		ws.dist_current = rows_int(&rs, i, 5);
		ws.cm.created_at = rows_int(&rs, i, 6);
		int64_t started = rows_null(&rs, i, 7) ? ws.cm.created_at : rows_int(&rs, i, 7);
		if (z == NULL || !parse_hhmm(rows_text(&rs, i, 4), &hour, &minute)) {
			log_warn("job.rollover", "workspace %s: unusable schedule, skipped", ws.cm.id);
			continue;
		}
		int64_t b = distribution_next_boundary(z, rows_text(&rs, i, 2),
						       (int)rows_int(&rs, i, 3), hour, minute,
						       started);
		if (b < 0 || b > c->now)
			continue;
		err = distribution_advance(c, &ws, b, true, &next);
	}
	return err;
}
