/*
 * peers.h: open connections per client address (SEC L06): 64 each, so one address cannot
 * fill the connection table. A --trusted-proxy address is exempt, since every client behind
 * it shares it.
 */
#ifndef ROSTER_PEERS_H
#define ROSTER_PEERS_H

#include <stdbool.h>
#include <sys/socket.h>

/* Whether a new connection from sa may be accepted now. */
bool peers_admit(const struct sockaddr *sa);
void peers_opened(const struct sockaddr *sa);
void peers_closed(const struct sockaddr *sa);

#endif
