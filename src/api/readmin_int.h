/*
 * readmin_int.h: steps every ReAdmin-compatible route shares (readmin-compat.md §1.2, §1.6,
 * §1.8), private to src/api/readmin_*.c.
 */
#ifndef ROSTER_READMIN_INT_H
#define ROSTER_READMIN_INT_H

#include "http/req.h"
#include "roblox/roblox.h"

/* A ReAdmin answer: status and byte-exact reason. */
enum err readmin_fail(struct req *r, enum err err, int status, const char *reason);
#define READMIN_LOADER_PER_MINUTE 600 /* §1.6 */

/* §1.6: a per-node token bucket of per_minute for the request's key; 429 with Retry-After. */
enum err readmin_limit(struct req *r, const char *family, int per_minute);
/* §1.6: the loader key's one bucket over all its loader routes; a route's `limit` hook. */
enum err readmin_loader_limit(struct req *r);
/* §4.5: the answer for an ignored player, HTTP 200 `User is GDPR ignored`; nothing is stored. */
enum err readmin_ignored(struct req *r);
/*
 * §1.8's outcome table. not_found is the text a Roblox 404 means for this call, answered with
 * nf_status; NULL makes a 404 a refusal like any other 4xx.
 */
enum err readmin_roblox_fail(struct req *r, enum roblox_result res, int nf_status,
			     const char *not_found);

/*
 * The members of W (§2) into the object that is open: one writer for every route that
 * answers a workspace (#10, createServer, getServer). staff: the trackedStaff ids.
 */
struct workspace;
void readmin_write_w(struct jw *w, const struct workspace *ws, const char *const *staff,
		     size_t n_staff);

#endif
