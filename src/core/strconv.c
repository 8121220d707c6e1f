/*
 * strconv.c: integer parsing with every check done here (see strconv.h). No strtol: its
 * acceptance of signs, spaces and 0x is what this module exists to refuse, and overflow is
 * caught digit by digit instead of through errno.
 */
#include "core/strconv.h"

#include <string.h>

bool
str_to_i64(const char *s, size_t len, int64_t min, int64_t max, int64_t *out)
{
	int64_t v = 0;
	size_t i;
	int d;

	if (s == NULL || len == 0)
		return false;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		d = s[i] - '0';
		if (v > (INT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool
str_to_size(const char *s, size_t *out)
{
	static const struct {
		const char *suffix;
		size_t mult;
	} units[] = {
		{ "", 1 },
		{ "k", (size_t)1 << 10 },
		{ "K", (size_t)1 << 10 },
		{ "KiB", (size_t)1 << 10 },
		{ "M", (size_t)1 << 20 },
		{ "MiB", (size_t)1 << 20 },
		{ "G", (size_t)1 << 30 },
		{ "GiB", (size_t)1 << 30 },
	};
	size_t v = 0, i, u;
	int d;

	if (s == NULL)
		return false;
	for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
		d = s[i] - '0';
		if (v > (SIZE_MAX - (size_t)d) / 10)
			return false;
		v = v * 10 + (size_t)d;
	}
	if (i == 0)
		return false;
	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		if (strcmp(s + i, units[u].suffix) != 0)
			continue;
		if (v > SIZE_MAX / units[u].mult)
			return false;
		*out = v * units[u].mult;
		return true;
	}
	return false;
}
