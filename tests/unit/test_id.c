/*
 * test_id.c: resource ids (24 lowercase hex: seconds + random), UUID v4 and Roblox ids.
 */
#include <string.h>

#include "core/id.h"
#include "tap.h"

static bool
all_lower_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void
test_id(void)
{
	char a[ID_LEN + 1], b[ID_LEN + 1];
	bool all_valid = true, all_distinct = true;
	int i;

	id_new(1741944600123, a);
	is_int(strlen(a), ID_LEN, "an id is 24 characters");
	ok(all_lower_hex(a, ID_LEN), "an id is lowercase hex");
	ok(memcmp(a, "67d3f718", 8) == 0, "the first 8 characters are the seconds, big-endian");
	ok(id_is_valid(a), "a new id is valid");
	for (i = 0; i < 1000; i++) {
		id_new(1741944600123, b);
		all_valid &= id_is_valid(b);
		all_distinct &= strcmp(a, b) != 0;
	}
	ok(all_valid, "1000 new ids are valid");
	ok(all_distinct, "ids with the same second still differ");
	id_new(-5, b);
	ok(memcmp(b, "00000000", 8) == 0, "negative time clamps to 0");
	id_new(5000000000000LL, b);
	ok(memcmp(b, "ffffffff", 8) == 0, "time past 2106 clamps, does not wrap");

	ok(id_is_valid("0123456789abcdef01234567"), "a well-formed id");
	ok(!id_is_valid("0123456789ABCDEF01234567"), "uppercase refused");
	ok(!id_is_valid("0123456789abcdef0123456"), "23 characters refused");
	ok(!id_is_valid("0123456789abcdef012345678"), "25 characters refused");
	ok(!id_is_valid("0123456789abcdef0123456g"), "non-hex refused");
	ok(!id_is_valid(""), "empty refused");
	ok(!id_is_valid(NULL), "NULL refused");
}

static void
test_uuid(void)
{
	char u[UUID_LEN + 1], v[UUID_LEN + 1];
	bool shape = true;
	int i;

	for (i = 0; i < 1000; i++) {
		uuid_new(u);
		shape &= strlen(u) == UUID_LEN && u[8] == '-' && u[13] == '-' && u[18] == '-' &&
			 u[23] == '-' && u[14] == '4' && strchr("89ab", u[19]) != NULL &&
			 all_lower_hex(u, 8) && uuid_is_valid(u);
	}
	ok(shape, "1000 new UUIDs are lowercase v4 with the RFC 4122 variant");
	uuid_new(v);
	ok(strcmp(u, v) != 0, "two UUIDs differ");
	ok(uuid_is_valid("123e4567-e89b-42d3-a456-426614174000"), "a v4 UUID");
	ok(!uuid_is_valid("123e4567-e89b-12d3-a456-426614174000"), "v1 refused");
	ok(!uuid_is_valid("123e4567-e89b-42d3-c456-426614174000"), "wrong variant refused");
	ok(!uuid_is_valid("123E4567-E89B-42D3-A456-426614174000"), "uppercase refused");
	ok(!uuid_is_valid("123e4567e89b42d3a456426614174000"), "no hyphens refused");
	ok(!uuid_is_valid("123e4567-e89b-42d3-a456-4266141740001"), "too long refused");
	ok(!uuid_is_valid("123e4567-e89b-42d3-a456-42661417400"), "too short refused");
	ok(!uuid_is_valid(NULL), "NULL refused");
}

static void
test_roblox(void)
{
	ok(roblox_id_is_valid("1"), "1");
	ok(roblox_id_is_valid("1234567890123456789"), "19 digits");
	ok(!roblox_id_is_valid("12345678901234567890"), "20 digits refused");
	ok(!roblox_id_is_valid("0"), "0 refused");
	ok(!roblox_id_is_valid("01"), "leading zero refused");
	ok(!roblox_id_is_valid("-5"), "negative refused");
	ok(!roblox_id_is_valid("1.5"), "fraction refused");
	ok(!roblox_id_is_valid("12a"), "letters refused");
	ok(!roblox_id_is_valid(""), "empty refused");
	ok(!roblox_id_is_valid(NULL), "NULL refused");
}

int
main(void)
{
	test_id();
	test_uuid();
	test_roblox();
	return tap_done();
}
