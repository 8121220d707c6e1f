/*
 * test_rfc3339.c: timestamps on the wire (platform.md §1, SECURITY.md Q05) and the clock seam
 * they are usually fed from: format is always UTC with ms and Z; parse takes Z or an offset,
 * real calendar dates and years 1970-9999 after normalising to UTC.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/rfc3339.h"
#include "tap.h"

static const char *
fmt(int64_t ms, char out[RFC3339_LEN + 1])
{
	rfc3339_format(ms, out);
	return out;
}

/* Parses s and returns the epoch ms, or -1 when refused. */
static int64_t
parse(const char *s)
{
	int64_t ms = -42;

	return rfc3339_parse(s, &ms) ? ms : -1;
}

static void
test_format(void)
{
	char out[RFC3339_LEN + 1];

	is_str(fmt(0, out), "1970-01-01T00:00:00.000Z", "epoch");
	is_str(fmt(1741944600000, out), "2025-03-14T09:30:00.000Z", "the spec's example");
	is_str(fmt(1709251199999, out), "2024-02-29T23:59:59.999Z", "leap day with ms");
	is_str(fmt(253402300799999, out), "9999-12-31T23:59:59.999Z", "the last representable");
	is_str(fmt(INT64_MAX, out), "9999-12-31T23:59:59.999Z", "too late clamps, stays well-formed");
	is_str(fmt(-1, out), "1969-12-31T23:59:59.999Z", "before 1970 floors the ms");
	is_int(strlen(fmt(4294967295000, out)), RFC3339_LEN, "always RFC3339_LEN characters");
}

static void
test_parse(void)
{
	is_int(parse("2025-03-14T09:30:00Z"), 1741944600000, "Z without fraction");
	is_int(parse("2025-03-14T09:30:00.000Z"), 1741944600000, "Z with ms");
	is_int(parse("2025-03-14T09:30:00.5Z"), 1741944600500, "one fraction digit");
	is_int(parse("2025-03-14T09:30:00.123456789Z"), 1741944600123, "nine digits, floored");
	is_int(parse("2025-03-14T11:30:00+02:00"), 1741944600000, "positive offset");
	is_int(parse("2025-03-14T04:00:00-05:30"), 1741944600000, "negative offset with minutes");
	is_int(parse("2025-03-14T09:30:00-00:00"), 1741944600000, "-00:00");
	is_int(parse("2024-02-29T23:59:59.999Z"), 1709251199999, "leap day");
	is_int(parse("2000-02-29T00:00:00Z"), 951782400000, "2000 is a leap year");
	is_int(parse("1970-01-01T00:00:00Z"), 0, "the first accepted instant");
	is_int(parse("1969-12-31T23:00:00-02:00"), 3600000, "1969 local that is 1970 in UTC");
	is_int(parse("9999-12-31T23:59:59.999Z"), 253402300799999, "the last accepted instant");
	is_int(parse("1969-12-31T23:59:59Z"), -1, "year 1969 refused");
	is_int(parse("1970-01-01T00:30:00+01:00"), -1, "1970 local that is 1969 in UTC refused");
	is_int(parse("9999-12-31T23:30:00-01:00"), -1, "9999 local that is 10000 in UTC refused");
	is_int(parse("10000-01-01T00:00:00Z"), -1, "five-digit year refused");
	is_int(parse("2024-02-30T00:00:00Z"), -1, "Feb 30 refused");
	is_int(parse("2023-02-29T00:00:00Z"), -1, "Feb 29 of a common year refused");
	is_int(parse("1900-02-29T00:00:00Z"), -1, "1900 is not a leap year");
	is_int(parse("2025-04-31T00:00:00Z"), -1, "Apr 31 refused");
	is_int(parse("2025-13-01T00:00:00Z"), -1, "month 13 refused");
	is_int(parse("2025-00-01T00:00:00Z"), -1, "month 0 refused");
	is_int(parse("2025-01-00T00:00:00Z"), -1, "day 0 refused");
	is_int(parse("2025-01-01T24:00:00Z"), -1, "hour 24 refused");
	is_int(parse("2025-01-01T00:60:00Z"), -1, "minute 60 refused");
	is_int(parse("2025-06-30T23:59:60Z"), -1, "leap second refused");
	is_int(parse("2025-03-14T09:30:00"), -1, "no zone refused");
	is_int(parse("2025-03-14 09:30:00Z"), -1, "space instead of T refused");
	is_int(parse("2025-03-14t09:30:00z"), -1, "lowercase t and z refused");
	is_int(parse("2025-03-14T09:30:00.Z"), -1, "dot without digits refused");
	is_int(parse("2025-03-14T09:30:00.1234567890Z"), -1, "ten fraction digits refused");
	is_int(parse("2025-03-14T09:30:00+0100"), -1, "offset without colon refused");
	is_int(parse("2025-03-14T09:30:00+24:00"), -1, "offset hour 24 refused");
	is_int(parse("2025-03-14T09:30:00+01:60"), -1, "offset minute 60 refused");
	is_int(parse("2025-03-14T09:30:00Z "), -1, "trailing space refused");
	is_int(parse("2025-3-14T09:30:00Z"), -1, "one-digit month refused");
	is_int(parse("+2025-03-14T09:30:00Z"), -1, "leading sign refused");
	is_int(parse("2025-03-14"), -1, "date alone refused");
	is_int(parse(""), -1, "empty refused");
	is_int(parse("２０２５-03-14T09:30:00Z"), -1, "non-ASCII digits refused");
}

