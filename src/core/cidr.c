/*
 * cidr.c: address parsing over inet_pton/inet_ntop; see cidr.h.
 */
#include "core/cidr.h"

#include <arpa/inet.h>
#include <string.h>

#include "core/strconv.h"

static bool
ip_parse(const char *s, struct cidr *c)
{
	uint8_t a6[16];

	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, s, c->addr) == 1) {
		c->v6 = 0;
		c->bits = 32;
		return true;
	}
	if (inet_pton(AF_INET6, s, a6) != 1)
		return false;
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	if (memcmp(a6, mapped, 12) == 0) {
		memcpy(c->addr, a6 + 12, 4);
		c->v6 = 0;
		c->bits = 32;
		return true;
	}
	memcpy(c->addr, a6, 16);
	c->v6 = 1;
	c->bits = 128;
	return true;
}

bool
cidr_parse(const char *s, struct cidr *out)
{
	char host[64];
	const char *slash = strchr(s, '/');
	size_t hlen = slash ? (size_t)(slash - s) : strlen(s);
	int64_t bits;

	if (hlen == 0 || hlen >= sizeof(host))
		return false;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	if (!ip_parse(host, out))
		return false;
	if (slash) {
		int maxbits = out->v6 ? 128 : 32;
		if (!str_to_i64(slash + 1, strlen(slash + 1), 0, maxbits, &bits))
			return false;
		/* "1.2.3.4/08" would be ambiguous; only canonical digits. */
		if (slash[1] == '0' && slash[2] != '\0')
			return false;
		out->bits = (int)bits;
	}
	int nbytes = out->v6 ? 16 : 4;
	for (int i = 0; i < nbytes; i++) {
		int keep = out->bits - i * 8;
		if (keep >= 8)
			continue;
		out->addr[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
	return true;
}

bool
cidr_format(const struct cidr *c, char *out, size_t size)
{
	char a[INET6_ADDRSTRLEN];
	int n;

	if (inet_ntop(c->v6 ? AF_INET6 : AF_INET, c->addr, a, sizeof(a)) == NULL)
		return false;
	if (c->bits == (c->v6 ? 128 : 32))
		n = snprintf(out, size, "%s", a);
	else
		n = snprintf(out, size, "%s/%d", a, c->bits);
	return n > 0 && (size_t)n < size;
}

bool
cidr_contains(const struct cidr *c, const char *ip)
{
	struct cidr x;

	if (!ip_parse(ip, &x) || x.v6 != c->v6)
		return false;
	for (int i = 0, left = c->bits; left > 0; i++, left -= 8) {
		uint8_t mask = left >= 8 ? 0xff : (uint8_t)(0xff << (8 - left));
		if ((x.addr[i] & mask) != c->addr[i])
			return false;
	}
	return true;
}

bool
ip_canonical(const char *ip, char *out, size_t size)
{
	struct cidr c;

	return ip_parse(ip, &c) && cidr_format(&c, out, size);
}
