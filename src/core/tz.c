/*
 * tz.c: a small reader of the system tz database (see tz.h). Each zone file is read once: the
 * 64-bit section of a TZif v2+ file (RFC 8536), or the 32-bit one of a v1 file, plus the POSIX
 * TZ footer, which gives the offset past the last transition (Debian may ship "slim" files whose
 * transitions stop in 2007 and leave the rest to the footer). Parsed zones go into a
 * mutex-guarded list and are immutable from then on, so lookups need no lock after tz_get.
 */
#include "core/tz.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "core/xmalloc.h"

#define TZ_DIR "/usr/share/zoneinfo/"
#define TZ_NAME_MAX 64
/* The largest zone file in the database is under 4 KiB; more than this is not a zone file. */
#define TZ_FILE_MAX (256 * 1024)
/* Real offsets stay within +-26 h; anything wider is a corrupt file. */
#define TZ_OFF_LIMIT (26 * 3600)
#define DAY_S 86400

/* One transition date of a POSIX TZ rule: Jn (1-365, no Feb 29), n (0-365) or Mm.w.d. */
struct tz_rdate {
	char kind; /* 'J', 'D' or 'M' */
	int n, m, w, d;
	int32_t time; /* seconds after local midnight, may be negative or past 24 h */
};

struct tz_rule {
	int32_t std_off, dst_off; /* seconds east of UTC */
	bool has_dst;
	struct tz_rdate start, end;
};

struct tz {
	char *name;
	size_t n_trans, n_types;
	int64_t *trans; /* ascending UTC seconds */
	uint8_t *idx;   /* type index per transition */
	int32_t *off;   /* offset per type */
	bool has_rule;
	struct tz_rule rule;
	struct tz *next;
};

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tz *tz_list; /* guarded by tz_lock; entries never change once linked */

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

/* Howard Hinnant's days_from_civil; months outside 1-12 roll into neighbouring years. */
int64_t
tz_days_from_civil(int64_t year, int month, int day)
{
	int64_t m0 = (int64_t)month - 1;
	int64_t y = year + floor_div(m0, 12);
	int64_t m = m0 - floor_div(m0, 12) * 12 + 1; /* 1-12 */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = floor_div(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468 + (int64_t)day - 1;
}

void
tz_civil_from_days(int64_t days, int *year, int *month, int *day)
{
	int64_t z = days + 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = (int)m;
	*day = (int)d;
}

static int64_t
days_of(int64_t year, int month, int day)
{
	return tz_days_from_civil(year, month, day);
}

static bool
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ---- POSIX TZ footer -------------------------------------------------------------------- */

static const char *
parse_tzname(const char *p)
{
	const char *s = p;

	if (*p == '<') {
		p++;
		while (*p && *p != '>')
			p++;
		return *p == '>' && p - s >= 4 ? p + 1 : NULL;
	}
	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
		p++;
	return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]] with hours up to max_h; returns the end or NULL. */
static const char *
parse_hms(const char *p, int max_h, int32_t *out)
{
	int sign = 1, part[3] = { 0, 0, 0 };

	if (*p == '+' || *p == '-')
		sign = *p++ == '-' ? -1 : 1;
	for (int i = 0; i < 3; i++) {
		int n = 0, digits = 0;
		if (i > 0) {
			if (*p != ':')
				break;
			p++;
		}
		while (*p >= '0' && *p <= '9' && digits < 3) {
			n = n * 10 + (*p++ - '0');
			digits++;
		}
		if (digits == 0 || (i > 0 && n > 59) || (i == 0 && n > max_h))
			return NULL;
		part[i] = n;
	}
	*out = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	return p;
}

static const char *
parse_num(const char *p, int lo, int hi, int *out)
{
	int n = 0, digits = 0;

	while (*p >= '0' && *p <= '9' && digits < 4) {
		n = n * 10 + (*p++ - '0');
		digits++;
	}
	if (digits == 0 || n < lo || n > hi)
		return NULL;
	*out = n;
	return p;
}

static const char *
parse_rdate(const char *p, struct tz_rdate *r)
{
	r->time = 2 * 3600;
	if (*p == 'J') {
		r->kind = 'J';
		p = parse_num(p + 1, 1, 365, &r->n);
	} else if (*p == 'M') {
		r->kind = 'M';
		p = parse_num(p + 1, 1, 12, &r->m);
		if (p == NULL || *p++ != '.')
			return NULL;
		p = parse_num(p, 1, 5, &r->w);
		if (p == NULL || *p++ != '.')
			return NULL;
		p = parse_num(p, 0, 6, &r->d);
	} else {
		r->kind = 'D';
		p = parse_num(p, 0, 365, &r->n);
	}
	if (p != NULL && *p == '/')
		p = parse_hms(p + 1, 167, &r->time); /* RFC 8536 allows -167..167 hours */
	return p;
}

