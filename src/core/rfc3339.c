/*
 * rfc3339.c: timestamps on the wire (see rfc3339.h). Parsing computes the epoch with its own
 * days-from-civil arithmetic, so no TZ variable, timegm() or process-wide state is involved,
 * and every field is range-checked before it is used.
 */
#include "core/rfc3339.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the range four year digits hold. */
#define RFC3339_MIN_MS (-62167219200000LL)
#define RFC3339_MAX_MS 253402300799999LL
/* 1970-01-01T00:00:00.000Z, the earliest accepted input (platform.md §1). */
#define RFC3339_MIN_INPUT_MS 0

static void
put_digits(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void
rfc3339_format(int64_t ms, char out[RFC3339_LEN + 1])
{
	char tmp[64];
	struct tm tm;
	time_t secs;
	int64_t frac;

	/* The output has room for four year digits only; a time outside is a bug upstream, and
	 * a clamped, well-formed value is safer for clients than a malformed one. */
	if (ms < RFC3339_MIN_MS)
		ms = RFC3339_MIN_MS;
	if (ms > RFC3339_MAX_MS)
		ms = RFC3339_MAX_MS;
	frac = ms % 1000;
	if (frac < 0)
		frac += 1000; /* floor division for times before 1970 */
	secs = (time_t)((ms - frac) / 1000);
	if (gmtime_r(&secs, &tm) == NULL) {
		memcpy(out, "1970-01-01T00:00:00.000Z", RFC3339_LEN + 1);
		return;
	}
	/* Fixed-width digits by hand: every timestamp of every answer passes here. */
	put_digits(tmp, tm.tm_year + 1900, 4);
	tmp[4] = '-';
	put_digits(tmp + 5, tm.tm_mon + 1, 2);
	tmp[7] = '-';
	put_digits(tmp + 8, tm.tm_mday, 2);
	tmp[10] = 'T';
	put_digits(tmp + 11, tm.tm_hour, 2);
	tmp[13] = ':';
	put_digits(tmp + 14, tm.tm_min, 2);
	tmp[16] = ':';
	put_digits(tmp + 17, tm.tm_sec, 2);
	tmp[19] = '.';
	put_digits(tmp + 20, (int)frac, 3);
	tmp[23] = 'Z';
	tmp[24] = '\0';
	memcpy(out, tmp, RFC3339_LEN + 1);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int64_t
days_in_month(int64_t y, int64_t m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Reads exactly n digits at s[*i]; advances *i. */
static bool
digits(const char *s, size_t *i, int n, int64_t *out)
{
	int64_t v = 0;
	int k;

	for (k = 0; k < n; k++) {
		char c = s[*i];

		if (c < '0' || c > '9')
			return false;
		v = v * 10 + (c - '0');
		(*i)++;
	}
	*out = v;
	return true;
}

static bool
expect(const char *s, size_t *i, char c)
{
	if (s[*i] != c)
		return false;
	(*i)++;
	return true;
}

/* Parses the zone: `Z` or `+HH:MM` / `-HH:MM`, returning the offset east of UTC in minutes. */
static bool
parse_zone(const char *s, size_t *i, int64_t *off_min)
{
	int64_t hh, mm;
	char sign = s[*i];

	if (sign == 'Z') {
		(*i)++;
		*off_min = 0;
		return true;
	}
	if (sign != '+' && sign != '-')
		return false;
	(*i)++;
	if (!digits(s, i, 2, &hh) || !expect(s, i, ':') || !digits(s, i, 2, &mm))
		return false;
	if (hh > 23 || mm > 59)
		return false;
	*off_min = (hh * 60 + mm) * (sign == '-' ? -1 : 1);
	return true;
}

bool
rfc3339_parse(const char *s, int64_t *ms)
{
	int64_t y, mo, d, h, mi, sec, frac = 0, off_min, t;
	size_t i = 0;
	int nfrac = 0;

	if (s == NULL)
		return false;
	/* Each step stops at the first unexpected byte, the NUL included, so no read passes it. */
	if (!digits(s, &i, 4, &y) || !expect(s, &i, '-') || !digits(s, &i, 2, &mo) ||
	    !expect(s, &i, '-') || !digits(s, &i, 2, &d) || !expect(s, &i, 'T') ||
	    !digits(s, &i, 2, &h) || !expect(s, &i, ':') || !digits(s, &i, 2, &mi) ||
	    !expect(s, &i, ':') || !digits(s, &i, 2, &sec))
		return false;
	if (s[i] == '.') {
		i++;
		/* 1 to 9 digits; milliseconds keep the first three, the rest is dropped (floor). */
		while (s[i] >= '0' && s[i] <= '9') {
			if (++nfrac > 9)
				return false;
			if (nfrac <= 3)
				frac = frac * 10 + (s[i] - '0');
			i++;
		}
		if (nfrac == 0)
			return false;
		for (; nfrac < 3; nfrac++)
			frac *= 10;
	}
	if (!parse_zone(s, &i, &off_min) || s[i] != '\0')
		return false;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
		return false;
	if (h > 23 || mi > 59 || sec > 59) /* no leap second: the epoch has no slot for it */
		return false;
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off_min * 60;
	t = t * 1000 + frac;
	/* The year range applies after normalising to UTC (platform.md §1). */
	if (t < RFC3339_MIN_INPUT_MS || t > RFC3339_MAX_MS)
		return false;
	*ms = t;
	return true;
}
