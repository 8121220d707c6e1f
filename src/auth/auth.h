/*
 * auth.h: credentials: login sessions (cookie roster_session), prapi_ API keys, CSRF and
 * the actor record every check reads. Secrets are stored only as BLAKE2b-256 and compared
 * in constant time (SECURITY.md §3). SQL here is scoped to one credential or one user.
 */
#ifndef ROSTER_AUTH_H
#define ROSTER_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "auth/secret.h"
#include "model/ctx.h"

#define AUTH_TOKEN_LEN 43 /* base64url of 32 CSPRNG bytes */
#define AUTH_CSRF_LEN 64
#define APIKEY_PREFIX "prapi_"
#define APIKEY_LEN (6 + AUTH_TOKEN_LEN)

/* Loads user, role and held permissions into c->actor. ERR_UNAUTHENTICATED unless active. */
enum err actor_load(struct ctx *c, const char *user_id);

bool auth_token_is_wellformed(const char *t, size_t len);
/* Only [A-Za-z0-9_-], any length. */
bool auth_token_is_base64url(const char *t, size_t len);

/* Cookie mode: validates the token (idle, absolute, user active) and fills c->actor. */
enum err session_authenticate(struct ctx *c, const char *token);
/* Creates a session for c->actor.user_id; token and CSRF token out (NUL-terminated). */
enum err session_create(struct ctx *c, char token[AUTH_TOKEN_LEN + 1], char csrf[AUTH_CSRF_LEN + 1]);
enum err session_revoke_token(struct ctx *c, const char *token);
enum err session_revoke_user(struct ctx *c, const char *user_id, int64_t *n);
/* lastSeenAt, written at most once a minute (the gate calls it after COMMIT). */
enum err session_touch(struct ctx *c);
/* The CSRF token is derived from the session token, so it is bound to it and never stored. */
void session_csrf(const char *token, char out[AUTH_CSRF_LEN + 1]);
/* SEC C01-C03: Fetch-Metadata, Origin, then the token in constant time. */
bool csrf_check(const struct ctx *c, const char *sec_fetch_site, const char *origin,
		const char *header_token, const char *request_origin);

bool apikey_is_wellformed(const char *s);
/* Key mode: hash lookup, revocation, expiry, linked user active; fills c->actor. */
enum err apikey_authenticate(struct ctx *c, const char *secret);
/* Empty list allows every address. */
bool apikey_ip_allowed(const char *allowlist, const char *ip);
/* lastUsedAt / lastUsedIp, at most once a minute. */
enum err apikey_touch(struct ctx *c);

/* Password hashing slots: at most --threads concurrent argon2id runs (SEC S11). */
void pwslots_init(int n);
bool pwslots_acquire(void);
void pwslots_release(void);
/* Hashes a new password in a free slot; ERR_BUSY with Retry-After 1 when none is free. */
enum err pw_hash_bounded(struct fail *f, const char *pw, char out[SECRET_PW_MAX]);
/* A verify of the dummy hash for unknown users, so timing matches (SEC S09). */
void pw_dummy_verify(const char *pw, size_t len);
enum err pw_dummy_init(void);

/* Login throttles in the database (platform.md §3). */
enum err throttle_check(struct ctx *c, const char *username_key, const char *ip, int *retry_after,
			int *limiter);
enum err throttle_record(struct ctx *c, const char *username_key, const char *ip, bool failed);
enum err throttle_clear_user(struct ctx *c, const char *username_key);

#endif