/* Parses a footer such as "GMT0BST,M3.5.0/1,M10.5.0" into *r; false when malformed. */
static bool
parse_rule(const char *s, struct tz_rule *r)
{
	const char *p = parse_tzname(s);
	int32_t v;

	memset(r, 0, sizeof(*r));
	if (p == NULL || (p = parse_hms(p, 24, &v)) == NULL)
		return false;
	r->std_off = -v; /* POSIX offsets count west of Greenwich */
	if (*p == '\0')
		return true;
	if ((p = parse_tzname(p)) == NULL)
		return false;
	r->has_dst = true;
	r->dst_off = r->std_off + 3600;
	if (*p != ',' && *p != '\0') {
		if ((p = parse_hms(p, 24, &v)) == NULL)
			return false;
		r->dst_off = -v;
	}
	if (*p == '\0') /* POSIX leaves the default rule to the implementation; glibc's is US */
		return parse_rdate("M3.2.0", &r->start) != NULL &&
		       parse_rdate("M11.1.0", &r->end) != NULL;
	if (*p++ != ',' || (p = parse_rdate(p, &r->start)) == NULL || *p++ != ',' ||
	    (p = parse_rdate(p, &r->end)) == NULL)
		return false;
	return *p == '\0';
}

/* Local seconds (as if UTC) of a rule date's transition in the given year. */
static int64_t
rdate_local(const struct tz_rdate *r, int64_t year)
{
	int64_t day;

	if (r->kind == 'J') {
		day = days_of(year, 1, 1) + r->n - 1;
		if (is_leap(year) && r->n >= 60)
			day++; /* Jn never counts 29 February */
	} else if (r->kind == 'D') {
		day = days_of(year, 1, 1) + r->n;
	} else {
		int64_t first = days_of(year, r->m, 1);
		int64_t wd = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
		int64_t next_first = days_of(year, r->m + 1, 1);
		day = first + (r->d - wd + 7) % 7 + (int64_t)(r->w - 1) * 7;
		while (day >= next_first)
			day -= 7; /* week 5 means the last such weekday */
	}
	return day * DAY_S + r->time;
}

static int32_t
rule_offset(const struct tz_rule *r, int64_t t)
{
	int year, month, day;
	int64_t start, end;

	if (!r->has_dst)
		return r->std_off;
	tz_civil_from_days(floor_div(t + r->std_off, DAY_S), &year, &month, &day);
	start = rdate_local(&r->start, year) - r->std_off;
	end = rdate_local(&r->end, year) - r->dst_off;
	if (start <= end) /* northern hemisphere: DST inside the year */
		return (t >= start && t < end) ? r->dst_off : r->std_off;
	return (t >= end && t < start) ? r->std_off : r->dst_off;
}

/* ---- TZif ------------------------------------------------------------------------------- */

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t
be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

struct tzif_counts {
	size_t isut, isstd, leap, time, type, chr;
};

static bool
read_header(const unsigned char *p, size_t len, struct tzif_counts *c)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0)
		return false;
	c->isut = be32(p + 20);
	c->isstd = be32(p + 24);
	c->leap = be32(p + 28);
	c->time = be32(p + 32);
	c->type = be32(p + 36);
	c->chr = be32(p + 40);
	/* Caps far above the real database keep the size sums below from overflowing. */
	return c->isut <= 256 && c->isstd <= 256 && c->leap <= 1024 && c->time <= 65536 &&
	       c->type >= 1 && c->type <= 256 && c->chr <= 4096;
}

static size_t
block_len(const struct tzif_counts *c, size_t tsize)
{
	return c->time * tsize + c->time + c->type * 6 + c->chr + c->leap * (tsize + 4) +
	       c->isstd + c->isut;
}

/* Fills z from a whole TZif file; false when it is not a sound one. */
static bool
parse_tzif(const unsigned char *buf, size_t len, struct tz *z)
{
	struct tzif_counts c;
	size_t tsize = 4, blen;
	const unsigned char *p;

	if (!read_header(buf, len, &c))
		return false;
	if (buf[4] >= '2') { /* skip the 32-bit block to the 64-bit one */
		blen = block_len(&c, 4);
		if (len - 44 < blen)
			return false;
		buf += 44 + blen;
		len -= 44 + blen;
		if (!read_header(buf, len, &c))
			return false;
		tsize = 8;
	}
	blen = block_len(&c, tsize);
	if (len - 44 < blen)
		return false;
	p = buf + 44;
	z->n_trans = c.time;
	z->n_types = c.type;
	z->trans = xcalloc(c.time + 1, sizeof(*z->trans));
	z->idx = xcalloc(c.time + 1, 1);
	z->off = xcalloc(c.type, sizeof(*z->off));
	for (size_t i = 0; i < c.time; i++) {
		z->trans[i] = tsize == 8 ? be64(p + i * 8) : (int32_t)be32(p + i * 4);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			return false;
	}
	p += c.time * tsize;
	for (size_t i = 0; i < c.time; i++) {
		z->idx[i] = p[i];
		if (p[i] >= c.type)
			return false;
	}
	p += c.time;
	for (size_t i = 0; i < c.type; i++) {
		int32_t off = (int32_t)be32(p + i * 6);
		if (off < -TZ_OFF_LIMIT || off > TZ_OFF_LIMIT)
			return false;
		z->off[i] = off;
	}
	p = buf + 44 + blen;
	len -= 44 + blen;
	/* The footer, "\n<TZ string>\n", exists from version 2 on; an empty one means none. */
	if (tsize == 8 && len >= 2 && p[0] == '\n') {
		const unsigned char *nl = memchr(p + 1, '\n', len - 1);
		char rule[128];
		size_t n = nl != NULL ? (size_t)(nl - p - 1) : 0;
		if (nl != NULL && n > 0 && n < sizeof(rule)) {
			memcpy(rule, p + 1, n);
			rule[n] = '\0';
			z->has_rule = parse_rule(rule, &z->rule);
		}
	}
	return true;
}

