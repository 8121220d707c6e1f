/*
 * sessions_cache.h: serialised answers of GET /sessions/upcoming (readmin-compat.md §3.4 #15)
 * kept in memory per workspace, exact rather than "a minute stale" (docs/sessions.md,
 * "Upcoming cache"). An entry is used only when
 *   - the workspace's data version in the database (sessions_versions, bumped by triggers in
 *     the transaction of every write the answer depends on) equals the entry's, read in the
 *     request's own transaction, so several nodes on one database never serve a stale answer;
 *   - now lies in [from, until): the interval over which the answer is known not to change
 *     with time (sess_list_upcoming).
 * Bounded: SESS_CACHE_SLOTS workspaces, SESS_CACHE_BYTES in all, entries over
 * SESS_CACHE_ENTRY_MAX are not kept; the least recently used entry goes first. Thread-safe:
 * one mutex guards the table for a few pointer moves; answers are built, copied and freed
 * outside it (entries are reference counted).
 * Includers: api/readmin_sessions.c, tests/unit/test_sessions_cache.c.
 */
#ifndef ROSTER_SESSIONS_CACHE_H
#define ROSTER_SESSIONS_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/ctx.h"

#define SESS_CACHE_SLOTS 256
#define SESS_CACHE_BYTES (64u * 1024 * 1024)
#define SESS_CACHE_ENTRY_MAX (2u * 1024 * 1024)

/* The version of ws's sessions data (0 when it was never written): one primary-key read. */
enum err sess_data_version(struct ctx *c, const char *ws_id, int64_t *version);

struct sess_cache_entry;

/*
 * The entry of ws_id when it was built at version and now lies in its [from, until); NULL
 * otherwise. A returned entry stays valid until sess_cache_release, whatever happens to the
 * table meanwhile.
 */
const struct sess_cache_entry *sess_cache_get(const char *ws_id, int64_t version, int64_t now);
/* The answer bytes (NUL-terminated) and their length. */
const char *sess_cache_bytes(const struct sess_cache_entry *e, size_t *len);
void sess_cache_release(const struct sess_cache_entry *e);
/*
 * Keeps a copy of bytes[0..len) for ws_id at version, valid for now in [from, until);
 * replaces the workspace's previous entry. Too large an answer is not kept (false).
 */
bool sess_cache_put(const char *ws_id, int64_t version, int64_t from, int64_t until,
		    const char *bytes, size_t len);
/* Drops every entry (tests). */
void sess_cache_clear(void);
/* Entries held and their bytes (tests, metrics). */
void sess_cache_usage(size_t *entries, size_t *bytes);

#endif
