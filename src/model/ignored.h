/*
 * ignored.h: the platform-wide set of ignored Roblox players (readmin-compat.md §4.5). Routes
 * that would process one answer 200 `User is GDPR ignored` instead; the caller audits adds.
 */
#ifndef ROSTER_MODEL_IGNORED_H
#define ROSTER_MODEL_IGNORED_H

#include <stdbool.h>

#include "model/ctx.h"

#define IGNORED_REASON_ERASURE "erasure"
#define IGNORED_REASON_OPERATOR "operator"

/* *ignored: roblox_user_id is in the set. */
enum err ignored_find(struct ctx *c, const char *roblox_user_id, bool *ignored);
/* Adds roblox_user_id with reason (IGNORED_REASON_*); *added is false when it was already in. */
enum err ignored_add(struct ctx *c, const char *roblox_user_id, const char *reason, bool *added);

#endif
