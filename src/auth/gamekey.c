/*
 * gamekey.c: ranking and loader key formats and lookup; see gamekey.h. Every statement names
 * the key by its hash or id; the workspace comes from the key row, never from the request.
 */
#include "auth/gamekey.h"

#include <stdio.h>
#include <string.h>

#include "auth/secret.h"
#include "core/metrics.h"

static const char SQL_RANKKEY_GET[] =
	"SELECT id, workspace_id, ranking_enabled, enable_shouting, enable_join_requests,"
	" enable_exile, allowed_ranks, last_used_at, secret_hash FROM ranking_keys"
	" WHERE secret_hash = ? AND revoked_at IS NULL";
static const char SQL_LOADERKEY_GET[] =
	"SELECT id, workspace_id, last_used_at, secret_hash FROM loader_keys"
	" WHERE secret_hash = ? AND revoked_at IS NULL";
static const char SQL_RANKKEY_TOUCH[] = "UPDATE ranking_keys SET last_used_at = ? WHERE id = ?";
static const char SQL_LOADERKEY_TOUCH[] = "UPDATE loader_keys SET last_used_at = ? WHERE id = ?";

static const char *
kind_prefix(enum gamekey_kind k, size_t *hex)
{
	*hex = k == GAMEKEY_LOADER ? LOADERKEY_HEX : RANKKEY_HEX;
	return k == GAMEKEY_LOADER ? LOADERKEY_PREFIX : RANKKEY_PREFIX;
}

void
gamekey_secret_new(enum gamekey_kind k, char out[GAMEKEY_SECRET_MAX])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char raw[RANKKEY_HEX / 2];
	size_t hex;
	const char *prefix = kind_prefix(k, &hex);
	size_t plen = strlen(prefix);

	secret_random(raw, hex / 2);
	memcpy(out, prefix, plen);
	for (size_t i = 0; i < hex / 2; i++) {
		out[plen + 2 * i] = digits[raw[i] >> 4];
		out[plen + 2 * i + 1] = digits[raw[i] & 15];
	}
	out[plen + hex] = '\0';
	secret_wipe(raw, sizeof(raw));
}

void
gamekey_display_prefix(const char *secret, char *out, size_t size)
{
	const char *eq = strchr(secret, '=');
	int n = eq ? (int)(eq - secret) + 1 + 6 : 0;

	snprintf(out, size, "%.*s", n, secret);
}

bool
gamekey_is_wellformed(enum gamekey_kind k, const char *s)
{
	size_t hex;
	const char *prefix = kind_prefix(k, &hex);
	size_t plen = strlen(prefix);

	if (strlen(s) != plen + hex || strncmp(s, prefix, plen) != 0)
		return false;
	return strspn(s + plen, "0123456789abcdef") == hex;
}

void
gamekey_hash(const char *secret, char out[65])
{
	secret_hash_hex(secret, strlen(secret), out);
}

enum err
gamekey_authenticate(struct ctx *c, enum gamekey_kind k, const char *secret)
{
	char hash[SECRET_HASH_HEX + 1];
	struct actor *a = &c->actor;
	struct rows rows;
	enum err err;
	bool ranking = k == GAMEKEY_RANKING;

	gamekey_hash(secret, hash);
	const struct val args[] = { V_TEXT(hash) };
	err = store_query(c->store, c->arena, ranking ? SQL_RANKKEY_GET : SQL_LOADERKEY_GET, args,
			  1, &rows);
	if (err)
		return err;
	size_t hcol = ranking ? 8 : 3;
	if (rows.n == 0 ||
	    !secret_equal(hash, SECRET_HASH_HEX, rows_text(&rows, 0, hcol), SECRET_HASH_HEX))
		return ERR_UNAUTHENTICATED;
	a->type = ranking ? ACTOR_RANKING_KEY : ACTOR_LOADER_KEY;
	snprintf(a->game_key_id, sizeof(a->game_key_id), "%s", rows_text(&rows, 0, 0));
	snprintf(a->workspace_id, sizeof(a->workspace_id), "%s", rows_text(&rows, 0, 1));
	if (ranking) {
		a->ranking_enabled = rows_int(&rows, 0, 2) != 0;
		a->enable_shouting = rows_int(&rows, 0, 3) != 0;
		a->enable_join_requests = rows_int(&rows, 0, 4) != 0;
		a->enable_exile = rows_int(&rows, 0, 5) != 0;
		a->allowed_ranks = rows_text(&rows, 0, 6);
		a->game_key_last_used_at = rows_int(&rows, 0, 7);
	} else {
		a->game_key_last_used_at = rows_int(&rows, 0, 2);
	}
	return ERR_OK;
}

enum err
gamekey_touch(struct ctx *c)
{
	const struct val args[] = { V_INT(c->now), V_TEXT(c->actor.game_key_id) };
	return store_exec(c->store,
			  c->actor.type == ACTOR_RANKING_KEY ? SQL_RANKKEY_TOUCH : SQL_LOADERKEY_TOUCH,
			  args, 2, NULL);
}
