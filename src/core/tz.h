/*
 * tz.h: time-zone arithmetic on the system tz database (TZif files under /usr/share/zoneinfo)
 * without touching process-wide state: no setenv("TZ"), tzset() or localtime(), so request
 * threads may call every function here at once (STYLE.md §4). A zone is parsed once and kept
 * for the life of the process; the returned objects are immutable and never freed.
 * Any layer may include this header.
 */
#ifndef ROSTER_TZ_H
#define ROSTER_TZ_H

#include <stdint.h>

struct tz;
struct tz_civil {
	int year, month /* 1-12 */, day, hour, minute, second, wday /* 0 = Sunday */;
};

/* NULL when the name is not a zone of the system tz database (validate the name: no "..", no
 * leading '/'). The result lives until the process exits. Thread-safe. */
const struct tz *tz_get(const char *name);
/* Local civil time of a UTC instant (ms). */
void tz_to_local(const struct tz *z, int64_t utc_ms, struct tz_civil *out);
/* UTC ms of a local civil time; a time skipped by a DST change moves forward by the gap
 * (02:30 -> 03:30), a repeated time takes its earlier instant. Out-of-range fields roll over
 * (month 13 is January of the next year, day 32 of January is 1 February, hour 24 the next
 * day), so callers may step days by adding to `day`. */
int64_t tz_from_local(const struct tz *z, int year, int month, int day, int hour, int minute);
/* The zone's name as given to tz_get. */
const char *tz_name(const struct tz *z);
/* Offset from UTC in seconds at a UTC instant (ms); east of Greenwich is positive. */
int32_t tz_offset_at(const struct tz *z, int64_t utc_ms);

/* Proleptic Gregorian helpers, used by the zone code and by callers stepping calendar days. */
int64_t tz_days_from_civil(int64_t year, int month, int day);
void tz_civil_from_days(int64_t days, int *year, int *month, int *day);

#endif
