/*
 * limits.h: every limit in one place, each with its reason and the spec's value.
 */
#ifndef ROSTER_LIMITS_H
#define ROSTER_LIMITS_H

/* platform.md §1: request body on the /api/ surface (--body-limit default). */
#define LIMIT_BODY_API (1024 * 1024)
/* SECURITY.md §2: ReAdmin-compatible routes (--readmin-body-limit default). */
#define LIMIT_BODY_READMIN (4 * 1024 * 1024)
/* SECURITY.md §2: request line + headers; libmicrohttpd answers 414/431 past it. */
#define LIMIT_HEADER_BYTES (32 * 1024)
/* platform.md §1: default connection cap and per-address cap. */
#define LIMIT_CONNECTIONS 1024
#define LIMIT_CONNECTIONS_PER_IP 64
/* platform.md §1: inactivity timeout, seconds. */
#define LIMIT_IDLE_SECONDS 30
/* SECURITY.md §5: query parameters per request. */
#define LIMIT_QUERY_PARAMS 50
/* SECURITY.md §5: JSON nesting depth; jansson's own 2048 is only the backstop. */
#define LIMIT_JSON_DEPTH 32
/* SECURITY.md J11: object members in one body; the largest real body has a few hundred. */
#define LIMIT_JSON_MEMBERS 10000
/*
 * The same on the ReAdmin surface, whose 4 MiB bodies carry up to 20,000 tracker events of a
 * dozen members each (readmin-compat.md #35, #36); 4 MiB holds at most ~500,000 members of
 * any kind, and parsing this many costs tens of ms, bounded by the key's rate limit.
 */
#define LIMIT_READMIN_JSON_MEMBERS 262144
/* SECURITY.md §5: items per array unless a field states less. */
#define LIMIT_JSON_ARRAY 1000
/* SECURITY.md §5: free text in code points unless a field states another limit. */
#define LIMIT_TEXT 2000
/* Largest response body we render; every list is paged, so 8 MiB is generous. */
#define LIMIT_RESPONSE (8 * 1024 * 1024)
/* Error details are small objects or short id lists. */
#define LIMIT_DETAILS (64 * 1024)
/* One log line; longer lines are cut at a field boundary by the logger. */
#define LIMIT_LOG_LINE 8192
/* platform.md §1: paging. */
#define LIMIT_PAGE_MAX 10000
#define LIMIT_PAGE_SIZE_MAX 100
#define LIMIT_PAGE_SIZE_DEFAULT 20
/* platform.md §3: sessions, 30 min idle and 12 h absolute; lastSeenAt written once a minute. */
#define LIMIT_SESSION_IDLE_MS (30LL * 60 * 1000)
#define LIMIT_SESSION_ABSOLUTE_MS (12LL * 3600 * 1000)
#define LIMIT_TOUCH_INTERVAL_MS (60LL * 1000)
/* platform.md §3: login throttles over a 15-minute sliding window. */
#define LIMIT_THROTTLE_WINDOW_MS (15LL * 60 * 1000)
#define LIMIT_LOGIN_USER_FAILURES 10
#define LIMIT_LOGIN_IP_FAILURES 30
#define LIMIT_LOGIN_IP_ATTEMPTS 120
/* platform.md §4: keys. */
#define LIMIT_KEYS_PER_USER 50
#define LIMIT_KEY_CREATES_PER_HOUR 20
#define LIMIT_KEY_SCOPES 7
#define LIMIT_KEY_IPS 32
#define LIMIT_KEY_MAX_DAYS 730
/* SECURITY.md §3: ReAdmin key header values longer than this are unknown without a lookup. */
#define LIMIT_GAME_KEY_BYTES 512
/* platform.md §1: passwords 8-256 code points, at most 1024 bytes. */
#define LIMIT_PASSWORD_MIN 8
#define LIMIT_PASSWORD_MAX 256
#define LIMIT_PASSWORD_BYTES 1024
/* platform.md §10: SIGTERM drain. */
#define LIMIT_DRAIN_SECONDS 10

#endif