static bool
name_is_valid(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len > TZ_NAME_MAX || s[0] == '/' || s[len - 1] == '/')
		return false;
	/* Letters, digits and _ - + / only: no '.', so no ".." and no way out of the tree; a
	 * segment never starts with '/' (no "//") or '-' (no option-like names). */
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		bool seg_start = i == 0 || s[i - 1] == '/';
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		      ch == '_' || ch == '-' || ch == '+' || ch == '/') ||
		    (seg_start && (ch == '/' || ch == '-')))
			return false;
	}
	return true;
}

static void
tz_free(struct tz *z)
{
	free(z->name);
	free(z->trans);
	free(z->idx);
	free(z->off);
	free(z);
}

static struct tz *
tz_load(const char *name)
{
	char path[sizeof(TZ_DIR) + TZ_NAME_MAX];
	unsigned char *buf;
	size_t len;
	struct tz *z;
	FILE *f;
	int n;

	n = snprintf(path, sizeof(path), TZ_DIR "%s", name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return NULL;
	f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	buf = xmalloc(TZ_FILE_MAX);
	len = fread(buf, 1, TZ_FILE_MAX, f);
	fclose(f);
	z = xcalloc(1, sizeof(*z));
	if (len == 0 || len == TZ_FILE_MAX || !parse_tzif(buf, len, z)) {
		free(buf);
		tz_free(z);
		return NULL;
	}
	free(buf);
	z->name = xstrdup(name);
	return z;
}

const struct tz *
tz_get(const char *name)
{
	struct tz *z;

	if (name == NULL || !name_is_valid(name))
		return NULL;
	pthread_mutex_lock(&tz_lock);
	for (z = tz_list; z != NULL; z = z->next)
		if (strcmp(z->name, name) == 0)
			break;
	if (z == NULL) {
		/* Loading under the lock is fine: each zone loads once per process. */
		z = tz_load(name);
		if (z != NULL) {
			z->next = tz_list;
			tz_list = z;
		}
	}
	pthread_mutex_unlock(&tz_lock);
	return z;
}

const char *
tz_name(const struct tz *z)
{
	return z->name;
}

/* Offset in seconds at UTC second t. */
static int32_t
offset_at(const struct tz *z, int64_t t)
{
	size_t lo = 0, hi = z->n_trans;

	if (z->n_trans == 0)
		return z->has_rule ? rule_offset(&z->rule, t) : z->off[0];
	if (t < z->trans[0])
		return z->off[0]; /* RFC 8536 §3.2: type 0 before the first transition */
	if (t >= z->trans[z->n_trans - 1] && z->has_rule)
		return rule_offset(&z->rule, t);
	/* The last transition at or before t. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->off[z->idx[lo]];
}

int32_t
tz_offset_at(const struct tz *z, int64_t utc_ms)
{
	return offset_at(z, floor_div(utc_ms, 1000));
}

void
tz_to_local(const struct tz *z, int64_t utc_ms, struct tz_civil *out)
{
	int64_t t = floor_div(utc_ms, 1000);
	int64_t local = t + offset_at(z, t);
	int64_t days = floor_div(local, DAY_S);
	int64_t secs = local - days * DAY_S;

	tz_civil_from_days(days, &out->year, &out->month, &out->day);
	out->hour = (int)(secs / 3600);
	out->minute = (int)(secs / 60 % 60);
	out->second = (int)(secs % 60);
	out->wday = (int)(((days + 4) % 7 + 7) % 7);
}

int64_t
tz_from_local(const struct tz *z, int year, int month, int day, int hour, int minute)
{
	int64_t local = days_of(year, month, day) * DAY_S + (int64_t)hour * 3600 + (int64_t)minute * 60;
	/* Every offset is under a day, so the offsets a day either side are the ones in force
	 * before and after any transition that could touch this local time. */
	int32_t before = offset_at(z, local - DAY_S);
	int32_t after = offset_at(z, local + DAY_S);
	int32_t cand[3] = { before, after, offset_at(z, local) };
	int64_t best = INT64_MAX;

	for (int i = 0; i < 3; i++) {
		int64_t t = local - cand[i];
		if (offset_at(z, t) == cand[i] && t < best)
			best = t; /* a repeated time keeps its earlier instant */
	}
	if (best == INT64_MAX)
		best = local - before; /* skipped: read with the old offset, i.e. moved by the gap */
	return best * 1000;
}
