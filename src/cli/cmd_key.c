/*
 * cmd_key.c: `roster key create | list | revoke` (platform.md §10), for operators; keys made
 * here have createdBy null and may be linked to any user.
 */
#include <stdio.h>
#include <string.h>

#include "auth/perm.h"
#include "cli/cli.h"
#include "core/cidr.h"
#include "core/limits.h"
#include "core/rfc3339.h"
#include "core/strconv.h"
#include "json/jw.h"
#include "model/apikeys.h"
#include "model/audit.h"
#include "model/users.h"

static bool
parse_expires(const char *v, int64_t now, int64_t *out)
{
	size_t n = strlen(v);
	int64_t days;

	if (n > 1 && v[n - 1] == 'd' && str_to_i64(v, n - 1, 1, LIMIT_KEY_MAX_DAYS, &days)) {
		*out = now + days * 86400000LL;
		return true;
	}
	return rfc3339_parse(v, out) && *out > now && *out <= now + LIMIT_KEY_MAX_DAYS * 86400000LL;
}

static int
key_create(struct ctx *c, int argc, char **argv)
{
	struct apikey_input in = { .by_cli = true };
	const char *user = NULL, *v;
	char allow[64 * LIMIT_KEY_IPS] = "", canon[64], secret[64], id[ID_LEN + 1];
	size_t alen = 0;
	int nips = 0;
	struct cidr cidr;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_flag_value(argc, argv, &i, "--user")) != NULL) {
			user = v;
		} else if ((v = cli_flag_value(argc, argv, &i, "--name")) != NULL) {
			in.name = v;
		} else if ((v = cli_flag_value(argc, argv, &i, "--scope")) != NULL) {
			if (scope_lookup(v) == 0)
				goto usage;
			in.scopes |= scope_lookup(v);
		} else if ((v = cli_flag_value(argc, argv, &i, "--expires")) != NULL) {
			if (!parse_expires(v, c->now, &in.expires_at))
				goto usage;
		} else if ((v = cli_flag_value(argc, argv, &i, "--allow-ip")) != NULL) {
			if (++nips > LIMIT_KEY_IPS || !cidr_parse(v, &cidr) ||
			    !cidr_format(&cidr, canon, sizeof(canon)))
				goto usage;
			int n = snprintf(allow + alen, sizeof(allow) - alen, "%s%s", alen ? " " : "", canon);
			if (n < 0 || (size_t)n >= sizeof(allow) - alen)
				goto usage;
			alen += (size_t)n;
		} else {
			goto usage;
		}
	}
	if (user == NULL || in.name == NULL || in.scopes == 0 || strlen(in.name) > 100)
		goto usage;
	in.allowlist = allow;
	enum err err = user_get_id_by_username(c, user, &in.user_id);
	if (!err)
		err = apikey_create(c, &in, secret, id);
	if (!err)
		err = audit_write(c, "key.create", "apiKey", id, NULL, NULL,
				  json_kv(c->arena, "name", in.name, "userId", in.user_id,
					  (const char *)NULL));
	if (!err)
		err = store_commit(c->store);
	if (err) {
		fprintf(stderr, "roster key create: %s\n", err_message(err));
		return EXIT_RUNTIME;
	}
	printf("%s\n", secret);
	fprintf(stderr, "roster: key %s created; the secret above is shown once\n", id);
	return 0;
usage:
	fprintf(stderr, "usage: roster key create --user NAME --name TEXT --scope S... "
			"[--expires RFC3339|Nd] [--allow-ip CIDR]...\n");
	return EXIT_USAGE;
}

static int
key_list(struct ctx *c, int argc, char **argv)
{
	const char *user = NULL, *user_id = NULL, *v;
	bool all = false;
	struct rows k;
	int64_t total;

	for (int i = 1; i < argc; i++) {
		if ((v = cli_flag_value(argc, argv, &i, "--user")) != NULL)
			user = v;
		else if (strcmp(argv[i], "--all") == 0)
			all = true;
		else {
			fprintf(stderr, "usage: roster key list [--user NAME] [--all]\n");
			return EXIT_USAGE;
		}
	}
	if (user != NULL && user_get_id_by_username(c, user, &user_id) != ERR_OK) {
		fprintf(stderr, "roster key list: unknown user\n");
		return EXIT_RUNTIME;
	}
	if (apikey_list(c, user_id, all ? NULL : "active", 1, 1000000, &k, &total) != ERR_OK)
		return EXIT_RUNTIME;
	for (size_t i = 0; i < k.n; i++) {
		struct buf b;
		struct jw w;
		buf_init(&b, 4096);
		jw_init(&w, &b);
		jw_obj(&w);
		jw_kstr(&w, "id", rows_text(&k, i, AK_ID));
		jw_kstr(&w, "name", rows_text(&k, i, AK_NAME));
		jw_kstr(&w, "prefix", rows_text(&k, i, AK_PREFIX));
		jw_kstr(&w, "user", rows_text(&k, i, AK_USERNAME));
		jw_kstr(&w, "scopes", rows_text(&k, i, AK_SCOPES));
		jw_ktime(&w, "expiresAt", rows_int(&k, i, AK_EXPIRES_AT));
		jw_kstr(&w, "status", apikey_status(&k, i, c->now));
		jw_obj_end(&w);
		printf("%s\n", b.p);
		buf_release(&b);
	}
	return 0;
}

static int
key_revoke(struct ctx *c, int argc, char **argv)
{
	bool changed;
	struct rows k;
	enum err err;

	if (argc != 2 || !id_is_valid(argv[1])) {
		fprintf(stderr, "usage: roster key revoke KEY_ID\n");
		return EXIT_USAGE;
	}
	err = apikey_get(c, argv[1], &k);
	if (!err)
		err = apikey_revoke(c, argv[1], &changed);
	if (!err && changed)
		err = audit_write(c, "key.revoke", "apiKey", argv[1], NULL, "{\"status\":\"active\"}",
				  "{\"status\":\"revoked\"}");
	if (!err)
		err = store_commit(c->store);
	if (err) {
		fprintf(stderr, "roster key revoke: %s\n", err_message(err));
		return EXIT_RUNTIME;
	}
	return 0;
}

int
cmd_key(int argc, char **argv)
{
	struct store *s;
	struct ctx c;
	int rc;

	if (argc < 1) {
		fprintf(stderr, "usage: roster key create|list|revoke ...\n");
		return EXIT_USAGE;
	}
	if (cli_open(&s) != ERR_OK)
		return EXIT_RUNTIME;
	struct arena *a = arena_new();
	cli_ctx(&c, s, a);
	if (store_begin(s, true) != ERR_OK) {
		rc = EXIT_RUNTIME;
	} else if (strcmp(argv[0], "create") == 0) {
		rc = key_create(&c, argc, argv);
	} else if (strcmp(argv[0], "list") == 0) {
		rc = key_list(&c, argc, argv);
	} else if (strcmp(argv[0], "revoke") == 0) {
		rc = key_revoke(&c, argc, argv);
	} else {
		fprintf(stderr, "usage: roster key create|list|revoke ...\n");
		rc = EXIT_USAGE;
	}
	store_rollback(s);
	arena_free(a);
	store_close(s);
	return rc;
}
