/*
 * cidr.h: IPv4/IPv6 addresses and prefixes for key allow-lists and --trusted-proxy.
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are treated as IPv4.
 */
#ifndef ROSTER_CIDR_H
#define ROSTER_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cidr {
	int v6; /* 0: IPv4 (addr[0..3]), 1: IPv6 */
	uint8_t addr[16];
	int bits;
};

/* "a.b.c.d", "a.b.c.d/n", IPv6 with optional /n. Host bits are cleared. */
bool cidr_parse(const char *s, struct cidr *out);
/* Canonical text: "10.0.0.0/8", or the bare address for a full-length prefix. */
bool cidr_format(const struct cidr *c, char *out, size_t size);
/* The address text ip lies inside c. */
bool cidr_contains(const struct cidr *c, const char *ip);
/* Canonical form of an address (for logs and lastUsedIp); false when not an address. */
bool ip_canonical(const char *ip, char *out, size_t size);

#endif
