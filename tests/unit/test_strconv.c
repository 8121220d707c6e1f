/*
 * test_strconv.c: integer parsing accepts plain digits only and checks every overflow.
 */
#include <stdint.h>
#include <string.h>

#include "core/strconv.h"
#include "tap.h"

/* Parses a whole C string in [0, INT64_MAX]; -1 when refused. */
static int64_t
i64(const char *s)
{
	int64_t v = -42;

	return str_to_i64(s, strlen(s), 0, INT64_MAX, &v) ? v : -1;
}

/* str_to_size of s, or (size_t)-1 when refused. */
static size_t
sz(const char *s)
{
	size_t v = 42;

	return str_to_size(s, &v) ? v : (size_t)-1;
}

static void
test_i64(void)
{
	char digits[1001];
	int64_t v = 0;

	is_int(i64("0"), 0, "0");
	is_int(i64("007"), 7, "leading zeros allowed");
	is_int(i64("9223372036854775807"), INT64_MAX, "INT64_MAX");
	is_int(i64("9223372036854775808"), -1, "INT64_MAX + 1 refused, no wrap");
	is_int(i64("99999999999999999999"), -1, "20 nines refused");
	memset(digits, '9', 1000);
	digits[1000] = '\0';
	is_int(i64(digits), -1, "1000 digits refused");
	is_int(i64(""), -1, "empty refused");
	is_int(i64("-1"), -1, "minus refused");
	is_int(i64("+1"), -1, "plus refused");
	is_int(i64(" 1"), -1, "leading space refused");
	is_int(i64("1 "), -1, "trailing space refused");
	is_int(i64("0x10"), -1, "hex refused");
	is_int(i64("1e3"), -1, "exponent refused");
	is_int(i64("1.0"), -1, "fraction refused");
	is_int(i64("\xd9\xa1"), -1, "non-ASCII digit refused");
	ok(str_to_i64("12345", 3, 0, 1000, &v) && v == 123, "only len bytes are read");
	ok(!str_to_i64("1\0" "2", 3, 0, 1000, &v), "an embedded NUL is refused");
	ok(str_to_i64("10000", 5, 1, 10000, &v) && v == 10000, "upper bound inclusive");
	ok(!str_to_i64("10001", 5, 1, 10000, &v), "above max refused");
	ok(!str_to_i64("0", 1, 1, 10000, &v), "below min refused");
	v = 5;
	ok(!str_to_i64("x", 1, 0, 10, &v) && v == 5, "a refused parse leaves *out alone");
	ok(!str_to_i64(NULL, 0, 0, 10, &v), "NULL refused");
}

static void
test_size(void)
{
	is_int(sz("4096"), 4096, "plain bytes");
	is_int(sz("0"), 0, "zero");
	is_int(sz("1KiB"), 1024, "KiB");
	is_int(sz("1MiB"), 1048576, "MiB");
	is_int(sz("2GiB"), 2147483648LL, "GiB");
	is_int(sz("4k"), 4096, "k");
	is_int(sz("4K"), 4096, "K");
	is_int(sz("8M"), 8388608, "M");
	is_int(sz("1G"), 1073741824, "G");
	ok(sz("18446744073709551615") == SIZE_MAX, "SIZE_MAX");
	ok(sz("18446744073709551616") == (size_t)-1, "SIZE_MAX + 1 refused");
	ok(sz("17179869184GiB") == (size_t)-1, "multiplier overflow refused");
	ok(sz("") == (size_t)-1, "empty refused");
	ok(sz("MiB") == (size_t)-1, "suffix alone refused");
	ok(sz("1 MiB") == (size_t)-1, "space before suffix refused");
	ok(sz("1mib") == (size_t)-1, "lowercase mib refused");
	ok(sz("1TiB") == (size_t)-1, "unknown suffix refused");
	ok(sz("1MiBx") == (size_t)-1, "trailing junk refused");
	ok(sz("-1") == (size_t)-1, "negative refused");
	ok(sz("1.5M") == (size_t)-1, "fraction refused");
}

int
main(void)
{
	test_i64();
	test_size();
	return tap_done();
}