static void
test_roundtrip(void)
{
	char out[RFC3339_LEN + 1];
	bool all = true;
	uint64_t x = 1;
	int64_t ms, back;
	int i;

	/* A deterministic spread of instants over the whole accepted range. */
	for (i = 0; i < 20000; i++) {
		x = x * 6364136223846793005u + 1442695040888963407u;
		ms = (int64_t)((x >> 11) % 253402300800000u);
		rfc3339_format(ms, out);
		if (!rfc3339_parse(out, &back) || back != ms) {
			all = false;
			printf("# roundtrip failed at %lld: %s\n", (long long)ms, out);
			break;
		}
	}
	ok(all, "20000 instants survive format then parse");
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static void
test_clock_seam(void)
{
	char path[] = "/tmp/roster_clock_XXXXXX";
	int64_t base, moved, mono1, mono2;
	int fd = mkstemp(path);

	ok(fd >= 0, "temporary clock file created");
	if (fd < 0)
		return;
	close(fd);
	setenv("ROSTER_TEST_CLOCK_FILE", path, 1);
	base = clock_now_ms();
	ok(base > 1700000000000LL, "now is a plausible epoch in ms");
	write_file(path, "86400000\n");
	moved = clock_now_ms();
	ok(moved - base >= 86400000 && moved - base < 86400000 + 60000,
	   "writing +1 day moves the clock by a day");
	write_file(path, "-3600000");
	moved = clock_now_ms();
	ok(base - moved >= 3600000 - 60000 && base - moved <= 3600000 + 60000,
	   "a negative offset moves it back");
	write_file(path, "");
	moved = clock_now_ms();
	ok(moved >= base && moved - base < 60000, "an empty file is offset 0");
	write_file(path, "12abc");
	moved = clock_now_ms();
	ok(moved >= base && moved - base < 60000, "a malformed file is offset 0");
	unlink(path);
	moved = clock_now_ms();
	ok(moved >= base && moved - base < 60000, "a missing file is offset 0");
	unsetenv("ROSTER_TEST_CLOCK_FILE");
	mono1 = clock_mono_ns();
	mono2 = clock_mono_ns();
	ok(mono1 > 0 && mono2 >= mono1, "the monotonic clock does not go back");
}

int
main(void)
{
	test_format();
	test_parse();
	test_roundtrip();
	test_clock_seam();
	return tap_done();
}
