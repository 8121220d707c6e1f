/*
 * peers.c: a small hash table of address -> open connections, under one mutex. Counting
 * happens when libmicrohttpd reports a connection started or closed, and admission reads the
 * count, so a connection the library fails to set up can never leak a count; concurrent
 * accepts on several workers may overshoot the cap by at most the worker count.
 */
#include "http/peers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "config.h"
#include "core/limits.h"
#include "core/xmalloc.h"

#define PEERS_BUCKETS 4096

struct peer {
	uint8_t addr[16];
	unsigned count;
	struct peer *next;
};

/* The table is the server's only shared state besides metrics and the database. */
static struct peer *peers_table[PEERS_BUCKETS];
static pthread_mutex_t peers_lock = PTHREAD_MUTEX_INITIALIZER;

/* IPv4 and IPv4-mapped IPv6 become the same 16-byte key. */
static bool
peer_key(const struct sockaddr *sa, uint8_t key[16])
{
	memset(key, 0, 16);
	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return true;
	}
	if (sa->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return true;
	}
	return false;
}

static unsigned
peer_hash(const uint8_t key[16])
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (int i = 0; i < 16; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % PEERS_BUCKETS;
}

static bool
peer_trusted(const uint8_t key[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	char text[INET6_ADDRSTRLEN];
	bool v4 = memcmp(key, mapped, 12) == 0;

	if (cfg.n_trusted_proxies == 0 ||
	    inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? key + 12 : key, text, sizeof(text)) == NULL)
		return false;
	for (int i = 0; i < cfg.n_trusted_proxies; i++)
		if (cidr_contains(&cfg.trusted_proxies[i], text))
			return true;
	return false;
}

bool
peers_admit(const struct sockaddr *sa)
{
	uint8_t key[16];
	unsigned count = 0;

	if (!peer_key(sa, key))
		return true; /* not an IP socket: nothing to count */
	if (peer_trusted(key))
		return true;
	pthread_mutex_lock(&peers_lock);
	for (struct peer *p = peers_table[peer_hash(key)]; p; p = p->next)
		if (memcmp(p->addr, key, 16) == 0)
			count = p->count;
	pthread_mutex_unlock(&peers_lock);
	return count < LIMIT_CONNECTIONS_PER_IP;
}

void
peers_opened(const struct sockaddr *sa)
{
	uint8_t key[16];
	struct peer **slot, *p;

	if (!peer_key(sa, key))
		return;
	pthread_mutex_lock(&peers_lock);
	slot = &peers_table[peer_hash(key)];
	for (p = *slot; p && memcmp(p->addr, key, 16) != 0; p = p->next)
		;
	if (p == NULL) {
		p = xcalloc(1, sizeof(*p));
		memcpy(p->addr, key, 16);
		p->next = *slot;
		*slot = p;
	}
	p->count++;
	pthread_mutex_unlock(&peers_lock);
}

void
peers_closed(const struct sockaddr *sa)
{
	uint8_t key[16];
	struct peer **pp, *p;

	if (!peer_key(sa, key))
		return;
	pthread_mutex_lock(&peers_lock);
	for (pp = &peers_table[peer_hash(key)]; (p = *pp) != NULL; pp = &p->next) {
		if (memcmp(p->addr, key, 16) != 0)
			continue;
		if (--p->count == 0) {
			*pp = p->next;
			free(p);
		}
		break;
	}
	pthread_mutex_unlock(&peers_lock);
}
