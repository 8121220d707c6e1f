/*
 * apikey.c: prapi_ API key authentication (SECURITY.md §3). A key is looked up by the
 * BLAKE2b-256 of the presented secret; nothing is cached, so revocation and expiry apply to
 * the next request.
 */
#include "auth/auth.h"

#include <stdio.h>
#include <string.h>

#include "auth/perm.h"
#include "auth/secret.h"
#include "core/cidr.h"
#include "core/metrics.h"

static const char SQL_KEY_GET[] =
	"SELECT id, user_id, scopes, expires_at, revoked_at, ip_allowlist, last_used_at,"
	" secret_hash FROM api_keys WHERE secret_hash = ?";
static const char SQL_KEY_TOUCH[] =
	"UPDATE api_keys SET last_used_at = ?, last_used_ip = ? WHERE id = ?";

bool
apikey_is_wellformed(const char *s)
{
	size_t len = strlen(s);

	return len == APIKEY_LEN && strncmp(s, APIKEY_PREFIX, 6) == 0 &&
	       auth_token_is_wellformed(s + 6, len - 6);
}

static unsigned
scopes_parse(const char *list)
{
	unsigned bits = 0;
	char name[32];

	while (list && *list) {
		size_t l = strcspn(list, " ");
		if (l > 0 && l < sizeof(name)) {
			memcpy(name, list, l);
			name[l] = '\0';
			bits |= scope_lookup(name);
		}
		list += l;
		list += strspn(list, " ");
	}
	return bits;
}

enum err
apikey_authenticate(struct ctx *c, const char *secret)
{
	char hash[SECRET_HASH_HEX + 1];
	struct rows rows;
	enum err err;

	secret_hash_hex(secret, strlen(secret), hash);
	const struct val args[] = { V_TEXT(hash) };
	err = store_query(c->store, c->arena, SQL_KEY_GET, args, 1, &rows);
	if (err)
		return err;
	if (rows.n == 0 || !secret_equal(hash, SECRET_HASH_HEX, rows_text(&rows, 0, 7),
					 strlen(rows_text(&rows, 0, 7)))) {
		metrics_keycheck(KC_UNKNOWN);
		return ERR_UNAUTHENTICATED;
	}
	if (!rows_null(&rows, 0, 4)) {
		metrics_keycheck(KC_REVOKED);
		return ERR_UNAUTHENTICATED;
	}
	int64_t expires = rows_int(&rows, 0, 3);
	if (expires != 0 && expires <= c->now) {
		metrics_keycheck(KC_EXPIRED);
		return ERR_UNAUTHENTICATED;
	}
	/* An orphaned key (linked user removed) answers exactly like an unknown one. */
	err = actor_load(c, rows_text(&rows, 0, 1));
	if (err) {
		metrics_keycheck(KC_UNKNOWN);
		return err;
	}
	c->actor.mode = AUTHM_KEY;
	snprintf(c->actor.key_id, sizeof(c->actor.key_id), "%s", rows_text(&rows, 0, 0));
	c->actor.scopes = scopes_parse(rows_text(&rows, 0, 2));
	c->actor.key_expires_at = expires;
	c->actor.key_allowlist = rows_text(&rows, 0, 5);
	c->actor.key_last_used_at = rows_int(&rows, 0, 6);
	return ERR_OK;
}

bool
apikey_ip_allowed(const char *allowlist, const char *ip)
{
	char item[64];
	struct cidr cidr;

	if (allowlist == NULL || *allowlist == '\0')
		return true;
	while (*allowlist) {
		size_t l = strcspn(allowlist, " ");
		if (l > 0 && l < sizeof(item)) {
			memcpy(item, allowlist, l);
			item[l] = '\0';
			if (cidr_parse(item, &cidr) && cidr_contains(&cidr, ip))
				return true;
		}
		allowlist += l;
		allowlist += strspn(allowlist, " ");
	}
	return false;
}

enum err
apikey_touch(struct ctx *c)
{
	const struct val args[] = { V_INT(c->now), V_TEXT(c->ip), V_TEXT(c->actor.key_id) };
	return store_exec(c->store, SQL_KEY_TOUCH, args, 3, NULL);
}
