/*
 * throttle.c: login throttles kept in the database so every node sees them (platform.md §3):
 * per username 10 failures, per address 30 failures and 120 attempts, over a sliding
 * 15-minute window. Sliding windows delay an owner; they never lock one out.
 */
#include "auth/auth.h"

#include "core/limits.h"
#include "core/metrics.h"

static const char SQL_COUNT[] =
	"SELECT COUNT(*), MIN(at) FROM login_attempts"
	" WHERE kind = ? AND subject = ? AND at > ? AND failed >= ?";
static const char SQL_INSERT[] =
	"INSERT INTO login_attempts (id, kind, subject, at, failed) VALUES (?, ?, ?, ?, ?)";
static const char SQL_CLEAR[] =
	"DELETE FROM login_attempts WHERE kind = 'user' AND subject = ? AND failed = 1";

/* Counts attempts (failed_only) of a subject; sets *retry when at or over the limit. */
static enum err
throttle_count(struct ctx *c, const char *kind, const char *subject, bool failed_only,
	       int64_t limit, int *retry, bool *over)
{
	const int64_t since = c->now - LIMIT_THROTTLE_WINDOW_MS;
	const struct val args[] = { V_TEXT(kind), V_TEXT(subject), V_INT(since),
				    V_INT(failed_only ? 1 : 0) };
	struct rows rows;
	enum err err;

	*over = false;
	err = store_query(c->store, c->arena, SQL_COUNT, args, 4, &rows);
	if (err)
		return err;
	if (rows_int(&rows, 0, 0) < limit)
		return ERR_OK;
	/* Retry-After: until the oldest counted attempt leaves the window. */
	int64_t left = rows_int(&rows, 0, 1) + LIMIT_THROTTLE_WINDOW_MS - c->now;
	int secs = (int)((left + 999) / 1000);
	*retry = secs < 1 ? 1 : secs;
	*over = true;
	return ERR_OK;
}

enum err
throttle_check(struct ctx *c, const char *username_key, const char *ip, int *retry_after,
	       int *limiter)
{
	bool over;
	enum err err;

	err = throttle_count(c, "user", username_key, true, LIMIT_LOGIN_USER_FAILURES, retry_after,
			     &over);
	if (err || over) {
		*limiter = LIM_LOGIN_USER;
		return err ? err : ERR_RATE_LIMITED;
	}
	err = throttle_count(c, "ip", ip, true, LIMIT_LOGIN_IP_FAILURES, retry_after, &over);
	if (!err && !over)
		err = throttle_count(c, "ip", ip, false, LIMIT_LOGIN_IP_ATTEMPTS, retry_after, &over);
	*limiter = LIM_LOGIN_IP;
	return err ? err : over ? ERR_RATE_LIMITED : ERR_OK;
}

enum err
throttle_record(struct ctx *c, const char *username_key, const char *ip, bool failed)
{
	char id1[ID_LEN + 1], id2[ID_LEN + 1];
	enum err err;

	id_new(c->now, id1);
	id_new(c->now, id2);
	if (failed) {
		const struct val a1[] = { V_TEXT(id1), V_TEXT("user"), V_TEXT(username_key),
					  V_INT(c->now), V_INT(1) };
		err = store_exec(c->store, SQL_INSERT, a1, 5, NULL);
		if (err)
			return err;
	}
	const struct val a2[] = { V_TEXT(id2), V_TEXT("ip"), V_TEXT(ip), V_INT(c->now),
				  V_INT(failed ? 1 : 0) };
	return store_exec(c->store, SQL_INSERT, a2, 5, NULL);
}

enum err
throttle_clear_user(struct ctx *c, const char *username_key)
{
	const struct val args[] = { V_TEXT(username_key) };
	return store_exec(c->store, SQL_CLEAR, args, 1, NULL);
}
