/*
 * id.c: resource identifiers (see id.h). Random bytes come straight from getrandom(2), which
 * blocks only until the kernel pool is first seeded; a failure aborts, because an id from a
 * weak source would be guessable.
 */
#include "core/id.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static void
id_random(unsigned char *p, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = getrandom(p + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "roster: getrandom failed: %s\n", strerror(errno));
			abort();
		}
		got += (size_t)r;
	}
}

static void
hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 0xF];
	}
}

void
id_new(int64_t now_ms, char out[ID_LEN + 1])
{
	unsigned char raw[12];
	int64_t secs = now_ms / 1000;

	/* Four bytes of seconds last until 2106; clamp rather than wrap so order is kept. */
	if (secs < 0)
		secs = 0;
	if (secs > (int64_t)UINT32_MAX)
		secs = (int64_t)UINT32_MAX;
	raw[0] = (unsigned char)(secs >> 24);
	raw[1] = (unsigned char)(secs >> 16);
	raw[2] = (unsigned char)(secs >> 8);
	raw[3] = (unsigned char)secs;
	id_random(raw + 4, 8);
	hex_encode(raw, sizeof(raw), out);
	out[ID_LEN] = '\0';
}

void
uuid_new(char out[UUID_LEN + 1])
{
	unsigned char raw[16];
	char hex[32];
	size_t i, o = 0;

	id_random(raw, sizeof(raw));
	raw[6] = (unsigned char)((raw[6] & 0x0F) | 0x40); /* version 4 */
	raw[8] = (unsigned char)((raw[8] & 0x3F) | 0x80); /* RFC 4122 variant */
	hex_encode(raw, sizeof(raw), hex);
	for (i = 0; i < 32; i++) {
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = hex[i];
	}
	out[UUID_LEN] = '\0';
}

static bool
is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool
id_is_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < ID_LEN; i++)
		if (!is_lower_hex(s[i]))
			return false; /* also stops at a NUL before ID_LEN */
	return s[ID_LEN] == '\0';
}

bool
uuid_is_valid(const char *s)
{
	size_t i;

	if (s == NULL)
		return false;
	for (i = 0; i < UUID_LEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!is_lower_hex(s[i])) {
			return false;
		}
	}
	/* platform.md §1: version 4 with the RFC 4122 variant, lowercase only. */
	if (s[14] != '4' || (s[19] != '8' && s[19] != '9' && s[19] != 'a' && s[19] != 'b'))
		return false;
	return s[UUID_LEN] == '\0';
}

bool
roblox_id_is_valid(const char *s)
{
	size_t i;

	if (s == NULL || s[0] < '1' || s[0] > '9')
		return false;
	for (i = 1; s[i] != '\0'; i++)
		if (i >= 19 || s[i] < '0' || s[i] > '9')
			return false;
	return true;
}
