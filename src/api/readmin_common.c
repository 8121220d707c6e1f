/*
 * readmin_common.c: the shared steps of readmin_int.h, so each ReAdmin file states only its
 * own texts.
 */
#include "api/readmin_int.h"

#include "auth/bucket.h"

enum err
readmin_fail(struct req *r, enum err err, int status, const char *reason)
{
	return fail_readmin(&r->ctx.fail, err, status, reason);
}

enum err
readmin_ignored(struct req *r)
{
	return readmin_fail(r, ERR_PLAYER_IGNORED, 200, "User is GDPR ignored");
}

enum err
readmin_limit(struct req *r, const char *family, int per_minute)
{
	int secs = bucket_take(family, r->ctx.actor.game_key_id, per_minute, r->ctx.now);

	if (secs == 0)
		return ERR_OK;
	readmin_fail(r, ERR_RATE_LIMITED, 429, "Too many requests");
	r->ctx.fail.retry_after = secs;
	return ERR_RATE_LIMITED;
}

enum err
readmin_loader_limit(struct req *r)
{
	return readmin_limit(r, "loader", READMIN_LOADER_PER_MINUTE);
}

enum err
readmin_roblox_fail(struct req *r, enum roblox_result res, int nf_status, const char *not_found)
{
	switch (res) {
	case RBX_OK:
		return ERR_INTERNAL; /* a caller mistake */
	case RBX_NOT_LINKED:
		return readmin_fail(r, ERR_ROBLOX_NOT_LINKED, 400, "Roblox bot not linked.");
	case RBX_KEY_REJECTED:
		/* Roster decision: 400, not 500, so clients do not retry. */
		return readmin_fail(r, ERR_ROBLOX_NOT_LINKED, 400,
				    "Bot is logged out, action has been marked as failed.");
	case RBX_NOT_FOUND:
		if (not_found != NULL)
			return readmin_fail(r, ERR_RESOURCE_NOT_FOUND, nf_status, not_found);
		return readmin_fail(r, ERR_UPSTREAM_REJECTED, 400, "Roblox rejected the request.");
	case RBX_REFUSED:
		return readmin_fail(r, ERR_UPSTREAM_REJECTED, 400, "Roblox rejected the request.");
	case RBX_UNAVAILABLE:
		break;
	}
	readmin_fail(r, ERR_UPSTREAM_UNAVAILABLE, 503, "Roblox API unavailable");
	r->ctx.fail.retry_after = 5;
	return ERR_UPSTREAM_UNAVAILABLE;
}
