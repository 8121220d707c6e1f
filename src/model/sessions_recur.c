/*
 * sessions_recur.c: template recurrence and occurrence keys (readmin-compat.md §4.11, §4.12),
 * pure: no storage, no process-wide state. Starts are computed per local date in the
 * template's zone with core/tz, so a 19:00 Europe/London session stays at 19:00 local across
 * DST, a skipped 01:30 moves forward by the gap and a repeated one takes its earlier instant.
 */
#include <string.h>

#include "core/arena.h"
#include "core/id.h"
#include "core/strconv.h"
#include "model/sessions.h"

#define DAY_MS 86400000LL

static const char *const SHORT[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };
static const char *const LONG[] = { "sunday",   "monday", "tuesday", "wednesday",
				    "thursday", "friday", "saturday" };
static const char *const RECURRENCES[] = { "none", "daily", "weekly" };

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

size_t
sess_recur_between(const struct sess_recur *r, int64_t from, int64_t to, int64_t *out, size_t max)
{
	struct tz_civil c;
	int64_t first, last;
	size_t n = 0;

	if (r->kind == RECUR_NONE || r->zone == NULL || to < from)
		return 0;
	/* Local dates one day either side: a start is within a day of its local date. */
	tz_to_local(r->zone, from, &c);
	first = tz_days_from_civil(c.year, c.month, c.day) - 1;
	tz_to_local(r->zone, to, &c);
	last = tz_days_from_civil(c.year, c.month, c.day) + 1;
	for (int64_t d = first; d <= last; d++) {
		int wday = (int)(((d + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday */
		int y, m, day;
		int64_t t;
		if (r->kind == RECUR_WEEKLY && !(r->weekdays & (1u << wday)))
			continue;
		tz_civil_from_days(d, &y, &m, &day);
		t = tz_from_local(r->zone, y, m, day, r->local_minute / 60, r->local_minute % 60);
		if (t < from || t > to)
			continue;
		if (n < max)
			out[n] = t;
		n++;
	}
	return n;
}

bool
sess_recur_is_start(const struct sess_recur *r, int64_t start)
{
	int64_t t;

	return sess_recur_between(r, start, start, &t, 1) == 1 && t == start;
}

int
sess_weekday_bit(const char *name)
{
	for (int i = 0; name != NULL && i < 7; i++)
		if (strcmp(name, SHORT[i]) == 0)
			return i;
	return -1;
}

const char *
sess_weekday_short(int i)
{
	return i >= 0 && i < 7 ? SHORT[i] : NULL;
}

const char *
sess_weekday_long(int i)
{
	return i >= 0 && i < 7 ? LONG[i] : NULL;
}

int
sess_local_time_parse(const char *s)
{
	int h, m;

	if (s == NULL || strlen(s) != 5 || s[2] != ':')
		return -1;
	for (int i = 0; i < 5; i++)
		if (i != 2 && (s[i] < '0' || s[i] > '9'))
			return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	return h < 24 && m < 60 ? h * 60 + m : -1;
}

bool
sess_recurrence_parse(const char *s, enum sess_recurrence *out)
{
	for (int i = 0; s != NULL && i < 3; i++)
		if (strcmp(s, RECURRENCES[i]) == 0) {
			*out = (enum sess_recurrence)i;
			return true;
		}
	return false;
}

const char *
sess_recurrence_name(enum sess_recurrence k)
{
	return RECURRENCES[k];
}

bool
sess_key_parse(const char *key, char tid[ID_LEN + 1], int64_t *start_ms)
{
	size_t len = key ? strlen(key) : 0;
	int64_t secs;

	/* 24 hex, '-', 1-12 digits without a leading zero (years up to 9999 fit in 12). */
	if (len < ID_LEN + 2 || len > ID_LEN + 13 || key[ID_LEN] != '-')
		return false;
	memcpy(tid, key, ID_LEN);
	tid[ID_LEN] = '\0';
	if (!id_is_valid(tid) || key[ID_LEN + 1] == '0')
		return false;
	for (size_t i = ID_LEN + 1; i < len; i++)
		if (key[i] < '0' || key[i] > '9')
			return false;
	if (!str_to_i64(key + ID_LEN + 1, len - ID_LEN - 1, 1, 253402300799LL, &secs))
		return false;
	*start_ms = secs * 1000;
	return true;
}

const char *
sess_key_format(struct arena *a, const char *template_id, int64_t start_ms)
{
	return arena_printf(a, "%s-%lld", template_id, (long long)floor_div(start_ms, 1000));
}

bool
sess_key_in_horizon(int64_t now, int64_t start)
{
	/* start comes from a parsed key (year 9999 at most) and now from the clock: no overflow. */
	return start >= now - SESS_KEY_BEHIND_MS && start - SESS_KEY_AHEAD_MS <= now;
}
